/**
 * The Browserbase sessions panel: a metadata query builder with a live preview of what is sent,
 * saved queries, the matching sessions (sortable, with per-session actions), their usage by the
 * values of a chosen key, and a form that launches a tagged session. The host does every request;
 * the page keeps only UI choices in its state.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-icon/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { formatBytes, formatClockTime, formatNumber } from '../../src/shared/format';
import {
  buildServerQuery,
  describeQuery,
  formatKeyPath,
  isServerSafe,
  NO_SERVER_QUERY,
  SESSION_STATUSES,
  validateQuery,
  type MetadataCondition,
  type MetadataQuery,
  type SavedQuery,
} from '../../src/shared/metadataQuery';
import { fromSessionColumns, type SessionRow, type SessionsConnection, type SessionsHostMessage } from '../../src/shared/sessionsProtocol';
import { DEFAULT_SORT, isSessionColumn, type SessionSort } from '../../src/shared/sessionTable';
import { usageTotals } from '../../src/shared/usageByTag';
import { el, icon, replaceChildren } from '../common/dom';
import { onThemeChange } from '../common/theme';
import { Breakdown, type Measure } from './breakdown';
import { ConditionRows, type RowsResult, type RowText } from './conditionRows';
import { loadState, onHostMessage, post, saveState } from './host';
import { LaunchForm, type LaunchFormState } from './launchForm';
import { ResultsTable } from './resultsTable';

interface PageState {
  connectionId?: string;
  rows: RowText[];
  status: string;
  sort: SessionSort;
  breakdownKey?: string;
  measure: Measure;
  launch: LaunchFormState;
}

const state = loadState<PageState>({
  rows: [{ key: '', value: '' }],
  status: '',
  sort: DEFAULT_SORT,
  measure: 'minutes',
  launch: { tagSource: 'query', ownTags: [{ key: '', value: '' }], region: '', keepAlive: false, timeout: '' },
});
if (!isSessionColumn(state.sort?.column)) state.sort = DEFAULT_SORT;
const persist = () => saveState(state);

type Field = HTMLElement & { value: string; disabled?: boolean };

let savedQueries: readonly SavedQuery[] = [];
let requestCounter = 0;
let latestFind = 0;
/** The query of the latest find: its results are the ones shown. */
let latestQuery: MetadataQuery = { conditions: [] };
let latestLaunch = 0;
let launchTags: readonly MetadataCondition[] = [];
let results: { connectionId: string; rows: SessionRow[] } | undefined;
let initialised = false;

const app = document.getElementById('app') as HTMLElement;

// ---------------------------------------------------------------------------------------------
// Toolbar and welcome

const connectionSelect = el('vscode-single-select', { id: 'connection', 'aria-label': 'Browserbase connection' }) as Field;
const updated = el('span', { class: 'updated' });
const toolbar = el(
  'header',
  { class: 'toolbar' },
  el('h1', {}, 'Browserbase sessions'),
  el('label', { for: 'connection', class: 'range-label' }, 'Connection'),
  connectionSelect,
  updated,
);
const welcome = el(
  'div',
  { class: 'welcome', hidden: true },
  el('p', {}, 'No Browserbase connection yet. Add one (with its API key) to find and launch sessions here.'),
  el('vscode-button', { icon: 'add', id: 'add-connection' }, 'Add connection'),
);
welcome.querySelector('vscode-button')?.addEventListener('click', () => post({ type: 'addConnection' }));
connectionSelect.addEventListener('change', () => {
  if (connectionSelect.value === state.connectionId) return;
  state.connectionId = connectionSelect.value;
  persist();
  find();
});

// ---------------------------------------------------------------------------------------------
// Query builder

const conditions = new ConditionRows('condition', () => queryChanged());
/** The rows as last checked: every change to the builder goes through queryChanged, which checks them once. */
let checkedRows: RowsResult = conditions.set(state.rows);
const statusSelect = el(
  'vscode-single-select',
  { id: 'status', 'aria-label': 'Session status' },
  el('vscode-option', { value: '', ...(state.status === '' ? { selected: true } : {}) }, 'Any status'),
  ...SESSION_STATUSES.map((status) => el('vscode-option', { value: status, ...(state.status === status ? { selected: true } : {}) }, status)),
) as Field;
statusSelect.addEventListener('change', () => queryChanged());
const preview = el('dl', { class: 'query-preview', id: 'query-preview', 'aria-live': 'polite' });
const queryProblem = el('p', { class: 'error', id: 'query-problem', role: 'alert', hidden: true });
const findButton = el('vscode-button', { id: 'find', icon: 'search' }, 'Find sessions') as Field;
findButton.addEventListener('click', () => find());

