/**
 * One Chart.js line chart over time. Registers only the Chart.js parts it uses (so the bundle
 * leaves the rest out), reduces each series to about two points per pixel column before drawing,
 * updates in place (the zoom window survives new data), reads its colours from the theme at draw
 * time, draws quota thresholds and bucket min–max bands with two small plugins, and can be read
 * entirely from the keyboard.
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
  type Plugin,
  type TooltipItem,
} from 'chart.js';
import type { ChartData, SeriesData } from '../../src/shared/chartGroups';
import { envelope, medianStep, minMaxIndices, pointsForDrawing, type DrawPoint, type Envelope } from '../../src/shared/downsample';
import { valueText } from '../../src/shared/figures';
import { formatUnitValue, unitLabel } from '../../src/shared/format';
import { bucketName, formatBucket, formatDateTime, formatTick, timeTicks } from '../../src/shared/timeAxis';
import { seriesStyle, withAlpha, type Palette } from '../common/theme';

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

export interface ChartViewOptions {
  readonly palette: Palette;
  readonly hidden: ReadonlySet<string>;
  readonly zoom?: readonly [number, number];
  /** The zoom window changed (undefined: back to the whole range). */
  readonly onZoom: (zoom: readonly [number, number] | undefined) => void;
  /** Text for the live region: what the keyboard cursor points at. */
  readonly onReadout: (text: string) => void;
}

