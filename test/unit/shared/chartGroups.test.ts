/**
 * Which lines make which chart: the descriptor's curated charts with several series, datasets per
 * identifying label set, splitting per endpoint, threshold lines from quota rules, every series read by
 * its semantics (a counter as its rate, a histogram as quantiles, an info series not at all), the
 * quota's own "used this cycle" line, totals and ratios, the fallback for everything else, and the
 * sidebar's sparkline.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { descriptorOfKind, columnIdentity } from '../../../src/providers/registry';
import { buildCharts, buildSparkline, MAX_SERIES_PER_CHART, quotaKey, ratioKey, totalKey } from '../../../src/shared/chartGroups';
import { toColumns } from '../../../src/shared/columns';
import type { ConnectionHistory, SeriesColumns } from '../../../src/shared/protocol';
import type { MetricUnit, Sample } from '../../../src/shared/samples';
import type { ProviderKind } from '../../../src/shared/connections';
import type { QuotaStatus } from '../../../src/shared/snapshot';

const T = [1000, 2000, 3000];

function columns(
  series: string,
  unit: MetricUnit,
  labels?: Record<string, string>,
  v: (number | null)[] = [1, 2, 3],
  extra: Partial<SeriesColumns> = {},
): SeriesColumns {
  return { series, unit, ...(labels ? { labels } : {}), t: T, v, ...extra };
}

function history(series: SeriesColumns[], extra: Partial<ConnectionHistory> = {}): ConnectionHistory {
  return { connectionId: 'c1', from: 0, to: 4000, warnPercent: 75, criticalPercent: 90, series, ...extra };
}

/** Columns as the host posts them: built from samples through the descriptor's identity. */
function fromSamples(kind: ProviderKind, samples: Sample[]): SeriesColumns[] {
  return toColumns(
    [...samples].sort((a, b) => a.at - b.at),
    columnIdentity(descriptorOfKind(kind)),
  );
}

function charts(kind: ProviderKind, series: SeriesColumns[], quotas: QuotaStatus[] = [], extra: Partial<ConnectionHistory> = {}) {
  return buildCharts(descriptorOfKind(kind), history(series, extra), quotas);
}

function quota(id: string, limit: number | null, unit: MetricUnit, extra: Partial<QuotaStatus> = {}): QuotaStatus {
  return { id, label: id, value: 1, limit, unit, ratio: null, level: 'ok', ...extra };
}

