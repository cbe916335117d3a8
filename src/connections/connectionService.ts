/**
 * The heart of the extension host: turns the configured connections and their tokens into feeds,
 * lets the window-aware poller run them, keeps each connection's latest readings and the history its
 * quota rules need, and hands them to the pure snapshot builder (snapshotBuilder.ts) for one
 * ConnectionSnapshot per connection, persisted to history and shared with the other windows.
 * Everything the UI shows comes from `snapshots()` and `onDidChange`. Settings warnings, Test
 * Connection and the pickers live beside it (settingsProblems.ts, providerProbe.ts).
 */
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { isProviderError, ProviderError } from '../http/errors';
import type { HttpClient } from '../http/httpClient';
import { proxySecrets } from '../http/proxy';
import { describeHistoryStatus, type GuardedHistory } from '../history/historyGuard';
import type { HistoryQuery } from '../history/historyStore';
import type { RedactingLog } from '../log';
import type { ConnectionPollState, Feed } from '../polling/pollScheduler';
import type { SharedSnapshot } from '../polling/sharedSnapshots';
import { WindowPolling } from '../polling/windowPolling';
import type { ProviderDescriptor } from '../providers/descriptor';
import { descriptorFor } from '../providers/registry';
import type { Reading } from '../providers/types';
import { billingCycle } from '../quota/evaluateQuotas';
import { BOUNDARY_EVIDENCE_MS } from '../quota/cycleUsage';
import type { ConnectionController } from '../commands/connectionCommands';
import type { TokenStore, TokenSource } from '../secrets/tokenStore';
import type { ConnectionConfig } from '../shared/connections';
import type { RunningSession } from '../shared/runawaySessions';
import type { Sample } from '../shared/samples';
import { isConnectionSnapshot } from './snapshotGuard';
import type { ConnectionSnapshot } from '../shared/snapshot';
import type { ConnectionSettings } from './connectionSettings';
import { feedsFor, tokenOptional, type ConnectionFeed, type FeedLimits, type StoredReadings } from './feeds';
import { LatestValues } from './latestValues';
import { ProviderProbe, type Choice, type ChoiceKind } from './providerProbe';
import { SettingsProblems } from './settingsProblems';
import { buildSnapshot, connectionHealth } from './snapshotBuilder';
import { effectiveConfig, queryClient, readRange, upstreamError, type TeamReading } from './teamPrometheus';
import type { UpstreamHealth } from '../providers/prometheusQuery/normalize';

interface Runtime {
  config: ConnectionConfig;
  descriptor: ProviderDescriptor;
  token?: string;
  tokenSource: TokenSource | 'notNeeded';
  tokenVersion: number;
  feeds: ConnectionFeed[];
  /** A configuration that cannot work (e.g. v1 with Bearer): shown as the connection's error. */
  configError?: string;
  values: LatestValues;
  notes: Map<string, readonly string[]>;
  errors: Map<string, ProviderError>;
  lastSuccessAt?: number;
  lastAttemptAt?: number;
  pollState?: ConnectionPollState;
  /** History the quota rules need (Browserbase: this and the last cycle's usage). */
  quotaHistory: Sample[];
  /** What another window published, when this window does not poll the connection. */
  mirrored?: ConnectionSnapshot;
  /** Browserbase: the running sessions at the newest read of the list, for runaway detection. */
  running?: { readonly sessions: readonly RunningSession[]; readonly readAt: number };
  /** A team Prometheus connection: what the exporter says about the connection it polls. */
  upstream?: UpstreamHealth;
  /** When the quota rules' history was last read from a team Prometheus. */
  quotaHistoryAt?: number;
}

/** A team Prometheus keeps the history: read it for the quota rules this often, not at every poll. */
const TEAM_QUOTA_HISTORY_EVERY_MS = 10 * 60 * 1000;

function readsTeamPrometheus(config: ConnectionConfig): boolean {
  return config.kind === 'prometheusQuery';
}

export interface QuotaNotificationSink {
  notify(connection: ConnectionConfig, snapshot: ConnectionSnapshot): void;
}

