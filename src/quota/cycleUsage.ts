/**
 * Usage this billing cycle (Browserbase). The usage API reports one cumulative figure and does not say
 * whether it covers the billing cycle or the project's lifetime, so the connection's `usageScope` says,
 * or (`auto`) it is inferred:
 * - readings on both sides of a cycle start tell it outright: a figure that dropped covers the cycle,
 *   one that kept rising the lifetime;
 * - else the figure is compared with this cycle's sessions (each rounded up to the minute, as billed):
 *   close to them it covers the cycle, far above them it includes earlier cycles;
 * - else it is taken as the cycle's, which can only warn early, never late.
 * The one "used this cycle" figure then comes from the reported figure (cycle scope), the reported
 * figure less a reading from before the cycle (lifetime scope), or the sessions list (lifetime scope
 * without such a reading: installed mid-cycle). Its `basis` lets a chart draw the same figure over time.
 */
import type { QuotaRuleSpec } from '../providers/descriptor';
import type { UsageScope } from '../shared/connections';
import { formatBytes, formatDay, formatNumber } from '../shared/format';
import { isWithheld, type MetricUnit, type Sample } from '../shared/samples';
import type { QuotaStatus } from '../shared/snapshot';
import {
  billingCycle,
  DEFAULT_BILLING_CYCLE_DAY,
  makeStatus,
  readLatest,
  allowanceValue,
  type BillingCycle,
  type EvaluateQuotaOptions,
  type Rule,
} from './ruleSupport';

type Spec = Extract<QuotaRuleSpec<string>, { kind: 'cycleUsage' }>;

/** Burn rates are taken over about the last day: long enough to smooth a busy hour, short enough to follow a change. */
export const PROJECTION_WINDOW_MS = 24 * 60 * 60 * 1000;
/** Two readings closer than this give a rate that is mostly noise (one long session can double it). */
export const MIN_PROJECTION_SPAN_MS = 60 * 60 * 1000;
/** Readings this close on both sides of a cycle start show whether the figure resets; a reading this close before it is a baseline. */
export const BOUNDARY_EVIDENCE_MS = 3 * 24 * 60 * 60 * 1000;
/** Within this share (or the unit's slack) the reported figure and the sessions list agree. */
const AGREEMENT_SHARE = 0.2;

export interface Point {
  readonly at: number;
  readonly value: number;
}

