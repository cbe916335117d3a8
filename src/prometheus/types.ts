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

export type ExpositionFormat = 'prometheus' | 'openmetrics';

export interface ParseResult {
  readonly families: readonly MetricFamily[];
  /** Bad lines are skipped and reported here; parsing continues with the next line. */
  readonly issues: readonly ParseIssue[];
  /**
   * Rules the exposition breaks whose values were kept anyway (as Prometheus keeps them): an
   * OpenMetrics histogram without a +Inf bucket, a negative counter, families split apart, a missing
   * comma between labels, and the like. Always set by the parser; optional so results built by hand
   * (tests, older callers) stay valid.
   */
  readonly flags?: readonly ParseIssue[];
  /** True when the input ended with `# EOF` (OpenMetrics). */
  readonly sawEof: boolean;
  /** The rules the body was read with. Always set by the parser. */
  readonly format?: ExpositionFormat;
}

export interface ParseOptions {
  /**
   * 'prometheus' (0.0.4, lenient), 'openmetrics' (1.0 rules reported), or 'auto' (default): the
   * `contentType` decides; without one that names a format, the body is read as 0.0.4 unless it ends
   * with `# EOF` and reads at least as well as OpenMetrics.
   */
  readonly format?: 'prometheus' | 'openmetrics' | 'auto';
  /** The response's Content-Type header, for 'auto'. */
  readonly contentType?: string | undefined;
}
