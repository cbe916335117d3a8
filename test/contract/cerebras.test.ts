/**
 * The real CerebrasClient over real HTTP against the sandbox's Cerebras Metrics API: an organization
 * with metrics, one with nothing enabled, an unknown one, the 6-per-minute limit, and every fault.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { HttpClient } from '../../src/http/httpClient';
import { CerebrasClient, type CerebrasConfig, type CerebrasMetricsResult } from '../../src/providers/cerebras/cerebrasClient';
import { CEREBRAS_SERIES, CEREBRAS_WINDOW_MS, type CerebrasMetricsReading } from '../../src/providers/cerebras/normalize';
import type { Sandbox } from '../../sandbox/server';
import { assertNoSecret, rejectsWith } from '../support/providerFaults';
import { useSandbox } from '../support/sandbox';

/**
 * Deadlines no answer of the local servers comes near, even on a busy machine; a test about a deadline
 * shortens only that one, against a fault that can never meet it.
 */
const ROOMY = { headersMs: 10_000, bodyMs: 10_000, totalMs: 30_000 } as const;
const ROUTE = '/cerebras/api/v1/metrics/organizations/org_sandbox';

function offered(result: CerebrasMetricsResult): CerebrasMetricsReading {
  assert.equal(result.offered, true, `expected metrics, got: ${result.notes?.join(' ')}`);
  return result as CerebrasMetricsReading;
}

