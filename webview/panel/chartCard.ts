/**
 * A chart with everything around it: title and unit, an HTML legend whose entries are toggle buttons
 * (so series can be hidden from the keyboard), the canvas (the chart is created only once the card
 * scrolls into view), a screen-reader summary, a live region for the keyboard cursor, the table view
 * and the export buttons.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-icon/index.js';
import { html, nothing, svg, type PropertyValues, type TemplateResult } from 'lit';
import type { ChartData } from '../../src/shared/chartGroups';
import { unitName } from '../../src/shared/format';
import { bucketName } from '../../src/shared/timeAxis';
import { domId } from '../common/dom';
import { define, LightElement } from '../common/lightElement';
import { seriesStyle, type Palette } from '../common/palette';
import { chartSummary } from './chartSummary';
import { ChartView } from './chartView';
import { renderDataTable } from './dataTable';

/** What a card asks of the page. */
export interface ChartCardHost {
  hidden(chartId: string): ReadonlySet<string>;
  toggleSeries(chart: ChartData, seriesKey: string): ReadonlySet<string>;
  zoom(chartId: string): readonly [number, number] | undefined;
  setZoom(chartId: string, zoom: readonly [number, number] | undefined): void;
  tableOpen(chartId: string): boolean;
  setTableOpen(chartId: string, open: boolean): void;
  exportChart(chart: ChartData, format: 'csv' | 'json'): void;
  /** Calls `show` once the card is near the viewport. */
  whenVisible(element: Element, show: () => void): void;
  drawn(): void;
}

/** A short line in the series' colour and dash, as the legend's key. */
function swatch(colour: string, dash: readonly number[], width: number): TemplateResult {
  return html`<svg width="22" height="8" aria-hidden="true">
    ${svg`<line x1="1" y1="4" x2="21" y2="4" stroke=${colour} stroke-width=${String(width)} stroke-dasharray=${dash.join(' ')}></line>`}
  </svg>`;
}

export class ChartCard extends LightElement {
  static override properties = { data: { attribute: false }, palette: { attribute: false } };
  declare data: ChartData;
  declare palette: Palette;
  host!: ChartCardHost;
  private view: ChartView | undefined;
  private readout = '';
  private watching = false;
  /** The thresholds the chart drew when the note was written: the note names those it left out. */
  private noted = '';
  /** The table view, built again only for new data (it may hold thousands of rows). */
  private table: { readonly data: ChartData; readonly element: HTMLElement } | undefined;

  get drawnChart(): boolean {
    return this.view !== undefined;
  }

  /** Creates the chart; until then the card holds only its data (cheap for charts scrolled away). */
  show(): void {
    if (this.view || !this.isConnected) return;
    const area = this.querySelector<HTMLElement>('.chart-area');
    const canvas = area?.querySelector('canvas');
    if (!area || !canvas) return;
    this.view = new ChartView(area, canvas, this.data, {
      palette: this.palette,
      hidden: this.host.hidden(this.data.id),
      ...(this.host.zoom(this.data.id) ? { zoom: this.host.zoom(this.data.id) as readonly [number, number] } : {}),
      onZoom: (zoom) => {
        this.host.setZoom(this.data.id, zoom);
        this.requestUpdate();
      },
      onReadout: (text) => {
        this.readout = text;
        this.requestUpdate();
      },
      onRendered: () => this.followThresholds(),
    });
    this.requestUpdate();
    this.host.drawn();
  }

  /** The chart decides which thresholds fit only once it has drawn: the note follows it. */
  private followThresholds(): void {
    const shown = (this.view?.shownThresholds() ?? []).map((line) => line.label).join('\n');
    if (shown === this.noted) return;
    this.noted = shown;
    this.requestUpdate();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.view?.destroy();
    this.view = undefined;
    this.watching = false;
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    if (!this.watching) {
      this.watching = true;
      this.host.whenVisible(this, () => this.show());
    }
    if (changed.has('data')) this.view?.update(this.data);
    if (changed.has('palette') && changed.get('palette') !== undefined) this.view?.setPalette(this.palette);
    this.followThresholds();
  }

  private tableView(): HTMLElement {
    if (this.table?.data !== this.data) this.table = { data: this.data, element: renderDataTable(this.data) };
    return this.table.element;
  }

  private toggle(seriesKey: string): void {
    const hidden = this.host.toggleSeries(this.data, seriesKey);
    this.view?.setHidden(hidden);
    this.requestUpdate();
  }

