/**
 * One Chart.js line chart over time. Registers only the Chart.js parts it uses (so the bundle leaves
 * the rest out), reduces each series to about two points per pixel column before drawing, updates in
 * place (the zoom window survives new data), takes its colours from the palette at draw time, draws
 * bands and thresholds with the plugins of chartPlugins.ts, and is read from the keyboard through
 * chartInput.ts.
 */
import {
  Chart,
  Interaction,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartEvent,
  type InteractionItem,
  type InteractionModeFunction,
  type TooltipItem,
} from 'chart.js';
import type { ChartData, SeriesData } from '../../src/shared/chartGroups';
import { envelope, medianStep, minMaxIndices, pointsForDrawing, type DrawPoint, type Envelope } from '../../src/shared/downsample';
import { valueText } from '../../src/shared/figures';
import { formatUnitValue, unitLabel } from '../../src/shared/format';
import { formatBucket, formatDateTime, formatTick, timeTicks } from '../../src/shared/timeAxis';
import { seriesStyle, type Palette } from '../common/palette';
import { listenToChart, zoomedWindow, type ZoomableChart } from './chartInput';
import { bandPlugin, shownThresholds, thresholdPlugin } from './chartPlugins';
import { chartSummary } from './chartSummary';

declare module 'chart.js' {
  // Declaration merging: the mode registered below, so `interaction.mode` accepts its name.
  interface InteractionModeMap {
    /** The nearest point of every visible series to the pointer's time. */
    perSeries: InteractionModeFunction;
  }
}

Chart.register(LineController, LineElement, PointElement, LinearScale, Tooltip);

/** How far (in pixels) from the pointer a series' nearest point may be and still show in the tooltip. */
const HOVER_REACH_PX = 24;

/** Index of the drawn point nearest to `x` that has a value, by binary search (points are sorted). */
function nearestIndex(points: readonly DrawPoint[], x: number): number {
  let low = 0;
  let high = points.length - 1;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((points[middle] as DrawPoint).x < x) low = middle + 1;
    else high = middle;
  }
  let best = -1;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (let index = Math.max(0, low - 2); index <= Math.min(points.length - 1, low + 2); index++) {
    const point = points[index] as DrawPoint;
    const distance = Math.abs(point.x - x);
    if (point.y !== null && distance < bestDistance) {
      best = index;
      bestDistance = distance;
    }
  }
  return best;
}

Interaction.modes.perSeries = (chart: Chart, event: ChartEvent): InteractionItem[] => {
  const scale = chart.scales.x;
  if (!scale || event.x === null) return [];
  const x = scale.getValueForPixel(event.x);
  if (x === undefined) return [];
  const items: InteractionItem[] = [];
  for (const meta of chart.getSortedVisibleDatasetMetas()) {
    const points = chart.data.datasets[meta.index]?.data as DrawPoint[] | undefined;
    if (!points || points.length === 0) continue;
    const index = nearestIndex(points, x);
    const element = meta.data[index];
    if (index < 0 || !element) continue;
    if (Math.abs(scale.getPixelForValue((points[index] as DrawPoint).x) - event.x) <= HOVER_REACH_PX) items.push({ element, datasetIndex: meta.index, index });
  }
  return items;
};

/** The index range of a series inside [from, to], widened by one point each side so lines reach the edges. */
function visibleSlice(series: SeriesData, from: number, to: number): { start: number; end: number } {
  const t = series.t;
  const lowerBound = (value: number) => {
    let low = 0;
    let high = t.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((t[middle] as number) < value) low = middle + 1;
      else high = middle;
    }
    return low;
  };
  return { start: Math.max(0, lowerBound(from) - 1), end: Math.min(t.length, lowerBound(to + 1) + 1) };
}

export interface ChartViewOptions {
  readonly palette: Palette;
  readonly hidden: ReadonlySet<string>;
  readonly zoom?: readonly [number, number];
  /** The zoom window changed (undefined: back to the whole range). */
  readonly onZoom: (zoom: readonly [number, number] | undefined) => void;
  /** Text for the live region: what the keyboard cursor points at. */
  readonly onReadout: (text: string) => void;
  /** Drawn again (new data, a new size): which thresholds fit may have changed. */
  readonly onRendered?: () => void;
}

