/**
 * What every quota rule shares: thresholds and levels, reading the newest usable value of a series,
 * building a QuotaStatus, and the billing cycle. Pure.
 */
import type { ConnectionConfig, QuotaSettings } from '../shared/connections';
import { isWithheld, withheldReason, type MetricUnit, type Sample } from '../shared/samples';
import type { QuotaLevel, QuotaStatus } from '../shared/snapshot';

export const DEFAULT_BILLING_CYCLE_DAY = 1;
export const NO_VALUE_YET = 'no value yet';
const DEFAULT_WARN = 75;
const DEFAULT_CRITICAL = 90;
const EPSILON = 1e-9;

export interface QuotaThresholds {
  readonly warnPercent: number;
  readonly criticalPercent: number;
}

export interface EvaluateQuotaOptions {
  /** Locale for numbers and dates in `detail` (default en-GB). */
  readonly locale?: string;
  /** IANA zone for dates in `detail` (default the machine's). Billing cycles are computed in UTC. */
  readonly timeZone?: string;
}

/** Everything a rule reads. */
export interface Rule {
  readonly config: ConnectionConfig;
  readonly latest: readonly Sample[];
  readonly history: readonly Sample[];
  readonly now: number;
  readonly thresholds: QuotaThresholds;
  readonly options: EvaluateQuotaOptions;
}

function positive(value: number | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0;
}

/** The effective thresholds; nonsense settings (0, negative, NaN) fall back to the defaults. */
export function quotaThresholds(quota: QuotaSettings | undefined): QuotaThresholds {
  const warn = positive(quota?.warnPercent) ? quota.warnPercent : DEFAULT_WARN;
  const critical = positive(quota?.criticalPercent) ? quota.criticalPercent : DEFAULT_CRITICAL;
  // A warning line above the critical line could never show; the critical one is the user's firmer intent.
  return { warnPercent: Math.min(warn, critical), criticalPercent: critical };
}

/** A positive setting, else undefined. */
export function settingValue(quota: QuotaSettings | undefined, name: keyof QuotaSettings): number | undefined {
  const value = quota?.[name];
  return typeof value === 'number' && positive(value) ? value : undefined;
}

