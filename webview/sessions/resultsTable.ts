/**
 * The matching sessions as a sortable table. The rows are drawn with plain DOM and one delegated
 * listener, not templates: the first screenful at once and the rest in chunks in the tasks after, up
 * to PAGE_ROWS ("Show more" draws the next ones), so the table shows as soon as the answer arrives
 * however many sessions match. Rows are ARIA table rows laid out by CSS grid rather than a <table>: a
 * browser must lay out every row of a <table> (about 150 ms for a thousand here), while grid rows can
 * use `content-visibility: auto`, so only the rows in view are laid out and painted.
 *
 * Metadata reads as `key = value` chips; a session with more tags than fit shows the first few and a
 * "+N more" button that shows them all, so the whole text is reachable from the keyboard. A runaway
 * (running past the connection's threshold) is marked in its status cell: an icon and "runaway" for
 * the eye, how long against the threshold and keep-alive in words for screen readers and the hover.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { html, type PropertyValues, type TemplateResult } from 'lit';
import { formatClockTime, formatDay } from '../../src/shared/format';
import { runawayWords } from '../../src/shared/runawaySessions';
import type { SessionRow } from '../../src/shared/sessionColumns';
import type { SessionAction, SessionsPageMessage } from '../../src/shared/sessionsProtocol';
import { metadataEntries, metadataText, SESSION_COLUMNS, sessionCells, type SessionColumn, type SessionSort } from '../../src/shared/sessionTable';
import { define, LightElement } from '../common/lightElement';
import type { ResultSet, SessionsStateProvider } from './state';

export const PAGE_ROWS = 5000;
/** Rows drawn before the first paint: more than a tall panel shows. */
const FIRST_ROWS = 150;
/** Rows per later task: a few milliseconds each, so typing and scrolling stay smooth. */
const CHUNK_ROWS = 200;
/** Chips shown before "+N more". */
const CHIPS_SHOWN = 3;

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

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function runawayMark(words: string): HTMLElement {
  const mark = element('span', 'runaway-mark');
  mark.title = words;
  const glyph = element('span', 'codicon codicon-warning');
  const seen = element('span', 'runaway-text', 'runaway');
  glyph.setAttribute('aria-hidden', 'true');
  seen.setAttribute('aria-hidden', 'true');
  mark.append(glyph, seen, element('span', 'sr-only', `, ${words}`));
  return mark;
}

function metadataCell(row: SessionRow): HTMLElement {
  const cell = element('div', 'cell-metadata');
  const entries = metadataEntries(row);
  if (entries.length === 0) {
    cell.textContent = '—';
    return cell;
  }
  // Read as one sentence by a screen reader; the chips are what the eye reads.
  cell.setAttribute('aria-label', `Metadata: ${metadataText(row)}`);
  const list = element('ul', 'chips');
  entries.forEach((entry, index) => {
    const chip = element('li', `chip${index >= CHIPS_SHOWN ? ' extra' : ''}`);
    // The key and " = " as the chip's own text, the value in bold: two nodes a chip, for tables of thousands.
    chip.append(`${entry.key} = `, element('b', 'chip-value', entry.value));
    chip.title = `${entry.key} = ${entry.value}`;
    list.append(chip);
  });
  cell.append(list);
  if (entries.length > CHIPS_SHOWN) {
    const more = element('button', 'more-chips', `+${entries.length - CHIPS_SHOWN} more`);
    more.type = 'button';
    more.dataset.toggle = 'chips';
    more.setAttribute('aria-expanded', 'false');
    more.setAttribute('aria-label', `Show all ${entries.length} tags of ${row.id}`);
    cell.append(more);
  }
  return cell;
}

export class ResultsTable extends LightElement {
  static override properties = { results: { attribute: false }, sort: { attribute: false } };
  declare results: ResultSet | undefined;
  declare sort: SessionSort;
  provider!: SessionsStateProvider;
  send: (messages: readonly SessionsPageMessage[]) => void = () => undefined;
  /** Rows drawn and how long the first ones took (diagnostics and the benchmark). */
  drawn: (rows: number, ms: number) => void = () => undefined;
  private shown = 0;
  /** Bumped on every redraw, so chunks of an older one stop. */
  private generation = 0;
  private drawnFrom: readonly SessionRow[] | undefined;

  protected override render(): TemplateResult {
    const sort = this.sort;
    return html`<div class="results-table-wrap">
      <div role="table" class="results-table" aria-label="Matching sessions">
        <div role="rowgroup" class="results-head">
          <div role="row" class="results-row">
            ${SESSION_COLUMNS.map((column) => {
              const active = sort.column === column.id;
              return html`<div role="columnheader" class=${column.numeric ? 'numeric' : ''} aria-sort=${active ? sort.direction : 'none'}>
                <button type="button" class="sort-button" data-column=${column.id} @click=${() => this.sortBy(column.id)}>
                  ${column.label}<span
                    class="codicon codicon-${active ? (sort.direction === 'ascending' ? 'arrow-up' : 'arrow-down') : 'blank'}"
                    aria-hidden="true"
                  ></span>
                </button>
              </div>`;
            })}
            <div role="columnheader" class="row-actions"><span class="sr-only">Actions</span></div>
          </div>
        </div>
        <div role="rowgroup" class="results-body" @click=${(event: Event) => this.clicked(event)}></div>
      </div>
      <vscode-button secondary class="show-more" hidden @click=${() => this.extend(this.shown + PAGE_ROWS)}></vscode-button>
    </div>`;
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    const sorted = this.results?.sorted;
    if (sorted === this.drawnFrom) return;
    const previous = this.drawnFrom;
    this.drawnFrom = sorted;
    // Same rows in the same order with one changed (a release): redraw those rows in place.
    if (previous && sorted && previous.length === sorted.length && previous.every((row, index) => row.id === sorted[index]?.id)) {
      sorted.forEach((row, index) => {
        if (row === previous[index]) return;
        this.querySelector(`.results-body [data-session="${CSS.escape(row.id)}"]`)?.replaceWith(this.rowElement(row, index));
      });
      return;
    }
    this.drawRows(Math.max(this.shown, PAGE_ROWS));
  }

