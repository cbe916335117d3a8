/**
 * The real BrowserlessClient over real HTTP against the sandbox's Browserless servers: every mount
 * variant (v2, hosted v2, v2.11 unwrapped, v2 without /pressure, v1, v1 with /metrics/all only), every auth mode
 * each accepts, and every fault the sandbox can inject.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { HttpClient } from '../../src/http/httpClient';
import { BrowserlessClient, type BrowserlessAuthMode, type BrowserlessConfig } from '../../src/providers/browserless/browserlessClient';
import { BROWSERLESS_PERIOD_MS, BROWSERLESS_SERIES, type BrowserlessVersion } from '../../src/providers/browserless/normalize';
import type { MountName, Sandbox } from '../../sandbox/server';
import { assertNoSecret, rejectsWith } from '../support/providerFaults';
import { useSandbox } from '../support/sandbox';

interface Variant {
  readonly mount: MountName;
  readonly version: BrowserlessVersion;
  readonly pressure: 'wrapped' | 'unwrapped' | 'none';
  readonly totalRoute: '/metrics/total' | '/metrics/all';
  readonly authModes: readonly BrowserlessAuthMode[];
}

const VARIANTS: readonly Variant[] = [
  { mount: 'browserless', version: 'v2', pressure: 'wrapped', totalRoute: '/metrics/total', authModes: ['query', 'bearer', 'basic'] },
  // Answers a GET with a JSON Content-Type with 400, as the hosted docs say: the clients never send one.
  { mount: 'browserless-hosted', version: 'v2', pressure: 'wrapped', totalRoute: '/metrics/total', authModes: ['query'] },
  { mount: 'browserless-v2-unwrapped', version: 'v2', pressure: 'unwrapped', totalRoute: '/metrics/total', authModes: ['query', 'bearer', 'basic'] },
  { mount: 'browserless-v2-nopressure', version: 'v2', pressure: 'none', totalRoute: '/metrics/total', authModes: ['query', 'bearer', 'basic'] },
  { mount: 'browserless-v1', version: 'v1', pressure: 'wrapped', totalRoute: '/metrics/total', authModes: ['query', 'basic'] },
  { mount: 'browserless-v1-all', version: 'v1', pressure: 'wrapped', totalRoute: '/metrics/all', authModes: ['query', 'basic'] },
];

/**
 * Deadlines no answer of the local servers comes near, even on a busy machine; a test about a deadline
 * shortens only that one, against a fault that can never meet it.
 */
const ROOMY = { headersMs: 10_000, bodyMs: 10_000, totalMs: 30_000 } as const;

/** The reading of a route the server offers (narrowed), failing with its notes when it is not offered. */
function offered<T extends { readonly offered: boolean; readonly notes?: readonly string[] }>(reading: T): Extract<T, { readonly offered: true }> {
  assert.equal(reading.offered, true, `not offered: ${reading.notes?.join(' ')}`);
  return reading as Extract<T, { readonly offered: true }>;
}

