/**
 * The table view of a chart: every point (not the reduced set that is drawn), newest first, one
 * column per series. For history buckets each cell reads "mean (min–max)". The exact numbers sit in
 * `data-value` for tools and tests; the text is formatted for people.
 */
import type { ChartData } from '../../src/shared/chartGroups';
import { valueText } from '../../src/shared/figures';
import { unitName } from '../../src/shared/format';
import { bucketName, formatBucket, formatDateTime } from '../../src/shared/timeAxis';
import { el } from '../common/dom';

/** Beyond this many rows the table shows the newest ones and says so; the export has them all. */
export const MAX_TABLE_ROWS = 5000;

export function renderDataTable(chart: ChartData): HTMLElement {
  const unit = unitName(chart.unit);
  const exact = (value: number | null | undefined) => valueText(value, chart.unit, chart.words, { maximumFractionDigits: 3 });
  const times = [...new Set(chart.series.flatMap((series) => series.t))].sort((a, b) => b - a);
  const shown = times.slice(0, MAX_TABLE_ROWS);
  const positions = chart.series.map((series) => new Map(series.t.map((at, index) => [at, index])));
  const caption = el(
    'caption',
    {},
    `${chart.title}: ${chart.description}${unit ? ` Unit: ${unit}.` : ''}`,
    chart.bucketMs
      ? chart.series.some((series) => series.hi)
        ? ` Rows are ${bucketName(chart.bucketMs)} buckets: mean (lowest–highest).`
        : ` Rows are ${bucketName(chart.bucketMs)} buckets: the newest reading of each.`
      : '',
    shown.length < times.length ? ` The newest ${shown.length} of ${times.length} rows; export the chart for all of them.` : '',
  );
  const head = el('tr', {}, el('th', { scope: 'col' }, 'Time'), ...chart.series.map((series) => el('th', { scope: 'col' }, series.label)));
  const body = el('tbody');
  const fragment = document.createDocumentFragment();
  for (const at of shown) {
    const row = el('tr', { 'data-at': at }, el('th', { scope: 'row' }, chart.bucketMs ? formatBucket(at, chart.bucketMs) : formatDateTime(at)));
    chart.series.forEach((series, seriesIndex) => {
      const index = positions[seriesIndex]?.get(at);
      const cell = el('td', { 'data-series-key': series.key });
      if (index !== undefined) {
        const value = series.v[index] ?? null;
        const low = series.lo?.[index];
        const high = series.hi?.[index];
        cell.setAttribute('data-value', value === null ? '' : String(value));
        cell.textContent =
          exact(value) + (low !== undefined && high !== undefined && low !== null && high !== null && low !== high ? ` (${exact(low)}–${exact(high)})` : '');
      }
      row.append(cell);
    });
    fragment.append(row);
  }
  body.append(fragment);
  return el('table', { class: 'data-table' }, caption, el('thead', {}, head), body);
}
