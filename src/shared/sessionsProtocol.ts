/**
 * The messages between the extension host and the Browserbase sessions panel (query builder,
 * results, usage by tag, launch form), with the guards each side runs on arrival.
 *
 * Flow: the page posts `ready`; the host answers `init` (connections, saved queries, launch options)
 * and posts it again whenever those change. Every find and launch carries a request id the answer
 * repeats, so a late answer to an older query never replaces a newer one.
 */
import { arrayOf, isCount, isFiniteNumber, isId, isRecord, isString, nullish, optional } from './guards';
import { SESSION_STATUSES, type MetadataCondition, type MetadataQuery, type SavedQuery } from './metadataQuery';

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

export interface SessionsConnection {
  readonly id: string;
  readonly label: string;
  readonly projectId?: string;
}

export interface LaunchOptions {
  readonly tags: readonly MetadataCondition[];
  readonly region?: string;
  readonly keepAlive?: boolean;
  readonly timeout?: number;
}

export type SessionAction = 'copyId' | 'copyConnectUrl' | 'openDebugger' | 'release';

export type SessionsHostMessage =
  | {
      readonly type: 'init';
      readonly connections: readonly SessionsConnection[];
      readonly savedQueries: readonly SavedQuery[];
      readonly regions: readonly string[];
      readonly timeoutRange: readonly [number, number];
      /** The connection to show, when the panel was opened for one. */
      readonly connectionId?: string;
    }
  | {
      readonly type: 'results';
      readonly requestId: number;
      readonly connectionId: string;
      readonly sessions: SessionColumns;
      /** The q sent, absent when no condition could be sent; `encoded` as it went in the URL. */
      readonly q?: string;
      readonly encoded?: string;
      /** How many sessions the server returned before every condition was checked here. */
      readonly returned: number;
      readonly fetchedAt: number;
    }
  | { readonly type: 'failed'; readonly requestId: number; readonly operation: 'find' | 'launch'; readonly message: string }
  /** The person said no to the confirmation: the form is ready again, nothing was started. */
  | { readonly type: 'launchCancelled'; readonly requestId: number }
  | {
      readonly type: 'launched';
      readonly requestId: number;
      readonly connectionId: string;
      readonly session: SessionRow;
      readonly connectUrl: string;
      readonly reused: boolean;
    }
  /** A session changed by an action (released), to update its row. */
  | { readonly type: 'session'; readonly connectionId: string; readonly session: SessionRow };

export type SessionsWebviewMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'find'; readonly requestId: number; readonly connectionId: string; readonly query: MetadataQuery }
  | { readonly type: 'launch'; readonly requestId: number; readonly connectionId: string; readonly options: LaunchOptions }
  | { readonly type: 'sessionAction'; readonly connectionId: string; readonly sessionId: string; readonly action: SessionAction }
  | { readonly type: 'saveQuery'; readonly saved: SavedQuery }
  | { readonly type: 'deleteQuery'; readonly name: string }
  | { readonly type: 'setToken'; readonly connectionId: string }
  | { readonly type: 'addConnection' }
  | { readonly type: 'rendered'; readonly rows: number; readonly ms: number };

/** Generous bounds: a webview is untrusted input, and nothing real comes near them. */
const MAX_CONDITIONS = 50;
const MAX_KEYS = 20;
const MAX_TEXT = 4096;

const isText = (value: unknown): value is string => typeof value === 'string' && value.length <= MAX_TEXT;

function isCondition(value: unknown): value is MetadataCondition {
  return isRecord(value) && arrayOf(isText, MAX_KEYS)(value.path) && isText(value.value);
}

const isStatus = (value: unknown): value is string => (SESSION_STATUSES as readonly unknown[]).includes(value);

/** A query rebuilt from checked fields only. */
function readQuery(value: unknown): MetadataQuery | undefined {
  if (!isRecord(value) || !arrayOf(isCondition, MAX_CONDITIONS)(value.conditions) || !optional(isStatus)(value.status)) return undefined;
  return { conditions: value.conditions.map(({ path, value: text }) => ({ path: [...path], value: text })), ...(value.status ? { status: value.status } : {}) };
}

function readSaved(value: unknown): SavedQuery | undefined {
  if (!isRecord(value) || !isText(value.name) || value.name.trim() === '') return undefined;
  const query = readQuery(value.query);
  return query ? { name: value.name.trim(), query } : undefined;
}

function readLaunchOptions(value: unknown): LaunchOptions | undefined {
  if (!isRecord(value) || !arrayOf(isCondition, MAX_CONDITIONS)(value.tags)) return undefined;
  const { region, keepAlive, timeout } = value;
  if (!optional(isText)(region) || !(keepAlive === undefined || typeof keepAlive === 'boolean') || !optional(isFiniteNumber)(timeout)) return undefined;
  return {
    tags: value.tags.map(({ path, value: text }) => ({ path: [...path], value: text })),
    ...(region === undefined ? {} : { region }),
    ...(keepAlive === undefined ? {} : { keepAlive }),
    ...(timeout === undefined ? {} : { timeout }),
  };
}

