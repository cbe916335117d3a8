/**
 * Which series make which chart: curated charts per provider with several series, datasets per
 * label set, splitting per endpoint, threshold lines from quota rules, running totals read by their
 * newest value, the fallback for everything else, and the sidebar's sparkline.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildCharts, buildSparkline, MAX_SERIES_PER_CHART } from '../../../src/shared/chartGroups';
import type { ConnectionHistory, SeriesColumns } from '../../../src/shared/protocol';
import type { MetricUnit } from '../../../src/shared/samples';
import type { QuotaStatus } from '../../../src/shared/snapshot';

const T = [1000, 2000, 3000];

function columns(series: string, unit: MetricUnit, labels?: Record<string, string>, v: (number | null)[] = [1, 2, 3]): SeriesColumns {
  return { series, unit, ...(labels ? { labels } : {}), t: T, v };
}

function history(series: SeriesColumns[], extra: Partial<ConnectionHistory> = {}): ConnectionHistory {
  return { connectionId: 'c1', from: 0, to: 4000, warnPercent: 75, criticalPercent: 90, series, ...extra };
}

function quota(id: string, limit: number | null, unit: MetricUnit): QuotaStatus {
  return { id, label: id, value: 1, limit, unit, ratio: null, level: 'ok' };
}

describe('buildCharts', () => {
  test('Browserless: running and queued in one chart with the concurrency thresholds; outcomes in another', () => {
    const charts = buildCharts(
      'browserless',
      history([
        columns('browserless.pressure.queued', 'count'),
        columns('browserless.pressure.running', 'count'),
        columns('browserless.metrics.successful', 'count'),
        columns('browserless.metrics.error', 'count'),
        columns('browserless.metrics.timedout', 'count'),
        columns('browserless.metrics.rejected', 'count'),
        columns('browserless.pressure.cpu', 'percent'),
      ]),
      [quota('concurrency', 10, 'count')],
    );
    const concurrency = charts.find((chart) => chart.key === 'concurrency');
    assert.ok(concurrency);
    assert.equal(concurrency.id, 'c1/concurrency');
    assert.deepEqual(
      concurrency.series.map((series) => series.label),
      ['running', 'queued'],
    );
    assert.deepEqual(
      concurrency.thresholds.map((line) => [line.level, line.value]),
      [
        ['limit', 10],
        ['critical', 9],
        ['warning', 7.5],
      ],
    );
    assert.equal(concurrency.thresholds[0]?.label, 'limit 10');
    const outcomes = charts.find((chart) => chart.key === 'outcomes');
    assert.deepEqual(
      outcomes?.series.map((series) => series.label),
      ['successful', 'error', 'timed out', 'rejected'],
    );
    assert.deepEqual(
      charts.map((chart) => chart.key),
      ['concurrency', 'outcomes', 'resources'],
    );
  });

  test('Northflank: one dataset per container; a quota in another unit draws no line', () => {
    const charts = buildCharts(
      'northflank',
      history([columns('northflank.cpu', 'vcpu', { container: 'api-b' }), columns('northflank.cpu', 'vcpu', { container: 'api-a' })]),
      [quota('cpu', 100, 'percent')],
    );
    assert.equal(charts.length, 1);
    assert.deepEqual(
      charts[0]?.series.map((series) => series.label),
      ['api-a', 'api-b'],
    );
    assert.deepEqual(charts[0]?.thresholds, []);
  });

  test('Cerebras: one latency chart per endpoint with avg/p50/p90/p95/p99 and the p95 limit', () => {
    const series = ['llama', 'qwen'].flatMap((endpoint) =>
      ['p99', 'avg', 'p50', 'p95', 'p90'].map((statistic) => columns('cerebras.latency.e2e', 'seconds', { endpoint, statistic })),
    );
    const charts = buildCharts('cerebras', history(series), [quota('p95Latency', 10, 'seconds')]);
    assert.deepEqual(
      charts.map((chart) => chart.title),
      ['End-to-end latency — llama', 'End-to-end latency — qwen'],
    );
    assert.deepEqual(
      charts[0]?.series.map((entry) => entry.label),
      ['avg', 'p50', 'p90', 'p95', 'p99'],
    );
    assert.equal(charts[0]?.thresholds[0]?.label, 'p95 limit 10 s');
  });

  test("Browserbase: a running total is read by each bucket's newest value and has no band", () => {
    const minutes: SeriesColumns = {
      ...columns('browserbase.usage.browserMinutes', 'minutes', { project: 'p', basis: 'reported usage' }, [10, 20, 30]),
      lo: [9, 19, 29],
      hi: [11, 21, 31],
      last: [11, 21, 31],
      n: [3, 3, 3],
    };
    const sessions: SeriesColumns = { ...columns('browserbase.sessions.running', 'count'), lo: [0, 1, 2], hi: [2, 3, 4], last: [1, 2, 3], n: [3, 3, 3] };
    const charts = buildCharts('browserbase', history([minutes, sessions], { bucketMs: 1000 }), [quota('browserMinutes', 100, 'minutes')]);
    const minutesChart = charts.find((chart) => chart.key === 'browserMinutes');
    assert.deepEqual(minutesChart?.series[0]?.v, [11, 21, 31]);
    assert.equal(minutesChart?.series[0]?.lo, undefined);
    assert.equal(minutesChart?.series[0]?.label, 'Browser minutes', 'project and basis say where it came from, not what it is');
    assert.equal(minutesChart?.thresholds[0]?.label, 'allocation 100 min');
    assert.equal(minutesChart?.bucketMs, 1000);
    const sessionsChart = charts.find((chart) => chart.key === 'sessions');
    assert.deepEqual(sessionsChart?.series[0]?.v, [1, 2, 3], 'a gauge is read by its mean');
    assert.deepEqual(sessionsChart?.series[0]?.hi, [2, 3, 4]);
  });

  test('series no curated chart takes go under "More charts", grouped by family and unit', () => {
    const charts = buildCharts(
      'browserless',
      history([
        columns('browserless.total.successful', 'count'),
        columns('browserless.total.error', 'count'),
        columns('browserless.total.meanTime', 'milliseconds'),
      ]),
      [],
    );
    assert.deepEqual(
      charts.map((chart) => [chart.title, chart.primary, chart.series.map((series) => series.label).join(',')]),
      [
        ['Total (count)', false, 'error,successful'],
        ['Total (ms)', false, 'meanTime'],
      ],
    );
  });

  test('Prometheus: one chart per metric, datasets named by their labels, crowded charts capped', () => {
    const many = Array.from({ length: MAX_SERIES_PER_CHART + 3 }, (_, index) =>
      columns('http_requests_total', 'none', { code: String(200 + index), method: 'GET' }),
    );
    const charts = buildCharts('prometheus', history([...many, columns('queue_depth', 'none')]), []);
    const requests = charts.find((chart) => chart.key === 'http_requests_total');
    assert.equal(requests?.series.length, MAX_SERIES_PER_CHART);
    assert.equal(requests?.omitted, 3);
    assert.equal(requests?.series[0]?.label, 'code=200, method=GET');
    assert.ok(charts.every((chart) => chart.primary));
  });

  test('a unit change within a chart makes a second chart instead of mixing units on one axis', () => {
    const charts = buildCharts(
      'northflank',
      history([columns('northflank.cpu', 'vcpu', { container: 'a' }), columns('northflank.cpu', 'percent', { container: 'b' })]),
      [],
    );
    assert.deepEqual(
      charts.map((chart) => [chart.key, chart.unit]),
      [
        ['cpu', 'vcpu'],
        ['cpu~percent', 'percent'],
      ],
    );
  });

  test('state series are drawn as steps', () => {
    const [chart] = buildCharts('cerebras', history([columns('cerebras.endpoint.status', 'state', { endpoint: 'x' })]), []);
    assert.equal(chart?.stepped, true);
  });
});

describe('buildSparkline', () => {
  test('Northflank: the busiest container at each time', () => {
    const line = buildSparkline(
      'northflank',
      history([columns('northflank.cpu', 'vcpu', { container: 'a' }, [1, 5, null]), columns('northflank.cpu', 'vcpu', { container: 'b' }, [3, 2, null])]),
    );
    assert.deepEqual(line?.v, [3, 5, null]);
    assert.equal(line?.unit, 'vcpu');
  });

  test('Cerebras: requests summed over endpoints', () => {
    const line = buildSparkline(
      'cerebras',
      history([columns('cerebras.requests.count', 'count', { endpoint: 'a' }), columns('cerebras.requests.count', 'count', { endpoint: 'b' })]),
    );
    assert.deepEqual(line?.v, [2, 4, 6]);
  });

  test('Browserbase: the running total by its newest value; none without data', () => {
    const minutes: SeriesColumns = {
      ...columns('browserbase.usage.browserMinutes', 'minutes', undefined, [1, 2, 3]),
      last: [5, 6, 7],
      lo: [1, 2, 3],
      hi: [5, 6, 7],
      n: [2, 2, 2],
    };
    assert.deepEqual(buildSparkline('browserbase', history([minutes]))?.v, [5, 6, 7]);
    assert.equal(buildSparkline('browserbase', history([])), undefined);
  });

  test('Prometheus: the first series with a value, first label set only', () => {
    const line = buildSparkline(
      'prometheus',
      history([columns('empty', 'none', undefined, [null, null, null]), columns('queue', 'none', { q: 'a' }), columns('queue', 'none', { q: 'b' }, [9, 9, 9])]),
    );
    assert.deepEqual(line?.v, [1, 2, 3]);
    assert.match(line?.label ?? '', /^queue, last hour$/);
  });
});
