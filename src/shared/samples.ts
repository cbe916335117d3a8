/**
 * The one sample model every provider normalizes into. Imported by host and webview, so no `vscode`,
 * no DOM. Units are explicit: a value is never charted without knowing what it measures.
 */

/** Units a sample can carry. Fractions are always normalized to `percent` before they get here. */
export type KnownUnit =
  | 'percent' // 0..100
  | 'ratio' // 0..1, only where the source defines a ratio that is not a share of a capacity
  | 'count'
  | 'milliseconds'
  | 'seconds'
  | 'minutes'
  | 'bytes'
  | 'megabytes'
  | 'kilobitsPerSecond'
  | 'requestsPerSecond'
  | 'vcpu'
  | 'tokens'
  | 'units' // Browserless billing units (one per started 30 s of browser time)
  | 'state' // an enumerated status value, e.g. Cerebras endpoint status -1/0/1
  | 'none'; // dimensionless, e.g. an untyped Prometheus gauge

/** A unit the source named that we do not know; kept verbatim rather than guessed. */
export type RawUnit = `raw:${string}`;
/** What a rate is counted per: counters and observation counts are shown as a rate per second or per minute. */
export type RatePer = 'second' | 'minute';
/**
 * A rate derived from a counter: `rate:second:count` reads "per second", `rate:minute:units` "units per
 * minute". Never stored in history (rates are computed from the stored totals when drawn).
 */
export type RateUnit = `rate:${RatePer}:${KnownUnit | RawUnit}`;
export type MetricUnit = KnownUnit | RawUnit | RateUnit;

/** The parts of a rate unit, or undefined for any other unit. */
export function rateParts(unit: MetricUnit): { per: RatePer; base: KnownUnit | RawUnit } | undefined {
  if (!unit.startsWith('rate:')) return undefined;
  const rest = unit.slice('rate:'.length);
  const colon = rest.indexOf(':');
  const per = rest.slice(0, colon);
  if (colon < 0 || (per !== 'second' && per !== 'minute')) return undefined;
  return { per, base: rest.slice(colon + 1) as KnownUnit | RawUnit };
}

export function rateUnit(base: MetricUnit, per: RatePer): RateUnit {
  // A rate of a rate is not a thing we draw; the base of a rate unit is its own base.
  const parts = rateParts(base);
  return `rate:${per}:${parts ? parts.base : (base as KnownUnit | RawUnit)}`;
}

/**
 * Why a value is not to be taken at face value.
 * - invalidNegative: the server reported a negative count (a known Browserless roll-up bug); the
 *   value is withheld (`value: null`) and the raw number kept in `rawValue`.
 * - lowConfidence: an extrapolation from too little data (e.g. Browserless estimatedMonthlyUnits).
 * - notANumber: the source sent NaN; the value is withheld.
 */
export type SampleFlag = 'invalidNegative' | 'lowConfidence' | 'notANumber';

export interface Sample {
  /** Stable id of the series, e.g. `browserless.pressure.running`. */
  readonly series: string;
  /** The value, or null for "no value" (never silently 0). */
  readonly value: number | null;
  readonly unit: MetricUnit;
  /** Epoch ms the value describes; for windowed values, the end of the window. */
  readonly at: number;
  /** Length of the window the value covers, for per-period counts; absent for instantaneous gauges. */
  readonly windowMs?: number;
  /** Dimensions such as container, endpoint, statistic, status code. */
  readonly labels?: Readonly<Record<string, string>>;
  readonly flags?: readonly SampleFlag[];
  /** The number as sent, when a flag withheld it from `value`. */
  readonly rawValue?: number;
  /**
   * Present only on history buckets (the downsampled tier, or a query with `bucketMs`): `value` is
   * then the mean of the samples with `at` in [at, at + bucketMs), and min/max let a chart draw the
   * band a mean would flatten.
   */
  readonly aggregate?: SampleAggregate;
}

/** Summary of the samples of one series that fell in one history bucket (nulls and NaN left out). */
export interface SampleAggregate {
  readonly bucketMs: number;
  /** Values summarized; 0 when the bucket held only "no value" samples (then all below are null). */
  readonly count: number;
  readonly min: number | null;
  readonly max: number | null;
  /** The newest value in the bucket. */
  readonly last: number | null;
}

/** A value that must be a non-negative count: negative values are flagged and withheld, never shown. */
export function countSample(
  series: string,
  raw: number | null | undefined,
  at: number,
  extra: Partial<Pick<Sample, 'windowMs' | 'labels' | 'unit'>> = {},
): Sample {
  const unit = extra.unit ?? 'count';
  const base = { series, unit, at, ...(extra.windowMs === undefined ? {} : { windowMs: extra.windowMs }), ...(extra.labels ? { labels: extra.labels } : {}) };
  if (raw === null || raw === undefined) return { ...base, value: null };
  if (Number.isNaN(raw)) return { ...base, value: null, flags: ['notANumber'] };
  if (raw < 0) return { ...base, value: null, flags: ['invalidNegative'], rawValue: raw };
  return { ...base, value: raw };
}

/** A measurement that may legitimately be any real number (latency, CPU). NaN becomes "no value". */
export function gaugeSample(
  series: string,
  raw: number | null | undefined,
  unit: MetricUnit,
  at: number,
  extra: Partial<Pick<Sample, 'windowMs' | 'labels' | 'flags'>> = {},
): Sample {
  const base: Sample = { series, unit, at, value: null, ...extra };
  if (raw === null || raw === undefined) return base;
  if (Number.isNaN(raw)) return { ...base, flags: [...(extra.flags ?? []), 'notANumber'] };
  return { ...base, value: raw };
}

/** Converts a 0..1 fraction to a percentage, keeping null as null. */
export function fractionToPercent(fraction: number | null | undefined): number | null {
  if (fraction === null || fraction === undefined || Number.isNaN(fraction)) return null;
  return fraction * 100;
}
