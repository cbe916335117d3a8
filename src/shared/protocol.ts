/**
 * The messages between the extension host and its two webviews (the sidebar overview and the usage
 * panel), as discriminated unions, with the guards each side runs on arrival: a webview is untrusted
 * input to the host, and the host's messages are checked before the webview draws from them
 * (guards.ts).
 *
 * Flow: the webview posts `ready` (with the UI choices it restored), the host answers with a whole
 * `snapshot`, and posts a new whole snapshot on every change while the view is visible and again
 * when it becomes visible. Nothing is ever posted to a hidden view.
 */
import {
  arrayOf,
  isBoolean,
  isId,
  isNumber,
  isNumberOrNull,
  isRecord,
  isString,
  MAX_HOST_MESSAGE_DEPTH,
  MAX_WEBVIEW_MESSAGE_DEPTH,
  oneOf,
  optional,
  withinDepth,
} from './guards';
import type { MetricUnit, RatePer } from './samples';
import { SERIES_SEMANTICS, type SeriesSemantics } from './seriesModel';
import type { ConnectionSnapshot } from './snapshot';
import { isRangeId, type RangeId } from './ranges';

export type { RangeId };

export type Surface = 'panel' | 'sidebar';
/** VS Code's ColorThemeKind, by name. The webview also follows its body classes as they change. */
export type ThemeKind = 'light' | 'dark' | 'highContrast' | 'highContrastLight';
export type ExportFormat = 'csv' | 'json';

/**
 * The history of one series and label set over the window, as parallel arrays (times ascending):
 * compact to post, and the webview groups them into charts (src/shared/chartGroups.ts).
 */
export interface SeriesColumns {
  readonly series: string;
  readonly unit: MetricUnit;
  /** The identifying labels only: readings that differ in a context label are one column. */
  readonly labels?: Readonly<Record<string, string>>;
  /** How the series reads, from its provider's descriptor (absent: a gauge). */
  readonly semantics?: SeriesSemantics;
  /** False for a series the descriptor does not declare: it goes to "Other values", not to a chart. */
  readonly known?: boolean;
  /** Histogram and summary parts: the family and which part this is. */
  readonly family?: string;
  readonly component?: 'bucket' | 'sum' | 'count' | 'quantile';
  /** Counters: the rate is per second or per minute. */
  readonly rate?: RatePer;
  /** Epoch ms of each point (a bucket's start when the history is bucketed). */
  readonly t: readonly number[];
  /** The value; null is "no value". For buckets: the mean. */
  readonly v: readonly (number | null)[];
  /** Bucketed history only: each bucket's minimum, maximum, newest value and sample count. */
  readonly lo?: readonly (number | null)[];
  readonly hi?: readonly (number | null)[];
  readonly last?: readonly (number | null)[];
  readonly n?: readonly number[];
}

/** What a connection's charts are drawn from. */
export interface ConnectionHistory {
  readonly connectionId: string;
  /** The window (epoch ms). */
  readonly from: number;
  readonly to: number;
  /** Set when the points are history buckets of this length. */
  readonly bucketMs?: number;
  /** The connection's quota thresholds, for the lines drawn at its limits. */
  readonly warnPercent: number;
  readonly criticalPercent: number;
  readonly series: readonly SeriesColumns[];
}

export interface PanelSnapshot {
  readonly type: 'snapshot';
  readonly surface: 'panel';
  readonly now: number;
  readonly theme: ThemeKind;
  readonly range: RangeId;
  /** The ranges on offer (the billing cycle only when a connection has one). */
  readonly ranges: readonly RangeId[];
  readonly connections: readonly ConnectionSnapshot[];
  readonly histories: readonly ConnectionHistory[];
}

export interface SidebarSnapshot {
  readonly type: 'snapshot';
  readonly surface: 'sidebar';
  readonly now: number;
  readonly theme: ThemeKind;
  readonly connections: readonly ConnectionSnapshot[];
  /** What each card's sparkline draws, over a short window (the descriptor's `sparkline`). */
  readonly histories: readonly ConnectionHistory[];
}

/** Scroll the panel to a connection (after "open in panel" from the sidebar or a notification). */
export interface RevealMessage {
  readonly type: 'reveal';
  readonly connectionId: string;
}

export type HostMessage = PanelSnapshot | SidebarSnapshot | RevealMessage;

