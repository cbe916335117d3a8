/**
 * The channel between the window that polls a connection and the windows that only show it: the
 * poller writes `snapshots/<connection>.json` atomically (temp + rename), readers poll and watch the
 * folder. The envelope also carries the scheduler's `PollHandoff`, so whichever window polls next
 * continues the schedule (backoff, Retry-After, budget) instead of starting over. Readers can ask the
 * poller for a refresh through `requests/<connection>.json`. Plain Node, no `vscode`.
 *
 * API
 *   new SharedSnapshots<T>({ folder, windowId, clock? })
 *   write(connectionId, { data?, handoff? }): Promise<void>      serialized per connection
 *   read(connectionId): Promise<SharedSnapshot<T> | undefined>
 *   requestRefresh(connectionId): Promise<void>
 *   readRefreshRequest(connectionId): Promise<number | undefined>   epoch ms of the latest request
 *   watch({ keys, onSnapshot, pollMs?, ignoreWriter? }): SnapshotWatcher
 */
import { watch, promises as fs, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { systemClock, type Clock, type TimerHandle } from './clock';
import type { PollHandoff } from './pollScheduler';
import { fileNameFor, isNotFound, isTempName, readJsonFile, writeFileAtomic } from './sharedFiles';

export interface SharedSnapshot<T> {
  readonly v: 1;
  readonly connectionId: string;
  /** The window that wrote it. */
  readonly writer: string;
  readonly writtenAt: number;
  /** Increases with every write of one writer; with `writer` it identifies a version. */
  readonly seq: number;
  readonly data?: T;
  readonly handoff?: PollHandoff;
}

export interface SharedSnapshotsOptions {
  readonly folder: string;
  readonly windowId: string;
  readonly clock?: Clock;
}

export interface WatchOptions<T> {
  /** The connections to watch, asked on every tick (they change with ownership). */
  readonly keys: () => Iterable<string>;
  readonly onSnapshot: (connectionId: string, snapshot: SharedSnapshot<T>) => void;
  /** Also called on each tick, e.g. to look at refresh requests; errors are swallowed. */
  readonly onTick?: () => Promise<void> | void;
  /** Fallback when folder watching misses events (network drives, some containers). Default 2 s. */
  readonly pollMs?: number;
  /** Skip this window's own writes. */
  readonly ignoreWriter?: string;
  /** Folder watching on top of polling (default true); tests switch it off to run on a fake clock alone. */
  readonly watch?: boolean;
}

const SNAPSHOTS = 'snapshots';
const REQUESTS = 'requests';
const DEFAULT_READER_POLL_MS = 2_000;
const WATCH_DEBOUNCE_MS = 30;

function isSnapshot(value: unknown, connectionId: string): value is SharedSnapshot<unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return (
    record.v === 1 &&
    record.connectionId === connectionId &&
    typeof record.writer === 'string' &&
    typeof record.writtenAt === 'number' &&
    typeof record.seq === 'number'
  );
}

export class SharedSnapshots<T> {
  readonly snapshotsFolder: string;
  readonly requestsFolder: string;
  private readonly clock: Clock;
  private seq = 0;
  private readonly writeChains = new Map<string, Promise<void>>();

  constructor(private readonly options: SharedSnapshotsOptions) {
    this.snapshotsFolder = path.join(options.folder, SNAPSHOTS);
    this.requestsFolder = path.join(options.folder, REQUESTS);
    this.clock = options.clock ?? systemClock;
  }

  snapshotPath(connectionId: string): string {
    return path.join(this.snapshotsFolder, `${fileNameFor(connectionId)}.json`);
  }

  /** Writes of one connection are chained: two renames racing could leave the older content last. */
  write(connectionId: string, content: { readonly data?: T; readonly handoff?: PollHandoff }): Promise<void> {
    const snapshot: SharedSnapshot<T> = {
      v: 1,
      connectionId,
      writer: this.options.windowId,
      writtenAt: this.clock.now(),
      seq: ++this.seq,
      data: content.data,
      handoff: content.handoff,
    };
    const json = JSON.stringify(snapshot);
    const previous = this.writeChains.get(connectionId) ?? Promise.resolve();
    const next = previous.then(async () => {
      await fs.mkdir(this.snapshotsFolder, { recursive: true });
      await writeFileAtomic(this.snapshotPath(connectionId), json);
    });
    const settled = next.catch(() => undefined);
    this.writeChains.set(connectionId, settled);
    void settled.then(() => {
      if (this.writeChains.get(connectionId) === settled) this.writeChains.delete(connectionId);
    });
    return next;
  }

  /** Resolves when every write started so far has finished. */
  async flush(): Promise<void> {
    await Promise.all(this.writeChains.values());
  }

  async read(connectionId: string): Promise<SharedSnapshot<T> | undefined> {
    const value = await readJsonFile(this.snapshotPath(connectionId));
    return isSnapshot(value, connectionId) ? (value as SharedSnapshot<T>) : undefined;
  }

