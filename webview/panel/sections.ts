/**
 * What the usage panel draws for each connection, from a snapshot: its one state word (the same the
 * sidebar card shows), its charts over the range, and each time axis fitted to the data. Pure.
 *
 * Fitting: a range longer than the history there is would squeeze every point against the right
 * edge, so a chart whose data starts well into the range starts a little before its first point, and
 * the section says where the history starts. Each chart fits its own data: a feed polled every 15 s
 * since a minute ago is not drawn as dots at the edge of another feed's three hours.
 */
import { descriptorOfKind } from '../../src/providers/registry';
import { buildCharts, type ChartData } from '../../src/shared/chartGroups';
import { connectionState, type ConnectionState } from '../../src/shared/connectionState';
import type { PanelSnapshot } from '../../src/shared/panelProtocol';
import type { ConnectionSnapshot } from '../../src/shared/snapshot';
import { formatDateTime } from '../../src/shared/timeAxis';

export interface SectionModel {
  readonly connection: ConnectionSnapshot;
  readonly state: ConnectionState;
  readonly charts: readonly ChartData[];
  /** Where the range starts (the axis may start later, where the history does). */
  readonly rangeFrom?: number;
  /** Where the fitted axis starts, when the history starts after the range does. */
  readonly historyFrom?: number;
}

/** A history starting this far into the range is fitted: less than this, the range is drawn as it is. */
const FIT_THRESHOLD = 0.1;
/** Room before the first point, as a share of what is drawn, so it does not sit on the axis. */
const LEAD = 0.03;
/** The shortest fitted axis: a couple of readings still get a readable span. */
const MIN_FITTED_SPAN_MS = 5 * 60_000;

/** The first time any of the charts has a value. */
export function firstPointAt(charts: readonly ChartData[]): number | undefined {
  let first: number | undefined;
  for (const chart of charts) {
    for (const series of chart.series) {
      const index = series.v.findIndex((value) => value !== null);
      const at = index < 0 ? undefined : series.t[index];
      if (at !== undefined && (first === undefined || at < first)) first = at;
    }
  }
  return first;
}

/** The axis start for a window [from, to] whose data begins at `first`. */
export function fittedStart(from: number, to: number, first: number | undefined): number {
  if (first === undefined || first <= from || first - from < (to - from) * FIT_THRESHOLD) return from;
  const shown = Math.max(MIN_FITTED_SPAN_MS, (to - first) * (1 + LEAD));
  return Math.max(from, to - shown);
}

export function sectionModels(snapshot: PanelSnapshot, now: number): SectionModel[] {
  const histories = new Map(snapshot.histories.map((history) => [history.connectionId, history]));
  return snapshot.connections.map((connection) => {
    const history = histories.get(connection.id);
    const charts = history ? buildCharts(descriptorOfKind(connection.kind), history, connection.quotas) : [];
    const fitted = charts.map((chart) => ({ ...chart, from: fittedStart(chart.from, chart.to, firstPointAt([chart])) }));
    const first = firstPointAt(charts);
    const anyFitted = fitted.some((chart, index) => chart.from > (charts[index] as ChartData).from);
    return {
      connection,
      state: connectionState(connection, now),
      charts: fitted,
      ...(history ? { rangeFrom: history.from } : {}),
      ...(anyFitted && first !== undefined && history !== undefined && fittedStart(history.from, history.to, first) > history.from
        ? { historyFrom: first }
        : {}),
    };
  });
}

/**
 * What the toolbar says about the range, when there is something to say: that the host chose it to
 * fit the history, and where the history starts when that is after the range does.
 */
export function rangeNote(snapshot: PanelSnapshot, sections: readonly SectionModel[], rangeLabel: string): string {
  if (sections.length === 0) return '';
  const starts = sections.map((section) => section.historyFrom).filter((at): at is number => at !== undefined);
  const first = starts.length === sections.length && starts.length > 0 ? Math.min(...starts) : undefined;
  const since = first === undefined ? '' : `history since ${formatDateTime(first, {}, false)}`;
  if (snapshot.fitted) return `${rangeLabel} fits the history there is${since ? ` (${since})` : ''}.`;
  return since ? `Only part of the range has history: ${since}; the axes start there.` : '';
}
