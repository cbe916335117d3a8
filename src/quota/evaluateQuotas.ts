/**
 * Pure threshold evaluation: a connection's newest samples (and its history, for billing-cycle use and
 * burn rates) in, one QuotaStatus per rule out. No `vscode`, no clock of its own: `now` is passed in,
 * so the same readings always give the same verdict.
 */
import type { ConnectionConfig, QuotaSettings } from '../shared/connections';
import { isWithheld, withheldReason, type MetricUnit, type Sample } from '../shared/samples';
import type { QuotaLevel, QuotaStatus } from '../shared/snapshot';
import { formatBytes, formatClockTime, formatDay, formatNumber, formatUnitValue } from '../statusbar/format';
import { QUOTA_RULE_IDS, QUOTA_SERIES } from './series';

export const DEFAULT_WARN_PERCENT = 75;
export const DEFAULT_CRITICAL_PERCENT = 90;
export const DEFAULT_FAILURE_RATE_PERCENT = 5;
export const DEFAULT_P95_LATENCY_SECONDS = 10;
export const DEFAULT_BILLING_CYCLE_DAY = 1;

/** Burn rates are taken over about the last day: long enough to smooth a busy hour, short enough to follow a change. */
export const PROJECTION_WINDOW_MS = 24 * 60 * 60 * 1000;
/** Two readings closer than this give a rate that is mostly noise (one long session can double it). */
export const MIN_PROJECTION_SPAN_MS = 60 * 60 * 1000;
/** Our first reading this close to the cycle start counts as having seen the whole cycle. */
const CYCLE_START_TOLERANCE_MS = 60 * 60 * 1000;
/**
 * A Northflank container whose newest value is this much older than the newest of any container is
 * one from a replaced deployment that lingers in `latest`; it must not decide the worst container.
 */
const STALE_CONTAINER_MS = 15 * 60 * 1000;
/** Decimal gigabytes, as providers bill data. */
const BYTES_PER_GIGABYTE = 1e9;
const EPSILON = 1e-9;

export const NO_VALUE_YET = 'no value yet';

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

function positive(value: number | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0;
}

