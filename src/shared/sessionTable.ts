/**
 * The sessions table's columns: what each cell shows and how each column sorts. Pure, so the order
 * is tested here and the page only draws. Sort keys are computed once per sort (not per comparison),
 * which keeps sorting ten thousand rows to a few milliseconds.
 */
import { formatBytes, formatDuration } from './format';
import { formatKeyPath } from './metadataQuery';
import type { SessionRow } from './sessionColumns';
import { usageDurationMs } from './usageByTag';

export type SessionColumn = 'id' | 'status' | 'region' | 'created' | 'duration' | 'proxy' | 'metadata';
export type SortDirection = 'ascending' | 'descending';

export interface SessionSort {
  readonly column: SessionColumn;
  readonly direction: SortDirection;
}

export const SESSION_COLUMNS: readonly { readonly id: SessionColumn; readonly label: string; readonly numeric?: boolean }[] = [
  { id: 'id', label: 'Session' },
  { id: 'status', label: 'Status' },
  { id: 'region', label: 'Region' },
  { id: 'created', label: 'Created' },
  { id: 'duration', label: 'Duration', numeric: true },
  { id: 'proxy', label: 'Proxy', numeric: true },
  { id: 'metadata', label: 'Metadata' },
];

export const DEFAULT_SORT: SessionSort = { column: 'created', direction: 'descending' };

export function isSessionColumn(value: unknown): value is SessionColumn {
  return SESSION_COLUMNS.some((column) => column.id === value);
}

export interface MetadataEntry {
  /** The key path as the builder writes it: `client`, `order > status`. */
  readonly key: string;
  /** Strings as they are; anything else (numbers, lists) as JSON. */
  readonly value: string;
}

/** A session's tags as `key = value` pairs, nested keys as paths, in the order they were set. */
export function metadataEntries(row: Pick<SessionRow, 'userMetadata'>): MetadataEntry[] {
  const entries: MetadataEntry[] = [];
  const walk = (node: Readonly<Record<string, unknown>>, path: string[]) => {
    for (const [key, value] of Object.entries(node)) {
      const at = [...path, key];
      if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0) walk(value as Record<string, unknown>, at);
      else entries.push({ key: formatKeyPath(at), value: typeof value === 'string' ? value : JSON.stringify(value) });
    }
  };
  if (row.userMetadata) walk(row.userMetadata, []);
  return entries;
}

/** The metadata as one line of `key = value` pairs, as the table sorts it and a screen reader reads it. */
export function metadataText(row: Pick<SessionRow, 'userMetadata'>): string {
  return metadataEntries(row)
    .map((entry) => `${entry.key} = ${entry.value}`)
    .join('; ');
}

function sortKey(row: SessionRow, column: SessionColumn, now: number): string | number | null {
  switch (column) {
    case 'id':
      return row.id;
    case 'status':
      return row.status;
    case 'region':
      return row.region;
    case 'created': {
      const at = Date.parse(row.createdAt);
      return Number.isNaN(at) ? null : at;
    }
    case 'duration':
      return usageDurationMs(row, now);
    case 'proxy':
      return row.proxyBytes;
    case 'metadata':
      return metadataText(row);
  }
}

/**
 * A sorted copy. Unknown values (a session without a duration) go last in either direction, ties
 * keep newest first, so the order is the same on every redraw.
 */
export function sortSessions(rows: readonly SessionRow[], sort: SessionSort, now: number): SessionRow[] {
  const keyed = rows.map((row, index) => ({ row, index, key: sortKey(row, sort.column, now), created: Date.parse(row.createdAt) || 0 }));
  const sign = sort.direction === 'ascending' ? 1 : -1;
  keyed.sort((a, b) => {
    if (a.key === null || b.key === null) {
      if (a.key !== b.key) return a.key === null ? 1 : -1;
    } else if (a.key !== b.key) {
      return (a.key < b.key ? -1 : 1) * sign;
    }
    return b.created - a.created || a.index - b.index;
  });
  return keyed.map((entry) => entry.row);
}

/** The next sort after a click on a column's header: the same column flips, a new one starts at its natural order. */
export function nextSort(current: SessionSort, column: SessionColumn): SessionSort {
  if (current.column === column) return { column, direction: current.direction === 'ascending' ? 'descending' : 'ascending' };
  const numericOrTime = column === 'created' || column === 'duration' || column === 'proxy';
  return { column, direction: numericOrTime ? 'descending' : 'ascending' };
}

/** The text of each cell, in column order (durations in the one duration format). */
export function sessionCells(row: SessionRow, now: number, formatTime: (at: number) => string): string[] {
  const created = Date.parse(row.createdAt);
  const duration = usageDurationMs(row, now);
  return [
    row.id,
    row.status,
    row.region,
    Number.isNaN(created) ? row.createdAt : formatTime(created),
    // A running session's duration grows; its status column says it runs.
    duration === null ? '—' : formatDuration(Math.round(duration / 1000)),
    formatBytes(row.proxyBytes),
    metadataText(row) || '—',
  ];
}
