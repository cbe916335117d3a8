/**
 * The shape of a provider descriptor: everything a surface needs to know about a provider, in one
 * typed object per provider (src/providers/<id>/descriptor.ts). The registry (src/providers/registry.ts)
 * derives every table from the set of descriptors: names, default URLs, token variables, poll
 * intervals, feeds, quota rules, charts, card figures and the status bar figure.
 *
 * Descriptors are pure data: they import only types and pure helpers from src/shared/, so both the
 * extension host and the webview bundles may use them (test/unit/providers/descriptors.test.ts checks
 * their imports). Series ids are literal types: a chart, figure or rule naming a series the descriptor
 * does not declare does not compile.
 */
import type { QuotaSettings } from '../shared/connections';
import type { MetricUnit, RatePer } from '../shared/samples';
import type { SeriesSemantics } from '../shared/seriesModel';
import type { ProviderKind } from './types';

/** One descriptor per server generation where they differ (Browserless v2 and v1). */
export type DescriptorId = 'browserless' | 'browserlessV1' | 'browserbase' | 'northflank' | 'cerebras' | 'prometheus' | 'prometheusQuery';

/** Stable rule ids: notifications, snoozes and "don't show again" are keyed by them, so never rename one. */
export type QuotaRuleId =
  | 'browserMinutes'
  | 'proxyData'
  | 'sessions'
  | 'concurrency'
  | 'queue'
  | 'availability'
  | 'rejections'
  | 'failureRate'
  | 'p95Latency'
  | 'endpointStatus'
  | 'cpu'
  | 'memory'
  /** A PromQL panel's threshold (Prometheus query connections): `query:<title>`. */
  | `query:${string}`;

export interface SeriesSpec {
  /** What it is, in words, e.g. "running sessions". */
  readonly label: string;
  /** Undefined: each sample carries the unit its source named (Northflank's `metricUnit`). */
  readonly unit?: MetricUnit;
  readonly semantics: SeriesSemantics;
  /** One sentence for docs and tooltips: what the provider means by it. */
  readonly description: string;
  /** Labels that describe a value without identifying its series (Browserless `reason`). */
  readonly context?: readonly string[];
  /** Counters, histograms and summaries: the rate is shown per second or per minute. */
  readonly rate?: RatePer;
  /** State series: the word for each value. */
  readonly states?: Readonly<Record<string, string>>;
  /** windowCount series: the window each value covers. */
  readonly windowMs?: number;
}

/** What a series resolved against a descriptor is: its spec, and for histogram/summary parts which part. */
export interface ResolvedSeries {
  readonly spec: SeriesSpec;
  /** False for a series the descriptor does not declare (a field the provider added since). */
  readonly known: boolean;
  /** Histogram and summary parts: the family's name (the series without `_bucket`, `_sum`, `_count`). */
  readonly family?: string;
  readonly component?: 'bucket' | 'sum' | 'count' | 'quantile';
}

export interface FeedSpec {
  /** Stable name: part of the poller's feed key and of log lines. */
  readonly name: string;
  /** What it reads, for the docs and Test Connection. */
  readonly reads: string;
  readonly intervalMs: number;
}

// ---------------------------------------------------------------------------------------------
// Quota rules: which rule kind (src/quota/rules.ts) reads which series and settings.

type QuotaBase = { readonly id: QuotaRuleId; readonly label: string };
type LimitSetting = keyof Pick<
  QuotaSettings,
  'monthlyBrowserMinutes' | 'monthlyProxyGigabytes' | 'failureRatePercent' | 'p95LatencySeconds' | 'cpuLimitVcpu' | 'memoryLimitMegabytes'
>;

export type QuotaRuleSpec<S extends string> =
  /** A count against a limit another series reports (running of maxConcurrent). */
  | (QuotaBase & {
      readonly kind: 'ofLimit';
      readonly value: S;
      readonly limit: S;
      /** Said when the value reaches the limit. */
      readonly atLimit?: string;
      /** Leave the rule out until its value series has been seen at all. */
      readonly onlyOnceReported?: boolean;
    })
  /** A queue: like ofLimit, and at least a warning while anything waits. */
  | (QuotaBase & { readonly kind: 'queue'; readonly value: S; readonly limit: S })
  /** A 0/1 series that is critical at 0, explained by a context label. */
  | (QuotaBase & { readonly kind: 'availability'; readonly value: S; readonly reasonLabel: string; readonly reasons: Readonly<Record<string, string>> })
  /** A recent count that warns when above zero. */
  | (QuotaBase & { readonly kind: 'recentCount'; readonly value: S; readonly window: string })
  /** Usage this billing cycle, from a cumulative reported figure and from the sessions list (Browserbase). */
  | (QuotaBase & {
      readonly kind: 'cycleUsage';
      readonly reported: S;
      readonly fromSessions: S;
      readonly unit: MetricUnit;
      readonly limitSetting: LimitSetting;
      /** Setting units per value unit: gigabytes are 1e9 bytes. */
      readonly settingScale: number;
      /** "browser minutes", "proxy data". */
      readonly noun: string;
    })
  /** Share of failed requests in the newest minute, summed over label sets. */
  | (QuotaBase & {
      readonly kind: 'failureRate';
      readonly requests: S;
      readonly failures: S;
      readonly limitSetting: LimitSetting;
      readonly defaultLimit: number;
    })
  /** The highest value of one statistic across endpoints (p95 latency). */
  | (QuotaBase & {
      readonly kind: 'slowest';
      readonly value: S;
      readonly statistic: string;
      readonly limitSetting: LimitSetting;
      readonly defaultLimit: number;
      readonly what: string;
    })
  /** An up/down state per endpoint: critical when any is not up. */
  | (QuotaBase & { readonly kind: 'endpointStatus'; readonly value: S })
  /** The busiest container's share of its limit; the limit depends on the unit the provider reports. */
  | (QuotaBase & {
      readonly kind: 'perContainer';
      readonly value: S;
      /** A fixed limit, or the setting that holds it, per unit. */
      readonly limits: Partial<Record<string, number | LimitSetting>>;
      readonly missingLimit: string;
    });

