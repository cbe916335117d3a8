/**
 * The usage panel: a toolbar (range picker, refresh, jump to a connection) and one section per
 * connection with its charts. Says `ready` with the range it restored, then draws each whole
 * snapshot the host sends, updating what is already on screen in place.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-icon/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import { descriptorOfKind } from '../../src/providers/registry';
import { buildCharts, type ChartData } from '../../src/shared/chartGroups';
import { chartToCsv, chartToJson, exportFileName } from '../../src/shared/exportData';
import { formatClockTime } from '../../src/shared/format';
import type { HostMessage, PanelSnapshot } from '../../src/shared/protocol';
import { DEFAULT_RANGE, isRangeId, RANGE_LABELS, type RangeId } from '../../src/shared/ranges';
import { el, replaceChildren } from '../common/dom';
import { loadState, onHostMessage, post, saveState } from '../common/host';
import { onThemeChange, readPalette, type Palette } from '../common/theme';
import { ConnectionSection, type SectionHost } from './connectionSection';

/** UI choices only; the data always comes from the host. */
interface PanelState {
  range: RangeId;
  tables: string[];
  hidden: Record<string, string[]>;
  zoom: Record<string, [number, number]>;
  more: string[];
}

const state = loadState<PanelState>({ range: DEFAULT_RANGE, tables: [], hidden: {}, zoom: {}, more: [] });
if (!isRangeId(state.range)) state.range = DEFAULT_RANGE;
const persist = () => saveState(state);

const app = document.getElementById('app') as HTMLElement;
let palette: Palette = readPalette();
let snapshot: PanelSnapshot | undefined;
/** A range picked and sent to the host, until a snapshot for it arrives. */
let requestedRange: RangeId | undefined;
const sections = new Map<string, ConnectionSection>();
/** When the snapshot being drawn arrived, for the `rendered` timings. */
let pending: { at: number; first: boolean } | undefined;
let firstDrawReported = false;

const observer = new IntersectionObserver(
  (entries) => {
    for (const entry of entries) {
      if (!entry.isIntersecting) continue;
      observer.unobserve(entry.target);
      visibleCallbacks.get(entry.target)?.();
      visibleCallbacks.delete(entry.target);
    }
  },
  { rootMargin: '400px 0px' },
);
const visibleCallbacks = new WeakMap<Element, () => void>();

function toggleIn(list: string[], value: string, on: boolean): string[] {
  const rest = list.filter((entry) => entry !== value);
  return on ? [...rest, value] : rest;
}

const host: SectionHost = {
  palette: () => palette,
  hidden: (chartId) => new Set(state.hidden[chartId] ?? []),
  setHidden: (chartId, hidden) => {
    if (hidden.size === 0) delete state.hidden[chartId];
    else state.hidden[chartId] = [...hidden];
    persist();
  },
  zoom: (chartId) => state.zoom[chartId],
  setZoom: (chartId, zoom) => {
    if (zoom) state.zoom[chartId] = [zoom[0], zoom[1]];
    else delete state.zoom[chartId];
    persist();
  },
  tableOpen: (chartId) => state.tables.includes(chartId),
  setTableOpen: (chartId, open) => {
    state.tables = toggleIn(state.tables, chartId, open);
    persist();
  },
  exportChart: (chart: ChartData, format) => {
    const content = format === 'csv' ? chartToCsv(chart) : chartToJson(chart, Date.now());
    post({ type: 'export', format, fileName: exportFileName(chart, snapshot?.range ?? state.range, format), content });
  },
  whenVisible: (element, show) => {
    visibleCallbacks.set(element, show);
    observer.observe(element);
  },
  drawn: () => scheduleReport(),
  refresh: (connectionId) => post({ type: 'refresh', connectionId }),
  setToken: (connectionId) => post({ type: 'setToken', connectionId }),
  openSessions: (connectionId) => post({ type: 'openSessions', connectionId }),
  moreOpen: (connectionId) => state.more.includes(connectionId),
  setMoreOpen: (connectionId, open) => {
    state.more = toggleIn(state.more, connectionId, open);
    persist();
  },
};

// ---------------------------------------------------------------------------------------------
// Layout

const rangeSelect = el('vscode-single-select', { id: 'range', 'aria-label': 'Time range' }) as HTMLElement & { value: string };
const nav = el('nav', { class: 'jump', 'aria-label': 'Connections' });
const updated = el('span', { class: 'updated', 'aria-live': 'off' });
const refreshAll = el('vscode-button', { secondary: true, icon: 'refresh', id: 'refresh-all' }, 'Refresh all');
const list = el('div', { id: 'connections' });
const empty = el(
  'div',
  { class: 'welcome', hidden: true },
  el('p', {}, 'No connections yet. Add one to see its usage here.'),
  el('vscode-button', { icon: 'add', id: 'add-connection' }, 'Add connection'),
);
const toolbar = el(
  'header',
  { class: 'toolbar' },
  el('h1', {}, 'Live Usage'),
  el('label', { for: 'range', class: 'range-label' }, 'Range'),
  rangeSelect,
  refreshAll,
  updated,
);

