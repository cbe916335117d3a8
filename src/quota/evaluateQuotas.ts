/**
 * Pure threshold evaluation: a connection's newest samples (and its history, for billing-cycle use and
 * burn rates) in, one QuotaStatus per rule of its descriptor out. No `vscode`, no clock of its own:
 * `now` is passed in, so the same readings always give the same verdict. The rule kinds are in
 * rules.ts and cycleUsage.ts; which rules a provider has, and on which series, its descriptor says.
 */
import type { ProviderDescriptor, QuotaRuleSpec, SeriesSpec } from '../providers/descriptor';
import { descriptorFor } from '../providers/registry';
import type { ConnectionConfig } from '../shared/connections';
import type { Sample } from '../shared/samples';
import { wordsOf } from '../shared/seriesModel';
import type { QuotaStatus } from '../shared/snapshot';
import { cycleUsageRule, scopeFor, type ScopeDecision } from './cycleUsage';
import { panelRules } from './panelRules';
import { availabilityRule, endpointStatusRule, failureRateRule, ofLimitRule, perContainerRule, queueRule, recentCountRule, slowestRule } from './rules';
import { quotaThresholds, type EvaluateQuotaOptions, type Rule } from './ruleSupport';

export {
  billingCycle,
  DEFAULT_BILLING_CYCLE_DAY,
  isUsableSample,
  latestMinuteTotal,
  levelForPercent,
  levelRank,
  NO_VALUE_YET,
  quotaThresholds,
  worseLevel,
  worstLevel,
  type BillingCycle,
  type EvaluateQuotaOptions,
  type QuotaThresholds,
} from './ruleSupport';
export { MIN_PROJECTION_SPAN_MS, PROJECTION_WINDOW_MS } from './cycleUsage';

export const DEFAULT_WARN_PERCENT = 75;
export const DEFAULT_CRITICAL_PERCENT = 90;
export const DEFAULT_FAILURE_RATE_PERCENT = 5;
export const DEFAULT_P95_LATENCY_SECONDS = 10;

/**
 * Every quota rule of a connection, in the order its descriptor lists them. `latest` is the newest
 * sample per series and identifying label set; `history` is what the history store holds for the
 * connection (used for billing-cycle use and burn rates only). A generic Prometheus connection has none;
 * a Prometheus query connection's PromQL panels have one each (panelRules.ts).
 */
export function evaluateQuotas(
  config: ConnectionConfig,
  latest: readonly Sample[],
  history: readonly Sample[],
  now: number,
  options: EvaluateQuotaOptions = {},
  descriptor: ProviderDescriptor = descriptorFor(config),
): QuotaStatus[] {
  const rule: Rule = { config, latest, history, now, thresholds: quotaThresholds(config.quota), options };
  const statuses: QuotaStatus[] = [];
  // Minutes and proxy bytes come from one endpoint: what it covers is decided once, by the first.
  let scope: ScopeDecision | undefined;
  for (const spec of descriptor.quotas) {
    let status: QuotaStatus | undefined;
    switch (spec.kind) {
      case 'ofLimit':
        status = ofLimitRule(rule, spec);
        break;
      case 'queue':
        status = queueRule(rule, spec);
        break;
      case 'availability':
        status = availabilityRule(rule, spec);
        break;
      case 'recentCount':
        status = recentCountRule(rule, spec);
        break;
      case 'cycleUsage':
        scope ??= scopeFor(rule, spec);
        status = cycleUsageRule(rule, spec, scope);
        break;
      case 'failureRate':
        status = failureRateRule(rule, spec);
        break;
      case 'slowest':
        status = slowestRule(rule, spec);
        break;
      case 'endpointStatus':
        status = endpointStatusRule(rule, spec);
        break;
      case 'perContainer':
        status = perContainerRule(rule, spec);
        break;
    }
    if (status) statuses.push(withWords(descriptor, spec, status));
  }
  // A Prometheus query connection's PromQL panels bring their own thresholds.
  statuses.push(...panelRules(rule));
  return statuses;
}

/** A rule on a yes/no or state series reads its value in that series' words. */
function withWords(descriptor: ProviderDescriptor, spec: QuotaRuleSpec<string>, status: QuotaStatus): QuotaStatus {
  if (spec.kind !== 'availability' && spec.kind !== 'endpointStatus') return status;
  const series = (descriptor.series as Readonly<Record<string, SeriesSpec | undefined>>)[spec.value];
  const words = wordsOf(series);
  return words ? { ...status, words } : status;
}