/** How much history before the newest reading is read back on start, for the reading before each latest one. */
const RESTORE_PREVIOUS_MS = 15 * 60 * 1000;

/** A stable fingerprint of what a feed fetches, so the poller repolls when it changes. */
function configKey(config: ConnectionConfig, tokenVersion: number): string {
  return `${JSON.stringify(config)}#${tokenVersion}`;
}

/** The series the quota rules read from history: what cycle-usage rules count. */
function quotaHistorySeries(descriptor: ProviderDescriptor): string[] {
  return descriptor.quotas.flatMap((rule) => (rule.kind === 'cycleUsage' ? [rule.reported, rule.fromSessions] : []));
}

export class ConnectionService implements vscode.Disposable, ConnectionController {
  private readonly runtimes = new Map<string, Runtime>();
  private readonly changeEmitter = new vscode.EventEmitter<readonly ConnectionSnapshot[]>();
  readonly onDidChange = this.changeEmitter.event;
  private readonly polling: WindowPolling<ConnectionSnapshot>;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly problems: SettingsProblems;
  private readonly probe: ProviderProbe;
  private changeScheduled = false;
  private reloadChain: Promise<void> = Promise.resolve();
  private disposed = false;
  private closed: Promise<void> = Promise.resolve();
  private readonly feedLimits: FeedLimits = { maxSeries: () => this.settings.general().maxSeriesPerConnection };
  /** What a feed may skip asking for: the newest values held, restored from history at start. */
  private readonly stored: StoredReadings = {
    newestAt: (connectionId, seriesPrefix) => {
      let newest: number | undefined;
      for (const sample of this.runtimes.get(connectionId)?.values.latest() ?? []) {
        if (sample.series.startsWith(seriesPrefix)) newest = Math.max(newest ?? sample.at, sample.at);
      }
      return newest;
    },
  };

  constructor(
    private readonly settings: ConnectionSettings,
    private readonly tokens: TokenStore,
    private readonly http: HttpClient,
    private readonly history: GuardedHistory,
    private readonly log: RedactingLog,
    private readonly notifications: QuotaNotificationSink,
    sharedFolder: string,
  ) {
    this.problems = new SettingsProblems(log);
    this.probe = new ProviderProbe(http, tokens, this.feedLimits);
    const general = settings.general();
    http.setMaxJsonDepth(general.maxJsonDepth);
    for (const secret of proxySecrets({ ...settings.proxy(), env: process.env })) log.addSecret(secret);
    this.polling = new WindowPolling<ConnectionSnapshot>({
      folder: sharedFolder,
      windowId: randomUUID(),
      focused: vscode.window.state.focused,
      pauseWhenUnfocused: general.pauseWhenUnfocused,
      onReading: (feed, reading) => this.onReading(feed, reading),
      onError: (feed, error) => this.onError(feed, error),
      onState: (connectionId, state) => this.onState(connectionId, state),
      onSharedSnapshot: (connectionId, snapshot) => this.onShared(connectionId, snapshot),
      onOwnershipChange: () => this.scheduleChange(),
      onInternalError: (error) => this.log.warn(`Coordination between windows: ${error instanceof Error ? error.message : String(error)}`),
    });
    this.disposables.push(
      settings.onDidChange(() => {
        this.http.setProxyConfiguration({ ...settings.proxy(), env: process.env });
        for (const secret of proxySecrets({ ...settings.proxy(), env: process.env })) this.log.addSecret(secret);
        this.http.setMaxJsonDepth(settings.general().maxJsonDepth);
        this.polling.setPauseWhenUnfocused(settings.general().pauseWhenUnfocused);
        this.history.setRetention({ fullResolutionDays: settings.general().fullResolutionDays, downsampledDays: settings.general().downsampledDays });
        // reload() logs its own failures and never rejects.
        void this.reload();
      }),
      vscode.window.onDidChangeWindowState((state) => this.polling.setFocused(state.focused)),
      history.onDidChangeStatus(() => this.scheduleChange()),
    );
  }

