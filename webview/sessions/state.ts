/**
 * The Browserbase sessions panel's state provider: the choices kept in the webview state (connection,
 * the builder's rows, status, sort, usage-by-tag key and measure, the launch form), what the host told
 * it (connections, saved queries, launch options), the latest find and its results, and the launch
 * under way. Every change goes through a method here, which returns the messages to send; the page's
 * components only draw and call. No DOM, so the rules are tested in Node. The launch form's headroom
 * and usage by tag's billing cycle come from the host on request (cycleCost.ts reads the cycle).
 *
 * Requests carry ids: only the answer to the latest find is shown, and only the answer to the latest
 * launch ends it, so a late answer to an older query never replaces a newer one.
 */
import { formatKeyPath, SESSION_STATUSES, type MetadataCondition, type MetadataQuery, type SavedQuery } from '../../src/shared/metadataQuery';
import { DEFAULT_RUNAWAY_MINUTES } from '../../src/shared/runawaySessions';
import { fromSessionColumns, type SessionRow } from '../../src/shared/sessionColumns';
import type { SessionAction, SessionsConnection, SessionsHostMessage, SessionsPageMessage } from '../../src/shared/sessionsProtocol';
import { DEFAULT_SORT, isSessionColumn, nextSort, sortSessions, type SessionColumn, type SessionSort } from '../../src/shared/sessionTable';
import { Store } from '../common/store';
import { chooseKey, keyChoices, type KeyChoice, type Measure } from './breakdownModel';
import { BLANK_ROW, buildQuery, checkRows, type BuiltQuery, type CheckedRows, type RowText } from './builder';
import type { CostPerTag } from '../../src/shared/costPerTag';
import { cycleExport, cycleKeyChoices, readCycle, type CycleRead, type Scope } from './cycleCost';
import { readLaunch, type LaunchChoices, type LaunchRead } from './launch';

/** What the page keeps across reloads: UI choices only. */
export interface SessionsChoices {
  readonly connectionId?: string;
  readonly rows: readonly RowText[];
  readonly status: string;
  readonly sort: SessionSort;
  readonly breakdownKey?: string;
  readonly measure: Measure;
  /** Usage by tag over the matching sessions, or this billing cycle's sessions with their cost. */
  readonly scope: Scope;
  readonly launch: LaunchChoices;
}

export interface ResultSet {
  readonly requestId: number;
  readonly connectionId: string;
  /** The query these are the answer to. */
  readonly query: MetadataQuery;
  readonly rows: readonly SessionRow[];
  /** The rows in the table's order. */
  readonly sorted: readonly SessionRow[];
  readonly q?: string;
  readonly returned: number;
  readonly fetchedAt: number;
  /** The clock durations of running sessions are measured against. */
  readonly now: number;
  /** The connection's runaway threshold: running this long or longer is marked. */
  readonly runawayMinutes: number;
}

export type LaunchOutcome =
  | {
      readonly kind: 'started';
      readonly session: SessionRow;
      readonly connectUrl: string;
      readonly reused: boolean;
      readonly tags: readonly MetadataCondition[];
    }
  | { readonly kind: 'cancelled' }
  | { readonly kind: 'failed'; readonly message: string };

export interface HostOptions {
  readonly connections: readonly SessionsConnection[];
  readonly savedQueries: readonly SavedQuery[];
  readonly regions: readonly string[];
  readonly timeoutRange: readonly [number, number];
}

export interface SessionsState {
  readonly choices: SessionsChoices;
  readonly host?: HostOptions;
  readonly checked: CheckedRows;
  readonly built: BuiltQuery;
  /** The latest find: under way, or failed with the host's words. */
  readonly find?: { readonly requestId: number; readonly query: MetadataQuery; readonly busy: boolean; readonly error?: string };
  readonly results?: ResultSet;
  readonly launch: {
    readonly requestId?: number;
    readonly pending: boolean;
    readonly read: LaunchRead;
    readonly outcome?: LaunchOutcome;
    readonly tags: readonly MetadataCondition[];
  };
  /** The project's headroom, as the host last read it for the chosen connection. */
  readonly headroom?: { readonly connectionId: string; readonly text: string; readonly warning?: string; readonly readAt: number };
  /** This billing cycle's sessions, asked for when usage by tag shows the cycle. */
  readonly cycle?: CycleRead;
}

