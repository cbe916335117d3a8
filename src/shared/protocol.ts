/**
 * The chart data the sidebar and the usage panel receive (their messages are in overviewProtocol.ts
 * and panelProtocol.ts): a connection's history as parallel arrays, which the page groups into charts
 * (src/shared/chartGroups.ts). Types only: the host builds these, pages draw them.
 */
import type { MetricUnit, RatePer } from './samples';
import type { SeriesSemantics } from './seriesModel';

/**
 * The history of one series and label set over the window, as parallel arrays (times ascending):
 * compact to post, and the webview groups them into charts (src/shared/chartGroups.ts).
 */
export interface SeriesColumns {
  readonly series: string;
  readonly unit: MetricUnit;
  /** The identifying labels only: readings that differ in a context label are one column. */
  readonly labels?: Readonly<Record<string, string>>;
  /** How the series reads, from its provider's descriptor (absent: a gauge). */
  readonly semantics?: SeriesSemantics;
  /** False for a series the descriptor does not declare: it goes to "Other values", not to a chart. */
  readonly known?: boolean;
  /** Histogram and summary parts: the family and which part this is. */
  readonly family?: string;
  readonly component?: 'bucket' | 'sum' | 'count' | 'quantile';
  /** Counters: the rate is per second or per minute. */
  readonly rate?: RatePer;
  /** Epoch ms of each point (a bucket's start when the history is bucketed). */
  readonly t: readonly number[];
  /** The value; null is "no value". For buckets: the mean. */
  readonly v: readonly (number | null)[];
  /** Bucketed history only: each bucket's minimum, maximum, newest value and sample count. */
  readonly lo?: readonly (number | null)[];
  readonly hi?: readonly (number | null)[];
  readonly last?: readonly (number | null)[];
  readonly n?: readonly number[];
}

/** What a connection's charts are drawn from. */
export interface ConnectionHistory {
  readonly connectionId: string;
  /** The window (epoch ms). */
  readonly from: number;
  readonly to: number;
  /** Set when the points are history buckets of this length. */
  readonly bucketMs?: number;
  /** The connection's quota thresholds, for the lines drawn at its limits. */
  readonly warnPercent: number;
  readonly criticalPercent: number;
  readonly series: readonly SeriesColumns[];
}
