/**
 * The poll scheduler of one window: plain Node, no `vscode`. The extension adapts window focus,
 * configuration and token changes into calls on it; `WindowPolling` adds the multi-window lease.
 *
 * Model
 * - A connection has several feeds (Browserless: pressure, metrics, total). Feeds of one connection
 *   never run concurrently: one request in flight per connection, the most overdue feed first.
 *   Different connections run in parallel.
 * - After a success a feed is due again after its interval ±10 %, stretched when the connection's
 *   rate-limit budget would not last until its reset (timingPolicy).
 * - After a failure: capped exponential backoff per feed. `retryAfterMs` (429/503) and a spent budget
 *   set a per-connection `notBefore`: nothing of that connection is sent before it, manual refresh
 *   included. An `auth` error stops the whole connection until `invalidate`, a changed feed config, or
 *   a `'manual'` refresh (one more try because the user asked).
 * - Unfocused with `pauseWhenUnfocused`: no timed polls (runs in flight finish). Focus runs whatever
 *   fell due meanwhile, so a short switch away costs nothing and a long one refreshes at once.
 * - `refresh` joins a run already in flight for a feed instead of sending a second request.
 * - Only owned connections are polled (all, unless `initiallyOwnsAll: false`); `WindowPolling` feeds
 *   ownership from the lease manager, with a `PollHandoff` so the new poller continues the old one's
 *   schedule (no burst on each window switch, Retry-After kept across windows).
 * - `dispose` aborts every run (the AbortSignal given to `run`), clears every timer and resolves
 *   pending `refresh` promises; no callback fires after it.
 *
 * API
 *   new PollScheduler(deps: SchedulerDeps)
 *   setFeeds(feeds: readonly Feed[]): void
 *   setFocused(focused: boolean): void
 *   setPauseWhenUnfocused(pause: boolean): void
 *   setOwnedConnections(ids: Iterable<string>, handoffs?: ReadonlyMap<string, PollHandoff>): void
 *   refresh(connectionId?: string, reason?: RefreshReason): Promise<void>
 *   invalidate(connectionId: string): void
 *   getState(connectionId: string): ConnectionPollState | undefined
 *   handoffState(connectionId: string): PollHandoff | undefined
 *   dispose(): void
 */
import { isProviderError } from '../http/errors';
import type { RateLimitInfo } from '../http/errors';
import type { Reading } from '../providers/types';
import type { Clock, TimerHandle } from './clock';
import { MAX_BACKOFF_MS, MAX_RETRY_AFTER_MS, backoffDelayMs, budgetNotBefore, retryAfterNotBefore, stretchForBudget, withJitter } from './timingPolicy';

export interface Feed {
  /** Unique among all feeds, and the same in every window (it names the feed in a PollHandoff). */
  readonly key: string;
  readonly connectionId: string;
  readonly intervalMs: number;
  /**
   * Anything that changes when what the feed fetches changes (settings, token version). A changed
   * configKey or interval repolls the feed at once and lifts an auth pause of its connection.
   */
  readonly configKey?: string;
  run(signal: AbortSignal): Promise<Reading>;
}

/**
 * Why a refresh was asked for. `manual` and `remote` (a manual refresh forwarded by another window)
 * re-run every feed of the connection, and `manual` also retries a connection paused for auth.
 * `focus` and `viewVisible` only run feeds that are due, even while paused for focus.
 */
export type RefreshReason = 'manual' | 'remote' | 'focus' | 'viewVisible';

export interface ConnectionPollState {
  readonly owned: boolean;
  readonly inFlight: boolean;
  readonly inFlightFeed?: string;
  /** When the next request is planned; undefined while one is in flight or nothing is scheduled. */
  readonly nextPollAt?: number;
  /** Retry-After or a spent budget: nothing is sent before this. */
  readonly notBefore?: number;
  /** The highest consecutive-failure count among the connection's feeds. */
  readonly backoffLevel: number;
  /** Per failing feed (by key): when it is tried again, backoff and Retry-After both counted. */
  readonly retryAt: Readonly<Record<string, number>>;
  readonly pausedForAuth: boolean;
  readonly pausedForFocus: boolean;
  readonly lastAttemptAt?: number;
  readonly lastSuccessAt?: number;
  readonly rateLimit?: RateLimitInfo;
}

export interface FeedHandoff {
  readonly nextDueAt?: number;
  readonly lastAttemptAt?: number;
  readonly lastSuccessAt?: number;
  readonly failures?: number;
}

