/**
 * A chart with everything around it: title and unit, an HTML legend whose entries are buttons (so
 * series can be hidden from the keyboard), the canvas (created only once the card scrolls into
 * view), a screen-reader summary, a live region for the keyboard cursor, the table view and the
 * export buttons.
 */
import type { ChartData } from '../../src/shared/chartGroups';
import { unitName } from '../../src/shared/format';
import { bucketName } from '../../src/shared/timeAxis';
import { domId, el, icon, replaceChildren } from '../common/dom';
import { seriesStyle, type Palette } from '../common/theme';
import { ChartView } from './chartView';
import { renderDataTable } from './dataTable';

export interface ChartCardHost {
  palette(): Palette;
  hidden(chartId: string): ReadonlySet<string>;
  setHidden(chartId: string, hidden: ReadonlySet<string>): void;
  zoom(chartId: string): readonly [number, number] | undefined;
  setZoom(chartId: string, zoom: readonly [number, number] | undefined): void;
  tableOpen(chartId: string): boolean;
  setTableOpen(chartId: string, open: boolean): void;
  exportChart(chart: ChartData, format: 'csv' | 'json'): void;
  /** Call `show` once the card is near the viewport. */
  whenVisible(element: Element, show: () => void): void;
  drawn(): void;
}

const SVG = 'http://www.w3.org/2000/svg';

/** A short line in the series' colour and dash, as the legend's key. */
function swatch(colour: string, dash: readonly number[], width: number): SVGSVGElement {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('width', '22');
  svg.setAttribute('height', '8');
  svg.setAttribute('aria-hidden', 'true');
  const line = document.createElementNS(SVG, 'line');
  for (const [name, value] of Object.entries({
    x1: '1',
    y1: '4',
    x2: '21',
    y2: '4',
    stroke: colour,
    'stroke-width': String(width),
    'stroke-dasharray': dash.join(' '),
  })) {
    line.setAttribute(name, value);
  }
  svg.append(line);
  return svg;
}

function button(label: string, iconName: string, className: string): HTMLElement {
  return el('vscode-button', { secondary: true, icon: iconName, class: className }, label);
}

export class ChartCard {
  readonly element: HTMLElement;
  private data: ChartData;
  private view: ChartView | undefined;
  private readonly area: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly legend: HTMLElement;
  private readonly note: HTMLElement;
  private readonly summary: HTMLElement;
  private readonly readout: HTMLElement;
  private readonly tableBox: HTMLElement;
  private readonly tableButton: HTMLElement;
  private readonly resetButton: HTMLElement;
  private legendKeys = '';

  constructor(
    data: ChartData,
    private readonly host: ChartCardHost,
  ) {
    this.data = data;
    const id = domId('chart', data.id);
    this.canvas = el('canvas', { 'aria-hidden': 'true' });
    this.summary = el('p', { class: 'sr-only', id: `${id}-summary` });
    this.area = el(
      'div',
      {
        class: 'chart-area',
        tabindex: 0,
        role: 'group',
        'aria-roledescription': 'chart',
        'aria-label': `${data.title} chart`,
        'aria-describedby': `${id}-summary ${id}-keys`,
        'aria-keyshortcuts': 'ArrowLeft ArrowRight Home End + - 0',
      },
      this.canvas,
      el('div', { class: 'selection', hidden: true }),
    );
    this.readout = el('p', { class: 'chart-readout', 'aria-live': 'polite' });
    this.legend = el('ul', { class: 'legend', 'aria-label': `Series of ${data.title}` });
    this.note = el('p', { class: 'chart-note' });
    this.tableBox = el('div', { class: 'chart-table', hidden: true });
    this.tableButton = button('Table', 'table', 'toggle-table');
    this.tableButton.setAttribute('aria-pressed', 'false');
    this.resetButton = button('Reset zoom', 'zoom-out', 'reset-zoom');
    this.resetButton.hidden = true;
    const csv = button('CSV', 'desktop-download', 'export-csv');
    const json = button('JSON', 'json', 'export-json');
    csv.setAttribute('aria-label', `Export ${data.title} as CSV`);
    json.setAttribute('aria-label', `Export ${data.title} as JSON`);
    this.tableButton.addEventListener('click', () => this.setTable(!this.host.tableOpen(this.data.id)));
    this.resetButton.addEventListener('click', () => this.view?.setZoom(undefined));
    csv.addEventListener('click', () => this.host.exportChart(this.data, 'csv'));
    json.addEventListener('click', () => this.host.exportChart(this.data, 'json'));
    this.element = el(
      'article',
      { class: 'chart-card', id, 'data-chart-id': data.id, 'aria-labelledby': `${id}-title` },
      el(
        'header',
        { class: 'chart-header' },
        el('h3', { id: `${id}-title` }, data.title),
        el('div', { class: 'chart-actions' }, this.resetButton, this.tableButton, csv, json),
      ),
      this.note,
      this.legend,
      this.area,
      el(
        'p',
        { class: 'chart-keys', id: `${id}-keys` },
        'Keys: ← → read values, Home/End first/last, + − zoom, Shift+← → pan, 0 reset. Drag or Ctrl+wheel to zoom, double-click to reset.',
      ),
      this.summary,
      this.readout,
      this.tableBox,
    );
    this.update(data);
    if (this.host.tableOpen(data.id)) this.setTable(true);
    this.host.whenVisible(this.element, () => this.show());
  }

