/**
 * Several windows, each a WindowPolling over one shared folder on disk, driven by one fake clock:
 * leases, shared snapshots and refresh requests go through real files, but no test waits for real
 * time, so a busy machine cannot change what happens. Folder watching is off here (it reacts to
 * real file events at real times); heartbeats and reader polls, which run on the clock, cover it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import type { Feed } from '../../../src/polling/pollScheduler';
import type { SharedSnapshot } from '../../../src/polling/sharedSnapshots';
import { WindowPolling } from '../../../src/polling/windowPolling';
import type { Reading } from '../../../src/providers/types';
import { FakeClock } from './fakeClock';

const folders: string[] = [];
after(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

const HEARTBEAT_MS = 100;
const STALE_AFTER_MS = 400;
const READER_POLL_MS = 50;

interface TestWindow {
  readonly id: string;
  readonly polling: WindowPolling<{ value: number }>;
  /** Runs per connection made by this window. */
  readonly runs: Map<string, number>;
  readonly mirrored: Map<string, SharedSnapshot<{ value: number }>>;
  feeds(connections: readonly string[], intervalMs: number): Feed[];
}

function sharedFolder(): string {
  const folder = mkdtempSync(path.join(tmpdir(), 'live-usage-windows-'));
  folders.push(folder);
  return folder;
}

function openWindow(clock: FakeClock, folder: string, id: string, options: { focused?: boolean } = {}): TestWindow {
  const runs = new Map<string, number>();
  const mirrored = new Map<string, SharedSnapshot<{ value: number }>>();
  const polling: WindowPolling<{ value: number }> = new WindowPolling<{ value: number }>({
    folder,
    windowId: id,
    clock,
    // No jitter: the schedule is the same on every run.
    random: () => 0.5,
    heartbeatMs: HEARTBEAT_MS,
    staleAfterMs: STALE_AFTER_MS,
    readerPollMs: READER_POLL_MS,
    watch: false,
    focused: options.focused ?? true,
    onReading: (feed) => polling.publish(feed.connectionId, { value: runs.get(feed.connectionId) ?? 0 }),
    onError: () => undefined,
    onSharedSnapshot: (connectionId, snapshot) => mirrored.set(connectionId, snapshot),
  });
  return {
    id,
    polling,
    runs,
    mirrored,
    feeds: (connections, intervalMs) =>
      connections.map((connectionId) => ({
        key: `${connectionId}:live`,
        connectionId,
        intervalMs,
        run: async (): Promise<Reading> => {
          runs.set(connectionId, (runs.get(connectionId) ?? 0) + 1);
          return { fetchedAt: clock.now(), samples: [] };
        },
      })),
  };
}

const total = (window: TestWindow, connectionId: string): number => window.runs.get(connectionId) ?? 0;

/** Moves the clock in steps a tenth of the heartbeat long, so file work between timers is interleaved as in real life. */
async function advance(clock: FakeClock, ms: number): Promise<void> {
  const step = HEARTBEAT_MS / 10;
  for (let moved = 0; moved < ms; moved += step) await clock.advance(Math.min(step, ms - moved));
}

describe('WindowPolling: several windows', () => {
  test('each connection is polled by one window; the other mirrors what it publishes', async () => {
    const clock = new FakeClock();
    const folder = sharedFolder();
    const connections = ['a', 'b', 'c'];
    const one = openWindow(clock, folder, 'window-1');
    const two = openWindow(clock, folder, 'window-2');
    try {
      await one.polling.setFeeds(one.feeds(connections, 150));
      await two.polling.setFeeds(two.feeds(connections, 150));
      await advance(clock, 700);
      for (const id of connections) {
        assert.notEqual(one.polling.isPolledHere(id), two.polling.isPolledHere(id), `${id}: exactly one window polls it`);
        const [poller, mirror] = one.polling.isPolledHere(id) ? [one, two] : [two, one];
        assert.equal(total(mirror, id), 0, `${id} was polled by both windows`);
        // 700 ms at one poll per 150 ms: the pace of a single poller (the first poll at once), not twice it.
        assert.ok(total(poller, id) >= 4 && total(poller, id) <= 6, `${id}: ${total(poller, id)} polls`);
      }
      // One reader poll later every mirror shows what its poller published last.
      await advance(clock, READER_POLL_MS * 2);
      for (const id of connections) {
        const [poller, mirror] = one.polling.isPolledHere(id) ? [one, two] : [two, one];
        assert.equal(mirror.mirrored.get(id)?.writer, poller.id);
        assert.equal(mirror.mirrored.get(id)?.data?.value, total(poller, id), `${id}: the mirror is behind`);
      }
    } finally {
      await Promise.all([one.polling.dispose(), two.polling.dispose()]);
    }
  });

  test('the focused window takes over from an unfocused one and continues its schedule without a burst', async () => {
    const clock = new FakeClock();
    const folder = sharedFolder();
    const first = openWindow(clock, folder, 'window-1');
    const second = openWindow(clock, folder, 'window-2', { focused: false });
    try {
      await first.polling.setFeeds(first.feeds(['x'], 2_000));
      await second.polling.setFeeds(second.feeds(['x'], 2_000));
      assert.equal(first.polling.isPolledHere('x'), true);
      await clock.advance(0);
      assert.equal(total(first, 'x'), 1);
      await advance(clock, 100);

      // The user switches windows.
      first.polling.setFocused(false);
      second.polling.setFocused(true);
      await advance(clock, HEARTBEAT_MS * 2);
      assert.equal(second.polling.isPolledHere('x'), true, 'the focused window did not take over');
      assert.equal(first.polling.isPolledHere('x'), false, 'the unfocused window did not let go');
      // The poll window 1 made 300 ms ago is not repeated: the handoff says the next is due 2 s after it.
      assert.equal(total(second, 'x'), 0, 'took over with an immediate repoll');
      const next = second.polling.getState('x')?.nextPollAt;
      assert.ok(next !== undefined && next - clock.now() > 1_000, `next poll at +${(next ?? 0) - clock.now()} ms`);

      // A refresh asked in the window that does not poll is forwarded to the one that does.
      await first.polling.refresh('x');
      await advance(clock, READER_POLL_MS * 2);
      assert.equal(total(second, 'x'), 1, 'the forwarded refresh did not run');
      assert.equal(total(first, 'x'), 1);
    } finally {
      await Promise.all([first.polling.dispose(), second.polling.dispose()]);
    }
  });

  test('closing the polling window hands its connections over within one heartbeat, without waiting for staleness', async () => {
    const clock = new FakeClock();
    const folder = sharedFolder();
    const first = openWindow(clock, folder, 'window-1');
    const second = openWindow(clock, folder, 'window-2');
    try {
      await first.polling.setFeeds(first.feeds(['x', 'y'], 150));
      await second.polling.setFeeds(second.feeds(['x', 'y'], 150));
      assert.equal(first.polling.isPolledHere('x') && first.polling.isPolledHere('y'), true);
      await advance(clock, 50);
      await first.polling.dispose();
      // The released leases are taken on the second window's next heartbeat: well under the 150 ms
      // poll interval, and long before a lease would go stale (400 ms).
      await advance(clock, HEARTBEAT_MS);
      assert.equal(second.polling.isPolledHere('x') && second.polling.isPolledHere('y'), true, 'no takeover after a clean close');
      const before = total(second, 'x');
      await advance(clock, 300);
      assert.ok(total(second, 'x') > before, 'the new owner does not poll');
    } finally {
      await Promise.all([first.polling.dispose(), second.polling.dispose()]);
    }
  });
});