export interface ScopeDecision {
  readonly scope: Exclude<UsageScope, 'auto'>;
  /** Plain words: "set in usageScope", "inferred: the figure dropped from … when the cycle started on 1 Nov". */
  readonly why: string;
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

/** The readings of a series, history and latest together, one per time, oldest first. */
export function readingsOf(history: readonly Sample[], latest: readonly Sample[], series: string): Point[] {
  const byTime = new Map<number, number>();
  for (const sample of [...history, ...latest]) {
    if (sample.series !== series) continue;
    const value = cumulativeReading(sample);
    if (value !== null) byTime.set(sample.at, value);
  }
  return [...byTime.entries()].sort(([a], [b]) => a - b).map(([at, value]) => ({ at, value }));
}

function slackOf(unit: MetricUnit): number {
  return unit === 'bytes' ? 5e6 : 5;
}

/** Whether the reported figure counts as the same as the sessions' sum. */
function agrees(a: number, b: number, unit: MetricUnit): boolean {
  return Math.abs(a - b) <= Math.max(slackOf(unit), AGREEMENT_SHARE * Math.max(a, b));
}

/**
 * What the reported figure covers: as set, or inferred from readings around a cycle start, or from the
 * sessions list (see the module comment).
 */
export function decideUsageScope(args: {
  readonly setting: UsageScope | undefined;
  readonly reported: readonly Point[];
  readonly sessionsValue: number | null;
  readonly cycleDay: number;
  readonly unit: MetricUnit;
  readonly describe: (value: number) => string;
  readonly options: EvaluateQuotaOptions;
}): ScopeDecision {
  const { setting, reported, describe } = args;
  if (setting === 'billingCycle' || setting === 'lifetime') return { scope: setting, why: 'as set in usageScope' };
  const day = (at: number) => formatDay(at, args.options);
  const first = reported[0];
  const last = reported.at(-1);
  if (first && last) {
    // The newest cycle start with readings close on both sides of it.
    for (let start = billingCycle(last.at, args.cycleDay).start; start > first.at; start = billingCycle(start - 1, args.cycleDay).start) {
      const before = reported.filter((point) => point.at < start).at(-1);
      const after = reported.find((point) => point.at >= start);
      if (!before || !after || after.at - before.at > BOUNDARY_EVIDENCE_MS) continue;
      return after.value < before.value
        ? {
            scope: 'billingCycle',
            why: `inferred: it dropped from ${describe(before.value)} to ${describe(after.value)} when the cycle started on ${day(start)}`,
          }
        : {
            scope: 'lifetime',
            why: `inferred: it kept rising (${describe(before.value)} to ${describe(after.value)}) across the cycle start on ${day(start)}`,
          };
    }
  }
  if (last && args.sessionsValue !== null) {
    return agrees(last.value, args.sessionsValue, args.unit) || last.value < args.sessionsValue
      ? { scope: 'billingCycle', why: `inferred: the reported ${describe(last.value)} matches this cycle’s sessions (${describe(args.sessionsValue)})` }
      : {
          scope: 'lifetime',
          why: `inferred: the reported ${describe(last.value)} is far above this cycle’s sessions (${describe(args.sessionsValue)}), so it includes earlier use`,
        };
  }
  return { scope: 'billingCycle', why: 'assumed until a cycle start or the sessions list tells; read as this cycle’s, it can only warn early' };
}

interface CycleUse {
  readonly used: number | null;
  readonly source?: string;
  readonly basis?: NonNullable<QuotaStatus['basis']>;
  readonly details: readonly (string | undefined)[];
}

function describer(unit: MetricUnit, options: EvaluateQuotaOptions): (value: number) => string {
  const locale = { locale: options.locale };
  return unit === 'bytes' ? (value) => formatBytes(value, locale) : (value) => `${formatNumber(value, { ...locale, maximumFractionDigits: 0 })} min`;
}

function usedThisCycle(
  rule: Rule,
  spec: Spec,
  cycle: BillingCycle,
  decision: ScopeDecision,
  reported: readonly Point[],
  describe: (value: number) => string,
): CycleUse {
  const { latest, options } = rule;
  const day = (at: number) => formatDay(at, options);
  const current = readLatest(latest, spec.reported);
  const sessions = readLatest(latest, spec.fromSessions);
  // A sessions figure computed in an earlier cycle is not this cycle's.
  const sessionsValue = sessions.value !== null && sessions.sample.at >= cycle.start ? sessions.value : null;
  const scopeWords = `usage scope ${decision.scope === 'billingCycle' ? 'billing cycle' : 'lifetime'} (${decision.why})`;
  const fromSessions = (why: string): CycleUse => ({
    used: sessionsValue,
    source: 'sessions list',
    basis: { series: spec.fromSessions, offset: 0, since: cycle.start },
    details: [why, scopeWords],
  });
  const disagreement = (used: number) =>
    sessionsValue !== null && !agrees(used, sessionsValue, spec.unit) ? `the sessions list adds up to ${describe(sessionsValue)} this cycle` : undefined;

  if (current.value === null || current.sample.at < cycle.start) {
    if (sessionsValue !== null) return fromSessions('Browserbase has reported no usage this cycle yet');
    return {
      used: null,
      details: [current.value === null ? current.why : `no reading in this billing cycle yet (the newest is from ${day(current.sample.at)})`],
    };
  }
  if (decision.scope === 'billingCycle') {
    return {
      used: current.value,
      source: 'reported by Browserbase',
      basis: { series: spec.reported, offset: 0, since: cycle.start },
      details: [disagreement(current.value), scopeWords],
    };
  }
  const baseline = reported.filter((point) => point.at <= cycle.start && cycle.start - point.at <= BOUNDARY_EVIDENCE_MS).at(-1);
  if (baseline && baseline.value <= current.value) {
    const used = current.value - baseline.value;
    return {
      used,
      source: `reported by Browserbase, less its reading of ${day(baseline.at)}`,
      basis: { series: spec.reported, offset: baseline.value, since: cycle.start },
      details: [disagreement(used), `Browserbase reports ${describe(current.value)} in total`, scopeWords],
    };
  }
  if (sessionsValue !== null) return fromSessions(`Browserbase reports ${describe(current.value)} in total`);
  return {
    used: null,
    details: [`this cycle’s use is not known yet: Browserbase reports ${describe(current.value)} in total and the sessions list has not been read`, scopeWords],
  };
}

/** Rate over about the last day of the basis series, and where it leads by the cycle's end. */
function projection(
  rule: Rule,
  use: CycleUse,
  limit: number | null,
  cycle: BillingCycle,
  describe: (value: number) => string,
): { detail?: string; exhaustedAt?: number } {
  if (limit === 0) return { detail: 'no allowance (quota 0): any use is billed as overage' };
  if (use.used === null || limit === null || !use.basis) return {};
  const remaining = limit - use.used;
  if (remaining <= 0) return { detail: 'the allocation is used up: further use is billed as overage' };
  const basis = use.basis;
  const points = readingsOf(rule.history, rule.latest, basis.series).filter((point) => point.at >= basis.since);
  const newest = points.at(-1);
  if (!newest) return {};
  const windowStart = Math.max(rule.now - PROJECTION_WINDOW_MS, basis.since);
  let from = points.find((point) => point.at >= windowStart);
  if (!from || newest.at - from.at < MIN_PROJECTION_SPAN_MS) from = points[0];
  if (!from || newest.at - from.at < MIN_PROJECTION_SPAN_MS) return { detail: 'too little history for a projection yet' };
  const ratePerMs = (newest.value - from.value) / (newest.at - from.at);
  if (ratePerMs <= 0) return { detail: 'no use recently, so no run-out date' };
  const exhaustedAt = Math.round(newest.at + remaining / ratePerMs);
  if (exhaustedAt < cycle.end) return { detail: `at this rate the budget runs out on ${formatDay(exhaustedAt, rule.options)}`, exhaustedAt };
  const atRenewal = use.used + ratePerMs * (cycle.end - newest.at);
  return { detail: `at this rate about ${describe(atRenewal)} will be used by the time the cycle renews on ${formatDay(cycle.end, rule.options)}` };
}

/** The scope decision for a cycle-usage rule (the first one decides for all: they share one endpoint). */
export function scopeFor(rule: Rule, spec: Spec): ScopeDecision {
  const { config, latest, history, now, options } = rule;
  const cycleDay = config.quota?.billingCycleDay ?? DEFAULT_BILLING_CYCLE_DAY;
  const cycle = billingCycle(now, cycleDay);
  const sessions = readLatest(latest, spec.fromSessions);
  return decideUsageScope({
    setting: config.usageScope,
    reported: readingsOf(history, latest, spec.reported),
    sessionsValue: sessions.value !== null && sessions.sample.at >= cycle.start ? sessions.value : null,
    cycleDay,
    unit: spec.unit,
    describe: describer(spec.unit, options),
    options,
  });
}

export function cycleUsageRule(rule: Rule, spec: Spec, decided?: ScopeDecision): QuotaStatus {
  const { config, latest, history, now, options, thresholds } = rule;
  const cycle = billingCycle(now, config.quota?.billingCycleDay ?? DEFAULT_BILLING_CYCLE_DAY);
  const describe = describer(spec.unit, options);
  const decision = decided ?? scopeFor(rule, spec);
  const use = usedThisCycle(rule, spec, cycle, decision, readingsOf(history, latest, spec.reported), describe);
  const setting = allowanceValue(config.quota, spec.limitSetting);
  const limit = setting === undefined ? null : setting * spec.settingScale;
  const projected = projection(rule, use, limit, cycle, describe);
  const noLimit = limit === null ? `no allocation set: add quota.${spec.limitSetting} (your plan’s allowance per cycle) for warnings` : undefined;
  return makeStatus(
    {
      id: spec.id,
      label: spec.label,
      unit: spec.unit,
      value: use.used,
      limit,
      details: [projected.detail, ...use.details, noLimit],
      ...(projected.exhaustedAt === undefined ? {} : { exhaustedAt: projected.exhaustedAt }),
      extra: {
        ...(use.source ? { source: use.source } : {}),
        ...(use.basis ? { basis: use.basis, from: { series: use.basis.series } } : {}),
      },
    },
    thresholds,
  );
}
