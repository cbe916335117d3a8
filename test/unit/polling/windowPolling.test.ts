import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import type { Feed } from '../../../src/polling/pollScheduler';
import type { SharedSnapshot } from '../../../src/polling/sharedSnapshots';
import { WindowPolling } from '../../../src/polling/windowPolling';
import type { Reading } from '../../../src/providers/types';

const folders: string[] = [];
after(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

async function waitUntil(predicate: () => boolean, what: string, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface TestWindow {
  readonly id: string;
  readonly polling: WindowPolling<{ value: number }>;
  /** Runs per connection made by this window. */
  readonly runs: Map<string, number>;
  readonly mirrored: Map<string, SharedSnapshot<{ value: number }>>;
  feeds(connections: readonly string[], intervalMs: number): Feed[];
}

function openWindow(folder: string, id: string, options: { focused?: boolean } = {}): TestWindow {
  const runs = new Map<string, number>();
  const mirrored = new Map<string, SharedSnapshot<{ value: number }>>();
  const polling: WindowPolling<{ value: number }> = new WindowPolling<{ value: number }>({
    folder,
    windowId: id,
    heartbeatMs: 100,
    staleAfterMs: 400,
    readerPollMs: 50,
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
          return { fetchedAt: Date.now(), samples: [] };
        },
      })),
  };
}

const total = (window: TestWindow, connectionId: string): number => window.runs.get(connectionId) ?? 0;

describe('WindowPolling: several windows', () => {
  test('each connection is polled by one window; the other mirrors what it publishes', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'live-usage-windows-'));
    folders.push(folder);
    const connections = ['a', 'b', 'c'];
    const one = openWindow(folder, 'window-1');
    const two = openWindow(folder, 'window-2');
    try {
      await one.polling.setFeeds(one.feeds(connections, 150));
      await two.polling.setFeeds(two.feeds(connections, 150));
      await sleep(700);
      for (const id of connections) {
        assert.notEqual(one.polling.isPolledHere(id), two.polling.isPolledHere(id), `${id}: exactly one window polls it`);
        const [poller, mirror] = one.polling.isPolledHere(id) ? [one, two] : [two, one];
        assert.equal(total(mirror, id), 0, `${id} was polled by both windows`);
        // ~700 ms at 150 ms ± 10 %: a single poller's pace, not twice it.
        assert.ok(total(poller, id) >= 3 && total(poller, id) <= 7, `${id}: ${total(poller, id)} polls`);
        await waitUntil(() => (mirror.mirrored.get(id)?.data?.value ?? 0) >= total(poller, id) - 1, `${id} mirrored`);
        assert.equal(mirror.mirrored.get(id)?.writer, poller.id);
      }
    } finally {
      await Promise.all([one.polling.dispose(), two.polling.dispose()]);
    }
  });

  test('the focused window takes over from an unfocused one and continues its schedule without a burst', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'live-usage-windows-'));
    folders.push(folder);
    const first = openWindow(folder, 'window-1');
    const second = openWindow(folder, 'window-2', { focused: false });
    try {
      await first.polling.setFeeds(first.feeds(['x'], 2_000));
      await second.polling.setFeeds(second.feeds(['x'], 2_000));
      assert.equal(first.polling.isPolledHere('x'), true);
      assert.equal(total(first, 'x'), 1);
      await sleep(100);

      // The user switches windows.
      first.polling.setFocused(false);
      second.polling.setFocused(true);
      await waitUntil(() => second.polling.isPolledHere('x'), 'the focused window to take over', 1_000);
      await waitUntil(() => !first.polling.isPolledHere('x'), 'the unfocused window to let go', 1_000);
      // The poll made 100 ms ago by window 1 is not repeated: the handoff says next is in ~2 s.
      await sleep(300);
      assert.equal(total(second, 'x'), 0, 'took over with an immediate repoll');
      const next = second.polling.getState('x')?.nextPollAt;
      assert.ok(next !== undefined && next - Date.now() > 1_000, `next poll at +${(next ?? 0) - Date.now()} ms`);

      // A refresh asked in the window that does not poll is forwarded to the one that does.
      await first.polling.refresh('x');
      await waitUntil(() => total(second, 'x') === 1, 'the forwarded refresh');
      assert.equal(total(first, 'x'), 1);
    } finally {
      await Promise.all([first.polling.dispose(), second.polling.dispose()]);
    }
  });

  test('closing the polling window hands its connections over at once', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'live-usage-windows-'));
    folders.push(folder);
    const first = openWindow(folder, 'window-1');
    const second = openWindow(folder, 'window-2');
    try {
      await first.polling.setFeeds(first.feeds(['x', 'y'], 150));
      await second.polling.setFeeds(second.feeds(['x', 'y'], 150));
      assert.equal(first.polling.isPolledHere('x') && first.polling.isPolledHere('y'), true);
      const closedAt = Date.now();
      await first.polling.dispose();
      await waitUntil(() => second.polling.isPolledHere('x') && second.polling.isPolledHere('y'), 'takeover after close', 2_000);
      // Released leases are taken without waiting for staleness (400 ms).
      assert.ok(Date.now() - closedAt < 400, `took ${Date.now() - closedAt} ms`);
      const before = total(second, 'x');
      await sleep(400);
      assert.ok(total(second, 'x') > before, 'the new owner polls');
    } finally {
      await Promise.all([first.polling.dispose(), second.polling.dispose()]);
    }
  });
});
