import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { ProviderError } from '../../../src/http/errors';
import { HttpClient } from '../../../src/http/httpClient';
import {
  BrowserbaseClient,
  CreatedSessionSchema,
  createSessionBody,
  createSessionProblems,
  isSessionFinished,
  metadataValue,
  planGatedFeatures,
  ProjectSchema,
  ProjectUsageSchema,
  projectSamples,
  runningSamples,
  SessionListSchema,
  SessionLiveURLsSchema,
  SessionSchema,
  sessionDurationMs,
  usageSamples,
  userMetadataProblems,
  type BrowserbaseConfig,
} from '../../../src/providers/browserbase';
import { parseResponse } from '../../../src/providers/validate';
import { bbCreatedSession, bbLiveUrls, bbMetadataQuery, bbProject, bbRunningSession, bbSession, bbUsage } from '../../support/browserbaseBuilders';
import { stubHttp, type StubAnswer } from '../../support/stubHttp';

const NOW = Date.parse('2025-06-02T10:30:00.000Z');
const KEY = 'bb_live_SECRET_key_123';
const config: BrowserbaseConfig = { baseUrl: 'https://api.browserbase.com', token: KEY, projectId: 'proj_1', now: () => NOW };
const SESSION_ID = '0b6c6f2e-6b0e-4c6e-9d3e-1b2c3d4e5f60';

function expectBadResponse(fn: () => unknown, field: string): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof ProviderError);
    assert.equal(error.kind, 'badResponse');
    assert.equal(error.where, field);
    assert.match(error.message, new RegExp(field.replace(/[[\]().]/g, '\\$&')));
    return true;
  });
}

describe('Browserbase schemas', () => {
  test('a documented session parses, nested userMetadata kept as is', () => {
    const session = parseResponse(SessionSchema(), bbSession(), 'session');
    assert.equal(session.status, 'COMPLETED');
    assert.deepEqual(session.userMetadata, { client: 'acme', workflow: { name: 'checkout', step: '3' } });
  });

  test('status is an open string: new and internal statuses parse', () => {
    for (const status of ['PENDING', 'RUNNING', 'TIMED_OUT', 'REQUEST_RELEASE', 'RELEASING', 'SOMETHING_NEW']) {
      assert.equal(parseResponse(SessionSchema(), bbSession({ status }), 'session').status, status);
    }
  });

  test('optional fields may be absent or null; unknown fields are dropped', () => {
    const session = bbRunningSession({ contextId: null, avgCpuUsage: 12, memoryUsage: 512, somethingAdded: { x: 1 } });
    delete (session as Record<string, unknown>).userMetadata;
    const parsed = parseResponse(SessionSchema(), session, 'session');
    assert.equal(parsed.endedAt, undefined);
    assert.equal(parsed.contextId, null);
    assert.equal(parsed.avgCpuUsage, 12);
    assert.equal(parsed.memoryUsage, 512);
    assert.equal('somethingAdded' in parsed, false);
    assert.equal(parseResponse(SessionSchema(), bbSession({ endedAt: null, startedAt: null }), 'session').startedAt, null);
  });

  test('a wrong field is named in the error', () => {
    expectBadResponse(() => parseResponse(SessionSchema(), bbSession({ status: 3 }), 'Browserbase session'), 'status');
    expectBadResponse(() => parseResponse(SessionSchema(), bbSession({ createdAt: 'yesterday' }), 'Browserbase session'), 'createdAt');
    expectBadResponse(() => parseResponse(SessionSchema(), bbSession({ proxyBytes: -1 }), 'Browserbase session'), 'proxyBytes');
    expectBadResponse(() => parseResponse(SessionSchema(), bbSession({ userMetadata: ['a'] }), 'Browserbase session'), 'userMetadata');
    expectBadResponse(() => parseResponse(SessionListSchema(), [bbSession(), bbSession({ keepAlive: 'true' })], 'list'), '[1].keepAlive');
    expectBadResponse(() => parseResponse(SessionListSchema(), { items: [] }, 'list'), '(root)');
  });

  test('project usage: both counts required, non-negative integers', () => {
    assert.deepEqual(parseResponse(ProjectUsageSchema(), bbUsage(), 'usage'), { browserMinutes: 1342, proxyBytes: 73_400_320 });
    expectBadResponse(() => parseResponse(ProjectUsageSchema(), { proxyBytes: 1 }, 'usage'), 'browserMinutes');
    expectBadResponse(() => parseResponse(ProjectUsageSchema(), bbUsage({ browserMinutes: 1.5 }), 'usage'), 'browserMinutes');
    expectBadResponse(() => parseResponse(ProjectUsageSchema(), bbUsage({ proxyBytes: -3 }), 'usage'), 'proxyBytes');
    expectBadResponse(() => parseResponse(ProjectUsageSchema(), bbUsage({ proxyBytes: '3' }), 'usage'), 'proxyBytes');
  });

  test('project: concurrency required', () => {
    assert.equal(parseResponse(ProjectSchema(), bbProject(), 'project').concurrency, 3);
    const project = bbProject();
    delete (project as Record<string, unknown>).concurrency;
    expectBadResponse(() => parseResponse(ProjectSchema(), project, 'project'), 'concurrency');
  });

  test('created session requires the connection fields', () => {
    const created = parseResponse(CreatedSessionSchema(), bbCreatedSession(), 'created');
    assert.match(created.connectUrl, /^wss:/);
    const missing = bbCreatedSession();
    delete (missing as Record<string, unknown>).signingKey;
    expectBadResponse(() => parseResponse(CreatedSessionSchema(), missing, 'created'), 'signingKey');
  });

  test('live-view URLs, with and without per-tab pages', () => {
    assert.equal(parseResponse(SessionLiveURLsSchema(), bbLiveUrls(), 'debug').pages?.[0]?.title, 'Checkout');
    const noPages = bbLiveUrls();
    delete (noPages as Record<string, unknown>).pages;
    assert.equal(parseResponse(SessionLiveURLsSchema(), noPages, 'debug').pages, undefined);
    expectBadResponse(() => parseResponse(SessionLiveURLsSchema(), bbLiveUrls({ wsUrl: 5 }), 'debug'), 'wsUrl');
  });
});

