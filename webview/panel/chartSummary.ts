/** The sentence a screen reader hears for a chart: what it shows, its window, each series' latest, lowest and highest value. Pure. */
import type { ChartData } from '../../src/shared/chartGroups';
import { valueText } from '../../src/shared/figures';
import { bucketName, formatDateTime } from '../../src/shared/timeAxis';

export function chartSummary(data: ChartData, window: readonly [number, number], zoomed: boolean): string {
  const show = (value: number) => valueText(value, data.unit, data.words);
  const [from, to] = window;
  const parts = [`${data.description} From ${formatDateTime(from, {}, false)} to ${formatDateTime(to, {}, false)}${zoomed ? ' (zoomed)' : ''}.`];
  if (data.bucketMs) parts.push(`Points are ${bucketName(data.bucketMs)} averages with their minimum and maximum.`);
  for (const series of data.series) {
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
  if (data.thresholds.length > 0) parts.push(`Thresholds: ${data.thresholds.map((line) => line.label).join(', ')}.`);
  return parts.join(' ');
}
