/**
 * Reading the exporter's series back from a team Prometheus: names, units and labels map to the
 * descriptor's series exactly as a direct connection stores them, the exporter's health families
 * become the connection's upstream state, counters keep only real readings, and PromQL panels become
 * series named by their titles.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { exportedFamilies, sampleName } from '../../../src/providers/exportedSeries';
import type { PromPoint } from '../../../src/providers/prometheusQuery/client';
import { counterReadings, exportedSelector, panelSamples, readExported, sampleNamesOf } from '../../../src/providers/prometheusQuery/normalize';
import { DESCRIPTORS } from '../../../src/providers/registry';

const AT = 1_700_000_000_000;
const base = { connection: 'bl', provider: 'browserless', job: 'live-usage', instance: 'exporter:9470' };
const point = (name: string, value: number, labels: Record<string, string> = {}, at = AT): PromPoint => ({ name, labels: { ...base, ...labels }, at, value });

describe('reading exported series back', () => {
  test('the selector names the connection, and only what a chart draws when asked', () => {
    assert.equal(exportedSelector('bb-prod'), '{__name__=~"live_usage_.+",connection="bb-prod"}');
    const names = sampleNamesOf(DESCRIPTORS.browserless, ['browserless.pressure.running', 'browserless.total.successful']);
    assert.deepEqual(names.sort(), ['live_usage_browserless_pressure_running', 'live_usage_browserless_total_successful_total']);
    assert.equal(exportedSelector('bl', names), `{__name__=~"${names.join('|')}",connection="bl"}`);
  });

  test('names, units, labels and values come back as the direct connection stores them', () => {
    const { samples } = readExported(DESCRIPTORS.browserless, [
      point('live_usage_browserless_pressure_running', 4),
      point('live_usage_browserless_metrics_mean_time_seconds', 13.136),
      point('live_usage_browserless_total_successful_total', 42),
      point('live_usage_browserless_metrics_running', Number.NaN),
      point('something_else', 1),
    ]);
    assert.deepEqual(samples, [
      { series: 'browserless.pressure.running', unit: 'count', at: AT, value: 4 },
      { series: 'browserless.metrics.meanTime', unit: 'milliseconds', at: AT, value: 13136 },
      { series: 'browserless.total.successful', unit: 'count', at: AT, value: 42 },
      { series: 'browserless.metrics.running', unit: 'count', at: AT, value: null, flags: ['notANumber'] },
    ]);
    const cerebras = readExported(DESCRIPTORS.cerebras, [
      point('live_usage_cerebras_requests_count', 12, { provider: 'cerebras', endpoint: 'llama', exported_job: 'batch' }),
    ]).samples;
    assert.deepEqual(cerebras, [
      { series: 'cerebras.requests.count', unit: 'count', at: AT, value: 12, windowMs: 60_000, labels: { endpoint: 'llama', job: 'batch' } },
    ]);
    const northflank = readExported(DESCRIPTORS.northflank, [
      point('live_usage_northflank_memory', 512, { provider: 'northflank', container: 'api-1', unit: 'megabytes' }),
    ]);
    assert.deepEqual(northflank.samples, [{ series: 'northflank.memory', unit: 'megabytes', at: AT, value: 512, labels: { container: 'api-1' } }]);
  });

  test('every family the exporter names maps back to its own series', () => {
    for (const descriptor of [DESCRIPTORS.browserless, DESCRIPTORS.browserbase, DESCRIPTORS.northflank, DESCRIPTORS.cerebras]) {
      const points = exportedFamilies(descriptor).map((family) => point(sampleName(family), 2, family.unitLabel ? { unit: 'percent' } : {}));
      const { samples } = readExported(descriptor, points);
      assert.deepEqual(
        samples.map((sample) => sample.series),
        exportedFamilies(descriptor).map((family) => family.series),
      );
    }
  });

  test('the exporter’s health families become the upstream state', () => {
    const { upstream, samples } = readExported(DESCRIPTORS.browserbase, [
      point('live_usage_up', 0, { provider: 'browserbase' }),
      point('live_usage_last_success_timestamp_seconds', 1_700_000_000.5, { feed: 'usage' }),
      point('live_usage_last_success_timestamp_seconds', 1_699_999_990, { feed: 'project' }),
      point('live_usage_poll_errors_total', 3, { feed: 'usage', kind: 'auth' }),
      point('live_usage_poll_errors_total', 1, { feed: 'sessions', kind: 'auth' }),
      point('live_usage_connection_info', 1, { provider: 'browserbase', descriptor: 'browserbase', name: 'Prod BB', usage_scope: 'lifetime' }),
      point('live_usage_quota_setting', 6000, { setting: 'monthlyBrowserMinutes' }),
      point('live_usage_quota_setting', 1, { setting: 'notASetting' }),
    ]);
    assert.deepEqual(samples, []);
    assert.deepEqual(upstream, {
      up: false,
      lastSuccessAt: 1_700_000_000_500,
      errors: { auth: 4 },
      provider: 'browserbase',
      descriptor: 'browserbase',
      name: 'Prod BB',
      usageScope: 'lifetime',
      quota: { monthlyBrowserMinutes: 6000 },
    });
  });

  test('counters keep real readings only: a changed total, or the same one after the slowest feed', () => {
    const descriptor = DESCRIPTORS.browserless;
    const total = (value: number, minutes: number) => ({ series: 'browserless.total.successful', unit: 'count' as const, value, at: AT + minutes * 60_000 });
    const gauge = (minutes: number) => ({ series: 'browserless.pressure.running', unit: 'count' as const, value: 1, at: AT + minutes * 60_000 });
    const kept = counterReadings(
      descriptor,
      [total(10, 0), gauge(0), total(10, 1), gauge(1), total(10, 14), total(12, 15), total(12, 16), total(12, 31)],
      15 * 60_000,
    );
    assert.deepEqual(
      kept.map((sample) => [sample.series.endsWith('running') ? 'gauge' : 'total', sample.value, (sample.at - AT) / 60_000]),
      [
        ['total', 10, 0],
        ['gauge', 1, 0],
        ['gauge', 1, 1],
        ['total', 12, 15],
        ['total', 12, 31],
      ],
    );
    // Across polls: the memory carries the last reading kept.
    const memory = new Map();
    assert.equal(counterReadings(descriptor, [total(5, 0)], 15 * 60_000, memory).length, 1);
    assert.equal(counterReadings(descriptor, [total(5, 1)], 15 * 60_000, memory).length, 0);
    assert.equal(counterReadings(descriptor, [total(6, 2)], 15 * 60_000, memory).length, 1);
  });

  test('a panel’s result series are samples of its title, in its unit', () => {
    const samples = panelSamples({ title: 'Errors', query: 'x', unit: 'count' }, [
      { name: '', labels: { code: '500' }, at: AT, value: 3 },
      { name: 'up', labels: {}, at: AT, value: Number.NaN },
    ]);
    assert.deepEqual(samples, [
      { series: 'Errors', unit: 'count', at: AT, value: 3, labels: { code: '500' } },
      { series: 'Errors', unit: 'count', at: AT, value: null, flags: ['notANumber'] },
    ]);
  });
});
