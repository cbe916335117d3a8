/**
 * Which series make which chart: a connection's history (series and label sets as parallel arrays)
 * in, one ChartData per chart out, each with one dataset per series and label set, and the threshold
 * lines of the quota rule it belongs to. Pure, so the grouping is tested without a window; it runs
 * in the webview, which keeps the extension host bundle small.
 *
 * Every provider has a few curated charts (several series per chart where the data has them); every
 * other series still gets a chart, grouped by family and unit, under "More charts". A generic
 * Prometheus connection gets one chart per metric.
 */
import type { ProviderKind } from './connections';
import { formatUnitValue, unitLabel } from './format';
import { HEADLINES } from './headlines';
import type { ConnectionHistory, SeriesColumns } from './protocol';
import type { MetricUnit } from './samples';
import type { QuotaStatus } from './snapshot';

export type ThresholdLevel = 'warning' | 'critical' | 'limit';

/** One line of a chart: parallel arrays, times ascending. */
export interface SeriesData {
  /** Stable within its chart, so an update replaces the right dataset in place. */
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
  /** Enumerated states (up/down) are drawn as steps. */
  readonly stepped?: boolean;
}

/** A card's sparkline: the headline series, label sets combined into one line. */
export interface Sparkline {
  readonly label: string;
  readonly unit: MetricUnit;
  readonly t: readonly number[];
  readonly v: readonly (number | null)[];
}

/** More datasets than this make a legend nobody can read; the rest is counted in `omitted`. */
export const MAX_SERIES_PER_CHART = 12;

interface ChartRule {
  readonly key: string;
  readonly title: string;
  readonly description: string;
  /** Series ids drawn together, in dataset order. */
  readonly series: readonly string[];
  /** Dataset names of the series (when the chart has several). */
  readonly names?: Readonly<Record<string, string>>;
  /** One chart per value of this label (e.g. one latency chart per endpoint). */
  readonly splitBy?: string;
  /** The quota rule whose limit gives the threshold lines. */
  readonly quota?: string;
  readonly quotaLabel?: string;
  /** A running total: a bucket is read by its last value, and a min–max band means nothing. */
  readonly cumulative?: boolean;
  readonly primary?: boolean;
}

