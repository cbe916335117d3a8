/**
 * Polling for one VS Code window when several are open: the scheduler polls only the connections
 * whose lease this window holds, publishes what it got for the others, and mirrors what the other
 * windows publish. The extension creates one per window with its global storage path and adapts
 * focus, configuration and token events into the calls below. Plain Node, no `vscode`.
 *
 * Flows
 * - `setFeeds` → scheduler feeds + lease sync of their connection ids.
 * - Lease gained → the connection's shared snapshot is read for its `PollHandoff`, then the scheduler
 *   polls it, continuing the previous poller's schedule. Lease lost → the scheduler stops it.
 * - After each poll outcome, and on `publish(connectionId, data)`, the envelope { data, handoff } is
 *   written (writes in the same tick coalesce). Readers get it through `onSharedSnapshot`.
 * - Focus: with `pauseWhenUnfocused`, an unfocused window pauses and *yields* its leases, so the
 *   focused window takes them over and polls: the user never looks at data frozen by another window.
 * - `refresh` of a connection polled elsewhere writes a request the polling window picks up.
 * - `dispose` stops the scheduler (aborting runs), finishes writes, then releases the leases so
 *   another window takes over at once.
 *
 * Connection ids must name the same target in every window; ids from workspace-scoped settings that
 * differ between workspaces should be made unique by the extension (e.g. suffixed with a hash).
 *
 * API
 *   new WindowPolling<T>(options: WindowPollingOptions<T>)
 *   setFeeds(feeds: readonly Feed[]): Promise<void>          resolves after the lease pass
 *   setFocused(focused: boolean): void
 *   setPauseWhenUnfocused(pause: boolean): void
 *   refresh(connectionId?: string, reason?: RefreshReason): Promise<void>
 *   invalidate(connectionId: string): void
 *   publish(connectionId: string, data: T): void             ignored unless polled here
 *   isPolledHere(connectionId: string): boolean
 *   getState(connectionId: string): ConnectionPollState | undefined
 *   dispose(): Promise<void>
 */
import path from 'node:path';
import type { Reading } from '../providers/types';
import { systemClock, type Clock } from './clock';
import { LeaseManager } from './leaseManager';
import { PollScheduler, type ConnectionPollState, type Feed, type PollHandoff, type RefreshReason } from './pollScheduler';
import { SharedSnapshots, type SharedSnapshot, type SnapshotWatcher } from './sharedSnapshots';

export interface WindowPollingOptions<T> {
  /** Shared by all windows: the extension's global storage path. */
  readonly folder: string;
  /** Unique per window activation. */
  readonly windowId: string;
  readonly clock?: Clock;
  readonly random?: () => number;
  readonly heartbeatMs?: number;
  readonly staleAfterMs?: number;
  /** How often readers look at shared snapshots and pollers at refresh requests, besides folder watching. */
  readonly readerPollMs?: number;
  readonly focused?: boolean;
  readonly pauseWhenUnfocused?: boolean;
  /**
   * Watch the shared folders for other windows' changes (default true). Without it, changes are seen
   * on the next heartbeat or reader poll; tests switch it off so a fake clock alone drives them.
   */
  readonly watch?: boolean;
  onReading(feed: Feed, reading: Reading): void;
  onError(feed: Feed, error: unknown): void;
  onState?(connectionId: string, state: ConnectionPollState): void;
  /** A snapshot another window published for a connection this window does not poll. */
  onSharedSnapshot?(connectionId: string, snapshot: SharedSnapshot<T>): void;
  onOwnershipChange?(owned: ReadonlySet<string>): void;
  /** File-system trouble, for the log. */
  onInternalError?(error: unknown): void;
}

export class WindowPolling<T> {
  private readonly scheduler: PollScheduler;
  private readonly leases: LeaseManager;
  private readonly snapshots: SharedSnapshots<T>;
  private readonly watcher: SnapshotWatcher<T>;
  private readonly clock: Clock;
  private connectionIds = new Set<string>();
  private owned: ReadonlySet<string> = new Set();
  private focused: boolean;
  private pauseWhenUnfocused: boolean;
  private readonly published = new Map<string, T>();
  private readonly dirty = new Set<string>();
  private flushScheduled = false;
  /** Refresh requests older than this (per connection) were handled or predate our ownership. */
  private readonly requestsHandled = new Map<string, number>();
  private ownershipChain: Promise<void> = Promise.resolve();
  private disposed = false;

  constructor(private readonly options: WindowPollingOptions<T>) {
    this.clock = options.clock ?? systemClock;
    this.focused = options.focused ?? true;
    this.pauseWhenUnfocused = options.pauseWhenUnfocused ?? true;
    this.scheduler = new PollScheduler({
      clock: this.clock,
      random: options.random ?? Math.random,
      initiallyOwnsAll: false,
      focused: this.focused,
      pauseWhenUnfocused: this.pauseWhenUnfocused,
      // The handoff is written even when the extension's listener throws, or the next poller would
      // not know about this outcome (a Retry-After, a backoff step).
      onReading: (feed, reading) => {
        try {
          options.onReading(feed, reading);
        } finally {
          this.markDirty(feed.connectionId);
        }
      },
      onError: (feed, error) => {
        try {
          options.onError(feed, error);
        } finally {
          this.markDirty(feed.connectionId);
        }
      },
      onState: options.onState,
    });
    this.snapshots = new SharedSnapshots<T>({ folder: path.join(options.folder, 'shared'), windowId: options.windowId, clock: this.clock });
    this.leases = new LeaseManager({
      folder: path.join(options.folder, 'leases'),
      windowId: options.windowId,
      clock: this.clock,
      heartbeatMs: options.heartbeatMs,
      staleAfterMs: options.staleAfterMs,
      yielding: this.yielding,
      watch: options.watch,
      onError: (error) => this.reportError(error),
    });
    this.leases.onChange((owned) => this.onLeasesChanged(owned));
    this.watcher = this.snapshots.watch({
      keys: () => [...this.connectionIds].filter((id) => !this.owned.has(id)),
      onSnapshot: (id, snapshot) => {
        if (!this.owned.has(id)) options.onSharedSnapshot?.(id, snapshot);
      },
      onTick: () => this.checkRefreshRequests(),
      pollMs: options.readerPollMs,
      ignoreWriter: options.windowId,
      watch: options.watch,
    });
  }

