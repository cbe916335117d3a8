/**
 * The set of provider descriptors, and every table derived from it: names, default URLs, token
 * variables, poll intervals, the picker's descriptions, and how a stored series is read. Adding a
 * provider is adding its folder and one line below. Pure data, like the descriptors.
 */
import type { ColumnIdentity } from '../shared/columns';
import type { MetricUnit, Sample } from '../shared/samples';
import { contextLabels, identifyingLabels, seriesKey } from '../shared/seriesModel';
import { BROWSERBASE_DESCRIPTOR } from './browserbase/descriptor';
import { BROWSERLESS_DESCRIPTOR, BROWSERLESS_V1_DESCRIPTOR } from './browserless/descriptor';
import { CEREBRAS_DESCRIPTOR } from './cerebras/descriptor';
import type { DescriptorId, ProviderDescriptor, ResolvedSeries } from './descriptor';
import { NORTHFLANK_DESCRIPTOR } from './northflank/descriptor';
import { PROMETHEUS_DESCRIPTOR } from './prometheus/descriptor';
import { PROMETHEUS_QUERY_DESCRIPTOR } from './prometheusQuery/descriptor';
import type { ExportableKind, ProviderKind } from './types';

export const DESCRIPTORS: Readonly<Record<DescriptorId, ProviderDescriptor>> = {
  browserless: BROWSERLESS_DESCRIPTOR,
  browserlessV1: BROWSERLESS_V1_DESCRIPTOR,
  browserbase: BROWSERBASE_DESCRIPTOR,
  northflank: NORTHFLANK_DESCRIPTOR,
  cerebras: CEREBRAS_DESCRIPTOR,
  prometheus: PROMETHEUS_DESCRIPTOR,
  prometheusQuery: PROMETHEUS_QUERY_DESCRIPTOR,
};

/** The descriptor each provider kind starts from (its current generation). */
const BY_KIND: Readonly<Record<ProviderKind, ProviderDescriptor>> = {
  browserless: BROWSERLESS_DESCRIPTOR,
  browserbase: BROWSERBASE_DESCRIPTOR,
  northflank: NORTHFLANK_DESCRIPTOR,
  cerebras: CEREBRAS_DESCRIPTOR,
  prometheus: PROMETHEUS_DESCRIPTOR,
  prometheusQuery: PROMETHEUS_QUERY_DESCRIPTOR,
};

export const PROVIDER_KINDS = Object.keys(BY_KIND) as readonly ProviderKind[];

export function descriptorOfKind(kind: ProviderKind): ProviderDescriptor {
  return BY_KIND[kind];
}

/**
 * The descriptor of a configured connection: Browserless v1 has its own, and a Prometheus query
 * connection that reads an exporter connection is read (and shown) as that connection's provider.
 */
export function descriptorFor(config: {
  readonly kind: ProviderKind;
  readonly browserlessVersion?: 'v2' | 'v1';
  readonly exportedKind?: ExportableKind;
}): ProviderDescriptor {
  const kind = config.kind === 'prometheusQuery' && config.exportedKind ? config.exportedKind : config.kind;
  return kind === 'browserless' && config.browserlessVersion === 'v1' ? BROWSERLESS_V1_DESCRIPTOR : BY_KIND[kind];
}

function table<T>(pick: (descriptor: ProviderDescriptor) => T): Readonly<Record<ProviderKind, T>> {
  return Object.fromEntries(PROVIDER_KINDS.map((kind) => [kind, pick(BY_KIND[kind])])) as Record<ProviderKind, T>;
}

export const PROVIDER_NAMES = table((descriptor) => descriptor.name);
export const PROVIDER_ABBREVIATIONS = table((descriptor) => descriptor.abbreviation);
export const PROVIDER_SUMMARIES = table((descriptor) => descriptor.summary);
export const DEFAULT_BASE_URLS = table((descriptor) => descriptor.defaultBaseUrl);
export const TOKEN_ENVIRONMENT_VARIABLES = table((descriptor) => descriptor.tokenVariables);
export const TOKEN_OPTIONAL = table((descriptor) => descriptor.tokenOptional);
/** Default pace per provider and feed; the first feed of each is its live feed. */
export const DEFAULT_FEED_INTERVALS_MS = table((descriptor) => Object.fromEntries(descriptor.feeds.map((feed) => [feed.name, feed.intervalMs])));
export const MIN_INTERVAL_MS = table((descriptor) => descriptor.minIntervalMs);

// ---------------------------------------------------------------------------------------------
// Reading a series against a descriptor

const UNKNOWN_DESCRIPTION = 'A value this version of Live Usage does not know yet; kept as it came.';

/**
 * How a series is read: its declared spec, the descriptor's own resolver (a generic exporter), or,
 * for a series nobody declared (a field a provider added since), a plain gauge marked unknown.
 */
export function resolveSeries(descriptor: ProviderDescriptor, series: string, labels?: Readonly<Record<string, string>>): ResolvedSeries {
  const declared = (descriptor.series as Readonly<Record<string, ResolvedSeries['spec'] | undefined>>)[series];
  if (declared) return { spec: declared, known: true };
  const resolved = descriptor.resolve?.(series, labels);
  if (resolved) return resolved;
  const dot = series.lastIndexOf('.');
  return { known: false, spec: { label: dot >= 0 ? series.slice(dot + 1) : series, semantics: 'gauge', description: UNKNOWN_DESCRIPTION } };
}

export interface SampleIdentity {
  /** `series{identifying labels}`: two samples with the same key are readings of one series. */
  readonly key: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly context?: Readonly<Record<string, string>>;
  readonly resolved: ResolvedSeries;
  /** The spec's unit, else the sample's own. */
  readonly unit: MetricUnit;
}

/** Which series a sample belongs to: its id and identifying labels only, so a context label never splits it. */
export function identify(descriptor: ProviderDescriptor, sample: Pick<Sample, 'series' | 'labels' | 'unit'>): SampleIdentity {
  const resolved = resolveSeries(descriptor, sample.series, sample.labels);
  const labels = identifyingLabels(sample.labels, resolved.spec.context);
  const context = contextLabels(sample.labels, resolved.spec.context);
  return {
    key: seriesKey(sample.series, labels),
    ...(labels ? { labels } : {}),
    ...(context ? { context } : {}),
    resolved,
    // Units follow the series where the descriptor fixes one, else the sample (Northflank, exporters).
    unit: resolved.spec.unit ?? sample.unit,
  };
}

/** toColumns' identity for a descriptor: columns keyed by identifying labels, carrying how they read. */
export function columnIdentity(descriptor: ProviderDescriptor): (sample: Sample) => ColumnIdentity {
  return (sample) => {
    const identity = identify(descriptor, sample);
    const { spec, known, family, component } = identity.resolved;
    return {
      key: identity.key,
      ...(identity.labels ? { labels: identity.labels } : {}),
      unit: identity.unit,
      extra: {
        semantics: spec.semantics,
        known,
        ...(family === undefined ? {} : { family }),
        ...(component === undefined ? {} : { component }),
        ...(spec.rate === undefined ? {} : { rate: spec.rate }),
      },
    };
  };
}
