/**
 * A connection's history over a window, as the columns the sidebar and the usage panel draw from:
 * keyed and typed by the provider's descriptor, with the quota thresholds for the lines at its limits.
 */
import { columnIdentity, descriptorFor, descriptorOfKind } from '../providers/registry';
import { quotaThresholds } from '../quota/evaluateQuotas';
import { toColumns } from '../shared/columns';
import type { ConnectionConfig } from '../shared/connections';
import type { ConnectionHistory } from '../shared/protocol';
import type { ConnectionSnapshot } from '../shared/snapshot';
import type { ChartDataSource, SampleWindow } from './chartDataSource';

/** Where the views read connections from. */
export interface ViewSource {
  snapshots(): readonly ConnectionSnapshot[];
  connections(): readonly ConnectionConfig[];
  /** A view became visible: poll what is due now. */
  viewVisible(): void;
}

export async function connectionHistory(
  data: ChartDataSource,
  snapshot: ConnectionSnapshot,
  config: ConnectionConfig | undefined,
  window: SampleWindow,
  now: number,
): Promise<ConnectionHistory> {
  const samples = await data.samples(snapshot.id, window, snapshot.lastSuccessAt ?? 0, now);
  const { warnPercent, criticalPercent } = quotaThresholds(config?.quota);
  // Columns keyed and typed by the descriptor: context labels merge, semantics travel with each column.
  const identity = columnIdentity(config ? descriptorFor(config) : descriptorOfKind(snapshot.kind));
  return {
    connectionId: snapshot.id,
    from: window.from,
    to: window.to,
    ...(window.bucketMs === undefined ? {} : { bucketMs: window.bucketMs }),
    warnPercent,
    criticalPercent,
    series: toColumns(samples, identity),
  };
}

export function configsById(source: ViewSource): Map<string, ConnectionConfig> {
  return new Map(source.connections().map((config) => [config.id, config]));
}
