/**
 * A connection's part of the panel: heading with its state, what went wrong, actions, the quota
 * table, its charts (the main ones, then "More charts" opened on demand) and every latest value.
 * Built once and updated in place, so scroll position, focus and open details survive updates.
 */
import type { ProviderDescriptor } from '../../src/providers/descriptor';
import { descriptorOfKind, PROVIDER_NAMES, resolveSeries } from '../../src/providers/registry';
import type { ChartData } from '../../src/shared/chartGroups';
import { connectionState, HEALTH_TEXT } from '../../src/shared/connectionState';

import { valueText } from '../../src/shared/figures';
import { formatPercent, formatRelativeTime, formatUnitValue } from '../../src/shared/format';
import { isWithheld } from '../../src/shared/samples';
import type { ConnectionSnapshot, ValueRow } from '../../src/shared/snapshot';
import { domId, el, icon, replaceChildren } from '../common/dom';
import type { Palette } from '../common/theme';
import { ChartCard, type ChartCardHost } from './chartCard';

export interface SectionHost extends ChartCardHost {
  refresh(connectionId: string): void;
  setToken(connectionId: string): void;
  openSessions(connectionId: string): void;
  moreOpen(connectionId: string): boolean;
  setMoreOpen(connectionId: string, open: boolean): void;
}

function labelsText(labels: Readonly<Record<string, string>> | undefined): string {
  const entries = labels ? Object.entries(labels) : [];
  return entries.length === 0 ? '' : ` {${entries.map(([key, value]) => `${key}=${value}`).join(', ')}}`;
}

export class ConnectionSection {
  readonly element: HTMLElement;
  private readonly heading: HTMLElement;
  private readonly status: HTMLElement;
  private readonly quotas: HTMLElement;
  private readonly primary: HTMLElement;
  private readonly more: HTMLDetailsElement;
  private readonly moreSummary: HTMLElement;
  private readonly moreCharts: HTMLElement;
  private readonly values: HTMLDetailsElement;
  private readonly others: HTMLDetailsElement;
  private readonly info: HTMLElement;
  private readonly cards = new Map<string, ChartCard>();
  private snapshot: ConnectionSnapshot;

  constructor(
    snapshot: ConnectionSnapshot,
    private readonly host: SectionHost,
  ) {
    this.snapshot = snapshot;
    const id = domId('connection', snapshot.id);
    this.heading = el('h2', { id: `${id}-title`, tabindex: -1 });
    this.status = el('div', { class: 'connection-status' });
    this.quotas = el('div', { class: 'quotas-box' });
    this.primary = el('div', { class: 'charts' });
    this.moreCharts = el('div', { class: 'charts' });
    this.moreSummary = el('summary');
    this.more = el('details', { class: 'more-charts' }, this.moreSummary, this.moreCharts);
    this.more.open = host.moreOpen(snapshot.id);
    this.more.addEventListener('toggle', () => {
      this.host.setMoreOpen(this.snapshot.id, this.more.open);
      // Cards inside a closed <details> never intersect: draw them when it opens.
      if (this.more.open) for (const card of this.cards.values()) if (this.moreCharts.contains(card.element)) card.show();
    });
    this.values = el('details', { class: 'latest-values' });
    this.others = el('details', { class: 'other-values' });
    this.info = el('dl', { class: 'info-labels' });
    const refresh = el('vscode-button', { secondary: true, icon: 'refresh', class: 'refresh' }, 'Refresh');
    const token = el('vscode-button', { secondary: true, icon: 'key', class: 'set-token' }, 'Set token');
    refresh.addEventListener('click', () => this.host.refresh(this.snapshot.id));
    token.addEventListener('click', () => this.host.setToken(this.snapshot.id));
    // Browserbase: its sessions, found by tag, in their own panel.
    const sessions =
      snapshot.kind === 'browserbase' && !snapshot.via
        ? el('vscode-button', { secondary: true, icon: 'vm', class: 'open-sessions' }, 'Sessions by tag')
        : undefined;
    sessions?.addEventListener('click', () => this.host.openSessions(this.snapshot.id));
    this.element = el(
      'section',
      { class: 'connection', id, 'data-connection': snapshot.id, 'aria-labelledby': `${id}-title` },
      el('header', { class: 'connection-header' }, this.heading, el('div', { class: 'connection-actions' }, sessions, refresh, token)),
      this.status,
      this.info,
      this.quotas,
      this.primary,
      this.more,
      this.values,
      this.others,
    );
    this.update(snapshot, [], Date.now());
  }

