/**
 * A card's sparkline on a plain canvas (no chart library in the sidebar bundle): the line reduced to
 * the canvas width with LTTB, over the range sparklineRange picks, filled only when that range starts
 * at zero, drawn at the device pixel ratio.
 */
import { lttbIndices } from '../../src/shared/downsample';
import { withAlpha, type Palette } from '../common/palette';
import { sparklineRange, type SparklineModel } from './cards';

export function drawSparkline(canvas: HTMLCanvasElement, sparkline: SparklineModel, palette: Palette): void {
  const ratio = window.devicePixelRatio || 1;
  const width = Math.max(40, canvas.clientWidth);
  const height = Math.max(16, canvas.clientHeight);
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  const context = canvas.getContext('2d');
  if (!context) return;
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  context.clearRect(0, 0, width, height);
  const indices = lttbIndices(sparkline.t, sparkline.v, Math.max(8, Math.floor(width)));
  if (indices.length < 2) return;
  const values = indices.map((index) => sparkline.v[index] as number);
  const times = indices.map((index) => sparkline.t[index] as number);
  const { low, high, filled } = sparklineRange(values);
  const span = high - low || 1;
  const first = times[0] as number;
  const duration = (times.at(-1) as number) - first || 1;
  const pad = 2;
  const x = (at: number) => pad + ((at - first) / duration) * (width - 2 * pad);
  const y = (value: number) => height - pad - ((value - low) / span) * (height - 2 * pad);
  const colour = palette.series[0] as string;
  context.beginPath();
  times.forEach((at, index) => (index === 0 ? context.moveTo(x(at), y(values[index] as number)) : context.lineTo(x(at), y(values[index] as number))));
  context.strokeStyle = colour;
  context.lineWidth = palette.highContrast ? 2 : 1.5;
  context.lineJoin = 'round';
  context.stroke();
  // The newest point, so the number on the card has a place on the line.
  context.beginPath();
  context.arc(x(times.at(-1) as number), y(values.at(-1) as number), palette.highContrast ? 2.5 : 2, 0, 2 * Math.PI);
  context.fillStyle = colour;
  context.fill();
  if (!filled) return;
  context.beginPath();
  times.forEach((at, index) => (index === 0 ? context.moveTo(x(at), y(values[index] as number)) : context.lineTo(x(at), y(values[index] as number))));
  context.lineTo(x(times.at(-1) as number), height - pad);
  context.lineTo(x(first), height - pad);
  context.closePath();
  context.fillStyle = withAlpha(colour, 0.16);
  context.fill();
}
