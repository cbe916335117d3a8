/**
 * The Browserbase sessions panel's host side, driven through the one webview channel with the
 * messages the page sends, against the sandbox's Browserbase API over real HTTP: init, find (rows trimmed to what the page shows, q and
 * its URL form), a late answer carrying its own request id, launch with exactly one confirmation per
 * click and one session for a double click, a refusal answered without a confirmation or request,
 * the 429 naming the project's concurrency, copy/release actions, and saved queries shared with the
 * Command Palette's store.
 */
import assert from 'node:assert/strict';
import { after, beforeEach, describe, test } from 'node:test';
import { SavedQueries } from '../../src/browserbase/savedQueries';
import { sessionHost } from '../../src/browserbase/sessionHost';
import { SessionsController, type SessionsUi } from '../../src/browserbase/sessionsController';
import { BrowserbaseSessionService } from '../../src/browserbase/sessionService';
import { HttpClient } from '../../src/http/httpClient';
import type { ConnectionConfig } from '../../src/shared/connections';
import { fromSessionColumns } from '../../src/shared/sessionColumns';
import { parseSessionsPageMessage, type SessionsHostMessage, type SessionsPageMessage } from '../../src/shared/sessionsProtocol';
import { WebviewChannel } from '../../src/webviews/webviewChannel';
import { FakePage } from '../unit/webviews/fakePage';
import { ROOMY_TIMEOUTS } from '../support/faultMatrix';
import { useSandbox } from '../support/sandbox';

const PROJECT = 'proj_sandbox';
const ctx = useSandbox({ port: 0 });
let http: HttpClient;

interface Harness {
  controller: SessionsController;
  posted: SessionsHostMessage[];
  confirms: string[];
  /** Each confirmation's detail, as the modal shows it under the message. */
  details: string[];
  saved: { fileName: string; content: string }[];
  copied: string[];
  infos: string[];
  errors: string[];
  opened: string[];
  answer: { confirm: boolean; delayMs: number };
  store: Map<string, unknown>;
  /** Sends what the page would, through the channel the panel runs (its schema included), and waits for the answer. */
  send(message: SessionsPageMessage): Promise<void>;
}

function harness(): Harness {
  http ??= new HttpClient();
  const config: ConnectionConfig = {
    id: 'bb',
    kind: 'browserbase',
    label: 'Sandbox Browserbase',
    baseUrl: ctx.sandbox.baseUrl('browserbase'),
    projectId: PROJECT,
  };
  const token = ctx.sandbox.tokens.browserbase;
  const service = new BrowserbaseSessionService(
    sessionHost({ connections: () => [config] }, { resolve: async () => ({ token }) }, http, { timeouts: ROOMY_TIMEOUTS }),
  );
  const store = new Map<string, unknown>();
  const saved = new SavedQueries({ get: <T>(key: string) => store.get(key) as T | undefined, update: async (key, value) => void store.set(key, value) });
  const h = {
    posted: [],
    confirms: [],
    details: [],
    saved: [],
    copied: [],
    infos: [],
    errors: [],
    opened: [],
    answer: { confirm: true, delayMs: 0 },
    store,
  } as unknown as Harness;
  const ui: SessionsUi = {
    confirm: async (message, detail) => {
      h.confirms.push(message);
      h.details.push(detail);
      await new Promise((resolve) => setTimeout(resolve, h.answer.delayMs));
      return h.answer.confirm;
    },
    copy: async (text) => void h.copied.push(text),
    openExternal: async (url) => void h.opened.push(url),
    info: (message) => void h.infos.push(message),
    error: (message) => void h.errors.push(message),
    runCommand: async () => undefined,
    debug: () => undefined,
    save: async (fileName, content) => void h.saved.push({ fileName, content }),
  };
  const page = new FakePage({ retainsContext: true });
  const channel = new WebviewChannel<SessionsPageMessage, SessionsHostMessage>(
    page,
    (handle) => new SessionsController(service, saved, ui, handle, { connectionId: 'bb' }),
    {
      parse: parseSessionsPageMessage,
      name: 'sessions panel',
      log: { debug: () => undefined, warn: () => undefined },
      failed: (message) => h.errors.push(message),
    },
  );
  h.controller = channel.controller as SessionsController;
  // What the page receives has crossed a structured clone.
  h.posted = page.posted as SessionsHostMessage[];
  h.send = async (message) => {
    assert.ok(parseSessionsPageMessage(JSON.parse(JSON.stringify(message))), `the host would drop ${JSON.stringify(message)}`);
    await page.receive(message, () => channel.whenIdle());
  };
  return h;
}