const RULES: Readonly<Record<ProviderKind, readonly ChartRule[]>> = {
  browserless: [
    {
      key: 'concurrency',
      title: 'Concurrent sessions',
      description: 'Browser sessions running and waiting in the queue, from the pressure endpoint.',
      series: ['browserless.pressure.running', 'browserless.pressure.queued'],
      names: { 'browserless.pressure.running': 'running', 'browserless.pressure.queued': 'queued' },
      quota: 'concurrency',
    },
    {
      key: 'outcomes',
      title: 'Sessions by outcome',
      description: 'Sessions per 5-minute window by how they ended.',
      series: ['browserless.metrics.successful', 'browserless.metrics.error', 'browserless.metrics.timedout', 'browserless.metrics.rejected'],
      names: {
        'browserless.metrics.successful': 'successful',
        'browserless.metrics.error': 'error',
        'browserless.metrics.timedout': 'timed out',
        'browserless.metrics.rejected': 'rejected',
      },
    },
    {
      key: 'resources',
      title: 'CPU and memory',
      description: 'CPU and memory use of the Browserless server.',
      series: ['browserless.pressure.cpu', 'browserless.pressure.memory'],
      names: { 'browserless.pressure.cpu': 'CPU', 'browserless.pressure.memory': 'memory' },
    },
    {
      key: 'sessionTime',
      title: 'Session time',
      description: 'Mean, shortest and longest session per 5-minute window.',
      series: ['browserless.metrics.meanTime', 'browserless.metrics.minTime', 'browserless.metrics.maxTime'],
      names: { 'browserless.metrics.meanTime': 'mean', 'browserless.metrics.minTime': 'min', 'browserless.metrics.maxTime': 'max' },
      primary: false,
    },
    {
      key: 'units',
      title: 'Units used',
      description: 'Billing units per 5-minute window (one per started 30 seconds of browser time).',
      series: ['browserless.metrics.units'],
      primary: false,
    },
  ],
  browserbase: [
    {
      key: 'browserMinutes',
      title: 'Browser minutes',
      description: 'Browser minutes as the provider reports them; the quota counts the use within the billing cycle.',
      series: ['browserbase.usage.browserMinutes'],
      quota: 'browserMinutes',
      quotaLabel: 'allocation',
      cumulative: true,
    },
    {
      key: 'sessions',
      title: 'Running sessions',
      description: 'Sessions running in the project.',
      series: ['browserbase.sessions.running'],
      quota: 'sessions',
    },
    {
      key: 'proxyData',
      title: 'Proxy data',
      description: 'Proxy data as the provider reports it; the quota counts the use within the billing cycle.',
      series: ['browserbase.usage.proxyBytes'],
      quota: 'proxyData',
      quotaLabel: 'allocation',
      cumulative: true,
    },
  ],
  northflank: [
    { key: 'cpu', title: 'CPU', description: 'CPU use per container.', series: ['northflank.cpu'], quota: 'cpu' },
    { key: 'memory', title: 'Memory', description: 'Memory use per container.', series: ['northflank.memory'], quota: 'memory' },
    {
      key: 'network',
      title: 'Network',
      description: 'Network traffic in and out per container.',
      series: ['northflank.networkIngress', 'northflank.networkEgress'],
      names: { 'northflank.networkIngress': 'in', 'northflank.networkEgress': 'out' },
    },
    {
      key: 'requests',
      title: 'HTTP requests',
      description: 'HTTP requests and 5xx responses per second per container.',
      series: ['northflank.requests', 'northflank.http5xxResponses'],
      names: { 'northflank.requests': 'requests', 'northflank.http5xxResponses': '5xx' },
    },
  ],
  cerebras: [
    { key: 'requests', title: 'Requests per minute', description: 'Requests per minute per endpoint.', series: ['cerebras.requests.count'] },
    {
      key: 'e2e',
      title: 'End-to-end latency',
      description: 'End-to-end latency per minute: average and percentiles.',
      series: ['cerebras.latency.e2e'],
      splitBy: 'endpoint',
      quota: 'p95Latency',
      quotaLabel: 'p95 limit',
    },
    {
      key: 'failures',
      title: 'Failed requests per minute',
      description: 'Failed requests per minute by endpoint and HTTP status.',
      series: ['cerebras.requests.failure'],
    },
    {
      key: 'tokens',
      title: 'Tokens per minute',
      description: 'Input and output tokens per minute per endpoint.',
      series: ['cerebras.tokens.input', 'cerebras.tokens.output'],
      names: { 'cerebras.tokens.input': 'input', 'cerebras.tokens.output': 'output' },
    },
    ...(
      [
        ['ttft', 'Time to first token', 'cerebras.latency.ttft'],
        ['queueTime', 'Queue time', 'cerebras.latency.queueTime'],
        ['generation', 'Generation latency', 'cerebras.latency.generation'],
        ['tpot', 'Time per output token', 'cerebras.latency.tpot'],
      ] as const
    ).map(([key, title, series]) => ({
      key,
      title,
      description: `${title} per minute: average and percentiles.`,
      series: [series],
      splitBy: 'endpoint',
      primary: false,
    })),
  ],
  prometheus: [],
};

/** Labels that say where a value came from, not what it is: never a dataset name. */
const CONTEXT_LABELS = new Set(['project', 'basis', 'reason']);

interface Dataset extends SeriesData {
  readonly order: number;
}

interface Group {
  readonly id: string;
  readonly key: string;
  readonly title: string;
  readonly rule?: ChartRule;
  readonly unit: MetricUnit;
  readonly primary: boolean;
  readonly datasets: Map<string, Dataset>;
}