  /** Re-reads settings and tokens and hands the feeds to the poller. Serialized: the last call wins. */
  reload(): Promise<void> {
    this.reloadChain = this.reloadChain
      .then(() => this.doReload())
      .catch((error: unknown) => {
        this.log.error(`Could not load the connections: ${error instanceof Error ? error.message : String(error)}`);
      });
    return this.reloadChain;
  }

  private async doReload(): Promise<void> {
    if (this.disposed) return;
    const { connections, problems } = this.settings.read();
    this.problems.report(problems);
    const seen = new Set<string>();
    for (const config of connections) {
      seen.add(config.id);
      const previous = this.runtimes.get(config.id);
      let token: string | undefined;
      let tokenSource: Runtime['tokenSource'] = 'none';
      try {
        const resolved = await this.tokens.resolve(config.id, config.kind);
        token = resolved.token;
        tokenSource = resolved.source;
        this.log.addSecret(token);
      } catch (error) {
        this.log.error(error instanceof Error ? error.message : String(error));
      }
      if (!token && tokenOptional(config)) tokenSource = 'notNeeded';
      const changed = !previous || JSON.stringify(previous.config) !== JSON.stringify(config) || previous.token !== token;
      const descriptor = descriptorFor(config);
      const runtime: Runtime = previous ?? {
        config,
        descriptor,
        tokenSource,
        tokenVersion: 0,
        feeds: [],
        values: new LatestValues(descriptor),
        notes: new Map(),
        errors: new Map(),
        quotaHistory: [],
      };
      if (previous && JSON.stringify(previous.config) !== JSON.stringify(config)) {
        // A new URL, project or server generation means the old values describe something else.
        if (
          previous.config.baseUrl !== config.baseUrl ||
          previous.config.projectId !== config.projectId ||
          previous.config.kind !== config.kind ||
          previous.config.exportedConnection !== config.exportedConnection ||
          previous.descriptor !== descriptor
        ) {
          runtime.values.reset(descriptor);
          runtime.notes.clear();
          runtime.running = undefined;
          runtime.lastSuccessAt = undefined;
          runtime.upstream = undefined;
          runtime.quotaHistory = [];
          runtime.quotaHistoryAt = undefined;
        }
      }
      runtime.descriptor = descriptor;
      runtime.config = config;
      runtime.token = token;
      runtime.tokenSource = tokenSource;
      if (changed) {
        runtime.tokenVersion++;
        runtime.errors.clear();
        runtime.configError = undefined;
        try {
          runtime.feeds = config.enabled === false ? [] : feedsFor(config, token, this.http, this.feedLimits, this.stored);
        } catch (error) {
          runtime.feeds = [];
          runtime.configError = error instanceof Error ? error.message : String(error);
          this.log.warn(`${config.label}: ${runtime.configError}`);
        }
        if (!token && !tokenOptional(config)) runtime.feeds = [];
      }
      this.runtimes.set(config.id, runtime);
      // A team Prometheus has the history: nothing of it is kept on this machine.
      if (!previous && !readsTeamPrometheus(config)) await this.restoreFromHistory(runtime);
    }
    for (const id of [...this.runtimes.keys()]) if (!seen.has(id)) this.runtimes.delete(id);
    void vscode.commands.executeCommand('setContext', 'liveUsage.connectionCount', this.runtimes.size);
    const feeds: Feed[] = [];
    for (const runtime of this.runtimes.values()) {
      const key = configKey(runtime.config, runtime.tokenVersion);
      for (const connectionFeed of runtime.feeds) feeds.push({ ...connectionFeed, configKey: key });
    }
    await this.polling.setFeeds(feeds);
    this.scheduleChange();
  }