/** What the next poller of a connection needs to continue this one's schedule. JSON-safe. */
export interface PollHandoff {
  readonly feeds: Readonly<Record<string, FeedHandoff>>;
  readonly notBefore?: number;
  readonly rateLimit?: RateLimitInfo;
}

export interface SchedulerDeps {
  readonly clock: Clock;
  /** [0, 1) like Math.random; injected so tests pin jitter. */
  readonly random: () => number;
  onReading(feed: Feed, reading: Reading): void;
  /** Every failure except runs this scheduler aborted itself. */
  onError(feed: Feed, error: unknown): void;
  /** Called whenever the state of a connection changes (deduplicated). */
  onState?(connectionId: string, state: ConnectionPollState): void;
  /** Default true: a scheduler without a lease manager polls everything. */
  readonly initiallyOwnsAll?: boolean;
  readonly focused?: boolean;
  readonly pauseWhenUnfocused?: boolean;
}

interface FeedEntry {
  feed: Feed;
  fingerprint: string;
  nextDueAt: number;
  lastAttemptAt?: number;
  lastSuccessAt?: number;
  failures: number;
  /** A refresh asked for this feed: it runs next regardless of its schedule and of focus. */
  forced: boolean;
  waiters: (() => void)[];
}

interface Flight {
  readonly entry: FeedEntry;
  readonly controller: AbortController;
  waiters: (() => void)[];
  /** Aborted by this scheduler (config change, lost ownership): the outcome is discarded. */
  superseded: boolean;
}

interface ConnectionEntry {
  readonly id: string;
  readonly feeds: Map<string, FeedEntry>;
  flight?: Flight;
  timer?: TimerHandle;
  timerAt?: number;
  notBefore: number;
  rateLimit?: RateLimitInfo;
  pausedForAuth: boolean;
  lastEmitted?: string;
}

function fingerprintOf(feed: Feed): string {
  return `${feed.intervalMs}\u0000${feed.configKey ?? ''}`;
}

function finiteOr(value: unknown, fallback: number | undefined): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

export class PollScheduler {
  private readonly connections = new Map<string, ConnectionEntry>();
  private owned: Set<string> | 'all';
  private focused: boolean;
  private pauseWhenUnfocused: boolean;
  private disposed = false;

  constructor(private readonly deps: SchedulerDeps) {
    this.owned = deps.initiallyOwnsAll === false ? new Set() : 'all';
    this.focused = deps.focused ?? true;
    this.pauseWhenUnfocused = deps.pauseWhenUnfocused ?? true;
  }

  setFeeds(feeds: readonly Feed[]): void {
    if (this.disposed) return;
    const now = this.deps.clock.now();
    const byConnection = new Map<string, Feed[]>();
    for (const feed of feeds) {
      const list = byConnection.get(feed.connectionId) ?? [];
      list.push(feed);
      byConnection.set(feed.connectionId, list);
    }
    for (const [id, connection] of this.connections) {
      if (!byConnection.has(id)) {
        this.stopConnection(connection, true);
        this.connections.delete(id);
      }
    }
    for (const [id, connectionFeeds] of byConnection) {
      let connection = this.connections.get(id);
      if (!connection) {
        connection = { id, feeds: new Map(), notBefore: 0, pausedForAuth: false };
        this.connections.set(id, connection);
      }
      const keys = new Set(connectionFeeds.map((feed) => feed.key));
      for (const [key, entry] of connection.feeds) {
        if (keys.has(key)) continue;
        if (connection.flight?.entry === entry) this.supersede(connection);
        resolveAll(entry.waiters);
        connection.feeds.delete(key);
      }
      for (const feed of connectionFeeds) {
        const fingerprint = fingerprintOf(feed);
        const entry = connection.feeds.get(feed.key);
        if (!entry) {
          connection.feeds.set(feed.key, { feed, fingerprint, nextDueAt: now, failures: 0, forced: false, waiters: [] });
        } else if (entry.fingerprint !== fingerprint) {
          entry.feed = feed;
          entry.fingerprint = fingerprint;
          entry.nextDueAt = now;
          entry.failures = 0;
          connection.pausedForAuth = false;
          if (connection.flight?.entry === entry) this.supersede(connection);
        } else {
          // Same config, new closure: the next run uses it; no reason to poll early.
          entry.feed = feed;
        }
      }
      this.pump(connection);
    }
  }