  update(snapshot: ConnectionSnapshot, charts: readonly ChartData[], now: number): void {
    this.snapshot = snapshot;
    this.element.className = `connection health-${snapshot.health} level-${snapshot.level}`;
    const state = connectionState(snapshot, now);
    const level = snapshot.health === 'ok' && snapshot.level !== 'ok' ? el('span', { class: `level level-${snapshot.level}` }, state.text) : undefined;
    replaceChildren(
      this.heading,
      icon(state.icon, state.kind === 'loading'),
      ` ${snapshot.label} `,
      el('span', { class: 'badge' }, HEALTH_TEXT[snapshot.health]),
      level ? ' ' : undefined,
      level,
    );
    this.renderStatus(snapshot, now);
    this.renderQuotas(snapshot);
    this.renderCharts(charts);
    this.renderValues(snapshot);
  }

  /** Only the status lines, so relative times stay true between snapshots. */
  updateStatus(snapshot: ConnectionSnapshot, now: number): void {
    this.renderStatus(snapshot, now);
  }

  setPalette(palette: Palette): void {
    for (const card of this.cards.values()) card.setPalette(palette);
  }

  destroy(): void {
    for (const card of this.cards.values()) card.destroy();
    this.cards.clear();
    this.element.remove();
  }

  get chartCount(): number {
    return [...this.cards.values()].filter((card) => card.drawnChart).length;
  }

  private renderStatus(snapshot: ConnectionSnapshot, now: number): void {
    const updated = snapshot.lastSuccessAt ? `updated ${formatRelativeTime(snapshot.lastSuccessAt, now)}` : 'not updated yet';
    const next = snapshot.nextPollAt && snapshot.nextPollAt > now ? `, next poll ${formatRelativeTime(snapshot.nextPollAt, now)}` : '';
    replaceChildren(
      this.status,
      el('p', { class: 'meta' }, `${PROVIDER_NAMES[snapshot.kind]} · ${updated}${next}${snapshot.polledHere ? '' : ' · polled by another window'}`),
      snapshot.error ? el('p', { class: 'error', role: 'alert' }, icon('error'), ` ${snapshot.error.message}`) : undefined,
      snapshot.notes.length > 0 ? el('ul', { class: 'notes' }, ...snapshot.notes.map((note) => el('li', {}, note))) : undefined,
    );
  }

  private renderQuotas(snapshot: ConnectionSnapshot): void {
    if (snapshot.quotas.length === 0) {
      replaceChildren(this.quotas);
      return;
    }
    const rows = snapshot.quotas.map((quota) =>
      el(
        'tr',
        { class: `level-${quota.level}`, 'data-quota': quota.id },
        el('th', { scope: 'row' }, quota.label),
        el('td', { class: 'quota-value' }, valueText(quota.value, quota.unit, quota.words)),
        el('td', {}, quota.limit === null ? '—' : formatUnitValue(quota.limit, quota.unit)),
        el('td', {}, quota.ratio === null ? '—' : formatPercent(quota.ratio * 100)),
        el('td', {}, quota.level),
        el('td', { class: 'quota-source' }, quota.source ?? ''),
        el('td', {}, quota.detail ?? ''),
      ),
    );
    replaceChildren(
      this.quotas,
      el(
        'table',
        { class: 'quotas' },
        el('caption', {}, 'Quotas'),
        el('thead', {}, el('tr', {}, ...['Rule', 'Value', 'Limit', 'Used', 'Level', 'Source', 'Detail'].map((name) => el('th', { scope: 'col' }, name)))),
        el('tbody', {}, ...rows),
      ),
    );
  }