  /** After a reload of VS Code, show the last known values at once instead of a spinner. */
  private async restoreFromHistory(runtime: Runtime): Promise<void> {
    try {
      const latest = await this.history.latest(runtime.config.id, { withinMs: 24 * 60 * 60 * 1000 });
      runtime.values.merge(latest);
      const newest = runtime.values.newestAt();
      if (newest > 0) {
        runtime.lastSuccessAt = newest;
        // The reading before each latest one: a counter's rate and a histogram's quantiles need it.
        runtime.values.merge(await this.history.query(runtime.config.id, { from: newest - RESTORE_PREVIOUS_MS, to: newest }));
      }
      await this.loadQuotaHistory(runtime);
    } catch (error) {
      this.log.warn(`${runtime.config.label}: could not read its history: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private async loadQuotaHistory(runtime: Runtime): Promise<void> {
    const series = quotaHistorySeries(runtime.descriptor);
    if (series.length === 0) return;
    const now = Date.now();
    const cycle = billingCycle(now, effectiveConfig(runtime.config, runtime.upstream).quota?.billingCycleDay);
    runtime.quotaHistory = await this.readHistory(runtime, {
      from: Math.min(cycle.start - BOUNDARY_EVIDENCE_MS, now - 2 * 24 * 60 * 60 * 1000),
      to: now,
      series,
    });
  }

  /** History of a connection: this machine's files, or the team Prometheus' range queries. */
  private readHistory(runtime: Runtime, query: HistoryQuery): Promise<Sample[]> {
    if (!readsTeamPrometheus(runtime.config)) return this.history.query(runtime.config.id, query);
    return readRange(runtime.config, queryClient(runtime.config, runtime.token, this.http), query);
  }

  /**
   * Where the charts of a connection read history: undefined for a connection whose history is on this
   * machine, a range reader for one that reads a team Prometheus.
   */
  rangeSource(connectionId: string): ((query: HistoryQuery) => Promise<Sample[]>) | undefined {
    const runtime = this.runtimes.get(connectionId);
    if (!runtime || !readsTeamPrometheus(runtime.config)) return undefined;
    return (query) => this.readHistory(runtime, query);
  }

  /** A reading from a team Prometheus: nothing to store, the exporter's word on the connection to keep. */
  private onTeamReading(runtime: Runtime, reading: TeamReading): void {
    runtime.upstream = reading.upstream;
    // "Updated" means when the provider was last read (by the exporter), not when Prometheus was asked.
    if (reading.upstream?.lastSuccessAt !== undefined) runtime.lastSuccessAt = reading.upstream.lastSuccessAt;
    const now = Date.now();
    if (quotaHistorySeries(runtime.descriptor).length > 0 && now - (runtime.quotaHistoryAt ?? 0) >= TEAM_QUOTA_HISTORY_EVERY_MS) {
      runtime.quotaHistoryAt = now;
      void this.loadQuotaHistory(runtime)
        .then(() => this.scheduleChange())
        .catch((error: unknown) =>
          this.log.warn(`${runtime.config.label}: could not read its history from Prometheus: ${error instanceof Error ? error.message : String(error)}`),
        );
    }
  }

  private onReading(feed: Feed, reading: Reading): void {
    const runtime = this.runtimes.get(feed.connectionId);
    if (!runtime) return;
    runtime.errors.delete(feed.key);
    runtime.lastSuccessAt = reading.fetchedAt;
    runtime.lastAttemptAt = reading.fetchedAt;
    runtime.values.merge(reading.samples);
    runtime.values.limit(this.feedLimits.maxSeries());
    runtime.notes.set(feed.key, reading.notes ?? []);
    if (reading.running) runtime.running = { sessions: reading.running, readAt: reading.fetchedAt };
    if (readsTeamPrometheus(runtime.config)) {
      this.onTeamReading(runtime, reading);
    } else if (reading.samples.length > 0) {
      const needsHistory = reading.samples.some((sample) => quotaHistorySeries(runtime.descriptor).includes(sample.series));
      void this.history
        .append(feed.connectionId, reading.samples)
        .then(() => (needsHistory ? this.loadQuotaHistory(runtime) : undefined))
        .then(() => this.scheduleChange())
        .catch((error: unknown) =>
          this.log.warn(`${runtime.config.label}: could not store history: ${error instanceof Error ? error.message : String(error)}`),
        );
    }
    this.log.debug(`${runtime.config.label}: ${feedName(feed)} read ${reading.samples.length} value(s)`);
    this.scheduleChange();
  }

  private onError(feed: Feed, error: unknown): void {
    const runtime = this.runtimes.get(feed.connectionId);
    if (!runtime) return;
    const providerError = isProviderError(error) ? error : new ProviderError('network', error instanceof Error ? error.message : String(error));
    if (providerError.kind === 'cancelled') return;
    runtime.errors.set(feed.key, providerError);
    runtime.lastAttemptAt = Date.now();
    const next =
      providerError.kind === 'auth'
        ? 'polling paused until the token or settings change (Live Usage: Set Token…)'
        : providerError.retryAfterMs !== undefined
          ? `retrying no sooner than ${Math.ceil(providerError.retryAfterMs / 1000)} s from now, as the server asked`
          : providerError.isTransient
            ? 'retrying with backoff'
            : 'will retry at the next interval';
    this.log.warn(`${runtime.config.label}: ${feedName(feed)} failed (${providerError.kind}): ${providerError.message}; ${next}`);
    this.scheduleChange();
  }

  private onState(connectionId: string, state: ConnectionPollState): void {
    const runtime = this.runtimes.get(connectionId);
    if (!runtime) return;
    runtime.pollState = state;
    this.scheduleChange();
  }

  private onShared(connectionId: string, shared: SharedSnapshot<ConnectionSnapshot>): void {
    const runtime = this.runtimes.get(connectionId);
    // Another window may run another version of the extension (during an update) and publish another
    // shape: only a snapshot this version can draw is mirrored.
    if (!runtime || !isConnectionSnapshot(shared.data)) return;
    runtime.mirrored = shared.data;
    this.scheduleChange();
  }

  /** Coalesces bursts of readings and state changes into one snapshot update. */
  private scheduleChange(): void {
    if (this.changeScheduled || this.disposed) return;
    this.changeScheduled = true;
    setTimeout(() => {
      this.changeScheduled = false;
      if (this.disposed) return;
      const snapshots = this.snapshots();
      for (const snapshot of snapshots) {
        const runtime = this.runtimes.get(snapshot.id);
        if (!runtime || !snapshot.polledHere) continue;
        this.polling.publish(snapshot.id, snapshot);
        this.notifications.notify(runtime.config, snapshot);
      }
      this.changeEmitter.fire(snapshots);
    }, 50);
  }

  snapshot(id: string, now = Date.now()): ConnectionSnapshot | undefined {
    const runtime = this.runtimes.get(id);
    if (!runtime) return undefined;
    const polledHere = this.polling.isPolledHere(id) || runtime.feeds.length === 0;
    if (!polledHere && runtime.mirrored) {
      return { ...runtime.mirrored, label: runtime.config.label, polledHere: false };
    }
    const errors = [...runtime.errors.values()];
    const upstream = upstreamError(runtime.config, runtime.upstream);
    const firstError = runtime.configError
      ? { kind: 'request' as const, message: runtime.configError }
      : errors[0]
        ? { kind: errors[0].kind, message: errors[0].message }
        : upstream;
    // When the failing feed is really tried again: its backoff, or the server's Retry-After if later.
    const failingFeed = runtime.configError ? undefined : [...runtime.errors.keys()][0];
    const retryAt = (failingFeed === undefined ? undefined : runtime.pollState?.retryAt[failingFeed]) ?? runtime.pollState?.notBefore;
    const notes = [...new Set([...runtime.notes.values()].flat())];
    if (runtime.tokenSource === 'environment') notes.push('Token from the environment');
    const historyNote = describeHistoryStatus(this.history.status());
    if (historyNote) notes.push(historyNote);
    const primary = runtime.feeds[0];
    const feedErrors = new Map([...runtime.errors].map(([key, error]): [string, ProviderError['kind']] => [key, error.kind]));
    // The exporter failing to read the provider is this connection failing, whatever Prometheus answered.
    if (upstream && primary && !feedErrors.has(primary.key)) feedErrors.set(primary.key, upstream.kind);
    const health = connectionHealth({
      enabled: runtime.config.enabled !== false,
      tokenMissing: runtime.tokenSource === 'none' && !tokenOptional(runtime.config),
      errors: feedErrors,
      ...(runtime.configError ? { configError: runtime.configError } : {}),
      ...(primary ? { primaryFeed: { key: primary.key, intervalMs: this.staleAfterInterval(runtime, primary.intervalMs) } } : {}),
      ...(runtime.lastSuccessAt === undefined ? {} : { lastSuccessAt: runtime.lastSuccessAt }),
      now,
    });
    return buildSnapshot({
      config: effectiveConfig(runtime.config, runtime.upstream),
      latest: runtime.values.latest(),
      previous: runtime.values.previous(),
      history: runtime.quotaHistory,
      health,
      ...(firstError ? { error: { ...firstError, ...(retryAt ? { retryAt } : {}) } } : {}),
      ...(runtime.lastSuccessAt === undefined ? {} : { lastSuccessAt: runtime.lastSuccessAt }),
      ...(runtime.lastAttemptAt === undefined ? {} : { lastAttemptAt: runtime.lastAttemptAt }),
      ...(runtime.pollState?.nextPollAt ? { nextPollAt: runtime.pollState.nextPollAt } : {}),
      ...(runtime.pollState?.rateLimit ? { rateLimit: runtime.pollState.rateLimit } : {}),
      notes,
      tokenSource: runtime.tokenSource,
      now,
      ...(runtime.running ? { running: runtime.running } : {}),
    });
  }

  /**
   * The interval staleness is measured in. Through a team Prometheus the data is as fresh as the
   * exporter's reading, which follows the provider's own pace, not this connection's queries.
   */
  private staleAfterInterval(runtime: Runtime, intervalMs: number): number {
    if (!readsTeamPrometheus(runtime.config)) return intervalMs;
    return Math.max(intervalMs, runtime.descriptor.feeds[0]?.intervalMs ?? intervalMs);
  }

  snapshots(now = Date.now()): ConnectionSnapshot[] {
    return [...this.runtimes.keys()].map((id) => this.snapshot(id, now)).filter((snapshot): snapshot is ConnectionSnapshot => snapshot !== undefined);
  }

  connections(): readonly ConnectionConfig[] {
    return [...this.runtimes.values()].map((runtime) => runtime.config);
  }

  refresh(connectionId?: string): void {
    for (const runtime of this.runtimes.values()) if (!connectionId || runtime.config.id === connectionId) runtime.errors.clear();
    void this.polling.refresh(connectionId, 'manual');
    this.scheduleChange();
  }

  /** A view became visible: poll what is due now rather than at the next tick. */
  viewVisible(): void {
    void this.polling.refresh(undefined, 'viewVisible');
  }

  tokenChanged(connectionId: string): void {
    if (!this.runtimes.has(connectionId)) return;
    void this.reload().then(() => {
      // Storing the same token again (say after fixing it on the server) changes no feed, so the
      // reload alone would leave the connection paused for auth: lift the pause and poll now.
      const runtime = this.runtimes.get(connectionId);
      if (!runtime || this.disposed || ![...runtime.errors.values()].some((error) => error.kind === 'auth')) return;
      runtime.errors.clear();
      this.polling.invalidate(connectionId);
      this.scheduleChange();
    });
  }

  async removeHistory(connectionId: string): Promise<void> {
    await this.history.removeConnection(connectionId);
  }

  test(config: ConnectionConfig, token: string | undefined): Promise<string> {
    return this.probe.test(config, token);
  }

  listChoices(kind: ChoiceKind, config: ConnectionConfig, token: string | undefined): Promise<Choice[] | undefined> {
    return this.probe.listChoices(kind, config, token);
  }

  /** Stops polling and resolves once this window's leases are released for another window to take. */
  async close(): Promise<void> {
    if (this.disposed) return this.closed;
    this.disposed = true;
    for (const disposable of this.disposables) disposable.dispose();
    this.changeEmitter.dispose();
    this.closed = this.polling.dispose();
    return this.closed;
  }

  dispose(): void {
    void this.close();
  }
}

function feedName(feed: Feed): string {
  return feed.key.slice(feed.key.indexOf('/') + 1);
}
