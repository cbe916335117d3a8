/**
 * The language model tools' work against the sandbox's providers over real HTTP: usage from snapshots
 * built from real polls, sessions found by metadata exactly, a launch confirmed with the project's
 * headroom (and warned at the limit), one session for a double launch (the panel's guard), release;
 * bad input and a missing key answered in words with nothing sent; no token in any answer or error.
 */
import assert from 'node:assert/strict';
import { after, beforeEach, describe, test } from 'node:test';
import { sessionHost } from '../../src/browserbase/sessionHost';
import { BrowserbaseSessionService } from '../../src/browserbase/sessionService';
import { PALETTE_TABLES } from '../../src/commands/paletteTables';
import { feedsFor } from '../../src/connections/feeds';
import { buildSnapshot } from '../../src/connections/snapshotBuilder';
import { HttpClient } from '../../src/http/httpClient';
import { redactText } from '../../src/http/redact';
import type { ConnectionConfig } from '../../src/shared/connections';
import type { Sample } from '../../src/shared/samples';
import type { ConnectionSnapshot } from '../../src/shared/snapshot';
import { BrowserbaseTools } from '../../src/tools/browserbaseTools';
import { ROOMY_TIMEOUTS } from '../support/faultMatrix';
import { useSandbox } from '../support/sandbox';

const ctx = useSandbox({ port: 0 });
const http = new HttpClient();
after(() => http.close());

let connections: ConnectionConfig[] = [];
let tokens = new Map<string, string>();
let snapshots: ConnectionSnapshot[] = [];
let service: BrowserbaseSessionService;
let tools: BrowserbaseTools;

const bb = (): ConnectionConfig => ({
  id: 'bb',
  kind: 'browserbase',
  label: 'Sandbox BB',
  baseUrl: ctx.sandbox.baseUrl('browserbase'),
  projectId: 'proj_sandbox',
  quota: { monthlyBrowserMinutes: 30_000 },
});

beforeEach(() => {
  connections = [bb(), { id: 'bl', kind: 'browserless', label: 'Sandbox BL', baseUrl: ctx.sandbox.baseUrl('browserless'), authMode: 'bearer' }];
  tokens = new Map([
    ['bb', ctx.sandbox.tokens.browserbase],
    ['bl', ctx.sandbox.tokens.browserless],
  ]);
  const resolve = async (id: string) => ({ token: tokens.get(id) });
  service = new BrowserbaseSessionService(sessionHost({ connections: () => connections }, { resolve }, http, { timeouts: ROOMY_TIMEOUTS }));
  tools = new BrowserbaseTools({
    connections: () => connections,
    snapshots: () => snapshots,
    sessions: async () => service,
    tokenSource: async (config) => (tokens.has(config.id) ? 'secretStorage' : 'none'),
    redact: async (text) => redactText(text, [...tokens.values()]),
    now: Date.now,
    providers: PALETTE_TABLES.providers,
    launch: PALETTE_TABLES.launch,
  });
  ctx.sandbox.clearRequests();
});

/** Polls every feed of a connection once and builds its snapshot, as the connection service does. */
async function poll(config: ConnectionConfig): Promise<ConnectionSnapshot> {
  const latest: Sample[] = [];
  let running: { sessions: NonNullable<Awaited<ReturnType<ReturnType<typeof feedsFor>[number]['run']>>['running']>; readAt: number } | undefined;
  for (const feed of feedsFor(config, tokens.get(config.id), http)) {
    const reading = await feed.run(AbortSignal.timeout(10_000));
    latest.push(...reading.samples);
    if (reading.running) running = { sessions: reading.running, readAt: reading.fetchedAt };
  }
  const now = Date.now();
  return buildSnapshot({
    config,
    latest,
    previous: [],
    history: [],
    health: 'ok',
    notes: [],
    tokenSource: 'secretStorage',
    lastSuccessAt: now,
    now,
    ...(running ? { running } : {}),
  });
}

const requestsTo = (path: string, method = 'GET') => ctx.sandbox.requests.filter((request) => request.path === path && request.method === method);
const SESSIONS = '/browserbase/v1/sessions';

