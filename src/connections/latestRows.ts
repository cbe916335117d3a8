/**
 * The snapshot's readings as people read them: each latest value through its series' semantics (the
 * same derivation the charts use, over the last two readings), the info series as labels, and the
 * figures of the card and the status bar, each with the chart line that ends on the same number. Pure.
 */
import type { FigureSpec, ProviderDescriptor } from '../providers/descriptor';
import { columnIdentity, identify, resolveSeries } from '../providers/registry';
import { placementOf, quotaKey, ratioKey, splitChartKey, totalKey } from '../shared/chartGroups';
import { toColumns } from '../shared/columns';
import { deriveColumns, type DisplayColumn } from '../shared/displayColumns';
import type { Sample } from '../shared/samples';
import { wordsOf } from '../shared/seriesModel';
import type { Figure, InfoRow, QuotaStatus, ValueRow } from '../shared/snapshot';

/** How many figures a generic exporter's card shows (its first families by name). */
const AUTO_FIGURES = 4;

function compareLabels(a: Readonly<Record<string, string>> | undefined, b: Readonly<Record<string, string>> | undefined): number {
  return JSON.stringify(a ?? {}).localeCompare(JSON.stringify(b ?? {}));
}

/** Latest values by semantics: rates need the reading before the latest (`previous`), quantiles too. */
export function valueRows(descriptor: ProviderDescriptor, latest: readonly Sample[], previous: readonly Sample[]): ValueRow[] {
  const identity = columnIdentity(descriptor);
  const samples = [...previous, ...latest].sort((a, b) => a.at - b.at);
  const newest = new Map<string, Sample>();
  for (const sample of latest) newest.set(identify(descriptor, sample).key, sample);
  const rows: ValueRow[] = [];
  for (const column of deriveColumns(toColumns(samples, identity))) {
    const last = column.t.length - 1;
    if (last < 0) continue;
    const sample = column.part === 'value' || column.part === 'rate' ? newest.get(column.key) : undefined;
    const resolved = resolveSeries(descriptor, column.series, column.labels);
    const context = sample ? identify(descriptor, sample).context : undefined;
    const words = wordsOf(resolved.spec);
    const partName = column.part === 'value' || column.part === 'rate' ? '' : column.part === 'observations' ? ' observations' : ` ${column.part}`;
    rows.push({
      key: column.key,
      series: column.series,
      ...(column.labels ? { labels: column.labels } : {}),
      ...(context ? { context } : {}),
      label: `${resolved.spec.label}${partName}`,
      part: column.part,
      semantics: column.semantics,
      known: column.known,
      unit: column.unit,
      value: column.v[last] ?? null,
      at: column.t[last] as number,
      ...(column.totals ? { total: column.totals[last] ?? null, totalUnit: sample?.unit ?? 'count' } : {}),
      ...(words ? { words } : {}),
      ...(sample?.flags ? { flags: sample.flags } : {}),
      ...(sample?.rawValue === undefined ? {} : { rawValue: sample.rawValue }),
    });
  }
  return rows.sort(
    (a, b) => Number(b.known) - Number(a.known) || a.series.localeCompare(b.series) || compareLabels(a.labels, b.labels) || a.key.localeCompare(b.key),
  );
}

/** Info series: labels, not numbers. */
export function infoRows(descriptor: ProviderDescriptor, latest: readonly Sample[]): InfoRow[] {
  const rows: InfoRow[] = [];
  for (const sample of latest) {
    const identity = identify(descriptor, sample);
    if (identity.resolved.spec.semantics !== 'info') continue;
    rows.push({ name: identity.resolved.spec.label, labels: identity.labels ?? {} });
  }
  return rows.sort((a, b) => a.name.localeCompare(b.name) || compareLabels(a.labels, b.labels));
}

function chartOf(descriptor: ProviderDescriptor, spec: FigureSpec<string>, quota: QuotaStatus): Figure['chart'] {
  const chart = descriptor.charts.find((entry) => entry.key === spec.chart);
  if (!chart) return undefined;
  if (chart.fromQuota === quota.id) return quota.basis ? { key: chart.key, dataset: quotaKey(quota.id) } : undefined;
  if (chart.ratio) return { key: chart.key, dataset: ratioKey(chart.ratio.numerator, chart.ratio.denominator) };
  if (!quota.from) return undefined;
  const identity = identify(descriptor, { series: quota.from.series, unit: quota.unit, ...(quota.from.labels ? { labels: quota.from.labels } : {}) });
  return { key: splitChartKey(chart, identity.labels), dataset: identity.key };
}