const savedSelect = el('vscode-single-select', { id: 'saved', 'aria-label': 'Saved queries' }) as Field;
const saveName = el('vscode-textfield', { id: 'save-name', placeholder: 'name for this query', 'aria-label': 'Name for this query' }) as Field;
const saveButton = el('vscode-button', { secondary: true, icon: 'save', id: 'save-query' }, 'Save query') as Field;
const deleteButton = el('vscode-button', { secondary: true, icon: 'trash', id: 'delete-query' }, 'Delete') as Field;
savedSelect.addEventListener('change', () => {
  const saved = savedQueries.find((entry) => entry.name === savedSelect.value);
  if (!saved) return;
  loadQuery(saved.query);
  saveName.value = saved.name;
  find();
});
saveButton.addEventListener('click', () => {
  const name = saveName.value.trim();
  const { query, problem } = currentQuery();
  if (!name || problem) {
    showQueryProblem(problem ?? 'Give the query a name to save it.');
    return;
  }
  post({ type: 'saveQuery', saved: { name, query } });
});
deleteButton.addEventListener('click', () => {
  if (savedSelect.value) post({ type: 'deleteQuery', name: savedSelect.value });
});

const findSection = el(
  'section',
  { class: 'block', id: 'find-section', 'aria-labelledby': 'find-title' },
  el('h2', { id: 'find-title' }, icon('search'), ' Find sessions by metadata'),
  el('p', { class: 'meta' }, 'Every condition must hold. Nested keys: order > status. Values match whole strings, exactly.'),
  conditions.element,
  el('div', { class: 'form-line' }, el('label', { for: 'status' }, 'Status'), statusSelect),
  preview,
  queryProblem,
  el('div', { class: 'form-actions' }, findButton),
  el('div', { class: 'form-line saved-line' }, el('label', { for: 'saved' }, 'Saved'), savedSelect, saveName, saveButton, deleteButton),
);

function currentQuery(): { query: MetadataQuery; problem?: string } {
  const query: MetadataQuery = { conditions: checkedRows.conditions, ...(statusSelect.value ? { status: statusSelect.value } : {}) };
  const problem = checkedRows.problems[0] ?? validateQuery(query)[0];
  return { query, ...(problem ? { problem } : {}) };
}

function loadQuery(query: MetadataQuery): void {
  conditions.setConditions(query.conditions);
  statusSelect.value = query.status ?? '';
  queryChanged();
}

function showQueryProblem(problem: string | undefined): void {
  queryProblem.hidden = problem === undefined;
  replaceChildren(queryProblem, problem ?? '');
}

function queryChanged(): void {
  checkedRows = conditions.check();
  const { query, problem } = currentQuery();
  state.rows = conditions.texts();
  state.status = statusSelect.value;
  persist();
  // Row problems show under their rows; what is left (contradictions) shows here.
  showQueryProblem(problem && !checkedRows.problems.includes(problem) ? problem : undefined);
  findButton.disabled = problem !== undefined || !state.connectionId;
  renderPreview(query, problem);
  launchForm.refresh();
}

function renderPreview(query: MetadataQuery, problem: string | undefined): void {
  if (problem) {
    replaceChildren(preview, el('dt', {}, 'Query'), el('dd', {}, 'Fix the conditions above to see what is sent.'));
    return;
  }
  const plan = buildServerQuery(query);
  const params = new URLSearchParams();
  if (plan.q) params.set('q', plan.q);
  if (query.status) params.set('status', query.status);
  const search = params.toString();
  const url = `GET /v1/sessions${search ? `?${search}` : ''}`;
  const local = plan.localConditions.map((condition) => {
    const why = isServerSafe(condition)
      ? 'Browserbase takes one condition per query'
      : 'holds a quote, backslash, bracket or control character, which Browserbase documents no escaping for';
    return el('li', {}, `${describeQuery({ conditions: [condition] })} — ${why}`);
  });
  replaceChildren(
    preview,
    el('dt', {}, 'q sent'),
    el('dd', {}, el('code', { id: 'preview-q' }, plan.q ?? NO_SERVER_QUERY)),
    el('dt', {}, 'Request'),
    el('dd', {}, el('code', { id: 'preview-url' }, url)),
    ...(local.length > 0 ? [el('dt', {}, 'Checked here'), el('dd', {}, el('ul', { class: 'local-conditions' }, ...local))] : []),
  );
}

