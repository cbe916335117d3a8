/**
 * Which lines make which chart: a connection's history (series and label sets as parallel arrays) in,
 * one ChartData per chart out. The provider's descriptor names the charts; every series is first read
 * by its semantics (displayColumns.ts: rates for counters, p50/p95/p99 for histograms), so a chart
 * never draws a counter as an ever-rising total or a histogram as a dozen `le` lines. Pure, so the
 * grouping is tested without a window; it runs in the webview, which keeps the host bundle small.
 *
 * Curated charts first; every other series the descriptor knows still gets a chart, grouped by family
 * and unit under "More charts" (a generic exporter: one chart per metric). A series the descriptor
 * does not know gets no chart: the panel lists it under "Other values".
 */
import type { ChartSpec, ProviderDescriptor, QuotaRuleId } from '../providers/descriptor';
import { deriveColumns, type DisplayColumn } from './displayColumns';
import { formatUnitValue, unitLabel } from './format';
import type { ConnectionHistory, SeriesColumns } from './protocol';
import type { MetricUnit } from './samples';
import { wordsOf } from './seriesModel';
import type { QuotaStatus } from './snapshot';

export type ThresholdLevel = 'warning' | 'critical' | 'limit';

/** One line of a chart: parallel arrays, times ascending. */
export interface SeriesData {
  /** Stable within its connection (a display column's key), so an update replaces the right dataset in place. */
  readonly key: string;
  readonly label: string;
  readonly t: readonly number[];
  /** The value; null is "no value" and is drawn as a gap. For buckets: the mean (the newest value for running totals). */
  readonly v: readonly (number | null)[];
  /** Bucket minimum and maximum, when the points are buckets of a gauge: drawn as a band. */
  readonly lo?: readonly (number | null)[];
  readonly hi?: readonly (number | null)[];
  /** Samples summarized by each bucket. */
  readonly n?: readonly number[];
}

/** A horizontal line from a quota rule: the limit and the warning and critical levels below it. */
export interface ThresholdLine {
  readonly level: ThresholdLevel;
  readonly value: number;
  readonly label: string;
}

export interface ChartData {
  /** `<connection id>/<chart key>`: unique among all charts. */
  readonly id: string;
  readonly connectionId: string;
  readonly key: string;
  readonly title: string;
  readonly unit: MetricUnit;
  /** One sentence on what is drawn, for screen readers and the table caption. */
  readonly description: string;
  readonly series: readonly SeriesData[];
  readonly thresholds: readonly ThresholdLine[];
  /** The time window shown (epoch ms). */
  readonly from: number;
  readonly to: number;
  /** Set when the points are history buckets of this length rather than single readings. */
  readonly bucketMs?: number;
  /** False for the less used charts, shown under "More charts". */
  readonly primary: boolean;
  /** Label sets left out of a crowded chart. */
  readonly omitted?: number;
  /** Enumerated states (up/down, yes/no) are drawn as steps. */
  readonly stepped?: boolean;
  /** Words for the values of a state or yes/no chart, for its axis and tooltips. */
  readonly words?: Readonly<Record<string, string>>;
}

/** A card's sparkline: the line of a figure's chart. */
export interface Sparkline {
  readonly label: string;
  readonly unit: MetricUnit;
  readonly t: readonly number[];
  readonly v: readonly (number | null)[];
}

/** More datasets than this make a legend nobody can read; the rest is counted in `omitted`. */
export const MAX_SERIES_PER_CHART = 12;

/** Dataset keys of the lines a chart adds itself: a total, a ratio, a quota's own figure. */
export const totalKey = (series: string): string => `total:${series}`;
export const ratioKey = (numerator: string, denominator: string): string => `ratio:${numerator}/${denominator}`;
export const quotaKey = (rule: string): string => `quota:${rule}`;

const PART_NAMES: Readonly<Record<DisplayColumn['part'], string>> = {
  value: '',
  rate: '',
  p50: 'p50',
  p95: 'p95',
  p99: 'p99',
  observations: '',
};

