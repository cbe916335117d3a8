/**
 * Usage by tag over this billing cycle: the cycle's sessions as the host read them, grouped by a key
 * with the same function the Command Palette's cost per tag uses (src/shared/costPerTag.ts), so the
 * panel, the palette and the CSV show the same minutes, shares and projections. Pure, tested in Node.
 */
import { costPerTag, costPerTagCsv, costPerTagFileName, type CostPerTag, type CycleWindow } from '../../src/shared/costPerTag';
import { parseKeyPath } from '../../src/shared/metadataQuery';
import { fromSessionColumns, type SessionRow } from '../../src/shared/sessionColumns';
import type { SessionsHostMessage, SessionsPageMessage } from '../../src/shared/sessionsProtocol';
import { keyChoices, type KeyChoice } from './breakdownModel';

export type Scope = 'results' | 'cycle';

export interface CycleRead {
  readonly requestId: number;
  readonly connectionId: string;
  readonly busy: boolean;
  readonly error?: string;
  /** Once read: the project's sessions that started this cycle, the cycle, and when they were read. */
  readonly sessions?: { readonly rows: readonly SessionRow[]; readonly window: CycleWindow; readonly at: number };
}

export function readCycle(message: Extract<SessionsHostMessage, { type: 'cycle' }>): CycleRead {
  return {
    requestId: message.requestId,
    connectionId: message.connectionId,
    busy: false,
    sessions: { rows: fromSessionColumns(message.sessions), window: { start: message.start, end: message.end }, at: message.at },
  };
}

/** The cycle's keys, most common first. No query narrows the cycle, so none is fixed. */
export function cycleKeyChoices(cycle: CycleRead | undefined): KeyChoice[] {
  return cycle?.sessions ? keyChoices(cycle.sessions.rows, []) : [];
}

const reports = new WeakMap<CycleRead, { key: string; report: CostPerTag | undefined }>();

/** The cycle's cost by the values of `key`; undefined before the cycle is read or for a key that is not one. */
export function cycleReport(cycle: CycleRead | undefined, key: string | undefined): CostPerTag | undefined {
  if (!cycle?.sessions || key === undefined) return undefined;
  const memo = reports.get(cycle);
  if (memo?.key === key) return memo.report;
  const parsed = parseKeyPath(key);
  const { rows, window, at } = cycle.sessions;
  const report = 'path' in parsed ? costPerTag(rows, parsed.path, window, at) : undefined;
  reports.set(cycle, { key, report });
  return report;
}

/** The CSV the palette's export writes, for the host's save dialog. */
export function cycleExport(connectionId: string, report: CostPerTag): SessionsPageMessage {
  return { type: 'exportCsv', fileName: costPerTagFileName(connectionId, report), content: costPerTagCsv(report) };
}
