/**
 * The sidebar overview: one card per connection with its state (and why), its current values
 * against their limits, a sparkline and actions (refresh, open in the panel, set the token); a
 * welcome with "Add connection" when there is none. Cards are updated in place, so focus stays on
 * the button a person is on.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-icon/index.js';
import '@vscode-elements/elements/dist/vscode-toolbar-button/index.js';
import { descriptorOfKind, PROVIDER_NAMES } from '../../src/providers/registry';
import { buildSparkline, type Sparkline } from '../../src/shared/chartGroups';
import { connectionState } from '../../src/shared/connectionState';

import { figureText } from '../../src/shared/figures';
import { formatPercent, formatRelativeTime, formatUnitValue } from '../../src/shared/format';
import type { ConnectionHistory } from '../../src/shared/protocol';
import type { SidebarSnapshot } from '../../src/shared/protocol';
import type { ConnectionSnapshot } from '../../src/shared/snapshot';
import { domId, el, icon, replaceChildren } from '../common/dom';
import { onHostMessage, post } from '../common/host';
import { onThemeChange, readPalette, type Palette } from '../common/theme';
import { drawSparkline } from './sparkline';

const app = document.getElementById('app') as HTMLElement;
let palette: Palette = readPalette();
let snapshot: SidebarSnapshot | undefined;

interface Card {
  readonly element: HTMLElement;
  readonly title: HTMLElement;
  readonly state: HTMLElement;
  readonly reason: HTMLElement;
  readonly values: HTMLElement;
  readonly canvas: HTMLCanvasElement;
  readonly meta: HTMLElement;
  sparkline?: Sparkline;
}

const cards = new Map<string, Card>();
const list = el('div', { class: 'cards' });
const welcome = el(
  'div',
  { class: 'welcome', hidden: true },
  el('p', {}, 'No connections yet. Add one to watch its usage and quotas here and in the status bar.'),
  el('vscode-button', { icon: 'add', id: 'add-connection' }, 'Add connection'),
);
welcome.querySelector('#add-connection')?.addEventListener('click', () => post({ type: 'addConnection' }));

function action(iconName: string, label: string, run: () => void, className: string): HTMLElement {
  const button = el('vscode-toolbar-button', { icon: iconName, label, title: label, class: className });
  button.addEventListener('click', run);
  return button;
}

function createCard(connection: ConnectionSnapshot): Card {
  const id = domId('card', connection.id);
  const title = el('h2', { id: `${id}-title` });
  const state = el('span', { class: 'state' });
  const reason = el('p', { class: 'reason' });
  const values = el('ul', { class: 'values' });
  const canvas = el('canvas', { class: 'sparkline', role: 'img' });
  const meta = el('p', { class: 'meta' });
  const connectionId = connection.id;
  const element = el(
    'article',
    { class: 'card', 'data-connection': connectionId, 'aria-labelledby': `${id}-title` },
    el(
      'header',
      { class: 'card-header' },
      title,
      el(
        'div',
        { class: 'card-actions' },
        action('refresh', `Refresh ${connection.label}`, () => post({ type: 'refresh', connectionId }), 'refresh'),
        action('graph', `Open ${connection.label} in the usage panel`, () => post({ type: 'openPanel', connectionId }), 'open-panel'),
        connection.kind === 'browserbase' && !connection.via
          ? action('vm', `Find and launch ${connection.label} sessions by tag`, () => post({ type: 'openSessions', connectionId }), 'open-sessions')
          : undefined,
        action('key', `Set the token of ${connection.label}`, () => post({ type: 'setToken', connectionId }), 'set-token'),
      ),
    ),
    el('div', { class: 'card-state' }, state, reason),
    values,
    canvas,
    meta,
  );
  return { element, title, state, reason, values, canvas, meta };
}

/** The connection's figures (value against limit, with their source), and its info series as labels. */
function renderValues(card: Card, connection: ConnectionSnapshot): void {
  const rows = connection.figures.slice(0, 4).map((figure) => {
    // A percentage of a percentage, or of a state, does not read at all.
    const share = figure.ratio === null || figure.unit === 'percent' || figure.words ? '' : ` (${formatPercent(figure.ratio * 100)})`;
    const meter = el('div', { class: 'meter', 'aria-hidden': 'true' }, el('div', { class: `fill level-${figure.level}` }));
    // CSSOM, not a style attribute: allowed by the page's CSP.
    (meter.firstElementChild as HTMLElement).style.width = `${Math.min(100, Math.max(0, (figure.ratio ?? 0) * 100))}%`;
    return el(
      'li',
      { class: `level-${figure.level}`, 'data-figure': figure.id, ...(figure.quota ? { 'data-quota': figure.quota } : {}) },
      el('span', { class: 'name' }, figure.label),
      el('span', { class: 'value' }, figureText(figure), share),
      figure.source ? el('span', { class: 'source' }, figure.source) : undefined,
      figure.limit === null || figure.words ? undefined : meter,
    );
  });
  for (const info of connection.info.slice(0, 2)) {
    rows.push(
      el(
        'li',
        { class: 'info' },
        el('span', { class: 'name' }, info.name),
        el(
          'span',
          { class: 'value' },
          Object.entries(info.labels)
            .map(([key, value]) => `${key}=${value}`)
            .join(', '),
        ),
      ),
    );
  }
  replaceChildren(card.values, ...rows);
}

