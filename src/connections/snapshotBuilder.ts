/**
 * The one pure function from what is known about a connection (its configuration, its latest
 * readings, the history its quota rules need, how fetching is going) to the ConnectionSnapshot every
 * surface renders. No `vscode`, no clock: tested with plain values (test/unit/connections/).
 */
import type { ProviderErrorKind, RateLimitInfo } from '../http/errors';
import { descriptorFor } from '../providers/registry';
import { evaluateQuotas, worstLevel, type EvaluateQuotaOptions } from '../quota/evaluateQuotas';
import { browserlessAlerts } from '../providers/browserless/alerts';
import type { ConnectionConfig } from '../shared/connections';
import { findRunaways, runawayThresholdMinutes, type RunningSession } from '../shared/runawaySessions';
import type { Sample } from '../shared/samples';
import type { ConnectionHealth, ConnectionSnapshot } from '../shared/snapshot';
import { buildFigures, infoRows, valueRows } from './latestRows';

export interface HealthInput {
  readonly enabled: boolean;
  /** No token, and the provider needs one. */
  readonly tokenMissing: boolean;
  /** Feeds whose last attempt failed, by feed key, with the kind of failure. */
  readonly errors: ReadonlyMap<string, ProviderErrorKind>;
  /** A configuration that cannot work (Browserless v1 with a Bearer token). */
  readonly configError?: string;
  /** The live feed: its failure is the connection's, its interval decides staleness. */
  readonly primaryFeed?: { readonly key: string; readonly intervalMs: number };
  readonly lastSuccessAt?: number;
  readonly now: number;
}

/** Data older than this many intervals of the live feed is stale. */
const STALE_AFTER_INTERVALS = 3;

export function connectionHealth(input: HealthInput): ConnectionHealth {
  if (!input.enabled) return 'disabled';
  if (input.tokenMissing) return 'authNeeded';
  const kinds = [...input.errors.values()];
  if (kinds.includes('auth')) return 'authNeeded';
  if (input.configError) return 'error';
  // The first feed carries the live values; a failing secondary feed (e.g. the heavy /metrics/total)
  // is reported in the snapshot's error without declaring the whole connection down.
  const primary = input.primaryFeed;
  if (primary && input.errors.has(primary.key)) return 'error';
  if (input.lastSuccessAt === undefined) return kinds.length > 0 ? 'error' : 'loading';
  if (input.now - input.lastSuccessAt > STALE_AFTER_INTERVALS * (primary?.intervalMs ?? 60_000)) return 'stale';
  return 'ok';
}

export interface SnapshotInput {
  readonly config: ConnectionConfig;
  /** The newest reading per series and identifying label set. */
  readonly latest: readonly Sample[];
  /** The reading before each of those, where known (rates, quantiles). */
  readonly previous: readonly Sample[];
  /** History the quota rules read (Browserbase: this and the last cycle's usage). */
  readonly history: readonly Sample[];
  readonly health: ConnectionHealth;
  readonly error?: { readonly kind: ProviderErrorKind; readonly message: string; readonly retryAt?: number };
  readonly lastSuccessAt?: number;
  readonly lastAttemptAt?: number;
  readonly nextPollAt?: number;
  readonly rateLimit?: RateLimitInfo;
  readonly notes: readonly string[];
  readonly tokenSource: ConnectionSnapshot['tokenSource'];
  readonly now: number;
  readonly options?: EvaluateQuotaOptions;
  /** Browserbase: the sessions running at the newest read of the list, and when that was. */
  readonly running?: { readonly sessions: readonly RunningSession[]; readonly readAt: number };
}

export function buildSnapshot(input: SnapshotInput): ConnectionSnapshot {
  const { config } = input;
  const descriptor = descriptorFor(config);
  const quotas = evaluateQuotas(config, input.latest, input.history, input.now, input.options, descriptor);
  const values = valueRows(descriptor, input.latest, input.previous);
  const runaways =
    config.kind === 'browserbase' && input.running
      ? findRunaways(input.running.sessions, runawayThresholdMinutes(config.runawaySessionMinutes), input.now, input.running.readAt)
      : undefined;
  const alerts = config.kind === 'browserless' ? browserlessAlerts(input.latest, input.now, input.options ?? {}) : [];
  return {
    id: config.id,
    label: config.label,
    // A connection reading an exporter connection from a team Prometheus shows as that provider.
    kind: descriptor.kind,
    ...(config.kind === 'prometheusQuery' ? { via: 'prometheus' as const } : {}),
    health: input.health,
    ...(input.error ? { error: input.error } : {}),
    ...(input.lastSuccessAt === undefined ? {} : { lastSuccessAt: input.lastSuccessAt }),
    ...(input.lastAttemptAt === undefined ? {} : { lastAttemptAt: input.lastAttemptAt }),
    ...(input.nextPollAt === undefined ? {} : { nextPollAt: input.nextPollAt }),
    latest: input.latest,
    values,
    info: infoRows(descriptor, input.latest),
    figures: buildFigures(descriptor, quotas, values),
    quotas,
    level: worstLevel(quotas),
    ...(input.rateLimit ? { rateLimit: input.rateLimit } : {}),
    notes: input.notes,
    tokenSource: input.tokenSource,
    polledHere: true,
    ...(runaways ? { runaways } : {}),
    ...(alerts.length > 0 ? { alerts } : {}),
  };
}
