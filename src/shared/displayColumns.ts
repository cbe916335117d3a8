/**
 * Stored readings as a person reads them, by each series' semantics: a counter becomes its rate, a
 * histogram its p50/p95/p99 and its rate of observations, a summary its quantiles and that rate; an info
 * series is left out (it is labels, not a line). Charts and the snapshot's latest values both come from
 * here, the latter from the last two readings, so a latest value and a chart's last point are one number.
 * Pure, shared by host and webviews.
 */
import { counterRate, histogramQuantile, parseUpperBound, type Bucket } from './promql';
import type { SeriesColumns } from './protocol';
import { rateUnit, type MetricUnit, type RatePer } from './samples';
import { seriesKey, type SeriesSemantics } from './seriesModel';

/** What a display column shows of its series. */
export type DisplayPart = 'value' | 'rate' | 'p50' | 'p95' | 'p99' | 'observations';

export interface DisplayColumn {
  /** Unique per connection: `series{labels}`, plus `#p95` or `#observations` for a histogram's lines. */
  readonly key: string;
  /** The stored series (a histogram's or summary's family name for its derived lines). */
  readonly series: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly part: DisplayPart;
  readonly semantics: SeriesSemantics;
  readonly known: boolean;
  readonly unit: MetricUnit;
  readonly t: readonly number[];
  readonly v: readonly (number | null)[];
  readonly lo?: readonly (number | null)[];
  readonly hi?: readonly (number | null)[];
  readonly n?: readonly number[];
  /** Counters: the stored totals the rate was taken from, for tables. */
  readonly totals?: readonly (number | null)[];
}

export const QUANTILES = [
  ['p50', 0.5],
  ['p95', 0.95],
  ['p99', 0.99],
] as const;

const PER_MS: Readonly<Record<RatePer, number>> = { second: 1000, minute: 60_000 };

/** A running total is read by each bucket's newest value, not its mean. */
function readings(columns: SeriesColumns): readonly (number | null)[] {
  return columns.last ?? columns.v;
}

function rateColumn(columns: SeriesColumns, per: RatePer): Pick<DisplayColumn, 'v' | 'unit' | 'totals'> {
  const values = readings(columns);
  const v: (number | null)[] = [null];
  for (let index = 1; index < columns.t.length; index++) {
    v.push(counterRate(values[index - 1] ?? null, values[index] ?? null, (columns.t[index] as number) - (columns.t[index - 1] as number), PER_MS[per]));
  }
  return { v: columns.t.length === 0 ? [] : v, unit: rateUnit(columns.unit, per), totals: values };
}

function labelsWithout(labels: Readonly<Record<string, string>> | undefined, name: string): Readonly<Record<string, string>> | undefined {
  if (!labels || !(name in labels)) return labels;
  const rest = Object.fromEntries(Object.entries(labels).filter(([key]) => key !== name));
  return Object.keys(rest).length === 0 ? undefined : rest;
}

interface HistogramGroup {
  readonly family: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly buckets: SeriesColumns[];
  count?: SeriesColumns;
  rate: RatePer;
  unit?: MetricUnit;
}

/** p50/p95/p99 of the observations between consecutive readings, and their rate, as Prometheus dashboards draw them. */
function histogramColumns(group: HistogramGroup): DisplayColumn[] {
  const times = [...new Set(group.buckets.flatMap((bucket) => bucket.t))].sort((a, b) => a - b);
  const byBound = group.buckets.map((bucket) => {
    const values = readings(bucket);
    const at = new Map(bucket.t.map((time, index) => [time, values[index] ?? null]));
    return { upperBound: parseUpperBound(bucket.labels?.le ?? ''), at };
  });
  const quantiles = QUANTILES.map(() => [] as (number | null)[]);
  const observations: (number | null)[] = [];
  const countValues = group.count ? new Map(group.count.t.map((time, index) => [time, readings(group.count as SeriesColumns)[index] ?? null])) : undefined;
  const infinite = byBound.find((bucket) => bucket.upperBound === Number.POSITIVE_INFINITY);
  times.forEach((time, index) => {
    const before = index > 0 ? (times[index - 1] as number) : undefined;
    let buckets: Bucket[] | undefined;
    if (before !== undefined) {
      const pairs = byBound.map((bucket) => ({ upperBound: bucket.upperBound, from: bucket.at.get(before), to: bucket.at.get(time) }));
      if (pairs.every((pair) => typeof pair.from === 'number' && typeof pair.to === 'number')) {
        // One bucket lower than before means the source restarted: every count since is new.
        const reset = pairs.some((pair) => (pair.to as number) < (pair.from as number));
        buckets = pairs.map((pair) => ({ upperBound: pair.upperBound, count: reset ? (pair.to as number) : (pair.to as number) - (pair.from as number) }));
      }
    }
    QUANTILES.forEach(([, q], position) => {
      const estimate = buckets ? histogramQuantile(q, buckets) : Number.NaN;
      (quantiles[position] as (number | null)[]).push(Number.isFinite(estimate) ? estimate : null);
    });
    const total = (at: number) => countValues?.get(at) ?? infinite?.at.get(at) ?? null;
    observations.push(before === undefined ? null : counterRate(total(before), total(time), time - before, PER_MS[group.rate]));
  });
  const base = seriesKey(group.family, group.labels);
  const common = { series: group.family, ...(group.labels ? { labels: group.labels } : {}), semantics: 'histogram' as const, known: true, t: times };
  return [
    ...QUANTILES.map(([part], position) => ({
      ...common,
      key: `${base}#${part}`,
      part,
      unit: group.unit ?? ('none' as MetricUnit),
      v: quantiles[position] as (number | null)[],
    })),
    { ...common, key: `${base}#observations`, part: 'observations', unit: rateUnit('count', group.rate), v: observations },
  ];
}