/** A plan allowance: 0 is a real setting (none included: any use is over), unlike a limit. Else undefined. */
export function allowanceValue(quota: QuotaSettings | undefined, name: keyof QuotaSettings): number | undefined {
  const value = quota?.[name];
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** The level of a percentage of a limit; the boundaries belong to the higher level (75 % warns, 90 % is critical). */
export function levelForPercent(percent: number | null, thresholds: QuotaThresholds): QuotaLevel {
  if (percent === null || !Number.isFinite(percent)) return 'ok';
  if (percent >= thresholds.criticalPercent - EPSILON) return 'critical';
  if (percent >= thresholds.warnPercent - EPSILON) return 'warning';
  return 'ok';
}

const LEVEL_RANK: Readonly<Record<QuotaLevel, number>> = { ok: 0, warning: 1, critical: 2 };

export function levelRank(level: QuotaLevel): number {
  return LEVEL_RANK[level];
}

export function worseLevel(a: QuotaLevel, b: QuotaLevel): QuotaLevel {
  return LEVEL_RANK[b] > LEVEL_RANK[a] ? b : a;
}

export function worstLevel(statuses: readonly Pick<QuotaStatus, 'level'>[]): QuotaLevel {
  return statuses.reduce<QuotaLevel>((worst, status) => worseLevel(worst, status.level), 'ok');
}

/** Whether a sample holds a real value: withheld (negative, NaN) values are never used, even if a value slipped through. */
export function isUsableSample(sample: Sample): boolean {
  if (sample.value === null || !Number.isFinite(sample.value)) return false;
  return !isWithheld(sample);
}

export function newestOf(samples: readonly Sample[], series: string): Sample | undefined {
  let newest: Sample | undefined;
  for (const sample of samples) {
    if (sample.series === series && (!newest || sample.at > newest.at)) newest = sample;
  }
  return newest;
}

export function withheldDetail(sample: Sample): string {
  const reason = withheldReason(sample);
  return reason === undefined ? NO_VALUE_YET : `the latest reading was withheld: ${reason}`;
}

/** The newest value of a series, or why there is none. */
export function readLatest(samples: readonly Sample[], series: string): { value: number; sample: Sample } | { value: null; why: string } {
  const sample = newestOf(samples, series);
  if (!sample) return { value: null, why: NO_VALUE_YET };
  if (!isUsableSample(sample)) return { value: null, why: withheldDetail(sample) };
  return { value: sample.value as number, sample };
}

/**
 * Samples in the order of their labels. A rule that picks one of several equal readings (all endpoints
 * up, two containers at the same share) then picks the same one whatever order the readings came in:
 * from a provider, from history, or back from a team Prometheus.
 */
export function byLabels(samples: readonly Sample[]): Sample[] {
  const keyOf = (sample: Sample) =>
    Object.keys(sample.labels ?? {})
      .sort()
      .map((name) => `${name}=${sample.labels?.[name] ?? ''}`)
      .join(',');
  return [...samples].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
}

/** The reading a value came from: the series and its labels, so a chart can show the same one. */
export function fromSample(sample: Sample | undefined): Pick<QuotaStatus, 'from'> {
  return sample ? { from: { series: sample.series, ...(sample.labels ? { labels: sample.labels } : {}) } } : {};
}

export interface StatusParts {
  readonly id: string;
  readonly label: string;
  readonly unit: MetricUnit;
  readonly value: number | null;
  readonly limit: number | null;
  readonly details?: readonly (string | undefined)[];
  /** Overrides the ratio-derived level (availability, rejections). */
  readonly level?: QuotaLevel;
  /** Raised to at least this level (a queue that is not empty). */
  readonly atLeast?: QuotaLevel;
  readonly exhaustedAt?: number;
  readonly extra?: Pick<QuotaStatus, 'source' | 'from' | 'basis'>;
}

export function makeStatus(parts: StatusParts, thresholds: QuotaThresholds): QuotaStatus {
  const { value, limit } = parts;
  const ratio = value !== null && limit !== null && limit > 0 ? value / limit : null;
  // value * 100 / limit rather than ratio * 100: 5400 / 6000 * 100 is 90.00000000000001 in floats.
  const percent = ratio === null || value === null || limit === null ? null : (value * 100) / limit;
  let level = parts.level ?? levelForPercent(percent, thresholds);
  // An allowance of 0 has no percentage: any use at all is over it.
  if (limit === 0 && value !== null && value > 0 && parts.level === undefined) level = 'critical';
  if (parts.atLeast) level = worseLevel(level, parts.atLeast);
  const detail = (parts.details ?? []).filter((part): part is string => Boolean(part)).join('; ');
  return {
    id: parts.id,
    label: parts.label,
    value,
    limit,
    unit: parts.unit,
    ratio,
    level,
    ...(detail ? { detail } : {}),
    ...(parts.exhaustedAt === undefined ? {} : { exhaustedAt: parts.exhaustedAt }),
    ...parts.extra,
  };
}

// ---------------------------------------------------------------------------------------------
// Billing cycle

export interface BillingCycle {
  /** Epoch ms, inclusive. */
  readonly start: number;
  /** Epoch ms, exclusive: the next cycle's start. */
  readonly end: number;
}

/**
 * The cycle containing `now`, starting on `day` (1–28) of a month. Computed in UTC: providers bill on
 * UTC days, and a user's own zone would move the boundary by hours depending on where they travel.
 */
export function billingCycle(now: number, day: number = DEFAULT_BILLING_CYCLE_DAY): BillingCycle {
  const cycleDay = Number.isFinite(day) ? Math.min(28, Math.max(1, Math.trunc(day))) : DEFAULT_BILLING_CYCLE_DAY;
  const date = new Date(now);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  // Date.UTC rolls month -1 and 12 over into the neighbouring year.
  const startMonth = Date.UTC(year, month, cycleDay) <= now ? month : month - 1;
  return { start: Date.UTC(year, startMonth, cycleDay), end: Date.UTC(year, startMonth + 1, cycleDay) };
}

// ---------------------------------------------------------------------------------------------
// Per-minute series (Cerebras)

/** Samples of a series from the newest minute present: a label set that stopped reporting must not count. */
export function newestMinute(samples: readonly Sample[], series: string): { at: number; samples: Sample[] } | undefined {
  const matching = samples.filter((sample) => sample.series === series);
  if (matching.length === 0) return undefined;
  const at = Math.max(...matching.map((sample) => sample.at));
  return { at, samples: matching.filter((sample) => sample.at === at) };
}

export function sumOf(samples: readonly Sample[]): number | null {
  if (samples.some((sample) => !isUsableSample(sample))) return null;
  return samples.reduce((total, sample) => total + (sample.value as number), 0);
}

/**
 * The sum over label sets of a per-minute series at its newest minute (Cerebras requests across
 * endpoints), or null when there is none or one of them was withheld.
 */
export function latestMinuteTotal(samples: readonly Sample[], series: string): { total: number; at: number } | null {
  const minute = newestMinute(samples, series);
  if (!minute) return null;
  const total = sumOf(minute.samples);
  return total === null ? null : { total, at: minute.at };
}