function find(): void {
  const { query, problem } = currentQuery();
  if (problem || !state.connectionId) return;
  latestFind = ++requestCounter;
  latestQuery = query;
  resultsStatus.setAttribute('aria-busy', 'true');
  replaceChildren(resultsStatus, icon('loading', true), ` Finding sessions where ${describeQuery(query)}…`);
  post({ type: 'find', requestId: latestFind, connectionId: state.connectionId, query });
}

// ---------------------------------------------------------------------------------------------
// Launch form

const launchForm: LaunchForm = new LaunchForm(state.launch, {
  queryTags: () => ({ conditions: checkedRows.conditions, ...(checkedRows.problems[0] ? { problem: checkedRows.problems[0] } : {}) }),
  launch: (options) => {
    if (!state.connectionId) return;
    latestLaunch = ++requestCounter;
    launchTags = options.tags;
    post({ type: 'launch', requestId: latestLaunch, connectionId: state.connectionId, options });
  },
  changed: (launch) => {
    state.launch = launch;
    persist();
  },
  copyConnectUrl: (sessionId) => state.connectionId && post({ type: 'sessionAction', connectionId: state.connectionId, sessionId, action: 'copyConnectUrl' }),
  findTagged: (tags) => {
    loadQuery({ conditions: tags });
    find();
    resultsSection.scrollIntoView({ block: 'start' });
  },
});
const launchSection = el(
  'section',
  { class: 'block', id: 'launch-section', 'aria-labelledby': 'launch-title' },
  el('h2', { id: 'launch-title' }, icon('vm-running'), ' Launch a tagged session'),
  launchForm.element,
);

// ---------------------------------------------------------------------------------------------
// Results and usage by tag

const resultsStatus = el('div', { class: 'results-status', id: 'results-status', 'aria-live': 'polite' });
const totals = el('p', { class: 'totals', id: 'totals' });
const table = new ResultsTable(
  state.sort,
  (row, action) => state.connectionId && post({ type: 'sessionAction', connectionId: state.connectionId, sessionId: row.id, action }),
  (sort) => {
    state.sort = sort;
    persist();
  },
  (rows, ms) => post({ type: 'rendered', rows, ms }),
);
const breakdown = new Breakdown({ ...(state.breakdownKey ? { key: state.breakdownKey } : {}), measure: state.measure }, (key, measure) => {
  state.breakdownKey = key;
  state.measure = measure;
  persist();
});
const resultsSection = el(
  'section',
  { class: 'block', id: 'results-section', 'aria-labelledby': 'results-title' },
  el('h2', { id: 'results-title' }, icon('list-flat'), ' Matching sessions'),
  resultsStatus,
  totals,
  table.element,
);
const usageSection = el(
  'section',
  { class: 'block', id: 'usage-section', 'aria-labelledby': 'usage-title' },
  el('h2', { id: 'usage-title' }, icon('graph'), ' Usage by tag'),
  breakdown.element,
);
const content = el('div', { class: 'sessions-content' }, el('div', { class: 'sessions-top' }, findSection, launchSection), resultsSection, usageSection);

function showResults(message: Extract<SessionsHostMessage, { type: 'results' }>): void {
  const now = Date.now();
  const rows = fromSessionColumns(message.sessions);
  results = { connectionId: message.connectionId, rows };
  resultsStatus.removeAttribute('aria-busy');
  const filtered = message.returned - rows.length;
  replaceChildren(
    resultsStatus,
    el(
      'p',
      { class: 'meta' },
      `Fetched ${formatClockTime(message.fetchedAt)} · q ${message.q ? `= ${message.q}` : NO_SERVER_QUERY} · the server returned ${formatNumber(message.returned)}${filtered > 0 ? `, ${formatNumber(filtered)} left out here (other projects, or conditions Browserbase was not sent)` : ''}`,
    ),
  );
  drawTotals(now);
  table.setRows(rows, now);
  // The table is painted first; the usage by tag (regrouping every session, drawing a chart) follows
  // in the next task, so a large result shows at once.
  const fixed = latestQuery.conditions.map((condition) => formatKeyPath(condition.path));
  const requestId = message.requestId;
  requestAnimationFrame(() =>
    setTimeout(() => {
      if (requestId === latestFind) breakdown.setRows(rows, now, fixed);
    }),
  );
  updated.textContent = `Updated ${formatClockTime(message.fetchedAt)}`;
}

