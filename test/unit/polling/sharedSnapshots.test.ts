import assert from 'node:assert/strict';
import { promises as fs, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import type { PollHandoff } from '../../../src/polling/pollScheduler';
import { writeFileAtomic } from '../../../src/polling/sharedFiles';
import { SharedSnapshots, type SharedSnapshot } from '../../../src/polling/sharedSnapshots';

const folders: string[] = [];
function tempFolder(): string {
  const folder = mkdtempSync(path.join(tmpdir(), 'live-usage-snapshots-'));
  folders.push(folder);
  return folder;
}
after(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

interface Payload {
  readonly label: string;
  readonly items: readonly number[];
}

async function waitUntil(predicate: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * Writes ever-changing ~100 KB documents with `write` while reading them back as fast as possible,
 * until `enough(reads, torn)` says so (or a minute has passed, on a machine too busy to get there);
 * returns how many reads were torn (unparsable, or items from two different writes).
 */
async function tornReads(
  file: string,
  write: (json: string) => Promise<void>,
  enough: (reads: number, torn: number) => boolean,
): Promise<{ reads: number; torn: number }> {
  await write(JSON.stringify({ seq: 0, items: [] }));
  let stop = false;
  let reads = 0;
  let torn = 0;
  const writer = (async () => {
    for (let seq = 1; !stop; seq++) await write(JSON.stringify({ seq, items: new Array<number>(20_000).fill(seq) }));
  })();
  const reader = (async () => {
    while (!stop) {
      reads++;
      try {
        const value = JSON.parse(await fs.readFile(file, 'utf8')) as { seq: number; items: number[] };
        if (!value.items.every((item) => item === value.seq)) torn++;
      } catch {
        torn++;
      }
    }
  })();
  const deadline = Date.now() + 60_000;
  while (!enough(reads, torn) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  stop = true;
  await Promise.all([writer, reader]);
  return { reads, torn };
}

describe('SharedSnapshots', () => {
  test('round trip: data, handoff and who wrote it', async () => {
    const folder = tempFolder();
    const writer = new SharedSnapshots<Payload>({ folder, windowId: 'window-a' });
    const reader = new SharedSnapshots<Payload>({ folder, windowId: 'window-b' });
    const handoff: PollHandoff = { feeds: { 'x:pressure': { nextDueAt: 123, failures: 2 } }, notBefore: 456, rateLimit: { remaining: 5, resetAt: 789 } };
    assert.equal(await reader.read('x'), undefined);
    await writer.write('x', { data: { label: 'first', items: [1] }, handoff });
    await writer.write('x', { data: { label: 'second', items: [2, 3] }, handoff });
    const snapshot = await reader.read('x');
    assert.equal(snapshot?.writer, 'window-a');
    assert.equal(snapshot?.seq, 2);
    assert.deepEqual(snapshot?.data, { label: 'second', items: [2, 3] });
    assert.deepEqual(snapshot?.handoff, handoff);
    assert.equal(await reader.read('y'), undefined);
    assert.deepEqual(readdirSync(writer.snapshotsFolder), ['c-x.json'], 'no temp file left behind');
  });

  test('a reader never sees a half-written file (while a plain writeFile is caught tearing)', async () => {
    const folder = tempFolder();
    const naiveFile = path.join(folder, 'naive.json');
    // Until the first torn read: how soon one comes depends on the machine, not whether it does.
    const naive = await tornReads(
      naiveFile,
      (json) => fs.writeFile(naiveFile, json),
      (_reads, torn) => torn > 0,
    );
    assert.ok(naive.torn > 0, `the harness must be able to catch torn reads (${naive.reads} reads)`);
    const atomicFile = path.join(folder, 'atomic.json');
    const atomic = await tornReads(
      atomicFile,
      (json) => writeFileAtomic(atomicFile, json),
      (reads) => reads >= 150,
    );
    assert.ok(atomic.reads >= 150, `too few reads to mean anything (${atomic.reads})`);
    assert.equal(atomic.torn, 0, `${atomic.torn} of ${atomic.reads} reads were torn`);
  });

  test('writes of one connection land in the order they were made', async () => {
    const folder = tempFolder();
    const snapshots = new SharedSnapshots<Payload>({ folder, windowId: 'window-a' });
    const writes = Array.from({ length: 25 }, (_, index) =>
      snapshots.write('x', { data: { label: `v${index}`, items: new Array<number>(2_000).fill(index) } }),
    );
    await Promise.all(writes);
    assert.equal((await snapshots.read('x'))?.data?.label, 'v24');
  });

  test('the watcher reports each new version from another window once, and none of its own', async () => {
    const folder = tempFolder();
    const poller = new SharedSnapshots<Payload>({ folder, windowId: 'window-a' });
    const mirror = new SharedSnapshots<Payload>({ folder, windowId: 'window-b' });
    const seen: SharedSnapshot<Payload>[] = [];
    const watcher = mirror.watch({ keys: () => ['x', 'y'], onSnapshot: (_id, snapshot) => seen.push(snapshot), pollMs: 50, ignoreWriter: 'window-b' });
    try {
      await poller.write('x', { data: { label: 'one', items: [] } });
      await waitUntil(() => seen.length === 1, 'the first snapshot');
      await mirror.write('y', { data: { label: 'mine', items: [] } });
      await poller.write('x', { data: { label: 'two', items: [] } });
      await waitUntil(() => seen.length === 2, 'the second snapshot');
      // Several polling rounds with no change report nothing more (a pause of a few rounds: a report
      // that came late would only make this pass when it should fail, never the other way round).
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.deepEqual(
        seen.map((snapshot) => snapshot.data?.label),
        ['one', 'two'],
      );
    } finally {
      watcher.dispose();
    }
  });

  test('refresh requests round trip', async () => {
    const folder = tempFolder();
    const a = new SharedSnapshots<Payload>({ folder, windowId: 'window-a' });
    const b = new SharedSnapshots<Payload>({ folder, windowId: 'window-b' });
    assert.equal(await a.readRefreshRequest('x'), undefined);
    const before = Date.now();
    await b.requestRefresh('x');
    const at = await a.readRefreshRequest('x');
    assert.ok(at !== undefined && at >= before && at <= Date.now());
  });
});
