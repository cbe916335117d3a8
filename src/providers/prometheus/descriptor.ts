/**
 * Any Prometheus or OpenMetrics endpoint. Its series are whatever the exporter names, so they are
 * read by their family's `# TYPE`, which the normalizer keeps in the reserved `__type__` label (the
 * label Prometheus' own type-and-unit-labels feature uses). History written before that label existed
 * is read by the naming conventions instead (see `typeOf`). Facts: docs/providers.md#prometheus.
 */
import type { MetricUnit } from '../../shared/samples';
import { defineProvider, type ResolvedSeries, type SeriesSpec } from '../descriptor';

const SECOND = 1000;
const MINUTE = 60 * SECOND;

/** The reserved label holding a sample's family type. */
export const TYPE_LABEL = '__type__';

type FamilyType = 'counter' | 'gauge' | 'histogram' | 'gaugehistogram' | 'summary' | 'info' | 'stateset' | 'untyped' | 'unknown';

const FAMILY_TYPES = new Set<string>(['counter', 'gauge', 'histogram', 'gaugehistogram', 'summary', 'info', 'stateset', 'untyped', 'unknown']);

/**
 * The family type of a stored sample: its `__type__` label, else what the naming conventions say
 * (`_total` counts, `_bucket` with `le` is a histogram bucket, a `quantile` label a summary, `_info`
 * an info metric). A `_sum` or `_count` without its siblings in view reads as the counter it is.
 */
export function typeOf(series: string, labels: Readonly<Record<string, string>> | undefined): FamilyType {
  const declared = labels?.[TYPE_LABEL];
  if (declared !== undefined && FAMILY_TYPES.has(declared)) return declared as FamilyType;
  if (series.endsWith('_bucket') && labels?.le !== undefined) return 'histogram';
  if (labels?.quantile !== undefined) return 'summary';
  if (series.endsWith('_total') || series.endsWith('_count') || series.endsWith('_sum')) return 'counter';
  if (series.endsWith('_info')) return 'info';
  return 'gauge';
}

const SUFFIXES = ['_bucket', '_gcount', '_gsum', '_count', '_sum'] as const;

function partOf(series: string, labels: Readonly<Record<string, string>> | undefined): { family: string; component: ResolvedSeries['component'] } {
  for (const suffix of SUFFIXES) {
    if (series.endsWith(suffix)) {
      const component = suffix === '_bucket' ? 'bucket' : suffix.endsWith('sum') ? 'sum' : 'count';
      return { family: series.slice(0, -suffix.length), component };
    }
  }
  return { family: series, component: labels?.quantile !== undefined ? 'quantile' : undefined };
}

function spec(label: string, semantics: SeriesSpec['semantics'], unit?: MetricUnit): SeriesSpec {
  return { label, semantics, rate: 'second', description: `${label} as the exporter names it.`, ...(unit ? { unit } : {}) };
}

/** How a generic exporter's series is read. Every series resolves: nothing of an exporter is "unknown". */
export function resolvePrometheus(series: string, labels: Readonly<Record<string, string>> | undefined): ResolvedSeries {
  const type = typeOf(series, labels);
  switch (type) {
    case 'counter':
      return { known: true, spec: spec(series, 'counter') };
    case 'info':
      return { known: true, spec: spec(series.replace(/_info$/, ''), 'info') };
    case 'stateset':
      return { known: true, spec: spec(series, 'boolean') };
    case 'histogram':
    case 'gaugehistogram': {
      const { family, component } = partOf(series, labels);
      return { known: true, spec: spec(family, 'histogram'), family, ...(component ? { component } : {}) };
    }
    case 'summary': {
      const { family, component } = partOf(series, labels);
      return { known: true, spec: spec(family, 'summary'), family, component: component ?? 'quantile' };
    }
    default:
      // A gauge named `_info` whose value is 1 is an info metric by convention (build_info).
      return { known: true, spec: series.endsWith('_info') ? spec(series.replace(/_info$/, ''), 'info') : spec(series, 'gauge') };
  }
}

export const PROMETHEUS_DESCRIPTOR = defineProvider({
  id: 'prometheus',
  kind: 'prometheus',
  name: 'Prometheus',
  abbreviation: 'Prom',
  summary: 'Any Prometheus or OpenMetrics endpoint',
  defaultBaseUrl: 'http://localhost:9090/metrics',
  tokenVariables: [],
  tokenOptional: true,
  feeds: [{ name: 'scrape', reads: 'the scrape URL: Prometheus text 0.0.4 or OpenMetrics 1.0', intervalMs: 30 * SECOND }],
  minIntervalMs: 5 * SECOND,
  series: {},
  resolve: resolvePrometheus,
  quotas: [],
  charts: [],
  // The first families of the exposition (by name), each as its semantics reads: see figures.ts.
  figures: [],
  statusBar: { figure: '' },
  sparkline: { figure: '', windowMs: 60 * MINUTE, label: 'last hour' },
});
