/**
 * Decides which VS Code window polls which connection, through a folder all windows share (the
 * extension's global storage). One window holds the lease of a connection and polls it; the others
 * read what it publishes (`SharedSnapshots`). Plain Node, no `vscode`.
 *
 * Design: a lease is a sequence of generation files `<connection>.<generation>.lease`, each holding
 * `{ owner, generation, heartbeatAt, yielding, released }`. The highest generation is the lease.
 * - Acquire / take over: create generation max+1 with an exclusive create (`link` of a complete temp
 *   file: atomic, fails if it exists). Two windows racing for the same stale lease both try the same
 *   number; exactly one create succeeds. Nothing is ever deleted-then-recreated, which is where
 *   lock-file takeovers usually race.
 * - Verify after write: after creating or renewing, the folder is listed again; a window whose
 *   generation is no longer the highest has lost and stops polling that connection.
 * - Heartbeat: only the owner rewrites its own generation file (temp + rename), every `heartbeatMs`.
 * - A lease may be taken over when its heartbeat is older than `staleAfterMs` (crashed window), when
 *   it was released (closed window), or when its owner is *yielding* (unfocused, polling paused) and
 *   the taker is not: the focused window then polls, so pausing unfocused windows never leaves the
 *   user looking at frozen data.
 * - The new owner deletes older generations; a max generation file is never deleted, so numbers only
 *   grow and a slow window can never win a number that was already used.
 * Two owners at once are only possible when a window stalls (suspend, blocked event loop) for longer
 * than `staleAfterMs`, and then only until its next heartbeat, which sees the higher generation.
 * After a crash another window takes over within `staleAfterMs + heartbeatMs` (defaults 15 s + 5 s,
 * less than two of the shortest default poll interval); after a release, at once (folder watch).
 *
 * API
 *   new LeaseManager({ folder, windowId, clock?, heartbeatMs?, staleAfterMs?, yielding?, watch?, onError? })
 *   sync(connectionIds?: Iterable<string>): Promise<ReadonlySet<string>>   owned ids after this pass
 *   setYielding(yielding: boolean): Promise<ReadonlySet<string>>
 *   owned: ReadonlySet<string>
 *   onChange(listener: (owned: ReadonlySet<string>) => void): { dispose(): void }
 *   dispose(): Promise<void>   stops the heartbeat and releases every lease
 */