function sparklineOf(connection: ConnectionSnapshot, history: ConnectionHistory | undefined): Sparkline | undefined {
  return history ? buildSparkline(descriptorOfKind(connection.kind), history, connection) : undefined;
}

function describeSparkline(sparkline: Sparkline): string {
  const values = sparkline.v.filter((value): value is number => value !== null);
  if (values.length === 0) return `${sparkline.label}: no values`;
  const show = (value: number) => formatUnitValue(value, sparkline.unit);
  return `${sparkline.label}: now ${show(values.at(-1) as number)}, lowest ${show(Math.min(...values))}, highest ${show(Math.max(...values))}`;
}

function updateCard(card: Card, connection: ConnectionSnapshot, sparkline: Sparkline | undefined, now: number): void {
  const state = connectionState(connection, now);
  card.element.className = `card state-${state.kind}`;
  replaceChildren(card.title, icon(state.icon, state.kind === 'loading'), ` ${connection.label}`);
  replaceChildren(card.state, state.text);
  card.reason.textContent = state.reason ?? '';
  card.reason.hidden = state.reason === undefined;
  renderValues(card, connection);
  // A line needs two readings; until then the card shows no empty box.
  const drawable = sparkline && sparkline.v.filter((value) => value !== null).length >= 2 ? sparkline : undefined;
  card.sparkline = drawable;
  card.canvas.hidden = drawable === undefined;
  if (drawable) {
    card.canvas.setAttribute('aria-label', describeSparkline(drawable));
    drawSparkline(card.canvas, drawable, palette);
  }
  const updated = connection.lastSuccessAt ? `updated ${formatRelativeTime(connection.lastSuccessAt, now)}` : 'not updated yet';
  card.meta.textContent = `${PROVIDER_NAMES[connection.kind]} · ${updated}${drawable ? ` · ${drawable.label}` : ''}`;
}

function render(message: SidebarSnapshot, receivedAt: number): void {
  if (!snapshot) replaceChildren(app, welcome, list);
  snapshot = message;
  app.removeAttribute('aria-busy');
  welcome.hidden = message.connections.length > 0;
  const histories = new Map(message.histories.map((history) => [history.connectionId, history]));
  const seen = new Set<string>();
  let previous: Element | null = null;
  for (const connection of message.connections) {
    seen.add(connection.id);
    let card = cards.get(connection.id);
    if (!card) {
      card = createCard(connection);
      cards.set(connection.id, card);
    }
    const history = histories.get(connection.id);
    updateCard(card, connection, sparklineOf(connection, history), message.now);
    const expected: Element | null = previous ? previous.nextElementSibling : list.firstElementChild;
    if (expected !== card.element) {
      if (previous) previous.after(card.element);
      else list.prepend(card.element);
    }
    previous = card.element;
  }
  for (const [id, card] of cards) {
    if (!seen.has(id)) {
      card.element.remove();
      cards.delete(id);
    }
  }
  requestAnimationFrame(() => post({ type: 'rendered', surface: 'sidebar', phase: 'update', ms: performance.now() - receivedAt, charts: cards.size }));
}

onHostMessage((message, receivedAt) => {
  if (message.type === 'snapshot' && message.surface === 'sidebar') render(message, receivedAt);
});

const redrawSparklines = () => {
  for (const card of cards.values()) if (card.sparkline) drawSparkline(card.canvas, card.sparkline, palette);
};

onThemeChange(() => {
  palette = readPalette();
  redrawSparklines();
});

// The sidebar is resized by dragging its edge: sparklines follow the new width.
new ResizeObserver(() => redrawSparklines()).observe(list);

setInterval(() => {
  if (!snapshot) return;
  const now = Date.now();
  const histories = new Map(snapshot.histories.map((history) => [history.connectionId, history]));
  for (const connection of snapshot.connections) {
    const card = cards.get(connection.id);
    const history = histories.get(connection.id);
    if (card) updateCard(card, connection, sparklineOf(connection, history), now);
  }
}, 15_000);

post({ type: 'ready', surface: 'sidebar' });
