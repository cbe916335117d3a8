/**
 * The matching sessions as a sortable table. Plain DOM with one delegated listener for every row's
 * buttons, and at most PAGE_ROWS rows drawn per step ("Show more" draws the next ones), so a result
 * of ten thousand sessions still draws in a few tens of milliseconds.
 */
import { formatDay, formatClockTime } from '../../src/shared/format';
import type { SessionAction, SessionRow } from '../../src/shared/sessionsProtocol';
import { DEFAULT_SORT, nextSort, SESSION_COLUMNS, sessionCells, sortSessions, type SessionColumn, type SessionSort } from '../../src/shared/sessionTable';
import { el, replaceChildren } from '../common/dom';

export const PAGE_ROWS = 1000;

const ROW_ACTIONS: readonly { readonly action: SessionAction; readonly icon: string; readonly label: string; readonly when?: (row: SessionRow) => boolean }[] = [
  { action: 'copyId', icon: 'copy', label: 'Copy session id' },
  { action: 'copyConnectUrl', icon: 'plug', label: 'Copy connect URL', when: (row) => row.status === 'RUNNING' || row.status === 'PENDING' },
  { action: 'openDebugger', icon: 'eye', label: 'Open live debugger', when: (row) => row.status === 'RUNNING' },
  { action: 'release', icon: 'debug-stop', label: 'Release keep-alive session', when: (row) => row.keepAlive && (row.status === 'RUNNING' || row.status === 'PENDING') },
];

const formatTime = (at: number) => `${formatDay(at)} ${formatClockTime(at)}`;

export class ResultsTable {
  readonly element: HTMLElement;
  private readonly head: HTMLTableRowElement;
  private readonly body: HTMLTableSectionElement;
  private readonly more: HTMLElement;
  private rows: SessionRow[] = [];
  private sorted: SessionRow[] = [];
  private shown = 0;
  private now = Date.now();

  constructor(
    private sort: SessionSort,
    private readonly act: (row: SessionRow, action: SessionAction) => void,
    private readonly sortChanged: (sort: SessionSort) => void,
    private readonly drawn: (rows: number, ms: number) => void,
  ) {
    this.head = el('tr');
    this.body = el('tbody');
    this.more = el('vscode-button', { secondary: true, class: 'show-more', hidden: true });
    this.more.addEventListener('click', () => this.drawRows(this.shown + PAGE_ROWS));
    this.element = el(
      'div',
      { class: 'results-table-wrap' },
      el('table', { class: 'results-table', 'aria-label': 'Matching sessions' }, el('thead', {}, this.head), this.body),
      this.more,
    );
    this.body.addEventListener('click', (event) => {
      const button = (event.target as Element).closest<HTMLElement>('button[data-action]');
      const id = button?.closest('tr')?.dataset.session;
      const row = id === undefined ? undefined : this.rows.find((candidate) => candidate.id === id);
      const action = ROW_ACTIONS.find((entry) => entry.action === button?.dataset.action);
      if (row && action) this.act(row, action.action);
    });
    this.drawHead();
  }

  get sortOrder(): SessionSort {
    return this.sort;
  }

  /** The rows in their current order, as drawn (for tests and the CSV-minded). */
  get order(): readonly SessionRow[] {
    return this.sorted;
  }

  setRows(rows: readonly SessionRow[], now: number): void {
    this.rows = [...rows];
    this.now = now;
    this.resort(PAGE_ROWS);
  }

  /** One session changed (released): its row is redrawn in place. */
  updateRow(row: SessionRow): void {
    const index = this.rows.findIndex((candidate) => candidate.id === row.id);
    if (index < 0) return;
    this.rows[index] = row;
    this.resort(Math.max(this.shown, PAGE_ROWS));
  }

  private resort(count: number): void {
    this.sorted = sortSessions(this.rows, this.sort, this.now);
    this.drawRows(count);
  }

  private drawHead(): void {
    replaceChildren(
      this.head,
      ...SESSION_COLUMNS.map((column) => {
        const active = this.sort.column === column.id;
        const button = el('button', { type: 'button', class: 'sort-button', 'data-column': column.id }, column.label, el('span', { class: `codicon codicon-${active ? (this.sort.direction === 'ascending' ? 'arrow-up' : 'arrow-down') : 'blank'}`, 'aria-hidden': 'true' }));
        button.addEventListener('click', () => this.sortBy(column.id));
        return el('th', { scope: 'col', class: column.numeric ? 'numeric' : undefined, 'aria-sort': active ? this.sort.direction : 'none' }, button);
      }),
      el('th', { scope: 'col', class: 'row-actions' }, el('span', { class: 'sr-only' }, 'Actions')),
    );
  }

  private sortBy(column: SessionColumn): void {
    this.sort = nextSort(this.sort, column);
    this.drawHead();
    this.resort(Math.max(this.shown, PAGE_ROWS));
    this.sortChanged(this.sort);
  }

  private drawRows(count: number): void {
    const started = performance.now();
    const end = Math.min(count, this.sorted.length);
    const fragment = document.createDocumentFragment();
    for (let index = 0; index < end; index++) fragment.append(this.rowElement(this.sorted[index] as SessionRow));
    this.body.replaceChildren(fragment);
    this.shown = end;
    const left = this.sorted.length - end;
    this.more.hidden = left === 0;
    this.more.textContent = `Show ${Math.min(left, PAGE_ROWS).toLocaleString()} more of ${left.toLocaleString()}`;
    this.drawn(end, performance.now() - started);
  }

  private rowElement(row: SessionRow): HTMLTableRowElement {
    const cells = sessionCells(row, this.now, formatTime);
    const tr = document.createElement('tr');
    tr.dataset.session = row.id;
    tr.dataset.proxyBytes = String(row.proxyBytes);
    tr.dataset.created = row.createdAt;
    tr.className = `status-${row.status.toLowerCase()}`;
    cells.forEach((text, index) => {
      const td = document.createElement('td');
      const column = SESSION_COLUMNS[index];
      if (column?.numeric) td.className = 'numeric';
      if (column?.id === 'id') td.classList.add('mono');
      if (column?.id === 'metadata') {
        td.classList.add('mono', 'metadata');
        // Long metadata is cut on screen; the whole of it on hover.
        if (text.length > 40) td.title = text;
      }
      td.textContent = text;
      tr.append(td);
    });
    const actions = document.createElement('td');
    actions.className = 'row-actions';
    for (const entry of ROW_ACTIONS) {
      if (entry.when && !entry.when(row)) continue;
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'icon-button';
      button.dataset.action = entry.action;
      button.title = entry.label;
      button.setAttribute('aria-label', `${entry.label} ${row.id}`);
      const glyph = document.createElement('span');
      glyph.className = `codicon codicon-${entry.icon}`;
      glyph.setAttribute('aria-hidden', 'true');
      button.append(glyph);
      actions.append(button);
    }
    tr.append(actions);
    return tr;
  }
}

export { DEFAULT_SORT };