function drawTotals(now: number): void {
  const rows = results?.rows ?? [];
  const figures = usageTotals(rows, now);
  replaceChildren(
    totals,
    el('strong', { 'data-sessions': figures.sessions }, `${formatNumber(figures.sessions)} session${figures.sessions === 1 ? '' : 's'}`),
    ' · ',
    el('span', { 'data-minutes': figures.minutes }, `${formatNumber(figures.minutes)} browser minute${figures.minutes === 1 ? '' : 's'}`),
    ' · ',
    el('span', { 'data-proxy-bytes': figures.proxyBytes }, `${formatBytes(figures.proxyBytes)} proxy`),
    figures.running > 0 ? ` · ${figures.running} running` : '',
    figures.unknownDurations > 0 ? ` · ${figures.unknownDurations} without a known duration` : '',
  );
}

// ---------------------------------------------------------------------------------------------
// Host messages

function renderConnections(list: readonly SessionsConnection[], preferred: string | undefined): void {
  const ids = list.map((connection) => connection.id);
  const chosen = preferred && ids.includes(preferred) ? preferred : state.connectionId && ids.includes(state.connectionId) ? state.connectionId : ids[0];
  const changed = chosen !== state.connectionId;
  state.connectionId = chosen;
  replaceChildren(
    connectionSelect,
    ...list.map((connection) =>
      el(
        'vscode-option',
        { value: connection.id, description: connection.projectId, ...(connection.id === chosen ? { selected: true } : {}) },
        connection.label,
      ),
    ),
  );
  if (chosen) connectionSelect.value = chosen;
  welcome.hidden = list.length > 0;
  content.hidden = list.length === 0;
  connectionSelect.hidden = list.length === 0;
  persist();
  if (changed && initialised) find();
}

function renderSaved(list: readonly SavedQuery[]): void {
  savedQueries = list;
  replaceChildren(
    savedSelect,
    el('vscode-option', { value: '', selected: true }, list.length > 0 ? 'Saved queries…' : 'No saved queries'),
    ...list.map((saved) => el('vscode-option', { value: saved.name, description: describeQuery(saved.query) }, saved.name)),
  );
  savedSelect.value = '';
  deleteButton.disabled = list.length === 0;
}

onHostMessage((message) => {
  switch (message.type) {
    case 'init': {
      const first = !initialised;
      if (first) replaceChildren(app, toolbar, welcome, content);
      app.removeAttribute('aria-busy');
      renderSaved(message.savedQueries);
      launchForm.setOptions(message.regions, message.timeoutRange);
      renderConnections(message.connections, message.connectionId);
      initialised = true;
      queryChanged();
      // The current query (all sessions when it is empty) runs at once: the panel opens on answers.
      if (first || (message.connectionId && !results)) find();
      return;
    }
    case 'results':
      if (message.requestId === latestFind) showResults(message);
      return;
    case 'failed':
      if (message.operation === 'find' && message.requestId === latestFind) {
        resultsStatus.removeAttribute('aria-busy');
        replaceChildren(resultsStatus, el('p', { class: 'error', role: 'alert' }, icon('error'), ` ${message.message}`), authHint(message.message));
      } else if (message.operation === 'launch' && message.requestId === latestLaunch) {
        launchForm.finished({ error: message.message });
      }
      return;
    case 'launchCancelled':
      if (message.requestId === latestLaunch) launchForm.finished({ cancelled: true });
      return;
    case 'launched':
      if (message.requestId === latestLaunch)
        launchForm.finished({ session: message.session, connectUrl: message.connectUrl, reused: message.reused, tags: launchTags });
      return;
    case 'session':
      if (results?.connectionId === message.connectionId) {
        const index = results.rows.findIndex((row) => row.id === message.session.id);
        if (index >= 0) results.rows[index] = message.session;
        table.updateRow(message.session);
        drawTotals(Date.now());
      }
      return;
  }
});

/** A rejected or missing key: offer to set it right there. */
function authHint(text: string): HTMLElement | undefined {
  if (!/API key|401|403|token/i.test(text) || !state.connectionId) return undefined;
  const button = el('vscode-button', { secondary: true, icon: 'key' }, 'Set API key');
  const connectionId = state.connectionId;
  button.addEventListener('click', () => post({ type: 'setToken', connectionId }));
  return button;
}

onThemeChange(() => breakdown.redraw());

post({ type: 'ready' });
