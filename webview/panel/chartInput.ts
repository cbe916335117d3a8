/**
 * A chart read and zoomed without a mouse, or with one: ← → move a cursor through the points (values
 * announced), Home/End, + and − zoom around the cursor, Shift+← → pan, 0 or Escape reset; drag to zoom
 * to a span, Ctrl (⌘) + wheel to zoom around the pointer (the plain wheel still scrolls the page),
 * double-click to reset.
 */

/** What the input drives. */
export interface ZoomableChart {
  /** The window on screen. */
  window(): [number, number];
  /** The whole range of the data. */
  readonly range: readonly [number, number];
  readonly zoomed: boolean;
  setZoom(zoom: readonly [number, number] | undefined): void;
  zoomAround(centre: number, factor: number): void;
  /** Moves the keyboard cursor by `step` points (±Infinity: first/last); returns its time. */
  moveCursor(step: number): void;
  readonly cursor: number | undefined;
  clearCursor(): void;
  /** The time under a pixel column of the canvas, if any. */
  timeAt(offsetX: number): number | undefined;
  /** The plot area's top and bottom in canvas pixels. */
  plotBounds(): { top: number; bottom: number };
}

/** The smallest window zooming reaches. */
const MIN_SPAN_MS = 5_000;

export function listenToChart(area: HTMLElement, canvas: HTMLCanvasElement, chart: ZoomableChart): () => void {
  const undo: (() => void)[] = [];
  const on = <K extends keyof HTMLElementEventMap>(target: HTMLElement, type: K, handler: (event: HTMLElementEventMap[K]) => void) => {
    target.addEventListener(type, handler);
    undo.push(() => target.removeEventListener(type, handler));
  };
  on(area, 'keydown', (event) => onKey(chart, event));
  on(area, 'blur', () => chart.clearCursor());

  let selection: { startX: number; box: HTMLElement } | undefined;
  on(canvas, 'mousedown', (event) => {
    const box = area.querySelector<HTMLElement>('.selection');
    if (event.button === 0 && box) selection = { startX: event.offsetX, box };
  });
  on(canvas, 'mousemove', (event) => {
    if (!selection) return;
    const left = Math.min(selection.startX, event.offsetX);
    const width = Math.abs(event.offsetX - selection.startX);
    if (width < 4) return;
    const { top, bottom } = chart.plotBounds();
    selection.box.hidden = false;
    // CSSOM, not a style attribute: allowed by the page's CSP.
    selection.box.style.left = `${canvas.offsetLeft + left}px`;
    selection.box.style.width = `${width}px`;
    selection.box.style.top = `${canvas.offsetTop + top}px`;
    selection.box.style.height = `${bottom - top}px`;
  });
  const finish = (event: MouseEvent) => {
    const current = selection;
    selection = undefined;
    if (!current) return;
    current.box.hidden = true;
    if (Math.abs(event.offsetX - current.startX) < 8) return;
    const a = chart.timeAt(Math.min(event.offsetX, current.startX));
    const b = chart.timeAt(Math.max(event.offsetX, current.startX));
    if (a !== undefined && b !== undefined && b - a >= 1000) chart.setZoom([a, b]);
  };
  on(canvas, 'mouseup', finish);
  on(canvas, 'mouseleave', (event) => {
    if (selection) finish(event);
  });
  on(canvas, 'dblclick', () => chart.setZoom(undefined));
  on(canvas, 'wheel', (event) => {
    if (!(event.ctrlKey || event.metaKey) || event.deltaY === 0) return;
    const centre = chart.timeAt(event.offsetX);
    if (centre === undefined) return;
    event.preventDefault();
    chart.zoomAround(centre, event.deltaY < 0 ? 0.8 : 1.25);
  });
  return () => undo.forEach((remove) => remove());
}

/** The zoom window `factor` times as wide around `centre`, inside the range; undefined when it covers the range. */
export function zoomedWindow(
  range: readonly [number, number],
  window: readonly [number, number],
  centre: number,
  factor: number,
): [number, number] | undefined {
  const [from, to] = window;
  const span = Math.max(MIN_SPAN_MS, (to - from) * factor);
  const share = to > from ? Math.min(1, Math.max(0, (centre - from) / (to - from))) : 0.5;
  let lower = centre - span * share;
  let upper = lower + span;
  if (lower < range[0]) [lower, upper] = [range[0], range[0] + span];
  if (upper > range[1]) [lower, upper] = [Math.max(range[0], range[1] - span), range[1]];
  return lower <= range[0] && upper >= range[1] ? undefined : [lower, upper];
}

function onKey(chart: ZoomableChart, event: KeyboardEvent): void {
  const [from, to] = chart.window();
  const span = to - from;
  const centre = chart.cursor ?? from + span / 2;
  const [rangeFrom, rangeTo] = chart.range;
  const zoomTo = (factor: number) => {
    const half = Math.max(MIN_SPAN_MS, (span * factor) / 2);
    const lower = Math.max(rangeFrom, centre - half);
    const upper = Math.min(rangeTo, centre + half);
    chart.setZoom(lower <= rangeFrom && upper >= rangeTo ? undefined : [lower, upper]);
  };
  switch (event.key) {
    case 'ArrowLeft':
    case 'ArrowRight':
      if (event.shiftKey && chart.zoomed) {
        const shift = (event.key === 'ArrowLeft' ? -1 : 1) * span * 0.25;
        const lower = Math.min(Math.max(rangeFrom, from + shift), rangeTo - span);
        chart.setZoom([lower, lower + span]);
      } else {
        chart.moveCursor(event.key === 'ArrowLeft' ? -1 : 1);
      }
      break;
    case 'Home':
      chart.moveCursor(Number.NEGATIVE_INFINITY);
      break;
    case 'End':
      chart.moveCursor(Number.POSITIVE_INFINITY);
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
      chart.setZoom(undefined);
      break;
    case 'Escape':
      if (!chart.zoomed) return;
      chart.setZoom(undefined);
      break;
    default:
      return;
  }
  event.preventDefault();
}
