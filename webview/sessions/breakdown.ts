/**
 * Usage of the result set by the values of one metadata key (minutes per `client`): a bar chart of
 * the largest values and a table of all of them. Regrouped on the page from the rows it already has,
 * so changing the key or the measure costs no request.
 */
import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip } from 'chart.js';
import { formatBytes, formatNumber } from '../../src/shared/format';
import { formatKeyPath, parseKeyPath } from '../../src/shared/metadataQuery';
import type { SessionRow } from '../../src/shared/sessionsProtocol';
import { metadataKeyPaths, usageByTag, type TagBucket } from '../../src/shared/usageByTag';
import { el, replaceChildren } from '../common/dom';
import { readPalette, withAlpha } from '../common/theme';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);

export type Measure = 'minutes' | 'sessions' | 'proxyBytes';

export const MEASURES: readonly { readonly id: Measure; readonly label: string }[] = [
  { id: 'minutes', label: 'Browser minutes' },
  { id: 'sessions', label: 'Sessions' },
  { id: 'proxyBytes', label: 'Proxy bytes' },
];

/** Bars beyond this many would be unreadable; the table lists every value. */
const MAX_BARS = 15;

const formatMeasure = (measure: Measure, value: number) => (measure === 'proxyBytes' ? formatBytes(value) : formatNumber(value));

type Select = HTMLElement & { value: string };

export class Breakdown {
  readonly element: HTMLElement;
  private readonly keySelect: Select;
  private readonly measureSelect: Select;
  private readonly canvas: HTMLCanvasElement;
  private readonly chartBox: HTMLElement;
  private readonly table: HTMLTableElement;
  private readonly empty: HTMLElement;
  private chart: Chart<'bar', number[], string> | undefined;
  private rows: readonly SessionRow[] = [];
  private now = Date.now();
  private keyText: string;
  private measure: Measure;

  constructor(
    initial: { key?: string; measure?: Measure },
    private readonly changed: (key: string, measure: Measure) => void,
  ) {
    this.keyText = initial.key ?? '';
    this.measure = initial.measure ?? 'minutes';
    this.keySelect = el('vscode-single-select', { id: 'breakdown-key', 'aria-label': 'Break down by metadata key' }) as Select;
    this.measureSelect = el(
      'vscode-single-select',
      { id: 'breakdown-measure', 'aria-label': 'Measure' },
      ...MEASURES.map((m) => el('vscode-option', { value: m.id, ...(m.id === this.measure ? { selected: true } : {}) }, m.label)),
    ) as Select;
    this.keySelect.addEventListener('change', () => {
      this.keyText = this.keySelect.value;
      this.changed(this.keyText, this.measure);
      this.draw();
    });
    this.measureSelect.addEventListener('change', () => {
      const picked = MEASURES.find((m) => m.id === this.measureSelect.value);
      if (!picked) return;
      this.measure = picked.id;
      this.changed(this.keyText, this.measure);
      this.draw();
    });
    this.canvas = el('canvas', { role: 'img', 'aria-label': 'Usage by tag value' });
    this.chartBox = el('div', { class: 'breakdown-chart' }, this.canvas);
    this.table = el('table', { class: 'breakdown-table' });
    this.empty = el('p', { class: 'empty' }, 'No metadata keys with string values in these sessions.');
    this.element = el(
      'div',
      { class: 'breakdown' },
      el(
        'div',
        { class: 'form-line' },
        el('label', { for: 'breakdown-key' }, 'By key'),
        this.keySelect,
        el('label', { for: 'breakdown-measure' }, 'Measure'),
        this.measureSelect,
      ),
      this.empty,
      this.chartBox,
      this.table,
    );
  }

  /**
   * New rows. The key stays when the rows have it; otherwise the first that tells them apart:
   * `client` if present, else the most common key the query does not fix (`fixed`: its conditions'
   * key paths, where every row has the same value).
   */
  setRows(rows: readonly SessionRow[], now: number, fixed: readonly string[] = []): void {
    this.rows = rows;
    this.now = now;
    const keys = metadataKeyPaths(rows).map((entry) => ({ text: formatKeyPath(entry.path), sessions: entry.sessions }));
    const texts = keys.map((key) => key.text);
    if (!texts.includes(this.keyText)) {
      const open = texts.filter((text) => !fixed.includes(text));
      this.keyText = open.find((text) => text === 'client') ?? open[0] ?? texts[0] ?? '';
    }
    replaceChildren(
      this.keySelect,
      ...keys.map((key) =>
        el('vscode-option', { value: key.text, description: `${key.sessions} session(s)`, ...(key.text === this.keyText ? { selected: true } : {}) }, key.text),
      ),
    );
    if (this.keyText) this.keySelect.value = this.keyText;
    this.draw();
  }

