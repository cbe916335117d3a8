/**
 * What the host knows about a connection right now: the one view model the status bar, the sidebar
 * and the panel render. Whole snapshots are sent to webviews, never deltas. Shared by host and webviews.
 */
import type { ProviderErrorKind, RateLimitInfo } from '../http/errors';
import type { ProviderKind } from '../providers/types';
import type { MetricUnit, Sample } from './samples';

/** How fetching is going, independent of what the values say. */
export type ConnectionHealth =
  | 'loading' // nothing fetched yet
  | 'ok'
  | 'stale' // the last success is older than 3 intervals (or paused while unfocused)
  | 'authNeeded' // no token, or the token was rejected
  | 'error' // the last attempts failed (see `error`)
  | 'disabled';

export type QuotaLevel = 'ok' | 'warning' | 'critical';

export interface QuotaStatus {
  /** Stable id of the rule within its connection, e.g. `concurrency`, `browserMinutes`. */
  readonly id: string;
  readonly label: string;
  readonly value: number | null;
  readonly limit: number | null;
  readonly unit: MetricUnit;
  /** value / limit, or null when either is unknown. */
  readonly ratio: number | null;
  readonly level: QuotaLevel;
  /** Plain-words detail, e.g. "at this rate the budget runs out on 28 Nov". */
  readonly detail?: string;
  /** Epoch ms at which the budget runs out at the current burn rate, when projected. */
  readonly exhaustedAt?: number;
}

export interface ConnectionSnapshot {
  readonly id: string;
  readonly label: string;
  readonly kind: ProviderKind;
  readonly health: ConnectionHealth;
  readonly error?: { readonly kind: ProviderErrorKind; readonly message: string; readonly retryAt?: number };
  readonly lastSuccessAt?: number;
  readonly lastAttemptAt?: number;
  readonly nextPollAt?: number;
  /** The newest value of each series (and label set). */
  readonly latest: readonly Sample[];
  readonly quotas: readonly QuotaStatus[];
  /** The worst quota level. */
  readonly level: QuotaLevel;
  readonly rateLimit?: RateLimitInfo;
  readonly notes: readonly string[];
  readonly tokenSource: 'secretStorage' | 'environment' | 'none' | 'notNeeded';
  /** True when this window polls the connection; false when another window does and this one mirrors it. */
  readonly polledHere: boolean;
}