export class ChartView implements ZoomableChart {
  private readonly chart: Chart<'line', DrawPoint[]>;
  private data: ChartData;
  private palette: Palette;
  private hidden: ReadonlySet<string>;
  private zoom: readonly [number, number] | undefined;
  private bands: (Envelope | undefined)[] = [];
  private tickStepMs = 60_000;
  private drawnWidth = 0;
  cursor: number | undefined;
  private readonly stopListening: () => void;

  constructor(
    private readonly area: HTMLElement,
    private readonly canvas: HTMLCanvasElement,
    data: ChartData,
    private readonly options: ChartViewOptions,
  ) {
    this.data = data;
    this.palette = options.palette;
    this.hidden = options.hidden;
    this.zoom = options.zoom;
    const source = { palette: () => this.palette, data: () => this.data, bands: () => this.bands };
    this.chart = new Chart<'line', DrawPoint[]>(canvas, {
      type: 'line',
      data: { datasets: [] },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        parsing: false,
        normalized: true,
        events: ['mousemove', 'mouseout', 'click', 'touchstart', 'touchmove'],
        interaction: { mode: 'perSeries', intersect: false },
        elements: { point: { radius: 0, hoverRadius: 3, hitRadius: 4 }, line: { tension: 0 } },
        onResize: (_chart, size) => {
          // Fewer or more pixel columns: reduce the series again for the new width.
          if (Math.abs(size.width - this.drawnWidth) > this.drawnWidth * 0.2) queueMicrotask(() => this.render());
        },
        plugins: {
          tooltip: {
            animation: false,
            callbacks: {
              title: (items) => this.tooltipTitle(items),
              label: (item) => this.tooltipLabel(item),
            },
          },
        },
        // The full axes are set by render(); a line chart would default to a category x axis.
        scales: { x: { type: 'linear' }, y: { type: 'linear' } },
      },
      plugins: [bandPlugin(source), thresholdPlugin(source)],
    });
    this.stopListening = listenToChart(area, canvas, this);
    this.render();
  }

  /** New data for the same chart: replaces the datasets' points in place. */
  update(data: ChartData): void {
    this.data = data;
    this.render();
  }

  setPalette(palette: Palette): void {
    this.palette = palette;
    this.render();
  }

  setHidden(hidden: ReadonlySet<string>): void {
    this.hidden = hidden;
    this.render();
  }

  setZoom(zoom: readonly [number, number] | undefined): void {
    this.zoom = zoom;
    this.render();
    this.options.onZoom(zoom);
  }

  zoomAround(centre: number, factor: number): void {
    this.setZoom(zoomedWindow(this.range, this.window(), centre, factor));
  }

  get zoomed(): boolean {
    return this.zoom !== undefined;
  }

  get range(): readonly [number, number] {
    return [this.data.from, this.data.to];
  }

  destroy(): void {
    this.stopListening();
    this.chart.destroy();
  }

  /** The window on screen: the zoom if any, else the chart's range. */
  window(): [number, number] {
    return this.zoom ? [this.zoom[0], this.zoom[1]] : [this.data.from, this.data.to];
  }

  timeAt(offsetX: number): number | undefined {
    return this.chart.scales.x?.getValueForPixel(offsetX);
  }

  plotBounds(): { top: number; bottom: number } {
    return { top: this.chart.chartArea?.top ?? 0, bottom: this.chart.chartArea?.bottom ?? 0 };
  }

  /** The thresholds drawn on this chart (the card notes the others). */
  shownThresholds(): ChartData['thresholds'] {
    return shownThresholds(this.chart as unknown as Chart<'line'>, this.data);
  }

  summary(): string {
    return chartSummary(this.data, this.window(), this.zoomed);
  }

  /** Reduces every series for the current width and window and redraws without animation. */
  render(): void {
    const chart = this.chart;
    const width = Math.max(50, chart.chartArea ? chart.chartArea.right - chart.chartArea.left : this.canvas.clientWidth || 600);
    this.drawnWidth = chart.width || width;
    const [from, to] = this.window();
    const palette = this.palette;
    const font = { family: palette.fontFamily, size: Math.max(10, palette.fontSize - 1) };
    const bands: (Envelope | undefined)[] = [];
    let dataMax = Number.NEGATIVE_INFINITY;
    let dataMin = Number.POSITIVE_INFINITY;
    const datasets = this.data.series.map((series, index) => {
      const { colour, dash } = seriesStyle(palette, index);
      const slice = visibleSlice(series, from, to);
      const hidden = this.hidden.has(series.key);
      const t = series.t.slice(slice.start, slice.end);
      const v = series.v.slice(slice.start, slice.end);
      const indices = minMaxIndices(t, v, Math.round(width * 2));
      const maxGap = Math.max(medianStep(t) * 3, (this.data.bucketMs ?? 0) * 2.5);
      // Point indices refer to the slice; shift them back so tooltips find bucket details.
      const points = pointsForDrawing(t, v, indices, maxGap).map((point) => (point.index < 0 ? point : { ...point, index: point.index + slice.start }));
      const band = series.lo && series.hi ? envelope(t, series.lo.slice(slice.start, slice.end), series.hi.slice(slice.start, slice.end), width) : undefined;
      bands.push(band);
      if (!hidden) {
        for (const point of points) {
          if (point.y === null || point.x < from || point.x > to) continue;
          dataMax = Math.max(dataMax, point.y);
          dataMin = Math.min(dataMin, point.y);
        }
        if (band) for (const high of band.high) dataMax = Math.max(dataMax, high);
      }
      // Few points on a wide chart (a poll every few minutes, a new connection): show them as dots,
      // or a lone reading would not show at all.
      const sparse = points.length <= width / 12;
      return {
        label: series.label,
        data: points,
        borderColor: colour,
        backgroundColor: colour,
        borderWidth: palette.lineWidth,
        borderDash: [...dash],
        pointRadius: sparse ? 2.5 : 0,
        pointHoverRadius: 3.5,
        pointHoverBackgroundColor: colour,
        spanGaps: false,
        stepped: this.data.stepped ? ('before' as const) : false,
        hidden,
      };
    });
    this.bands = bands;
    const limits = this.visibleThresholds(dataMax);
    const unit = unitLabel(this.data.unit);
    const axis = { grid: { color: palette.grid, tickColor: palette.grid }, border: { color: palette.grid } };
    chart.options.scales = {
      x: {
        type: 'linear',
        min: from,
        max: to,
        ...axis,
        afterBuildTicks: (scale) => {
          const { step, ticks } = timeTicks(scale.min, scale.max, Math.max(2, Math.floor(scale.width / 90)));
          this.tickStepMs = step;
          scale.ticks = ticks.map((value) => ({ value }));
        },
        ticks: { maxRotation: 0, autoSkip: false, color: palette.muted, font, callback: (value) => formatTick(Number(value), this.tickStepMs) },
      },
      y: {
        type: 'linear',
        beginAtZero: !(dataMin < 0),
        ...(limits.length > 0 ? { suggestedMax: Math.max(...limits.map((line) => line.value)) * 1.08 } : {}),
        ...axis,
        // A yes/no or up/down chart reads its axis in words, one tick per state.
        ticks: {
          color: palette.muted,
          font,
          ...(this.data.words ? { stepSize: 1 } : {}),
          callback: (value) => (this.data.words ? (this.data.words[String(value)] ?? '') : formatUnitValue(Number(value), this.data.unit)),
        },
        title: { display: unit !== '', text: unit, color: palette.muted, font },
      },
    };
    const tooltip = chart.options.plugins?.tooltip;
    if (tooltip) {
      const style = getComputedStyle(document.documentElement);
      tooltip.backgroundColor = style.getPropertyValue('--vscode-editorHoverWidget-background').trim() || palette.background;
      tooltip.borderColor = style.getPropertyValue('--vscode-editorHoverWidget-border').trim() || palette.grid;
      tooltip.borderWidth = 1;
      tooltip.titleColor = palette.foreground;
      tooltip.bodyColor = palette.foreground;
      tooltip.titleFont = { ...font, weight: 'bold' };
      tooltip.bodyFont = font;
    }
    chart.data.datasets = datasets;
    chart.update('none');
    // Which theme the chart was last drawn in: lets the end-to-end run see a theme change redraw it.
    this.area.dataset.theme = document.body.className.match(/vscode-(high-contrast-light|high-contrast|light|dark)/)?.[0] ?? '';
    this.options.onRendered?.();
  }

  /**
   * Lines within reach of the data: the headroom up to a limit is worth showing, but a limit many
   * times the values would squash them flat (the card then names the lines it left out).
   */
  private visibleThresholds(dataMax: number): ChartData['thresholds'] {
    const lines = this.data.thresholds;
    if (lines.length === 0) return lines;
    const highest = Math.max(...lines.map((line) => line.value));
    return Number.isFinite(dataMax) && dataMax >= highest * 0.25 ? lines : [];
  }

  private tooltipTitle(items: TooltipItem<'line'>[]): string {
    const point = items[0]?.raw as DrawPoint | undefined;
    if (!point) return '';
    return this.data.bucketMs ? formatBucket(point.x, this.data.bucketMs) : formatDateTime(point.x);
  }

  private tooltipLabel(item: TooltipItem<'line'>): string {
    const point = item.raw as DrawPoint;
    const series = this.data.series[item.datasetIndex];
    if (!series || point.y === null) return '';
    const exact = (value: number | null | undefined) => valueText(value, this.data.unit, this.data.words, { maximumFractionDigits: 3 });
    let text = `${series.label}: ${exact(point.y)}`;
    const low = series.lo?.[point.index];
    const high = series.hi?.[point.index];
    const count = series.n?.[point.index];
    if (this.data.bucketMs && low !== undefined && high !== undefined && low !== null && high !== null && low !== high) {
      text += ` (mean; min ${exact(low)}, max ${exact(high)}${count ? `, ${count} readings` : ''})`;
    }
    return text;
  }

  clearCursor(): void {
    this.cursor = undefined;
    this.options.onReadout('');
    this.chart.setActiveElements([]);
    this.chart.tooltip?.setActiveElements([], { x: 0, y: 0 });
    this.chart.update('none');
  }

  /** Moves the keyboard cursor by `step` points of the first visible series and shows their values. */
  moveCursor(step: number): void {
    const first = this.chart.getSortedVisibleDatasetMetas()[0];
    const points = first ? (this.chart.data.datasets[first.index]?.data ?? []) : [];
    const withValues = points.filter((point) => point.y !== null);
    if (withValues.length === 0) return;
    let position: number;
    if (!Number.isFinite(step)) position = step < 0 ? 0 : withValues.length - 1;
    else if (this.cursor === undefined) position = step < 0 ? withValues.length - 1 : 0;
    else position = Math.min(withValues.length - 1, Math.max(0, nearestIndex(withValues, this.cursor) + step));
    const at = (withValues[position] as DrawPoint).x;
    this.cursor = at;
    const x = this.chart.scales.x;
    if (!x) return;
    const items = Interaction.modes.perSeries(
      this.chart as unknown as Chart,
      { type: 'mousemove', x: x.getPixelForValue(at), y: this.chart.chartArea.top + 10, native: null },
      { intersect: false } as never,
    );
    this.chart.setActiveElements(items);
    this.chart.tooltip?.setActiveElements(items, { x: x.getPixelForValue(at), y: this.chart.chartArea.top + 10 });
    this.chart.update('none');
    const when = this.data.bucketMs ? formatBucket(at, this.data.bucketMs) : formatDateTime(at);
    const values = items.map((item: InteractionItem) =>
      this.tooltipLabel({ raw: this.chart.data.datasets[item.datasetIndex]?.data[item.index], datasetIndex: item.datasetIndex } as TooltipItem<'line'>),
    );
    this.options.onReadout(`${when}: ${values.join('; ') || 'no value'}`);
  }
}
