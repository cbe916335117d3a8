/**
 * The tagged-sessions service over real HTTP against the sandbox's Browserbase API, with the
 * sandbox refusing any backslash in `q` (strictQuery): finding by nested tags with quotes and
 * backslashes gives exact results without ever relying on escaping, several conditions AND, the
 * status filter, launch then find again, one session per double launch, the concurrency 429 naming
 * the project's limit, refusals before sending, release and live-view URLs.
 */
import assert from 'node:assert/strict';
import { after, beforeEach, describe, test } from 'node:test';
import { parseMetadataQuery } from '../../sandbox/providers/browserbase';
import { sessionHost } from '../../src/browserbase/sessionHost';
import { BrowserbaseSessionService, type LaunchRequest } from '../../src/browserbase/sessionService';
import { HttpClient } from '../../src/http/httpClient';
import type { Session } from '../../src/providers/browserbase/schemas';
import type { ConnectionConfig } from '../../src/shared/connections';
import { matchesConditions, type MetadataQuery } from '../../src/shared/metadataQuery';
import { NO_VALUE_LABEL, usageByTag } from '../../src/shared/usageByTag';
import { ROOMY_TIMEOUTS } from '../support/faultMatrix';
import { assertNoSecret, rejectsWith } from '../support/providerFaults';
import { useSandbox } from '../support/sandbox';

const PROJECT = 'proj_sandbox';
const ctx = useSandbox({ port: 0 });
let http: HttpClient;
let service: BrowserbaseSessionService;
let config: ConnectionConfig;

// Inside a test, not a root before(): the sandbox starts in useSandbox's hook, which may not have run yet.
function setUp(): void {
  if (service) return;
  http = new HttpClient();
  ctx.sandbox.setState({ browserbase: { strictQuery: true } });
  config = { id: 'bb-sandbox', kind: 'browserbase', label: 'Sandbox Browserbase', baseUrl: ctx.sandbox.baseUrl('browserbase'), projectId: PROJECT };
  const token = ctx.sandbox.tokens.browserbase;
  service = new BrowserbaseSessionService(
    sessionHost({ connections: () => [config] }, { resolve: async () => ({ token }) }, http, { timeouts: ROOMY_TIMEOUTS }),
  );
}
beforeEach(setUp);
after(async () => {
  await http?.close();
});

const LIST = '/browserbase/v1/sessions';
const lists = () => ctx.sandbox.requests.filter((r) => r.method === 'GET' && r.path === LIST);
const creates = () => ctx.sandbox.requests.filter((r) => r.method === 'POST' && r.path === LIST);

/** Every session of the project, straight from the server, for computing what a query must return. */
async function everything(): Promise<Session[]> {
  return (await service.find(config.id, { conditions: [] })).sessions;
}

/** Runs the query and checks the result is exactly the sessions a local filter of the full list gives. */
async function findExactly(query: MetadataQuery): Promise<{ sessions: Session[]; q: string | null }> {
  const all = await everything();
  const expected = all.filter((s) => (!query.status || s.status === query.status) && matchesConditions(s.userMetadata, query.conditions)).map((s) => s.id);
  const before = lists().length;
  const found = await service.find(config.id, query);
  assert.deepEqual(found.sessions.map((s) => s.id).sort(), [...expected].sort());
  const sent = lists().slice(before);
  assert.equal(sent.length, 1, 'one list request per query');
  const q = new URLSearchParams(sent[0]?.query).get('q');
  assert.equal(q, found.plan.q ?? null);
  if (q !== null) assert.doesNotThrow(() => parseMetadataQuery(q, true), 'q is in the documented grammar, with no escapes');
  return { sessions: found.sessions, q };
}

const released: string[] = [];
async function launchTracked(request: LaunchRequest) {
  const result = await service.launch(config.id, request);
  released.push(result.session.id);
  return result;
}
async function releaseAll(): Promise<void> {
  for (const id of released.splice(0)) await service.release(config.id, id);
}

