/**
 * The real BrowserbaseClient over real HTTP against the sandbox's Browserbase API: usage, projects,
 * tagged sessions (create, find by metadata query with awkward values, release), the concurrency 429,
 * and every fault the sandbox can inject.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { HttpClient } from '../../src/http/httpClient';
import {
  BrowserbaseClient,
  isSessionFinished,
  metadataValue,
  sessionDurationMs,
  type BrowserbaseConfig,
  type CreateSessionParams,
} from '../../src/providers/browserbase';
import type { RequestLimits } from '../../src/providers/clientSupport';
import { usageByTag } from '../../src/shared/usageByTag';
import { bbMetadataQuery } from '../support/browserbaseBuilders';
import { ROOMY_TIMEOUTS, faultMatrix } from '../support/faultMatrix';
import { assertNoSecret, rejectsWith } from '../support/providerFaults';
import { useSandbox } from '../support/sandbox';

const PROJECT = 'proj_sandbox';
const ctx = useSandbox({ port: 0 });
let http: HttpClient;

before(() => {
  http = new HttpClient();
});
after(async () => {
  await http.close();
});

function client(overrides: Partial<BrowserbaseConfig> = {}): BrowserbaseClient {
  return new BrowserbaseClient(http, {
    baseUrl: ctx.sandbox.baseUrl('browserbase'),
    token: ctx.sandbox.tokens.browserbase,
    projectId: PROJECT,
    timeouts: ROOMY_TIMEOUTS,
    ...overrides,
  });
}

/** The `q` the sandbox received on the most recent list request, decoded as a server decodes it. */
function lastReceivedQuery(): URLSearchParams {
  const listed = ctx.sandbox.requests.filter((r) => r.method === 'GET' && r.path === '/browserbase/v1/sessions').at(-1);
  assert.ok(listed, 'a list request reached the sandbox');
  return new URLSearchParams(listed.query);
}

/** Creates, runs `body`, and always releases, so later tests have the concurrency they expect. */
async function withSession<T>(params: CreateSessionParams, body: (id: string) => Promise<T>): Promise<T> {
  const created = await client().createSession(params);
  try {
    return await body(created.session.id);
  } finally {
    await client().releaseSession(created.session.id);
  }
}

describe('Browserbase: usage and projects', () => {
  test('usage: reported browser minutes and proxy bytes with units', async () => {
    const reading = await client().usage();
    assert.ok(reading.usage.browserMinutes >= 18_240);
    assert.ok(reading.usage.proxyBytes >= 2_147_483_648);
    const [minutes, bytes] = reading.samples;
    assert.deepEqual([minutes?.series, minutes?.unit, minutes?.value], ['browserbase.usage.browserMinutes', 'minutes', reading.usage.browserMinutes]);
    assert.deepEqual([bytes?.series, bytes?.unit, bytes?.value], ['browserbase.usage.proxyBytes', 'bytes', reading.usage.proxyBytes]);
    assert.equal(minutes?.labels?.basis, 'reported usage');
    assert.match(reading.notes?.[0] ?? '', /does not say whether its usage figures cover the billing cycle or the project’s lifetime/);
    const sent = ctx.sandbox.requests.at(-1);
    assert.deepEqual(sent?.auth, ['x-bb-api-key']);
  });

  test('listProjects and getProject (concurrency limit as a sample)', async () => {
    const { projects } = await client().listProjects();
    assert.deepEqual(projects.map((p) => p.id).sort(), ['proj_sandbox', 'proj_sandbox_staging']);
    const { project, samples } = await client().getProject();
    assert.equal(project.concurrency, 3);
    assert.deepEqual(
      samples.map((s) => [s.series, s.value, s.unit]),
      [['browserbase.project.concurrencyLimit', 3, 'count']],
    );
  });

  test('an unknown project is notFound with the server message', async () => {
    const error = await rejectsWith(client({ projectId: 'proj_nope' }).getProject(), 'notFound');
    assert.match(error.message, /Project proj_nope not found/);
  });
});