function lastSegment(series: string): string {
  return series.slice(series.lastIndexOf('.') + 1);
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function specFor(descriptor: ProviderDescriptor, series: string): ChartSpec<string> | undefined {
  return descriptor.charts.find((chart) => chart.series.includes(series));
}

/** The key of the chart a split spec draws a label set in: `e2e:llama-3.3-70b`. */
export function splitChartKey(spec: Pick<ChartSpec<string>, 'key' | 'splitBy'>, labels: Readonly<Record<string, string>> | undefined): string {
  const split = spec.splitBy ? labels?.[spec.splitBy] : undefined;
  return split === undefined ? spec.key : `${spec.key}:${split}`;
}

interface Placement {
  readonly key: string;
  readonly title: string;
  readonly description: string;
  readonly primary: boolean;
  readonly spec?: ChartSpec<string>;
  readonly order: number;
}

/** Where a display column is drawn: its curated chart, else a chart of its family (or metric, for an exporter). */
export function placementOf(descriptor: ProviderDescriptor, column: Pick<DisplayColumn, 'series' | 'labels' | 'part' | 'unit'>): Placement {
  const spec = specFor(descriptor, column.series);
  if (spec) {
    const split = spec.splitBy ? column.labels?.[spec.splitBy] : undefined;
    return {
      key: splitChartKey(spec, column.labels),
      title: `${spec.title}${split === undefined ? '' : ` — ${split}`}`,
      description: spec.description,
      primary: spec.primary !== false,
      spec,
      order: spec.series.indexOf(column.series),
    };
  }
  if (descriptor.id === 'prometheus' || descriptor.id === 'prometheusQuery') {
    const observations = column.part === 'observations';
    const perSecond = column.part === 'rate' || observations;
    const title = observations ? `${column.series} observations` : column.series;
    return {
      key: observations ? `${column.series}#observations` : column.series,
      title: `${title}${perSecond ? ` per ${column.unit.startsWith('rate:minute') ? 'minute' : 'second'}` : ''}`,
      description: `${title} as scraped${perSecond ? ', as a rate (a counter reset counts as a restart from zero)' : ''}.`,
      primary: true,
      order: 0,
    };
  }
  const dot = column.series.lastIndexOf('.');
  const family = dot > 0 ? column.series.slice(0, dot) : column.series;
  const familyName = family.includes('.') ? family.slice(family.indexOf('.') + 1) : family;
  const unit = unitLabel(column.unit);
  const title = `${capitalized(familyName.replaceAll('.', ' '))}${unit ? ` (${unit})` : ''}`;
  return { key: `${family}~${column.unit}`, title, description: `${title}.`, primary: false, order: 0 };
}

function thresholdLines(
  rule: QuotaRuleId | undefined,
  label: string | undefined,
  unit: MetricUnit,
  history: ConnectionHistory,
  quotas: readonly QuotaStatus[],
): ThresholdLine[] {
  if (!rule) return [];
  const quota = quotas.find((status) => status.id === rule);
  if (!quota || quota.limit === null || !(quota.limit > 0) || quota.unit !== unit) return [];
  const limit = quota.limit;
  const { warnPercent, criticalPercent } = history;
  const show = (value: number) => formatUnitValue(value, unit);
  const lines: ThresholdLine[] = [{ level: 'limit', value: limit, label: `${label ?? 'limit'} ${show(limit)}` }];
  if (criticalPercent < 100) {
    lines.push({
      level: 'critical',
      value: (limit * criticalPercent) / 100,
      label: `critical ${show((limit * criticalPercent) / 100)} (${criticalPercent} %)`,
    });
  }
  if (warnPercent < criticalPercent) {
    lines.push({ level: 'warning', value: (limit * warnPercent) / 100, label: `warning ${show((limit * warnPercent) / 100)} (${warnPercent} %)` });
  }
  return lines;
}

interface Dataset extends SeriesData {
  readonly order: number;
}

interface Group {
  readonly placement: Placement;
  readonly key: string;
  readonly unit: MetricUnit;
  readonly datasets: Map<string, Dataset>;
  words?: Readonly<Record<string, string>>;
  stepped?: boolean;
}

function datasetLabel(placement: Placement, column: DisplayColumn, descriptor: ProviderDescriptor): string {
  const spec = placement.spec;
  const labels = Object.entries(column.labels ?? {})
    .filter(([name]) => name !== spec?.splitBy)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const part = PART_NAMES[column.part];
  if (!spec) {
    const name = descriptor.id === 'prometheus' || descriptor.id === 'prometheusQuery' ? '' : lastSegment(column.series);
    const text = labels.map(([name, value]) => `${name}=${value}`).join(', ');
    return [name, text, part].filter(Boolean).join(' · ') || column.series;
  }
  const name = spec.series.length > 1 ? (spec.names?.[column.series] ?? lastSegment(column.series)) : '';
  const text = labels.map(([, value]) => value).join(' · ');
  return [name, text, part].filter(Boolean).join(' · ') || spec.names?.[column.series] || spec.title;
}

/** The stored readings of one series as a line that starts at `since` and is offset by `offset`. */
function basisLine(stored: readonly SeriesColumns[], basis: NonNullable<QuotaStatus['basis']>): { t: number[]; v: (number | null)[] } {
  const t: number[] = [];
  const v: (number | null)[] = [];
  for (const columns of stored) {
    if (columns.series !== basis.series) continue;
    const values = columns.last ?? columns.v;
    columns.t.forEach((at, index) => {
      if (at < basis.since) return;
      const value = values[index] ?? null;
      t.push(at);
      v.push(value === null ? null : value - basis.offset);
    });
  }
  return { t, v };
}

/** Σ of the datasets at each time: a time where one of them has no value has no total. */
function sumLine(datasets: readonly Pick<SeriesData, 't' | 'v'>[]): { t: number[]; v: (number | null)[] } {
  const byTime = new Map<number, number | null>();
  const counts = new Map<number, number>();
  for (const dataset of datasets) {
    dataset.t.forEach((at, index) => {
      const value = dataset.v[index] ?? null;
      const known = byTime.get(at);
      byTime.set(at, value === null || known === null ? null : (known ?? 0) + value);
      counts.set(at, (counts.get(at) ?? 0) + 1);
    });
  }
  const t = [...byTime.keys()].filter((at) => counts.get(at) === datasets.length).sort((a, b) => a - b);
  return { t, v: t.map((at) => byTime.get(at) ?? null) };
}

/** The connection's charts for its window, curated ones first (in the descriptor's order), then by title. */
export function buildCharts(descriptor: ProviderDescriptor, history: ConnectionHistory, quotas: readonly QuotaStatus[]): ChartData[] {
  const display = deriveColumns(history.series).filter((column) => column.known);
  const groups = new Map<string, Group>();
  const groupFor = (placement: Placement, unit: MetricUnit): Group => {
    const groupKey = `${placement.key}|${unit}`;
    let group = groups.get(groupKey);
    if (!group) {
      // A second unit for the same chart (a service switching from vCPU to %) gets a chart of its own.
      const clash = [...groups.values()].some((other) => other.placement.key === placement.key);
      group = { placement, key: clash ? `${placement.key}~${unit}` : placement.key, unit, datasets: new Map() };
      groups.set(groupKey, group);
    }
    return group;
  };
  for (const column of display) {
    const placement = placementOf(descriptor, column);
    const group = groupFor(placement, column.unit);
    if (column.semantics === 'boolean' || column.semantics === 'state') {
      const spec = (descriptor.series as Readonly<Record<string, { readonly states?: Readonly<Record<string, string>> } | undefined>>)[column.series];
      group.stepped = true;
      const words = wordsOf({ semantics: column.semantics, ...(spec?.states ? { states: spec.states } : {}) });
      if (words) group.words = words;
    }
    group.datasets.set(column.key, {
      key: column.key,
      order: placement.order,
      label: datasetLabel(placement, column, descriptor),
      t: column.t,
      v: column.v,
      ...(column.lo && column.hi ? { lo: column.lo, hi: column.hi } : {}),
      ...(column.n ? { n: column.n } : {}),
    });
  }
  // Lines a chart adds itself.
  descriptor.charts.forEach((spec, index) => {
    const placement: Placement = { key: spec.key, title: spec.title, description: spec.description, primary: spec.primary !== false, spec, order: index };
    if (spec.total) {
      const group = [...groups.values()].find((entry) => entry.placement.key === spec.key);
      if (group && group.datasets.size > 0) {
        const line = sumLine([...group.datasets.values()]);
        group.datasets.set(totalKey(spec.series[0] ?? spec.key), { key: totalKey(spec.series[0] ?? spec.key), order: -1, label: spec.total, ...line });
      }
    }
    if (spec.ratio) {
      const numerator = display.filter((column) => column.series === spec.ratio?.numerator);
      const denominator = display.filter((column) => column.series === spec.ratio?.denominator);
      if (numerator.length > 0 && denominator.length > 0) {
        const top = sumLine(numerator);
        const bottom = new Map((({ t, v }) => t.map((at, position) => [at, v[position] ?? null] as const))(sumLine(denominator)));
        const t = top.t.filter((at) => bottom.has(at));
        const v = t.map((at) => {
          const over = bottom.get(at) ?? null;
          const under = top.v[top.t.indexOf(at)] ?? null;
          return over === null || under === null || over === 0 ? null : (under * 100) / over;
        });
        groupFor(placement, 'percent').datasets.set(ratioKey(spec.ratio.numerator, spec.ratio.denominator), {
          key: ratioKey(spec.ratio.numerator, spec.ratio.denominator),
          order: 0,
          label: spec.ratio.name,
          t,
          v,
        });
      }
    }
    if (spec.fromQuota) {
      const quota = quotas.find((status) => status.id === spec.fromQuota);
      if (quota?.basis) {
        const line = basisLine(history.series, quota.basis);
        if (line.t.length > 0) {
          groupFor(placement, quota.unit).datasets.set(quotaKey(quota.id), {
            key: quotaKey(quota.id),
            order: 0,
            label: `used this cycle${quota.source ? ` (${quota.source})` : ''}`,
            ...line,
          });
        }
      }
    }
  });

  const charts: ChartData[] = [];
  for (const group of groups.values()) {
    const datasets = [...group.datasets.values()].sort((a, b) => a.order - b.order || a.label.localeCompare(b.label, 'en', { numeric: true }));
    if (datasets.length === 0) continue;
    const shown = datasets.slice(0, MAX_SERIES_PER_CHART);
    const spec = group.placement.spec;
    charts.push({
      id: `${history.connectionId}/${group.key}`,
      connectionId: history.connectionId,
      key: group.key,
      title: group.placement.title,
      unit: group.unit,
      description: group.placement.description,
      series: shown.map(({ order: _order, ...series }) => series),
      thresholds: thresholdLines(spec?.quota, spec?.quotaLabel, group.unit, history, quotas),
      from: history.from,
      to: history.to,
      ...(history.bucketMs === undefined ? {} : { bucketMs: history.bucketMs }),
      primary: group.placement.primary,
      ...(datasets.length > shown.length ? { omitted: datasets.length - shown.length } : {}),
      ...(group.stepped ? { stepped: true } : {}),
      ...(group.words ? { words: group.words } : {}),
    });
  }
  const order = (chart: ChartData) => {
    const index = descriptor.charts.findIndex((spec) => chart.key === spec.key || chart.key.startsWith(`${spec.key}:`) || chart.key.startsWith(`${spec.key}~`));
    return index < 0 ? descriptor.charts.length : index;
  };
  return charts.sort((a, b) => Number(b.primary) - Number(a.primary) || order(a) - order(b) || a.title.localeCompare(b.title, 'en', { numeric: true }));
}

/** The stored series a chart needs (for the sidebar's short read), or undefined for "all of them". */
export function seriesOfChart(descriptor: ProviderDescriptor, chartKey: string): string[] | undefined {
  const base = chartKey.split(/[:~]/)[0] ?? chartKey;
  const spec = descriptor.charts.find((chart) => chart.key === base);
  if (!spec) return undefined;
  const series = new Set<string>(spec.series);
  if (spec.ratio) {
    series.add(spec.ratio.numerator);
    series.add(spec.ratio.denominator);
  }
  if (spec.fromQuota) {
    for (const rule of descriptor.quotas) {
      if (rule.id === spec.fromQuota && rule.kind === 'cycleUsage') {
        series.add(rule.reported);
        series.add(rule.fromSessions);
      }
    }
  }
  return [...series];
}

/** The card's line: the dataset of its figure's chart, or undefined without data. */
export function buildSparkline(
  descriptor: ProviderDescriptor,
  history: ConnectionHistory,
  snapshot: {
    readonly quotas: readonly QuotaStatus[];
    readonly figures: readonly { readonly id: string; readonly label: string; readonly chart?: { readonly key: string; readonly dataset: string } }[];
  },
): Sparkline | undefined {
  const figure = snapshot.figures.find((entry) => entry.id === descriptor.sparkline.figure) ?? snapshot.figures[0];
  if (!figure?.chart) return undefined;
  const chart = buildCharts(descriptor, history, snapshot.quotas).find((entry) => entry.key === figure.chart?.key);
  const line = chart?.series.find((dataset) => dataset.key === figure.chart?.dataset);
  if (!chart || !line || line.t.length === 0) return undefined;
  const label = descriptor.sparkline.figure ? descriptor.sparkline.label : `${figure.label}, ${descriptor.sparkline.label}`;
  return { label, unit: chart.unit, t: line.t, v: line.v };
}