function sortedLabels(labels: Readonly<Record<string, string>> | undefined, skip: string | undefined): [string, string][] {
  if (!labels) return [];
  return Object.entries(labels)
    .filter(([name]) => name !== skip && !CONTEXT_LABELS.has(name))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function lastSegment(series: string): string {
  return series.slice(series.lastIndexOf('.') + 1);
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Where a sample goes when no curated chart takes it: per metric for Prometheus, per family and unit otherwise. */
function fallbackGroup(kind: ProviderKind, sample: SeriesColumns): { key: string; title: string; primary: boolean; name: string } {
  if (kind === 'prometheus') return { key: sample.series, title: sample.series, primary: true, name: '' };
  const dot = sample.series.lastIndexOf('.');
  const family = dot > 0 ? sample.series.slice(0, dot) : sample.series;
  const familyName = family.includes('.') ? family.slice(family.indexOf('.') + 1) : family;
  const unit = unitLabel(sample.unit);
  return {
    key: `${family}~${sample.unit}`,
    title: `${capitalized(familyName.replaceAll('.', ' '))}${unit ? ` (${unit})` : ''}`,
    primary: false,
    name: lastSegment(sample.series),
  };
}

function ruleFor(kind: ProviderKind): Map<string, { rule: ChartRule; order: number }> {
  const bySeries = new Map<string, { rule: ChartRule; order: number }>();
  for (const rule of RULES[kind]) rule.series.forEach((series, order) => bySeries.set(series, { rule, order }));
  return bySeries;
}

function thresholdLines(rule: ChartRule | undefined, unit: MetricUnit, history: ConnectionHistory, quotas: readonly QuotaStatus[]): ThresholdLine[] {
  if (!rule?.quota) return [];
  const quota = quotas.find((status) => status.id === rule.quota);
  if (!quota || quota.limit === null || !(quota.limit > 0) || quota.unit !== unit) return [];
  const limit = quota.limit;
  const { warnPercent, criticalPercent } = history;
  const show = (value: number) => formatUnitValue(value, unit);
  const lines: ThresholdLine[] = [{ level: 'limit', value: limit, label: `${rule.quotaLabel ?? 'limit'} ${show(limit)}` }];
  if (criticalPercent < 100)
    lines.push({
      level: 'critical',
      value: (limit * criticalPercent) / 100,
      label: `critical ${show((limit * criticalPercent) / 100)} (${criticalPercent} %)`,
    });
  if (warnPercent < criticalPercent)
    lines.push({ level: 'warning', value: (limit * warnPercent) / 100, label: `warning ${show((limit * warnPercent) / 100)} (${warnPercent} %)` });
  return lines;
}

/** The connection's charts for its window, curated ones first, then by title. */
export function buildCharts(kind: ProviderKind, history: ConnectionHistory, quotas: readonly QuotaStatus[]): ChartData[] {
  const rules = ruleFor(kind);
  const groups = new Map<string, Group>();
  const connectionId = history.connectionId;
  for (const columns of history.series) {
    const matched = rules.get(columns.series);
    const rule = matched?.rule;
    const split = rule?.splitBy ? columns.labels?.[rule.splitBy] : undefined;
    const fallback = rule ? undefined : fallbackGroup(kind, columns);
    const baseKey = rule ? `${rule.key}${split === undefined ? '' : `:${split}`}` : (fallback as { key: string }).key;
    const groupKey = `${baseKey}|${columns.unit}`;
    let group = groups.get(groupKey);
    if (!group) {
      // A second unit for the same chart (a service switching from vCPU to %) gets a chart of its own.
      const clash = [...groups.values()].some((other) => other.key === baseKey);
      const key = clash ? `${baseKey}~${columns.unit}` : baseKey;
      const title = rule ? `${rule.title}${split === undefined ? '' : ` — ${split}`}` : (fallback as { title: string }).title;
      group = {
        id: `${connectionId}/${key}`,
        key,
        title,
        unit: columns.unit,
        primary: rule ? rule.primary !== false : (fallback as { primary: boolean }).primary,
        datasets: new Map(),
        ...(rule ? { rule } : {}),
      };
      groups.set(groupKey, group);
    }
    const labels = sortedLabels(columns.labels, rule?.splitBy);
    const labelText = rule ? labels.map(([, value]) => value).join(' · ') : labels.map(([name, value]) => `${name}=${value}`).join(', ');
    const key = `${columns.series}{${labels.map(([name, value]) => `${name}=${value}`).join(',')}}`;
    const name = rule ? (rule.series.length > 1 ? (rule.names?.[columns.series] ?? lastSegment(columns.series)) : '') : (fallback as { name: string }).name;
    const label =
      [name, labelText].filter(Boolean).join(' · ') || rule?.names?.[columns.series] || (rule?.series.length === 1 ? rule.title : lastSegment(columns.series));
    // A running total is read by each bucket's newest value, and has no band.
    const cumulative = rule?.cumulative === true && columns.last !== undefined;
    group.datasets.set(key, {
      key,
      order: matched?.order ?? 0,
      label,
      t: columns.t,
      v: cumulative ? (columns.last as readonly (number | null)[]) : columns.v,
      ...(columns.lo && columns.hi && !cumulative ? { lo: columns.lo, hi: columns.hi } : {}),
      ...(columns.n ? { n: columns.n } : {}),
    });
  }

  const charts: ChartData[] = [];
  for (const group of groups.values()) {
    const datasets = [...group.datasets.values()].sort((a, b) => a.order - b.order || a.label.localeCompare(b.label, 'en', { numeric: true }));
    const shown = datasets.slice(0, MAX_SERIES_PER_CHART);
    charts.push({
      id: group.id,
      connectionId,
      key: group.key,
      title: group.title,
      unit: group.unit,
      description: group.rule?.description ?? `${group.title}${kind === 'prometheus' ? ' as scraped' : ''}.`,
      series: shown.map(({ order: _order, ...series }) => series),
      thresholds: thresholdLines(group.rule, group.unit, history, quotas),
      from: history.from,
      to: history.to,
      ...(history.bucketMs === undefined ? {} : { bucketMs: history.bucketMs }),
      primary: group.primary,
      ...(datasets.length > shown.length ? { omitted: datasets.length - shown.length } : {}),
      ...(group.unit === 'state' ? { stepped: true } : {}),
    });
  }
  const order = (chart: ChartData) => {
    const index = RULES[kind].findIndex((rule) => chart.key === rule.key || chart.key.startsWith(`${rule.key}:`) || chart.key.startsWith(`${rule.key}~`));
    return index < 0 ? RULES[kind].length : index;
  };
  return charts.sort((a, b) => Number(b.primary) - Number(a.primary) || order(a) - order(b) || a.title.localeCompare(b.title, 'en', { numeric: true }));
}

// ---------------------------------------------------------------------------------------------
// Sparklines

/** The card's line: the headline series with its label sets combined per time; undefined without data. */
export function buildSparkline(kind: ProviderKind, history: ConnectionHistory): Sparkline | undefined {
  const headline = HEADLINES[kind];
  const wanted = headline.series ?? history.series.find((columns) => columns.v.some((value) => value !== null))?.series;
  // Prometheus: the first label set only; summing unrelated label sets would mean nothing.
  const matching = history.series.filter((columns) => columns.series === wanted);
  const parts = headline.combine === 'first' ? matching.slice(0, 1) : matching;
  const unit = parts[0]?.unit;
  if (unit === undefined) return undefined;
  const byTime = new Map<number, number | null>();
  for (const columns of parts) {
    if (columns.unit !== unit) continue;
    const values = headline.cumulative && columns.last ? columns.last : columns.v;
    columns.t.forEach((at, index) => {
      const value = values[index] ?? null;
      const known = byTime.get(at);
      if (value === null) {
        if (known === undefined) byTime.set(at, null);
      } else if (known === undefined || known === null) {
        byTime.set(at, value);
      } else {
        byTime.set(at, headline.combine === 'max' ? Math.max(known, value) : known + value);
      }
    });
  }
  if (byTime.size === 0) return undefined;
  const times = [...byTime.keys()].sort((a, b) => a - b);
  return { label: headline.series ? headline.label : `${wanted}, ${headline.label}`, unit, t: times, v: times.map((at) => byTime.get(at) ?? null) };
}
