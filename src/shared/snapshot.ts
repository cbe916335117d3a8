/**
 * What the host knows about a connection right now: the one view model the status bar, the sidebar
 * and the panel render. Whole snapshots are sent to webviews, never deltas. Shared by host and webviews.
 */
import type { ProviderErrorKind, RateLimitInfo } from '../http/errors';
import type { ProviderKind } from '../providers/types';
import type { DisplayPart } from './displayColumns';
import type { RunawaySessions } from './runawaySessions';
import type { MetricUnit, Sample, SampleFlag } from './samples';
import type { SeriesSemantics } from './seriesModel';

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
  /** Where the value comes from, in a few words: "sessions list", "reported by Browserbase". */
  readonly source?: string;
  /** The reading the value is: its series and labels, so a chart points at the same line. */
  readonly from?: { readonly series: string; readonly labels?: Readonly<Record<string, string>> };
  /**
   * How the same figure reads over time (cycle usage): the stored series less `offset`, from `since`
   * on. A chart drawing this ends on exactly `value`.
   */
  readonly basis?: { readonly series: string; readonly offset: number; readonly since: number };
  /** Words for the values of a state or yes/no rule: `{ "0": "No", "1": "Yes" }`. */
  readonly words?: Readonly<Record<string, string>>;
}

/**
 * One number a person glances at (a card line, the status bar), taken from a quota rule or from the
 * latest values, with the chart line whose latest point is the same number.
 */
export interface Figure {
  readonly id: string;
  /** On cards and in tables: "Browser minutes". */
  readonly label: string;
  /** In the status bar: "min", "sessions". */
  readonly short: string;
  readonly value: number | null;
  readonly limit: number | null;
  readonly unit: MetricUnit;
  readonly ratio: number | null;
  readonly level: QuotaLevel;
  readonly words?: Readonly<Record<string, string>>;
  /** Where the value comes from ("sessions list"), when that is worth saying. */
  readonly source?: string;
  /** The quota rule it is, when it is one. */
  readonly quota?: string;
  /** The chart (its id within the connection) and the dataset of it that draws this number. */
  readonly chart?: { readonly key: string; readonly dataset: string };
}

/** A latest value as the semantics of its series read it: a rate for a counter, p95 of a histogram. */
export interface ValueRow {
  /** The display column's key: `series{labels}`, `family{labels}#p95`. */
  readonly key: string;
  readonly series: string;
  /** Identifying labels. */
  readonly labels?: Readonly<Record<string, string>>;
  /** Labels that describe the newest reading only (Browserless `reason`). */
  readonly context?: Readonly<Record<string, string>>;
  /** The descriptor's name for the series. */
  readonly label: string;
  readonly part: DisplayPart;
  readonly semantics: SeriesSemantics;
  /** False for a series the descriptor does not know: listed under "Other values". */
  readonly known: boolean;
  readonly unit: MetricUnit;
  readonly value: number | null;
  readonly at: number;
  /** Counters: the stored total the rate comes from. */
  readonly total?: number | null;
  readonly totalUnit?: MetricUnit;
  readonly words?: Readonly<Record<string, string>>;
  readonly flags?: readonly SampleFlag[];
  readonly rawValue?: number;
}

/** An info series: its labels are the data (a version, a commit). */
export interface InfoRow {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
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
  /** The newest value of each series (and identifying label set), as stored. */
  readonly latest: readonly Sample[];
  /** The same values as their semantics read them (rates, quantiles, Yes/No), unknown series last. */
  readonly values: readonly ValueRow[];
  readonly info: readonly InfoRow[];
  /** What the card and the status bar show, in the descriptor's order. */
  readonly figures: readonly Figure[];
  readonly quotas: readonly QuotaStatus[];
  /** The worst quota level. */
  readonly level: QuotaLevel;
  readonly rateLimit?: RateLimitInfo;
  readonly notes: readonly string[];
  readonly tokenSource: 'secretStorage' | 'environment' | 'none' | 'notNeeded';
  /** Browserbase: sessions running longer than the connection's runaway threshold, once the running sessions were read. */
  readonly runaways?: RunawaySessions;
  /** Warnings in words for the card, beyond the figures (Browserless: the queue filling, sessions ended by the server's timeout). */
  readonly alerts?: readonly string[];
  /** True when this window polls the connection; false when another window does and this one mirrors it. */
  readonly polledHere: boolean;
  /** Read from a team Prometheus rather than the provider: its actions (sessions, launches) are not available here. */
  readonly via?: 'prometheus';
}