const MEASURE_IDS: readonly Measure[] = ['minutes', 'sessions', 'proxyBytes'];

function rowList(value: unknown): RowText[] {
  if (!Array.isArray(value)) return [BLANK_ROW];
  const rows = value
    .filter((row): row is RowText => typeof row === 'object' && row !== null && typeof row.key === 'string' && typeof row.value === 'string')
    .map((row) => ({ key: row.key, value: row.value }));
  return rows.length > 0 ? rows : [BLANK_ROW];
}

/** The choices a page saved, each field checked: an older page's state must not break a newer one. */
export function readChoices(saved: unknown): SessionsChoices {
  const state = typeof saved === 'object' && saved !== null ? (saved as Record<string, unknown>) : {};
  const sort = state.sort as Partial<SessionSort> | undefined;
  const launch = typeof state.launch === 'object' && state.launch !== null ? (state.launch as Record<string, unknown>) : {};
  return {
    ...(typeof state.connectionId === 'string' ? { connectionId: state.connectionId } : {}),
    rows: rowList(state.rows),
    status: typeof state.status === 'string' ? state.status : '',
    sort:
      isSessionColumn(sort?.column) && (sort?.direction === 'ascending' || sort?.direction === 'descending')
        ? { column: sort.column, direction: sort.direction }
        : DEFAULT_SORT,
    ...(typeof state.breakdownKey === 'string' ? { breakdownKey: state.breakdownKey } : {}),
    measure: MEASURE_IDS.includes(state.measure as Measure) ? (state.measure as Measure) : 'minutes',
    scope: state.scope === 'cycle' ? 'cycle' : 'results',
    launch: {
      tagSource: launch.tagSource === 'own' ? 'own' : 'query',
      ownTags: rowList(launch.ownTags),
      region: typeof launch.region === 'string' ? launch.region : '',
      keepAlive: launch.keepAlive === true,
      timeout: typeof launch.timeout === 'string' ? launch.timeout : '',
    },
  };
}

const DEFAULT_TIMEOUTS: readonly [number, number] = [60, 21600];

type WireQuery = Extract<SessionsPageMessage, { type: 'find' }>['query'];

/** A checked query as it goes to the host: plain arrays, a status the builder offered. */
function wireQuery(query: MetadataQuery): WireQuery {
  return {
    conditions: query.conditions.map((condition) => ({ path: [...condition.path], value: condition.value })),
    ...(query.status && (SESSION_STATUSES as readonly string[]).includes(query.status) ? { status: query.status as WireQuery['status'] } : {}),
  };
}

/** Usage by tag's keys: the one chosen, and every key with whether the query fixes it. */
export interface Breakdown {
  readonly key?: string;
  readonly choices: readonly KeyChoice[];
}

export class SessionsStateProvider {
  readonly store: Store<SessionsState>;
  private requestCounter = 0;
  private breakdownMemo: { readonly source: object | undefined; readonly current: string | undefined; readonly value: Breakdown } | undefined;

  constructor(
    saved: unknown,
    private readonly persist: (choices: SessionsChoices) => void,
    private readonly now: () => number = Date.now,
  ) {
    const choices = readChoices(saved);
    const checked = checkRows(choices.rows, 'condition');
    this.store = new Store<SessionsState>({
      choices,
      checked,
      built: buildQuery(checked, choices.status),
      launch: { pending: false, read: readLaunch(choices.launch, checked, DEFAULT_TIMEOUTS), tags: [] },
    });
  }

  get state(): SessionsState {
    return this.store.state;
  }

  /** Applies new choices: the builder and the launch form are checked again, and the choices saved. */
  private choose(change: Partial<SessionsChoices>, extra: Partial<SessionsState> = {}): void {
    const choices: SessionsChoices = { ...this.state.choices, ...change };
    const checked = change.rows ? checkRows(choices.rows, 'condition') : this.state.checked;
    const built = change.rows || change.status !== undefined ? buildQuery(checked, choices.status) : this.state.built;
    const launch = { ...this.state.launch, read: readLaunch(choices.launch, checked, this.state.host?.timeoutRange ?? DEFAULT_TIMEOUTS) };
    this.store.set({ ...this.state, ...extra, choices, checked, built, launch });
    this.persist(choices);
  }

