/** The model the Prometheus/OpenMetrics text parser produces. Pure data; shared by host and tests. */

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped' | 'unknown' | 'gaugehistogram' | 'stateset' | 'info';

export interface PromSample {
  /** Full sample name as written, e.g. `http_request_duration_seconds_bucket`. */
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Parsed value; NaN, +Infinity and -Infinity are kept as such. */
  readonly value: number;
  /** Epoch milliseconds when the line carried a timestamp (OpenMetrics seconds are converted). */
  readonly timestampMs?: number;
  /** 1-based line number in the input, for error messages and tests. */
  readonly line: number;
}

export interface MetricFamily {
  /** Family name: the sample name without `_bucket`/`_sum`/`_count`/`_total`/`_created` etc. where TYPE says so. */
  readonly name: string;
  readonly type: MetricType;
  readonly help?: string;
  readonly unit?: string;
  readonly samples: readonly PromSample[];
}

export interface ParseIssue {
  /** 1-based line number. */
  readonly line: number;
  readonly message: string;
  /** The offending line, truncated to 200 characters. */
  readonly text: string;
}

export interface ParseResult {
  readonly families: readonly MetricFamily[];
  /** Bad lines are skipped and reported here; parsing continues with the next line. */
  readonly issues: readonly ParseIssue[];
  /** True when the input ended with `# EOF` (OpenMetrics). */
  readonly sawEof: boolean;
}

export interface ParseOptions {
  /** 'prometheus' (0.0.4, lenient), 'openmetrics' (strict 1.0 rules reported as issues), or 'auto' (default: openmetrics when `# EOF` or `# UNIT` appears). */
  readonly format?: 'prometheus' | 'openmetrics' | 'auto';
}