export type WebviewMessage =
  /** Sent once the page has loaded, with the range it restored from its state (panel). */
  | { readonly type: 'ready'; readonly surface: Surface; readonly range?: RangeId }
  | { readonly type: 'setRange'; readonly range: RangeId }
  | { readonly type: 'refresh'; readonly connectionId?: string }
  | { readonly type: 'openPanel'; readonly connectionId?: string }
  | { readonly type: 'setToken'; readonly connectionId: string }
  /** Open the Browserbase sessions panel for a connection. */
  | { readonly type: 'openSessions'; readonly connectionId: string }
  | { readonly type: 'addConnection' }
  /** A chart's data as the webview built it, for the host to write where the person chooses. */
  | { readonly type: 'export'; readonly fileName: string; readonly format: ExportFormat; readonly content: string }
  /** How long drawing took, from the snapshot's arrival: diagnostics and the benchmark. */
  | { readonly type: 'rendered'; readonly surface: Surface; readonly phase: 'first' | 'update'; readonly ms: number; readonly charts: number };

export const THEME_KINDS: readonly ThemeKind[] = ['light', 'dark', 'highContrast', 'highContrastLight'];

/** Thirty days of a dozen per-minute series as CSV is a few MB; far more is not an export. */
export const MAX_EXPORT_CHARS = 64 * 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// Guards

function isStringRecord(value: unknown): value is Record<string, string> {
  return isRecord(value) && Object.values(value).every(isString);
}

const isSemantics = oneOf(SERIES_SEMANTICS);
const isComponent = oneOf(['bucket', 'sum', 'count', 'quantile'] as const);
const isRatePer = oneOf(['second', 'minute'] as const);
const isNumbers = arrayOf(isNumber);
const isNullableNumbers = arrayOf(isNumberOrNull);

function isSample(value: unknown): boolean {
  return (
    isRecord(value) &&
    isString(value.series) &&
    isNumberOrNull(value.value) &&
    isString(value.unit) &&
    isNumber(value.at) &&
    optional(isStringRecord)(value.labels) &&
    optional(arrayOf(isString))(value.flags)
  );
}

const isLevel = oneOf(['ok', 'warning', 'critical'] as const);

function isQuota(value: unknown): boolean {
  return (
    isRecord(value) &&
    isString(value.id) &&
    isString(value.label) &&
    isNumberOrNull(value.value) &&
    isNumberOrNull(value.limit) &&
    isString(value.unit) &&
    isNumberOrNull(value.ratio) &&
    isLevel(value.level) &&
    optional(isString)(value.detail) &&
    optional(isString)(value.source) &&
    optional(isStringRecord)(value.words)
  );
}

const isChartRef = (value: unknown): boolean => isRecord(value) && isString(value.key) && isString(value.dataset);

function isFigure(value: unknown): boolean {
  return (
    isRecord(value) &&
    isString(value.id) &&
    isString(value.label) &&
    isString(value.short) &&
    isNumberOrNull(value.value) &&
    isNumberOrNull(value.limit) &&
    isString(value.unit) &&
    isNumberOrNull(value.ratio) &&
    isLevel(value.level) &&
    optional(isStringRecord)(value.words) &&
    optional(isString)(value.source) &&
    optional(isString)(value.quota) &&
    (value.chart === undefined || isChartRef(value.chart))
  );
}

const isPart = oneOf(['value', 'rate', 'p50', 'p95', 'p99', 'observations'] as const);

function isValueRow(value: unknown): boolean {
  return (
    isRecord(value) &&
    isString(value.key) &&
    isString(value.series) &&
    optional(isStringRecord)(value.labels) &&
    optional(isStringRecord)(value.context) &&
    isString(value.label) &&
    isPart(value.part) &&
    isSemantics(value.semantics) &&
    isBoolean(value.known) &&
    isString(value.unit) &&
    isNumberOrNull(value.value) &&
    isNumber(value.at) &&
    (value.total === undefined || isNumberOrNull(value.total)) &&
    optional(isString)(value.totalUnit) &&
    optional(isStringRecord)(value.words) &&
    optional(arrayOf(isString))(value.flags)
  );
}

const isInfoRow = (value: unknown): boolean => isRecord(value) && isString(value.name) && isStringRecord(value.labels);

export function isConnectionSnapshot(value: unknown): value is ConnectionSnapshot {
  if (!isRecord(value)) return false;
  const error = value.error;
  return (
    isId(value.id) &&
    isString(value.label) &&
    oneOf(['browserless', 'browserbase', 'northflank', 'cerebras', 'prometheus', 'prometheusQuery'] as const)(value.kind) &&
    oneOf(['loading', 'ok', 'stale', 'authNeeded', 'error', 'disabled'] as const)(value.health) &&
    (error === undefined || (isRecord(error) && isString(error.kind) && isString(error.message) && optional(isNumber)(error.retryAt))) &&
    optional(isNumber)(value.lastSuccessAt) &&
    optional(isNumber)(value.lastAttemptAt) &&
    optional(isNumber)(value.nextPollAt) &&
    Array.isArray(value.latest) &&
    value.latest.every(isSample) &&
    Array.isArray(value.quotas) &&
    value.quotas.every(isQuota) &&
    Array.isArray(value.values) &&
    value.values.every(isValueRow) &&
    Array.isArray(value.info) &&
    value.info.every(isInfoRow) &&
    Array.isArray(value.figures) &&
    value.figures.every(isFigure) &&
    isLevel(value.level) &&
    arrayOf(isString)(value.notes) &&
    oneOf(['secretStorage', 'environment', 'none', 'notNeeded'] as const)(value.tokenSource) &&
    isBoolean(value.polledHere)
  );
}