describe('read usage', () => {
  test("every connection's figures, levels and freshness, from real polls through the snapshot builder", async () => {
    ctx.sandbox.setState({ browserless: { running: 4, maxConcurrent: 10, queued: 2, maxQueued: 10 } });
    snapshots = [await poll(connections[0]!), await poll(connections[1]!)];
    ctx.sandbox.clearRequests();
    const answer = JSON.parse(await tools.readUsage({})) as {
      connections: {
        connectionId: string;
        figures: { name: string; value: number | null; readAt: string | null; ageSeconds: number | null }[];
        quotas: { name: string; level: string }[];
        alerts?: string[];
      }[];
    };
    assert.deepEqual(
      answer.connections.map((entry) => entry.connectionId),
      ['bb', 'bl'],
    );
    const [browserbase, browserless] = answer.connections;
    const minutes = browserbase?.figures.find((figure) => figure.name === 'Browser minutes');
    assert.equal(minutes?.value, snapshots[0]?.figures.find((figure) => figure.id === 'browserMinutes')?.value, 'the number the status bar shows');
    assert.ok(minutes?.readAt && minutes.ageSeconds !== null && minutes.ageSeconds < 60, 'each reading says how old it is');
    assert.equal(browserless?.figures.find((figure) => figure.name === 'Concurrent sessions')?.value, 4);
    assert.match(browserless?.alerts?.[0] ?? '', /The queue is filling: 2 of 10 places taken/);
    const only = JSON.parse(await tools.readUsage({ connectionId: 'bl' })) as { connections: unknown[] };
    assert.equal(only.connections.length, 1);
    await assert.rejects(tools.readUsage({ connectionId: 'nope' }), /No connection "nope"; the connections are bb \("Sandbox BB"\), bl \("Sandbox BL"\)\./);
    assert.equal(ctx.sandbox.requests.length, 0, 'reading usage asks no provider anything');
  });

  test('a connection waiting for a token says which and how to set it', async () => {
    tokens.delete('bb');
    snapshots = [{ ...(await pollOrEmpty()), health: 'authNeeded', tokenSource: 'none' }];
    const answer = JSON.parse(await tools.readUsage({})) as { connections: { state: string; whatToDo?: string }[] };
    assert.equal(answer.connections[0]?.state, 'needs a token');
    assert.match(
      answer.connections[0]?.whatToDo ?? '',
      /run the command "Live Usage: Set Token…" and pick "Sandbox BB" \(or start VS Code with BROWSERBASE_API_KEY set\)/,
    );
  });
});

async function pollOrEmpty(): Promise<ConnectionSnapshot> {
  return buildSnapshot({ config: bb(), latest: [], previous: [], history: [], health: 'loading', notes: [], tokenSource: 'none', now: Date.now() });
}

describe('find sessions', () => {
  test('by nested tag and status, exactly, with billed minutes', async () => {
    const answer = JSON.parse(
      await tools.find({
        conditions: [
          { key: 'workflow > name', value: 'checkout' },
          { key: 'env', value: 'prod' },
        ],
        limit: 2,
      }),
    ) as {
      matched: number;
      listed: number;
      sentToBrowserbase: { q: string };
      sessions: { sessionId: string; metadata: { workflow: { name: string }; env: string }; billedMinutes: number | null }[];
    };
    assert.equal(answer.sentToBrowserbase.q, "user_metadata['workflow']['name']:'checkout'");
    assert.ok(answer.matched >= 3);
    assert.equal(answer.listed, 2);
    for (const session of answer.sessions) {
      assert.equal(session.metadata.workflow.name, 'checkout');
      assert.equal(session.metadata.env, 'prod');
      assert.ok((session.billedMinutes ?? 1) >= 1);
    }
    assert.ok(!JSON.stringify(answer).includes('signingKey'), 'no session key in an answer');
  });

  test('a malformed query gets a clear message and sends nothing', async () => {
    await assert.rejects(
      tools.find({ conditions: [{ key: 'retries', value: 3 }] }),
      /value must be a string: Browserbase only matches string metadata values \(send "3"\)/,
    );
    await assert.rejects(tools.find({ conditions: [{ key: 'a', value: 'x' }], status: 'FINISHED' }), /status "FINISHED" is not one of/);
    assert.equal(ctx.sandbox.requests.length, 0);
  });

  test('without a key: names the connection and how to set the key, and sends nothing', async () => {
    tokens.delete('bb');
    await assert.rejects(
      tools.find({ conditions: [] }),
      /Connection "Sandbox BB" \(connectionId bb\) has no Browserbase API key, so nothing was sent\. Ask the user to run the command "Live Usage: Set Token…" and pick "Sandbox BB"/,
    );
    assert.equal(ctx.sandbox.requests.length, 0);
  });

  test('the wrong or an ambiguous connection is named', async () => {
    await assert.rejects(tools.find({ connectionId: 'bl' }), /"bl" is a Browserless connection, not Browserbase; the Browserbase ones are bb \("Sandbox BB"\)/);
    connections.push({ ...bb(), id: 'bb2', label: 'Second BB' });
    await assert.rejects(tools.find({}), /several Browserbase connections: give connectionId, one of bb \("Sandbox BB"\), bb2 \("Second BB"\)/);
  });

  test('a token a server echoes into metadata never reaches an answer', async () => {
    ctx.sandbox.setState({ browserbase: { longRunning: [{ minutes: 5, userMetadata: { note: `key ${ctx.sandbox.tokens.browserbase}` } }] } });
    try {
      const answer = await tools.find({ status: 'RUNNING' });
      assert.ok(!answer.includes(ctx.sandbox.tokens.browserbase));
      assert.ok(answer.includes('[redacted]'));
    } finally {
      ctx.sandbox.setState({ browserbase: null });
    }
  });
});

