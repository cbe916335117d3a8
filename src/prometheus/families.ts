/**
 * Metric families as the parser builds them: the type words each format knows, which suffixed
 * sample names belong to a family of each type, and the conversion to the public model.
 */
import type { FamilyRules } from './openMetricsRules';
import type { MetricFamily, MetricType, PromSample } from './types';

export const TYPES: Readonly<Record<string, MetricType>> = {
  counter: 'counter',
  gauge: 'gauge',
  histogram: 'histogram',
  summary: 'summary',
  untyped: 'untyped',
  unknown: 'unknown',
  gaugehistogram: 'gaugehistogram',
  gauge_histogram: 'gaugehistogram',
  stateset: 'stateset',
  info: 'info',
};

/** What a sample is within its family; decides the per-type checks. */
export const ROLE_PLAIN = 0;
export const ROLE_BUCKET = 1;
export const ROLE_COUNT = 2;
export const ROLE_SUM = 3;
export const ROLE_CREATED = 4;
export const ROLE_TOTAL = 5;
export const ROLE_GCOUNT = 6;
export const ROLE_GSUM = 7;
export const ROLE_INFO = 8;

export const SUFFIXES: readonly (readonly [string, number])[] = [
  ['_bucket', ROLE_BUCKET],
  ['_count', ROLE_COUNT],
  ['_sum', ROLE_SUM],
  ['_created', ROLE_CREATED],
  ['_total', ROLE_TOTAL],
  ['_gcount', ROLE_GCOUNT],
  ['_gsum', ROLE_GSUM],
  ['_info', ROLE_INFO],
];

/** Which suffixed sample names belong to a family of each type (the bare name always resolves). */
export function typeAllows(type: MetricType, role: number): boolean {
  switch (type) {
    case 'counter':
      return role === ROLE_TOTAL || role === ROLE_CREATED;
    case 'histogram':
      return role === ROLE_BUCKET || role === ROLE_COUNT || role === ROLE_SUM || role === ROLE_CREATED;
    case 'gaugehistogram':
      return role === ROLE_BUCKET || role === ROLE_GCOUNT || role === ROLE_GSUM;
    case 'summary':
      return role === ROLE_COUNT || role === ROLE_SUM || role === ROLE_CREATED;
    case 'info':
      return role === ROLE_INFO;
    default:
      return false;
  }
}

/** The sample names an OpenMetrics family of this type produces, as suffixes of its name. */
export function sampleSuffixes(type: MetricType): readonly string[] {
  switch (type) {
    case 'counter':
      return ['_total', '_created'];
    case 'histogram':
      return ['_bucket', '_count', '_sum', '_created'];
    case 'gaugehistogram':
      return ['_bucket', '_gcount', '_gsum'];
    case 'summary':
      return ['', '_count', '_sum', '_created'];
    case 'info':
      return ['_info'];
    default:
      return [''];
  }
}

/** OpenMetrics allows exemplars on counter totals and (gauge) histogram buckets only. */
export function exemplarAllowed(type: MetricType, role: number): boolean {
  return (type === 'counter' && role === ROLE_TOTAL) || ((type === 'histogram' || type === 'gaugehistogram') && role === ROLE_BUCKET);
}

export class Family {
  type: MetricType;
  typed = false;
  help: string | undefined = undefined;
  helped = false;
  unit: string | undefined = undefined;
  united = false;
  readonly samples: PromSample[] = [];
  /** Per-family state of the OpenMetrics cross-line rules; created on the family's first sample. */
  rules: FamilyRules | undefined = undefined;

  constructor(
    readonly name: string,
    type: MetricType,
  ) {
    this.type = type;
  }
}

export function roleIn(family: Family, name: string): number {
  if (name === family.name) return ROLE_PLAIN;
  for (const [suffix, role] of SUFFIXES) {
    if (name.length === family.name.length + suffix.length && name.endsWith(suffix)) return role;
  }
  return ROLE_PLAIN;
}

export function publicFamily(family: Family): MetricFamily {
  // Optional fields are left out rather than set to undefined, so results compare structurally.
  const result: { -readonly [K in keyof MetricFamily]: MetricFamily[K] } = { name: family.name, type: family.type, samples: family.samples };
  if (family.help !== undefined) result.help = family.help;
  if (family.unit !== undefined) result.unit = family.unit;
  return result;
}
