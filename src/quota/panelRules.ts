/**
 * The threshold of an ad-hoc PromQL panel (a Prometheus query connection's `queries`) as a quota rule:
 * the highest of the query's current series against the panel's threshold, at the connection's
 * warning and critical percentages. A panel without a threshold still gets a row (its value, no
 * limit), so its card line and status bar figure work like any other.
 */
import type { QueryPanel } from '../shared/connections';
import type { Sample } from '../shared/samples';
import type { QuotaStatus } from '../shared/snapshot';
import { fromSample, isUsableSample, makeStatus, newestMinute, NO_VALUE_YET, type Rule } from './ruleSupport';

/** The rule id of a panel: stable as long as its title is (notifications and snoozes are keyed by it). */
export function panelRuleId(panel: Pick<QueryPanel, 'title'>): `query:${string}` {
  return `query:${panel.title}`;
}

function panelRule({ latest, thresholds }: Rule, panel: QueryPanel): QuotaStatus {
  // All series of one poll share its evaluation time; one the query stopped returning is not current.
  const current = newestMinute(latest, panel.title)?.samples ?? [];
  let highest: Sample | undefined;
  for (const sample of current) if (isUsableSample(sample) && (!highest || (sample.value as number) > (highest.value as number))) highest = sample;
  const several = current.length > 1 && highest ? `the highest of ${current.length} series` : undefined;
  return makeStatus(
    {
      id: panelRuleId(panel),
      label: panel.title,
      unit: panel.unit ?? 'none',
      value: highest ? (highest.value as number) : null,
      limit: panel.threshold ?? null,
      details: [highest ? several : NO_VALUE_YET],
      extra: { source: 'PromQL', ...fromSample(highest) },
    },
    thresholds,
  );
}

/** One status per panel, in the order the settings list them; none for other connections. */
export function panelRules(rule: Rule): QuotaStatus[] {
  const { config } = rule;
  if (config.kind !== 'prometheusQuery' || config.exportedConnection !== undefined) return [];
  return (config.queries ?? []).map((panel) => panelRule(rule, panel));
}
