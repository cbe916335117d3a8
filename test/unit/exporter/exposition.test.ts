/**
 * The exporter's text in both formats, read back with the project's own parser: OpenMetrics in strict
 * mode and 0.0.4 text with zero issues, escapes intact, counters and info families named as each
 * format wants, and the format chosen from the Accept header the way Prometheus ranks it.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { negotiateFormat, renderExposition, type ExpositionFamily } from '../../../src/exporter/exposition';
import { parsePrometheusText } from '../../../src/prometheus/parsePrometheusText';

const FAMILIES: ExpositionFamily[] = [
  { name: 'live_usage_exporter', type: 'info', help: 'The exporter.', samples: [{ labels: { version: '1.2.3' }, value: 1 }] },
  {
    name: 'live_usage_up',
    type: 'gauge',
    help: 'Up "or" down \\ with a\nnewline.',
    samples: [
      { labels: { connection: 'a', provider: 'browserless' }, value: 1 },
      { labels: { connection: 'b', provider: 'cerebras' }, value: 0 },
    ],
  },
  {
    name: 'live_usage_browserless_total_successful',
    type: 'counter',
    help: 'Sessions that finished normally.',
    samples: [
      { labels: { connection: 'a', provider: 'browserless' }, value: 42 },
      // Left out: a counter cannot be NaN or negative.
      { labels: { connection: 'b', provider: 'browserless' }, value: Number.NaN },
      { labels: { connection: 'c', provider: 'browserless' }, value: -1 },
    ],
  },
  {
    name: 'live_usage_browserless_metrics_mean_time_seconds',
    type: 'gauge',
    unit: 'seconds',
    help: 'Mean session time.',
    samples: [
      { labels: { connection: 'a', provider: 'browserless', name: 'quote " back \\ slash\nline' }, value: 1.25 },
      { labels: { connection: 'd', provider: 'browserless' }, value: Number.NaN },
      { labels: { connection: 'e', provider: 'browserless' }, value: Infinity },
    ],
  },
];

describe('exposition', () => {
  test('OpenMetrics: strict parse, no issues, # EOF, units, counters and info by family', () => {
    const text = renderExposition(FAMILIES, 'openmetrics');
    assert.ok(text.endsWith('# EOF\n'));
    const result = parsePrometheusText(text, { format: 'openmetrics' });
    assert.deepEqual(result.issues, []);
    assert.deepEqual(result.flags, [], 'no rule broken, not even one Prometheus would forgive');
    assert.ok(result.sawEof);
    const byName = new Map(result.families.map((family) => [family.name, family]));
    assert.equal(byName.get('live_usage_exporter')?.type, 'info');
    assert.equal(byName.get('live_usage_exporter')?.samples[0]?.name, 'live_usage_exporter_info');
    const counter = byName.get('live_usage_browserless_total_successful');
    assert.equal(counter?.type, 'counter');
    assert.deepEqual(
      counter?.samples.map((sample) => [sample.name, sample.value]),
      [['live_usage_browserless_total_successful_total', 42]],
    );
    const mean = byName.get('live_usage_browserless_metrics_mean_time_seconds');
    assert.equal(mean?.unit, 'seconds');
    assert.equal(mean?.samples[0]?.labels.name, 'quote " back \\ slash\nline');
    assert.ok(Number.isNaN(mean?.samples[1]?.value));
    assert.equal(mean?.samples[2]?.value, Infinity);
    assert.equal(byName.get('live_usage_up')?.help, 'Up "or" down \\ with a\nnewline.');
  });

  test('Prometheus text 0.0.4: no issues, no UNIT, metadata named by the sample', () => {
    const text = renderExposition(FAMILIES, 'prometheus');
    assert.ok(!text.includes('# EOF'));
    assert.ok(!text.includes('# UNIT'));
    assert.match(text, /^# TYPE live_usage_browserless_total_successful_total counter$/m);
    assert.match(text, /^# TYPE live_usage_exporter_info gauge$/m);
    const result = parsePrometheusText(text, { format: 'prometheus' });
    assert.deepEqual(result.issues, []);
    assert.deepEqual(result.flags, []);
    const byName = new Map(result.families.map((family) => [family.name, family]));
    assert.equal(byName.get('live_usage_up')?.help, 'Up "or" down \\ with a\nnewline.');
    assert.equal(byName.get('live_usage_browserless_metrics_mean_time_seconds')?.samples[0]?.labels.name, 'quote " back \\ slash\nline');
  });

  test('the Accept header decides, as Prometheus ranks the formats', () => {
    const prometheus = 'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';
    assert.equal(negotiateFormat(prometheus), 'openmetrics');
    assert.equal(negotiateFormat('application/openmetrics-text'), 'openmetrics');
    assert.equal(negotiateFormat('text/plain;version=0.0.4;q=0.9,application/openmetrics-text;q=0.5'), 'prometheus');
    assert.equal(negotiateFormat(undefined), 'prometheus');
    assert.equal(negotiateFormat('*/*'), 'prometheus');
    assert.equal(negotiateFormat('application/openmetrics-text;q=0'), 'prometheus');
    assert.equal(negotiateFormat('application/openmetrics-text;version=2.0.0'), 'prometheus', 'a version we do not write is not chosen');
    assert.equal(negotiateFormat('application/json'), 'prometheus');
  });
});
