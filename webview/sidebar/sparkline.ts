/**
 * A card's sparkline on a plain canvas (no chart library in the sidebar bundle): the line reduced to
 * the canvas width with LTTB, a faint fill under it, drawn at the device pixel ratio.
 */
import type { Sparkline } from '../../src/shared/chartGroups';
import { lttbIndices } from '../../src/shared/downsample';
import { withAlpha, type Palette } from '../common/theme';

export function drawSparkline(canvas: HTMLCanvasElement, sparkline: Sparkline, palette: Palette): void {
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
  const low = Math.min(0, ...values);
  const high = Math.max(...values);
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
  context.lineTo(x(times.at(-1) as number), height - pad);
  context.lineTo(x(first), height - pad);
  context.closePath();
  context.fillStyle = withAlpha(colour, 0.18);
  context.fill();
}