  private notes(): string[] {
    const data = this.data;
    const notes: string[] = [];
    const unit = unitName(data.unit);
    if (unit) notes.push(`Unit: ${unit}.`);
    if (data.bucketMs) {
      notes.push(
        data.series.some((series) => series.hi)
          ? `${bucketName(data.bucketMs)} averages; the shaded band spans each bucket's lowest to highest value.`
          : `Each point is the newest reading of its ${bucketName(data.bucketMs)} bucket.`,
      );
    }
    const shown = this.view?.shownThresholds();
    const above = shown ? data.thresholds.filter((line) => !shown.includes(line)) : [];
    if (above.length > 0) notes.push(`Not drawn, far above the values: ${above.map((line) => line.label).join(', ')}.`);
    if (data.omitted) notes.push(`${data.omitted} more label sets are left out (of the table and exports too).`);
    return notes;
  }

  protected override render(): TemplateResult {
    const data = this.data;
    const id = domId('chart', data.id);
    const hidden = this.host.hidden(data.id);
    const tableOpen = this.host.tableOpen(data.id);
    const zoomed = this.view?.zoomed ?? this.host.zoom(data.id) !== undefined;
    const notes = this.notes();
    const summary = this.view?.summary() ?? chartSummary(data, [data.from, data.to], false);
    return html`<article
      class="chart-card"
      id=${id}
      data-chart-id=${data.id}
      data-from=${String(data.from)}
      data-to=${String(data.to)}
      aria-labelledby="${id}-title"
    >
      <header class="chart-header">
        <h3 id="${id}-title">${data.title}</h3>
        <div class="chart-actions">
          <vscode-button
            secondary
            icon="zoom-out"
            class="reset-zoom"
            aria-label="Reset zoom of ${data.title}"
            ?hidden=${!zoomed}
            @click=${() => this.view?.setZoom(undefined)}
            >Reset zoom</vscode-button
          >
          <vscode-button
            secondary
            icon="table"
            class="toggle-table"
            aria-label="Table view of ${data.title}"
            aria-pressed=${String(tableOpen)}
            @click=${() => (this.host.setTableOpen(data.id, !tableOpen), this.requestUpdate())}
            >Table</vscode-button
          >
          <vscode-button
            secondary
            icon="desktop-download"
            class="export-csv"
            aria-label="Export ${data.title} as CSV"
            @click=${() => this.host.exportChart(data, 'csv')}
            >CSV</vscode-button
          >
          <vscode-button secondary icon="json" class="export-json" aria-label="Export ${data.title} as JSON" @click=${() => this.host.exportChart(data, 'json')}
            >JSON</vscode-button
          >
        </div>
      </header>
      <p class="chart-note">${notes.length > 0 ? html`<vscode-icon name="info" aria-hidden="true"></vscode-icon> ${notes.join(' ')}` : nothing}</p>
      <ul class="legend" aria-label="Series of ${data.title}">
        ${data.series.map((series, index) => {
          const { colour, dash } = seriesStyle(this.palette, index);
          return html`<li>
            <button
              type="button"
              data-key=${series.key}
              aria-label="${series.label} in ${data.title}"
              aria-pressed=${String(!hidden.has(series.key))}
              @click=${() => this.toggle(series.key)}
            >
              ${swatch(colour, dash, this.palette.lineWidth)}${series.label}
            </button>
          </li>`;
        })}
      </ul>
      <div
        class="chart-area"
        tabindex="0"
        role="group"
        aria-roledescription="chart"
        aria-label="${data.title} chart"
        aria-describedby="${id}-summary ${id}-keys"
        aria-keyshortcuts="ArrowLeft ArrowRight Home End + - 0"
      >
        <canvas aria-hidden="true"></canvas>
        <div class="selection" hidden></div>
      </div>
      <p class="chart-keys" id="${id}-keys">
        Keys: ← → read values, Home/End first/last, + − zoom, Shift+← → pan, 0 reset. Drag or Ctrl+wheel to zoom, double-click to reset.
      </p>
      <p class="sr-only" id="${id}-summary">${summary}</p>
      <p class="chart-readout" aria-live="polite">${this.readout}</p>
      <div
        class="chart-table"
        ?hidden=${!tableOpen}
        role="region"
        aria-label="Table view of ${data.title}"
        tabindex=${
          // It scrolls: focusable, so the keyboard can scroll it too.
          tableOpen ? '0' : '-1'
        }
      >
        ${tableOpen ? this.tableView() : nothing}
      </div>
    </article>`;
  }
}

define('lu-chart-card', ChartCard);