describe('launch and release', () => {
  test('confirmation with the headroom; one session for a double launch; release after confirming', async () => {
    const input = {
      tags: [
        { key: 'client', value: 'tool-test' },
        { key: 'job > id', value: `t-${Date.now()}` },
      ],
      keepAlive: true,
      timeoutSeconds: 600,
    };
    const prepared = await tools.prepareLaunch(input);
    assert.equal(prepared.confirmation?.title, 'Start a billed Browserbase browser on Sandbox BB?');
    assert.match(
      prepared.confirmation?.message ?? '',
      /^Headroom: 1 of 3 concurrent sessions running: room for 2 more\.\nTags \(userMetadata\): \{"client":"tool-test","job":\{"id":"t-/,
    );
    assert.match(prepared.confirmation?.message ?? '', /at least one minute, and a keep-alive browser runs until you release it/);
    assert.equal(requestsTo(SESSIONS, 'POST').length, 0, 'preparing starts nothing');

    const [first, second] = await Promise.all([tools.launch(input), tools.launch(input)]);
    const a = JSON.parse(first) as {
      reused: boolean;
      session: { sessionId: string; keepAlive: boolean; metadata: unknown };
      headroomBeforeLaunch: string;
      connectUrl: string;
    };
    const b = JSON.parse(second) as { reused: boolean; session: { sessionId: string } };
    assert.equal(a.session.sessionId, b.session.sessionId, 'a double call starts one browser');
    assert.deepEqual([a.reused, b.reused].sort(), [false, true]);
    assert.equal(requestsTo(SESSIONS, 'POST').length, 1);
    assert.equal(a.headroomBeforeLaunch, '1 of 3 concurrent sessions running: room for 2 more.');
    assert.equal(a.session.keepAlive, true);
    assert.match(a.connectUrl, /not given here: it carries a signing key/);
    assert.ok(!first.includes('signingKey=') && !first.includes('ws://'), 'no connect URL or signing key');
    // The panel asking for the same launch a moment later joins it too: one guard for both.
    assert.equal(
      (await service.launch('bb', { tags: [...input.tags].map((tag) => ({ path: tag.key.split(' > '), value: tag.value })), keepAlive: true, timeout: 600 }))
        .reused,
      true,
    );

    const release = await tools.prepareRelease({ sessionId: a.session.sessionId });
    assert.equal(release.confirmation?.title, `Release Browserbase session ${a.session.sessionId.slice(0, 8)}…?`);
    assert.match(
      release.confirmation?.message ?? '',
      /^Release session [0-9a-f-]{36} on Sandbox BB\? It has run for .+ \(keep-alive\), tagged client=tool-test, job > id=t-\d+\. The browser stops now, and so does its billing\.$/,
    );
    const released = JSON.parse(await tools.release({ sessionId: a.session.sessionId })) as { released: boolean; session: { status: string } };
    assert.equal(released.session.status, 'COMPLETED');
  });

  test('at the limit: warned in the confirmation and the answer, not blocked; the 429 names the limit', async () => {
    ctx.sandbox.setState({ browserbase: { concurrency: 1 } });
    try {
      const prepared = await tools.prepareLaunch({ tags: [] });
      assert.match(
        prepared.confirmation?.message ?? '',
        /^Warning: Browserbase will most likely refuse this launch with HTTP 429: the project already runs 1 of its 1 concurrent sessions\. Release one first/,
      );
      await assert.rejects(tools.launch({ tags: [] }), /HTTP 429.*This project allows 1 concurrent session\./s);
      assert.equal(requestsTo(SESSIONS, 'POST').length, 1, 'the launch was tried, not blocked');
    } finally {
      ctx.sandbox.setState({ browserbase: { concurrency: 3 } });
    }
  });

  test('metadata over the limits: refused with the reason, no confirmation, nothing sent', async () => {
    const input = { tags: [{ key: 'note', value: 'x'.repeat(520) }] };
    const prepared = await tools.prepareLaunch(input);
    assert.equal(prepared.confirmation, undefined, 'nothing to confirm: it will not be sent');
    await assert.rejects(
      tools.launch(input),
      /Session not launched, nothing was sent: No session can carry this tag: it alone is \d+ characters as JSON, and Browserbase allows fewer than 512\./,
    );
    const several = { tags: Array.from({ length: 8 }, (_, index) => ({ key: `k${index}`, value: 'y'.repeat(60) })) };
    await assert.rejects(tools.launch(several), /nothing was sent: .*fewer than 512/);
    assert.equal(requestsTo(SESSIONS, 'POST').length, 0);
    assert.equal(ctx.sandbox.requests.filter((request) => request.method === 'POST').length, 0);
  });

  test('release: a malformed id or a missing key is refused without a request', async () => {
    await assert.rejects(tools.release({ sessionId: '../projects/proj_sandbox' }), /is not a Browserbase session id: expected a UUID/);
    assert.equal((await tools.prepareRelease({ sessionId: 'nope' })).confirmation, undefined);
    tokens.delete('bb');
    await assert.rejects(tools.release({ sessionId: '3f2a9c1e-0000-4000-8000-000000000001' }), /has no Browserbase API key, so nothing was sent/);
    assert.equal(ctx.sandbox.requests.length, 0);
  });
});