/** A plan allowance: 0 is a real setting (none included), unlike a limit. */
function allowance(value: number | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/** The effective thresholds; nonsense settings (0, negative, NaN) fall back to the defaults. */
export function quotaThresholds(quota: QuotaSettings | undefined): QuotaThresholds {
  const warn = positive(quota?.warnPercent) ? quota.warnPercent : DEFAULT_WARN_PERCENT;
  const critical = positive(quota?.criticalPercent) ? quota.criticalPercent : DEFAULT_CRITICAL_PERCENT;
  // A warning line above the critical line could never show; the critical one is the user's firmer intent.
  return { warnPercent: Math.min(warn, critical), criticalPercent: critical };
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

function newestOf(samples: readonly Sample[], series: string): Sample | undefined {
  let newest: Sample | undefined;
  for (const sample of samples) {
    if (sample.series === series && (!newest || sample.at > newest.at)) newest = sample;
  }
  return newest;
}

function withheldDetail(sample: Sample): string {
  const reason = withheldReason(sample);
  return reason === undefined ? NO_VALUE_YET : `the latest reading was withheld: ${reason}`;
}

/** The newest value of a series, or why there is none. */
function readLatest(samples: readonly Sample[], series: string): { value: number; sample: Sample } | { value: null; why: string } {
  const sample = newestOf(samples, series);
  if (!sample) return { value: null, why: NO_VALUE_YET };
  if (!isUsableSample(sample)) return { value: null, why: withheldDetail(sample) };
  return { value: sample.value as number, sample };
}

interface StatusParts {
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
}

function makeStatus(parts: StatusParts, thresholds: QuotaThresholds): QuotaStatus {
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

/**
 * The reading of a cumulative figure at `sample.at`. A downsampled history point carries the bucket's
 * mean in `value`, which for a running total is a reading from no particular moment; the bucket's
 * newest value is the total as of (nearly) its end.
 */
function cumulativeReading(sample: Sample): number | null {
  if (isWithheld(sample)) return null;
  const reading = sample.aggregate ? sample.aggregate.last : sample.value;
  return reading !== null && Number.isFinite(reading) ? reading : null;
}

interface CycleUse {
  readonly used: number | null;
  /** Plain words on how `used` was obtained. */
  readonly basis: string;
  /** Use per ms at the current pace, when readings allow a rate. */
  readonly ratePerMs?: number;
  readonly rateNote?: string;
  /** The reading `used` is as of. */
  readonly at?: number;
}

/**
 * Use within the billing cycle of a cumulative figure whose scope is unknown (Browserbase's usage
 * endpoint may report the cycle or the project's lifetime):
 * - it dropped at some point -> it resets, so it is per period: the reported figure is the cycle's;
 * - no earlier reading -> the reported figure, said to be unverified;
 * - otherwise -> the increase since our first reading at or after the cycle start (or, when the
 *   current reading is the first of the cycle, since the last one before it).
 */
function cycleUse(
  samples: readonly Sample[],
  history: readonly Sample[],
  series: string,
  cycle: BillingCycle,
  now: number,
  describe: (value: number) => string,
  options: EvaluateQuotaOptions,
): CycleUse {
  const current = readLatest(samples, series);
  if (current.value === null) return { used: null, basis: current.why };
  const currentSample = current.sample;
  if (currentSample.at < cycle.start) {
    return { used: null, basis: `no reading in this billing cycle yet (the newest is from ${formatDay(currentSample.at, options)})` };
  }
  const byTime = new Map<number, Sample>();
  for (const sample of history) {
    if (sample.series === series && sample.at <= currentSample.at && cumulativeReading(sample) !== null) byTime.set(sample.at, sample);
  }
  byTime.set(currentSample.at, currentSample);
  const points = [...byTime.values()].sort((a, b) => a.at - b.at);
  const value = (sample: Sample) => cumulativeReading(sample) as number;
  const day = (at: number) => formatDay(at, options);

  let lastReset = -1;
  for (let index = 1; index < points.length; index++) {
    if (value(points[index] as Sample) < value(points[index - 1] as Sample)) lastReset = index;
  }

  let used: number;
  let basis: string;
  let segmentStart: Sample;
  if (lastReset >= 0) {
    const resetPoint = points[lastReset] as Sample;
    used = current.value;
    basis = `as reported by the provider (the figure reset by ${day(resetPoint.at)}, so it covers a billing period, not the lifetime)`;
    segmentStart = resetPoint;
  } else if (points.length === 1) {
    return {
      used: current.value,
      basis:
        'as reported by the provider, which does not say whether it covers the billing cycle or the lifetime; the cycle’s own use is counted from the next reading on',
      at: currentSample.at,
    };
  } else {
    const inCycle = points.filter((sample) => sample.at >= cycle.start);
    const firstInCycle = inCycle[0] as Sample;
    const beforeCycle = points.filter((sample) => sample.at < cycle.start).at(-1);
    if (firstInCycle === currentSample && beforeCycle) {
      segmentStart = beforeCycle;
      basis = `counted since our last reading before the cycle started (${day(beforeCycle.at)}); the provider reports ${describe(current.value)} in total`;
    } else {
      segmentStart = firstInCycle;
      const complete = firstInCycle.at - cycle.start <= CYCLE_START_TOLERANCE_MS || beforeCycle !== undefined;
      basis = complete
        ? `counted since the cycle started on ${day(cycle.start)}; the provider reports ${describe(current.value)} in total`
        : `counted since our first reading this cycle (${day(firstInCycle.at)}), so earlier use is missing; the provider reports ${describe(current.value)} in total`;
    }
    used = current.value - value(segmentStart);
  }

  // Rate over the last ~24 h within the segment; the whole segment when that is too short.
  const segment = points.filter((sample) => sample.at >= segmentStart.at);
  const windowStart = Math.max(now - PROJECTION_WINDOW_MS, segmentStart.at);
  let from = segment.find((sample) => sample.at >= windowStart);
  if (!from || currentSample.at - from.at < MIN_PROJECTION_SPAN_MS) from = segmentStart;
  const span = currentSample.at - from.at;
  if (span < MIN_PROJECTION_SPAN_MS) return { used, basis, at: currentSample.at, rateNote: 'too little history for a projection yet' };
  return { used, basis, at: currentSample.at, ratePerMs: (current.value - value(from)) / span };
}

function projection(
  use: CycleUse,
  limit: number | null,
  cycle: BillingCycle,
  describe: (value: number) => string,
  options: EvaluateQuotaOptions,
): { detail?: string; exhaustedAt?: number } {
  if (limit === 0) return { detail: 'no allowance (quota 0): any use is billed as overage' };
  if (use.used === null || limit === null) return {};
  const remaining = limit - use.used;
  if (remaining <= 0) return { detail: 'the allocation is used up: further use is billed as overage' };
  if (use.ratePerMs === undefined || use.at === undefined) return use.rateNote ? { detail: use.rateNote } : {};
  if (use.ratePerMs <= 0) return { detail: 'no use recently, so no run-out date' };
  const exhaustedAt = Math.round(use.at + remaining / use.ratePerMs);
  if (exhaustedAt < cycle.end) return { detail: `at this rate the budget runs out on ${formatDay(exhaustedAt, options)}`, exhaustedAt };
  const atRenewal = use.used + use.ratePerMs * (cycle.end - use.at);
  return { detail: `at this rate about ${describe(atRenewal)} will be used by the time the cycle renews on ${formatDay(cycle.end, options)}` };
}

// ---------------------------------------------------------------------------------------------
// Browserbase

function browserbaseUsageRule(
  args: Rule & { id: string; label: string; unit: MetricUnit; series: string; limit: number | null; setting: string; describe: (value: number) => string },
): QuotaStatus {
  const { config, latest, history, now, options, thresholds } = args;
  const cycle = billingCycle(now, config.quota?.billingCycleDay ?? DEFAULT_BILLING_CYCLE_DAY);
  const use = cycleUse(latest, history, args.series, cycle, now, args.describe, options);
  const noLimit = args.limit === null ? `no allocation set: add quota.${args.setting} (your plan’s allowance per cycle) for warnings` : undefined;
  const projected = projection(use, args.limit, cycle, args.describe, options);
  return makeStatus(
    {
      id: args.id,
      label: args.label,
      unit: args.unit,
      value: use.used,
      limit: args.limit,
      details: [projected.detail, use.basis, noLimit],
      ...(projected.exhaustedAt === undefined ? {} : { exhaustedAt: projected.exhaustedAt }),
    },
    thresholds,
  );
}

function browserbaseRules(rule: Rule): QuotaStatus[] {
  const quota = rule.config.quota;
  const ids = QUOTA_SERIES.browserbase;
  const locale = { locale: rule.options.locale };
  const statuses = [
    browserbaseUsageRule({
      ...rule,
      id: QUOTA_RULE_IDS.browserMinutes,
      label: 'Browser minutes',
      unit: 'minutes',
      series: ids.browserMinutes,
      limit: allowance(quota?.monthlyBrowserMinutes) ? quota.monthlyBrowserMinutes : null,
      setting: 'monthlyBrowserMinutes',
      describe: (value) => `${formatNumber(value, { ...locale, maximumFractionDigits: 0 })} min`,
    }),
    browserbaseUsageRule({
      ...rule,
      id: QUOTA_RULE_IDS.proxyData,
      label: 'Proxy data',
      unit: 'bytes',
      series: ids.proxyBytes,
      limit: allowance(quota?.monthlyProxyGigabytes) ? quota.monthlyProxyGigabytes * BYTES_PER_GIGABYTE : null,
      setting: 'monthlyProxyGigabytes',
      describe: (value) => formatBytes(value, locale),
    }),
  ];
  // Only once a client reports running sessions: a permanent "no value yet" row would be noise.
  if (newestOf(rule.latest, ids.runningSessions)) {
    const running = readLatest(rule.latest, ids.runningSessions);
    const limit = readLatest(rule.latest, ids.concurrencyLimit);
    statuses.push(
      makeStatus(
        {
          id: QUOTA_RULE_IDS.sessions,
          label: 'Running sessions',
          unit: 'count',
          value: running.value,
          limit: limit.value,
          details: [
            running.value === null ? running.why : undefined,
            running.value !== null && limit.value === null ? 'the project’s concurrency limit is not known yet' : undefined,
            running.value !== null && limit.value !== null && running.value >= limit.value
              ? 'new sessions are refused with HTTP 429 until one is released'
              : undefined,
          ],
        },
        rule.thresholds,
      ),
    );
  }
  return statuses;
}

// ---------------------------------------------------------------------------------------------
// Browserless

const UNAVAILABLE_REASONS: Readonly<Record<string, string>> = {
  full: 'concurrency and queue are full: new requests get HTTP 429',
  cpu: 'its CPU health check failed: new requests get HTTP 429',
  memory: 'its memory health check failed: new requests get HTTP 429',
};

function browserlessRules({ latest, thresholds, options }: Rule): QuotaStatus[] {
  const ids = QUOTA_SERIES.browserless;
  const count = (value: number) => formatNumber(value, { locale: options.locale });
  const running = readLatest(latest, ids.running);
  const maxConcurrent = readLatest(latest, ids.maxConcurrent);
  const queued = readLatest(latest, ids.queued);
  const maxQueued = readLatest(latest, ids.maxQueued);
  const available = readLatest(latest, ids.isAvailable);
  const rejected = readLatest(latest, ids.recentlyRejected);

  const concurrency = makeStatus(
    {
      id: QUOTA_RULE_IDS.concurrency,
      label: 'Concurrent sessions',
      unit: 'count',
      value: running.value,
      limit: maxConcurrent.value,
      details: [
        running.value === null ? running.why : undefined,
        running.value !== null && maxConcurrent.value === null ? `the concurrency limit: ${maxConcurrent.why}` : undefined,
      ],
    },
    thresholds,
  );

  const waiting = queued.value ?? 0;
  const queue = makeStatus(
    {
      id: QUOTA_RULE_IDS.queue,
      label: 'Queue',
      unit: 'count',
      value: queued.value,
      limit: maxQueued.value,
      // Any waiting request means every slot is busy: worth amber even when the queue is long.
      atLeast: waiting > 0 ? 'warning' : 'ok',
      details: [
        queued.value === null ? queued.why : undefined,
        waiting > 0 ? `${count(waiting)} ${waiting === 1 ? 'request is' : 'requests are'} waiting for a free browser` : undefined,
        queued.value !== null && maxQueued.value === 0 ? 'the server allows no queue' : undefined,
      ],
    },
    thresholds,
  );

  let availabilityLevel: QuotaLevel = 'ok';
  let availabilityDetail: string;
  if (available.value === null) {
    availabilityDetail = available.why;
  } else if (available.value === 0) {
    availabilityLevel = 'critical';
    const reason = available.sample.labels?.reason ?? '';
    availabilityDetail = UNAVAILABLE_REASONS[reason] ?? (reason ? `reason given: ${reason}` : 'new requests get HTTP 429');
  } else {
    availabilityDetail = 'accepting new sessions';
  }
  const availability = makeStatus(
    {
      id: QUOTA_RULE_IDS.availability,
      label: 'Availability',
      unit: 'state',
      value: available.value,
      limit: null,
      level: availabilityLevel,
      details: [availabilityDetail],
    },
    thresholds,
  );

  const rejectedCount = rejected.value ?? 0;
  const rejections = makeStatus(
    {
      id: QUOTA_RULE_IDS.rejections,
      label: 'Rejected requests',
      unit: 'count',
      value: rejected.value,
      limit: null,
      level: rejectedCount > 0 ? 'warning' : 'ok',
      details: [
        rejected.value === null
          ? rejected.why
          : `${count(rejectedCount)} ${rejectedCount === 1 ? 'request' : 'requests'} rejected (HTTP 429) in the current 5-minute window`,
      ],
    },
    thresholds,
  );
  return [concurrency, queue, availability, rejections];
}

// ---------------------------------------------------------------------------------------------
// Cerebras

/** Samples of a series from the newest minute present: a label set that stopped reporting must not count. */
function newestMinute(samples: readonly Sample[], series: string): { at: number; samples: Sample[] } | undefined {
  const matching = samples.filter((sample) => sample.series === series);
  if (matching.length === 0) return undefined;
  const at = Math.max(...matching.map((sample) => sample.at));
  return { at, samples: matching.filter((sample) => sample.at === at) };
}

function sumOf(samples: readonly Sample[]): number | null {
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

function endpointOf(sample: Sample): string {
  return sample.labels?.endpoint ?? 'the endpoint';
}

function cerebrasRules({ config, latest, thresholds, options }: Rule): QuotaStatus[] {
  const ids = QUOTA_SERIES.cerebras;
  const quota = config.quota;

  // Failure rate of the newest minute: every family is a gauge over the last complete minute.
  const failureLimit = positive(quota?.failureRatePercent) ? quota.failureRatePercent : DEFAULT_FAILURE_RATE_PERCENT;
  const requests = newestMinute(latest, ids.requests);
  let failureRate: number | null = null;
  let failureDetail: string;
  if (!requests) {
    failureDetail = NO_VALUE_YET;
  } else {
    const requestCount = sumOf(requests.samples);
    const failureSeries = latest.filter((sample) => sample.series === ids.failures);
    // Failures are labelled by HTTP code and a code with no failures this minute may be left out,
    // so the minute's failures are those reported for it, and none reported at all means unknown.
    const failureCount = failureSeries.length === 0 ? null : sumOf(failureSeries.filter((sample) => sample.at === requests.at));
    const minute = formatClockTime(requests.at, options);
    const count = (value: number) => formatNumber(value, { locale: options.locale });
    if (requestCount === null) failureDetail = 'the request count was withheld (the server sent a negative or NaN value)';
    else if (failureSeries.length === 0) failureDetail = 'no failure count reported';
    else if (failureCount === null) failureDetail = 'the failure count was withheld (the server sent a negative or NaN value)';
    else if (requestCount === 0) failureDetail = `no requests in the minute to ${minute}`;
    else {
      failureRate = (failureCount * 100) / requestCount;
      failureDetail = `${count(failureCount)} of ${count(requestCount)} requests failed in the minute to ${minute}`;
    }
  }
  const failure = makeStatus(
    { id: QUOTA_RULE_IDS.failureRate, label: 'Failure rate', unit: 'percent', value: failureRate, limit: failureLimit, details: [failureDetail] },
    thresholds,
  );

  // p95 end-to-end latency: the slowest endpoint decides.
  const latencyLimit = positive(quota?.p95LatencySeconds) ? quota.p95LatencySeconds : DEFAULT_P95_LATENCY_SECONDS;
  const p95Samples = latest.filter((sample) => sample.series === ids.e2eLatency && sample.labels?.statistic === 'p95');
  const p95Newest = p95Samples.length === 0 ? undefined : Math.max(...p95Samples.map((sample) => sample.at));
  const p95Usable = p95Samples.filter((sample) => sample.at === p95Newest && isUsableSample(sample));
  const slowest = p95Usable.reduce<Sample | undefined>(
    (worst, sample) => (!worst || (sample.value as number) > (worst.value as number) ? sample : worst),
    undefined,
  );
  const latency = makeStatus(
    {
      id: QUOTA_RULE_IDS.p95Latency,
      label: 'p95 latency',
      unit: 'seconds',
      value: slowest ? (slowest.value as number) : null,
      limit: latencyLimit,
      details: [
        slowest
          ? `p95 end-to-end latency of ${endpointOf(slowest)} in the minute to ${formatClockTime(slowest.at, options)}`
          : p95Samples.length > 0
            ? 'the latest p95 latency was withheld'
            : NO_VALUE_YET,
      ],
    },
    thresholds,
  );

  // Endpoint status: -1 (status unknown) and 0 (down) are both an outage as far as the user can tell.
  const statusMinute = newestMinute(latest, ids.endpointStatus);
  const statusSamples = (statusMinute?.samples ?? []).filter(isUsableSample);
  const down = statusSamples.filter((sample) => sample.value === 0);
  const failed = statusSamples.filter((sample) => sample.value === -1);
  const worstStatus = statusSamples.length === 0 ? null : Math.min(...statusSamples.map((sample) => sample.value as number));
  const statusDetails: string[] = [];
  if (statusSamples.length === 0) statusDetails.push(NO_VALUE_YET);
  if (down.length > 0) statusDetails.push(`${down.map(endpointOf).join(', ')} ${down.length === 1 ? 'is' : 'are'} down`);
  if (failed.length > 0) statusDetails.push(`Cerebras could not determine the status of ${failed.map(endpointOf).join(', ')}`);
  if (statusSamples.length > 0 && down.length === 0 && failed.length === 0) statusDetails.push(statusSamples.length === 1 ? 'up' : 'all endpoints up');
  const endpointStatus = makeStatus(
    {
      id: QUOTA_RULE_IDS.endpointStatus,
      label: 'Endpoint status',
      unit: 'state',
      value: worstStatus,
      limit: null,
      level: down.length > 0 || failed.length > 0 ? 'critical' : 'ok',
      details: statusDetails,
    },
    thresholds,
  );
  return [failure, latency, endpointStatus];
}

// ---------------------------------------------------------------------------------------------
// Northflank

function northflankRule(
  { latest, thresholds, options }: Rule,
  args: { id: string; label: string; series: string; limitFor: (unit: MetricUnit) => number | null; missingLimit: (unit: MetricUnit) => string },
): QuotaStatus {
  const newestByContainer = new Map<string, Sample>();
  for (const sample of latest) {
    if (sample.series !== args.series) continue;
    const container = sample.labels?.container ?? '';
    const previous = newestByContainer.get(container);
    if (!previous || sample.at > previous.at) newestByContainer.set(container, sample);
  }
  if (newestByContainer.size === 0) {
    return makeStatus({ id: args.id, label: args.label, unit: 'percent', value: null, limit: null, details: [NO_VALUE_YET] }, thresholds);
  }
  const newestAt = Math.max(...[...newestByContainer.values()].map((sample) => sample.at));
  const current = [...newestByContainer.values()].filter((sample) => sample.at >= newestAt - STALE_CONTAINER_MS);
  const usable = current.filter(isUsableSample);
  if (usable.length === 0) {
    const first = current[0] as Sample;
    return makeStatus({ id: args.id, label: args.label, unit: first.unit, value: null, limit: null, details: [withheldDetail(first)] }, thresholds);
  }
  const rated = usable.map((sample) => {
    const limit = args.limitFor(sample.unit);
    return { sample, limit, ratio: limit !== null && limit > 0 ? (sample.value as number) / limit : null };
  });
  const withRatio = rated.filter((entry) => entry.ratio !== null);
  const pool = withRatio.length > 0 ? withRatio : rated;
  // Worst container wins: by share of its limit, or by raw value when no limit is known.
  const worst = pool.reduce((a, b) => ((b.ratio ?? (b.sample.value as number)) > (a.ratio ?? (a.sample.value as number)) ? b : a));
  const container = worst.sample.labels?.container;
  const where = container ? `container ${container}` : undefined;
  const value = worst.sample.value as number;
  const locale = { locale: options.locale };
  const shown =
    worst.limit === null
      ? formatUnitValue(value, worst.sample.unit, locale)
      : `${formatUnitValue(value, worst.sample.unit, locale)} of ${formatUnitValue(worst.limit, worst.sample.unit, locale)}`;
  const details = [
    where ? `${usable.length > 1 ? 'busiest ' : ''}${where}: ${shown}` : undefined,
    worst.limit === null ? args.missingLimit(worst.sample.unit) : undefined,
  ];
  return makeStatus({ id: args.id, label: args.label, unit: worst.sample.unit, value, limit: worst.limit, details }, thresholds);
}

function northflankRules(rule: Rule): QuotaStatus[] {
  const quota = rule.config.quota;
  const cpuLimit = positive(quota?.cpuLimitVcpu) ? quota.cpuLimitVcpu : null;
  const memoryLimit = positive(quota?.memoryLimitMegabytes) ? quota.memoryLimitMegabytes : null;
  const noComparison = (what: string, unit: MetricUnit) =>
    `${what} is reported in ${unit.startsWith('raw:') ? unit.slice(4) : unit}, which has no known limit to compare with`;
  return [
    northflankRule(rule, {
      id: QUOTA_RULE_IDS.cpu,
      label: 'CPU',
      series: QUOTA_SERIES.northflank.cpu,
      // Percent is a share of the container's own limit, so 100 is the limit.
      limitFor: (unit) => (unit === 'percent' ? 100 : unit === 'vcpu' ? cpuLimit : null),
      missingLimit: (unit) =>
        unit === 'vcpu' ? 'no CPU limit known: set quota.cpuLimitVcpu to the service’s vCPU to get warnings' : noComparison('CPU', unit),
    }),
    northflankRule(rule, {
      id: QUOTA_RULE_IDS.memory,
      label: 'Memory',
      series: QUOTA_SERIES.northflank.memory,
      limitFor: (unit) => (unit === 'percent' ? 100 : unit === 'megabytes' ? memoryLimit : null),
      missingLimit: (unit) =>
        unit === 'megabytes' ? 'no memory limit known: set quota.memoryLimitMegabytes to the service’s MB to get warnings' : noComparison('Memory', unit),
    }),
  ];
}

// ---------------------------------------------------------------------------------------------

interface Rule {
  readonly config: ConnectionConfig;
  readonly latest: readonly Sample[];
  readonly history: readonly Sample[];
  readonly now: number;
  readonly thresholds: QuotaThresholds;
  readonly options: EvaluateQuotaOptions;
}

/**
 * Every quota rule of a connection, in a stable order per provider. `latest` is the newest sample per
 * series and label set; `history` is what the history store holds for the connection (used for
 * billing-cycle use and burn rates only). A generic Prometheus connection has no rules.
 */
export function evaluateQuotas(
  config: ConnectionConfig,
  latest: readonly Sample[],
  history: readonly Sample[],
  now: number,
  options: EvaluateQuotaOptions = {},
): QuotaStatus[] {
  const rule: Rule = { config, latest, history, now, thresholds: quotaThresholds(config.quota), options };
  switch (config.kind) {
    case 'browserbase':
      return browserbaseRules(rule);
    case 'browserless':
      return browserlessRules(rule);
    case 'cerebras':
      return cerebrasRules(rule);
    case 'northflank':
      return northflankRules(rule);
    case 'prometheus':
      return [];
    default:
      return [];
  }
}
