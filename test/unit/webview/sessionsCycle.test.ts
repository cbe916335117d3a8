/**
 * The sessions panel's issue-14 parts of its state provider: the launch form asks for the project's
 * headroom when it opens and for each connection chosen (a late answer for another connection is not
 * shown); usage by tag over this billing cycle reads the cycle once and shows the palette's cost per
 * tag (the same function), exports its CSV; results carry the connection's runaway threshold, and a
 * row is marked by the snapshot's rule.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { costPerTag, costPerTagCsv } from '../../../src/shared/costPerTag';
import { runawayWords } from '../../../src/shared/runawaySessions';
import { toSessionColumns, type SessionRow } from '../../../src/shared/sessionColumns';
import type { SessionsHostMessage, SessionsPageMessage } from '../../../src/shared/sessionsProtocol';
import { cycleReport } from '../../../webview/sessions/cycleCost';
import { readChoices, SessionsStateProvider } from '../../../webview/sessions/state';

const NOW = Date.parse('2026-11-23T12:00:00Z');
const at = (minutesAgo: number) => new Date(NOW - minutesAgo * 60_000).toISOString();
const CYCLE = { start: Date.parse('2026-11-01T00:00:00Z'), end: Date.parse('2026-12-01T00:00:00Z') };

function session(id: string, client: string | undefined, startedMinutesAgo: number, minutes: number | null, fields: Partial<SessionRow> = {}): SessionRow {
  return {
    id,
    status: minutes === null ? 'RUNNING' : 'COMPLETED',
    region: 'us-west-2',
    createdAt: at(startedMinutesAgo),
    startedAt: at(startedMinutesAgo),
    endedAt: minutes === null ? null : at(startedMinutesAgo - minutes),
    proxyBytes: 0,
    keepAlive: false,
    userMetadata: client === undefined ? {} : { client },
    ...fields,
  };
}

const init = (runawayMinutes = 30): SessionsHostMessage => ({
  type: 'init',
  connections: [
    { id: 'bb', label: 'Browserbase', runawayMinutes },
    { id: 'bb2', label: 'Other', runawayMinutes: 5 },
  ],
  savedQueries: [],
  regions: ['us-west-2'],
  timeoutRange: [60, 21600],
});

const rig = (saved?: unknown) =>
  new SessionsStateProvider(
    saved,
    () => undefined,
    () => NOW,
  );
const ofType = <T extends SessionsPageMessage['type']>(messages: readonly SessionsPageMessage[], type: T) =>
  messages.filter((message): message is Extract<SessionsPageMessage, { type: T }> => message.type === type);

describe('headroom in the launch form', () => {
  test('asked for when the panel opens and for each connection chosen; an answer for another connection is not shown', () => {
    const provider = rig();
    // Read through a function: each assertion narrows what it read, not what comes next.
    const headroom = () => provider.state.headroom;
    assert.deepEqual(ofType(provider.receive(init()), 'headroom'), [{ type: 'headroom', connectionId: 'bb' }]);
    assert.equal(headroom(), undefined);
    provider.receive({
      type: 'headroom',
      connectionId: 'bb',
      text: '3 of 3 concurrent sessions running: no room.',
      warning: 'Browserbase will most likely refuse this launch with HTTP 429',
      readAt: NOW,
    });
    assert.match(headroom()?.warning ?? '', /429/);
    assert.deepEqual(ofType(provider.selectConnection('bb2'), 'headroom'), [{ type: 'headroom', connectionId: 'bb2' }]);
    assert.equal(headroom(), undefined, "the other connection's headroom is gone");
    provider.receive({ type: 'headroom', connectionId: 'bb', text: 'late', readAt: NOW });
    assert.equal(headroom(), undefined);
    provider.receive({ type: 'headroom', connectionId: 'bb2', text: '0 of 1 concurrent session running: room for 1 more.', readAt: NOW });
    assert.equal(headroom()?.warning, undefined);
    assert.match(headroom()?.text ?? '', /room for 1 more/);
  });

  test('a later init with the same connection asks nothing again', () => {
    const provider = rig();
    provider.receive(init());
    assert.deepEqual(ofType(provider.receive(init()), 'headroom'), []);
  });
});

describe('usage by tag over this billing cycle', () => {
  const rows = [session('a', 'acme', 60 * 24 * 3, 10.2), session('b', 'acme', 60 * 24, 0.1), session('c', 'globex', 600, 4), session('d', undefined, 300, 2)];
  const cycleMessage = (requestId: number): SessionsHostMessage => ({
    type: 'cycle',
    requestId,
    connectionId: 'bb',
    sessions: toSessionColumns(rows),
    start: CYCLE.start,
    end: CYCLE.end,
    at: NOW,
  });

  test('chosen: the cycle is read once; its cost by client is the palette command computation, and its CSV the palette export', () => {
    const provider = rig();
    provider.receive(init());
    const [ask] = ofType(provider.setScope('cycle'), 'cycle');
    assert.deepEqual(ask, { type: 'cycle', requestId: ask?.requestId, connectionId: 'bb' });
    assert.equal(provider.state.cycle?.busy, true);
    provider.receive(cycleMessage(ask?.requestId ?? -1));
    const key = provider.breakdown().key;
    assert.equal(key, 'client');
    const report = cycleReport(provider.state.cycle, key);
    assert.deepEqual(report, costPerTag(rows, ['client'], CYCLE, NOW));
    // Billed as Browserbase bills: each session rounded up to whole minutes, at least one.
    assert.deepEqual(
      report?.buckets.map((bucket) => [bucket.label, bucket.minutes]),
      [
        ['acme', 12],
        ['globex', 4],
        ['(no value)', 2],
      ],
    );
    assert.ok(report?.buckets.every((bucket) => bucket.projectedMinutes !== null && bucket.share !== null));
    const [exported] = ofType(provider.exportCycleMessages(report as NonNullable<typeof report>), 'exportCsv');
    assert.equal(exported?.content, costPerTagCsv(costPerTag(rows, ['client'], CYCLE, NOW)));
    assert.equal(exported?.fileName, 'live-usage-bb-cost-by-client-2026-11-01.csv');
    // Back to the matching sessions and to the cycle again: not read twice.
    provider.setScope('results');
    assert.deepEqual(provider.setScope('cycle'), []);
  });

  test('an answer to an older read is dropped; a failed read is said and tried again when chosen again', () => {
    const provider = rig({ scope: 'cycle' });
    const [first] = ofType(provider.receive(init()), 'cycle');
    const [second] = ofType(provider.selectConnection('bb2'), 'cycle');
    provider.receive(cycleMessage(first?.requestId ?? -1));
    assert.equal(provider.state.cycle?.sessions, undefined);
    provider.receive({ type: 'failed', requestId: second?.requestId ?? -1, operation: 'cycle', message: 'No Browserbase API key is set for Other' });
    assert.match(provider.state.cycle?.error ?? '', /API key/);
    provider.setScope('results');
    assert.equal(ofType(provider.setScope('cycle'), 'cycle').length, 1);
  });

  test('the scope is kept across reloads; anything else reads as the matching sessions', () => {
    assert.equal(readChoices({ scope: 'cycle' }).scope, 'cycle');
    assert.equal(readChoices({ scope: 'all-time' }).scope, 'results');
  });
});

describe('runaway marks in the sessions table', () => {
  test("results carry their connection's threshold", () => {
    const provider = rig();
    const [find] = ofType(provider.receive(init(45)), 'find');
    provider.receive({ type: 'results', requestId: find?.requestId ?? -1, connectionId: 'bb', sessions: toSessionColumns([]), returned: 0, fetchedAt: NOW });
    assert.equal(provider.state.results?.runawayMinutes, 45);
  });

  test('running at or past the threshold is marked with how long, against what, and keep-alive; anything else is not', () => {
    const running = (minutes: number, keepAlive: boolean) => session('r', 'acme', minutes, null, { keepAlive });
    assert.equal(runawayWords(running(47, true), 30, NOW), 'Runaway: running for 47 min, over the 30 min threshold, keep-alive');
    assert.equal(runawayWords(running(30, false), 30, NOW), 'Runaway: running for 30 min, over the 30 min threshold');
    assert.equal(runawayWords(running(29, true), 30, NOW), undefined);
    assert.equal(runawayWords(session('c', 'acme', 120, 100), 30, NOW), undefined, 'ended');
    assert.equal(runawayWords({ ...running(90, false), startedAt: 'not a date' }, 30, NOW), undefined);
  });
});