  /** Find is possible: a connection, and a query without problems. */
  get canFind(): boolean {
    return this.state.choices.connectionId !== undefined && this.state.built.problem === undefined;
  }

  // -------------------------------------------------------------------------------------------
  // The host's messages

  /** A host message; returns what to send in reply (an init runs the current query at once). */
  receive(message: SessionsHostMessage): SessionsPageMessage[] {
    switch (message.type) {
      case 'init':
        return this.receiveInit(message);
      case 'results': {
        const find = this.state.find;
        if (message.requestId !== find?.requestId) return [];
        const rows = fromSessionColumns(message.sessions);
        const now = this.now();
        const results: ResultSet = {
          requestId: message.requestId,
          connectionId: message.connectionId,
          query: find.query,
          rows,
          sorted: sortSessions(rows, this.state.choices.sort, now),
          ...(message.q === undefined ? {} : { q: message.q }),
          returned: message.returned,
          fetchedAt: message.fetchedAt,
          now,
          runawayMinutes: this.state.host?.connections.find((connection) => connection.id === message.connectionId)?.runawayMinutes ?? DEFAULT_RUNAWAY_MINUTES,
        };
        this.store.set({ ...this.state, find: { ...find, busy: false }, results });
        return [];
      }
      case 'failed':
        if (message.operation === 'find' && message.requestId === this.state.find?.requestId)
          this.store.set({ ...this.state, find: { ...this.state.find, busy: false, error: message.message } });
        else if (message.operation === 'cycle' && message.requestId === this.state.cycle?.requestId)
          this.store.set({ ...this.state, cycle: { ...this.state.cycle, busy: false, error: message.message } });
        else if (message.operation === 'launch' && message.requestId === this.state.launch.requestId)
          this.store.set({ ...this.state, launch: { ...this.state.launch, pending: false, outcome: { kind: 'failed', message: message.message } } });
        return [];
      case 'launchCancelled':
        if (message.requestId === this.state.launch.requestId)
          this.store.set({ ...this.state, launch: { ...this.state.launch, pending: false, outcome: { kind: 'cancelled' } } });
        return [];
      case 'launched':
        if (message.requestId === this.state.launch.requestId) {
          const outcome: LaunchOutcome = {
            kind: 'started',
            session: message.session,
            connectUrl: message.connectUrl,
            reused: message.reused,
            tags: this.state.launch.tags,
          };
          this.store.set({ ...this.state, launch: { ...this.state.launch, pending: false, outcome } });
        }
        return [];
      case 'headroom':
        if (message.connectionId === this.state.choices.connectionId) {
          const { type: _type, ...headroom } = message;
          this.store.set({ ...this.state, headroom });
        }
        return [];
      case 'cycle': {
        const cycle = this.state.cycle;
        if (message.requestId !== cycle?.requestId) return [];
        this.store.set({ ...this.state, cycle: readCycle(message) });
        return [];
      }
      case 'session': {
        const results = this.state.results;
        if (results?.connectionId !== message.connectionId) return [];
        const replace = (list: readonly SessionRow[]) => list.map((row) => (row.id === message.session.id ? message.session : row));
        // In place, keeping the order; the next sort places it anew.
        this.store.set({ ...this.state, results: { ...results, rows: replace(results.rows), sorted: replace(results.sorted) } });
        return [];
      }
    }
  }

