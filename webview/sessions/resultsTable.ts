/**
 * The matching sessions as a sortable table. Plain DOM with one delegated listener for every row's
 * buttons. The first screenful of rows is drawn at once and the rest in chunks in the tasks after, up
 * to PAGE_ROWS ("Show more" draws the next ones), so the table shows as soon as the answer arrives
 * however many sessions match. The rows
 * are ARIA table rows laid out by CSS grid rather than a <table>: a browser must lay out every row
 * of a <table> (about 150 ms for a thousand here), while grid rows can use `content-visibility:
 * auto`, so only the rows in view are laid out and painted.
 */
import { formatDay, formatClockTime } from '../../src/shared/format';
import type { SessionAction, SessionRow } from '../../src/shared/sessionsProtocol';
import { DEFAULT_SORT, nextSort, SESSION_COLUMNS, sessionCells, sortSessions, type SessionColumn, type SessionSort } from '../../src/shared/sessionTable';
import { el, replaceChildren } from '../common/dom';

export const PAGE_ROWS = 5000;
/** Rows drawn before the first paint: more than a tall panel shows. */
const FIRST_ROWS = 150;
/** Rows per later task: a few milliseconds each, so typing and scrolling stay smooth. */
const CHUNK_ROWS = 500;

const ROW_ACTIONS: readonly { readonly action: SessionAction; readonly icon: string; readonly label: string; readonly when?: (row: SessionRow) => boolean }[] =
  [
    { action: 'copyId', icon: 'copy', label: 'Copy session id' },
    { action: 'copyConnectUrl', icon: 'plug', label: 'Copy connect URL', when: (row) => row.status === 'RUNNING' || row.status === 'PENDING' },
    { action: 'openDebugger', icon: 'eye', label: 'Open live debugger', when: (row) => row.status === 'RUNNING' },
    {
      action: 'release',
      icon: 'debug-stop',
      label: 'Release keep-alive session',
      when: (row) => row.keepAlive && (row.status === 'RUNNING' || row.status === 'PENDING'),
    },
  ];

const formatTime = (at: number) => `${formatDay(at)} ${formatClockTime(at)}`;

export class ResultsTable {
  readonly element: HTMLElement;
  private readonly head: HTMLElement;
  private readonly body: HTMLElement;
  private readonly table: HTMLElement;
  private readonly more: HTMLElement;
  private rows: SessionRow[] = [];
  private sorted: SessionRow[] = [];
  private shown = 0;
  /** Bumped on every redraw, so chunks of an older one stop. */
  private generation = 0;
  private now = Date.now();

  constructor(
    private sort: SessionSort,
    private readonly act: (row: SessionRow, action: SessionAction) => void,
    private readonly sortChanged: (sort: SessionSort) => void,
    private readonly drawn: (rows: number, ms: number) => void,
  ) {
    this.head = el('div', { role: 'row', class: 'results-row' });
    this.body = el('div', { role: 'rowgroup', class: 'results-body' });
    this.table = el(
      'div',
      { role: 'table', class: 'results-table', 'aria-label': 'Matching sessions' },
      el('div', { role: 'rowgroup', class: 'results-head' }, this.head),
      this.body,
    );
    this.more = el('vscode-button', { secondary: true, class: 'show-more', hidden: true });
    this.more.addEventListener('click', () => this.extend(this.shown + PAGE_ROWS));
    this.element = el('div', { class: 'results-table-wrap' }, this.table, this.more);
    this.body.addEventListener('click', (event) => {
      const button = (event.target as Element).closest<HTMLElement>('button[data-action]');
      const id = button?.closest<HTMLElement>('[data-session]')?.dataset.session;
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

  /** One session changed (released): its row is redrawn where it is. */
  updateRow(row: SessionRow): void {
    const index = this.rows.findIndex((candidate) => candidate.id === row.id);
    if (index < 0) return;
    this.rows[index] = row;
    // In place, keeping the order and the scroll position; the next sort places it anew.
    const position = this.sorted.findIndex((candidate) => candidate.id === row.id);
    if (position >= 0) this.sorted[position] = row;
    const drawn = [...this.body.children].find((element) => (element as HTMLElement).dataset.session === row.id);
    drawn?.replaceWith(this.rowElement(row, position));
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
        const button = el(
          'button',
          { type: 'button', class: 'sort-button', 'data-column': column.id },
          column.label,
          el('span', {
            class: `codicon codicon-${active ? (this.sort.direction === 'ascending' ? 'arrow-up' : 'arrow-down') : 'blank'}`,
            'aria-hidden': 'true',
          }),
        );
        button.addEventListener('click', () => this.sortBy(column.id));
        return el('div', { role: 'columnheader', class: column.numeric ? 'numeric' : undefined, 'aria-sort': active ? this.sort.direction : 'none' }, button);
      }),
      el('div', { role: 'columnheader', class: 'row-actions' }, el('span', { class: 'sr-only' }, 'Actions')),
    );
  }

