/**
 * A result set of Browserbase sessions as the sessions panel receives it: the fields it shows, as
 * parallel columns of plain values (thousands of sessions cost far less to post and to receive than
 * as objects). Pure, no schema: the page imports these helpers.
 */
import { isRecord, MAX_HOST_MESSAGE_DEPTH, withinDepth } from './guards';

/** The session fields the panel shows and totals (a Browserbase Session, trimmed). */
export interface SessionRow {
  readonly id: string;
  readonly status: string;
  readonly region: string;
  readonly createdAt: string;
  readonly startedAt?: string | null;
  readonly endedAt?: string | null;
  readonly proxyBytes: number;
  readonly keepAlive: boolean;
  readonly userMetadata?: Readonly<Record<string, unknown>> | null;
}

/**
 * A result set as parallel columns of plain values: thousands of sessions cost far less to post and
 * to receive than as objects (no repeated keys, no nested objects to clone). `metadata` holds each
 * session's userMetadata as JSON ('' for none).
 */
export interface SessionColumns {
  readonly id: readonly string[];
  readonly status: readonly string[];
  readonly region: readonly string[];
  readonly createdAt: readonly string[];
  readonly startedAt: readonly (string | null)[];
  readonly endedAt: readonly (string | null)[];
  readonly proxyBytes: readonly number[];
  readonly keepAlive: readonly boolean[];
  readonly metadata: readonly string[];
}

export function toSessionColumns(rows: readonly SessionRow[]): SessionColumns {
  const pick = <T>(read: (row: SessionRow) => T) => rows.map(read);
  return {
    id: pick((row) => row.id),
    status: pick((row) => row.status),
    region: pick((row) => row.region),
    createdAt: pick((row) => row.createdAt),
    startedAt: pick((row) => row.startedAt ?? null),
    endedAt: pick((row) => row.endedAt ?? null),
    proxyBytes: pick((row) => row.proxyBytes),
    keepAlive: pick((row) => row.keepAlive),
    metadata: pick((row) => (row.userMetadata ? JSON.stringify(row.userMetadata) : '')),
  };
}

/** The rows back from checked columns; a metadata cell that is not a JSON object reads as none. */
export function fromSessionColumns(columns: SessionColumns): SessionRow[] {
  const rows: SessionRow[] = new Array(columns.id.length);
  for (let i = 0; i < rows.length; i++) {
    const text = columns.metadata[i] ?? '';
    let metadata: Record<string, unknown> | null = null;
    if (text !== '') {
      try {
        const parsed: unknown = JSON.parse(text);
        // Nested past any real metadata: read as none, not walked (rows are drawn from it).
        if (isRecord(parsed) && withinDepth(parsed, MAX_HOST_MESSAGE_DEPTH)) metadata = parsed;
      } catch {
        // Left as none: one bad cell does not hide the result.
      }
    }
    rows[i] = {
      id: columns.id[i] ?? '',
      status: columns.status[i] ?? '',
      region: columns.region[i] ?? '',
      createdAt: columns.createdAt[i] ?? '',
      startedAt: columns.startedAt[i] ?? null,
      endedAt: columns.endedAt[i] ?? null,
      proxyBytes: columns.proxyBytes[i] ?? 0,
      keepAlive: columns.keepAlive[i] ?? false,
      userMetadata: metadata,
    };
  }
  return rows;
}

/** A Browserbase session as the panel needs it: no URLs, keys or project ids. */
export function toSessionRow(session: SessionRow): SessionRow {
  const { id, status, region, createdAt, startedAt, endedAt, proxyBytes, keepAlive, userMetadata } = session;
  return { id, status, region, createdAt, startedAt: startedAt ?? null, endedAt: endedAt ?? null, proxyBytes, keepAlive, userMetadata: userMetadata ?? null };
}