  private receiveInit(message: Extract<SessionsHostMessage, { type: 'init' }>): SessionsPageMessage[] {
    const first = this.state.host === undefined;
    const ids = message.connections.map((connection) => connection.id);
    const current = this.state.choices.connectionId;
    const preferred = message.connectionId;
    const chosen = preferred && ids.includes(preferred) ? preferred : current && ids.includes(current) ? current : ids[0];
    const host: HostOptions = {
      connections: message.connections,
      savedQueries: message.savedQueries,
      regions: message.regions,
      timeoutRange: message.timeoutRange,
    };
    const region = message.regions.includes(this.state.choices.launch.region) ? this.state.choices.launch.region : (message.regions[0] ?? '');
    this.store.set({ ...this.state, host });
    this.choose({ ...(chosen === undefined ? {} : { connectionId: chosen }), launch: { ...this.state.choices.launch, region } });
    if (chosen === undefined) return [];
    // The current query (all sessions when it is empty) runs at once: the panel opens on answers, the
    // launch form on the project's headroom.
    if (first || chosen !== current || (preferred !== undefined && !this.state.results)) return [...this.findMessages(), ...this.connectionMessages(chosen)];
    return [];
  }

  /** A connection just chosen: its headroom, and its cycle when usage by tag shows the cycle. What another connection told is dropped. */
  private connectionMessages(connectionId: string): SessionsPageMessage[] {
    const { headroom: _headroom, cycle: _cycle, ...rest } = this.state;
    this.store.set(rest);
    return [{ type: 'headroom', connectionId }, ...(this.state.choices.scope === 'cycle' ? this.cycleMessages() : [])];
  }

  /** Reads this billing cycle's sessions of the chosen connection. */
  cycleMessages(): SessionsPageMessage[] {
    const connectionId = this.state.choices.connectionId;
    if (connectionId === undefined) return [];
    const requestId = ++this.requestCounter;
    this.store.set({ ...this.state, cycle: { requestId, connectionId, busy: true } });
    return [{ type: 'cycle', requestId, connectionId }];
  }

  /** Usage by tag over the matching sessions or this billing cycle; the cycle is read the first time it is shown. */
  setScope(scope: Scope): SessionsPageMessage[] {
    this.choose({ scope });
    const cycle = this.state.cycle;
    return scope === 'cycle' && (cycle === undefined || cycle.error !== undefined) ? this.cycleMessages() : [];
  }

  // -------------------------------------------------------------------------------------------
  // The query builder

  editRow(index: number, part: 'key' | 'value', text: string): void {
    this.choose({ rows: this.state.choices.rows.map((row, i) => (i === index ? { ...row, [part]: text } : row)) });
  }

  addRow(): void {
    this.choose({ rows: [...this.state.choices.rows, BLANK_ROW] });
  }

  /** At least one row stays, so there is somewhere to type. */
  removeRow(index: number): void {
    const rows = this.state.choices.rows.filter((_, i) => i !== index);
    this.choose({ rows: rows.length > 0 ? rows : [BLANK_ROW] });
  }

  setStatus(status: string): void {
    this.choose({ status });
  }

  loadQuery(query: MetadataQuery): void {
    const rows = query.conditions.map((condition) => ({ key: formatKeyPath(condition.path), value: condition.value }));
    this.choose({ rows: rows.length > 0 ? rows : [BLANK_ROW], status: query.status ?? '' });
  }

  selectConnection(connectionId: string): SessionsPageMessage[] {
    if (connectionId === this.state.choices.connectionId) return [];
    this.choose({ connectionId });
    return [...this.findMessages(), ...this.connectionMessages(connectionId)];
  }

  /** Runs the builder's query; nothing when it has a problem or there is no connection. */
  findMessages(): SessionsPageMessage[] {
    const connectionId = this.state.choices.connectionId;
    const { query, problem } = this.state.built;
    if (problem !== undefined || connectionId === undefined) return [];
    const requestId = ++this.requestCounter;
    this.store.set({ ...this.state, find: { requestId, query, busy: true } });
    return [{ type: 'find', requestId, connectionId, query: wireQuery(query) }];
  }

  /** A saved query: loaded into the builder and run. */
  runSaved(name: string): SessionsPageMessage[] {
    const saved = this.state.host?.savedQueries.find((entry) => entry.name === name);
    if (!saved) return [];
    this.loadQuery(saved.query);
    return this.findMessages();
  }