const ACTIONS: readonly SessionAction[] = ['copyId', 'copyConnectUrl', 'openDebugger', 'release'];

/** The page's message rebuilt from checked fields, or undefined when the host does not accept it. */
export function parseSessionsWebviewMessage(data: unknown): SessionsWebviewMessage | undefined {
  if (!isRecord(data)) return undefined;
  const { requestId, connectionId } = data;
  switch (data.type) {
    case 'ready':
      return { type: 'ready' };
    case 'addConnection':
      return { type: 'addConnection' };
    case 'setToken':
      return isId(connectionId) ? { type: 'setToken', connectionId } : undefined;
    case 'find': {
      const query = readQuery(data.query);
      return query && isCount(requestId) && isId(connectionId) ? { type: 'find', requestId, connectionId, query } : undefined;
    }
    case 'launch': {
      const options = readLaunchOptions(data.options);
      return options && isCount(requestId) && isId(connectionId) ? { type: 'launch', requestId, connectionId, options } : undefined;
    }
    case 'sessionAction': {
      const { sessionId, action } = data;
      if (!isId(connectionId) || !isId(sessionId) || !(ACTIONS as readonly unknown[]).includes(action)) return undefined;
      return { type: 'sessionAction', connectionId, sessionId, action: action as SessionAction };
    }
    case 'saveQuery': {
      const saved = readSaved(data.saved);
      return saved ? { type: 'saveQuery', saved } : undefined;
    }
    case 'deleteQuery':
      return isText(data.name) && data.name !== '' ? { type: 'deleteQuery', name: data.name } : undefined;
    case 'rendered':
      return isCount(data.rows) && isFiniteNumber(data.ms) ? { type: 'rendered', rows: data.rows, ms: data.ms } : undefined;
    default:
      return undefined;
  }
}

function isSessionRow(value: unknown): value is SessionRow {
  return (
    isRecord(value) &&
    isId(value.id) &&
    isString(value.status) &&
    isString(value.region) &&
    isString(value.createdAt) &&
    nullish(isString)(value.startedAt) &&
    nullish(isString)(value.endedAt) &&
    isCount(value.proxyBytes) &&
    typeof value.keepAlive === 'boolean' &&
    nullish(isRecord)(value.userMetadata)
  );
}

const COLUMN_GUARDS: { readonly [K in keyof SessionColumns]: (value: unknown) => boolean } = {
  id: isId,
  status: isString,
  region: isString,
  createdAt: isString,
  startedAt: (value) => value === null || isString(value),
  endedAt: (value) => value === null || isString(value),
  proxyBytes: isCount,
  keepAlive: (value) => typeof value === 'boolean',
  metadata: isString,
};

function isSessionColumns(value: unknown): value is SessionColumns {
  if (!isRecord(value) || !Array.isArray(value.id)) return false;
  const length = value.id.length;
  for (const [name, guard] of Object.entries(COLUMN_GUARDS)) {
    const column = value[name];
    if (!Array.isArray(column) || column.length !== length) return false;
    for (let i = 0; i < length; i++) if (!guard(column[i])) return false;
  }
  return true;
}

function isConnection(value: unknown): value is SessionsConnection {
  return isRecord(value) && isId(value.id) && isString(value.label) && optional(isString)(value.projectId);
}

/** The host's message, or undefined (the page then ignores it). */
export function parseSessionsHostMessage(data: unknown): SessionsHostMessage | undefined {
  if (!isRecord(data)) return undefined;
  const ok = (check: boolean) => (check ? (data as unknown as SessionsHostMessage) : undefined);
  switch (data.type) {
    case 'init': {
      const range = data.timeoutRange;
      return ok(
        arrayOf(isConnection)(data.connections) &&
          arrayOf((saved): saved is SavedQuery => readSaved(saved) !== undefined)(data.savedQueries) &&
          arrayOf(isString)(data.regions) &&
          Array.isArray(range) &&
          range.length === 2 &&
          range.every(isCount) &&
          optional(isId)(data.connectionId),
      );
    }
    case 'results':
      return ok(
        isCount(data.requestId) &&
          isId(data.connectionId) &&
          isSessionColumns(data.sessions) &&
          optional(isString)(data.q) &&
          optional(isString)(data.encoded) &&
          isCount(data.returned) &&
          isFiniteNumber(data.fetchedAt),
      );
    case 'failed':
      return ok(isCount(data.requestId) && (data.operation === 'find' || data.operation === 'launch') && isString(data.message));
    case 'launchCancelled':
      return ok(isCount(data.requestId));
    case 'launched':
      return ok(
        isCount(data.requestId) && isId(data.connectionId) && isSessionRow(data.session) && isString(data.connectUrl) && typeof data.reused === 'boolean',
      );
    case 'session':
      return ok(isId(data.connectionId) && isSessionRow(data.session));
    default:
      return undefined;
  }
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
        if (isRecord(parsed)) metadata = parsed;
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