describe('finding sessions by metadata', () => {
  test('a nested tag is sent as the documented q', async () => {
    const { sessions, q } = await findExactly({ conditions: [{ path: ['workflow', 'name'], value: 'checkout' }] });
    assert.equal(q, "user_metadata['workflow']['name']:'checkout'");
    assert.equal(sessions.length, 6);
  });

  test("o'reilly and C:\\exports\\daily: found exactly, filtered locally, no q sent", async () => {
    const oreilly = await findExactly({ conditions: [{ path: ['client'], value: "o'reilly" }] });
    assert.equal(oreilly.q, null);
    assert.deepEqual(
      oreilly.sessions.map((s) => s.userMetadata),
      [{ client: "o'reilly", workflow: { name: 'search' } }],
    );
    const path = await findExactly({ conditions: [{ path: ['path'], value: 'C:\\exports\\daily' }] });
    assert.equal(path.q, null);
    assert.equal(path.sessions.length, 1);
    assert.equal(path.sessions[0]?.userMetadata?.client, 'globex');
    // One character off finds nothing.
    assert.equal((await findExactly({ conditions: [{ path: ['path'], value: 'C:\\exports\\daily\\' }] })).sessions.length, 0);
  });

  test('several conditions are ANDed: one goes to the server, the rest are checked locally', async () => {
    const three = await findExactly({
      conditions: [
        { path: ['client'], value: 'acme' },
        { path: ['workflow', 'name'], value: 'checkout' },
        { path: ['env'], value: 'prod' },
      ],
    });
    assert.equal(three.q, "user_metadata['client']:'acme'");
    assert.equal(three.sessions.length, 3);
    assert.ok(three.sessions.every((s) => s.userMetadata?.env === 'prod'));
    // The unsafe condition stays local; the safe one is sent.
    const mixed = await findExactly({
      conditions: [
        { path: ['client'], value: "o'reilly" },
        { path: ['workflow', 'name'], value: 'search' },
      ],
    });
    assert.equal(mixed.q, "user_metadata['workflow']['name']:'search'");
    assert.equal(mixed.sessions.length, 1);
    assert.equal(
      (
        await findExactly({
          conditions: [
            { path: ['client'], value: 'globex' },
            { path: ['env'], value: 'nowhere' },
          ],
        })
      ).sessions.length,
      0,
    );
  });

  test('status filter, with and without conditions', async () => {
    const running = await findExactly({ conditions: [{ path: ['client'], value: 'acme' }], status: 'RUNNING' });
    assert.equal(running.sessions.length, 1);
    assert.equal(running.sessions[0]?.keepAlive, true);
    const params = new URLSearchParams(lists().at(-1)?.query);
    assert.equal(params.get('status'), 'RUNNING');
    const timedOut = await findExactly({ conditions: [], status: 'TIMED_OUT' });
    assert.ok(timedOut.sessions.length >= 3 && timedOut.sessions.every((s) => s.status === 'TIMED_OUT'));
  });

  test("sessions of the key's other projects are left out", async () => {
    // The seeded staging project holds a login-check session too; the key sees it, the result does not.
    const found = await service.find(config.id, { conditions: [{ path: ['workflow', 'name'], value: 'login-check' }] });
    assert.equal(found.returned, found.sessions.length + 1);
    assert.ok(found.sessions.length >= 2 && found.sessions.every((s) => s.projectId === PROJECT));
  });

  test('usage by client over the result set', async () => {
    const { sessions } = await findExactly({ conditions: [{ path: ['env'], value: 'prod' }] });
    const { buckets, totals } = usageByTag(sessions, ['client'], Date.now());
    assert.equal(totals.sessions, sessions.length);
    assert.deepEqual(buckets.map((b) => b.label).sort(), ['acme', 'globex', 'initech', 'umbrella']);
    assert.ok(!buckets.some((b) => b.label === NO_VALUE_LABEL));
    assert.ok(totals.minutes >= totals.sessions);
  });

  test('an invalid query is refused before any request', async () => {
    const before = ctx.sandbox.requests.length;
    await rejectsWith(service.find(config.id, { conditions: [{ path: ['client', ''], value: 'x' }] }), 'request');
    assert.equal(ctx.sandbox.requests.length, before);
  });
});