describe('buildCharts', () => {
  test('Browserless: running and queued in one chart with the concurrency thresholds; outcomes in another', () => {
    const built = charts(
      'browserless',
      [
        columns('browserless.pressure.queued', 'count'),
        columns('browserless.pressure.running', 'count'),
        columns('browserless.metrics.successful', 'count'),
        columns('browserless.metrics.error', 'count'),
        columns('browserless.metrics.timedout', 'count'),
        columns('browserless.metrics.rejected', 'count'),
        columns('browserless.pressure.cpu', 'percent'),
      ],
      [quota('concurrency', 10, 'count')],
    );
    const concurrency = built.find((chart) => chart.key === 'concurrency');
    assert.ok(concurrency);
    assert.equal(concurrency.id, 'c1/concurrency');
    assert.deepEqual(
      concurrency.series.map((series) => [series.label, series.key]),
      [
        ['running', 'browserless.pressure.running{}'],
        ['queued', 'browserless.pressure.queued{}'],
      ],
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
    assert.deepEqual(
      built.map((chart) => chart.key),
      ['concurrency', 'outcomes', 'resources'],
    );
  });

  test('Browserless: readings with and without a `reason` are one yes/no line, drawn as steps in words', () => {
    const at = (index: number) => T[index] as number;
    const series = fromSamples('browserless', [
      { series: 'browserless.pressure.isAvailable', value: 1, unit: 'state', at: at(0) },
      { series: 'browserless.pressure.isAvailable', value: 0, unit: 'state', at: at(1), labels: { reason: 'full' } },
      { series: 'browserless.pressure.isAvailable', value: 1, unit: 'state', at: at(2) },
    ]);
    assert.equal(series.length, 1, 'one column, whatever the reason');
    const [chart] = charts('browserless', series);
    assert.equal(chart?.key, 'availability');
    assert.deepEqual(
      chart?.series.map((line) => line.v),
      [[1, 0, 1]],
    );
    assert.equal(chart?.stepped, true);
    assert.deepEqual(chart?.words, { '0': 'No', '1': 'Yes' });
  });

  test('Browserless totals are drawn as a rate per minute, a server restart counting as a reset', () => {
    const minute = 60_000;
    const totals = columns('browserless.total.successful', 'count', undefined, [100, 160, 20], {
      t: [0, minute, 2 * minute],
      semantics: 'counter',
      rate: 'minute',
    });
    const chart = charts('browserless', [totals]).find((entry) => entry.key === 'totals');
    assert.equal(chart?.unit, 'rate:minute:count');
    assert.deepEqual(chart?.series[0]?.v, [null, 60, 20]);
  });

  test('Northflank: one dataset per container; a quota in another unit draws no line', () => {
    const built = charts(
      'northflank',
      [columns('northflank.cpu', 'vcpu', { container: 'api-b' }), columns('northflank.cpu', 'vcpu', { container: 'api-a' })],
      [quota('cpu', 100, 'percent')],
    );
    assert.equal(built.length, 1);
    assert.deepEqual(
      built[0]?.series.map((series) => series.label),
      ['api-a', 'api-b'],
    );
    assert.deepEqual(built[0]?.thresholds, []);
  });

  test('Cerebras: one latency chart per endpoint with avg/p50/p90/p95/p99 and the p95 limit', () => {
    const series = ['llama', 'qwen'].flatMap((endpoint) =>
      ['p99', 'avg', 'p50', 'p95', 'p90'].map((statistic) => columns('cerebras.latency.e2e', 'seconds', { endpoint, statistic })),
    );
    const built = charts('cerebras', series, [quota('p95Latency', 10, 'seconds')]);
    assert.deepEqual(
      built.map((chart) => [chart.key, chart.title]),
      [
        ['e2e:llama', 'End-to-end latency — llama'],
        ['e2e:qwen', 'End-to-end latency — qwen'],
      ],
    );
    assert.deepEqual(
      built[0]?.series.map((entry) => entry.label),
      ['avg', 'p50', 'p90', 'p95', 'p99'],
    );
    assert.equal(built[0]?.thresholds[0]?.label, 'p95 limit 10 s');
  });

  test('Cerebras: requests with an all-endpoints total; the failure rate as one line of Σfailures / Σrequests', () => {
    const built = charts('cerebras', [
      columns('cerebras.requests.count', 'count', { endpoint: 'a' }, [100, 200, 300]),
      columns('cerebras.requests.count', 'count', { endpoint: 'b' }, [100, 0, 100]),
      columns('cerebras.requests.failure', 'count', { endpoint: 'a', code: '500' }, [2, 4, null]),
      columns('cerebras.requests.failure', 'count', { endpoint: 'b', code: '429' }, [2, 0, 4]),
    ]);
    const requests = built.find((chart) => chart.key === 'requests');
    const total = requests?.series.find((line) => line.key === totalKey('cerebras.requests.count'));
    assert.equal(total?.label, 'all endpoints');
    assert.deepEqual(total?.v, [200, 200, 400]);
    const rate = built.find((chart) => chart.key === 'failureRate');
    assert.equal(rate?.unit, 'percent');
    assert.deepEqual(
      rate?.series.map((line) => [line.key, line.v]),
      [[ratioKey('cerebras.requests.failure', 'cerebras.requests.count'), [2, 2, null]]],
    );
  });

  test('Browserbase: "used this cycle" is the quota’s basis, less its offset, from the cycle start, with the allocation lines', () => {
    const reported: SeriesColumns = {
      ...columns('browserbase.usage.browserMinutes', 'minutes', undefined, [10_000, 10_010, 10_025], { semantics: 'cycleUsage' }),
      lo: [9_000, 10_005, 10_020],
      hi: [10_001, 10_012, 10_030],
      last: [10_001, 10_012, 10_030],
      n: [3, 3, 3],
    };
    const minutes = quota('browserMinutes', 100, 'minutes', {
      value: 30,
      source: 'reported by Browserbase, less its reading of 31 Oct',
      basis: { series: 'browserbase.usage.browserMinutes', offset: 10_000, since: 2000 },
    });
    const built = charts('browserbase', [reported], [minutes], { bucketMs: 1000 });
    const chart = built.find((entry) => entry.key === 'browserMinutes');
    assert.equal(chart?.title, 'Browser minutes used this cycle');
    assert.deepEqual(
      chart?.series.map((line) => [line.key, line.t, line.v, line.lo]),
      [[quotaKey('browserMinutes'), [2000, 3000], [12, 30], undefined]],
    );
    assert.equal(chart?.series[0]?.label, 'used this cycle (reported by Browserbase, less its reading of 31 Oct)');
    assert.equal(chart?.thresholds[0]?.label, 'allocation 100 min');
    assert.equal(chart?.bucketMs, 1000);
    // The raw figure is still there, under "More charts", without the allocation it is not comparable with.
    const raw = built.find((entry) => entry.key === 'reportedMinutes');
    assert.equal(raw?.primary, false);
    assert.deepEqual(raw?.thresholds, []);
    assert.deepEqual(raw?.series[0]?.v, [10_001, 10_012, 10_030], 'a running total is read by each bucket’s newest value');
  });

  test('series no curated chart takes go under "More charts", grouped by family and unit', () => {
    const built = charts('browserless', [
      columns('browserless.total.estimatedMonthlyUnits', 'units'),
      columns('browserless.total.meanTime', 'milliseconds'),
      columns('browserless.total.maxTime', 'milliseconds'),
    ]);
    assert.deepEqual(
      built.map((chart) => [chart.title, chart.primary, chart.series.map((series) => series.label).join(',')]),
      [
        ['Total (ms)', false, 'maxTime,meanTime'],
        ['Total (units)', false, 'estimatedMonthlyUnits'],
      ],
    );
  });

  test('a series the descriptor does not know gets no chart (the panel lists it under Other values)', () => {
    assert.deepEqual(charts('cerebras', [columns('cerebras.brand_new_metric', 'none', undefined, [1, 2, 3], { known: false })]), []);
  });

  test('Prometheus: a counter is its rate per second, one chart per metric, datasets named by labels, crowded charts capped', () => {
    const many = Array.from({ length: MAX_SERIES_PER_CHART + 3 }, (_, index) =>
      columns('http_requests_total', 'none', { code: String(200 + index), method: 'GET' }, [0, 1000, 3000], { semantics: 'counter', rate: 'second' }),
    );
    const built = charts('prometheus', [...many, columns('queue_depth', 'none')]);
    const requests = built.find((chart) => chart.key === 'http_requests_total');
    assert.equal(requests?.title, 'http_requests_total per second');
    assert.equal(requests?.unit, 'rate:second:none');
    assert.equal(requests?.series.length, MAX_SERIES_PER_CHART);
    assert.equal(requests?.omitted, 3);
    assert.equal(requests?.series[0]?.label, 'code=200, method=GET');
    assert.deepEqual(requests?.series[0]?.v, [null, 1000, 2000], 'one second between readings: the increase per second');
    assert.ok(built.every((chart) => chart.primary));
  });

  test('Prometheus: a histogram is p50/p95/p99 of the observations between readings and their rate, never a line per bucket', () => {
    const at = [0, 10_000, 20_000];
    const bucket = (le: string, v: number[]) =>
      columns('latency_seconds_bucket', 'count', { le }, v, { t: at, semantics: 'histogram', family: 'latency_seconds', component: 'bucket' });
    const built = charts('prometheus', [
      bucket('0.1', [0, 50, 50]),
      bucket('1', [0, 90, 90]),
      bucket('+Inf', [0, 100, 110]),
      columns('latency_seconds_sum', 'seconds', undefined, [0, 40, 45], { t: at, semantics: 'histogram', family: 'latency_seconds', component: 'sum' }),
      columns('latency_seconds_count', 'count', undefined, [0, 100, 110], { t: at, semantics: 'histogram', family: 'latency_seconds', component: 'count' }),
      columns('build_info', 'none', { version: '1.2' }, [1, 1, 1], { semantics: 'info' }),
    ]);
    assert.deepEqual(
      built.map((chart) => [chart.key, chart.unit, chart.series.map((line) => line.label)]),
      [
        ['latency_seconds', 'seconds', ['p50', 'p95', 'p99']],
        ['latency_seconds#observations', 'rate:second:count', ['latency_seconds']],
      ],
    );
    const [quantiles, observations] = built;
    // 100 observations in the first 10 s: half under 0.1 s, 90 under 1 s. In the next 10 s all 10 over 1 s.
    assert.deepEqual(quantiles?.series[0]?.v, [null, 0.1, 1]);
    assert.equal(quantiles?.series[1]?.v[1]?.toFixed(4), '1.0000');
    assert.deepEqual(observations?.series[0]?.v, [null, 10, 1]);
  });

  test('a unit change within a chart makes a second chart instead of mixing units on one axis', () => {
    const built = charts('northflank', [columns('northflank.cpu', 'vcpu', { container: 'a' }), columns('northflank.cpu', 'percent', { container: 'b' })]);
    assert.deepEqual(
      built.map((chart) => [chart.key, chart.unit]),
      [
        ['cpu', 'vcpu'],
        ['cpu~percent', 'percent'],
      ],
    );
  });

  test('state series are drawn as steps, their axis in words', () => {
    const [chart] = charts('cerebras', [columns('cerebras.endpoint.status', 'state', { endpoint: 'x' }, [1, 0, -1], { semantics: 'state' })]);
    assert.equal(chart?.stepped, true);
    assert.equal(chart?.words?.['-1'], 'unknown');
  });
});

describe('buildSparkline', () => {
  const figure = (id: string, key: string, dataset: string) => ({ id, label: id, chart: { key, dataset } });

  test('the line of the figure’s chart: Northflank the container the CPU figure names', () => {
    const line = buildSparkline(
      descriptorOfKind('northflank'),
      history([columns('northflank.cpu', 'vcpu', { container: 'a' }, [1, 5, null]), columns('northflank.cpu', 'vcpu', { container: 'b' }, [3, 2, null])]),
      { quotas: [], figures: [figure('cpu', 'cpu', 'northflank.cpu{container=b}')] },
    );
    assert.deepEqual(line?.v, [3, 2, null]);
    assert.equal(line?.unit, 'vcpu');
    assert.equal(line?.label, 'CPU of the busiest container, last hour');
  });

  test('Cerebras: requests summed over endpoints', () => {
    const line = buildSparkline(
      descriptorOfKind('cerebras'),
      history([columns('cerebras.requests.count', 'count', { endpoint: 'a' }), columns('cerebras.requests.count', 'count', { endpoint: 'b' })]),
      { quotas: [], figures: [figure('requests', 'requests', totalKey('cerebras.requests.count'))] },
    );
    assert.deepEqual(line?.v, [2, 4, 6]);
  });

  test('none without data or without a chart', () => {
    assert.equal(
      buildSparkline(descriptorOfKind('browserbase'), history([]), {
        quotas: [],
        figures: [figure('browserMinutes', 'browserMinutes', quotaKey('browserMinutes'))],
      }),
      undefined,
    );
    assert.equal(buildSparkline(descriptorOfKind('browserbase'), history([]), { quotas: [], figures: [] }), undefined);
  });
});