  private renderCharts(charts: readonly ChartData[]): void {
    const seen = new Set<string>();
    const place = (container: HTMLElement, list: readonly ChartData[]) => {
      let previous: Element | null = null;
      for (const chart of list) {
        seen.add(chart.id);
        let card = this.cards.get(chart.id);
        if (card) card.update(chart);
        else {
          card = new ChartCard(chart, this.host);
          this.cards.set(chart.id, card);
        }
        // Move a card only when it is out of place: moving a canvas makes it resize and redraw.
        const expected: Element | null = previous ? previous.nextElementSibling : container.firstElementChild;
        if (expected !== card.element) {
          if (previous) previous.after(card.element);
          else container.prepend(card.element);
        }
        previous = card.element;
      }
    };
    const primary = charts.filter((chart) => chart.primary);
    const more = charts.filter((chart) => !chart.primary);
    place(this.primary, primary);
    place(this.moreCharts, more);
    for (const [id, card] of this.cards) {
      if (!seen.has(id)) {
        card.destroy();
        this.cards.delete(id);
      }
    }
    if (primary.length === 0) {
      if (!this.primary.querySelector('.empty'))
        this.primary.append(el('p', { class: 'empty' }, 'No history in this range yet: charts appear after the first polls.'));
    } else {
      this.primary.querySelector('.empty')?.remove();
    }
    this.more.hidden = more.length === 0;
    replaceChildren(this.moreSummary, `More charts (${more.length})`);
    if (this.more.open) for (const chart of more) this.cards.get(chart.id)?.show();
  }

  private renderValues(snapshot: ConnectionSnapshot): void {
    const known = snapshot.values.filter((row) => row.known);
    const unknown = snapshot.values.filter((row) => !row.known);
    const table = (caption: string, rows: readonly ValueRow[]) =>
      el(
        'table',
        { class: 'values' },
        el('caption', {}, caption),
        el('thead', {}, el('tr', {}, ...['Series', 'Value', 'Total', 'At'].map((name) => el('th', { scope: 'col' }, name)))),
        el('tbody', {}, ...rows.map((row) => valueRow(row, descriptorOfKind(snapshot.kind)))),
      );
    const open = this.values.open;
    replaceChildren(this.values, el('summary', {}, `Latest values (${known.length})`), table('Latest values', known));
    this.values.open = open;
    const othersOpen = this.others.open;
    this.others.hidden = unknown.length === 0;
    replaceChildren(
      this.others,
      el('summary', {}, `Other values (${unknown.length})`),
      el('p', { class: 'meta' }, 'Values this version of Live Usage does not know yet, as the provider sent them. They are kept in history.'),
      table('Other values', unknown),
    );
    this.others.open = othersOpen;
    // Info series are labels (a version, a build), not numbers.
    this.info.hidden = snapshot.info.length === 0;
    replaceChildren(
      this.info,
      ...snapshot.info.flatMap((row) => [
        el('dt', {}, row.name),
        el(
          'dd',
          {},
          Object.entries(row.labels)
            .map(([key, value]) => `${key}=${value}`)
            .join(', ') || '—',
        ),
      ]),
    );
  }
}

/** One row of a values table: the value as its semantics read it, a counter's total beside its rate, what it means on hover. */
function valueRow(row: ValueRow, descriptor: ProviderDescriptor): HTMLElement {
  const withheld = isWithheld(row) && row.rawValue !== undefined ? ` (server reported ${row.rawValue}; withheld)` : '';
  const context = row.context
    ? ` (${Object.entries(row.context)
        .filter(([name]) => !name.startsWith('__'))
        .map(([name, value]) => `${name}=${value}`)
        .join(', ')})`
    : '';
  const rate = row.part === 'rate' && row.value === null ? 'after the next reading' : valueText(row.value, row.unit, row.words);
  return el(
    'tr',
    {},
    el(
      'th',
      { scope: 'row', title: `${row.label}: ${resolveSeries(descriptor, row.series, row.labels).spec.description}` },
      row.series + labelsText(row.labels) + (row.part === 'value' || row.part === 'rate' ? '' : ` ${row.part}`),
    ),
    el('td', { 'data-series': row.series }, rate + (context === ' ()' ? '' : context) + withheld),
    el('td', {}, row.total === undefined ? '' : formatUnitValue(row.total, row.totalUnit ?? 'count')),
    el('td', {}, new Date(row.at).toISOString()),
  );
}