describe('Cerebras client against the sandbox', () => {
  // The limit is tested on its own below; here it would only make the fault tests order-dependent.
  const context = useSandbox({ cerebrasRequestsPerMinute: 0 });
  let sandbox: Sandbox;
  let http: HttpClient;
  before(() => {
    sandbox = context.sandbox;
    http = new HttpClient();
  });
  after(() => http.close());

  const clientFor = (overrides: Partial<CerebrasConfig> = {}) =>
    new CerebrasClient(http, {
      baseUrl: sandbox.baseUrl('cerebras'),
      token: sandbox.tokens.cerebras,
      organizationId: 'org_sandbox',
      timeouts: ROOMY,
      ...overrides,
    });

  test('reads every family per endpoint, with one statistic label and the minute window', async () => {
    sandbox.clearRequests();
    const reading = offered(await clientFor().metrics());
    assert.equal(reading.hasMetrics, true);
    assert.deepEqual(reading.endpoints, ['gpt-oss-120b', 'llama-3.3-70b', 'qwen-3-32b']);
    assert.equal(reading.minuteEnd % 60_000, 0);
    assert.ok(reading.minuteEnd <= reading.fetchedAt && reading.fetchedAt - reading.minuteEnd < 60_000);
    assert.equal(reading.notes, undefined);

    const series = new Set(reading.samples.map((sample) => sample.series));
    for (const id of Object.values(CEREBRAS_SERIES)) assert.ok(series.has(id), `missing ${id}`);
    for (const sample of reading.samples) {
      assert.equal(sample.windowMs, CEREBRAS_WINDOW_MS);
      assert.equal(sample.at, reading.minuteEnd);
      assert.equal(sample.labels?.organization_id, undefined);
      assert.equal(sample.labels?.percentile, undefined);
      assert.ok(sample.labels?.endpoint, `${sample.series} has no endpoint`);
    }
    const latency = [CEREBRAS_SERIES.queueTime, CEREBRAS_SERIES.e2eLatency, CEREBRAS_SERIES.ttft, CEREBRAS_SERIES.tpot, CEREBRAS_SERIES.generationLatency];
    for (const id of latency) {
      const samples = reading.samples.filter((sample) => sample.series === id);
      // 3 endpoints x avg/p50/p90/p95/p99, whether the family used `percentile` or `statistic`.
      assert.equal(samples.length, 15, id);
      assert.deepEqual([...new Set(samples.map((sample) => sample.labels?.statistic))].sort(), ['avg', 'p50', 'p90', 'p95', 'p99']);
      assert.ok(samples.every((sample) => sample.unit === 'seconds'));
    }
    const failures = reading.samples.filter((sample) => sample.series === CEREBRAS_SERIES.requestsFailure);
    assert.deepEqual([...new Set(failures.map((sample) => sample.labels?.code))].sort(), ['429', '500']);
    const status = reading.samples.filter((sample) => sample.series === CEREBRAS_SERIES.endpointStatus);
    assert.ok(status.every((sample) => sample.value === 1 && sample.unit === 'state'));
    assert.ok(reading.samples.filter((sample) => sample.series === CEREBRAS_SERIES.inputTokens).every((sample) => sample.unit === 'tokens'));

    const [request] = sandbox.requests;
    assert.equal(request?.path, ROUTE);
    assert.deepEqual(request?.auth, ['bearer']);
    assert.equal(request?.headers['content-type'], undefined);
  });

  test('a reading over the series cap keeps the first series and says how many were left out', async () => {
    const reading = offered(await clientFor().metrics({ maxSeries: 5 }));
    assert.equal(new Set(reading.samples.map((sample) => `${sample.series}${JSON.stringify(sample.labels)}`)).size, 5);
    assert.ok(
      reading.notes?.some((note) => /the first 5 are kept/.test(note)),
      JSON.stringify(reading.notes),
    );
  });

  test('endpoint status -1 and 0 come through as states', async () => {
    sandbox.setState({ cerebras: { endpointStatus: -1 } });
    try {
      const reading = offered(await clientFor().metrics());
      const status = reading.samples.filter((sample) => sample.series === CEREBRAS_SERIES.endpointStatus);
      assert.ok(status.length === 3 && status.every((sample) => sample.value === -1 && sample.flags === undefined));
    } finally {
      sandbox.setState({ cerebras: null });
    }
  });

  test('an organization with nothing enabled: empty body, a note, zero samples', async () => {
    const reading = offered(await clientFor({ organizationId: 'org_empty' }).metrics());
    assert.equal(reading.hasMetrics, false);
    assert.deepEqual(reading.samples, []);
    assert.match(reading.notes?.[0] ?? '', /No metrics are enabled/);
  });

  test('an organization without the Metrics API (404): not offered, with a note', async () => {
    const result = await clientFor({ organizationId: 'org_other' }).metrics();
    assert.equal(result.offered, false);
    assert.deepEqual(result.samples, []);
    assert.match(result.notes?.[0] ?? '', /not enabled for organization org_other/);
  });

  test('a wrong or missing key: auth error that says what it means and never shows the key', async () => {
    const secret = 'csk-wrong-8d1e77f0';
    const wrong = await rejectsWith(clientFor({ token: secret }).metrics(), 'auth');
    assert.equal(wrong.status, 401);
    assert.match(wrong.message, /Metrics API/);
    assertNoSecret(wrong, secret);
    const missing = await rejectsWith(clientFor({ token: undefined }).metrics(), 'auth');
    assert.equal(missing.status, 401);
  });

  describe('faults', () => {
    const token = () => sandbox.tokens.cerebras;
    const inject = (fault: Parameters<Sandbox['injectFault']>[0]['fault']) => sandbox.injectFault({ route: ROUTE, fault, times: 1 });

    test('401: auth error without the key', async () => {
      inject({ kind: 'status', status: 401 });
      const error = await rejectsWith(clientFor().metrics(), 'auth');
      assert.equal(error.status, 401);
      assertNoSecret(error, token());
    });

    test('403: auth error that names access to the organization', async () => {
      inject({ kind: 'status', status: 403 });
      const error = await rejectsWith(clientFor().metrics(), 'auth');
      assert.equal(error.status, 403);
      assert.match(error.message, /no access to the metrics of organization org_sandbox/);
      assertNoSecret(error, token());
    });

    test('404: not offered', async () => {
      inject({ kind: 'status', status: 404 });
      const result = await clientFor().metrics();
      assert.equal(result.offered, false);
    });

    test('429 with Retry-After: rateLimited with retryAfterMs', async () => {
      inject({ kind: 'rateLimit', retryAfterSeconds: 42 });
      const error = await rejectsWith(clientFor().metrics(), 'rateLimited');
      assert.equal(error.retryAfterMs, 42_000);
    });

    test('500: server error', async () => {
      inject({ kind: 'status', status: 500 });
      const error = await rejectsWith(clientFor().metrics(), 'server');
      assert.equal(error.status, 500);
    });

    test('hang: headers timeout', async () => {
      inject({ kind: 'hang' });
      assert.equal((await rejectsWith(clientFor({ timeouts: { ...ROOMY, headersMs: 300 } }).metrics(), 'timeout')).phase, 'headers');
    });

    test('a body that stalls: body timeout', async () => {
      inject({ kind: 'slowDrip', chunkDelayMs: 2500 });
      assert.equal((await rejectsWith(clientFor({ timeouts: { ...ROOMY, bodyMs: 300 } }).metrics(), 'timeout')).phase, 'body');
    });

    test('a slow drip with short gaps: total timeout', async () => {
      inject({ kind: 'slowDrip', chunkDelayMs: 40, chunkBytes: 8 });
      assert.equal((await rejectsWith(clientFor({ timeouts: { ...ROOMY, totalMs: 400 } }).metrics(), 'timeout')).phase, 'total');
    });

    test('malformed JSON where text was expected: badResponse with the line', async () => {
      inject({ kind: 'malformedJson' });
      const error = await rejectsWith(clientFor().metrics(), 'badResponse');
      assert.equal(error.where, 'line 1');
    });

    test('a JSON body of the wrong shape: badResponse with the line', async () => {
      inject({ kind: 'wrongShape' });
      const error = await rejectsWith(clientFor().metrics(), 'badResponse');
      assert.match(error.where ?? '', /^line \d+$/);
      assert.match(error.message, /not Prometheus text: line \d+/);
    });

    test('truncated body: network error', async () => {
      inject({ kind: 'truncated' });
      await rejectsWith(clientFor().metrics(), 'network');
    });

    test('oversized body: badResponse', async () => {
      inject({ kind: 'oversized', bytes: 500_000 });
      const error = await rejectsWith(clientFor({ maxBytes: 64 * 1024 }).metrics(), 'badResponse');
      assert.equal(error.where, 'body size');
    });

    test('connection reset: network error', async () => {
      inject({ kind: 'reset' });
      const error = await rejectsWith(clientFor().metrics(), 'network');
      assertNoSecret(error, token());
    });

    test('HTML page: badResponse', async () => {
      inject({ kind: 'html' });
      assert.equal((await rejectsWith(clientFor().metrics(), 'badResponse')).where, 'content-type');
    });

    test('caller abort: cancelled', async () => {
      inject({ kind: 'hang' });
      const controller = new AbortController();
      const pending = clientFor().metrics({ signal: controller.signal });
      setTimeout(() => controller.abort(), 50);
      await rejectsWith(pending, 'cancelled');
    });
  });
});

describe('Cerebras rate limit (6 requests per minute per organization)', () => {
  const context = useSandbox();
  const http = new HttpClient();
  after(() => http.close());

  test('the seventh request in a minute is rateLimited with the server-given wait', async () => {
    const client = new CerebrasClient(http, {
      baseUrl: context.sandbox.baseUrl('cerebras'),
      token: context.sandbox.tokens.cerebras,
      organizationId: 'org_sandbox',
    });
    for (let i = 0; i < 6; i++) offered(await client.metrics());
    const error = await rejectsWith(client.metrics(), 'rateLimited');
    assert.equal(error.status, 429);
    assert.ok((error.retryAfterMs ?? 0) > 0 && (error.retryAfterMs ?? 0) <= 60_000, `retryAfterMs ${error.retryAfterMs}`);
    assert.match(error.message, /6 requests per minute/);
  });
});
