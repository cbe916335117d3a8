import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ProviderError } from '../../../src/http/errors';
import { HttpClient } from '../../../src/http/httpClient';
import { parsePrometheusText } from '../../../src/prometheus/parsePrometheusText';
import type { MetricFamily, MetricType, ParseIssue, ParseResult, PromSample } from '../../../src/prometheus/types';
import { assertReadable, describeParseIssues, formatFromContentType, normalizeExposition, unitOfFamily } from '../../../src/providers/prometheus/normalize';
import { PROMETHEUS_ACCEPT, PrometheusClient } from '../../../src/providers/prometheus/prometheusClient';
import type { Sample } from '../../../src/shared/samples';

const AT = 1_795_418_640_000;

let line = 0;
const sample = (name: string, value: number, labels: Record<string, string> = {}, timestampMs?: number): PromSample => ({
  name,
  value,
  labels,
  line: ++line,
  ...(timestampMs === undefined ? {} : { timestampMs }),
});
const family = (name: string, type: MetricType, samples: PromSample[], unit?: string): MetricFamily => ({ name, type, samples, ...(unit ? { unit } : {}) });
const result = (families: MetricFamily[], issues: ParseIssue[] = []): ParseResult => ({ families, issues, sawEof: false });

function only(samples: readonly Sample[], series: string, labels?: Record<string, string>): Sample {
  const found = samples.filter((s) => s.series === series && (labels === undefined || JSON.stringify(s.labels ?? {}) === JSON.stringify(labels)));
  assert.equal(found.length, 1, `${series} ${JSON.stringify(labels)}: ${found.length} samples`);
  return found[0] as Sample;
}

describe('unitOfFamily', () => {
  test('# UNIT first, known units mapped, unknown kept raw', () => {
    assert.equal(unitOfFamily({ name: 'x', unit: 'seconds' }), 'seconds');
    assert.equal(unitOfFamily({ name: 'x', unit: 'bytes' }), 'bytes');
    assert.equal(unitOfFamily({ name: 'temperature_celsius', unit: 'celsius' }), 'raw:celsius');
  });

  test('else the unambiguous name suffixes, else none', () => {
    assert.equal(unitOfFamily({ name: 'http_request_duration_seconds' }), 'seconds');
    assert.equal(unitOfFamily({ name: 'process_cpu_seconds_total' }), 'seconds');
    assert.equal(unitOfFamily({ name: 'process_resident_memory_bytes' }), 'bytes');
    assert.equal(unitOfFamily({ name: 'http_requests_total' }), 'none');
    assert.equal(unitOfFamily({ name: 'queue_depth' }), 'none');
    assert.equal(unitOfFamily({ name: 'seconds_since_boot_count' }), 'none');
    assert.equal(unitOfFamily({ name: 'x', unit: '' }), 'none');
  });
});