describe('Browserbase: finding sessions by metadata', () => {
  test('a seeded tag, a nested key, and values with quotes, backslashes and colons', async () => {
    // The expected sets come from the unfiltered list, filtered here: q must select exactly those.
    const all = (await client().listSessions()).sessions;
    const cases: { path: string[]; value: string; queryable: boolean }[] = [
      { path: ['client'], value: 'globex', queryable: true },
      { path: ['workflow', 'name'], value: 'checkout', queryable: true },
      { path: ['run', 'id'], value: 'run-abc-123', queryable: true },
      { path: ['client'], value: "o'reilly", queryable: true },
      { path: ['path'], value: 'C:\\exports\\daily', queryable: true },
      // Stored as a number, so not queryable: only strings match.
      { path: ['retries'], value: '3', queryable: false },
    ];
    for (const { path, value, queryable } of cases) {
      const q = bbMetadataQuery(path, value);
      const expected = all
        .filter((s) => metadataValue(s.userMetadata, path) === value)
        .map((s) => s.id)
        .sort();
      assert.equal(expected.length > 0, queryable, `the sandbox seeds ${q}`);
      const { sessions } = await client().listSessions({ q });
      assert.deepEqual(sessions.map((s) => s.id).sort(), expected, q);
      assert.equal(lastReceivedQuery().get('q'), q);
    }
  });

  test('created sessions are found by awkward values, and the server receives q exactly', async () => {
    const values = ["it's [x]: 'y'", "back\\slash \\' mix", 'ünïcödé 東京 🚀', 'a+b&c=d#e%20f', "user_metadata['client']:'acme'"];
    for (const value of values) {
      const marker = `run-${Math.random().toString(36).slice(2)}`;
      await withSession({ userMetadata: { suite: 'contract', tag: value, marker } }, async (id) => {
        const q = bbMetadataQuery(['tag'], value);
        const { sessions } = await client().listSessions({ q });
        assert.ok(
          sessions.some((s) => s.id === id),
          `session found by ${q}`,
        );
        assert.ok(sessions.every((s) => s.userMetadata?.tag === value));
        assert.equal(lastReceivedQuery().get('q'), q);
        const query = ctx.sandbox.requests.filter((r) => r.path === '/browserbase/v1/sessions' && r.method === 'GET').at(-1)?.query ?? '';
        assert.doesNotMatch(query, /[[\]':\u0080-\uffff]/, 'brackets, colon, quote and non-ASCII travel percent-encoded');
      });
    }
  });

  test('a nested tag with a quote in the key', async () => {
    await withSession({ userMetadata: { "team's": { 'env:region': 'eu [central]' } } }, async (id) => {
      const { sessions } = await client().listSessions({ q: bbMetadataQuery(["team's", 'env:region'], 'eu [central]') });
      assert.deepEqual(
        sessions.map((s) => s.id),
        [id],
      );
    });
  });

  test('q combined with status', async () => {
    const running = await client().listSessions({ q: bbMetadataQuery(['client'], 'acme'), status: 'RUNNING' });
    assert.ok(running.sessions.length >= 1);
    assert.ok(running.sessions.every((s) => s.status === 'RUNNING' && s.userMetadata?.client === 'acme'));
    const params = lastReceivedQuery();
    assert.equal(params.get('status'), 'RUNNING');
  });

  test('status filter: each status selects exactly the sessions with that status', async () => {
    const all = (await client().listSessions()).sessions;
    for (const status of ['PENDING', 'RUNNING', 'ERROR', 'TIMED_OUT', 'COMPLETED']) {
      const { sessions } = await client().listSessions({ status });
      const expected = all
        .filter((s) => s.status === status)
        .map((s) => s.id)
        .sort();
      assert.deepEqual(sessions.map((s) => s.id).sort(), expected, status);
      assert.equal(lastReceivedQuery().get('status'), status);
    }
    assert.ok(all.some((s) => s.status === 'RUNNING') && all.some((s) => s.status === 'TIMED_OUT'));
  });

  test('an invalid query is refused by the server and its reason reaches the error', async () => {
    const error = await rejectsWith(client().listSessions({ q: "user_metadata['a']:'b' AND x" }), 'request');
    assert.equal(error.status, 400);
    assert.match(error.message, /one condition per query/);
  });

  test('durations per client from the listed sessions', async () => {
    const { sessions, fetchedAt } = await client().listSessions();
    assert.ok(sessions.length >= 21);
    const { buckets } = usageByTag(sessions, ['client'], fetchedAt);
    assert.ok((buckets.find((bucket) => bucket.value === 'acme')?.durationMs ?? 0) > 0);
    for (const session of sessions) {
      const duration = sessionDurationMs(session, fetchedAt);
      assert.ok(duration !== null && duration >= 0, `${session.status} session has a duration`);
    }
  });
});

describe('Browserbase: session lifecycle', () => {
  test('releasing a session whose id is a dot segment starts no browser: nothing reaches the server', async () => {
    const posts = () => ctx.sandbox.requests.filter((r) => r.method === 'POST').length;
    const before = posts();
    for (const id of ['.', '..', './', '%2e']) {
      const error = await rejectsWith(client().releaseSession(id), 'request');
      assert.match(error.message, /session id/);
    }
    assert.equal(posts(), before, 'a POST reached the server');
  });

  test('create -> get -> debug URLs -> release -> get', async () => {
    const c = client();
    const created = await c.createSession({ userMetadata: { suite: 'contract', step: 'lifecycle' }, keepAlive: true, timeout: 600, region: 'eu-central-1' });
    const { session } = created;
    assert.equal(session.status, 'RUNNING');
    assert.match(session.connectUrl, /^ws:\/\/127\.0\.0\.1:\d+\/browserbase\/connect/);
    assert.ok(session.signingKey.length > 8);
    assert.equal(session.region, 'eu-central-1');
    assert.equal(Date.parse(session.expiresAt ?? '') - Date.parse(session.startedAt ?? ''), 600_000);

    const fetched = await c.getSession(session.id);
    assert.deepEqual(fetched.session.userMetadata, { suite: 'contract', step: 'lifecycle' });
    assert.equal(isSessionFinished(fetched.session), false);

    const debug = await c.sessionDebugUrls(session.id);
    assert.equal(debug.urls.pages?.length, 1);
    assert.match(debug.urls.wsUrl, /^ws:/);

    const released = await c.releaseSession(session.id);
    assert.equal(released.session.status, 'COMPLETED');
    const body = ctx.sandbox.requests.filter((r) => r.method === 'POST').at(-1);
    assert.equal(body?.path, `/browserbase/v1/sessions/${session.id}`);

    const after = await c.getSession(session.id);
    assert.equal(after.session.status, 'COMPLETED');
    assert.ok(after.session.endedAt);
    assert.equal(isSessionFinished(after.session), true);
    const duration = sessionDurationMs(after.session);
    assert.ok(duration !== null && duration >= 0 && duration < 60_000);
  });

  test('an unknown session id is notFound', async () => {
    const error = await rejectsWith(client().getSession('00000000-0000-4000-8000-000000000000'), 'notFound');
    assert.match(error.message, /Session 00000000-0000-4000-8000-000000000000 not found/);
  });

  test('beyond the concurrency limit: 429 explained, with retryAfterMs, nothing retried', async () => {
    const c = client();
    const { project } = await c.getProject();
    const running = (await c.listSessions({ status: 'RUNNING' })).sessions.filter((s) => s.projectId === PROJECT).length;
    const pending = (await c.listSessions({ status: 'PENDING' })).sessions.filter((s) => s.projectId === PROJECT).length;
    const free = project.concurrency - running - pending;
    assert.ok(free >= 1, 'the sandbox leaves room to create');
    const ids: string[] = [];
    try {
      for (let i = 0; i < free; i++) ids.push((await c.createSession({ userMetadata: { suite: 'contract', fill: String(i) } })).session.id);
      const before = ctx.sandbox.requests.length;
      const error = await rejectsWith(c.createSession({ userMetadata: { suite: 'contract', fill: 'one-too-many' } }), 'rateLimited');
      assert.equal(ctx.sandbox.requests.length, before + 1, 'exactly one request: a create is never retried');
      assert.equal(error.status, 429);
      assert.ok((error.retryAfterMs ?? 0) >= 1000, `retryAfterMs ${error.retryAfterMs}`);
      assert.match(error.message, /concurrency limit is reached/);
      assert.match(error.message, new RegExp(`limit ${project.concurrency}, currently ${project.concurrency}`));
      assert.equal(error.rateLimit?.remaining, 0);
    } finally {
      for (const id of ids) await c.releaseSession(id);
    }
    // Released sessions free their slots.
    await withSession({ userMetadata: { suite: 'contract', fill: 'after-release' } }, async () => undefined);
  });

  test('running sessions count the connection project only: those of another project, seen by the same key, are left out', async () => {
    const STAGING = 'proj_sandbox_staging';
    const listed = (await client().listSessions({ status: 'RUNNING' })).sessions;
    const byProject = (project: string) => listed.filter((session) => session.projectId === project).length;
    assert.ok(byProject(PROJECT) >= 1 && byProject(STAGING) >= 1, 'the key sees running sessions of both projects');
    const count = async (projectId: string) => {
      const reading = await client({ projectId }).runningSessions();
      assert.ok(reading.sessions.every((session) => session.projectId === projectId && session.status === 'RUNNING'));
      const [sample] = reading.samples;
      assert.equal(sample?.series, 'browserbase.sessions.running');
      assert.equal(sample?.value, reading.sessions.length);
      return sample?.value;
    };
    assert.equal(await count(PROJECT), byProject(PROJECT));
    assert.equal(await count(STAGING), byProject(STAGING));
    // A session started in one project changes that project's count only.
    await withSession({ userMetadata: { suite: 'contract', project: 'own' } }, async () => {
      assert.equal(await count(PROJECT), byProject(PROJECT) + 1);
      assert.equal(await count(STAGING), byProject(STAGING));
    });
    await rejectsWith(client({ projectId: '' }).runningSessions(), 'request');
  });

  test('bad input is refused before anything is sent', async () => {
    const before = ctx.sandbox.requests.length;
    const c = client();
    const refused = [
      c.createSession({ userMetadata: { attempt: 2 } }),
      c.createSession({ userMetadata: { tags: ['a'] } }),
      c.createSession({ userMetadata: { big: 'x'.repeat(600) } }),
      c.createSession({ userMetadata: {}, timeout: 59 }),
    ];
    for (const promise of refused) await rejectsWith(promise, 'request');
    assert.equal(ctx.sandbox.requests.length, before);
  });

  test('401 and 402 on create point at plan-gated features', async () => {
    ctx.sandbox.injectFault({ route: '/browserbase/v1/sessions', fault: { kind: 'status', status: 401 }, times: 1 });
    const unauthorized = await rejectsWith(client().createSession({ userMetadata: {}, keepAlive: true }), 'auth');
    assert.match(unauthorized.message, /HTTP 401.*not be included in your plan.*keepAlive/);
    ctx.sandbox.injectFault({ route: '/browserbase/v1/sessions', fault: { kind: 'status', status: 402 }, times: 1 });
    const payment = await rejectsWith(client().createSession({ userMetadata: {}, proxies: true }), 'request');
    assert.match(payment.message, /HTTP 402.*plan.*proxies/);
  });
});

const limitsClient = (limits: RequestLimits, token?: string) => client({ ...limits, ...(token === undefined ? {} : { token }) });
const echoingAuthBody = (token: string) => JSON.stringify({ statusCode: 401, error: 'Unauthorized', message: `Invalid API key ${token}` });

describe('Browserbase faults: GET /v1/projects/{id}/usage', () => {
  faultMatrix({
    sandbox: () => ctx.sandbox,
    route: `/browserbase/v1/projects/${PROJECT}/usage`,
    token: () => ctx.sandbox.tokens.browserbase,
    call: (limits, token) => limitsClient(limits, token).usage(),
    wrongShapeWhere: /^browserMinutes$/,
    echoingAuthBody,
  });
});

describe('Browserbase faults: GET /v1/sessions?q=', () => {
  faultMatrix({
    sandbox: () => ctx.sandbox,
    route: '/browserbase/v1/sessions',
    token: () => ctx.sandbox.tokens.browserbase,
    call: (limits, token) => limitsClient(limits, token).listSessions({ q: bbMetadataQuery(['client'], 'acme') }),
    wrongShapeWhere: /^\(root\)$/,
    echoingAuthBody,
  });
});

describe('Browserbase faults: GET /v1/projects/{id}', () => {
  test('wrong shape names the concurrency field', async () => {
    ctx.sandbox.injectFault({ route: `/browserbase/v1/projects/${PROJECT}`, fault: { kind: 'wrongShape' }, times: 1 });
    const error = await rejectsWith(client().getProject(), 'badResponse');
    assert.equal(error.where, 'concurrency');
  });

  test('the caller can cancel a hanging request', async () => {
    ctx.sandbox.injectFault({ route: `/browserbase/v1/projects/${PROJECT}`, fault: { kind: 'hang' }, times: 1 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const error = await rejectsWith(client().getProject({ signal: controller.signal }), 'cancelled');
    assertNoSecret(error, ctx.sandbox.tokens.browserbase);
  });
});
