import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ProviderError } from '../../../src/http/errors';
import { HttpClient } from '../../../src/http/httpClient';
import { parsePrometheusText } from '../../../src/prometheus/parsePrometheusText';
import { CerebrasClient } from '../../../src/providers/cerebras/cerebrasClient';
import { CEREBRAS_SERIES, CEREBRAS_WINDOW_MS, normalizeCerebras } from '../../../src/providers/cerebras/normalize';
import type { Sample } from '../../../src/shared/samples';

// 12:34:56.789 UTC: the values describe the minute that ended at 12:34:00.
const FETCHED = Date.UTC(2026, 10, 23, 12, 34, 56, 789);
const MINUTE_END = Date.UTC(2026, 10, 23, 12, 34, 0, 0);

/** In the style of the Metrics API reference: 0.0.4 text, gauges named _total, blank lines, no # EOF. */
const BODY = `# HELP inference_endpoint_status Status of the inference endpoint
# TYPE inference_endpoint_status gauge
inference_endpoint_status{endpoint="llama-3.3-70b",organization_id="org_abc123"} 1
inference_endpoint_status{endpoint="qwen-3-32b",organization_id="org_abc123"} -1

# HELP requests_count_total Requests in the last complete minute
# TYPE requests_count_total gauge
requests_count_total{endpoint="llama-3.3-70b",organization_id="org_abc123"} 120
requests_count_total{endpoint="qwen-3-32b",organization_id="org_abc123"} 0

# TYPE requests_success_total gauge
requests_success_total{endpoint="llama-3.3-70b",organization_id="org_abc123"} 115

# TYPE requests_failure_total gauge
requests_failure_total{endpoint="llama-3.3-70b",organization_id="org_abc123",code="429"} 4
requests_failure_total{endpoint="llama-3.3-70b",organization_id="org_abc123",code="500"} 1

# TYPE input_tokens_total gauge
input_tokens_total{endpoint="llama-3.3-70b",organization_id="org_abc123"} 84000
# TYPE output_tokens_total gauge
output_tokens_total{endpoint="llama-3.3-70b",organization_id="org_abc123"} 21000
# TYPE cache_reads_total gauge
cache_reads_total{endpoint="llama-3.3-70b",organization_id="org_abc123"} 30000
# TYPE cache_rate gauge
cache_rate{endpoint="llama-3.3-70b",organization_id="org_abc123"} 0.357

# HELP queue_time_seconds Queue time percentiles
# TYPE queue_time_seconds gauge
queue_time_seconds{endpoint="llama-3.3-70b",organization_id="org_abc123",percentile="avg"} 0.012
queue_time_seconds{endpoint="llama-3.3-70b",organization_id="org_abc123",percentile="p95"} 0.031

# TYPE e2e_latency_seconds gauge
e2e_latency_seconds{endpoint="llama-3.3-70b",organization_id="org_abc123",percentile="p99"} 2.5

# TYPE ttft_seconds gauge
ttft_seconds{endpoint="llama-3.3-70b",organization_id="org_abc123",statistic="p95"} 0.5
ttft_seconds{endpoint="llama-3.3-70b",organization_id="org_abc123",statistic="p50"} NaN

# TYPE tpot gauge
tpot{endpoint="llama-3.3-70b",organization_id="org_abc123",statistic="avg"} 0.0015

# TYPE latency_generation_seconds gauge
latency_generation_seconds{endpoint="llama-3.3-70b",organization_id="org_abc123",statistic="p90"} 1.25

# TYPE speculative_accept_rate gauge
speculative_accept_rate{endpoint="llama-3.3-70b",organization_id="org_abc123"} 0.8
`;

function normalize(body: string) {
  return normalizeCerebras(
    body,
    parsePrometheusText(body, { format: 'prometheus' }),
    FETCHED,
    'https://cloud.cerebras.ai/api/v1/metrics/organizations/org_abc123',
  );
}

