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
 * - outOfRange: a value its measure cannot take (a percentage outside 0..100, a fraction outside
 *   0..1, an infinite count, a negative memory or latency); withheld, raw number in `rawValue`.
 * - notWholeNumber: a count of things with a fraction (running = 2.5); withheld, raw in `rawValue`.
 */
export type SampleFlag = 'invalidNegative' | 'lowConfidence' | 'notANumber' | 'outOfRange' | 'notWholeNumber';

/** The flags that withhold a value: a sample carrying one has `value: null`. */
export const WITHHOLDING_FLAGS: readonly SampleFlag[] = ['invalidNegative', 'notANumber', 'outOfRange', 'notWholeNumber'];

export function isWithheld(sample: Pick<Sample, 'flags'>): boolean {
  return sample.flags?.some((flag) => WITHHOLDING_FLAGS.includes(flag)) ?? false;
}

/** Why a sample's value was withheld, in plain words, or undefined when it was not. */
export function withheldReason(sample: Pick<Sample, 'flags' | 'rawValue' | 'unit'>): string | undefined {
  const raw = sample.rawValue === undefined ? '' : ` (${String(sample.rawValue)})`;
  if (sample.flags?.includes('invalidNegative')) return `the server sent a negative count${raw}`;
  if (sample.flags?.includes('notANumber')) return 'the server sent NaN';
  if (sample.flags?.includes('notWholeNumber')) return `the server sent a count with a fraction${raw}`;
  if (sample.flags?.includes('outOfRange')) return `the server sent a value a ${sample.unit === 'percent' ? 'percentage' : sample.unit} cannot take${raw}`;
  return undefined;
}

/**
 * One note for a reading whose impossible values were withheld (out of range, fractional counts),
 * naming them, or undefined when there were none. Negative counts and NaN have notes of their own.
 */
export function impossibleValuesNote(samples: readonly Sample[], where: string): string | undefined {
  const impossible = samples.filter((sample) => sample.flags?.some((flag) => flag === 'outOfRange' || flag === 'notWholeNumber'));
  if (impossible.length === 0) return undefined;
  const named = impossible.slice(0, 3).map((sample) => `${sample.series.split('.').at(-1) ?? sample.series} ${String(sample.rawValue)}`);
  const more = impossible.length > 3 ? ` and ${impossible.length - 3} more` : '';
  return `The server reported impossible values in ${where} (${named.join(', ')}${more}); they are withheld.`;
}

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
  if (!Number.isFinite(raw)) return { ...base, value: null, flags: ['outOfRange'], rawValue: raw };
  // Only counts of things must be whole: a counter in seconds or bytes may carry a fraction.
  if (unit === 'count' && !Number.isInteger(raw)) return { ...base, value: null, flags: ['notWholeNumber'], rawValue: raw };
  return { ...base, value: raw };
}

/**
 * A share of a capacity, sent as a percentage (0..100) or a fraction (0..1) and stored in percent.
 * Anything outside the range is withheld and flagged, with the number as sent in `rawValue`.
 */
export function percentSample(
  series: string,
  raw: number | null | undefined,
  scale: 'percent' | 'fraction',
  at: number,
  extra: Partial<Pick<Sample, 'windowMs' | 'labels'>> = {},
): Sample {
  const base: Sample = { series, unit: 'percent', at, value: null, ...extra };
  if (raw === null || raw === undefined) return base;
  if (Number.isNaN(raw)) return { ...base, flags: ['notANumber'] };
  const percent = scale === 'fraction' ? raw * 100 : raw;
  if (!(percent >= 0 && percent <= 100)) return { ...base, flags: ['outOfRange'], rawValue: raw };
  return { ...base, value: percent };
}

/** A measurement that cannot be negative or infinite (memory, network, latency): such values are out of range, withheld and flagged. */
export function nonNegativeSample(
  series: string,
  raw: number | null | undefined,
  unit: MetricUnit,
  at: number,
  extra: Partial<Pick<Sample, 'windowMs' | 'labels'>> = {},
): Sample {
  const sample = gaugeSample(series, raw, unit, at, extra);
  if (sample.value === null) return sample;
  if (sample.value < 0 || !Number.isFinite(sample.value)) return { ...sample, value: null, flags: ['outOfRange'], rawValue: sample.value };
  return sample;
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
