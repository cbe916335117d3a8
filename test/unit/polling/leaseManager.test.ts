import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { after, describe, test } from 'node:test';
import { LeaseManager, leaseFileName, type LeaseRecord } from '../../../src/polling/leaseManager';
import { FakeClock } from './fakeClock';

const ROOT = path.resolve(__dirname, '../../..');
const WORKER = path.join(__dirname, 'fixtures', 'leaseWorker.ts');
const folders: string[] = [];

function tempFolder(): string {
  const folder = mkdtempSync(path.join(tmpdir(), 'live-usage-lease-'));
  folders.push(folder);
  return folder;
}

after(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

function manager(folder: string, windowId: string, clock: FakeClock, yielding = false): LeaseManager {
  return new LeaseManager({ folder, windowId, clock, heartbeatMs: 1_000, staleAfterMs: 3_000, yielding, watch: false });
}

function record(folder: string, key: string, generation: number): LeaseRecord {
  return JSON.parse(readFileSync(path.join(folder, leaseFileName(key, generation)), 'utf8')) as LeaseRecord;
}

function generations(folder: string, key: string): number[] {
  const prefix = leaseFileName(key, 0).replace(/0\.lease$/, '');
  return readdirSync(folder)
    .filter((name) => name.startsWith(prefix) && name.endsWith('.lease'))
    .map((name) => Number(name.slice(prefix.length, -'.lease'.length)))
    .sort((a, b) => a - b);
}

const sorted = (set: ReadonlySet<string>): string[] => [...set].sort();

async function waitUntil(predicate: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

describe('LeaseManager in one process', () => {
  test('the first window takes free leases; a second one does not take live ones', async () => {
    const folder = tempFolder();
    const clock = new FakeClock();
    const a = manager(folder, 'window-a', clock);
    const b = manager(folder, 'window-b', clock);
    assert.deepEqual(sorted(await a.sync(['x', 'y'])), ['x', 'y']);
    assert.deepEqual(sorted(await b.sync(['x', 'y', 'z'])), ['z']);
    assert.deepEqual(sorted(await a.sync(['x', 'y', 'z'])), ['x', 'y'], "z is b's, live");
    assert.equal(record(folder, 'x', 1).owner, 'window-a');
    await a.dispose();
    await b.dispose();
    assert.equal(clock.pending, 0, 'timers left after dispose');
  });

  test('the heartbeat keeps a lease alive; a stale one is taken over and the old owner notices', async () => {
    const folder = tempFolder();
    // Each window has its own clock, so one can stall (its time and timers stop) while the other goes on.
    const clockA = new FakeClock();
    const clockB = new FakeClock();
    const a = manager(folder, 'window-a', clockA);
    const b = manager(folder, 'window-b', clockB);
    const changes: string[][] = [];
    a.onChange((owned) => changes.push(sorted(owned)));
    await a.sync(['x']);
    await b.sync(['x']);
    // A's heartbeat timer (every second) keeps it fresh although 10 s pass.
    for (let second = 0; second < 10; second++) {
      // The next heartbeat is armed once the previous pass has finished.
      await waitUntil(() => clockA.pending === 1, 'the heartbeat timer to be armed');
      await clockA.advance(1_000);
      await waitUntil(() => record(folder, 'x', 1).heartbeatAt === clockA.now(), 'the heartbeat timer to write');
      await clockB.advance(1_000);
      assert.deepEqual(sorted(await b.sync()), []);
    }
    // A stalls for longer than staleAfterMs: B takes over with generation 2.
    await clockB.advance(3_001);
    assert.deepEqual(sorted(await b.sync()), ['x']);
    assert.deepEqual(generations(folder, 'x'), [2], 'the new owner removes older generations');
    assert.equal(record(folder, 'x', 2).owner, 'window-b');
    assert.deepEqual(sorted(await a.sync()), [], 'the old owner must see it lost the lease');
    assert.deepEqual(changes, [['x'], []]);
    await a.dispose();
    await b.dispose();
  });

  test('a released lease is taken at once, without waiting for staleness', async () => {
    const folder = tempFolder();
    const clock = new FakeClock();
    const a = manager(folder, 'window-a', clock);
    const b = manager(folder, 'window-b', clock);
    await a.sync(['x']);
    assert.deepEqual(sorted(await b.sync(['x'])), []);
    await a.dispose();
    assert.equal(record(folder, 'x', 1).released, true);
    assert.deepEqual(sorted(await b.sync()), ['x']);
    await b.dispose();
  });

  test('a yielding (unfocused) owner hands over to a focused window, never to another yielding one', async () => {
    const folder = tempFolder();
    const clock = new FakeClock();
    const a = manager(folder, 'window-a', clock);
    const b = manager(folder, 'window-b', clock, true);
    const c = manager(folder, 'window-c', clock, true);
    await a.sync(['x']);
    await a.setYielding(true);
    assert.equal(record(folder, 'x', 1).yielding, true);
    assert.deepEqual(sorted(await c.sync(['x'])), [], 'a yielding window took a yielding lease');
    assert.deepEqual(sorted(await b.sync(['x'])), []);
    await b.setYielding(false);
    assert.deepEqual(sorted(b.owned), ['x']);
    assert.deepEqual(sorted(await a.sync()), []);
    await Promise.all([a.dispose(), b.dispose(), c.dispose()]);
  });

  test('connections no longer wanted are released', async () => {
    const folder = tempFolder();
    const clock = new FakeClock();
    const a = manager(folder, 'window-a', clock);
    await a.sync(['x', 'y']);
    assert.deepEqual(sorted(await a.sync(['y'])), ['y']);
    assert.equal(record(folder, 'x', 1).released, true);
    assert.equal(record(folder, 'y', 1).released, false);
    await a.dispose();
  });

  test('many windows racing for one stale lease in the same instant: exactly one wins', async () => {
    const folder = tempFolder();
    const clock = new FakeClock();
    const keys = Array.from({ length: 8 }, (_, index) => `conn-${index}`);
    for (const key of keys) {
      const stale: LeaseRecord = { v: 1, key, owner: 'crashed', generation: 1, heartbeatAt: clock.now() - 60_000, yielding: false, released: false };
      writeFileSync(path.join(folder, leaseFileName(key, 1)), JSON.stringify(stale));
    }
    const windows = Array.from({ length: 6 }, (_, index) => manager(folder, `window-${index}`, clock));
    const owned = await Promise.all(windows.map((window) => window.sync(keys)));
    for (const key of keys) {
      const owners = owned.map((set, index) => (set.has(key) ? index : -1)).filter((index) => index >= 0);
      assert.equal(owners.length, 1, `${key} owned by windows ${owners.join(', ')}`);
      assert.equal(record(folder, key, 2).owner, `window-${owners[0]}`);
    }
    await Promise.all(windows.map((window) => window.dispose()));
  });

  test('an unreadable lease file blocks while young and is taken once old', async () => {
    const folder = tempFolder();
    const clock = new FakeClock(Date.now());
    const file = path.join(folder, leaseFileName('x', 4));
    writeFileSync(file, '{"owner": "half-wri');
    const a = manager(folder, 'window-a', clock);
    assert.deepEqual(sorted(await a.sync(['x'])), []);
    const old = new Date(Date.now() - 60_000);
    utimesSync(file, old, old);
    assert.deepEqual(sorted(await a.sync()), ['x']);
    assert.deepEqual(generations(folder, 'x'), [5]);
    await a.dispose();
  });

  test('temp files abandoned by a crash mid-write are swept; ones being written are not', async () => {
    const folder = tempFolder();
    const clock = new FakeClock();
    const abandoned = path.join(folder, `.${leaseFileName('x', 1)}.999.dead.tmp`);
    const fresh = path.join(folder, `.${leaseFileName('x', 1)}.999.live.tmp`);
    writeFileSync(abandoned, '{');
    writeFileSync(fresh, '{');
    const old = new Date(Date.now() - 3_600_000);
    utimesSync(abandoned, old, old);
    const a = manager(folder, 'window-a', clock);
    assert.deepEqual(sorted(await a.sync(['x'])), ['x'], 'temp files are not leases');
    assert.deepEqual(readdirSync(folder).sort(), [path.basename(fresh), leaseFileName('x', 1)].sort());
    await a.dispose();
  });

  test('ids that differ only in case or contain path characters get distinct, safe files', async () => {
    const folder = tempFolder();
    const clock = new FakeClock();
    const a = manager(folder, 'window-a', clock);
    const ids = ['Prod', 'prod', '../escape', 'con', 'a.b'];
    assert.deepEqual(sorted(await a.sync(ids)), sorted(new Set(ids)));
    const names = readdirSync(folder);
    assert.equal(new Set(names.map((name) => name.toLowerCase())).size, ids.length);
    assert.ok(
      names.every((name) => /^c-[a-z0-9_%~-]+\.\d+\.lease$/i.test(name)),
      names.join(' '),
    );
    await a.dispose();
  });
});

interface WorkerEvent {
  readonly event: string;
  readonly window: string;
  readonly t: number;
  readonly owned?: string[];
}

/** A real separate process holding leases, as another VS Code window would. */
class LeaseWorker {
  readonly events: WorkerEvent[] = [];
  owned: string[] = [];
  endedAt: number | undefined;
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiters: (() => void)[] = [];
  stderr = '';

  constructor(
    readonly windowId: string,
    folder: string,
    heartbeatMs: number,
    staleAfterMs: number,
    ids: readonly string[],
  ) {
    this.child = spawn(process.execPath, ['--import', 'tsx', WORKER, folder, windowId, String(heartbeatMs), String(staleAfterMs), ids.join(',')], {
      cwd: ROOT,
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    this.child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      const event = JSON.parse(line) as WorkerEvent;
      this.events.push(event);
      if (event.owned) this.owned = event.owned;
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  async waitFor(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what} (${this.windowId}) ${this.stderr}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 50));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  send(command: string): void {
    this.child.stdin.write(`${command}\n`);
  }

  kill(): void {
    this.endedAt = Date.now();
    this.child.kill('SIGKILL');
  }

  /** Ownership ends when the release is asked for: a window stops polling before it releases. */
  release(): void {
    this.endedAt = Date.now();
    this.send('release');
  }

  stop(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}

async function startWorkers(count: number, folder: string, heartbeatMs: number, staleAfterMs: number, ids: readonly string[]): Promise<LeaseWorker[]> {
  const workers = Array.from({ length: count }, (_, index) => new LeaseWorker(`window-${index}`, folder, heartbeatMs, staleAfterMs, ids));
  await Promise.all(workers.map((worker) => worker.waitFor(() => worker.events.some((event) => event.event === 'ready'), 60_000, 'ready')));
  // All start syncing in the same instant, so they really race for the same leases.
  for (const worker of workers) worker.send('go');
  return workers;
}

/** Replays every ownership change of every worker in time order; two owners at once fail the test. */
function assertNeverTwoOwners(workers: readonly LeaseWorker[]): void {
  type Step = { t: number; worker: LeaseWorker; owned: string[] };
  const steps: Step[] = [];
  for (const worker of workers) {
    for (const event of worker.events) if (event.owned) steps.push({ t: event.t, worker, owned: event.owned });
    if (worker.endedAt !== undefined) steps.push({ t: worker.endedAt, worker, owned: [] });
  }
  steps.sort((a, b) => a.t - b.t);
  const current = new Map<LeaseWorker, string[]>();
  for (const step of steps) {
    current.set(step.worker, step.worker.endedAt !== undefined && step.t > step.worker.endedAt ? [] : step.owned);
    const seen = new Map<string, string>();
    for (const [worker, owned] of current) {
      for (const id of owned) {
        assert.equal(seen.get(id), undefined, `${id} owned by ${seen.get(id)} and ${worker.windowId} at ${step.t}`);
        seen.set(id, worker.windowId);
      }
    }
  }
}

function ownersOf(workers: readonly LeaseWorker[], id: string): string[] {
  return workers.filter((worker) => worker.endedAt === undefined && worker.owned.includes(id)).map((worker) => worker.windowId);
}

/**
 * Real processes racing on one folder prove the safety properties: never two owners, every orphaned
 * lease taken over, a released lease taken over. How soon is the fake-clock tests' business (above,
 * and windowPolling.test.ts): here the clock is real, so nothing asserts an elapsed time, and staleness
 * is generous (10 heartbeats) so a process starved on a loaded machine is not taken for dead.
 */
describe('LeaseManager across real processes', () => {
  const HEARTBEAT_MS = 300;
  const STALE_AFTER_MS = 3_000;
  const EVENTUALLY_MS = 30_000;

  test('one owner per connection; SIGKILL of the owner → another takes over within two intervals; release → at once', async () => {
    const folder = tempFolder();
    const ids = ['browserless', 'browserbase', 'northflank', 'cerebras', 'prometheus'];
    const workers = await startWorkers(3, folder, HEARTBEAT_MS, STALE_AFTER_MS, ids);
    try {
      const allOwned = (): boolean => ids.every((id) => ownersOf(workers, id).length === 1);
      await workers[0]!.waitFor(allOwned, EVENTUALLY_MS, 'every connection owned');
      // Steady state: several heartbeats, more than staleAfterMs, and no lease changes hands while its owner lives.
      const changesBefore = workers.reduce((sum, worker) => sum + worker.events.filter((event) => event.owned).length, 0);
      await new Promise((resolve) => setTimeout(resolve, STALE_AFTER_MS + HEARTBEAT_MS));
      const changesAfter = workers.reduce((sum, worker) => sum + worker.events.filter((event) => event.owned).length, 0);
      assert.equal(changesAfter, changesBefore, 'a live lease changed hands');
      for (const id of ids) assert.equal(ownersOf(workers, id).length, 1, id);

      // Crash the window that owns the most, without any chance to release.
      const victim = [...workers].sort((a, b) => b.owned.length - a.owned.length)[0]!;
      assert.ok(victim.owned.length > 0);
      const orphaned = [...victim.owned];
      victim.kill();
      const survivors = workers.filter((worker) => worker !== victim);
      await survivors[0]!.waitFor(allOwned, EVENTUALLY_MS, 'takeover after SIGKILL');
      for (const id of orphaned) assert.equal(ownersOf(survivors, id).length, 1, `${id} was not taken over after the crash`);

      // A window that closes releases: the last one takes over without waiting for staleness.
      const [closing, last] = survivors as [LeaseWorker, LeaseWorker];
      const released = [...closing.owned];
      closing.release();
      await closing.waitFor(() => closing.events.some((event) => event.event === 'released'), EVENTUALLY_MS, 'release');
      await last.waitFor(() => ids.every((id) => last.owned.includes(id)), EVENTUALLY_MS, 'takeover after release');
      for (const id of released) assert.ok(last.owned.includes(id), `${id} was not taken over after the release`);
      assertNeverTwoOwners(workers);
    } finally {
      for (const worker of workers) worker.stop();
    }
  });

  test('three processes racing for stale leases: exactly one winner each, nobody flip-flops', async () => {
    const folder = tempFolder();
    const ids = Array.from({ length: 12 }, (_, index) => `stale-${index}`);
    for (const key of ids) {
      const stale: LeaseRecord = { v: 1, key, owner: 'crashed-window', generation: 1, heartbeatAt: Date.now() - 3_600_000, yielding: false, released: false };
      writeFileSync(path.join(folder, leaseFileName(key, 1)), JSON.stringify(stale));
    }
    const workers = await startWorkers(3, folder, HEARTBEAT_MS, STALE_AFTER_MS, ids);
    try {
      await workers[0]!.waitFor(() => ids.every((id) => ownersOf(workers, id).length === 1), EVENTUALLY_MS, 'all stale leases taken');
      await new Promise((resolve) => setTimeout(resolve, 3 * HEARTBEAT_MS));
      for (const id of ids) {
        const owners = ownersOf(workers, id);
        assert.equal(owners.length, 1, `${id}: ${owners.join(', ')}`);
        assert.deepEqual(generations(folder, id), [2]);
        assert.equal(record(folder, id, 2).owner, owners[0]);
      }
      // Nobody ever believed it owned a lease that then turned out to be someone else's.
      for (const worker of workers) {
        let previous: string[] = [];
        for (const event of worker.events.filter((entry) => entry.owned)) {
          assert.ok(
            previous.every((id) => event.owned!.includes(id)),
            `${worker.windowId} lost ${previous.join(',')} → ${event.owned!.join(',')}`,
          );
          previous = event.owned!;
        }
      }
      assertNeverTwoOwners(workers);
    } finally {
      for (const worker of workers) worker.stop();
    }
  });
});