// ---------------------------------------------------------------------------------------------
// Charts and figures

export interface ChartSpec<S extends string> {
  readonly key: string;
  readonly title: string;
  readonly description: string;
  /** Series drawn together, in dataset order (derived values of each: rates, quantiles). */
  readonly series: readonly S[];
  /** Dataset names of the series (when the chart has several). */
  readonly names?: Partial<Record<S, string>>;
  /** One chart per value of this label (one latency chart per endpoint). */
  readonly splitBy?: string;
  /** The quota rule whose limit gives the threshold lines. */
  readonly quota?: QuotaRuleId;
  readonly quotaLabel?: string;
  /** False for the less used charts, shown under "More charts". */
  readonly primary?: boolean;
  /** Adds a dataset with this name: the sum of the label sets at each time. */
  readonly total?: string;
  /** Draws 100 × Σnumerator / Σdenominator per time instead of the series themselves. */
  readonly ratio?: { readonly numerator: S; readonly denominator: S; readonly name: string };
  /** Draws what the quota rule counts (its basis: the series, less an offset, from a start). */
  readonly fromQuota?: QuotaRuleId;
}

/** Where a figure's number comes from. */
export type FigureSource<S extends string> = { readonly quota: QuotaRuleId } | { readonly sum: S };

export interface FigureSpec<S extends string> {
  readonly id: string;
  /** On cards and in tables: "Browser minutes". */
  readonly label: string;
  /** In the status bar: "min", "sessions", "CPU". */
  readonly short: string;
  readonly source: FigureSource<S>;
  /** The chart (by key; a split chart by its base key) that draws the same number as its latest point. */
  readonly chart: string;
}

export interface ProviderDescriptor<S extends string = string> {
  readonly id: DescriptorId;
  readonly kind: ProviderKind;
  readonly name: string;
  /** Two or four letters for the status bar. */
  readonly abbreviation: string;
  /** One line for the provider picker. */
  readonly summary: string;
  readonly defaultBaseUrl: string;
  /** Environment variables the provider's own tools read; used when no token is stored. */
  readonly tokenVariables: readonly string[];
  /** Works without a token (self-hosted Browserless without TOKEN, an open exporter). */
  readonly tokenOptional: boolean;
  /** The first feed is the live one, whose pace `pollIntervalSeconds` sets. */
  readonly feeds: readonly FeedSpec[];
  /** The fastest a user may set the live feed: the provider's rate limits are shared with other tools. */
  readonly minIntervalMs: number;
  readonly series: { readonly [id in S]: SeriesSpec };
  /** For series outside `series` (a generic exporter names its own): how to read them. */
  readonly resolve?: (series: string, labels: Readonly<Record<string, string>> | undefined) => ResolvedSeries | undefined;
  // NoInfer: the series ids are those of `series` alone, so a misspelt id below is an error, not a new id.
  readonly quotas: readonly QuotaRuleSpec<NoInfer<S>>[];
  readonly charts: readonly ChartSpec<NoInfer<S>>[];
  /** Card figures in order; empty for a generic exporter, whose figures are its first families. */
  readonly figures: readonly FigureSpec<NoInfer<S>>[];
  /** The status bar shows this figure unless another one is at a worse level. */
  readonly statusBar: { readonly figure: string; readonly appendWhenPositive?: { readonly figure: string; readonly words: string } };
  /** The card's sparkline: a figure's chart line over a short window. */
  readonly sparkline: { readonly figure: string; readonly windowMs: number; readonly bucketMs?: number; readonly label: string };
}

/** Keeps the literal series ids of a descriptor, so its charts, figures and rules are checked against them. */
export function defineProvider<const S extends string>(descriptor: ProviderDescriptor<S>): ProviderDescriptor<S> {
  return descriptor;
}

/** The ids of a descriptor's series, as a typed lookup table (`ids.running`): normalizers name series through it. */
export type SeriesIds<D> = D extends ProviderDescriptor<infer S> ? S : never;