function only(samples: readonly Sample[], series: string, labels: Record<string, string>): Sample {
  const found = samples.filter((s) => s.series === series && JSON.stringify(s.labels) === JSON.stringify(labels));
  assert.equal(found.length, 1, `${series} ${JSON.stringify(labels)}: ${found.length} samples`);
  return found[0] as Sample;
}

const LLAMA = { endpoint: 'llama-3.3-70b' };

describe('normalizeCerebras', () => {
  test('every documented family, per endpoint, over the last complete minute', () => {
    const reading = normalize(BODY);
    assert.equal(reading.offered, true);
    assert.equal(reading.hasMetrics, true);
    assert.equal(reading.minuteEnd, MINUTE_END);
    assert.deepEqual(reading.endpoints, ['llama-3.3-70b', 'qwen-3-32b']);
    assert.equal(reading.notes, undefined);

    const requests = only(reading.samples, CEREBRAS_SERIES.requests, LLAMA);
    assert.deepEqual(requests, { series: 'cerebras.requests.count', unit: 'count', at: MINUTE_END, windowMs: CEREBRAS_WINDOW_MS, labels: LLAMA, value: 120 });
    assert.equal(only(reading.samples, CEREBRAS_SERIES.requests, { endpoint: 'qwen-3-32b' }).value, 0);
    assert.equal(only(reading.samples, CEREBRAS_SERIES.requestsSuccess, LLAMA).value, 115);
    assert.equal(only(reading.samples, CEREBRAS_SERIES.requestsFailure, { ...LLAMA, code: '429' }).value, 4);
    assert.equal(only(reading.samples, CEREBRAS_SERIES.requestsFailure, { ...LLAMA, code: '500' }).value, 1);
    assert.equal(only(reading.samples, CEREBRAS_SERIES.inputTokens, LLAMA).unit, 'tokens');
    assert.equal(only(reading.samples, CEREBRAS_SERIES.outputTokens, LLAMA).value, 21000);
    assert.equal(only(reading.samples, CEREBRAS_SERIES.cacheReads, LLAMA).value, 30000);
    const cacheRate = only(reading.samples, CEREBRAS_SERIES.cacheRate, LLAMA);
    assert.equal(cacheRate.unit, 'ratio');
    assert.equal(cacheRate.value, 0.357);
  });

  test('endpoint status -1 (error computing status) is a real state, not a bad count', () => {
    const status = only(normalize(BODY).samples, CEREBRAS_SERIES.endpointStatus, { endpoint: 'qwen-3-32b' });
    assert.equal(status.value, -1);
    assert.equal(status.unit, 'state');
    assert.equal(status.flags, undefined);
  });

  test('percentile and statistic labels become one statistic label; unit seconds', () => {
    const { samples } = normalize(BODY);
    const queue = only(samples, CEREBRAS_SERIES.queueTime, { ...LLAMA, statistic: 'p95' });
    assert.equal(queue.unit, 'seconds');
    assert.equal(queue.value, 0.031);
    assert.equal(only(samples, CEREBRAS_SERIES.e2eLatency, { ...LLAMA, statistic: 'p99' }).value, 2.5);
    assert.equal(only(samples, CEREBRAS_SERIES.ttft, { ...LLAMA, statistic: 'p95' }).value, 0.5);
    assert.equal(only(samples, CEREBRAS_SERIES.tpot, { ...LLAMA, statistic: 'avg' }).unit, 'seconds');
    assert.equal(only(samples, CEREBRAS_SERIES.generationLatency, { ...LLAMA, statistic: 'p90' }).value, 1.25);
    const nan = only(samples, CEREBRAS_SERIES.ttft, { ...LLAMA, statistic: 'p50' });
    assert.equal(nan.value, null);
    assert.deepEqual(nan.flags, ['notANumber']);
    for (const sample of samples) {
      assert.equal(sample.labels?.percentile, undefined);
      assert.equal(sample.labels?.organization_id, undefined);
    }
  });

  test('families not in the published list are kept under cerebras.<name>', () => {
    const extra = only(normalize(BODY).samples, 'cerebras.speculative_accept_rate', LLAMA);
    assert.equal(extra.value, 0.8);
    assert.equal(extra.windowMs, CEREBRAS_WINDOW_MS);
  });

  test('an empty body is valid: nothing enabled yet', () => {
    for (const body of ['', '\n', '  \n\n']) {
      const reading = normalize(body);
      assert.equal(reading.hasMetrics, false);
      assert.deepEqual(reading.samples, []);
      assert.match(reading.notes?.[0] ?? '', /No metrics are enabled/);
    }
    const commentsOnly = normalize('# HELP requests_count_total x\n# TYPE requests_count_total gauge\n');
    assert.equal(commentsOnly.hasMetrics, false);
    assert.match(commentsOnly.notes?.[0] ?? '', /No metrics are enabled/);
  });

  test('a negative count is withheld and flagged', () => {
    const reading = normalize('requests_count_total{endpoint="m"} -3\n');
    const sample = only(reading.samples, CEREBRAS_SERIES.requests, { endpoint: 'm' });
    assert.equal(sample.value, null);
    assert.deepEqual(sample.flags, ['invalidNegative']);
    assert.ok(reading.notes?.some((note) => /negative/.test(note)));
  });

  test('impossible values are withheld and flagged: a fractional request count, a negative latency', () => {
    const reading = normalize('requests_count_total{endpoint="m"} 2.5\ne2e_latency_seconds{endpoint="m",statistic="p95"} -1.5\n');
    const requests = only(reading.samples, CEREBRAS_SERIES.requests, { endpoint: 'm' });
    assert.deepEqual([requests.value, requests.flags, requests.rawValue], [null, ['notWholeNumber'], 2.5]);
    const latency = only(reading.samples, CEREBRAS_SERIES.e2eLatency, { endpoint: 'm', statistic: 'p95' });
    assert.deepEqual([latency.value, latency.flags, latency.rawValue], [null, ['outOfRange'], -1.5]);
    assert.ok(
      reading.notes?.some((note) => /impossible/.test(note)),
      JSON.stringify(reading.notes),
    );
  });

  test('a bad line is reported with its line number, the rest still reads', () => {
    const reading = normalize('requests_count_total{endpoint="m"} 5\nrequests_success_total{endpoint="m" 4\noutput_tokens_total{endpoint="m"} 9\n');
    assert.equal(reading.samples.length, 2);
    assert.equal(reading.notes?.length, 1);
    assert.match(reading.notes?.[0] ?? '', /^Line 2 was skipped/);
  });

  test('a body that is not an exposition at all is a bad response with the line', () => {
    assert.throws(
      () => normalize('{"message":"Internal error","type":"server_error"}'),
      (error: unknown) => error instanceof ProviderError && error.kind === 'badResponse' && error.where === 'line 1' && /line 1/.test(error.message),
    );
  });

  test('a sample timestamp wins over the minute boundary', () => {
    const reading = normalize('requests_count_total{endpoint="m"} 5 1795418580000\n');
    assert.equal(reading.samples[0]?.at, 1795418580000);
  });
});

describe('CerebrasClient configuration', () => {
  test('the organization id is required and must be one path segment', () => {
    const http = new HttpClient();
    assert.throws(() => new CerebrasClient(http, { baseUrl: 'https://cloud.cerebras.ai', organizationId: '  ' }), /organization id/);
    for (const organizationId of ['org_a/b', '..', 'org%2F1']) {
      assert.throws(
        () => new CerebrasClient(http, { baseUrl: 'https://cloud.cerebras.ai/', organizationId }),
        (error: unknown) => error instanceof ProviderError && error.kind === 'request' && /Cerebras organization id/.test(error.message),
      );
    }
    assert.doesNotThrow(() => new CerebrasClient(http, { baseUrl: 'https://cloud.cerebras.ai/', organizationId: 'org_abc123' }));
    assert.throws(
      () => new CerebrasClient(http, { baseUrl: 'cloud.cerebras.ai', organizationId: 'org_a' }),
      (error: unknown) => error instanceof ProviderError && error.kind === 'request',
    );
  });
});