  async setFeeds(feeds: readonly Feed[]): Promise<void> {
    if (this.disposed) return;
    this.connectionIds = new Set(feeds.map((feed) => feed.connectionId));
    for (const id of [...this.published.keys()]) if (!this.connectionIds.has(id)) this.published.delete(id);
    this.scheduler.setFeeds(feeds);
    await this.leases.sync(this.connectionIds);
    await this.ownershipChain;
    void this.watcher.tick();
  }

  setFocused(focused: boolean): void {
    if (this.disposed || this.focused === focused) return;
    this.focused = focused;
    this.scheduler.setFocused(focused);
    void this.leases.setYielding(this.yielding);
  }

  setPauseWhenUnfocused(pause: boolean): void {
    if (this.disposed || this.pauseWhenUnfocused === pause) return;
    this.pauseWhenUnfocused = pause;
    this.scheduler.setPauseWhenUnfocused(pause);
    void this.leases.setYielding(this.yielding);
  }

  async refresh(connectionId?: string, reason: RefreshReason = 'manual'): Promise<void> {
    if (this.disposed) return;
    const ids = connectionId === undefined ? [...this.connectionIds] : [connectionId];
    const forwarded = reason === 'manual' ? ids.filter((id) => this.connectionIds.has(id) && !this.owned.has(id)) : [];
    await Promise.all([
      ...ids.filter((id) => this.owned.has(id)).map((id) => this.scheduler.refresh(id, reason)),
      ...forwarded.map((id) => this.snapshots.requestRefresh(id).catch((error: unknown) => this.reportError(error))),
    ]);
  }

  /**
   * A token or setting changed. Every window gets the same VS Code event, so the window that polls
   * the connection repolls; the others have nothing to do.
   */
  invalidate(connectionId: string): void {
    if (!this.disposed) this.scheduler.invalidate(connectionId);
  }

  /** The snapshot other windows should show for a connection this window polls. */
  publish(connectionId: string, data: T): void {
    if (this.disposed || !this.owned.has(connectionId)) return;
    this.published.set(connectionId, data);
    this.markDirty(connectionId);
  }

  isPolledHere(connectionId: string): boolean {
    return this.owned.has(connectionId);
  }

  getState(connectionId: string): ConnectionPollState | undefined {
    return this.scheduler.getState(connectionId);
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.scheduler.dispose();
    this.watcher.dispose();
    await this.snapshots.flush();
    await this.leases.dispose();
  }

  private get yielding(): boolean {
    return this.pauseWhenUnfocused && !this.focused;
  }

  private onLeasesChanged(owned: ReadonlySet<string>): void {
    this.ownershipChain = this.ownershipChain.then(async () => {
      if (this.disposed) return;
      const gained = [...owned].filter((id) => !this.owned.has(id));
      const handoffs = new Map<string, PollHandoff>();
      await Promise.all(
        gained.map(async (id) => {
          try {
            const snapshot = await this.snapshots.read(id);
            if (snapshot?.handoff) handoffs.set(id, snapshot.handoff);
            // Until this window publishes its own, its writes carry on what the previous poller showed.
            if (snapshot?.data !== undefined) this.published.set(id, snapshot.data);
          } catch (error) {
            this.reportError(error);
          }
        }),
      );
      if (this.disposed) return;
      const now = this.clock.now();
      for (const id of gained) this.requestsHandled.set(id, now);
      for (const id of this.owned) {
        if (owned.has(id)) continue;
        this.published.delete(id);
        this.requestsHandled.delete(id);
      }
      this.owned = new Set(owned);
      this.scheduler.setOwnedConnections(owned, handoffs);
      try {
        this.options.onOwnershipChange?.(this.owned);
      } catch (error) {
        this.reportError(error);
      }
    });
  }

  private async checkRefreshRequests(): Promise<void> {
    await Promise.all(
      [...this.owned].map(async (id) => {
        const at = await this.snapshots.readRefreshRequest(id);
        if (at === undefined || at <= (this.requestsHandled.get(id) ?? Infinity) || this.disposed) return;
        this.requestsHandled.set(id, at);
        void this.scheduler.refresh(id, 'remote');
      }),
    );
  }

  /** Several outcomes and a publish in the same tick become one write. */
  private markDirty(connectionId: string): void {
    this.dirty.add(connectionId);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      if (this.disposed) return;
      for (const id of [...this.dirty]) {
        this.dirty.delete(id);
        if (!this.owned.has(id)) continue;
        this.snapshots.write(id, { data: this.published.get(id), handoff: this.scheduler.handoffState(id) }).catch((error: unknown) => this.reportError(error));
      }
    });
  }

  private reportError(error: unknown): void {
    try {
      this.options.onInternalError?.(error);
    } catch {
      // Logging must not break polling.
    }
  }
}