/** The figure of a series summed over its label sets at its newest time (Cerebras requests, all endpoints). */
function sumFigure(descriptor: ProviderDescriptor, spec: FigureSpec<string>, series: string, rows: readonly ValueRow[]): Figure | undefined {
  const matching = rows.filter((row) => row.series === series && (row.part === 'value' || row.part === 'rate'));
  if (matching.length === 0) return undefined;
  const at = Math.max(...matching.map((row) => row.at));
  const current = matching.filter((row) => row.at === at);
  const value = current.some((row) => row.value === null) ? null : current.reduce((total, row) => total + (row.value as number), 0);
  const chart = descriptor.charts.find((entry) => entry.key === spec.chart);
  return {
    id: spec.id,
    label: spec.label,
    short: spec.short,
    value,
    limit: null,
    unit: (current[0] as ValueRow).unit,
    ratio: null,
    level: 'ok',
    ...(chart?.total ? { chart: { key: chart.key, dataset: totalKey(series) } } : {}),
  };
}

/** A generic exporter's figures: its first families by name, each by its semantics (a rate, a p95, a value). */
function autoFigures(descriptor: ProviderDescriptor, rows: readonly ValueRow[]): Figure[] {
  const preferred = (row: ValueRow) => row.part === 'value' || row.part === 'rate' || row.part === 'p95';
  const byFamily = new Map<string, ValueRow>();
  for (const row of rows) {
    if (!row.known || !preferred(row) || byFamily.has(row.series)) continue;
    // A summary's highest quantile up to 0.99 says the most.
    if (row.semantics === 'summary' && row.labels?.quantile !== undefined && row.labels.quantile !== '0.99') continue;
    byFamily.set(row.series, row);
  }
  return [...byFamily.values()].slice(0, AUTO_FIGURES).map((row) => {
    const column: Pick<DisplayColumn, 'series' | 'labels' | 'part' | 'unit'> = {
      series: row.series,
      part: row.part,
      unit: row.unit,
      ...(row.labels ? { labels: row.labels } : {}),
    };
    const name = `${row.series}${row.part === 'p95' ? ' p95' : ''}`;
    const labels = Object.entries(row.labels ?? {}).filter(([label]) => label !== 'quantile');
    return {
      id: `auto:${row.key}`,
      label: `${name}${labels.length > 0 ? ` {${labels.map(([label, value]) => `${label}=${value}`).join(', ')}}` : ''}`,
      short: name,
      value: row.value,
      limit: null,
      unit: row.unit,
      ratio: null,
      level: 'ok',
      ...(row.words ? { words: row.words } : {}),
      chart: { key: placementOf(descriptor, column).key, dataset: row.key },
    };
  });
}

/** PromQL panels: one figure per panel rule, drawn by the panel's chart. */
function panelFigures(descriptor: ProviderDescriptor, quotas: readonly QuotaStatus[]): Figure[] {
  return quotas.map((quota) => {
    const from = quota.from;
    const identity = from ? identify(descriptor, { series: from.series, unit: quota.unit, ...(from.labels ? { labels: from.labels } : {}) }) : undefined;
    const chart = from
      ? placementOf(descriptor, { series: from.series, part: 'value', unit: quota.unit, ...(identity?.labels ? { labels: identity.labels } : {}) })
      : undefined;
    return {
      id: quota.id,
      label: quota.label,
      short: quota.label,
      value: quota.value,
      limit: quota.limit,
      unit: quota.unit,
      ratio: quota.ratio,
      level: quota.level,
      quota: quota.id,
      ...(quota.source ? { source: quota.source } : {}),
      ...(chart && identity ? { chart: { key: chart.key, dataset: identity.key } } : {}),
    };
  });
}

export function buildFigures(descriptor: ProviderDescriptor, quotas: readonly QuotaStatus[], rows: readonly ValueRow[]): Figure[] {
  if (descriptor.figures.length === 0) return quotas.length > 0 ? panelFigures(descriptor, quotas) : autoFigures(descriptor, rows);
  const figures: Figure[] = [];
  for (const spec of descriptor.figures) {
    if ('sum' in spec.source) {
      const figure = sumFigure(descriptor, spec, spec.source.sum, rows);
      if (figure) figures.push(figure);
      continue;
    }
    const ruleId = spec.source.quota;
    const quota = quotas.find((status) => status.id === ruleId);
    if (!quota) continue;
    const chart = chartOf(descriptor, spec, quota);
    figures.push({
      id: spec.id,
      label: spec.label,
      short: spec.short,
      value: quota.value,
      limit: quota.limit,
      unit: quota.unit,
      ratio: quota.ratio,
      level: quota.level,
      quota: quota.id,
      ...(quota.words ? { words: quota.words } : {}),
      ...(quota.source ? { source: quota.source } : {}),
      ...(chart ? { chart } : {}),
    });
  }
  return figures;
}