describe('normalizeExposition', () => {
  test('gauges, counters and untyped samples: series = sample name, labels kept', () => {
    const samples = normalizeExposition(
      result([
        family('queue_depth', 'gauge', [sample('queue_depth', 8, { queue: 'emails' }), sample('queue_depth', 2, { queue: 'exports' }, AT - 5000)]),
        family('http_requests', 'counter', [sample('http_requests_total', 120, { code: '200' })]),
        family('process_cpu_seconds', 'counter', [sample('process_cpu_seconds_total', 1.5)], 'seconds'),
        family('legacy_thing', 'untyped', [sample('legacy_thing', -4)]),
      ]),
      { at: AT },
    );
    assert.deepEqual(only(samples, 'queue_depth', { queue: 'emails' }), { series: 'queue_depth', unit: 'none', at: AT, value: 8, labels: { queue: 'emails' } });
    // A sample's own timestamp wins over the fetch time.
    assert.equal(only(samples, 'queue_depth', { queue: 'exports' }).at, AT - 5000);
    assert.equal(only(samples, 'http_requests_total').value, 120);
    assert.equal(only(samples, 'http_requests_total').unit, 'none');
    assert.equal(only(samples, 'process_cpu_seconds_total').unit, 'seconds');
    // Untyped values may be negative; gauges are not counts.
    assert.equal(only(samples, 'legacy_thing').value, -4);
    assert.equal(only(samples, 'legacy_thing').labels, undefined);
  });

  test('a negative counter is withheld and flagged; NaN is withheld everywhere; Inf is kept', () => {
    const samples = normalizeExposition(
      result([
        family('broken', 'counter', [sample('broken_total', -1)]),
        family('temperature_celsius', 'gauge', [sample('temperature_celsius', Number.NaN, { sensor: 'broken' })], 'celsius'),
        family('up_since', 'gauge', [sample('up_since', Number.POSITIVE_INFINITY)]),
      ]),
      { at: AT },
    );
    const broken = only(samples, 'broken_total');
    assert.equal(broken.value, null);
    assert.deepEqual(broken.flags, ['invalidNegative']);
    assert.equal(broken.rawValue, -1);
    const temperature = only(samples, 'temperature_celsius');
    assert.equal(temperature.value, null);
    assert.deepEqual(temperature.flags, ['notANumber']);
    assert.equal(temperature.unit, 'raw:celsius');
    assert.equal(only(samples, 'up_since').value, Number.POSITIVE_INFINITY);
  });

  test('a count of observations with a fraction is withheld and flagged; a counter of seconds may have one', () => {
    const samples = normalizeExposition(
      result([
        family('latency_seconds', 'histogram', [sample('latency_seconds_count', 2.5), sample('latency_seconds_sum', 1.25)]),
        family('process_cpu_seconds', 'counter', [sample('process_cpu_seconds_total', 12.5)]),
      ]),
      { at: AT },
    );
    const count = only(samples, 'latency_seconds_count');
    assert.deepEqual([count.value, count.flags, count.rawValue], [null, ['notWholeNumber'], 2.5]);
    assert.equal(only(samples, 'latency_seconds_sum').value, 1.25);
    assert.equal(only(samples, 'process_cpu_seconds_total').value, 12.5);
  });

  test('histograms and summaries are exposed as their component samples', () => {
    const samples = normalizeExposition(
      result([
        family('http_request_duration_seconds', 'histogram', [
          sample('http_request_duration_seconds_bucket', 10, { le: '0.1' }),
          sample('http_request_duration_seconds_bucket', 12, { le: '+Inf' }),
          sample('http_request_duration_seconds_sum', 3.5),
          sample('http_request_duration_seconds_count', 12),
          sample('http_request_duration_seconds_created', 1_700_000_000),
        ]),
        family('rpc_duration_seconds', 'summary', [
          sample('rpc_duration_seconds', 0.045, { quantile: '0.5' }),
          sample('rpc_duration_seconds', Number.NaN, { quantile: '0.99', service: 'idle' }),
          sample('rpc_duration_seconds_sum', 9.1),
          sample('rpc_duration_seconds_count', 150),
        ]),
      ]),
      { at: AT },
    );
    const bucket = only(samples, 'http_request_duration_seconds_bucket', { le: '+Inf' });
    assert.equal(bucket.unit, 'count');
    assert.equal(bucket.value, 12);
    assert.equal(only(samples, 'http_request_duration_seconds_sum').unit, 'seconds');
    assert.equal(only(samples, 'http_request_duration_seconds_count').unit, 'count');
    // _created is a timestamp, not a measurement.
    assert.ok(!samples.some((s) => s.series.endsWith('_created')));
    const quantile = only(samples, 'rpc_duration_seconds', { quantile: '0.5' });
    assert.equal(quantile.unit, 'seconds');
    assert.equal(only(samples, 'rpc_duration_seconds', { quantile: '0.99', service: 'idle' }).value, null);
    assert.equal(only(samples, 'rpc_duration_seconds_count').unit, 'count');
    assert.equal(samples.length, 8);
  });

  test('series prefix and window are applied when asked', () => {
    const samples = normalizeExposition(result([family('x', 'gauge', [sample('x', 1)])]), { at: AT, seriesPrefix: 'p.', windowMs: 60_000 });
    assert.deepEqual(samples, [{ series: 'p.x', unit: 'none', at: AT, value: 1, windowMs: 60_000 }]);
  });
});

describe('parse issues', () => {
  const issue = (n: number): ParseIssue => ({ line: n, message: 'expected a value after the metric name', text: `bad_line_${n}` });

  test('are described with line numbers, at most three plus a count', () => {
    assert.deepEqual(describeParseIssues([]), []);
    const notes = describeParseIssues([issue(3), issue(7), issue(9), issue(12), issue(20)]);
    assert.equal(notes.length, 4);
    assert.match(notes[0] ?? '', /^Line 3 was skipped: expected a value after the metric name \("bad_line_3"\)$/);
    assert.match(notes[3] ?? '', /2 more/);
  });

  test('a body that yields only issues is a bad response naming the first bad line', () => {
    assert.throws(
      () => assertReadable('{"error":"nope"}', result([], [issue(1)]), 'The response of example.test', 'http://example.test/metrics'),
      (error: unknown) => error instanceof ProviderError && error.kind === 'badResponse' && error.where === 'line 1' && /line 1/.test(error.message),
    );
    assert.doesNotThrow(() => assertReadable('ok 1\nbad', result([family('ok', 'untyped', [sample('ok', 1)])], [issue(2)]), 'x'));
    assert.doesNotThrow(() => assertReadable('   \n', result([], [issue(1)]), 'x'));
    assert.doesNotThrow(() => assertReadable('# only comments\n', result([]), 'x'));
  });
});