describe('Browserless clients against the sandbox', () => {
  const context = useSandbox();
  let sandbox: Sandbox;
  let http: HttpClient;

  before(() => {
    sandbox = context.sandbox;
    http = new HttpClient();
  });

  after(async () => {
    await http.close();
  });

  afterEach(() => {
    sandbox.setState({ browserless: null });
  });

  function clientFor(variant: Variant, overrides: Partial<BrowserlessConfig> = {}): BrowserlessClient {
    return new BrowserlessClient(http, {
      baseUrl: sandbox.baseUrl(variant.mount),
      token: sandbox.tokens.browserless,
      version: variant.version,
      authMode: 'query',
      timeouts: ROOMY,
      ...overrides,
    });
  }

  const route = (variant: Variant, path: string) => `/${variant.mount}${path}`;

  for (const variant of VARIANTS) {
    describe(`Browserless ${variant.mount} (${variant.version})`, () => {
      for (const authMode of variant.authModes) {
        test(`reads pressure, metrics and totals with auth mode ${authMode}`, async () => {
          sandbox.clearRequests();
          const client = clientFor(variant, { authMode });

          const pressure = await client.pressure();
          if (variant.pressure === 'none') {
            assert.equal(pressure.offered, false);
            assert.deepEqual(pressure.samples, []);
            assert.match(pressure.notes?.[0] ?? '', /does not offer \/pressure/);
          } else {
            assert.equal(pressure.offered, true);
            if (!pressure.offered) return;
            assert.equal(pressure.shape, variant.pressure);
            assert.equal(pressure.pressure.maxConcurrent, 10);
            const cpu = pressure.samples.find((sample) => sample.series === BROWSERLESS_SERIES.pressure.cpu);
            assert.equal(cpu?.unit, 'percent');
            assert.ok(Number.isInteger(cpu?.value) && (cpu?.value ?? -1) >= 0 && (cpu?.value ?? 101) <= 100, `cpu ${cpu?.value}`);
            assert.equal(pressure.samples.length, 8);
          }

          const metrics = offered(await client.metrics());
          assert.ok(metrics.periodCount >= 36, `periods ${metrics.periodCount}`);
          assert.equal(metrics.periods.length, metrics.periodCount);
          assert.equal(metrics.latestDate, metrics.periods.at(-1)?.date);
          for (const sample of metrics.samples) {
            assert.ok(sample.value === null || sample.value >= 0, `${sample.series} = ${sample.value}`);
            if (sample.unit === 'percent')
              assert.ok(sample.value === null || sample.value <= 100, `${sample.series} = ${sample.value}% (fraction not converted?)`);
            if (sample.series === BROWSERLESS_SERIES.metrics.successful) assert.equal(sample.windowMs, BROWSERLESS_PERIOD_MS);
          }
          if (variant.version === 'v1') {
            // v1 appends the open window: reported apart, never among the finished periods.
            assert.ok(metrics.inProgress, 'v1 in-progress window');
            assert.ok(metrics.periods.every((period) => period.date < (metrics.inProgress?.date ?? 0)));
            assert.ok(!metrics.samples.some((sample) => sample.series === BROWSERLESS_SERIES.metrics.unauthorized));
          } else {
            assert.equal(metrics.inProgress, undefined);
            assert.ok(metrics.samples.some((sample) => sample.series === BROWSERLESS_SERIES.metrics.unauthorized));
          }

          const total = offered(await client.metricsTotal());
          assert.equal(total.route, variant.totalRoute);
          assert.equal(total.total.minutesOfMetricsAvailable, metrics.periodCount * 5);
          assert.equal(total.total.estimateLowConfidence, false);
          const sumUnits = metrics.periods.reduce((sum, period) => sum + (period.units ?? 0), 0);
          assert.equal(total.total.units, sumUnits);

          // What went over the wire: exactly Accept: application/json, no Content-Type, the token
          // where the auth mode puts it (the sandbox logs its location, never its value).
          const sent = sandbox.requests.filter((request) => request.path.startsWith(`/${variant.mount}/`));
          assert.ok(sent.length >= 3);
          for (const request of sent) {
            assert.equal(request.method, 'GET');
            assert.equal(request.headers.accept, 'application/json');
            assert.equal(request.headers['content-type'], undefined);
            assert.deepEqual(request.auth, [authMode]);
          }
          const paths = sent.map((request) => request.path);
          if (variant.version === 'v1' && variant.totalRoute === '/metrics/all') {
            assert.deepEqual(paths.slice(-2), [route(variant, '/metrics/total'), route(variant, '/metrics/all')]);
            // Remembered: the next read goes straight to /metrics/all.
            sandbox.clearRequests();
            await client.metricsTotal();
            assert.deepEqual(
              sandbox.requests.map((request) => request.path),
              [route(variant, '/metrics/all')],
            );
          }
        });
      }

      test('since returns only the periods newer than the last one seen', async () => {
        const client = clientFor(variant);
        const first = offered(await client.metrics());
        assert.ok(first.latestDate !== undefined);
        const second = offered(await client.metrics({ since: first.latestDate }));
        assert.deepEqual(second.periods, []);
        assert.deepEqual(second.samples, []);
        assert.equal(second.latestDate, first.latestDate);
        const lastTwo = offered(await client.metrics({ since: first.periods.at(-3)?.date }));
        assert.deepEqual(
          lastTwo.periods.map((period) => period.date),
          first.periods.slice(-2).map((period) => period.date),
        );
      });

      test('the roll-up bug (running -1) is withheld and flagged, never shown', async () => {
        sandbox.setState({ browserless: { negativeRunning: true } });
        const reading = offered(await clientFor(variant).metrics());
        const glitched = reading.periods.filter((period) => period.rollUpGlitch);
        assert.equal(glitched.length, 1);
        assert.equal(glitched[0]?.running, null);
        const running = reading.samples.find((sample) => sample.series === BROWSERLESS_SERIES.metrics.running && sample.at === glitched[0]?.date);
        assert.deepEqual(running?.flags, ['invalidNegative']);
        assert.equal(running?.rawValue, -1);
        assert.ok(reading.samples.every((sample) => sample.value === null || sample.value >= 0));
        assert.ok(reading.notes?.some((note) => /negative running/.test(note)));
      });

      test('a wrong token is an auth error that never shows the token, in every auth mode', async () => {
        const secret = 'wrong-token-5f3a9c';
        for (const authMode of variant.authModes) {
          const error = await rejectsWith(clientFor(variant, { token: secret, authMode }).metrics(), 'auth');
          // v1 answers a bad token with 403, v2 with 401.
          assert.equal(error.status, variant.version === 'v1' ? 403 : 401);
          assertNoSecret(error, secret);
        }
      });

      describe('faults', () => {
        const token = () => sandbox.tokens.browserless;

        test('401 from the server: auth error, no token in message, url or fields (token in the query)', async () => {
          sandbox.injectFault({ route: route(variant, '/metrics'), fault: { kind: 'status', status: 401 }, times: 1 });
          const error = await rejectsWith(clientFor(variant).metrics(), 'auth');
          assert.equal(error.status, 401);
          assert.match(error.message, /HTTP 401/);
          assert.match(error.url ?? '', /token=\[redacted\]/);
          assertNoSecret(error, token());
        });

        test('a 404 on any route is "not offered", with a note saying what still shows; never an error', async () => {
          const client = clientFor(variant);
          sandbox.injectFault({ route: route(variant, '/pressure'), fault: { kind: 'status', status: 404 }, times: 1 });
          const pressure = await client.pressure();
          assert.equal(pressure.offered, false);
          assert.match(pressure.notes?.[0] ?? '', /does not offer \/pressure \(HTTP 404\).*5-minute periods and totals are, where offered/);
          sandbox.injectFault({ route: route(variant, '/metrics'), fault: { kind: 'status', status: 404 }, times: 1 });
          const metrics = await client.metrics();
          assert.equal(metrics.offered, false);
          assert.deepEqual(metrics.samples, []);
          assert.match(metrics.notes?.[0] ?? '', /does not offer \/metrics \(HTTP 404\).*private fleets.*shared plans.*live load and totals are/);
          sandbox.injectFault({ route: route(variant, '/metrics/total'), fault: { kind: 'status', status: 404 } });
          sandbox.injectFault({ route: route(variant, '/metrics/all'), fault: { kind: 'status', status: 404 } });
          const total = await client.metricsTotal();
          assert.equal(total.offered, false);
          assert.match(total.notes?.[0] ?? '', /(does not offer \/metrics\/total|offers neither \/metrics\/total nor \/metrics\/all) \(HTTP 404\)/);
          for (const reading of [pressure, metrics, total]) assert.ok(!JSON.stringify(reading).includes(token()));
          // The routes come back as soon as the server offers them again.
          sandbox.clearFaults();
          assert.equal((await client.metrics()).offered, true);
          assert.equal((await client.metricsTotal()).offered, true);
        });

        test('429 with Retry-After: rateLimited with retryAfterMs', async () => {
          sandbox.injectFault({ route: route(variant, '/pressure'), fault: { kind: 'rateLimit', retryAfterSeconds: 7 }, times: 1 });
          const error = await rejectsWith(clientFor(variant).pressure(), 'rateLimited');
          assert.equal(error.status, 429);
          assert.equal(error.retryAfterMs, 7000);
          assert.equal(error.isTransient, true);
          assertNoSecret(error, token());
        });

        test('500: server error', async () => {
          sandbox.injectFault({ route: route(variant, '/metrics'), fault: { kind: 'status', status: 500 }, times: 1 });
          const error = await rejectsWith(clientFor(variant).metricsTotal(), 'server');
          assert.equal(error.status, 500);
          assertNoSecret(error, token());
        });

        test('a server that never answers: headers timeout', async () => {
          sandbox.injectFault({ route: route(variant, '/metrics'), fault: { kind: 'hang' }, times: 1 });
          const error = await rejectsWith(clientFor(variant, { timeouts: { ...ROOMY, headersMs: 300 } }).metrics(), 'timeout');
          assert.equal(error.phase, 'headers');
          assertNoSecret(error, token());
        });

        test('a body that stalls: body timeout', async () => {
          sandbox.injectFault({ route: route(variant, '/metrics'), fault: { kind: 'slowDrip', chunkDelayMs: 2500 }, times: 1 });
          const error = await rejectsWith(clientFor(variant, { timeouts: { ...ROOMY, bodyMs: 300 } }).metrics(), 'timeout');
          assert.equal(error.phase, 'body');
        });

        test('a slow drip with short gaps: total timeout', async () => {
          sandbox.injectFault({ route: route(variant, '/metrics'), fault: { kind: 'slowDrip', chunkDelayMs: 40, chunkBytes: 4 }, times: 1 });
          const error = await rejectsWith(clientFor(variant, { timeouts: { ...ROOMY, totalMs: 400 } }).metrics(), 'timeout');
          assert.equal(error.phase, 'total');
        });

        test('a slow but bounded answer within the deadlines still reads', async () => {
          sandbox.injectFault({ route: route(variant, '/metrics'), fault: { kind: 'latency', ms: 100 }, times: 1 });
          const reading = offered(await clientFor(variant).metrics());
          assert.ok(reading.periods.length > 0);
        });

        test('malformed JSON: badResponse', async () => {
          sandbox.injectFault({ route: route(variant, '/metrics'), fault: { kind: 'malformedJson' }, times: 1 });
          const error = await rejectsWith(clientFor(variant).metrics(), 'badResponse');
          assert.match(error.message, /\/metrics response could not be read: (element \d+ is not valid JSON|the JSON array is cut short)/);
        });

        test('wrong shape: badResponse naming the field', async () => {
          sandbox.injectFault({ route: route(variant, '/pressure'), fault: { kind: 'wrongShape' }, times: 1 });
          const pressure = await rejectsWith(clientFor(variant).pressure(), 'badResponse');
          const expected = variant.pressure === 'wrapped' ? 'pressure.running' : 'running';
          assert.equal(pressure.where, expected);
          assert.match(pressure.message, new RegExp(`${expected.replace('.', '\\.')}: expected number`));

          sandbox.injectFault({ route: route(variant, '/metrics'), fault: { kind: 'wrongShape' }, times: 1 });
          const metrics = await rejectsWith(clientFor(variant).metrics(), 'badResponse');
          assert.match(metrics.message, /not a JSON array/);

          sandbox.injectFault({ route: route(variant, variant.totalRoute), fault: { kind: 'wrongShape' }, times: 1 });
          const client = clientFor(variant);
          if (variant.totalRoute === '/metrics/all') {
            // Let the client learn the route first, so the fault hits the request that matters.
            sandbox.clearFaults();
            await client.metricsTotal();
            sandbox.injectFault({ route: route(variant, variant.totalRoute), fault: { kind: 'wrongShape' }, times: 1 });
          }
          const total = await rejectsWith(client.metricsTotal(), 'badResponse');
          assert.equal(total.where, 'successful');
        });

        test('a body cut short of its content-length: network error', async () => {
          sandbox.injectFault({ route: route(variant, '/metrics'), fault: { kind: 'truncated' }, times: 1 });
          const error = await rejectsWith(clientFor(variant).metrics(), 'network');
          assertNoSecret(error, token());
        });

        test('a /metrics body over the size limit: no periods, a note naming the fallback, /metrics rests an hour while the rest goes on', async () => {
          const clock = { ms: Date.UTC(2026, 0, 5) };
          const client = clientFor(variant, { maxBytes: 100_000, now: () => clock.ms });
          sandbox.injectFault({ route: route(variant, '/metrics'), fault: { kind: 'oversized', bytes: 300_000 }, times: 1 });
          const skipped = offered(await client.metrics());
          assert.equal(skipped.tooLarge, true);
          assert.deepEqual(skipped.samples, []);
          assert.match(
            skipped.notes?.[0] ?? '',
            /answered \/metrics with more than the 98 KB limit \(Browserless sends everything it keeps and cannot be asked for less\)/,
          );
          assert.match(skipped.notes?.[0] ?? '', /\/metrics\/total and \/pressure still show totals and live load.*tried again in an hour/);
          // Resting: no request, the same note.
          sandbox.clearRequests();
          assert.deepEqual((await client.metrics()).notes, skipped.notes);
          assert.equal(sandbox.requests.filter((request) => request.path === route(variant, '/metrics')).length, 0);
          // The totals and pressure are still read meanwhile.
          assert.equal((await client.metricsTotal()).offered, true);
          // An hour on, /metrics is asked again and reads.
          clock.ms += 60 * 60 * 1000;
          assert.ok(offered(await client.metrics()).periods.length > 0);
        });

        test('a connection reset: network error', async () => {
          sandbox.injectFault({ route: route(variant, '/pressure'), fault: { kind: 'reset' }, times: 1 });
          const error = await rejectsWith(clientFor(variant).pressure(), 'network');
          assert.match(error.message, /closed the connection/);
          assertNoSecret(error, token());
        });

        test('an HTML login page: badResponse', async () => {
          sandbox.injectFault({ route: route(variant, '/metrics'), fault: { kind: 'html' }, times: 1 });
          const error = await rejectsWith(clientFor(variant).metrics(), 'badResponse');
          assert.equal(error.where, 'content-type');
          assert.match(error.message, /web page/);
        });

        test('a caller abort: cancelled', async () => {
          sandbox.injectFault({ route: route(variant, '/metrics'), fault: { kind: 'hang' }, times: 1 });
          const controller = new AbortController();
          const pending = clientFor(variant).metrics({ signal: controller.signal });
          setTimeout(() => controller.abort(), 50);
          await rejectsWith(pending, 'cancelled');
        });

        test('after a fault the next poll reads normally', async () => {
          sandbox.injectFault({ route: route(variant, '/metrics'), fault: { kind: 'reset' }, times: 1 });
          const client = clientFor(variant);
          await rejectsWith(client.metrics(), 'network');
          const reading = offered(await client.metrics());
          assert.ok(reading.periods.length > 0);
        });
      });
    });
  }

  describe('Browserless auth quirks', () => {
    test('a v1 server refuses Bearer: the client will not be built that way', () => {
      assert.throws(() => clientFor(VARIANTS.find((variant) => variant.version === 'v1') as Variant, { authMode: 'bearer' }), /v1 does not accept Bearer/);
    });

    test('no token at all: the server says 401 and the error says the token was rejected', async () => {
      const error = await rejectsWith(clientFor(VARIANTS[0] as Variant, { token: undefined }).pressure(), 'auth');
      assert.equal(error.status, 401);
      assert.equal(error.serverMessage, 'Bad or missing authentication.');
    });
  });
});
