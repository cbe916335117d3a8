/**
 * The exporter's polling: the same feeds (src/connections/feeds.ts), clients, HTTP layer and poll
 * scheduler as the extension, so each provider is asked at its own pace and within its rate limits
 * (timing policy, backoff, Retry-After, Northflank's budget). What it keeps per connection is the
 * newest reading of each declared series, bounded, and the health the /metrics families report. A
 * scrape only reads this state: it never causes a provider request.
 */
import { isProviderError, ProviderError, type ProviderErrorKind } from '../http/errors';
import type { HttpClient } from '../http/httpClient';
import type { LogSink } from '../log';
import { feedsFor, tokenOptional, type ConnectionFeed } from '../connections/feeds';
import { LatestValues } from '../connections/latestValues';
import type { Clock, TimerHandle } from '../polling/clock';
import { PollScheduler, type Feed } from '../polling/pollScheduler';
import { MAX_BACKOFF_MS } from '../polling/timingPolicy';
import type { ProviderDescriptor } from '../providers/descriptor';
import { exportedFamily } from '../providers/exportedSeries';
import { descriptorFor, identify } from '../providers/registry';
import type { Reading } from '../providers/types';
import type { ConnectionConfig } from '../shared/connections';
import type { Sample } from '../shared/samples';
import type { TokenResolution } from './tokens';

/** Series kept per connection: a hostile or runaway provider cannot grow the exporter's memory past this. */
export const MAX_SERIES_PER_CONNECTION = 2000;

export interface FeedHealth {
  lastSuccessAt?: number;
  /** The last attempt failed. */
  failing: boolean;
  readonly errors: Map<ProviderErrorKind, number>;
}

export interface ExportedConnection {
  readonly config: ConnectionConfig;
  readonly descriptor: ProviderDescriptor;
  /** Why it is not polled at all (no token), said once in the log. */
  readonly down?: string;
  readonly values: LatestValues;
  readonly feeds: readonly ConnectionFeed[];
  readonly health: ReadonlyMap<string, FeedHealth>;
  /** Readings left out because the connection already holds MAX_SERIES_PER_CONNECTION series. */
  dropped: number;
  /** Series keys held, for the bound. */
  readonly keys: Set<string>;
}

export interface ExporterPollerOptions {
  readonly connections: readonly ConnectionConfig[];
  readonly tokens: ReadonlyMap<string, TokenResolution>;
  readonly http: HttpClient;
  readonly log: LogSink;
  readonly clock: Clock;
  readonly random?: () => number;
  /** Called after every reading and failure (tests and the bench wait on it). */
  readonly onUpdate?: (connectionId: string) => void;
}

/** Whether a series is one the exporter publishes: declared by the descriptor, and of an exportable type. */
function exportable(descriptor: ProviderDescriptor, sample: Sample): boolean {
  const resolved = identify(descriptor, sample).resolved;
  return resolved.known && exportedFamily(sample.series, resolved.spec) !== undefined;
}

export class ExporterPoller {
  readonly connections: readonly ExportedConnection[];
  private readonly byId = new Map<string, ExportedConnection & { health: Map<string, FeedHealth> }>();
  private readonly scheduler: PollScheduler;
  /** Connections paused after a rejected token, each with the timer that tries once more. */
  private readonly authRetries = new Map<string, TimerHandle>();

  constructor(private readonly options: ExporterPollerOptions) {
    const feeds: Feed[] = [];
    for (const config of options.connections) {
      const descriptor = descriptorFor(config);
      const resolution = options.tokens.get(config.id) ?? {};
      const token = resolution.token;
      let down: string | undefined;
      let connectionFeeds: ConnectionFeed[] = [];
      if (config.enabled === false) {
        down = 'disabled in the connections file (enabled: false)';
      } else if (!token && !tokenOptional(config)) {
        down = resolution.problem ?? 'no token';
      } else {
        try {
          connectionFeeds = feedsFor(config, token, options.http);
        } catch (error) {
          down = error instanceof Error ? error.message : String(error);
        }
      }
      const health = new Map<string, FeedHealth>(connectionFeeds.map((feed) => [feed.name, { failing: false, errors: new Map() }]));
      const connection = {
        config,
        descriptor,
        ...(down ? { down } : {}),
        values: new LatestValues(descriptor),
        feeds: connectionFeeds,
        health,
        dropped: 0,
        keys: new Set<string>(),
      };
      this.byId.set(config.id, connection);
      if (down) options.log.warn(`${config.id}: down, not polled: ${down}`);
      for (const feed of connectionFeeds) feeds.push({ ...feed, configKey: config.id });
    }
    this.connections = [...this.byId.values()];
    this.scheduler = new PollScheduler({
      clock: options.clock,
      random: options.random ?? Math.random,
      // Nobody focuses an exporter: it always polls.
      focused: true,
      pauseWhenUnfocused: false,
      onReading: (feed, reading) => this.onReading(feed, reading),
      onError: (feed, error) => this.onError(feed, error),
    });
    this.scheduler.setFeeds(feeds);
  }