  /** Colours follow the theme. */
  redraw(): void {
    this.chart?.destroy();
    this.chart = undefined;
    this.draw();
  }

  private draw(): void {
    const parsed = this.keyText ? parseKey(this.keyText) : undefined;
    this.empty.hidden = parsed !== undefined;
    this.chartBox.hidden = parsed === undefined;
    this.table.hidden = parsed === undefined;
    if (!parsed) return;
    const { buckets } = usageByTag(this.rows, parsed, this.now, this.measure);
    this.drawTable(buckets);
    this.drawChart(buckets.slice(0, MAX_BARS));
  }

  private drawTable(buckets: readonly TagBucket[]): void {
    replaceChildren(
      this.table,
      el('caption', {}, `Usage by ${this.keyText}`),
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          ...['Value', 'Sessions', 'Browser minutes', 'Proxy', 'Running'].map((text, i) =>
            el('th', { scope: 'col', class: i > 0 ? 'numeric' : undefined }, text),
          ),
        ),
      ),
      el(
        'tbody',
        {},
        ...buckets.map((bucket) =>
          el(
            'tr',
            { 'data-value': bucket.value ?? '' },
            el('th', { scope: 'row', class: bucket.value === null ? 'no-value' : undefined }, bucket.label),
            el('td', { class: 'numeric', 'data-sessions': bucket.sessions }, formatNumber(bucket.sessions)),
            el(
              'td',
              { class: 'numeric', 'data-minutes': bucket.minutes },
              formatNumber(bucket.minutes) + (bucket.unknownDurations ? ` (+${bucket.unknownDurations} unknown)` : ''),
            ),
            el('td', { class: 'numeric', 'data-proxy-bytes': bucket.proxyBytes }, formatBytes(bucket.proxyBytes)),
            el('td', { class: 'numeric' }, formatNumber(bucket.running)),
          ),
        ),
      ),
    );
  }

  private drawChart(buckets: readonly TagBucket[]): void {
    const palette = readPalette();
    const labels = buckets.map((bucket) => bucket.label);
    const values = buckets.map((bucket) => bucket[this.measure]);
    const measure = this.measure;
    const colour = palette.series[0] ?? palette.foreground;
    // Height by bar count (classes: the CSP allows no inline style), so one bar is not a slab.
    this.chartBox.className = `breakdown-chart bars-${buckets.length <= 3 ? 'few' : buckets.length <= 8 ? 'some' : 'many'}`;
    this.canvas.setAttribute(
      'aria-label',
      `${MEASURES.find((m) => m.id === measure)?.label ?? ''} by ${this.keyText}: ${buckets.map((b, i) => `${b.label} ${formatMeasure(measure, values[i] ?? 0)}`).join(', ')}`,
    );
    if (this.chart) {
      this.chart.data.labels = labels;
      const dataset = this.chart.data.datasets[0];
      if (dataset) dataset.data = values;
      this.chart.update('none');
      return;
    }
    this.chart = new Chart(this.canvas, {
      type: 'bar',
      data: {
        labels,
        datasets: [
          {
            data: values,
            maxBarThickness: 26,
            backgroundColor: withAlpha(colour, palette.highContrast ? 1 : 0.6),
            borderColor: colour,
            borderWidth: palette.highContrast ? 2 : 1,
          },
        ],
      },
      options: {
        indexAxis: 'y',
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        color: palette.foreground,
        font: { family: palette.fontFamily, size: palette.fontSize },
        scales: {
          x: {
            beginAtZero: true,
            grid: { color: palette.grid },
            ticks: { color: palette.muted, precision: 0, callback: (value) => formatMeasure(this.measure, Number(value)) },
          },
          y: { grid: { display: false }, ticks: { color: palette.foreground } },
        },
        plugins: { tooltip: { callbacks: { label: (item) => formatMeasure(this.measure, Number(item.raw)) } } },
      },
    });
  }
}

function parseKey(text: string): string[] | undefined {
  // The options are written by formatKeyPath, which parseKeyPath reads back exactly.
  const parsed = parseKeyPath(text);
  return 'path' in parsed ? parsed.path : undefined;
}
