/**
 * What gets polled for each connection: a connection becomes one or more feeds (Browserless: live
 * pressure, the 5-minute metrics windows, the running total), each with its own interval. The
 * scheduler runs a connection's feeds one at a time; this module only says what they are.
 */
import type { HttpClient } from '../http/httpClient';
import { feedIntervalMs } from '../polling/timingPolicy';
import { BrowserbaseClient } from '../providers/browserbase/client';
import { BrowserlessClient } from '../providers/browserless/browserlessClient';
import { CerebrasClient } from '../providers/cerebras/cerebrasClient';
import { NorthflankClient } from '../providers/northflank/client';
import { PrometheusClient } from '../providers/prometheus/prometheusClient';
import { DEFAULT_MAX_SERIES } from '../providers/seriesCap';
import type { Reading } from '../providers/types';
import { cycleSamples } from '../providers/browserbase/normalize';
import { NORTHFLANK_METRIC_TYPES } from '../providers/northflank/descriptor';
import { TOKEN_OPTIONAL } from '../providers/registry';
import { billingCycle } from '../quota/evaluateQuotas';
import { exportedFeed, panelsFeed, queryClient } from './teamPrometheus';
import type { ConnectionConfig } from '../shared/connections';
import { runningSessionsOf } from '../shared/runawaySessions';

export interface ConnectionFeed {
  /** `<connectionId>/<feed>`: unique across all connections. */
  readonly key: string;
  readonly connectionId: string;
  readonly name: string;
  readonly intervalMs: number;
  run(signal: AbortSignal): Promise<Reading>;
}

/** Bounds read at each poll, so a changed setting applies without rebuilding the feeds. */
export interface FeedLimits {
  /** Series one reading may keep (setting `liveUsage.limits.maxSeriesPerConnection`). */
  readonly maxSeries: () => number;
}

const DEFAULT_LIMITS: FeedLimits = { maxSeries: () => DEFAULT_MAX_SERIES };

/** What a connection already holds (its latest values, restored from history at start). */
export interface StoredReadings {
  /** The time of the newest value held of any series whose id starts with `seriesPrefix`. */
  newestAt(connectionId: string, seriesPrefix: string): number | undefined;
}

const SECOND = 1000;

/**
 * The feed's interval from polling/timingPolicy.ts: the provider's default, the connection's
 * `pollIntervalSeconds` for its live feed (slower feeds never faster than their default), and never
 * under the provider's floor (Cerebras allows 6 requests a minute per organization, Northflank 1,000
 * an hour per token, shared with the user's other tools).
 */
function feed(config: ConnectionConfig, name: string, run: (signal: AbortSignal) => Promise<Reading>): ConnectionFeed {
  return { key: `${config.id}/${name}`, connectionId: config.id, name, intervalMs: feedIntervalMs(config.kind, name, config.pollIntervalSeconds), run };
}

/**
 * Builds the feeds of a connection. Throws a ProviderError('request') when the configuration cannot
 * work (e.g. Browserless v1 with a Bearer token), which the caller shows as the connection's error.
 */
export function feedsFor(
  config: ConnectionConfig,
  token: string | undefined,
  http: HttpClient,
  limits: FeedLimits = DEFAULT_LIMITS,
  stored?: StoredReadings,
): ConnectionFeed[] {
  const target = { baseUrl: config.baseUrl, ...(token ? { token } : {}) };
  switch (config.kind) {
    case 'browserless': {
      const client = new BrowserlessClient(http, {
        ...target,
        version: config.browserlessVersion ?? 'v2',
        authMode: config.authMode ?? 'query',
      });
      // Only periods newer than those already held are read (the server sends all it keeps, up to
      // 10,000), so history gets each period once; after a restart, from what history held.
      let newestPeriod: number | undefined;
      return [
        feed(config, 'pressure', (signal) => client.pressure({ signal })),
        feed(config, 'metrics', async (signal) => {
          newestPeriod ??= stored?.newestAt(config.id, 'browserless.metrics.');
          const reading = await client.metrics({ signal, ...(newestPeriod === undefined ? {} : { since: newestPeriod }) });
          if (reading.offered && reading.latestDate !== undefined) newestPeriod = Math.max(newestPeriod ?? reading.latestDate, reading.latestDate);
          return reading;
        }),
        feed(config, 'total', (signal) => client.metricsTotal({ signal })),
      ];
    }
    case 'browserbase': {
      const client = new BrowserbaseClient(http, { ...target, projectId: config.projectId ?? '' });
      return [
        feed(config, 'usage', (signal) => client.usage({ signal })),
        // The project's own running sessions (the list answers for every project the key sees); runaway
        // detection keeps only the fields it shows, the list's URLs and keys stay here.
        feed(config, 'sessions', async (signal) => {
          const { sessions, ...reading } = await client.runningSessions({ signal });
          return { ...reading, running: runningSessionsOf(sessions, config.projectId ?? '') };
        }),
        feed(config, 'project', (signal) => client.getProject({ signal })),
        // This cycle's minutes and proxy bytes, per session as billed: the figure the reported usage is checked against.
        feed(config, 'billing', async (signal) => {
          const result = await client.listSessions({}, { signal });
          const cycle = billingCycle(result.fetchedAt, config.quota?.billingCycleDay);
          return { ...result, samples: cycleSamples(result.sessions, config.projectId ?? '', cycle, result.fetchedAt) };
        }),
      ];
    }
    case 'northflank': {
      const client = new NorthflankClient(http, {
        ...target,
        projectId: config.projectId ?? '',
        resourceKind: config.resourceKind ?? 'service',
        ...(config.resourceId ? { resourceId: config.resourceId } : {}),
      });
      // A range slightly longer than the interval, so a late poll leaves no gap; history dedupes the overlap.
      const interval = feedIntervalMs('northflank', 'metrics', config.pollIntervalSeconds);
      const durationSeconds = Math.ceil((interval * 2) / SECOND);
      return [
        feed(config, 'metrics', (signal) =>
          client.metrics({ queryType: 'range', metricTypes: NORTHFLANK_METRIC_TYPES, duration: durationSeconds }, { signal, maxSeries: limits.maxSeries() }),
        ),
      ];
    }
    case 'cerebras': {
      const client = new CerebrasClient(http, { ...target, organizationId: config.organizationId ?? '' });
      return [feed(config, 'metrics', (signal) => client.metrics({ signal, maxSeries: limits.maxSeries() }))];
    }
    case 'prometheus': {
      const client = new PrometheusClient(http, target);
      return [feed(config, 'scrape', (signal) => client.scrape({ signal, maxSeries: limits.maxSeries() }))];
    }
    case 'prometheusQuery': {
      // No provider is asked: the team Prometheus holds what the exporter read.
      const client = queryClient(config, token, http);
      return [feed(config, 'query', config.exportedConnection === undefined ? panelsFeed(config, client) : exportedFeed(config, client))];
    }
  }
}

/** Whether a provider works without a token (self-hosted Browserless without TOKEN, an open exporter). */
export function tokenOptional(config: ConnectionConfig): boolean {
  return TOKEN_OPTIONAL[config.kind];
}