rangeSelect.addEventListener('change', () => {
  const range = rangeSelect.value;
  if (!isRangeId(range) || range === state.range) return;
  state.range = range;
  requestedRange = range;
  persist();
  app.setAttribute('aria-busy', 'true');
  post({ type: 'setRange', range });
});
refreshAll.addEventListener('click', () => post({ type: 'refresh' }));
empty.querySelector('#add-connection')?.addEventListener('click', () => post({ type: 'addConnection' }));

function renderRanges(ranges: readonly RangeId[], range: RangeId): void {
  const current = [...rangeSelect.querySelectorAll('vscode-option')].map((option) => option.getAttribute('value')).join(',');
  if (current !== ranges.join(',')) {
    replaceChildren(rangeSelect, ...ranges.map((id) => el('vscode-option', { value: id, ...(id === range ? { selected: true } : {}) }, RANGE_LABELS[id])));
  }
  if (rangeSelect.value !== range) rangeSelect.value = range;
}

function renderNav(message: PanelSnapshot): void {
  const names = message.connections.map((connection) => connection.id).join('\n');
  if (nav.dataset.names === names) return;
  nav.dataset.names = names;
  replaceChildren(
    nav,
    ...message.connections.map((connection) => {
      const link = el('button', { type: 'button', class: 'jump-link' }, connection.label);
      link.addEventListener('click', () => reveal(connection.id));
      return link;
    }),
  );
}

function reveal(connectionId: string): void {
  const section = sections.get(connectionId);
  if (!section) return;
  section.element.scrollIntoView({ block: 'start' });
  section.element.querySelector<HTMLElement>('h2')?.focus({ preventScroll: true });
}

// ---------------------------------------------------------------------------------------------
// Snapshots

function render(message: PanelSnapshot, receivedAt: number): void {
  const first = snapshot === undefined;
  snapshot = message;
  pending = { at: receivedAt, first: !firstDrawReported };
  if (first) replaceChildren(app, toolbar, nav, empty, list);
  // A snapshot the host built before it heard of the range just picked: drawn, but the picker keeps
  // the new range and the page stays busy until a snapshot for it arrives.
  const outdated = requestedRange !== undefined && message.range !== requestedRange && message.ranges.includes(requestedRange);
  if (!outdated) {
    requestedRange = undefined;
    app.removeAttribute('aria-busy');
    if (message.range !== state.range) {
      state.range = message.range;
      persist();
    }
  }
  renderRanges(message.ranges, outdated && requestedRange ? requestedRange : message.range);
  renderNav(message);
  updated.textContent = `Updated ${formatClockTime(message.now)}`;
  empty.hidden = message.connections.length > 0;
  const histories = new Map(message.histories.map((history) => [history.connectionId, history]));
  const seen = new Set<string>();
  let previous: Element | null = null;
  for (const connection of message.connections) {
    seen.add(connection.id);
    const history = histories.get(connection.id);
    const charts = history ? buildCharts(descriptorOfKind(connection.kind), history, connection.quotas) : [];
    let section = sections.get(connection.id);
    if (!section) {
      section = new ConnectionSection(connection, host);
      sections.set(connection.id, section);
    }
    section.update(connection, charts, message.now);
    const expected: Element | null = previous ? previous.nextElementSibling : list.firstElementChild;
    if (expected !== section.element) {
      if (previous) previous.after(section.element);
      else list.prepend(section.element);
    }
    previous = section.element;
  }
  for (const [id, section] of sections) {
    if (!seen.has(id)) {
      section.destroy();
      sections.delete(id);
    }
  }
  // Forget UI choices of charts that no longer exist, so the state stays small.
  const alive = (chartId: string) => seen.has(chartId.slice(0, chartId.indexOf('/')));
  state.tables = state.tables.filter(alive);
  for (const key of Object.keys(state.hidden)) if (!alive(key)) delete state.hidden[key];
  for (const key of Object.keys(state.zoom)) if (!alive(key)) delete state.zoom[key];
  state.more = state.more.filter((id) => seen.has(id));
  persist();
  scheduleReport();
}

/**
 * Tells the host how long drawing took since the snapshot arrived (diagnostics and the benchmark):
 * Chart.js draws synchronously with animations off, so the time is taken when the drawing returns.
 * The first report waits for a chart to exist (charts are created as they scroll into view).
 */
function scheduleReport(): void {
  const current = pending;
  if (!current) return;
  const drawn = [...sections.values()].reduce((sum, section) => sum + section.chartCount, 0);
  if (drawn === 0 && current.first) return;
  pending = undefined;
  firstDrawReported = true;
  post({ type: 'rendered', surface: 'panel', phase: current.first ? 'first' : 'update', ms: performance.now() - current.at, charts: drawn });
}

onHostMessage((message: HostMessage, receivedAt) => {
  if (message.type === 'reveal') {
    reveal(message.connectionId);
    return;
  }
  if (message.surface === 'panel') render(message, receivedAt);
});

onThemeChange(() => {
  palette = readPalette();
  for (const section of sections.values()) section.setPalette(palette);
});

// Relative times ("updated 12 s ago") age between snapshots.
setInterval(() => {
  if (!snapshot) return;
  const now = Date.now();
  for (const connection of snapshot.connections) sections.get(connection.id)?.updateStatus(connection, now);
}, 15_000);

post({ type: 'ready', surface: 'panel', range: state.range });