  async requestRefresh(connectionId: string): Promise<void> {
    await fs.mkdir(this.requestsFolder, { recursive: true });
    await writeFileAtomic(this.requestPath(connectionId), JSON.stringify({ at: this.clock.now(), from: this.options.windowId }));
  }

  async readRefreshRequest(connectionId: string): Promise<number | undefined> {
    const value = await readJsonFile(this.requestPath(connectionId));
    if (typeof value !== 'object' || value === null) return undefined;
    const at = (value as Record<string, unknown>).at;
    return typeof at === 'number' && Number.isFinite(at) ? at : undefined;
  }

  watch(options: WatchOptions<T>): SnapshotWatcher<T> {
    return new SnapshotWatcher(this, options, this.clock);
  }

  private requestPath(connectionId: string): string {
    return path.join(this.requestsFolder, `${fileNameFor(connectionId)}.json`);
  }
}

/**
 * Polls the snapshot files (a `stat` per connection per tick; read only when the file changed) and
 * ticks early on folder events. Reports each version once.
 */
export class SnapshotWatcher<T> {
  private readonly pollMs: number;
  private readonly seen = new Map<string, string>();
  private readonly fileVersions = new Map<string, string>();
  private readonly watchers: FSWatcher[] = [];
  private timer: TimerHandle | undefined;
  private debounce: TimerHandle | undefined;
  private ticking: Promise<void> | undefined;
  private again = false;
  private disposed = false;

  constructor(
    private readonly snapshots: SharedSnapshots<T>,
    private readonly options: WatchOptions<T>,
    private readonly clock: Clock,
  ) {
    this.pollMs = options.pollMs ?? DEFAULT_READER_POLL_MS;
    if (options.watch !== false) void this.startWatching();
    this.poke(0);
  }

  /** Runs a tick now (or right after the one in progress). */
  tick(): Promise<void> {
    if (this.disposed) return Promise.resolve();
    if (this.ticking) {
      this.again = true;
      return this.ticking;
    }
    this.ticking = this.runTick().finally(() => {
      this.ticking = undefined;
      if (this.again && !this.disposed) {
        this.again = false;
        void this.tick();
      }
    });
    return this.ticking;
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    if (this.debounce !== undefined) this.clock.clearTimeout(this.debounce);
    this.timer = this.debounce = undefined;
    for (const watcher of this.watchers.splice(0)) watcher.close();
  }

  private poke(ms: number): void {
    if (this.disposed) return;
    if (ms > 0) {
      if (this.debounce !== undefined) return;
      this.debounce = this.clock.setTimeout(() => {
        this.debounce = undefined;
        void this.tick();
      }, ms);
      return;
    }
    void this.tick();
  }

  private async startWatching(): Promise<void> {
    for (const folder of [this.snapshots.snapshotsFolder, this.snapshots.requestsFolder]) {
      try {
        await fs.mkdir(folder, { recursive: true });
        if (this.disposed) return;
        const watcher = watch(folder, (_event, name) => {
          if (typeof name === 'string' && isTempName(name)) return;
          this.poke(WATCH_DEBOUNCE_MS);
        });
        // Polling still runs; the watch is only an accelerator.
        watcher.on('error', () => watcher.close());
        this.watchers.push(watcher);
      } catch {
        // Same: polling covers it.
      }
    }
  }

  private async runTick(): Promise<void> {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    try {
      const keys = [...this.options.keys()];
      for (const key of [...this.fileVersions.keys()]) if (!keys.includes(key)) this.fileVersions.delete(key);
      await Promise.all(keys.map((key) => this.check(key)));
      await this.options.onTick?.();
    } catch {
      // A transient file-system error: the next tick retries.
    }
    if (!this.disposed) {
      this.timer = this.clock.setTimeout(() => {
        this.timer = undefined;
        void this.tick();
      }, this.pollMs);
    }
  }

  private async check(key: string): Promise<void> {
    let version: string;
    try {
      const stat = await fs.stat(this.snapshots.snapshotPath(key), { bigint: true });
      // A rename gives the file a new inode, so this changes on every write even within one mtime tick.
      version = `${stat.ino}:${stat.mtimeNs}:${stat.size}`;
    } catch (error) {
      if (isNotFound(error)) return;
      throw error;
    }
    if (this.fileVersions.get(key) === version) return;
    const snapshot = await this.snapshots.read(key);
    if (!snapshot || this.disposed) return;
    this.fileVersions.set(key, version);
    const id = `${snapshot.writer}:${snapshot.seq}:${snapshot.writtenAt}`;
    if (this.seen.get(key) === id) return;
    this.seen.set(key, id);
    if (snapshot.writer === this.options.ignoreWriter) return;
    this.options.onSnapshot(key, snapshot);
  }
}
