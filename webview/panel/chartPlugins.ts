/**
 * The two things a chart draws that Chart.js does not: the min–max band of bucketed history under a
 * gauge's line, and the quota thresholds (limit, critical, warning) as lines with different dashes,
 * so they are told apart without colour, each labelled where it covers no other label and none of the
 * newest points (thresholdLabels.ts).
 */
import type { Chart, Plugin } from 'chart.js';
import type { ChartData } from '../../src/shared/chartGroups';
import type { Envelope } from '../../src/shared/downsample';
import { seriesStyle, withAlpha, type Palette } from '../common/palette';
import { placeThresholdLabels, type PlotPoint } from './thresholdLabels';

export interface PluginSource {
  palette(): Palette;
  data(): ChartData;
  bands(): readonly (Envelope | undefined)[];
}

export function bandPlugin(source: PluginSource): Plugin<'line'> {
  return {
    id: 'liveUsageBands',
    beforeDatasetsDraw: (chart) => {
      const { ctx, chartArea } = chart;
      const x = chart.scales.x;
      const y = chart.scales.y;
      if (!x || !y) return;
      const palette = source.palette();
      ctx.save();
      ctx.beginPath();
      ctx.rect(chartArea.left, chartArea.top, chartArea.right - chartArea.left, chartArea.bottom - chartArea.top);
      ctx.clip();
      source.bands().forEach((band, index) => {
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
        ctx.fillStyle = withAlpha(seriesStyle(palette, index).colour, palette.highContrast ? 0.3 : 0.16);
        ctx.fill();
      });
      ctx.restore();
    },
  };
}

/** The drawn points of the visible datasets, in pixels, and the newest of each. */
function plotPoints(chart: Chart<'line'>): { points: PlotPoint[]; newest: PlotPoint[] } {
  const points: PlotPoint[] = [];
  const newest: PlotPoint[] = [];
  for (const meta of chart.getSortedVisibleDatasetMetas()) {
    let last: PlotPoint | undefined;
    for (const element of meta.data) {
      const { x, y } = element as unknown as { x: number; y: number; skip?: boolean };
      if ((element as unknown as { skip?: boolean }).skip || !Number.isFinite(x) || !Number.isFinite(y)) continue;
      last = { x, y };
      points.push(last);
    }
    if (last) newest.push(last);
  }
  return { points, newest };
}

export function thresholdPlugin(source: PluginSource): Plugin<'line'> {
  return {
    id: 'liveUsageThresholds',
    afterDatasetsDraw: (chart) => {
      const { ctx, chartArea } = chart;
      const y = chart.scales.y;
      if (!y) return;
      const palette = source.palette();
      const lines = source.data().thresholds.filter((line) => line.value >= y.min && line.value <= y.max);
      if (lines.length === 0) return;
      const fontSize = Math.max(10, palette.fontSize - 2);
      ctx.save();
      ctx.font = `${fontSize}px ${palette.fontFamily}`;
      const { points, newest } = plotPoints(chart);
      const placed = placeThresholdLabels(
        lines.map((line) => ({ y: Math.round(y.getPixelForValue(line.value)) + 0.5, width: ctx.measureText(line.label).width })),
        chartArea,
        points,
        newest,
        fontSize + 2,
      );
      lines.forEach((line, index) => {
        const py = Math.round(y.getPixelForValue(line.value)) + 0.5;
        const colour = line.level === 'critical' ? palette.critical : line.level === 'warning' ? palette.warning : palette.limit;
        ctx.strokeStyle = colour;
        ctx.lineWidth = line.level === 'limit' ? 1.5 : 1;
        // Different dashes, so the three lines are told apart without colour.
        ctx.setLineDash(line.level === 'limit' ? [] : line.level === 'critical' ? [6, 3] : [2, 3]);
        ctx.beginPath();
        ctx.moveTo(chartArea.left, py);
        ctx.lineTo(chartArea.right, py);
        ctx.stroke();
        const label = placed[index];
        if (!label) return;
        // A backing in the chart's background keeps the text readable over grid lines.
        ctx.fillStyle = withAlpha(palette.background, 0.85);
        ctx.fillRect(label.box.left - 2, label.box.top, label.box.right - label.box.left + 4, label.box.bottom - label.box.top);
        ctx.fillStyle = colour;
        ctx.textAlign = label.align;
        ctx.textBaseline = 'bottom';
        ctx.fillText(line.label, label.x, label.y + 1);
      });
      ctx.restore();
    },
  };
}

/** Which thresholds are drawn on `chart` (the card names the others). */
export function shownThresholds(chart: Chart<'line'>, data: ChartData): ChartData['thresholds'] {
  const y = chart.scales.y;
  return y ? data.thresholds.filter((line) => line.value >= y.min && line.value <= y.max) : [];
}