  get id(): string {
    return this.data.id;
  }

  get drawnChart(): boolean {
    return this.view !== undefined;
  }

  /** Creates the chart; until then the card holds only its data (cheap for charts scrolled away). */
  show(): void {
    if (this.view) return;
    this.view = new ChartView(this.area, this.canvas, this.data, {
      palette: this.host.palette(),
      hidden: this.host.hidden(this.data.id),
      ...(this.host.zoom(this.data.id) ? { zoom: this.host.zoom(this.data.id) as readonly [number, number] } : {}),
      onZoom: (zoom) => {
        this.host.setZoom(this.data.id, zoom);
        this.resetButton.hidden = zoom === undefined;
        this.describe();
      },
      onReadout: (text) => (this.readout.textContent = text),
    });
    this.resetButton.hidden = !this.view.zoomed;
    this.describe();
    this.host.drawn();
  }

  update(data: ChartData): void {
    this.data = data;
    // The window in the markup: tools (and the end-to-end run) can tell what the table covers.
    this.element.dataset.from = String(data.from);
    this.element.dataset.to = String(data.to);
    this.renderLegend();
    this.view?.update(data);
    if (!this.tableBox.hidden) replaceChildren(this.tableBox, renderDataTable(data));
    this.describe();
  }

  setPalette(palette: Palette): void {
    this.legendKeys = '';
    this.renderLegend(palette);
    this.view?.setPalette(palette);
  }

  destroy(): void {
    this.view?.destroy();
    this.view = undefined;
    this.element.remove();
  }

  private setTable(open: boolean): void {
    this.host.setTableOpen(this.data.id, open);
    this.tableButton.setAttribute('aria-pressed', String(open));
    this.tableBox.hidden = !open;
    if (open) replaceChildren(this.tableBox, renderDataTable(this.data));
    else replaceChildren(this.tableBox);
  }

  private renderLegend(palette = this.host.palette()): void {
    const keys = this.data.series.map((series) => `${series.key}=${series.label}`).join('\n');
    const hidden = this.host.hidden(this.data.id);
    if (keys === this.legendKeys) {
      for (const item of this.legend.querySelectorAll<HTMLButtonElement>('button[data-key]'))
        item.setAttribute('aria-pressed', String(!hidden.has(item.dataset.key ?? '')));
      return;
    }
    this.legendKeys = keys;
    replaceChildren(
      this.legend,
      ...this.data.series.map((series, index) => {
        const { colour, dash } = seriesStyle(palette, index);
        const toggle = el(
          'button',
          { type: 'button', 'data-key': series.key, 'aria-pressed': String(!hidden.has(series.key)) },
          swatch(colour, dash, palette.lineWidth),
          series.label,
        );
        toggle.addEventListener('click', () => {
          const next = new Set(this.host.hidden(this.data.id));
          if (next.has(series.key)) next.delete(series.key);
          else next.add(series.key);
          // Never hide every series: an empty chart reads as "no data".
          if (next.size >= this.data.series.length) return;
          this.host.setHidden(this.data.id, next);
          toggle.setAttribute('aria-pressed', String(!next.has(series.key)));
          this.view?.setHidden(next);
        });
        return el('li', {}, toggle);
      }),
    );
  }

  private describe(): void {
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
    replaceChildren(this.note, ...(notes.length > 0 ? [icon('info'), ` ${notes.join(' ')}`] : []));
    this.summary.textContent = this.view?.summary() ?? `${data.title}: ${data.description}`;
  }
}