const last = <T extends SessionsHostMessage['type']>(h: Harness, type: T) =>
  h.posted.filter((m): m is Extract<SessionsHostMessage, { type: T }> => m.type === type).at(-1);
const creates = () => ctx.sandbox.requests.filter((r) => r.method === 'POST' && r.path === '/browserbase/v1/sessions').length;

let h: Harness;
beforeEach(async () => {
  h = harness();
  await h.send({ type: 'ready' });
});
after(async () => {
  await http?.close();
});

describe('sessions panel host', () => {
  test('ready is answered with the connections, saved queries and launch options, showing the connection the panel was opened for', () => {
    const init = last(h, 'init');
    assert.deepEqual(init?.connections, [{ id: 'bb', label: 'Sandbox Browserbase', projectId: PROJECT, runawayMinutes: 30 }]);
    assert.equal(init?.connectionId, 'bb');
    assert.ok(init?.regions.includes('us-west-2'));
    assert.deepEqual(init?.timeoutRange, [60, 21600]);
  });

  test('find answers with trimmed rows, the q sent and its URL form, under the request id', async () => {
    await h.send({ type: 'find', requestId: 7, connectionId: 'bb', query: { conditions: [{ path: ['client'], value: 'acme' }] } });
    const results = last(h, 'results');
    assert.equal(results?.requestId, 7);
    assert.equal(results?.q, "user_metadata['client']:'acme'");
    assert.equal(results?.encoded, 'user_metadata%5B%27client%27%5D%3A%27acme%27');
    // Nothing a page does not need: no connect URL, signing key or project id.
    assert.deepEqual(Object.keys(results?.sessions ?? {}).sort(), [
      'createdAt',
      'endedAt',
      'id',
      'keepAlive',
      'metadata',
      'proxyBytes',
      'region',
      'startedAt',
      'status',
    ]);
    const rows = results ? fromSessionColumns(results.sessions) : [];
    assert.ok(rows.length > 0);
    for (const row of rows) assert.equal((row.userMetadata as Record<string, unknown>).client, 'acme');
  });

  test('a failing find says why under its request id and never shows the key', async () => {
    ctx.sandbox.injectFault({ route: '/browserbase/v1/sessions', fault: { kind: 'status', status: 401 }, times: 1 });
    await h.send({ type: 'find', requestId: 3, connectionId: 'bb', query: { conditions: [] } });
    const failed = last(h, 'failed');
    assert.equal(failed?.requestId, 3);
    assert.match(failed?.message ?? '', /rejected|401|key/i);
    assert.ok(!JSON.stringify(h.posted).includes(ctx.sandbox.tokens.browserbase));
  });

  test('one session with 10,000-level nested metadata does not sink the search: it is cut with a marker, the others are shown', async () => {
    const raw = (await (
      await fetch(`${ctx.sandbox.baseUrl('browserbase')}/v1/sessions`, { headers: { 'X-BB-API-Key': ctx.sandbox.tokens.browserbase } })
    ).json()) as { projectId: string }[];
    const index = raw.findIndex((session) => session.projectId === PROJECT);
    ctx.sandbox.injectFault({ route: '/browserbase/v1/sessions', fault: { kind: 'deepJson', depth: 10_000, field: 'userMetadata', index }, times: 1 });
    await h.send({ type: 'find', requestId: 11, connectionId: 'bb', query: { conditions: [] } });
    assert.equal(last(h, 'failed'), undefined, JSON.stringify(last(h, 'failed')));
    const results = last(h, 'results');
    assert.equal(results?.requestId, 11);
    const rows = results ? fromSessionColumns(results.sessions) : [];
    assert.ok(rows.length > 1);
    assert.equal(rows.filter((row) => JSON.stringify(row.userMetadata).includes('nested deeper than')).length, 1);
  });

  test('a live-view URL from the server is opened only if https, or http to this machine', async () => {
    await h.send({ type: 'find', requestId: 12, connectionId: 'bb', query: { conditions: [] } });
    const sessionId = (last(h, 'results')?.sessions.id ?? [])[0];
    assert.ok(sessionId);
    const cases: [string, boolean][] = [
      ['command:workbench.action.terminal.new', false],
      ['file:///etc/passwd', false],
      ['vscode://settings/http.proxy', false],
      ['javascript:alert(1)', false],
      ['http://debug.example.com/live', false],
      ['https://user:pass@www.browserbase.com/devtools', false],
      ['not a url', false],
      ['https://www.browserbase.com/devtools-fullscreen/inspector.html?wss=connect.browserbase.com/debug/x', true],
      ['http://127.0.0.1:9222/devtools/inspector.html', true],
      ['http://localhost:9222/devtools/inspector.html', true],
      ['http://[::1]:9222/devtools/inspector.html', true],
    ];
    for (const [url, opens] of cases) {
      h.opened.length = 0;
      h.errors.length = 0;
      const body = JSON.stringify({ debuggerFullscreenUrl: url, debuggerUrl: url, wsUrl: 'wss://connect.browserbase.com/debug', pages: [] });
      ctx.sandbox.injectFault({ route: `/browserbase/v1/sessions/${sessionId}/debug`, fault: { kind: 'status', status: 200, body }, times: 1 });
      await h.send({ type: 'sessionAction', connectionId: 'bb', sessionId, action: 'openDebugger' });
      assert.deepEqual(h.opened, opens ? [url] : [], url);
      if (!opens) assert.match(h.errors.join('\n'), /not opened/, url);
    }
  });

  test('a launch asks once, starts one session, and answers with its connect URL', async () => {
    const before = creates();
    const options = {
      tags: [
        { path: ['client'], value: 'panel-test' },
        { path: ['order', 'status'], value: 'it\'s "new"' },
      ],
      region: 'us-west-2',
      keepAlive: true,
    };
    // A double click: two launch messages with the same options while the confirmation is open.
    h.answer.delayMs = 50;
    await Promise.all([
      h.send({ type: 'launch', requestId: 1, connectionId: 'bb', options }),
      h.send({ type: 'launch', requestId: 2, connectionId: 'bb', options }),
    ]);
    assert.equal(h.confirms.length, 1, 'one confirmation for a double click');
    assert.match(h.confirms[0] ?? '', /billed/);
    assert.equal(creates() - before, 1, 'one session for a double click');
    const launched = h.posted.filter((m) => m.type === 'launched');
    assert.equal(launched.length, 2);
    const [first, second] = launched as Extract<SessionsHostMessage, { type: 'launched' }>[];
    assert.equal(first?.session.id, second?.session.id);
    assert.match(first?.connectUrl ?? '', /^wss?:\/\//);
    assert.deepEqual(first?.session.userMetadata, { client: 'panel-test', order: { status: 'it\'s "new"' } });

    // Found again by its tags (one of them needs no escaping, the other is checked locally).
    await h.send({ type: 'find', requestId: 4, connectionId: 'bb', query: { conditions: options.tags } });
    assert.deepEqual(last(h, 'results')?.sessions.id, [first?.session.id]);

    // Copy its id and connect URL (fetched: lists leave it out), open its live debugger, then release it.
    await h.send({ type: 'sessionAction', connectionId: 'bb', sessionId: first?.session.id ?? '', action: 'copyId' });
    assert.equal(h.copied.at(-1), first?.session.id);
    await h.send({ type: 'sessionAction', connectionId: 'bb', sessionId: first?.session.id ?? '', action: 'openDebugger' });
    assert.match(h.opened.at(-1) ?? '', /^https?:\/\/.*\/fullscreen$/);
    await h.send({ type: 'sessionAction', connectionId: 'bb', sessionId: first?.session.id ?? '', action: 'copyConnectUrl' });
    assert.equal(h.copied.at(-1), first?.connectUrl);
    await h.send({ type: 'sessionAction', connectionId: 'bb', sessionId: first?.session.id ?? '', action: 'release' });
    assert.equal(h.confirms.length, 2, 'release asks first');
    const updated = last(h, 'session');
    assert.equal(updated?.session.id, first?.session.id);
    assert.notEqual(updated?.session.status, 'RUNNING');
  });

  test('a declined confirmation starts nothing', async () => {
    const before = creates();
    h.answer.confirm = false;
    await h.send({ type: 'launch', requestId: 9, connectionId: 'bb', options: { tags: [{ path: ['client'], value: 'nope' }] } });
    assert.equal(last(h, 'launchCancelled')?.requestId, 9);
    assert.equal(creates(), before);
  });

  test('metadata over the limit is refused with the reason, without asking or sending', async () => {
    const before = creates();
    await h.send({ type: 'launch', requestId: 5, connectionId: 'bb', options: { tags: [{ path: ['note'], value: 'x'.repeat(600) }] } });
    const failed = last(h, 'failed');
    assert.equal(failed?.operation, 'launch');
    assert.match(failed?.message ?? '', /512/);
    assert.equal(h.confirms.length, 0);
    assert.equal(creates(), before);
  });

  test('a 429 on launch names the project concurrency', async () => {
    // One seeded keep-alive session runs and the project allows 3: two more fill it.
    const ids: string[] = [];
    for (const slot of ['1', '2']) {
      await h.send({ type: 'launch', requestId: 20 + ids.length, connectionId: 'bb', options: { tags: [{ path: ['slot'], value: slot }] } });
      ids.push(last(h, 'launched')?.session.id ?? '');
    }
    try {
      await h.send({ type: 'launch', requestId: 30, connectionId: 'bb', options: { tags: [{ path: ['slot'], value: '3' }] } });
      // Warned before, not blocked: the confirmation named the 429, and the launch was still sent.
      assert.match(h.details.at(-1) ?? '', /^Warning: Browserbase will most likely refuse this launch with HTTP 429: the project already runs 3 of its 3/);
      assert.match(h.details.at(-1) ?? '', /\nHeadroom: 3 of 3 concurrent sessions running: no room\./);
      assert.match(last(h, 'headroom')?.warning ?? '', /429/, 'the form is told after the refusal too');
      const failed = last(h, 'failed');
      assert.equal(failed?.requestId, 30);
      assert.match(failed?.message ?? '', /concurrency limit is reached/);
      assert.match(failed?.message ?? '', /This project allows 3 concurrent sessions/);
    } finally {
      h.answer.confirm = true;
      for (const id of ids) await h.send({ type: 'sessionAction', connectionId: 'bb', sessionId: id, action: 'release' });
    }
  });

  test("the launch form's headroom: read on request, and again after a launch and after a release", async () => {
    await h.send({ type: 'headroom', connectionId: 'bb' });
    assert.equal(last(h, 'headroom')?.text, '1 of 3 concurrent sessions running: room for 2 more.');
    assert.equal(last(h, 'headroom')?.warning, undefined);
    await h.send({ type: 'launch', requestId: 40, connectionId: 'bb', options: { tags: [{ path: ['client'], value: 'headroom-test' }], keepAlive: true } });
    assert.match(h.details.at(-1) ?? '', /^Headroom: 1 of 3 concurrent sessions running: room for 2 more\./, 'the confirmation names it, read then');
    const id = last(h, 'launched')?.session.id ?? '';
    assert.equal(h.posted.at(-1)?.type, 'headroom');
    assert.equal(last(h, 'headroom')?.text, '2 of 3 concurrent sessions running: room for 1 more.');
    await h.send({ type: 'sessionAction', connectionId: 'bb', sessionId: id, action: 'release' });
    assert.equal(last(h, 'headroom')?.text, '1 of 3 concurrent sessions running: room for 2 more.');
  });

  test('headroom that cannot be read is said in words, never as a failure', async () => {
    ctx.sandbox.injectFault({ route: '/browserbase/v1/sessions', fault: { kind: 'status', status: 500 }, times: 1 });
    await h.send({ type: 'headroom', connectionId: 'bb' });
    assert.match(last(h, 'headroom')?.text ?? '', /^The project allows 3 concurrent sessions; how many run now could not be read \(.*500.*\)\.$/);
  });

  test("the billing cycle's sessions of the project, trimmed like results, under the request id; its CSV goes to the save dialog", async () => {
    await h.send({ type: 'cycle', requestId: 11, connectionId: 'bb' });
    const cycle = last(h, 'cycle');
    assert.equal(cycle?.requestId, 11);
    assert.ok(cycle && cycle.start < cycle.at && cycle.at < cycle.end);
    const rows = cycle ? fromSessionColumns(cycle.sessions) : [];
    assert.ok(rows.length > 0);
    for (const row of rows) assert.ok(Date.parse(row.startedAt ?? '') >= (cycle?.start ?? Infinity), 'started this cycle');
    assert.ok(!JSON.stringify(cycle).includes('connectUrl') && !JSON.stringify(cycle).includes(PROJECT), 'no URL or project id');

    ctx.sandbox.injectFault({ route: '/browserbase/v1/sessions', fault: { kind: 'status', status: 401 }, times: 1 });
    await h.send({ type: 'cycle', requestId: 12, connectionId: 'bb' });
    assert.equal(last(h, 'failed')?.operation, 'cycle');
    assert.equal(last(h, 'failed')?.requestId, 12);

    await h.send({ type: 'exportCsv', fileName: 'live-usage-bb-cost-by-client-2026-11-01.csv', content: 'tag key,tag value\r\n' });
    assert.deepEqual(h.saved, [{ fileName: 'live-usage-bb-cost-by-client-2026-11-01.csv', content: 'tag key,tag value\r\n' }]);
    for (const fileName of ['../x.csv', 'x.txt', '.csv', 'a/b.csv'])
      assert.equal(parseSessionsPageMessage({ type: 'exportCsv', fileName, content: '' }), undefined, fileName);
  });

  test('saved queries go to the store the Command Palette reads, and init lists them', async () => {
    await h.send({ type: 'saveQuery', saved: { name: 'Acme running', query: { conditions: [{ path: ['client'], value: 'acme' }], status: 'RUNNING' } } });
    assert.equal(last(h, 'init')?.savedQueries[0]?.name, 'Acme running');
    assert.equal((h.store.get('liveUsage.browserbase.savedQueries') as string[]).length, 1);
    await h.send({ type: 'deleteQuery', name: 'Acme running' });
    assert.deepEqual(last(h, 'init')?.savedQueries, []);
  });

  test('the page cannot send a query outside the structure', () => {
    assert.equal(parseSessionsPageMessage({ type: 'find', requestId: 1, connectionId: 'bb', query: "user_metadata['a']:'b'" }), undefined);
    assert.equal(
      parseSessionsPageMessage({ type: 'find', requestId: 1, connectionId: 'bb', query: { conditions: [{ path: 'client', value: 'x' }] } }),
      undefined,
    );
    assert.equal(parseSessionsPageMessage({ type: 'find', requestId: 1, connectionId: 'bb', query: { conditions: [], status: 'DROP TABLE' } }), undefined);
    assert.equal(parseSessionsPageMessage({ type: 'sessionAction', connectionId: 'bb', sessionId: 'x', action: 'delete' }), undefined);
    assert.equal(parseSessionsPageMessage({ type: 'launch', requestId: 1, connectionId: 'bb', options: { tags: [], timeout: 'soon' } }), undefined);
  });
});
