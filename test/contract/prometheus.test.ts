/**
 * The real PrometheusClient over real HTTP against the sandbox's generic exporter: 0.0.4 text and
 * OpenMetrics, an open and a token-protected exporter, and every fault.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { HttpClient } from '../../src/http/httpClient';
import { PROMETHEUS_ACCEPT, PrometheusClient, type PrometheusConfig } from '../../src/providers/prometheus/prometheusClient';
import type { Sample } from '../../src/shared/samples';
import type { Sandbox } from '../../sandbox/server';
import { assertNoSecret, rejectsWith } from '../support/providerFaults';
import { useSandbox } from '../support/sandbox';

/**
 * Deadlines no answer of the local servers comes near, even on a busy machine; a test about a deadline
 * shortens only that one, against a fault that can never meet it.
 */
const ROOMY = { headersMs: 10_000, bodyMs: 10_000, totalMs: 30_000 } as const;

function find(samples: readonly Sample[], series: string, labels: Record<string, string> = {}): Sample {
  const found = samples.filter((sample) => sample.series === series && Object.entries(labels).every(([name, value]) => sample.labels?.[name] === value));
  assert.equal(found.length, 1, `${series} ${JSON.stringify(labels)}: ${found.length} samples`);
  return found[0] as Sample;
}