import { watch, promises as fs, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { systemClock, type Clock, type TimerHandle } from './clock';
import { createExclusive, fileNameFor, isNotFound, isTempName, readJsonFile, writeFileAtomic } from './sharedFiles';

export interface LeaseManagerOptions {
  readonly folder: string;
  /** Unique per window and per activation (e.g. a random UUID). */
  readonly windowId: string;
  readonly clock?: Clock;
  readonly heartbeatMs?: number;
  readonly staleAfterMs?: number;
  readonly yielding?: boolean;
  /** React to other windows' releases and yields at once instead of at the next heartbeat. */
  readonly watch?: boolean;
  /** File-system trouble, for the log. Polling continues on the last known ownership. */
  readonly onError?: (error: unknown) => void;
}

export interface LeaseRecord {
  readonly v: 1;
  readonly key: string;
  readonly owner: string;
  readonly generation: number;
  readonly heartbeatAt: number;
  readonly yielding: boolean;
  readonly released: boolean;
}

export const DEFAULT_HEARTBEAT_MS = 5_000;
const LEASE_SUFFIX = '.lease';
/** Coalesces a burst of folder events (a rename is several) into one pass. */
const WATCH_DEBOUNCE_MS = 50;
/** Far longer than any write takes, so a temp file still being written is never removed. */
const TEMP_FILE_MAX_AGE_MS = 10 * 60_000;

export function leaseFileName(key: string, generation: number): string {
  return `${fileNameFor(key)}.${generation}${LEASE_SUFFIX}`;
}

/** Generation numbers per encoded connection name, from a folder listing. */
function parseListing(names: readonly string[]): Map<string, number[]> {
  const generations = new Map<string, number[]>();
  for (const name of names) {
    if (isTempName(name) || !name.endsWith(LEASE_SUFFIX)) continue;
    const stem = name.slice(0, -LEASE_SUFFIX.length);
    const dot = stem.lastIndexOf('.');
    if (dot <= 0) continue;
    const generation = Number(stem.slice(dot + 1));
    if (!Number.isSafeInteger(generation) || generation < 1) continue;
    const list = generations.get(stem.slice(0, dot)) ?? [];
    list.push(generation);
    generations.set(stem.slice(0, dot), list);
  }
  return generations;
}

function maxOf(list: readonly number[] | undefined): number {
  return list && list.length > 0 ? Math.max(...list) : 0;
}

function isLeaseRecord(value: unknown): value is LeaseRecord {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return typeof record.owner === 'string' && typeof record.heartbeatAt === 'number' && typeof record.generation === 'number';
}

type PassMode = 'full' | 'watch';

export class LeaseManager {
  private readonly folder: string;
  private readonly windowId: string;
  private readonly clock: Clock;
  private readonly heartbeatMs: number;
  private readonly staleAfterMs: number;
  private yielding: boolean;
  private wanted = new Set<string>();
  /** Connection id → the generation this window owns. */
  private readonly mine = new Map<string, number>();
  private ownedView: ReadonlySet<string> = new Set();
  private readonly listeners = new Set<(owned: ReadonlySet<string>) => void>();
  private queue: Promise<unknown> = Promise.resolve();
  private queuedFull: Promise<ReadonlySet<string>> | undefined;
  private heartbeatTimer: TimerHandle | undefined;
  private watchTimer: TimerHandle | undefined;
  private watcher: FSWatcher | undefined;
  private started = false;
  private disposed = false;

  constructor(private readonly options: LeaseManagerOptions) {
    this.folder = options.folder;
    this.windowId = options.windowId;
    this.clock = options.clock ?? systemClock;
    this.heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
    this.staleAfterMs = options.staleAfterMs ?? 3 * this.heartbeatMs;
    this.yielding = options.yielding ?? false;
    if (this.staleAfterMs <= this.heartbeatMs) throw new Error('staleAfterMs must be longer than heartbeatMs, or a live owner looks stale');
  }

  get owned(): ReadonlySet<string> {
    return this.ownedView;
  }

  onChange(listener: (owned: ReadonlySet<string>) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /**
   * Declares the connections this window wants (when given) and runs one pass: renew owned leases,
   * take over free ones, drop lost ones. Also starts the heartbeat on first call.
   */
  sync(connectionIds?: Iterable<string>): Promise<ReadonlySet<string>> {
    if (this.disposed) return Promise.resolve(this.ownedView);
    if (connectionIds !== undefined) this.wanted = new Set(connectionIds);
    if (!this.started) this.start();
    return this.enqueueFull();
  }

  /** Yielding windows keep their leases but let a non-yielding window take them over at once. */
  setYielding(yielding: boolean): Promise<ReadonlySet<string>> {
    if (this.yielding === yielding || this.disposed) return Promise.resolve(this.ownedView);
    this.yielding = yielding;
    this.updateWatcher();
    return this.started ? this.enqueueFull() : Promise.resolve(this.ownedView);
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    if (this.heartbeatTimer !== undefined) this.clock.clearTimeout(this.heartbeatTimer);
    if (this.watchTimer !== undefined) this.clock.clearTimeout(this.watchTimer);
    this.heartbeatTimer = this.watchTimer = undefined;
    this.watcher?.close();
    this.watcher = undefined;
    this.listeners.clear();
    // After the pass in progress, so it cannot take a lease that would then never be released.
    await this.queue.catch(() => undefined);
    await Promise.all(
      [...this.mine].map(([key, generation]) =>
        writeFileAtomic(this.pathOf(key, generation), this.recordJson(key, generation, true)).catch((error: unknown) => this.reportError(error)),
      ),
    );
    this.mine.clear();
    this.ownedView = new Set();
  }

  private start(): void {
    this.started = true;
    this.scheduleHeartbeat();
    this.updateWatcher();
  }

  private scheduleHeartbeat(): void {
    if (this.disposed) return;
    this.heartbeatTimer = this.clock.setTimeout(() => {
      this.heartbeatTimer = undefined;
      void this.enqueueFull().finally(() => this.scheduleHeartbeat());
    }, this.heartbeatMs);
  }

  private enqueueFull(): Promise<ReadonlySet<string>> {
    // A full pass not yet started already covers any later request.
    if (this.queuedFull) return this.queuedFull;
    const pass = this.queue.then(() => {
      this.queuedFull = undefined;
      return this.pass('full');
    });
    this.queuedFull = pass;
    this.queue = pass.catch(() => undefined);
    return pass;
  }

  private enqueueWatchPass(): void {
    if (this.queuedFull) return;
    this.queue = this.queue.then(() => this.pass('watch')).catch(() => undefined);
  }

  private updateWatcher(): void {
    if (this.disposed || !this.started || this.options.watch === false) return;
    // Only a window that may take leases over needs to notice other windows' changes at once.
    if (this.yielding) {
      this.watcher?.close();
      this.watcher = undefined;
      return;
    }
    if (this.watcher) return;
    void fs
      .mkdir(this.folder, { recursive: true })
      .then(() => {
        if (this.disposed || this.yielding || this.watcher) return;
        try {
          this.watcher = watch(this.folder, (_event, name) => {
            if (typeof name === 'string' && isTempName(name)) return;
            if (this.watchTimer !== undefined || this.disposed) return;
            this.watchTimer = this.clock.setTimeout(() => {
              this.watchTimer = undefined;
              this.enqueueWatchPass();
            }, WATCH_DEBOUNCE_MS);
          });
          this.watcher.on('error', () => {
            // The heartbeat still runs every pass; the watch is only an accelerator.
            this.watcher?.close();
            this.watcher = undefined;
          });
        } catch {
          this.watcher = undefined;
        }
      })
      .catch((error: unknown) => this.reportError(error));
  }

  /**
   * One pass over all wanted connections. `watch` passes (triggered by folder events) do not write
   * heartbeats: they would trigger events themselves.
   */
  private async pass(mode: PassMode): Promise<ReadonlySet<string>> {
    if (this.disposed) return this.ownedView;
    try {
      await fs.mkdir(this.folder, { recursive: true });
      const names = await fs.readdir(this.folder);
      const listing = parseListing(names);
      const now = this.clock.now();
      if (mode === 'full') await this.removeAbandonedTempFiles(names);
      const writes: Promise<void>[] = [];
      let wrote = false;

      for (const [key, generation] of [...this.mine]) {
        if (this.wanted.has(key)) continue;
        this.mine.delete(key);
        writes.push(writeFileAtomic(this.pathOf(key, generation), this.recordJson(key, generation, true)));
      }

      for (const key of this.wanted) {
        const generations = listing.get(fileNameFor(key));
        const highest = maxOf(generations);
        const mine = this.mine.get(key);
        if (mine !== undefined) {
          if (highest > mine) {
            this.mine.delete(key);
            writes.push(this.remove(key, mine));
          } else if (mode === 'full') {
            wrote = true;
            writes.push(writeFileAtomic(this.pathOf(key, mine), this.recordJson(key, mine, false)));
          }
          continue;
        }
        if (highest > 0 && !(await this.isTakeable(key, highest, now))) continue;
        const next = highest + 1;
        if (await createExclusive(this.pathOf(key, next), this.recordJson(key, next, false))) {
          this.mine.set(key, next);
          wrote = true;
        }
      }
      await Promise.all(writes.map((write) => write.catch((error: unknown) => this.reportError(error))));

      if (wrote) {
        const verify = parseListing(await fs.readdir(this.folder));
        const cleanups: Promise<void>[] = [];
        for (const [key, mine] of [...this.mine]) {
          const generations = verify.get(fileNameFor(key)) ?? [];
          if (maxOf(generations) > mine) {
            this.mine.delete(key);
            cleanups.push(this.remove(key, mine));
            continue;
          }
          for (const older of generations) if (older < mine) cleanups.push(this.remove(key, older));
        }
        await Promise.all(cleanups);
      }
    } catch (error) {
      this.reportError(error);
    }
    this.publish();
    return this.ownedView;
  }

  private async isTakeable(key: string, generation: number, now: number): Promise<boolean> {
    const file = this.pathOf(key, generation);
    let record: unknown;
    try {
      record = await readJsonFile(file);
    } catch (error) {
      this.reportError(error);
      return false;
    }
    if (!isLeaseRecord(record)) {
      // Unreadable: being written through the no-hard-link fallback, or left corrupt by a crash.
      try {
        const stat = await fs.stat(file);
        return now - stat.mtimeMs > this.staleAfterMs;
      } catch (error) {
        // Gone: a new owner cleaned it up after creating a newer one; the next pass sees that one.
        if (!isNotFound(error)) this.reportError(error);
        return false;
      }
    }
    if (record.released) return true;
    if (now - record.heartbeatAt > this.staleAfterMs) return true;
    if (record.yielding && !this.yielding) return true;
    // Our own id from a previous activation that was not released (same window reloaded quickly).
    return record.owner === this.windowId;
  }

  /** A window that crashed between writing a temp file and renaming it leaves the temp file behind. */
  private async removeAbandonedTempFiles(names: readonly string[]): Promise<void> {
    const cutoff = Date.now() - TEMP_FILE_MAX_AGE_MS;
    await Promise.all(
      names.filter(isTempName).map(async (name) => {
        const file = path.join(this.folder, name);
        try {
          if ((await fs.stat(file)).mtimeMs < cutoff) await fs.unlink(file);
        } catch {
          // Renamed or removed meanwhile by its writer: nothing to clean.
        }
      }),
    );
  }

  private remove(key: string, generation: number): Promise<void> {
    return fs.unlink(this.pathOf(key, generation)).catch((error: unknown) => {
      if (!isNotFound(error)) this.reportError(error);
    });
  }

  private pathOf(key: string, generation: number): string {
    return path.join(this.folder, leaseFileName(key, generation));
  }

  private recordJson(key: string, generation: number, released: boolean): string {
    const record: LeaseRecord = {
      v: 1,
      key,
      owner: this.windowId,
      generation,
      heartbeatAt: this.clock.now(),
      yielding: this.yielding,
      released,
    };
    return JSON.stringify(record);
  }

  private publish(): void {
    if (this.disposed) return;
    const owned = new Set(this.mine.keys());
    if (owned.size === this.ownedView.size && [...owned].every((key) => this.ownedView.has(key))) return;
    this.ownedView = owned;
    for (const listener of [...this.listeners]) {
      try {
        listener(owned);
      } catch (error) {
        this.reportError(error);
      }
    }
  }

  private reportError(error: unknown): void {
    try {
      this.options.onError?.(error);
    } catch {
      // Logging must not break the lease loop.
    }
  }
}
