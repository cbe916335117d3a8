/**
 * The usage panel page: a toolbar (range picker with what the range covers, refresh, when it was
 * updated), links to each connection, and one section per connection kept by id. Draws from the state
 * provider; charts are created as they scroll into view and follow the theme.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import { html, nothing, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { ChartData } from '../../src/shared/chartGroups';
import { chartToCsv, chartToJson, exportFileName } from '../../src/shared/exportData';
import { formatClockTime } from '../../src/shared/format';
import type { PanelPageMessage } from '../../src/shared/panelProtocol';
import { isRangeId, RANGE_LABELS } from '../../src/shared/ranges';
import { domId } from '../common/dom';
import { define, LightElement } from '../common/lightElement';
import type { Palette } from '../common/palette';
import { StoreController } from '../common/storeController';
import { onThemeChange, readPalette } from '../common/theme';
import type { ConnectionSection, SectionHost } from './connectionSection';
import './connectionSection';
import { rangeNote } from './sections';
import type { PanelStateProvider } from './state';

// Selects are named by their `label` property (see ../sessions/conditionRows.ts for why).
export class PanelApp extends LightElement {
  private palette: Palette = readPalette();
  private readonly cleanup: (() => void)[] = [];
  private readonly visibleCallbacks = new WeakMap<Element, () => void>();
  private readonly observer = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        if (!entry.isIntersecting) continue;
        this.observer.unobserve(entry.target);
        this.visibleCallbacks.get(entry.target)?.();
        this.visibleCallbacks.delete(entry.target);
      }
    },
    { rootMargin: '400px 0px' },
  );
  readonly sectionHost: SectionHost;

  constructor(
    private readonly provider: PanelStateProvider,
    private readonly post: (message: PanelPageMessage) => void,
    /** A chart was drawn (the page reports drawing times). */
    drawn: () => void,
  ) {
    super();
    new StoreController(this, [provider.store]);
    const choices = () => provider.state.choices;
    this.sectionHost = {
      post,
      hidden: (chartId) => new Set(choices().hidden[chartId] ?? []),
      toggleSeries: (chart: ChartData, key) => provider.toggleSeries(chart.id, key, chart.series.length),
      zoom: (chartId) => choices().zoom[chartId],
      setZoom: (chartId, zoom) => provider.setZoom(chartId, zoom),
      tableOpen: (chartId) => choices().tables.includes(chartId),
      setTableOpen: (chartId, open) => provider.setTableOpen(chartId, open),
      exportChart: (chart, format) => {
        const content = format === 'csv' ? chartToCsv(chart) : chartToJson(chart, Date.now());
        post({ type: 'export', format, fileName: exportFileName(chart, provider.state.snapshot?.range ?? '24h', format), content });
      },
      whenVisible: (element, show) => {
        this.visibleCallbacks.set(element, show);
        this.observer.observe(element);
      },
      drawn,
      moreOpen: (connectionId) => choices().more.includes(connectionId),
      setMoreOpen: (connectionId, open) => provider.setMoreOpen(connectionId, open),
    };
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.cleanup.push(
      onThemeChange(() => {
        this.palette = readPalette();
        this.requestUpdate();
      }),
    );
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    for (const undo of this.cleanup.splice(0)) undo();
  }

  /** Done once the sections have drawn too (a reveal scrolls to one). */
  protected override async getUpdateComplete(): Promise<boolean> {
    const done = await super.getUpdateComplete();
    await Promise.all([...this.querySelectorAll<ConnectionSection>('lu-connection-section')].map((section) => section.updateComplete));
    return done;
  }

  /** Charts drawn so far, in every section. */
  get chartCount(): number {
    return [...this.querySelectorAll<ConnectionSection>('lu-connection-section')].reduce((sum, section) => sum + section.chartCount, 0);
  }

  /** Scrolls to a connection and puts focus on its heading. */
  reveal(connectionId: string): void {
    const section = this.querySelector<HTMLElement>(`section.connection[data-connection="${CSS.escape(connectionId)}"]`);
    if (!section) return;
    section.scrollIntoView({ block: 'start' });
    section.querySelector<HTMLElement>('h2')?.focus({ preventScroll: true });
  }

  private rangePicked(event: Event): void {
    const value = (event.target as HTMLElement & { value: string }).value;
    if (!isRangeId(value)) return;
    const message = this.provider.pickRange(value);
    if (message) this.post(message);
  }

  protected override render(): TemplateResult {
    const { snapshot, sections, shownRange, busy, now } = this.provider.state;
    if (!snapshot) return html`<p class="loading">Loading Live Usage…</p>`;
    const range = shownRange ?? snapshot.range;
    const note = busy ? '' : rangeNote(snapshot, sections, RANGE_LABELS[snapshot.range]);
    return html`<header class="toolbar">
        <h1>Live Usage</h1>
        <label for="range" class="range-label">Range</label>
        <vscode-single-select
          id="range"
          label="Range of every chart"
          aria-describedby="range-note"
          .value=${range}
          @change=${(event: Event) => this.rangePicked(event)}
        >
          ${snapshot.ranges.map((id) => html`<vscode-option value=${id} ?selected=${id === range}>${RANGE_LABELS[id]}</vscode-option>`)}
        </vscode-single-select>
        <vscode-button secondary icon="refresh" id="refresh-all" @click=${() => this.post({ type: 'refresh' })}>Refresh all</vscode-button>
        <span class="updated" aria-live="off">Updated ${formatClockTime(snapshot.now)}</span>
        <p class="range-note" id="range-note" ?hidden=${note === ''}>${note}</p>
      </header>
      <nav class="jump" aria-label="Connections">
        ${snapshot.connections.map(
          (connection) => html`<button type="button" class="jump-link" @click=${() => this.reveal(connection.id)}>${connection.label}</button>`,
        )}
      </nav>
      ${
        snapshot.connections.length === 0
          ? html`<div class="welcome">
              <p>No connections yet. Add one to see its usage here.</p>
              <vscode-button icon="add" id="add-connection" @click=${() => this.post({ type: 'addConnection' })}>Add connection</vscode-button>
              <p class="walkthrough-link">
                <a href="#" @click=${(event: Event) => (event.preventDefault(), this.post({ type: 'openWalkthrough' }))}>Get started: a short walkthrough</a>
              </p>
            </div>`
          : nothing
      }
      <div id="connections">
        ${repeat(
          sections,
          (section) => section.connection.id,
          (section) =>
            html`<lu-connection-section
              id=${domId('section', section.connection.id)}
              .host=${this.sectionHost}
              .model=${section}
              .palette=${this.palette}
              .now=${now}
            ></lu-connection-section>`,
        )}
      </div>`;
  }
}

define('lu-panel', PanelApp);