  setFocused(focused: boolean): void {
    if (this.focused === focused) return;
    this.focused = focused;
    this.pumpAll();
  }

  setPauseWhenUnfocused(pause: boolean): void {
    if (this.pauseWhenUnfocused === pause) return;
    this.pauseWhenUnfocused = pause;
    this.pumpAll();
  }

  /**
   * Only these connections are polled from now on. A connection that stops being owned has its run
   * aborted (another window polls it now); one that starts being owned continues from `handoffs`.
   */
  setOwnedConnections(ids: Iterable<string>, handoffs?: ReadonlyMap<string, PollHandoff>): void {
    if (this.disposed) return;
    const previous = this.owned;
    this.owned = new Set(ids);
    const now = this.deps.clock.now();
    for (const connection of this.connections.values()) {
      const was = previous === 'all' || previous.has(connection.id);
      const is = this.owned.has(connection.id);
      if (was && !is) {
        this.stopConnection(connection);
      } else if (!was && is) {
        const handoff = handoffs?.get(connection.id);
        if (handoff) this.adopt(connection, handoff, now);
      }
      this.pump(connection);
    }
  }

  /** Resolves when every feed refreshed has finished its run (at once for connections not polled here). */
  refresh(connectionId?: string, reason: RefreshReason = 'manual'): Promise<void> {
    if (this.disposed) return Promise.resolve();
    const targets = connectionId === undefined ? [...this.connections.values()] : [this.connections.get(connectionId)].filter((c) => c !== undefined);
    const now = this.deps.clock.now();
    const pending: Promise<void>[] = [];
    for (const connection of targets) {
      if (!this.isOwned(connection)) continue;
      if (reason === 'manual') connection.pausedForAuth = false;
      if (connection.pausedForAuth) continue;
      const all = reason === 'manual' || reason === 'remote';
      for (const entry of connection.feeds.values()) {
        const flight = connection.flight;
        if (flight && flight.entry === entry && !flight.superseded) {
          // Coalesce: the answer on its way is as fresh as a new one would be.
          pending.push(new Promise((resolve) => flight.waiters.push(resolve)));
          continue;
        }
        if (!all && entry.nextDueAt > now) continue;
        entry.forced = true;
        pending.push(new Promise((resolve) => entry.waiters.push(resolve)));
      }
      this.pump(connection);
    }
    return Promise.all(pending).then(() => undefined);
  }

  /** The token or settings of a connection changed: forget failures and the auth pause, repoll at once. */
  invalidate(connectionId: string): void {
    const connection = this.connections.get(connectionId);
    if (this.disposed || !connection) return;
    const now = this.deps.clock.now();
    connection.pausedForAuth = false;
    // A new token has its own budget; Retry-After is kept because the server may count per client.
    connection.rateLimit = undefined;
    for (const entry of connection.feeds.values()) {
      entry.failures = 0;
      entry.nextDueAt = now;
    }
    if (connection.flight) this.supersede(connection);
    this.pump(connection);
  }

  getState(connectionId: string): ConnectionPollState | undefined {
    const connection = this.connections.get(connectionId);
    return connection ? this.stateOf(connection) : undefined;
  }