function isColumns(value: unknown): value is SeriesColumns {
  if (
    !isRecord(value) ||
    !isString(value.series) ||
    !isString(value.unit) ||
    !optional(isStringRecord)(value.labels) ||
    !optional(isSemantics)(value.semantics) ||
    !optional(isBoolean)(value.known) ||
    !optional(isString)(value.family) ||
    !optional(isComponent)(value.component) ||
    !optional(isRatePer)(value.rate) ||
    !isNumbers(value.t) ||
    !isNullableNumbers(value.v)
  )
    return false;
  const length = value.t.length;
  if (value.v.length !== length) return false;
  for (const name of ['lo', 'hi', 'last'] as const) {
    const column = value[name];
    if (column !== undefined && !(isNullableNumbers(column) && column.length === length)) return false;
  }
  return value.n === undefined || (isNumbers(value.n) && value.n.length === length);
}

export function isConnectionHistory(value: unknown): value is ConnectionHistory {
  return (
    isRecord(value) &&
    isId(value.connectionId) &&
    isNumber(value.from) &&
    isNumber(value.to) &&
    optional(isNumber)(value.bucketMs) &&
    isNumber(value.warnPercent) &&
    isNumber(value.criticalPercent) &&
    arrayOf(isColumns)(value.series)
  );
}

const isTheme = oneOf(THEME_KINDS);

/** The host's message, or undefined when it is not one (the webview then ignores it). */
export function parseHostMessage(data: unknown): HostMessage | undefined {
  if (!isRecord(data) || !withinDepth(data, MAX_HOST_MESSAGE_DEPTH)) return undefined;
  if (data.type === 'reveal') return isId(data.connectionId) ? { type: 'reveal', connectionId: data.connectionId } : undefined;
  if (data.type !== 'snapshot' || !isNumber(data.now) || !isTheme(data.theme) || !arrayOf(isConnectionSnapshot)(data.connections)) return undefined;
  if (!arrayOf(isConnectionHistory)(data.histories)) return undefined;
  if (data.surface === 'panel') return isRangeId(data.range) && arrayOf(isRangeId)(data.ranges) ? (data as unknown as PanelSnapshot) : undefined;
  return data.surface === 'sidebar' ? (data as unknown as SidebarSnapshot) : undefined;
}

const isSurface = oneOf(['panel', 'sidebar'] as const);

/**
 * A webview's message rebuilt from checked fields only (nothing else it sent is passed on), or
 * undefined when it is not one the host accepts.
 */
export function parseWebviewMessage(data: unknown): WebviewMessage | undefined {
  if (!isRecord(data) || !withinDepth(data, MAX_WEBVIEW_MESSAGE_DEPTH)) return undefined;
  const connectionId = data.connectionId;
  switch (data.type) {
    case 'ready':
      if (!isSurface(data.surface) || !(data.range === undefined || isRangeId(data.range))) return undefined;
      return { type: 'ready', surface: data.surface, ...(data.range === undefined ? {} : { range: data.range }) };
    case 'setRange':
      return isRangeId(data.range) ? { type: 'setRange', range: data.range } : undefined;
    case 'refresh':
    case 'openPanel':
      if (!(connectionId === undefined || isId(connectionId))) return undefined;
      return { type: data.type, ...(connectionId === undefined ? {} : { connectionId }) };
    case 'setToken':
    case 'openSessions':
      return isId(connectionId) ? { type: data.type, connectionId } : undefined;
    case 'addConnection':
      return { type: 'addConnection' };
    case 'export': {
      const { fileName, format, content } = data;
      if (!oneOf(['csv', 'json'] as const)(format) || !isString(content) || content.length > MAX_EXPORT_CHARS) return undefined;
      // Only a plain name with the format's extension: the person picks the folder in a save dialog.
      if (!isString(fileName) || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,150}$/.test(fileName) || !fileName.endsWith(`.${format}`)) return undefined;
      return { type: 'export', fileName, format, content };
    }
    case 'rendered':
      if (!isSurface(data.surface) || !oneOf(['first', 'update'] as const)(data.phase) || !isNumber(data.ms) || !isNumber(data.charts)) return undefined;
      return { type: 'rendered', surface: data.surface, phase: data.phase, ms: data.ms, charts: data.charts };
    default:
      return undefined;
  }
}
