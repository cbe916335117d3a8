/**
 * A chart's data as a file a person opens elsewhere: CSV (one row per time, one column per series,
 * plus min and max columns where the points are buckets) or JSON (every point with its bucket
 * summary). Pure; built in the webview, which has the data, and written by the host, which has a file system.
 */
import { unitLabel } from './format';
import type { ChartData } from './chartGroups';

/** A cell safe for spreadsheets: quoted when needed, and never read as a formula (`=`, `+`, `-`, `@`). */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function chartToCsv(chart: ChartData): string {
  const unit = unitLabel(chart.unit);
  const suffix = unit ? ` (${unit})` : '';
  const header = ['time', 'epoch_ms'];
  for (const series of chart.series) {
    header.push(`${series.label}${suffix}`);
    if (series.lo && series.hi) header.push(`${series.label} min${suffix}`, `${series.label} max${suffix}`);
  }
  const times = [...new Set(chart.series.flatMap((series) => series.t))].sort((a, b) => a - b);
  const positions = chart.series.map((series) => new Map(series.t.map((at, index) => [at, index])));
  const lines = [header.map(csvCell).join(',')];
  for (const at of times) {
    const row: (string | number | null | undefined)[] = [new Date(at).toISOString(), at];
    chart.series.forEach((series, seriesIndex) => {
      const index = positions[seriesIndex]?.get(at);
      row.push(index === undefined ? null : series.v[index]);
      if (series.lo && series.hi) row.push(index === undefined ? null : series.lo[index], index === undefined ? null : series.hi[index]);
    });
    lines.push(row.map(csvCell).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

export function chartToJson(chart: ChartData, exportedAt: number): string {
  return `${JSON.stringify(
    {
      connectionId: chart.connectionId,
      chart: chart.title,
      description: chart.description,
      unit: chart.unit,
      from: new Date(chart.from).toISOString(),
      to: new Date(chart.to).toISOString(),
      ...(chart.bucketMs === undefined
        ? {}
        : { bucketMs: chart.bucketMs, bucketValue: 'mean of the bucket (the last value for running totals); min and max beside it' }),
      exportedAt: new Date(exportedAt).toISOString(),
      thresholds: chart.thresholds,
      series: chart.series.map((series) => ({
        label: series.label,
        points: series.t.map((at, index) => ({
          time: new Date(at).toISOString(),
          at,
          value: series.v[index] ?? null,
          ...(series.lo && series.hi ? { min: series.lo[index] ?? null, max: series.hi[index] ?? null } : {}),
          ...(series.n ? { count: series.n[index] ?? 0 } : {}),
        })),
      })),
    },
    null,
    2,
  )}\n`;
}

/** A file name that says what is in it: `live-usage-<connection>-<chart>-<range>.csv`. */
export function exportFileName(chart: Pick<ChartData, 'connectionId' | 'key'>, range: string, format: 'csv' | 'json'): string {
  const safe = (text: string) => text.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '');
  return `live-usage-${safe(chart.connectionId)}-${safe(chart.key)}-${safe(range)}.${format}`;
}