  private connectionOf(feed: Feed): { connection: ExportedConnection & { health: Map<string, FeedHealth> }; name: string } | undefined {
    const connection = this.byId.get(feed.connectionId);
    if (!connection) return undefined;
    return { connection, name: feed.key.slice(feed.connectionId.length + 1) };
  }

  private onReading(feed: Feed, reading: Reading): void {
    const found = this.connectionOf(feed);
    if (!found) return;
    const { connection, name } = found;
    const health = connection.health.get(name);
    if (health) {
      if (health.failing) this.options.log.info(`${connection.config.id}: ${name} answered again`);
      health.failing = false;
      health.lastSuccessAt = reading.fetchedAt;
    }
    const kept: Sample[] = [];
    let dropped = 0;
    for (const sample of reading.samples) {
      if (!exportable(connection.descriptor, sample)) continue;
      const key = identify(connection.descriptor, sample).key;
      if (!connection.keys.has(key)) {
        if (connection.keys.size >= MAX_SERIES_PER_CONNECTION) {
          dropped++;
          continue;
        }
        connection.keys.add(key);
      }
      kept.push(sample);
    }
    connection.values.merge(kept);
    if (dropped > 0) {
      connection.dropped += dropped;
      this.options.log.warn(`${connection.config.id}: ${name} sent more than ${MAX_SERIES_PER_CONNECTION} series; ${dropped} reading(s) left out`);
    }
    this.options.onUpdate?.(connection.config.id);
  }

  private onError(feed: Feed, error: unknown): void {
    const found = this.connectionOf(feed);
    if (!found) return;
    const { connection, name } = found;
    const providerError = isProviderError(error) ? error : new ProviderError('network', error instanceof Error ? error.message : String(error));
    if (providerError.kind === 'cancelled') return;
    const health = connection.health.get(name);
    if (health) {
      health.failing = true;
      health.errors.set(providerError.kind, (health.errors.get(providerError.kind) ?? 0) + 1);
    }
    if (providerError.kind === 'auth') this.retryAuthLater(connection.config.id);
    const next =
      providerError.kind === 'auth'
        ? `trying again in ${MAX_BACKOFF_MS / 60_000} minutes (a new token needs a restart)`
        : providerError.retryAfterMs !== undefined
          ? `retrying no sooner than ${Math.ceil(providerError.retryAfterMs / 1000)} s from now, as the server asked`
          : 'retrying with backoff';
    this.options.log.warn(`${connection.config.id}: ${name} failed (${providerError.kind}): ${providerError.message}; ${next}`);
    this.options.onUpdate?.(connection.config.id);
  }

  /** Whether the connection's live feed (its first) answered at its last attempt. */
  isUp(connection: ExportedConnection): boolean {
    if (connection.down) return false;
    const live = connection.feeds[0];
    const health = live ? connection.health.get(live.name) : undefined;
    return health !== undefined && health.lastSuccessAt !== undefined && !health.failing;
  }

  /**
   * The scheduler stops a connection whose token was rejected (the extension waits for the person to
   * fix it). Nobody fixes an exporter's token by hand in the meantime, and a proxy may answer 401 for a
   * while, so it tries once more at the longest backoff.
   */
  private retryAuthLater(connectionId: string): void {
    if (this.authRetries.has(connectionId)) return;
    const timer = this.options.clock.setTimeout(() => {
      this.authRetries.delete(connectionId);
      void this.scheduler.refresh(connectionId, 'manual');
    }, MAX_BACKOFF_MS);
    this.authRetries.set(connectionId, timer);
  }

  dispose(): void {
    for (const timer of this.authRetries.values()) this.options.clock.clearTimeout(timer);
    this.authRetries.clear();
    this.scheduler.dispose();
  }
}