describe('launching tagged sessions', () => {
  test('launch with nested, awkward tags, then find it again by them', async () => {
    const marker = `run-${Math.random().toString(36).slice(2)}`;
    const tags = [
      { path: ['run', 'id'], value: marker },
      { path: ["team's", 'env:region'], value: "eu [central] 'quoted' \\ 東京" },
    ];
    const { session, reused } = await launchTracked({ tags, region: 'eu-central-1', timeout: 600 });
    try {
      assert.equal(reused, false);
      assert.equal(session.status, 'RUNNING');
      assert.equal(session.region, 'eu-central-1');
      assert.match(session.connectUrl, /^ws:\/\/127\.0\.0\.1:\d+\/browserbase\/connect/);
      assert.deepEqual(session.userMetadata, { run: { id: marker }, "team's": { 'env:region': "eu [central] 'quoted' \\ 東京" } });
      const byMarker = await findExactly({ conditions: [tags[0]!], status: 'RUNNING' });
      assert.deepEqual(
        byMarker.sessions.map((s) => s.id),
        [session.id],
      );
      const byAwkward = await findExactly({ conditions: [tags[1]!] });
      assert.equal(byAwkward.q, null);
      assert.deepEqual(
        byAwkward.sessions.map((s) => s.id),
        [session.id],
      );
      const urls = await service.debugUrls(config.id, session.id);
      assert.match(urls.debuggerFullscreenUrl, new RegExp(`/browserbase/devtools/${session.id}/fullscreen$`));
      assert.equal((await service.session(config.id, session.id)).connectUrl, session.connectUrl);
    } finally {
      await releaseAll();
    }
  });

  test('a double launch creates one session', async () => {
    const before = creates().length;
    const request = { tags: [{ path: ['click'], value: `double-${Date.now()}` }] };
    const [a, b] = await Promise.all([service.launch(config.id, request), service.launch(config.id, request)]);
    released.push(a.session.id);
    try {
      assert.equal(a.session.id, b.session.id);
      assert.deepEqual([a.reused, b.reused], [false, true]);
      assert.equal(creates().length - before, 1, 'one POST /v1/sessions reached the server');
      const found = await findExactly({ conditions: request.tags });
      assert.equal(found.sessions.length, 1);
    } finally {
      await releaseAll();
    }
  });

  test("beyond the project's concurrency: 429 saying the concurrency limit is reached, with the limit", async () => {
    // One seeded keep-alive session runs; concurrency 3 leaves room for two.
    await launchTracked({ tags: [{ path: ['slot'], value: '1' }] });
    await launchTracked({ tags: [{ path: ['slot'], value: '2' }] });
    try {
      const before = creates().length;
      const error = await rejectsWith(service.launch(config.id, { tags: [{ path: ['slot'], value: '3' }] }), 'rateLimited');
      assert.equal(creates().length - before, 1, 'tried once, never retried');
      assert.equal(error.status, 429);
      assert.match(error.message, /the plan's concurrency limit is reached/);
      assert.match(error.message, /This project allows 3 concurrent sessions\./);
      assert.match(error.message, /Release a running session/);
      assert.ok(error.retryAfterMs !== undefined && error.retryAfterMs > 0);
      assertNoSecret(error, ctx.sandbox.tokens.browserbase);
    } finally {
      await releaseAll();
    }
    // Released: room again.
    await launchTracked({ tags: [{ path: ['slot'], value: '4' }] });
    await releaseAll();
  });

  test("metadata over Browserbase's limits is refused before sending, with the reason", async () => {
    const before = ctx.sandbox.requests.length;
    const long = await rejectsWith(service.launch(config.id, { tags: [{ path: ['note'], value: 'x'.repeat(600) }] }), 'request');
    assert.match(long.message, /fewer than 512/);
    const wide = await rejectsWith(
      service.launch(config.id, { tags: Array.from({ length: 30 }, (_, i) => ({ path: [`tag${i}`], value: 'some value' })) }),
      'request',
    );
    assert.match(wide.message, /userMetadata is \d+ characters as JSON; Browserbase requires fewer than 512/);
    const clash = await rejectsWith(
      service.launch(config.id, {
        tags: [
          { path: ['a'], value: 'x' },
          { path: ['a', 'b'], value: 'y' },
        ],
      }),
      'request',
    );
    assert.match(clash.message, /contradict/);
    // Arrays cannot come out of the builder (string values only); the client the service uses refuses them too.
    const client = service.host.client({ baseUrl: config.baseUrl, token: ctx.sandbox.tokens.browserbase, projectId: PROJECT });
    const array = await rejectsWith(client.createSession({ userMetadata: { tags: ['a', 'b'] } }), 'request');
    assert.match(array.message, /userMetadata\.tags is an array/);
    assert.equal(ctx.sandbox.requests.length, before, 'no request reached the sandbox');
  });

  test('release ends a keep-alive session: it leaves the RUNNING results', async () => {
    const marker = `keep-${Math.random().toString(36).slice(2)}`;
    const { session } = await service.launch(config.id, { tags: [{ path: ['run', 'id'], value: marker }], keepAlive: true });
    const query = { conditions: [{ path: ['run', 'id'], value: marker }], status: 'RUNNING' };
    assert.deepEqual(
      (await findExactly(query)).sessions.map((s) => [s.id, s.keepAlive]),
      [[session.id, true]],
    );
    const ended = await service.release(config.id, session.id);
    assert.equal(ended.status, 'COMPLETED');
    assert.deepEqual((await findExactly(query)).sessions, []);
    assert.equal((await findExactly({ conditions: query.conditions, status: 'COMPLETED' })).sessions.length, 1);
  });
});