describe('Prometheus client against the sandbox exporter', () => {
  const context = useSandbox();
  let sandbox: Sandbox;
  let http: HttpClient;
  before(() => {
    sandbox = context.sandbox;
    http = new HttpClient();
  });
  after(() => http.close());

  const clientFor = (path = '/metrics', overrides: Partial<PrometheusConfig> = {}) =>
    new PrometheusClient(http, { baseUrl: `${sandbox.baseUrl('prometheus')}${path}`, timeouts: ROOMY, ...overrides });

  test('0.0.4 text: every family type, units from the name, escapes, NaN and timestamps', async () => {
    sandbox.clearRequests();
    const reading = await clientFor().scrape();
    assert.equal(reading.format, 'prometheus');
    assert.deepEqual(reading.issues, []);
    assert.equal(reading.notes, undefined);
    assert.ok(reading.familyCount >= 9);
    const { samples } = reading;

    const get = find(samples, 'http_requests_total', { method: 'GET', code: '200', handler: '/api/items' });
    assert.equal(get.unit, 'none');
    assert.ok((get.value ?? 0) > 0);
    find(samples, 'http_requests_total', { handler: '/api/report "daily"' });
    assert.equal(find(samples, 'process_cpu_seconds_total').unit, 'seconds');
    assert.equal(find(samples, 'process_resident_memory_bytes').unit, 'bytes');
    const emails = find(samples, 'queue_depth', { queue: 'emails' });
    assert.equal(emails.at % 1000, 0, 'the line timestamp (ms) is used');
    assert.equal(find(samples, 'app_build_info').labels?.note, 'quoted "name"\\path\nsecond line');
    const broken = find(samples, 'temperature_celsius', { sensor: 'broken' });
    assert.equal(broken.value, null);
    assert.deepEqual(broken.flags, ['notANumber']);

    const buckets = samples.filter((sample) => sample.series === 'http_request_duration_seconds_bucket');
    assert.equal(buckets.length, 12);
    assert.ok(buckets.every((sample) => sample.unit === 'count' && sample.labels?.le !== undefined));
    assert.equal(find(samples, 'http_request_duration_seconds_sum').unit, 'seconds');
    assert.equal(find(samples, 'http_request_duration_seconds_count').unit, 'count');
    assert.equal(find(samples, 'rpc_duration_seconds', { service: 'billing', quantile: '0.99' }).unit, 'seconds');
    assert.equal(find(samples, 'rpc_duration_seconds', { service: 'idle', quantile: '0.5' }).value, null);
    assert.equal(find(samples, 'up_since_timestamp', { component: 'never' }).value, Number.POSITIVE_INFINITY);

    const [request] = sandbox.requests;
    assert.equal(request?.headers.accept, PROMETHEUS_ACCEPT);
    assert.deepEqual(request?.auth, []);
  });

  test('OpenMetrics: # UNIT is used, timestamps are seconds, # EOF seen', async () => {
    const reading = await clientFor('/metrics-openmetrics').scrape();
    assert.equal(reading.format, 'openmetrics');
    assert.deepEqual(reading.issues, []);
    assert.equal(find(reading.samples, 'temperature_celsius', { sensor: 'outside' }).unit, 'raw:celsius');
    assert.equal(find(reading.samples, 'process_cpu_seconds_total').unit, 'seconds');
    assert.equal(find(reading.samples, 'process_resident_memory_bytes').unit, 'bytes');
    const emails = find(reading.samples, 'queue_depth', { queue: 'emails' });
    assert.ok(Math.abs(emails.at - Date.now()) < 60_000, `timestamp ${emails.at} should be epoch ms`);
    assert.ok(!reading.samples.some((sample) => sample.series.endsWith('_created')));
  });

  test('an endpoint with 5,000 series: the first 1,000 are kept, the rest summarized in a note', async () => {
    sandbox.injectFault({ route: '/prometheus/metrics', fault: { kind: 'manySeries', series: 5000 }, times: 1 });
    const reading = await clientFor().scrape({ maxSeries: 1000 });
    const series = new Set(reading.samples.map((sample) => sample.labels?.i));
    assert.equal(series.size, 1000);
    assert.ok(series.has('0') && series.has('999') && !series.has('1000'));
    assert.ok(
      reading.notes?.some((note) => /5,000 series; the first 1,000 are kept and the other 4,000 left out/.test(note)),
      JSON.stringify(reading.notes),
    );
  });

  test('the scrape URL is used whole, query string included', async () => {
    sandbox.clearRequests();
    await clientFor('/metrics?collect=all').scrape();
    assert.equal(sandbox.requests[0]?.query, 'collect=all');
  });

  test('a URL that is not a scrape endpoint: notFound', async () => {
    await rejectsWith(clientFor('/nothing-here').scrape(), 'notFound');
  });

  describe('faults', () => {
    const inject = (fault: Parameters<Sandbox['injectFault']>[0]['fault']) => sandbox.injectFault({ route: '/prometheus/metrics', fault, times: 1 });

    test('401: auth', async () => {
      inject({ kind: 'status', status: 401 });
      assert.equal((await rejectsWith(clientFor().scrape(), 'auth')).status, 401);
    });

    test('404: notFound (a scrape URL is not optional)', async () => {
      inject({ kind: 'status', status: 404 });
      await rejectsWith(clientFor().scrape(), 'notFound');
    });

    test('429 with Retry-After: rateLimited with retryAfterMs', async () => {
      inject({ kind: 'rateLimit', retryAfterSeconds: 3 });
      assert.equal((await rejectsWith(clientFor().scrape(), 'rateLimited')).retryAfterMs, 3000);
    });

    test('500: server error', async () => {
      inject({ kind: 'status', status: 500 });
      await rejectsWith(clientFor().scrape(), 'server');
    });

    test('hang: headers timeout', async () => {
      inject({ kind: 'hang' });
      assert.equal((await rejectsWith(clientFor('/metrics', { timeouts: { ...ROOMY, headersMs: 300 } }).scrape(), 'timeout')).phase, 'headers');
    });

    test('a body that stalls: body timeout', async () => {
      inject({ kind: 'slowDrip', chunkDelayMs: 2500 });
      assert.equal((await rejectsWith(clientFor('/metrics', { timeouts: { ...ROOMY, bodyMs: 300 } }).scrape(), 'timeout')).phase, 'body');
    });

    test('a slow drip with short gaps: total timeout', async () => {
      inject({ kind: 'slowDrip', chunkDelayMs: 40, chunkBytes: 16 });
      assert.equal((await rejectsWith(clientFor('/metrics', { timeouts: { ...ROOMY, totalMs: 400 } }).scrape(), 'timeout')).phase, 'total');
    });

    test('malformed JSON instead of text: badResponse with the line', async () => {
      inject({ kind: 'malformedJson' });
      assert.equal((await rejectsWith(clientFor().scrape(), 'badResponse')).where, 'line 1');
    });

    test('wrong shape (a JSON object): badResponse with the line', async () => {
      inject({ kind: 'wrongShape' });
      assert.match((await rejectsWith(clientFor().scrape(), 'badResponse')).where ?? '', /^line \d+$/);
    });

    test('truncated: network error', async () => {
      inject({ kind: 'truncated' });
      await rejectsWith(clientFor().scrape(), 'network');
    });

    test('oversized over maxBytes: badResponse', async () => {
      inject({ kind: 'oversized', bytes: 400_000 });
      assert.equal((await rejectsWith(clientFor('/metrics', { maxBytes: 100_000 }).scrape(), 'badResponse')).where, 'body size');
    });

    test('an oversized body under maxBytes still reads: padding is comments', async () => {
      inject({ kind: 'oversized', bytes: 400_000 });
      const reading = await clientFor('/metrics', { maxBytes: 1_000_000 }).scrape();
      assert.ok(reading.samples.length > 0);
      assert.deepEqual(reading.issues, []);
    });

    test('reset: network error', async () => {
      inject({ kind: 'reset' });
      await rejectsWith(clientFor().scrape(), 'network');
    });

    test('HTML page: badResponse', async () => {
      inject({ kind: 'html' });
      assert.equal((await rejectsWith(clientFor().scrape(), 'badResponse')).where, 'content-type');
    });

    test('caller abort: cancelled', async () => {
      inject({ kind: 'hang' });
      const controller = new AbortController();
      const pending = clientFor().scrape({ signal: controller.signal });
      setTimeout(() => controller.abort(), 50);
      await rejectsWith(pending, 'cancelled');
    });
  });
});

describe('Prometheus exporter behind a bearer token', () => {
  const secret = 'prom-secret-4b2e91';
  const context = useSandbox({ tokens: { prometheus: secret } });
  const http = new HttpClient();
  after(() => http.close());
  const url = () => `${context.sandbox.baseUrl('prometheus')}/metrics`;

  test('with the token: reads, and the token went as Bearer', async () => {
    context.sandbox.clearRequests();
    const reading = await new PrometheusClient(http, { baseUrl: url(), token: secret }).scrape();
    assert.ok(reading.samples.length > 0);
    assert.deepEqual(context.sandbox.requests[0]?.auth, ['bearer']);
  });

  test('without or with a wrong token: auth, and the token is never shown', async () => {
    await rejectsWith(new PrometheusClient(http, { baseUrl: url() }).scrape(), 'auth');
    const wrong = 'prom-wrong-77aa01';
    const error = await rejectsWith(new PrometheusClient(http, { baseUrl: url(), token: wrong }).scrape(), 'auth');
    assertNoSecret(error, wrong);
  });
});
