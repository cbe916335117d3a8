/**
 * Connections that read a team Prometheus (kind `prometheusQuery`) instead of a provider: the feed
 * that asks the query API for an exporter connection's latest readings (or for each PromQL panel),
 * the range reads that stand in for local history (charts, and the history quota rules need), and how
 * the exporter's word on the connection (up, last success, its quota settings) shapes the snapshot.
 * Everything else (descriptor, quota rules, figures, charts) is the direct connection's.
 */
import { ProviderError, isProviderError } from '../http/errors';
import type { HttpClient } from '../http/httpClient';
import type { HistoryQuery } from '../history/historyStore';
import type { ProviderDescriptor } from '../providers/descriptor';
import { PrometheusQueryClient, type PromPoint } from '../providers/prometheusQuery/client';
import { counterReadings, exportedSelector, panelSamples, readExported, sampleNamesOf, type UpstreamHealth } from '../providers/prometheusQuery/normalize';
import { descriptorFor, PROVIDER_NAMES } from '../providers/registry';
import type { Reading } from '../providers/types';
import type { ConnectionConfig } from '../shared/connections';
import type { Sample } from '../shared/samples';

export interface TeamReading extends Reading {
  /** What the exporter says about the connection it polls (exporter connections only). */
  readonly upstream?: UpstreamHealth;
}

const MINUTE = 60_000;
/** How far back the first poll reads, so counters have a reading before the latest at once. */
const SEED_MS = 40 * MINUTE;
const SEED_STEP_MS = MINUTE;
/** Points per line when the caller names no bucket: plenty for a chart a few hundred pixels wide. */
const POINTS_PER_RANGE = 720;
const MIN_STEP_MS = 15_000;

export function queryClient(config: ConnectionConfig, token: string | undefined, http: HttpClient): PrometheusQueryClient {
  return new PrometheusQueryClient(http, {
    baseUrl: config.baseUrl,
    ...(token ? { token } : {}),
    authMode: config.authMode === 'basic' ? 'basic' : 'bearer',
    ...(config.username ? { username: config.username } : {}),
  });
}

/** The longest a provider's feeds wait between readings: a counter unchanged for longer really did not move. */
function slowestFeedMs(descriptor: ProviderDescriptor): number {
  return Math.max(...descriptor.feeds.map((feed) => feed.intervalMs));
}

/** The newest point of each series: what the exporter says now, from a range of points. */
function newestPerSeries(points: readonly PromPoint[]): PromPoint[] {
  const newest = new Map<string, PromPoint>();
  for (const point of points) {
    const key = `${point.name}${JSON.stringify(point.labels)}`;
    const current = newest.get(key);
    if (!current || current.at <= point.at) newest.set(key, point);
  }
  return [...newest.values()];
}

/** Reads one exporter connection: a range at the first poll (so rates have two readings), then the latest. */
export function exportedFeed(config: ConnectionConfig, client: PrometheusQueryClient): (signal: AbortSignal) => Promise<TeamReading> {
  const descriptor = descriptorFor(config);
  const connection = config.exportedConnection ?? '';
  const memory = new Map<string, { at: number; value: number | null }>();
  let seeded = false;
  return async (signal) => {
    const now = Date.now();
    const result = seeded
      ? await client.query(exportedSelector(connection), { signal })
      : await client.queryRange(exportedSelector(connection), { start: now - SEED_MS, end: now, stepMs: SEED_STEP_MS }, { signal });
    seeded = true;
    const { samples } = readExported(descriptor, result.points);
    const { upstream } = readExported(descriptor, newestPerSeries(result.points));
    if (upstream.up === undefined && samples.length === 0) {
      throw new ProviderError(
        'notFound',
        `The Prometheus server has no series of the exporter connection "${connection}": check that it scrapes the exporter and that the exporter’s connections file has "${connection}"`,
      );
    }
    if (upstream.provider !== undefined && upstream.provider !== config.exportedKind) {
      throw new ProviderError(
        'request',
        `The exporter’s connection "${connection}" is a ${PROVIDER_NAMES[upstream.provider as ConnectionConfig['kind']] ?? upstream.provider} connection: set exportedKind to "${upstream.provider}"`,
      );
    }
    const notes = [`Read from the team Prometheus (the exporter’s connection “${connection}”).`];
    if (upstream.up === false) notes.push(upstreamDown(upstream, connection));
    return {
      fetchedAt: result.fetchedAt,
      samples: counterReadings(descriptor, samples, slowestFeedMs(descriptor), memory),
      upstream,
      notes: [...notes, ...result.warnings.map((warning) => `Prometheus warns: ${warning}`)],
    };
  };
}

