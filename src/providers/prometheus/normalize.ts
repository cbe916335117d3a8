/**
 * Pure conversion of a parsed Prometheus/OpenMetrics exposition into samples. Shared by the generic
 * Prometheus client and the Cerebras client (whose endpoint speaks the same text format).
 */
import { ProviderError } from '../../http/errors';
import type { MetricFamily, MetricType, ParseIssue, ParseResult, PromSample } from '../../prometheus/types';
import { countSample, gaugeSample, nonNegativeSample, type MetricUnit, type Sample } from '../../shared/samples';
import { TYPE_LABEL } from './descriptor';

/** OpenMetrics `# UNIT` values we know; anything else is kept verbatim as `raw:<unit>`. */
const KNOWN_UNITS: Readonly<Record<string, MetricUnit>> = {
  seconds: 'seconds',
  milliseconds: 'milliseconds',
  bytes: 'bytes',
  ratio: 'ratio',
  percent: 'percent',
};

/**
 * The unit of a family: `# UNIT` first, else the base-unit suffix of the name, but only the two
 * suffixes whose meaning the naming conventions fix (`_seconds`, `_bytes`); a guess would be worse
 * than 'none'.
 */
export function unitOfFamily(family: Pick<MetricFamily, 'name' | 'unit'>): MetricUnit {
  if (family.unit !== undefined && family.unit !== '') return KNOWN_UNITS[family.unit] ?? `raw:${family.unit}`;
  const base = family.name.replace(/_total$/, '');
  if (base.endsWith('_seconds')) return 'seconds';
  if (base.endsWith('_bytes')) return 'bytes';
  return 'none';
}

type Component = 'observations' | 'counter' | 'value' | 'skip';

/**
 * What one sample of a family measures. Histogram buckets and `_count` samples count observations,
 * whatever the family's unit; `_sum` and quantiles carry the family's unit. `_created` samples are
 * creation timestamps, not measurements: charted they would be a flat line at 1.7e9, so they are left
 * out.
 */
function componentOf(type: MetricType, family: string, sample: string): Component {
  if (sample === `${family}_created`) return 'skip';
  switch (type) {
    case 'histogram':
    case 'gaugehistogram':
    case 'summary':
      if (sample === `${family}_bucket` || sample === `${family}_count` || sample === `${family}_gcount`) return 'observations';
      return 'value';
    case 'counter':
      return 'counter';
    default:
      return 'value';
  }
}

export interface NormalizeExpositionOptions {
  /** Prepended to every series id (e.g. `cerebras.`); none for the generic client. */
  readonly seriesPrefix?: string;
  /** Epoch ms for samples without their own timestamp. */
  readonly at: number;
  readonly windowMs?: number;
  /**
   * Keep the family's `# TYPE` with each sample, in the reserved `__type__` label (Prometheus' own name
   * for it): a counter without `_total`, or a histogram's `_count`, is then read by what it is.
   */
  readonly typeLabel?: boolean;
}

export interface SampleOverride {
  readonly series?: string;
  readonly unit?: MetricUnit;
  readonly labels?: Readonly<Record<string, string>>;
  /** Treat the value as a count (negatives flagged and withheld) whatever the family type says. */
  readonly count?: boolean;
  /** A measurement that cannot be negative (a latency): negative or infinite values are withheld. */
  readonly nonNegative?: boolean;
}

/**
 * One Sample for one parsed sample. Counts (counters, buckets, `_count`) can never be negative, so a
 * negative one is flagged and withheld; NaN is withheld everywhere.
 */
export function toSample(family: MetricFamily, sample: PromSample, options: NormalizeExpositionOptions, override: SampleOverride = {}): Sample {
  const series = override.series ?? `${options.seriesPrefix ?? ''}${sample.name}`;
  const at = sample.timestampMs ?? options.at;
  const labels = override.labels ?? (options.typeLabel ? { ...sample.labels, [TYPE_LABEL]: family.type } : sample.labels);
  const extra = {
    ...(options.windowMs === undefined ? {} : { windowMs: options.windowMs }),
    ...(Object.keys(labels).length > 0 ? { labels } : {}),
  };
  const component = componentOf(family.type, family.name, sample.name);
  const unit = override.unit ?? (component === 'observations' ? 'count' : unitOfFamily(family));
  const isCount = override.count ?? (component === 'observations' || component === 'counter');
  if (isCount) return countSample(series, sample.value, at, { ...extra, unit });
  return override.nonNegative ? nonNegativeSample(series, sample.value, unit, at, extra) : gaugeSample(series, sample.value, unit, at, extra);
}

/** Whether a sample is a measurement to keep (not a `_created` timestamp). */
export function isMeasurement(family: MetricFamily, sample: PromSample): boolean {
  return componentOf(family.type, family.name, sample.name) !== 'skip';
}

/** Every sample of every family, in exposition order, as Samples (series = sample name). */
export function normalizeExposition(result: ParseResult, options: NormalizeExpositionOptions): Sample[] {
  const samples: Sample[] = [];
  for (const family of result.families) {
    for (const sample of family.samples) {
      if (!isMeasurement(family, sample)) continue;
      samples.push(toSample(family, sample, options));
    }
  }
  return samples;
}

const MAX_ISSUES_SHOWN = 3;

/** Parser issues as plain-words notes with line numbers, so a bad line is never dropped silently. */
export function describeParseIssues(issues: readonly ParseIssue[]): string[] {
  if (issues.length === 0) return [];
  const shown = issues
    .slice(0, MAX_ISSUES_SHOWN)
    .map((issue) => `Line ${issue.line} was skipped: ${issue.message}${issue.text ? ` (${JSON.stringify(issue.text.slice(0, 80))})` : ''}`);
  if (issues.length > MAX_ISSUES_SHOWN) shown.push(`…and ${issues.length - MAX_ISSUES_SHOWN} more unreadable line(s).`);
  return shown;
}

/**
 * A body with content that yields nothing but issues is not an exposition at all (a JSON error, a
 * proxy's text page): that is a bad response, reported with the first bad line.
 */
export function assertReadable(body: BodyShape, result: ParseResult, what: string, url?: string): void {
  const sampleCount = result.families.some((family) => family.samples.length > 0) ? 1 : 0;
  assertSamplesRead(isBlank(body), sampleCount, result.issues, what, url);
}

/** assertReadable for a body whose samples were taken in part by part and not kept in one result. */
export function assertSamplesRead(blank: boolean, sampleCount: number, issues: readonly ParseIssue[], what: string, url?: string): void {
  const first = issues[0];
  if (!first || blank || sampleCount > 0) return;
  throw new ProviderError('badResponse', `${what} is not Prometheus text: line ${first.line}: ${first.message}`, {
    where: `line ${first.line}`,
    ...(url ? { url } : {}),
  });
}

/** A body as its text, or, when it was streamed and not kept, whether it held only whitespace. */
export type BodyShape = string | { readonly blank: boolean };

export function isBlank(body: BodyShape): boolean {
  return typeof body === 'string' ? body.trim() === '' : body.blank;
}

/** Chooses the parser mode from the response's content type. */
export function formatFromContentType(contentType: string | undefined): 'openmetrics' | 'auto' {
  return contentType && /application\/openmetrics-text/i.test(contentType) ? 'openmetrics' : 'auto';
}