describe('Browserbase normalizers', () => {
  test('usage samples: minutes and bytes, labelled as reported usage', () => {
    const samples = usageSamples({ browserMinutes: 90, proxyBytes: 2048 }, 'proj_1', NOW);
    assert.deepEqual(
      samples.map((s) => [s.series, s.value, s.unit, s.at]),
      [
        ['browserbase.usage.browserMinutes', 90, 'minutes', NOW],
        ['browserbase.usage.proxyBytes', 2048, 'bytes', NOW],
      ],
    );
    for (const sample of samples) assert.deepEqual(sample.labels, { project: 'proj_1', basis: 'reported usage' });
  });

  test('running sessions: only RUNNING ones of the connection project count; with no project, none', () => {
    const sessions = [
      bbRunningSession({ projectId: 'proj_1' }),
      bbRunningSession({ projectId: 'proj_1' }),
      bbRunningSession({ projectId: 'proj_2' }),
      bbSession({ projectId: 'proj_1', status: 'COMPLETED' }),
      bbSession({ projectId: 'proj_1', status: 'PENDING' }),
    ];
    const count = (projectId: string) => runningSamples(sessions, projectId, NOW)[0]?.value;
    assert.deepEqual([count('proj_1'), count('proj_2'), count('proj_3'), count('')], [2, 1, 0, 0]);
  });

  test('project sample: the concurrency limit as a count', () => {
    const [sample] = projectSamples(parseResponse(ProjectSchema(), bbProject({ id: 'p', concurrency: 25 }), 'p'), NOW);
    assert.deepEqual(sample, { series: 'browserbase.project.concurrencyLimit', unit: 'count', at: NOW, labels: { project: 'p' }, value: 25 });
  });

  test('duration: endedAt - startedAt for finished sessions', () => {
    const session = { status: 'COMPLETED', startedAt: '2025-06-02T10:00:00.000Z', endedAt: '2025-06-02T10:04:30.500Z' };
    assert.equal(sessionDurationMs(session, NOW), 270_500);
  });

  test('duration: now - startedAt while running (and for statuses we do not know)', () => {
    assert.equal(sessionDurationMs({ status: 'RUNNING', startedAt: '2025-06-02T10:00:00.000Z' }, NOW), 30 * 60_000);
    assert.equal(sessionDurationMs({ status: 'PENDING', startedAt: '2025-06-02T10:29:59.000Z', endedAt: null }, NOW), 1000);
    assert.equal(sessionDurationMs({ status: 'BRAND_NEW', startedAt: '2025-06-02T10:29:00.000Z' }, NOW), 60_000);
  });

  test('duration: unknown rather than zero when it cannot be known', () => {
    assert.equal(sessionDurationMs({ status: 'COMPLETED', startedAt: '2025-06-02T10:00:00.000Z' }, NOW), null);
    assert.equal(sessionDurationMs({ status: 'RUNNING', startedAt: null }, NOW), null);
    assert.equal(sessionDurationMs({ status: 'RUNNING', startedAt: 'garbage' }, NOW), null);
    assert.equal(sessionDurationMs({ status: 'COMPLETED', startedAt: '2025-06-02T10:00:00.000Z', endedAt: 'garbage' }, NOW), null);
  });

  test('duration: clock skew never gives a negative duration', () => {
    assert.equal(sessionDurationMs({ status: 'RUNNING', startedAt: '2025-06-02T10:30:05.000Z' }, NOW), 0);
    assert.equal(sessionDurationMs({ status: 'COMPLETED', startedAt: '2025-06-02T10:05:00.000Z', endedAt: '2025-06-02T10:04:00.000Z' }, NOW), 0);
  });

  test('finished: by endedAt or a terminal status', () => {
    assert.equal(isSessionFinished({ status: 'RUNNING', endedAt: null }), false);
    assert.equal(isSessionFinished({ status: 'RUNNING', endedAt: '2025-06-02T10:00:00.000Z' }), true);
    assert.equal(isSessionFinished({ status: 'TIMED_OUT' }), true);
  });

  test('metadataValue follows nested keys and returns strings only', () => {
    const metadata = { client: 'acme', order: { status: 'shipped', n: 3 } };
    assert.equal(metadataValue(metadata, ['order', 'status']), 'shipped');
    assert.equal(metadataValue(metadata, ['order', 'n']), undefined);
    assert.equal(metadataValue(metadata, ['missing', 'x']), undefined);
    assert.equal(metadataValue(undefined, ['client']), undefined);
    assert.equal(metadataValue(metadata, ['toString']), undefined);
  });
});

