/**
 * The sessions panel's state provider: the builder checks rows as they are typed and only sends a
 * structure; a find's answer is shown only if it answers the latest find; the panel opens on answers;
 * usage by tag never stays on a key the query fixes; sorting; the launch form's checks and the one
 * launch per click; what is kept across reloads.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { toSessionColumns, type SessionRow } from '../../../src/shared/sessionColumns';
import type { SessionsHostMessage, SessionsPageMessage } from '../../../src/shared/sessionsProtocol';
import { chooseKey, keyChoices, measureSpec } from '../../../webview/sessions/breakdownModel';
import { buildQuery, checkRows, previewQuery } from '../../../webview/sessions/builder';
import { readLaunch } from '../../../webview/sessions/launch';
import { readChoices, SessionsStateProvider, type SessionsChoices } from '../../../webview/sessions/state';

const NOW = Date.parse('2026-11-23T12:00:00Z');
const at = (minutesAgo: number) => new Date(NOW - minutesAgo * 60_000).toISOString();

function session(id: string, metadata: Record<string, unknown>, fields: Partial<SessionRow> = {}): SessionRow {
  return {
    id,
    status: 'COMPLETED',
    region: 'us-west-2',
    createdAt: at(10),
    startedAt: at(10),
    endedAt: at(5),
    proxyBytes: 100,
    keepAlive: false,
    userMetadata: metadata,
    ...fields,
  };
}

const SESSIONS = [
  session('a', { client: 'acme', workflow: { name: 'checkout' } }, { proxyBytes: 500 }),
  session('b', { client: 'acme', workflow: { name: 'search' } }, { proxyBytes: 9000, createdAt: at(20) }),
  session('c', { client: 'globex', workflow: { name: 'checkout' } }, { proxyBytes: 20, createdAt: at(30) }),
];

const init: SessionsHostMessage = {
  type: 'init',
  connections: [{ id: 'bb', label: 'Browserbase', runawayMinutes: 30 }],
  savedQueries: [{ name: 'Acme', query: { conditions: [{ path: ['client'], value: 'acme' }] } }],
  regions: ['us-west-2', 'eu-central-1'],
  timeoutRange: [60, 21600],
};

function results(requestId: number, rows: readonly SessionRow[]): SessionsHostMessage {
  return { type: 'results', requestId, connectionId: 'bb', sessions: toSessionColumns(rows), returned: rows.length, fetchedAt: NOW };
}

function rig(saved?: unknown) {
  const persisted: SessionsChoices[] = [];
  const provider = new SessionsStateProvider(
    saved,
    (choices) => persisted.push(choices),
    () => NOW,
  );
  return { provider, persisted };
}

const finds = (messages: readonly SessionsPageMessage[]) =>
  messages.filter((message): message is Extract<SessionsPageMessage, { type: 'find' }> => message.type === 'find');

describe('the query builder', () => {
  test('each row says what is wrong under itself; blank rows are no condition; a contradiction is said once below', () => {
    const checked = checkRows(
      [
        { key: 'workflow >', value: 'checkout' },
        { key: '', value: '' },
        { key: 'client', value: 'acme' },
      ],
      'condition',
    );
    assert.match(checked.rows[0]?.problem ?? '', /Key part 2 of 2 is empty/);
    assert.equal(checked.rows[0]?.keyBad, true);
    assert.equal(checked.rows[1]?.problem, undefined);
    assert.deepEqual(checked.conditions, [{ path: ['client'], value: 'acme' }]);
    assert.match(checked.problems[0] ?? '', /^Condition 1: /);
    const contradiction = buildQuery(
      checkRows(
        [
          { key: 'client', value: 'acme' },
          { key: 'client', value: 'globex' },
        ],
        'condition',
      ),
      '',
    );
    assert.ok(contradiction.queryProblem);
    assert.equal(contradiction.problem, contradiction.queryProblem);
  });

  test('the preview shows the one condition sent as q and why the others are checked here', () => {
    const built = buildQuery(
      checkRows(
        [
          { key: 'workflow > name', value: 'checkout' },
          { key: 'client', value: 'acme' },
          { key: 'note', value: 'it\'s "new"' },
        ],
        'condition',
      ),
      'RUNNING',
    );
    const preview = previewQuery(built.query);
    assert.equal(preview.q, "user_metadata['workflow']['name']:'checkout'");
    assert.equal(preview.request, `GET /v1/sessions?${new URLSearchParams({ q: preview.q as string, status: 'RUNNING' }).toString()}`);
    assert.match(preview.local[0] ?? '', /client = "acme" — Browserbase takes one condition per query/);
    assert.match(preview.local[1] ?? '', /no escaping/);
  });

  test('typing only changes the rows; Find sends the checked structure, never text', () => {
    const { provider } = rig();
    provider.receive(init);
    provider.editRow(0, 'key', 'order > status');
    provider.editRow(0, 'value', 'new');
    const [find] = finds(provider.findMessages());
    assert.deepEqual(find?.query, { conditions: [{ path: ['order', 'status'], value: 'new' }] });
    provider.editRow(0, 'key', 'order >');
    assert.equal(provider.canFind, false);
    assert.deepEqual(provider.findMessages(), []);
  });

  test('removing the last row leaves a blank one to type in', () => {
    const { provider } = rig();
    provider.removeRow(0);
    assert.deepEqual(provider.state.choices.rows, [{ key: '', value: '' }]);
  });
});

describe('finds and their answers', () => {
  test('the panel opens on answers: the first init runs the current query', () => {
    const { provider } = rig({ connectionId: 'bb', rows: [{ key: 'client', value: 'acme' }] });
    const [find] = finds(provider.receive(init));
    assert.deepEqual(find?.query, { conditions: [{ path: ['client'], value: 'acme' }] });
    assert.equal(provider.state.find?.busy, true);
    assert.deepEqual(finds(provider.receive({ ...init })), [], 'a later init with the same connection runs nothing');
  });

  test('only the answer to the latest find is shown; a late answer to an older one is dropped', () => {
    const { provider } = rig();
    const [first] = finds(provider.receive(init));
    provider.editRow(0, 'key', 'client');
    provider.editRow(0, 'value', 'globex');
    const [second] = finds(provider.findMessages());
    provider.receive(results(second!.requestId, [SESSIONS[2]!]));
    provider.receive(results(first!.requestId, SESSIONS));
    assert.deepEqual(
      provider.state.results?.rows.map((row) => row.id),
      ['c'],
    );
    provider.receive({ type: 'failed', requestId: first!.requestId, operation: 'find', message: 'late' });
    assert.equal(provider.state.find?.error, undefined);
  });

  test('a released session updates its row in place, keeping the order', () => {
    const { provider } = rig();
    const [find] = finds(provider.receive(init));
    provider.receive(results(find!.requestId, SESSIONS));
    const order = provider.state.results?.sorted.map((row) => row.id);
    provider.receive({ type: 'session', connectionId: 'bb', session: { ...SESSIONS[1]!, status: 'COMPLETED', proxyBytes: 1 } });
    assert.deepEqual(
      provider.state.results?.sorted.map((row) => row.id),
      order,
    );
    assert.equal(provider.state.results?.rows.find((row) => row.id === 'b')?.proxyBytes, 1);
  });

  test('sorting by a header click: largest proxy first, again for smallest first; the choice is kept', () => {
    const { provider, persisted } = rig();
    const [find] = finds(provider.receive(init));
    provider.receive(results(find!.requestId, SESSIONS));
    provider.sortBy('proxy');
    assert.deepEqual(
      provider.state.results?.sorted.map((row) => row.id),
      ['b', 'a', 'c'],
    );
    provider.sortBy('proxy');
    assert.deepEqual(
      provider.state.results?.sorted.map((row) => row.id),
      ['c', 'a', 'b'],
    );
    assert.deepEqual(persisted.at(-1)?.sort, { column: 'proxy', direction: 'ascending' });
  });

  test('a saved query is loaded into the builder and run', () => {
    const { provider } = rig();
    provider.receive(init);
    const [find] = finds(provider.runSaved('Acme'));
    assert.deepEqual(find?.query.conditions, [{ path: ['client'], value: 'acme' }]);
    assert.deepEqual(provider.state.choices.rows, [{ key: 'client', value: 'acme' }]);
    assert.deepEqual(provider.save('  Acme again '), {
      type: 'saveQuery',
      saved: { name: 'Acme again', query: { conditions: [{ path: ['client'], value: 'acme' }] } },
    });
    assert.deepEqual(provider.save('   '), { problem: 'Give the query a name to save it.' });
  });
});

describe('usage by tag', () => {
  test('defaults to client, but never to a key the query fixes: after client = acme it breaks down by another key', () => {
    const { provider } = rig({ breakdownKey: 'client' });
    const [all] = finds(provider.receive(init));
    provider.receive(results(all!.requestId, SESSIONS));
    assert.equal(provider.breakdown().key, 'client');
    const [acme] = finds(provider.runSaved('Acme'));
    provider.receive(results(acme!.requestId, SESSIONS.slice(0, 2)));
    assert.equal(provider.breakdown().key, 'workflow > name');
    assert.equal(provider.breakdown().choices.find((choice) => choice.text === 'client')?.fixed, true);
  });

  test('a key the person picked stays while the query leaves it open', () => {
    const choices = keyChoices(SESSIONS, []);
    assert.equal(chooseKey(choices, 'workflow > name'), 'workflow > name');
    assert.equal(chooseKey(keyChoices(SESSIONS, ['workflow > name']), 'workflow > name'), 'client');
    assert.equal(chooseKey(keyChoices(SESSIONS, ['client', 'workflow > name']), undefined), 'client', 'every key fixed: the most common');
    assert.equal(chooseKey([], 'client'), undefined);
  });

  test('each measure names its unit on the axis and writes its values with it', () => {
    assert.match(measureSpec('minutes').axis, /min/);
    assert.equal(measureSpec('minutes').format(1234), '1,234 min');
    assert.match(measureSpec('proxyBytes').axis, /bytes/);
    assert.equal(measureSpec('proxyBytes').format(2_500_000), '2.5 MB');
  });
});

describe('the launch form', () => {
  test('tags from the query or its own rows; refused with the reason before anything is sent', () => {
    const query = checkRows([{ key: 'client', value: 'acme' }], 'condition');
    const base = { tagSource: 'query', ownTags: [{ key: '', value: '' }], region: 'us-west-2', keepAlive: true, timeout: '' } as const;
    assert.deepEqual(readLaunch(base, query, [60, 21600]), {
      tags: [{ path: ['client'], value: 'acme' }],
      options: { tags: [{ path: ['client'], value: 'acme' }], region: 'us-west-2', keepAlive: true },
    });
    assert.match(
      (readLaunch({ ...base, tagSource: 'own', ownTags: [{ key: 'note', value: 'x'.repeat(600) }] }, query, [60, 21600]) as { problem: string }).problem,
      /512/,
    );
    assert.match((readLaunch(base, checkRows([{ key: '', value: '' }], 'condition'), [60, 21600]) as { problem: string }).problem, /at least one tag/);
    assert.match((readLaunch({ ...base, timeout: '30' }, query, [60, 21600]) as { problem: string }).problem, /from 60 to 21600/);
  });

  test('one launch per click: a second click while the first is under way sends nothing; only its own answer ends it', () => {
    const { provider } = rig({ connectionId: 'bb', rows: [{ key: 'client', value: 'acme' }] });
    provider.receive(init);
    const [launch] = provider.launchMessages();
    assert.equal(launch?.type, 'launch');
    assert.deepEqual(provider.launchMessages(), []);
    provider.receive({ type: 'launchCancelled', requestId: 999 });
    assert.equal(provider.state.launch.pending, true);
    const requestId = (launch as Extract<SessionsPageMessage, { type: 'launch' }>).requestId;
    provider.receive({ type: 'launched', requestId, connectionId: 'bb', session: SESSIONS[0]!, connectUrl: 'wss://connect.example', reused: false });
    assert.equal(provider.state.launch.pending, false);
    assert.equal(provider.state.launch.outcome?.kind, 'started');
  });
});

describe('what the page keeps across reloads', () => {
  test('the builder, sort, key, measure and launch form come back; nonsense is replaced by defaults', () => {
    const choices = readChoices({
      rows: [{ key: 'client', value: 'acme' }, 'junk'],
      sort: { column: 'nope', direction: 'up' },
      measure: 'dollars',
      launch: { tagSource: 'own', keepAlive: 'yes' },
    });
    assert.deepEqual(choices.rows, [{ key: 'client', value: 'acme' }]);
    assert.deepEqual(choices.sort, { column: 'created', direction: 'descending' });
    assert.equal(choices.measure, 'minutes');
    assert.equal(choices.launch.tagSource, 'own');
    assert.equal(choices.launch.keepAlive, false);
  });
});