  private sortBy(column: SessionColumn): void {
    this.sort = nextSort(this.sort, column);
    this.drawHead();
    this.resort(Math.max(this.shown, PAGE_ROWS));
    this.sortChanged(this.sort);
  }

  /** Draws rows [0, count): the first screenful now, the rest in later tasks. */
  private drawRows(count: number): void {
    const started = performance.now();
    const first = Math.min(count, this.sorted.length, FIRST_ROWS);
    this.body.replaceChildren(this.rowRange(0, first));
    this.shown = first;
    this.table.setAttribute('aria-rowcount', String(this.sorted.length + 1));
    this.extend(count);
    this.drawn(first, performance.now() - started);
  }

  /** Appends rows up to `count` in chunks; a redraw (new rows, a new order) stops an older run. */
  private extend(count: number): void {
    const generation = ++this.generation;
    const end = Math.min(count, this.sorted.length);
    this.updateMore(end);
    const next = (): void => {
      if (generation !== this.generation || this.shown >= end) return;
      const to = Math.min(end, this.shown + CHUNK_ROWS);
      this.body.append(this.rowRange(this.shown, to));
      this.shown = to;
      this.updateMore(end);
      setTimeout(next);
    };
    // After the next paint, so the first rows show before the rest are built.
    requestAnimationFrame(() => setTimeout(next));
  }

  private rowRange(from: number, to: number): DocumentFragment {
    const fragment = document.createDocumentFragment();
    for (let index = from; index < to; index++) fragment.append(this.rowElement(this.sorted[index] as SessionRow, index));
    return fragment;
  }

  /** "Show more" once everything up to the page's end is drawn and rows are left. */
  private updateMore(end: number): void {
    const left = this.sorted.length - end;
    this.more.hidden = left === 0 || this.shown < end;
    this.more.textContent = `Show ${Math.min(left, PAGE_ROWS).toLocaleString()} more of ${left.toLocaleString()}`;
    this.body.setAttribute('aria-busy', String(this.shown < end));
  }

  private rowElement(row: SessionRow, index: number): HTMLElement {
    const cells = sessionCells(row, this.now, formatTime);
    const tr = document.createElement('div');
    tr.setAttribute('role', 'row');
    tr.setAttribute('aria-rowindex', String(index + 2));
    tr.dataset.session = row.id;
    tr.dataset.proxyBytes = String(row.proxyBytes);
    tr.dataset.created = row.createdAt;
    tr.className = `results-row status-${row.status.toLowerCase()}`;
    cells.forEach((text, position) => {
      const td = document.createElement('div');
      td.setAttribute('role', 'cell');
      const column = SESSION_COLUMNS[position];
      td.className = `cell-${column?.id ?? ''}${column?.numeric ? ' numeric' : ''}`;
      if (column?.id === 'id') td.classList.add('mono');
      if (column?.id === 'metadata') {
        td.classList.add('mono', 'metadata');
        // Long metadata is cut on screen; the whole of it on hover.
        if (text.length > 40) td.title = text;
      }
      td.textContent = text;
      tr.append(td);
    });
    const actions = document.createElement('div');
    actions.setAttribute('role', 'cell');
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