/** Each PromQL panel's latest result. A query the server refuses is said in a note; the other panels still show. */
export function panelsFeed(config: ConnectionConfig, client: PrometheusQueryClient): (signal: AbortSignal) => Promise<TeamReading> {
  return async (signal) => {
    const samples: Sample[] = [];
    const notes: string[] = [];
    let refused: ProviderError | undefined;
    let answered = 0;
    for (const panel of config.queries ?? []) {
      try {
        const result = await client.query(panel.query, { signal });
        answered++;
        samples.push(...panelSamples(panel, result.points));
        if (result.points.length === 0) notes.push(`${panel.title}: the query returned no series.`);
        for (const warning of result.warnings) notes.push(`${panel.title}: Prometheus warns: ${warning}`);
      } catch (error) {
        // Auth, network and server failures are the connection's; a refused query is the panel's.
        if (!isProviderError(error) || (error.kind !== 'request' && error.kind !== 'badResponse')) throw error;
        refused ??= error;
        notes.push(`${panel.title}: ${error.message}`);
      }
    }
    if (refused && answered === 0) throw refused;
    return { fetchedAt: Date.now(), samples, notes };
  };
}

/** A range of a connection's series for a chart (or the history a quota rule needs), from Prometheus. */
export async function readRange(config: ConnectionConfig, client: PrometheusQueryClient, query: HistoryQuery, signal?: AbortSignal): Promise<Sample[]> {
  // The chart's bucket when it names one (its caption says so), else about POINTS_PER_RANGE points.
  const stepMs = Math.max(MIN_STEP_MS, query.bucketMs ?? Math.ceil((query.to - query.from) / POINTS_PER_RANGE));
  const range = { start: query.from, end: query.to, stepMs };
  const options = signal ? { signal } : {};
  if (config.exportedConnection === undefined) {
    const samples: Sample[] = [];
    for (const panel of config.queries ?? []) {
      if (query.series && !query.series.includes(panel.title)) continue;
      samples.push(...panelSamples(panel, (await client.queryRange(panel.query, range, options)).points));
    }
    return samples.sort((a, b) => a.at - b.at);
  }
  const descriptor = descriptorFor(config);
  const names = sampleNamesOf(descriptor, query.series);
  if (names.length === 0) return [];
  const result = await client.queryRange(exportedSelector(config.exportedConnection, names), range, options);
  const { samples } = readExported(descriptor, result.points);
  return counterReadings(descriptor, samples, slowestFeedMs(descriptor));
}

function upstreamDown(upstream: UpstreamHealth, connection: string): string {
  const kinds = Object.entries(upstream.errors)
    .filter(([, count]) => count > 0)
    .map(([kind, count]) => `${kind} ×${count}`);
  return `The exporter reports “${connection}” down${kinds.length > 0 ? ` (failed polls since it started: ${kinds.join(', ')})` : ''}; its log says why.`;
}

/** The exporter's problem with the connection, shown as the connection's error. */
export function upstreamError(config: ConnectionConfig, upstream: UpstreamHealth | undefined): { kind: 'server'; message: string } | undefined {
  if (!upstream || upstream.up !== false) return undefined;
  return { kind: 'server', message: upstreamDown(upstream, config.exportedConnection ?? config.id) };
}

/**
 * The configuration the quota rules read: the exporter's quota settings and usage scope (the team sets
 * them once, in its connections file), with anything this connection sets itself on top.
 */
export function effectiveConfig(config: ConnectionConfig, upstream: UpstreamHealth | undefined): ConnectionConfig {
  if (config.kind !== 'prometheusQuery' || !upstream) return config;
  const scope = config.usageScope ?? upstream.usageScope;
  return { ...config, quota: { ...upstream.quota, ...config.quota }, ...(scope ? { usageScope: scope } : {}) };
}