  private get body(): HTMLElement {
    return this.querySelector('.results-body') as HTMLElement;
  }

  /**
   * Sorting redraws the table (and with it the page around it); the header just used keeps the focus,
   * so the keyboard can press it again to reverse the order.
   */
  private sortBy(column: SessionColumn): void {
    this.provider.sortBy(column);
    void this.updateComplete.then(() => this.querySelector<HTMLElement>(`.sort-button[data-column="${column}"]`)?.focus());
  }

  private clicked(event: Event): void {
    const target = event.target as Element;
    const toggle = target.closest<HTMLButtonElement>('button[data-toggle="chips"]');
    if (toggle) {
      const open = toggle.getAttribute('aria-expanded') !== 'true';
      toggle.setAttribute('aria-expanded', String(open));
      toggle.closest('.cell-metadata')?.classList.toggle('expanded', open);
      toggle.textContent = open ? 'Show fewer' : `+${toggle.closest('.cell-metadata')?.querySelectorAll('.chip.extra').length ?? 0} more`;
      return;
    }
    const button = target.closest<HTMLElement>('button[data-action]');
    const id = button?.closest<HTMLElement>('[data-session]')?.dataset.session;
    const action = ROW_ACTIONS.find((entry) => entry.action === button?.dataset.action);
    if (id !== undefined && action) this.send(this.provider.sessionAction(id, action.action));
  }

  /** Draws rows [0, count): the first screenful now, the rest in later tasks. */
  private drawRows(count: number): void {
    const started = performance.now();
    const sorted = this.results?.sorted ?? [];
    const first = Math.min(count, sorted.length, FIRST_ROWS);
    this.body.replaceChildren(this.rowRange(0, first));
    this.shown = first;
    this.querySelector('.results-table')?.setAttribute('aria-rowcount', String(sorted.length + 1));
    this.extend(count);
    this.drawn(first, performance.now() - started);
  }

  /** Appends rows up to `count` in chunks; a redraw (new rows, a new order) stops an older run. */
  private extend(count: number): void {
    const generation = ++this.generation;
    const sorted = this.results?.sorted ?? [];
    const end = Math.min(count, sorted.length);
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
    const sorted = this.results?.sorted ?? [];
    const fragment = document.createDocumentFragment();
    for (let index = from; index < to; index++) fragment.append(this.rowElement(sorted[index] as SessionRow, index));
    return fragment;
  }

  /** "Show more" once everything up to the page's end is drawn and rows are left. */
  private updateMore(end: number): void {
    const more = this.querySelector<HTMLElement>('.show-more');
    const left = (this.results?.sorted.length ?? 0) - end;
    if (more) {
      more.hidden = left === 0 || this.shown < end;
      more.textContent = `Show ${Math.min(left, PAGE_ROWS).toLocaleString()} more of ${left.toLocaleString()}`;
    }
    this.body.setAttribute('aria-busy', String(this.shown < end));
  }

  private rowElement(row: SessionRow, index: number): HTMLElement {
    const now = this.results?.now ?? Date.now();
    const cells = sessionCells(row, now, formatTime);
    const runaway = runawayWords(row, this.results?.runawayMinutes ?? Infinity, now);
    const tr = element('div', `results-row status-${row.status.toLowerCase()}${runaway ? ' runaway' : ''}`);
    tr.setAttribute('role', 'row');
    tr.setAttribute('aria-rowindex', String(index + 2));
    tr.dataset.session = row.id;
    tr.dataset.proxyBytes = String(row.proxyBytes);
    tr.dataset.created = row.createdAt;
    cells.forEach((text, position) => {
      const column = SESSION_COLUMNS[position];
      const td = column?.id === 'metadata' ? metadataCell(row) : element('div', `cell-${column?.id ?? ''}`, text);
      td.setAttribute('role', 'cell');
      if (column?.numeric) td.classList.add('numeric');
      if (column?.id === 'status' && runaway) td.append(runawayMark(runaway));
      if (column?.id === 'id') {
        td.classList.add('mono');
        td.title = row.id;
      }
      tr.append(td);
    });
    const actions = element('div', 'row-actions');
    actions.setAttribute('role', 'cell');
    for (const entry of ROW_ACTIONS) {
      if (entry.when && !entry.when(row)) continue;
      const button = element('button', 'icon-button');
      button.type = 'button';
      button.dataset.action = entry.action;
      button.title = entry.label;
      button.setAttribute('aria-label', `${entry.label} ${row.id}`);
      const glyph = element('span', `codicon codicon-${entry.icon}`);
      glyph.setAttribute('aria-hidden', 'true');
      button.append(glyph);
      actions.append(button);
    }
    tr.append(actions);
    return tr;
  }
}

define('lu-results-table', ResultsTable);