  /** Saves the builder's query under `name`, or says why not. */
  save(name: string): SessionsPageMessage | { problem: string } {
    const trimmed = name.trim();
    const { query, problem } = this.state.built;
    if (problem) return { problem };
    if (!trimmed) return { problem: 'Give the query a name to save it.' };
    return { type: 'saveQuery', saved: { name: trimmed, query: wireQuery(query) } };
  }

  // -------------------------------------------------------------------------------------------
  // Results and usage by tag

  sortBy(column: SessionColumn): void {
    const sort = nextSort(this.state.choices.sort, column);
    const results = this.state.results;
    this.choose({ sort }, results ? { results: { ...results, sorted: sortSessions(results.rows, sort, results.now) } } : {});
  }

  /**
   * The keys to break the results down by and the one chosen. Worked out when usage by tag draws
   * (after the table is painted), not when the results arrive: it walks every session's metadata.
   */
  breakdown(): Breakdown {
    const results = this.state.results;
    const current = this.state.choices.breakdownKey;
    const cycle = this.state.choices.scope === 'cycle' ? this.state.cycle : undefined;
    const source = this.state.choices.scope === 'cycle' ? cycle : results;
    const memo = this.breakdownMemo;
    if (memo && memo.source === source && memo.current === current) return memo.value;
    let value: Breakdown = { choices: [] };
    if (this.state.choices.scope === 'cycle') {
      const choices = cycleKeyChoices(cycle);
      const key = chooseKey(choices, current);
      value = { ...(key === undefined ? {} : { key }), choices };
    } else if (results) {
      const fixed = results.query.conditions.map((condition) => formatKeyPath(condition.path));
      const choices = keyChoices(results.rows, fixed);
      const key = chooseKey(choices, current);
      value = { ...(key === undefined ? {} : { key }), choices };
    }
    this.breakdownMemo = { source, current, value };
    return value;
  }

  /** The cycle's cost per tag as CSV, for the host's save dialog. */
  exportCycleMessages(report: CostPerTag): SessionsPageMessage[] {
    const connectionId = this.state.cycle?.connectionId;
    return connectionId ? [cycleExport(connectionId, report)] : [];
  }

  setBreakdownKey(key: string): void {
    this.choose({ breakdownKey: key });
  }

  setMeasure(measure: Measure): void {
    this.choose({ measure });
  }

  sessionAction(sessionId: string, action: SessionAction): SessionsPageMessage[] {
    const connectionId = this.state.choices.connectionId;
    return connectionId ? [{ type: 'sessionAction', connectionId, sessionId, action }] : [];
  }

  // -------------------------------------------------------------------------------------------
  // The launch form

  editLaunch(change: Partial<LaunchChoices>): void {
    this.choose({ launch: { ...this.state.choices.launch, ...change } });
  }

  editTag(index: number, part: 'key' | 'value', text: string): void {
    this.editLaunch({ ownTags: this.state.choices.launch.ownTags.map((row, i) => (i === index ? { ...row, [part]: text } : row)) });
  }

  addTag(): void {
    this.editLaunch({ ownTags: [...this.state.choices.launch.ownTags, BLANK_ROW] });
  }

  removeTag(index: number): void {
    const rows = this.state.choices.launch.ownTags.filter((_, i) => i !== index);
    this.editLaunch({ ownTags: rows.length > 0 ? rows : [BLANK_ROW] });
  }

  /** Launches with the form's options; one click at a time (the host also joins a repeated request). */
  launchMessages(): SessionsPageMessage[] {
    const connectionId = this.state.choices.connectionId;
    const read = this.state.launch.read;
    if (this.state.launch.pending || !connectionId || !('options' in read)) return [];
    const requestId = ++this.requestCounter;
    const { outcome: _outcome, ...launch } = this.state.launch;
    this.store.set({ ...this.state, launch: { ...launch, requestId, pending: true, tags: read.tags } });
    return [{ type: 'launch', requestId, connectionId, options: read.options }];
  }

  /** "Find sessions with these tags" after a launch: the tags become the query, which runs. */
  findTagged(tags: readonly MetadataCondition[]): SessionsPageMessage[] {
    this.loadQuery({ conditions: tags });
    return this.findMessages();
  }
}