  handoffState(connectionId: string): PollHandoff | undefined {
    const connection = this.connections.get(connectionId);
    if (!connection) return undefined;
    const feeds: Record<string, FeedHandoff> = {};
    for (const [key, entry] of connection.feeds) {
      feeds[key] = {
        nextDueAt: entry.nextDueAt,
        lastAttemptAt: entry.lastAttemptAt,
        lastSuccessAt: entry.lastSuccessAt,
        failures: entry.failures,
      };
    }
    return {
      feeds,
      notBefore: connection.notBefore > 0 ? connection.notBefore : undefined,
      rateLimit: connection.rateLimit,
    };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const connection of this.connections.values()) this.stopConnection(connection, true);
    this.connections.clear();
  }

  private isOwned(connection: ConnectionEntry): boolean {
    return this.owned === 'all' || this.owned.has(connection.id);
  }

  private get pausedForFocus(): boolean {
    return this.pauseWhenUnfocused && !this.focused;
  }

  private pumpAll(): void {
    if (this.disposed) return;
    for (const connection of this.connections.values()) this.pump(connection);
  }

  /** Starts the next run of a connection if one may start now, else arms its single timer. */
  private pump(connection: ConnectionEntry): void {
    if (this.disposed) return;
    this.clearTimer(connection);
    if (connection.flight || !this.isOwned(connection) || connection.pausedForAuth) {
      this.emitState(connection);
      return;
    }
    let next: FeedEntry | undefined;
    let nextAt = Infinity;
    for (const entry of connection.feeds.values()) {
      const at = entry.forced ? -Infinity : this.pausedForFocus ? Infinity : entry.nextDueAt;
      if (at < nextAt) {
        next = entry;
        nextAt = at;
      }
    }
    if (!next || nextAt === Infinity) {
      this.emitState(connection);
      return;
    }
    const startAt = Math.max(nextAt, connection.notBefore);
    const now = this.deps.clock.now();
    if (startAt <= now) {
      this.start(connection, next, now);
      return;
    }
    connection.timerAt = startAt;
    connection.timer = this.deps.clock.setTimeout(() => {
      connection.timer = undefined;
      connection.timerAt = undefined;
      this.pump(connection);
    }, startAt - now);
    this.emitState(connection);
  }

  private start(connection: ConnectionEntry, entry: FeedEntry, now: number): void {
    const flight: Flight = { entry, controller: new AbortController(), waiters: entry.waiters, superseded: false };
    entry.waiters = [];
    entry.forced = false;
    entry.lastAttemptAt = now;
    connection.flight = flight;
    this.emitState(connection);
    let running: Promise<Reading>;
    try {
      running = entry.feed.run(flight.controller.signal);
    } catch (error) {
      running = Promise.reject(error);
    }
    running.then(
      (reading) => this.finish(connection, flight, { ok: true, reading }),
      (error: unknown) => this.finish(connection, flight, { ok: false, error }),
    );
  }

  private finish(connection: ConnectionEntry, flight: Flight, outcome: { ok: true; reading: Reading } | { ok: false; error: unknown }): void {
    if (this.disposed || connection.flight !== flight || this.connections.get(connection.id) !== connection) return;
    connection.flight = undefined;
    const { entry } = flight;
    if (flight.superseded) {
      // The feed runs again (it was reset to due now), so whoever waited gets that run's answer.
      if (connection.feeds.get(entry.feed.key) === entry) entry.waiters.unshift(...flight.waiters);
      else resolveAll(flight.waiters);
      this.pump(connection);
      return;
    }
    const now = this.deps.clock.now();
    const intervalMs = entry.feed.intervalMs;
    if (outcome.ok) {
      entry.failures = 0;
      entry.lastSuccessAt = now;
      if (outcome.reading.rateLimit) connection.rateLimit = outcome.reading.rateLimit;
      const delay = stretchForBudget(withJitter(intervalMs, this.deps.random), {
        rateLimit: connection.rateLimit,
        requestsPerMs: requestsPerMs(connection),
        now,
      });
      entry.nextDueAt = now + delay;
      connection.notBefore = Math.max(connection.notBefore, budgetNotBefore(connection.rateLimit, now) ?? 0);
      this.notify(() => this.deps.onReading(entry.feed, outcome.reading));
    } else {
      const error = outcome.error;
      if (isCancelled(error)) {
        // Cancelled by someone else (the HTTP layer): not a failure to back off from or to show.
        entry.nextDueAt = now + withJitter(intervalMs, this.deps.random);
      } else {
        entry.failures += 1;
        if (isProviderError(error)) {
          if (error.rateLimit) connection.rateLimit = error.rateLimit;
          const retryAt =
            retryAfterNotBefore(now, error.retryAfterMs) ?? (error.kind === 'rateLimited' ? budgetNotBefore(connection.rateLimit, now) : undefined);
          if (retryAt !== undefined) connection.notBefore = Math.max(connection.notBefore, retryAt);
          if (error.kind === 'auth') connection.pausedForAuth = true;
        }
        // Non-transient failures (400, bad body, bugs) back off too: repeating them at full pace only
        // spends the user's budget on the same answer.
        entry.nextDueAt = now + backoffDelayMs(intervalMs, entry.failures, this.deps.random);
        this.notify(() => this.deps.onError(entry.feed, error));
      }
    }
    resolveAll(flight.waiters);
    this.pump(connection);
  }

  private notify(callback: () => void): void {
    if (this.disposed) return;
    try {
      callback();
    } catch {
      // A listener's bug must not stop polling; listeners log their own failures.
    }
  }

  /** Aborts the run in flight; the connection stays busy until that run settles, so runs never overlap. */
  private supersede(connection: ConnectionEntry): void {
    const flight = connection.flight;
    if (!flight || flight.superseded) return;
    flight.superseded = true;
    flight.controller.abort();
  }

  /**
   * Stops polling a connection (lost ownership, removed, dispose). A run in flight is aborted but,
   * unless the connection is going away, keeps the slot until it settles so runs never overlap.
   */
  private stopConnection(connection: ConnectionEntry, removing = false): void {
    this.clearTimer(connection);
    const flight = connection.flight;
    if (flight) {
      flight.superseded = true;
      flight.controller.abort();
      resolveAll(flight.waiters);
      if (removing) connection.flight = undefined;
    }
    for (const entry of connection.feeds.values()) {
      entry.forced = false;
      resolveAll(entry.waiters);
    }
    if (!removing) this.emitState(connection);
  }

  private adopt(connection: ConnectionEntry, handoff: PollHandoff, now: number): void {
    for (const [key, entry] of connection.feeds) {
      const feed = handoff.feeds[key];
      if (!feed) continue;
      // Bounded so that a corrupt or clock-skewed handoff cannot silence a feed.
      const latest = now + Math.max(MAX_BACKOFF_MS, entry.feed.intervalMs);
      entry.nextDueAt = Math.min(finiteOr(feed.nextDueAt, now) ?? now, latest);
      entry.lastAttemptAt = finiteOr(feed.lastAttemptAt, entry.lastAttemptAt);
      entry.lastSuccessAt = finiteOr(feed.lastSuccessAt, entry.lastSuccessAt);
      entry.failures = Math.max(0, Math.min(Math.floor(finiteOr(feed.failures, 0) ?? 0), 30));
    }
    const notBefore = finiteOr(handoff.notBefore, undefined);
    if (notBefore !== undefined && notBefore > now) connection.notBefore = Math.max(connection.notBefore, Math.min(notBefore, now + MAX_RETRY_AFTER_MS));
    if (handoff.rateLimit && typeof handoff.rateLimit === 'object') connection.rateLimit = handoff.rateLimit;
  }

  private clearTimer(connection: ConnectionEntry): void {
    if (connection.timer !== undefined) {
      this.deps.clock.clearTimeout(connection.timer);
      connection.timer = undefined;
      connection.timerAt = undefined;
    }
  }

  private stateOf(connection: ConnectionEntry): ConnectionPollState {
    let backoffLevel = 0;
    let lastAttemptAt: number | undefined;
    let lastSuccessAt: number | undefined;
    const retryAt: Record<string, number> = {};
    for (const entry of connection.feeds.values()) {
      backoffLevel = Math.max(backoffLevel, entry.failures);
      if (entry.failures > 0) retryAt[entry.feed.key] = Math.max(entry.nextDueAt, connection.notBefore);
      if (entry.lastAttemptAt !== undefined) lastAttemptAt = Math.max(lastAttemptAt ?? 0, entry.lastAttemptAt);
      if (entry.lastSuccessAt !== undefined) lastSuccessAt = Math.max(lastSuccessAt ?? 0, entry.lastSuccessAt);
    }
    const now = this.deps.clock.now();
    return {
      owned: this.isOwned(connection),
      inFlight: connection.flight !== undefined,
      inFlightFeed: connection.flight?.entry.feed.key,
      nextPollAt: connection.timerAt,
      notBefore: connection.notBefore > now ? connection.notBefore : undefined,
      backoffLevel,
      retryAt,
      pausedForAuth: connection.pausedForAuth,
      pausedForFocus: this.pausedForFocus,
      lastAttemptAt,
      lastSuccessAt,
      rateLimit: connection.rateLimit,
    };
  }

  private emitState(connection: ConnectionEntry): void {
    const onState = this.deps.onState;
    if (!onState || this.disposed) return;
    const state = this.stateOf(connection);
    const serialized = JSON.stringify(state);
    if (serialized === connection.lastEmitted) return;
    connection.lastEmitted = serialized;
    this.notify(() => onState(connection.id, state));
  }
}

function requestsPerMs(connection: ConnectionEntry): number {
  let rate = 0;
  for (const entry of connection.feeds.values()) rate += 1 / Math.max(1, entry.feed.intervalMs);
  return rate;
}

function isCancelled(error: unknown): boolean {
  if (isProviderError(error)) return error.kind === 'cancelled';
  return error instanceof Error && error.name === 'AbortError';
}

function resolveAll(waiters: (() => void)[]): void {
  for (const resolve of waiters.splice(0)) resolve();
}