describe('Browserbase userMetadata and create checks', () => {
  test('string leaves in nested objects are fine', () => {
    assert.deepEqual(userMetadataProblems({ client: 'acme', order: { status: 'shipped', meta: { id: 'x' } }, empty: {} }), []);
  });

  test('arrays anywhere are refused, naming the key', () => {
    assert.deepEqual(
      userMetadataProblems({ tags: ['a', 'b'] }).map((p) => p.path),
      ['userMetadata.tags'],
    );
    const [nested] = userMetadataProblems({ order: { items: [] } });
    assert.equal(nested?.path, 'userMetadata.order.items');
    assert.match(nested?.message ?? '', /userMetadata\.order\.items is an array/);
    assert.match(userMetadataProblems(['x'])[0]?.message ?? '', /must be a JSON object, not an array/);
  });

  test('non-string leaves are refused, naming the key and suggesting the string', () => {
    const problems = userMetadataProblems({ count: 42, flags: { beta: true }, none: null, gone: undefined, when: new Date(0) });
    assert.deepEqual(
      problems.map((p) => p.path),
      ['userMetadata.count', 'userMetadata.flags.beta', 'userMetadata.none', 'userMetadata.gone', 'userMetadata.when'],
    );
    assert.match(problems[0]?.message ?? '', /userMetadata\.count is number 42; .*strings.*send "42"/);
    assert.match(problems[1]?.message ?? '', /boolean true.*send "true"/);
    assert.match(problems[4]?.message ?? '', /a Date/);
  });

  test('odd keys are quoted in the path', () => {
    assert.equal(userMetadataProblems({ 'team name': { "it's": 1 } })[0]?.path, `userMetadata["team name"]["it's"]`);
  });

  test('length limit: under 512 characters of JSON, measured like JSON.stringify', () => {
    const fits = { k: 'x'.repeat(511 - '{"k":""}'.length) };
    assert.equal(JSON.stringify(fits).length, 511);
    assert.deepEqual(userMetadataProblems(fits), []);
    const tooLong = { k: 'x'.repeat(512 - '{"k":""}'.length) };
    assert.equal(JSON.stringify(tooLong).length, 512);
    assert.match(userMetadataProblems(tooLong)[0]?.message ?? '', /512 characters as JSON; Browserbase requires fewer than 512/);
    // Escapes count as JSON.stringify counts them: a quote is two characters.
    assert.equal(userMetadataProblems({ k: '"'.repeat(252) }).length, 1);
  });

  test('a cycle is refused instead of overflowing', () => {
    const cyclic: Record<string, unknown> = { a: 'x' };
    cyclic.self = cyclic;
    assert.match(userMetadataProblems(cyclic)[0]?.message ?? '', /refers back/);
  });

  test('timeout must be whole seconds within 60..21600', () => {
    const base = { userMetadata: { a: 'b' } };
    for (const ok of [60, 300, 21_600]) assert.deepEqual(createSessionProblems({ ...base, timeout: ok }), [], String(ok));
    for (const bad of [59, 21_601, 90.5, Number.NaN, 0, -60]) {
      const [problem] = createSessionProblems({ ...base, timeout: bad });
      assert.equal(problem?.path, 'timeout', String(bad));
      assert.match(problem?.message ?? '', /60 to 21600/);
    }
  });

  test('the body carries only what was set', () => {
    assert.deepEqual(createSessionBody('proj_1', { userMetadata: { a: 'b' } }), { projectId: 'proj_1', userMetadata: { a: 'b' } });
    assert.deepEqual(createSessionBody('', { userMetadata: {}, keepAlive: true, timeout: 120, region: 'eu-central-1', browserSettings: { blockAds: true } }), {
      userMetadata: {},
      keepAlive: true,
      timeout: 120,
      region: 'eu-central-1',
      browserSettings: { blockAds: true },
    });
  });

  test('plan-gated features are listed for the 401/402 hint', () => {
    assert.deepEqual(planGatedFeatures({ userMetadata: {} }), []);
    assert.deepEqual(planGatedFeatures({ userMetadata: {}, keepAlive: true, proxies: true, browserSettings: { advancedStealth: true } }), [
      'keepAlive',
      'proxies',
      'advancedStealth',
    ]);
    assert.deepEqual(planGatedFeatures({ userMetadata: {}, proxies: [{ type: 'none' }] }), []);
  });
});

