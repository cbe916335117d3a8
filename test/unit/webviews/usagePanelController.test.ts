/**
 * The usage panel's host side through the one channel, with the page's messages: the range it opens
 * on (what the page restored, else the shortest that holds the history there is, said so), a range
 * picked while a snapshot is being built, the connection it was opened for, exports through the save
 * dialog, and the page's schema.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ConnectionConfig } from '../../../src/shared/connections';
import { parsePanelPageMessage, type PanelHostMessage, type PanelPageMessage, type PanelSnapshot } from '../../../src/shared/panelProtocol';
import type { Sample } from '../../../src/shared/samples';
import type { ConnectionSnapshot } from '../../../src/shared/snapshot';
import type { HistoryQuery } from '../../../src/history/historyStore';
import { UsagePanelController, type UsagePanelArgs } from '../../../src/webviews/usagePanel/usagePanelController';
import { WebviewChannel } from '../../../src/webviews/webviewChannel';
import { FakePage } from './fakePage';
import { MINUTE, snapshot } from '../quota/builders';

const NOW = Date.UTC(2025, 5, 10, 12, 0, 0);

function snapshotOf(config: ConnectionConfig): ConnectionSnapshot {
  return snapshot({ id: config.id, label: config.label, kind: config.kind, lastSuccessAt: NOW - MINUTE });
}

function rig(options: { earliestAgoMs?: number; args?: UsagePanelArgs; kinds?: ConnectionConfig['kind'][] } = {}) {
  const configs: ConnectionConfig[] = (options.kinds ?? ['browserless']).map((kind, index) => ({
    id: `${kind}-${index}`,
    kind,
    label: `${kind} ${index}`,
    baseUrl: 'https://example.test',
  }));
  const queries: { connectionId: string; query: HistoryQuery }[] = [];
  let gate: Promise<void> | undefined;
  let open: (() => void) | undefined;
  const saved: { fileName: string; format: string; content: string }[] = [];
  const commands: unknown[][] = [];
  const page = new FakePage();
  const channel = new WebviewChannel<PanelPageMessage, PanelHostMessage>(
    page,
    (handle) =>
      new UsagePanelController(
        handle,
        {
          source: { snapshots: () => configs.map(snapshotOf), connections: () => configs, viewVisible: () => undefined },
          history: {
            query: async (connectionId: string, query: HistoryQuery): Promise<Sample[]> => {
              queries.push({ connectionId, query });
              await gate;
              return [{ series: 'browserless.pressure.running', value: 1, unit: 'count', at: NOW - 5 * MINUTE }];
            },
            earliest: async () => (options.earliestAgoMs === undefined ? undefined : NOW - options.earliestAgoMs),
          },
          run: async (...args: unknown[]) => void commands.push(args),
          save: async (fileName, format, content) => {
            saved.push({ fileName, format, content });
            return fileName;
          },
          log: { debug: () => undefined },
          now: () => NOW,
        },
        options.args,
      ),
    { parse: parsePanelPageMessage, name: 'usage panel', log: { debug: () => undefined, warn: () => undefined }, failed: () => undefined },
  );
  return {
    page,
    channel,
    queries,
    saved,
    commands,
    say: (message: unknown) => page.receive(message, () => channel.whenIdle()),
    hold: () => {
      gate = new Promise((resolve) => (open = resolve));
    },
    release: () => {
      gate = undefined;
      open?.();
    },
    snapshots: () => page.postedOfType<PanelSnapshot>('snapshot'),
  };
}

describe('the usage panel opens on a range that fits its history', () => {
  for (const [ago, range] of [
    [20 * MINUTE, '1h'],
    [5 * 60 * MINUTE, '24h'],
    [3 * 24 * 60 * MINUTE, '7d'],
    [60 * 24 * 60 * MINUTE, '30d'],
  ] as const) {
    test(`${ago / MINUTE} minutes of history: ${range}, and the snapshot says it was fitted`, async () => {
      const { say, snapshots } = rig({ earliestAgoMs: ago });
      await say({ type: 'ready' });
      assert.equal(snapshots()[0]?.range, range);
      assert.equal(snapshots()[0]?.fitted, true);
    });
  }

  test('no history yet: the last hour, where the first readings will show', async () => {
    const { say, snapshots } = rig();
    await say({ type: 'ready' });
    assert.equal(snapshots()[0]?.range, '1h');
  });

  test('a range the page restored wins, and is not called fitted', async () => {
    const { say, snapshots } = rig({ earliestAgoMs: 20 * MINUTE });
    await say({ type: 'ready', range: '7d' });
    assert.equal(snapshots()[0]?.range, '7d');
    assert.equal(snapshots()[0]?.fitted, false);
  });

  test('the history query matches the range: full resolution for an hour, buckets beyond', async () => {
    const { say, queries } = rig({ earliestAgoMs: 20 * MINUTE });
    await say({ type: 'ready' });
    assert.deepEqual(queries.at(-1)?.query, { from: NOW - 60 * MINUTE, to: NOW });
    await say({ type: 'setRange', range: '7d' });
    assert.equal(queries.at(-1)?.query.from, NOW - 7 * 24 * 60 * MINUTE);
    assert.equal(queries.at(-1)?.query.bucketMs, 5 * MINUTE);
  });
});

describe('picking a range', () => {
  test('a range picked while the previous snapshot is read arrives in the next one; the first still says its own range', async () => {
    const { page, say, hold, release, channel, snapshots } = rig({ earliestAgoMs: 20 * MINUTE });
    await say({ type: 'ready' });
    hold();
    await page.receive({ type: 'setRange', range: '24h' });
    // The 24h snapshot is being read; the person picks 7 days meanwhile.
    await page.receive({ type: 'setRange', range: '7d' });
    const settled = channel.whenIdle();
    release();
    await settled;
    assert.deepEqual(
      snapshots().map((snapshot) => [snapshot.range, snapshot.fitted]),
      [
        ['1h', true],
        ['24h', false],
        ['7d', false],
      ],
    );
  });

  test('the billing cycle is offered only with a Browserbase connection', async () => {
    const plain = rig();
    await plain.say({ type: 'ready' });
    assert.ok(!plain.snapshots()[0]?.ranges.includes('cycle'));
    const withCycle = rig({ kinds: ['browserless', 'browserbase'] });
    await withCycle.say({ type: 'ready', range: 'cycle' });
    assert.ok(withCycle.snapshots()[0]?.ranges.includes('cycle'));
    assert.equal(withCycle.snapshots()[0]?.range, 'cycle');
  });

  test('a range no longer on offer falls back to the default', async () => {
    const { say, snapshots } = rig();
    await say({ type: 'ready', range: 'cycle' });
    assert.equal(snapshots()[0]?.range, '24h');
  });
});

describe('the rest of the page', () => {
  test('opened for a connection: scrolled to it after the first snapshot', async () => {
    const { page, say } = rig({ args: { connectionId: 'browserless-0' } });
    await say({ type: 'ready' });
    assert.deepEqual(
      page.posted.map((message) => (message as { type: string }).type),
      ['snapshot', 'reveal'],
    );
  });

  test('an export goes to the save dialog; a path or a wrong extension never reaches it', async () => {
    const { say, saved } = rig();
    await say({ type: 'ready' });
    await say({ type: 'export', fileName: 'local-browserless-pressure-1h.csv', format: 'csv', content: 'time,value\n' });
    assert.deepEqual(saved, [{ fileName: 'local-browserless-pressure-1h.csv', format: 'csv', content: 'time,value\n' }]);
    for (const fileName of ['../../etc/passwd.csv', '/tmp/x.csv', 'chart.json', '.hidden.csv'])
      assert.equal(parsePanelPageMessage({ type: 'export', fileName, format: 'csv', content: '' }), undefined, fileName);
  });

  test('the connection buttons run their commands', async () => {
    const { say, commands } = rig();
    await say({ type: 'ready' });
    await say({ type: 'refresh', connectionId: 'browserless-0' });
    await say({ type: 'openSessions', connectionId: 'bb' });
    await say({ type: 'setToken' });
    assert.deepEqual(commands, [
      ['liveUsage.refresh', 'browserless-0'],
      ['liveUsage.openBrowserbaseSessions', 'bb'],
    ]);
  });
});