export class ChartView {
  private readonly chart: Chart<'line', DrawPoint[]>;
  private data: ChartData;
  private palette: Palette;
  private hidden: ReadonlySet<string>;
  private zoom: readonly [number, number] | undefined;
  private bands: (Envelope | undefined)[] = [];
  private tickStepMs = 60_000;
  private drawnWidth = 0;
  private cursor: number | undefined;
  private selection: { startX: number; box: HTMLElement } | undefined;
  private readonly cleanup: (() => void)[] = [];

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
      plugins: [this.bandPlugin(), this.thresholdPlugin()],
    });
    this.listen();
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

  get zoomed(): boolean {
    return this.zoom !== undefined;
  }

  destroy(): void {
    for (const undo of this.cleanup) undo();
    this.chart.destroy();
  }

  /** The window on screen: the zoom if any, else the chart's range. */
  private window(): [number, number] {
    return this.zoom ? [this.zoom[0], this.zoom[1]] : [this.data.from, this.data.to];
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
      tooltip.backgroundColor =
        getComputedStyle(document.documentElement).getPropertyValue('--vscode-editorHoverWidget-background').trim() || palette.background;
      tooltip.borderColor = getComputedStyle(document.documentElement).getPropertyValue('--vscode-editorHoverWidget-border').trim() || palette.grid;
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

  /** The thresholds drawn on this chart (the card notes the others). */
  shownThresholds(): ChartData['thresholds'] {
    const y = this.chart.scales.y;
    return y ? this.data.thresholds.filter((line) => line.value >= y.min && line.value <= y.max) : [];
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

  private bandPlugin(): Plugin<'line'> {
    return {
      id: 'liveUsageBands',
      beforeDatasetsDraw: (chart) => {
        const { ctx, chartArea } = chart;
        const x = chart.scales.x;
        const y = chart.scales.y;
        if (!x || !y) return;
        ctx.save();
        ctx.beginPath();
        ctx.rect(chartArea.left, chartArea.top, chartArea.right - chartArea.left, chartArea.bottom - chartArea.top);
        ctx.clip();
        this.bands.forEach((band, index) => {
          if (!band || band.x.length < 2 || !chart.isDatasetVisible(index)) return;
          ctx.beginPath();
          band.x.forEach((at, column) => {
            const px = x.getPixelForValue(at);
            const py = y.getPixelForValue(band.high[column] as number);
            if (column === 0) ctx.moveTo(px, py);
            else ctx.lineTo(px, py);
          });
          for (let column = band.x.length - 1; column >= 0; column--)
            ctx.lineTo(x.getPixelForValue(band.x[column] as number), y.getPixelForValue(band.low[column] as number));
          ctx.closePath();
          ctx.fillStyle = withAlpha(seriesStyle(this.palette, index).colour, this.palette.highContrast ? 0.3 : 0.16);
          ctx.fill();
        });
        ctx.restore();
      },
    };
  }

  private thresholdPlugin(): Plugin<'line'> {
    return {
      id: 'liveUsageThresholds',
      afterDatasetsDraw: (chart) => {
        const { ctx, chartArea } = chart;
        const y = chart.scales.y;
        if (!y) return;
        const palette = this.palette;
        ctx.save();
        ctx.font = `${Math.max(10, palette.fontSize - 2)}px ${palette.fontFamily}`;
        ctx.textAlign = 'right';
        ctx.textBaseline = 'bottom';
        for (const line of this.data.thresholds) {
          if (line.value < y.min || line.value > y.max) continue;
          const py = Math.round(y.getPixelForValue(line.value)) + 0.5;
          const colour = line.level === 'critical' ? palette.critical : line.level === 'warning' ? palette.warning : palette.limit;
          ctx.strokeStyle = colour;
          ctx.fillStyle = colour;
          ctx.lineWidth = line.level === 'limit' ? 1.5 : 1;
          // Different dashes, so the three lines are told apart without colour.
          ctx.setLineDash(line.level === 'limit' ? [] : line.level === 'critical' ? [6, 3] : [2, 3]);
          ctx.beginPath();
          ctx.moveTo(chartArea.left, py);
          ctx.lineTo(chartArea.right, py);
          ctx.stroke();
          ctx.fillText(line.label, chartArea.right - 4, py - 2);
        }
        ctx.restore();
      },
    };
  }

  // -------------------------------------------------------------------------------------------
  // Keyboard and pointer

  private listen(): void {
    const on = <K extends keyof HTMLElementEventMap>(target: HTMLElement, type: K, handler: (event: HTMLElementEventMap[K]) => void) => {
      target.addEventListener(type, handler);
      this.cleanup.push(() => target.removeEventListener(type, handler));
    };
    on(this.area, 'keydown', (event) => this.onKey(event));
    on(this.area, 'blur', () => {
      this.cursor = undefined;
      this.options.onReadout('');
      this.chart.setActiveElements([]);
      this.chart.tooltip?.setActiveElements([], { x: 0, y: 0 });
      this.chart.update('none');
    });
    on(this.canvas, 'mousedown', (event) => {
      if (event.button !== 0) return;
      const box = this.area.querySelector<HTMLElement>('.selection');
      if (!box) return;
      this.selection = { startX: event.offsetX, box };
    });
    on(this.canvas, 'mousemove', (event) => {
      if (!this.selection) return;
      const left = Math.min(this.selection.startX, event.offsetX);
      const width = Math.abs(event.offsetX - this.selection.startX);
      if (width < 4) return;
      const box = this.selection.box;
      box.hidden = false;
      // CSSOM, not a style attribute: allowed by the page's CSP.
      box.style.left = `${this.canvas.offsetLeft + left}px`;
      box.style.width = `${width}px`;
      box.style.top = `${this.canvas.offsetTop + (this.chart.chartArea?.top ?? 0)}px`;
      box.style.height = `${(this.chart.chartArea?.bottom ?? 0) - (this.chart.chartArea?.top ?? 0)}px`;
    });
    const finish = (event: MouseEvent) => {
      const selection = this.selection;
      this.selection = undefined;
      if (!selection) return;
      selection.box.hidden = true;
      const x = this.chart.scales.x;
      if (!x || Math.abs(event.offsetX - selection.startX) < 8) return;
      const a = x.getValueForPixel(Math.min(event.offsetX, selection.startX));
      const b = x.getValueForPixel(Math.max(event.offsetX, selection.startX));
      if (a !== undefined && b !== undefined && b - a >= 1000) this.setZoom([a, b]);
    };
    on(this.canvas, 'mouseup', finish);
    on(this.canvas, 'mouseleave', (event) => {
      if (this.selection) finish(event);
    });
    on(this.canvas, 'dblclick', () => this.setZoom(undefined));
    // Ctrl (⌘) + wheel zooms around the pointer; the plain wheel keeps scrolling the page.
    on(this.canvas, 'wheel', (event) => {
      if (!(event.ctrlKey || event.metaKey) || event.deltaY === 0) return;
      const centre = this.chart.scales.x?.getValueForPixel(event.offsetX);
      if (centre === undefined) return;
      event.preventDefault();
      this.zoomAround(centre, event.deltaY < 0 ? 0.8 : 1.25);
    });
  }

  /** Scales the window by `factor` keeping `centre` where it is on screen; the whole range again when it covers it. */
  zoomAround(centre: number, factor: number): void {
    const [from, to] = this.window();
    const span = Math.max(5_000, (to - from) * factor);
    const share = to > from ? Math.min(1, Math.max(0, (centre - from) / (to - from))) : 0.5;
    let lower = centre - span * share;
    let upper = lower + span;
    if (lower < this.data.from) [lower, upper] = [this.data.from, this.data.from + span];
    if (upper > this.data.to) [lower, upper] = [Math.max(this.data.from, this.data.to - span), this.data.to];
    this.setZoom(lower <= this.data.from && upper >= this.data.to ? undefined : [lower, upper]);
  }

  private onKey(event: KeyboardEvent): void {
    const [from, to] = this.window();
    const span = to - from;
    const centre = this.cursor ?? from + span / 2;
    const zoomTo = (factor: number) => {
      const half = Math.max(5_000, (span * factor) / 2);
      const lower = Math.max(this.data.from, centre - half);
      const upper = Math.min(this.data.to, centre + half);
      this.setZoom(lower <= this.data.from && upper >= this.data.to ? undefined : [lower, upper]);
    };
    switch (event.key) {
      case 'ArrowLeft':
      case 'ArrowRight':
        if (event.shiftKey && this.zoom) {
          const shift = (event.key === 'ArrowLeft' ? -1 : 1) * span * 0.25;
          const lower = Math.min(Math.max(this.data.from, from + shift), this.data.to - span);
          this.setZoom([lower, lower + span]);
        } else {
          this.moveCursor(event.key === 'ArrowLeft' ? -1 : 1);
        }
        break;
      case 'Home':
        this.moveCursor(Number.NEGATIVE_INFINITY);
        break;
      case 'End':
        this.moveCursor(Number.POSITIVE_INFINITY);
        break;
      case '+':
      case '=':
        zoomTo(0.5);
        break;
      case '-':
      case '_':
        zoomTo(2);
        break;
      case '0':
        this.setZoom(undefined);
        break;
      case 'Escape':
        if (!this.zoom) return;
        this.setZoom(undefined);
        break;
      default:
        return;
    }
    event.preventDefault();
  }

  /** Moves the keyboard cursor by `step` points of the first visible series and shows their values. */
  private moveCursor(step: number): void {
    const first = this.chart.getSortedVisibleDatasetMetas()[0];
    const points = first ? (this.chart.data.datasets[first.index]?.data ?? []) : [];
    const withValues = points.filter((point) => point.y !== null);
    if (withValues.length === 0) return;
    let position: number;
    if (!Number.isFinite(step)) position = step < 0 ? 0 : withValues.length - 1;
    else if (this.cursor === undefined) position = step < 0 ? withValues.length - 1 : 0;
    else {
      const current = nearestIndex(withValues, this.cursor);
      position = Math.min(withValues.length - 1, Math.max(0, current + step));
    }
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

  /** A sentence for screen readers: what the chart shows, its range, and each series' latest, lowest and highest value. */
  summary(): string {
    const unit = this.data.unit;
    const show = (value: number) => valueText(value, unit, this.data.words);
    const [from, to] = this.window();
    const parts = [`${this.data.description} From ${formatDateTime(from, {}, false)} to ${formatDateTime(to, {}, false)}${this.zoom ? ' (zoomed)' : ''}.`];
    if (this.data.bucketMs) parts.push(`Points are ${bucketName(this.data.bucketMs)} averages with their minimum and maximum.`);
    for (const series of this.data.series) {
      let low = Number.POSITIVE_INFINITY;
      let high = Number.NEGATIVE_INFINITY;
      let latest: number | null = null;
      for (let index = 0; index < series.t.length; index++) {
        const value = series.v[index];
        const at = series.t[index] as number;
        if (value === null || value === undefined || at < from || at > to) continue;
        low = Math.min(low, series.lo?.[index] ?? value);
        high = Math.max(high, series.hi?.[index] ?? value);
        latest = value;
      }
      parts.push(latest === null ? `${series.label}: no values.` : `${series.label}: latest ${show(latest)}, lowest ${show(low)}, highest ${show(high)}.`);
    }
    if (this.data.thresholds.length > 0) parts.push(`Thresholds: ${this.data.thresholds.map((line) => line.label).join(', ')}.`);
    return parts.join(' ');
  }
}

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