describe('BrowserbaseClient (stubbed transport)', () => {
  const created: StubAnswer = { body: bbCreatedSession() };

  test('usage: path, header auth, samples, note and rate limit', async () => {
    const rateLimit = { limit: 100, remaining: 97, resetAt: NOW + 60_000 };
    const stub = stubHttp([{ body: bbUsage(), rateLimit }]);
    const reading = await new BrowserbaseClient(stub.client, config).usage();
    const request = stub.requests[0];
    assert.equal(String(request?.url), 'https://api.browserbase.com/v1/projects/proj_1/usage');
    assert.deepEqual(request?.auth, { kind: 'header', name: 'X-BB-API-Key', token: KEY });
    assert.equal(reading.fetchedAt, NOW);
    assert.deepEqual(reading.usage, { browserMinutes: 1342, proxyBytes: 73_400_320 });
    assert.equal(reading.samples.length, 2);
    assert.deepEqual(reading.rateLimit, rateLimit);
    assert.match(reading.notes?.[0] ?? '', /the Browser minutes row says which is used/);
  });

  test('the base URL keeps its path prefix and the project id goes in its segment', async () => {
    const stub = stubHttp([{ body: bbProject() }]);
    await new BrowserbaseClient(stub.client, { ...config, baseUrl: 'http://127.0.0.1:4100/browserbase/', projectId: 'proj_a-1' }).getProject();
    assert.equal(String(stub.requests[0]?.url), 'http://127.0.0.1:4100/browserbase/v1/projects/proj_a-1');
  });

  test('listSessions passes q and status as query values, and leaves empty ones out', async () => {
    const stub = stubHttp([{ body: [bbSession()] }]);
    const client = new BrowserbaseClient(stub.client, config);
    const q = bbMetadataQuery(['client'], 'acme');
    const result = await client.listSessions({ q, status: 'RUNNING' });
    assert.equal(result.sessions.length, 1);
    assert.deepEqual(stub.requests[0]?.query, { q, status: 'RUNNING' });
    await client.listSessions({ q: '', status: '' });
    assert.deepEqual(stub.requests[1]?.query, {});
  });

  test('a session id must be a UUID: dot segments, slashes, percent and the like are refused before any request', async () => {
    const stub = stubHttp([{ body: bbSession() }]);
    const client = new BrowserbaseClient(stub.client, config);
    const hostile = [
      '.',
      '..',
      '../projects/x?y',
      'a/b',
      '%2e',
      '%2E%2E',
      'sess-1',
      ' ',
      '',
      '0b6c6f2e-6b0e-4c6e-9d3e-1b2c3d4e5f60/..',
      '0b6c6f2e-6b0e-4c6e-9d3e-1b2c3d4e5f6',
    ];
    for (const id of hostile) {
      for (const call of [() => client.releaseSession(id), () => client.getSession(id), () => client.sessionDebugUrls(id)]) {
        await assert.rejects(call(), (error: unknown) => {
          assert.ok(error instanceof ProviderError);
          assert.equal(error.kind, 'request');
          assert.match(error.message, /Browserbase session id/);
          assert.match(error.message, /UUID/);
          return true;
        });
      }
    }
    assert.equal(stub.requests.length, 0, 'no request may leave with such an id');
    await client.getSession('0B6C6F2E-6B0E-4C6E-9D3E-1B2C3D4E5F60');
    assert.equal(String(stub.requests[0]?.url), 'https://api.browserbase.com/v1/sessions/0B6C6F2E-6B0E-4C6E-9D3E-1B2C3D4E5F60');
  });

  test('a project id that could leave its path segment is refused before any request', async () => {
    for (const projectId of ['..', 'a/b', 'p%2F', 'proj 1']) {
      const stub = stubHttp([{ body: {} }]);
      await assert.rejects(new BrowserbaseClient(stub.client, { ...config, projectId }).usage(), { kind: 'request' });
      assert.equal(stub.requests.length, 0);
    }
  });

  test('createSession posts the body and returns the connect fields', async () => {
    const stub = stubHttp([created]);
    const result = await new BrowserbaseClient(stub.client, config).createSession({ userMetadata: { client: 'acme' }, keepAlive: true, timeout: 600 });
    const request = stub.requests[0];
    assert.equal(request?.method, 'POST');
    assert.equal(String(request?.url), 'https://api.browserbase.com/v1/sessions');
    assert.deepEqual(request?.json, { projectId: 'proj_1', userMetadata: { client: 'acme' }, keepAlive: true, timeout: 600 });
    assert.match(result.session.connectUrl, /^wss:/);
  });

  test('createSession refuses bad input before sending anything', async () => {
    const stub = stubHttp([created]);
    const client = new BrowserbaseClient(stub.client, config);
    await assert.rejects(client.createSession({ userMetadata: { run: { attempt: 2 } } }), (error: unknown) => {
      assert.ok(error instanceof ProviderError);
      assert.equal(error.kind, 'request');
      assert.equal(error.where, 'userMetadata.run.attempt');
      assert.match(error.message, /userMetadata\.run\.attempt is number 2/);
      return true;
    });
    await assert.rejects(client.createSession({ userMetadata: { a: 'x'.repeat(600) } }), /fewer than 512/);
    await assert.rejects(client.createSession({ userMetadata: { list: ['a'] }, timeout: 30 }), /is an array; .*\(and 1 more problem/);
    await assert.rejects(client.createSession({ userMetadata: {}, timeout: 21_601 }), { kind: 'request', where: 'timeout' });
    assert.equal(stub.requests.length, 0);
  });

  test('429 on create says the concurrency limit is reached and carries retryAfterMs', async () => {
    const error = new ProviderError('rateLimited', 'api.browserbase.com is rate limiting requests (HTTP 429)', {
      status: 429,
      retryAfterMs: 7000,
      url: 'https://api.browserbase.com/v1/sessions',
      serverMessage: "You've exceeded your max concurrent sessions limit (limit 1, currently 1).",
      rateLimit: { limit: 1, remaining: 0 },
    });
    const stub = stubHttp([{ error }]);
    await assert.rejects(new BrowserbaseClient(stub.client, config).createSession({ userMetadata: {} }), (thrown: unknown) => {
      assert.ok(thrown instanceof ProviderError);
      assert.equal(thrown.kind, 'rateLimited');
      assert.equal(thrown.retryAfterMs, 7000);
      assert.equal(thrown.status, 429);
      assert.deepEqual(thrown.rateLimit, { limit: 1, remaining: 0 });
      assert.match(thrown.message, /concurrency limit is reached/);
      assert.match(thrown.message, /Try again in 7 s/);
      assert.match(thrown.message, /max concurrent sessions limit/);
      return true;
    });
  });

  test('429 without Retry-After falls back to the rate-limit reset', async () => {
    const error = new ProviderError('rateLimited', 'x', { status: 429, rateLimit: { resetAt: NOW + 12_000 } });
    const stub = stubHttp([{ error }]);
    await assert.rejects(new BrowserbaseClient(stub.client, config).createSession({ userMetadata: {} }), { kind: 'rateLimited', retryAfterMs: 12_000 });
  });

  test('401 and 402 on create hint at plan-gated features', async () => {
    const unauthorized = stubHttp([{ error: new ProviderError('auth', 'rejected', { status: 401, serverMessage: 'Unauthorized' }) }]);
    await assert.rejects(new BrowserbaseClient(unauthorized.client, config).createSession({ userMetadata: {}, keepAlive: true }), (thrown: unknown) => {
      assert.ok(thrown instanceof ProviderError);
      assert.equal(thrown.kind, 'auth');
      assert.match(thrown.message, /may not be included in your plan/);
      assert.match(thrown.message, /asked for keepAlive/);
      assert.match(thrown.message, /check the API key/);
      return true;
    });
    const payment = stubHttp([{ error: new ProviderError('request', 'refused', { status: 402 }) }]);
    await assert.rejects(new BrowserbaseClient(payment.client, config).createSession({ userMetadata: {}, proxies: true }), (thrown: unknown) => {
      assert.ok(thrown instanceof ProviderError);
      assert.equal(thrown.kind, 'request');
      assert.match(thrown.message, /HTTP 402.*plan.*asked for proxies/);
      return true;
    });
  });

  test('other create failures pass through unchanged', async () => {
    const error = new ProviderError('server', 'boom', { status: 500 });
    await assert.rejects(new BrowserbaseClient(stubHttp([{ error }]).client, config).createSession({ userMetadata: {} }), (thrown) => thrown === error);
  });

  test('releaseSession posts REQUEST_RELEASE with the project id', async () => {
    const stub = stubHttp([{ body: bbSession() }]);
    await new BrowserbaseClient(stub.client, config).releaseSession(SESSION_ID);
    assert.equal(stub.requests[0]?.method, 'POST');
    assert.equal(String(stub.requests[0]?.url), `https://api.browserbase.com/v1/sessions/${SESSION_ID}`);
    assert.deepEqual(stub.requests[0]?.json, { status: 'REQUEST_RELEASE', projectId: 'proj_1' });
  });

  test('sessionDebugUrls reads /debug', async () => {
    const stub = stubHttp([{ body: bbLiveUrls() }]);
    const result = await new BrowserbaseClient(stub.client, config).sessionDebugUrls(SESSION_ID);
    assert.equal(String(stub.requests[0]?.url), `https://api.browserbase.com/v1/sessions/${SESSION_ID}/debug`);
    assert.equal(result.urls.pages?.length, 1);
  });

  test('limits and the caller signal reach every request', async () => {
    const stub = stubHttp([{ body: [] }]);
    const controller = new AbortController();
    const client = new BrowserbaseClient(stub.client, { ...config, timeouts: { totalMs: 500 }, maxBytes: 1024 });
    await client.listProjects({ signal: controller.signal });
    assert.deepEqual(stub.requests[0]?.timeouts, { totalMs: 500 });
    assert.equal(stub.requests[0]?.maxBytes, 1024);
    assert.equal(stub.requests[0]?.signal, controller.signal);
  });

  test('no key: refused without a request; no project: refused for project calls', async () => {
    const stub = stubHttp([{ body: [] }]);
    await assert.rejects(new BrowserbaseClient(stub.client, { ...config, token: undefined }).listSessions(), { kind: 'auth' });
    await assert.rejects(new BrowserbaseClient(stub.client, { ...config, projectId: '' }).usage(), { kind: 'request' });
    assert.equal(stub.requests.length, 0);
  });

  test('a wrong body names the field and the redacted URL', async () => {
    const stub = stubHttp([{ body: { browserMinutes: '12', proxyBytes: 0 } }]);
    await assert.rejects(new BrowserbaseClient(stub.client, config).usage(), (error: unknown) => {
      assert.ok(error instanceof ProviderError);
      assert.equal(error.where, 'browserMinutes');
      assert.equal(error.url, 'https://api.browserbase.com/v1/projects/proj_1/usage');
      return true;
    });
  });
});

describe('q reaches the server exactly (real HttpClient over loopback)', () => {
  let server: Server;
  let base: string;
  const seen: string[] = [];
  const http = new HttpClient({ timeouts: { totalMs: 5000 } });

  before(async () => {
    server = createServer((request, response) => {
      seen.push(request.url ?? '');
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('[]');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/browserbase`;
  });
  after(async () => {
    await http.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const values = [
    "O'Brien & Sons",
    'a]b[c:d',
    'back\\slash "quoted"',
    'ünïcödé 東京 🚀',
    'plus+sign #hash %25 100%',
    'spaces  and\ttabs',
    "user_metadata['x']:'injected'",
  ];
  for (const value of values) {
    test(`encodes ${JSON.stringify(value)}`, async () => {
      const q = bbMetadataQuery(['order', "it's"], value);
      await new BrowserbaseClient(http, { ...config, baseUrl: base }).listSessions({ q, status: 'RUNNING' });
      const raw = seen.at(-1) ?? '';
      const rawQuery = raw.slice(raw.indexOf('?') + 1);
      // Brackets, colon, quote and non-ASCII never travel raw.
      assert.doesNotMatch(rawQuery, /[[\]:'"\\\s\u0080-\uffff]/);
      assert.match(rawQuery, /%5B%27order%27%5D/);
      assert.match(rawQuery, /%3A%27/);
      const params = new URL(raw, 'http://x').searchParams;
      assert.equal(params.get('q'), q);
      assert.equal(params.get('status'), 'RUNNING');
      assert.equal(raw.split('?')[0], '/browserbase/v1/sessions');
    });
  }
});