describe('content negotiation', () => {
  test('the Accept header prefers OpenMetrics, then 0.0.4 text', () => {
    assert.equal(PROMETHEUS_ACCEPT, 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1');
  });

  test('the parser mode follows the content type', () => {
    assert.equal(formatFromContentType('application/openmetrics-text; version=1.0.0; charset=utf-8'), 'openmetrics');
    assert.equal(formatFromContentType('text/plain; version=0.0.4'), 'auto');
    assert.equal(formatFromContentType(undefined), 'auto');
  });
});

describe('with the real parser', () => {
  test('a 0.0.4 exposition with every family type', () => {
    const text = [
      '# HELP http_requests_total Total requests.',
      '# TYPE http_requests_total counter',
      'http_requests_total{method="GET",code="200"} 1027 1395066363000',
      'http_requests_total{method="POST",code="400"} 3',
      '',
      '# TYPE process_resident_memory_bytes gauge',
      'process_resident_memory_bytes 1.8e+08',
      '# TYPE http_request_duration_seconds histogram',
      'http_request_duration_seconds_bucket{le="0.5"} 129389',
      'http_request_duration_seconds_bucket{le="+Inf"} 144320',
      'http_request_duration_seconds_sum 53423',
      'http_request_duration_seconds_count 144320',
      '# TYPE rpc_duration_seconds summary',
      'rpc_duration_seconds{quantile="0.5"} 4773',
      'rpc_duration_seconds_sum 1.7560473e+07',
      'rpc_duration_seconds_count 2693',
      'build_info{note="a \\"quoted\\" \\\\ path\\nline"} 1',
      '',
    ].join('\n');
    const parsed = parsePrometheusText(text, { format: 'auto' });
    assert.deepEqual(parsed.issues, []);
    const samples = normalizeExposition(parsed, { at: AT });
    const get = only(samples, 'http_requests_total', { method: 'GET', code: '200' });
    assert.equal(get.value, 1027);
    assert.equal(get.at, 1395066363000);
    assert.equal(only(samples, 'process_resident_memory_bytes').unit, 'bytes');
    assert.equal(only(samples, 'http_request_duration_seconds_bucket', { le: '+Inf' }).unit, 'count');
    assert.equal(only(samples, 'http_request_duration_seconds_sum').unit, 'seconds');
    assert.equal(only(samples, 'rpc_duration_seconds', { quantile: '0.5' }).unit, 'seconds');
    assert.equal(only(samples, 'build_info').labels?.note, 'a "quoted" \\ path\nline');
    assert.equal(samples.length, 11);
  });

  test('OpenMetrics: # UNIT, seconds timestamps, counters named without _total', () => {
    const text = [
      '# TYPE process_cpu_seconds counter',
      '# UNIT process_cpu_seconds seconds',
      '# HELP process_cpu_seconds CPU time.',
      'process_cpu_seconds_total 4.2 1795418640.5',
      '# TYPE temperature_celsius gauge',
      '# UNIT temperature_celsius celsius',
      'temperature_celsius{sensor="outside"} -3.5',
      '# EOF',
      '',
    ].join('\n');
    const parsed = parsePrometheusText(text, { format: 'openmetrics' });
    assert.deepEqual(parsed.issues, []);
    const samples = normalizeExposition(parsed, { at: AT });
    const cpu = only(samples, 'process_cpu_seconds_total');
    assert.equal(cpu.unit, 'seconds');
    assert.equal(cpu.at, 1795418640500);
    assert.equal(only(samples, 'temperature_celsius').unit, 'raw:celsius');
    assert.equal(only(samples, 'temperature_celsius').value, -3.5);
  });

  test('a bad line is skipped and reported with its number, the rest still reads', () => {
    const parsed = parsePrometheusText('good 1\nthis is { not valid\nalso_good 2\n', { format: 'prometheus' });
    const samples = normalizeExposition(parsed, { at: AT });
    assert.deepEqual(
      samples.map((s) => s.series),
      ['good', 'also_good'],
    );
    const notes = describeParseIssues(parsed.issues);
    assert.equal(notes.length, 1);
    assert.match(notes[0] ?? '', /^Line 2 was skipped/);
  });
});

describe('PrometheusClient configuration', () => {
  test('a scrape URL that is not http(s) is a request error at configuration time', () => {
    const http = new HttpClient();
    assert.doesNotThrow(() => new PrometheusClient(http, { baseUrl: 'http://127.0.0.1:9100/metrics?x=1' }));
    for (const baseUrl of ['localhost:9100/metrics', 'file:///etc/passwd']) {
      assert.throws(
        () => new PrometheusClient(http, { baseUrl }),
        (error: unknown) => error instanceof ProviderError && error.kind === 'request',
      );
    }
  });
});