/**
 * The display columns of a connection's stored columns. `unitOf(family)` gives a histogram family's
 * unit where its buckets do not (buckets count observations; the family measures seconds or bytes).
 */
export function deriveColumns(all: readonly SeriesColumns[], unitOf: (family: string) => MetricUnit | undefined = () => undefined): DisplayColumn[] {
  const result: DisplayColumn[] = [];
  const histograms = new Map<string, HistogramGroup>();
  const groupOf = (columns: SeriesColumns): HistogramGroup => {
    const family = columns.family ?? columns.series;
    const labels = labelsWithout(columns.labels, 'le');
    const key = seriesKey(family, labels);
    let group = histograms.get(key);
    if (!group) {
      group = { family, ...(labels ? { labels } : {}), buckets: [], rate: columns.rate ?? 'second' };
      histograms.set(key, group);
    }
    return group;
  };
  // History written without `__type__` (before 0.2) names a histogram's `_sum` and `_count` like any
  // counter: beside buckets or quantiles of the same family they are that family's parts.
  const families = new Map<string, SeriesSemantics>();
  for (const columns of all) {
    if ((columns.semantics === 'histogram' || columns.semantics === 'summary') && columns.family) families.set(columns.family, columns.semantics);
  }
  const adopted = (columns: SeriesColumns): SeriesColumns => {
    if (columns.semantics !== 'counter' || columns.family) return columns;
    const match = /^(.*)_(sum|count)$/.exec(columns.series);
    const semantics = match ? families.get(match[1] as string) : undefined;
    return match && semantics ? { ...columns, semantics, family: match[1] as string, component: match[2] as 'sum' | 'count' } : columns;
  };
  for (const original of all) {
    const columns = adopted(original);
    const semantics = columns.semantics ?? 'gauge';
    const known = columns.known ?? true;
    const key = seriesKey(columns.series, columns.labels);
    const plain = {
      key,
      series: columns.series,
      ...(columns.labels ? { labels: columns.labels } : {}),
      semantics,
      known,
      t: columns.t,
    };
    switch (semantics) {
      case 'info':
        // Labels, not a line: the card shows them.
        continue;
      case 'counter':
        result.push({ ...plain, part: 'rate', ...rateColumn(columns, columns.rate ?? 'second') });
        continue;
      case 'histogram': {
        const group = groupOf(columns);
        if (columns.component === 'bucket') group.buckets.push(columns);
        else if (columns.component === 'count') group.count = columns;
        // `_sum` is only good for a mean, which the quantiles say better; its unit is the family's.
        else if (columns.component === 'sum') group.unit ??= columns.unit;
        continue;
      }
      case 'summary':
        if (columns.component === 'count') {
          const family = columns.family ?? columns.series;
          const rate = rateColumn(columns, columns.rate ?? 'second');
          result.push({
            ...plain,
            key: `${seriesKey(family, columns.labels)}#observations`,
            series: family,
            part: 'observations',
            v: rate.v,
            unit: rateUnit('count', columns.rate ?? 'second'),
          });
        } else if (columns.component !== 'sum') {
          result.push({ ...plain, series: columns.family ?? columns.series, part: 'value', unit: columns.unit, v: columns.v, ...band(columns) });
        }
        continue;
      default:
        result.push({
          ...plain,
          part: 'value',
          unit: columns.unit,
          v: semantics === 'cycleUsage' ? readings(columns) : columns.v,
          ...band(columns, semantics),
        });
    }
  }
  for (const group of histograms.values()) {
    if (group.buckets.length === 0) continue;
    group.unit ??= unitOf(group.family);
    result.push(...histogramColumns(group));
  }
  return result;
}

/** A bucket's min–max band, for gauges only: a running total or a state has no band worth drawing. */
function band(columns: SeriesColumns, semantics: SeriesSemantics = 'gauge'): Pick<DisplayColumn, 'lo' | 'hi' | 'n'> {
  const banded = columns.lo && columns.hi && semantics !== 'cycleUsage' && semantics !== 'state' && semantics !== 'boolean';
  return {
    ...(banded ? { lo: columns.lo as readonly (number | null)[], hi: columns.hi as readonly (number | null)[] } : {}),
    ...(columns.n ? { n: columns.n } : {}),
  };
}
