/**
 * What a scrape of /metrics shows, built from the poller's state only: one family per descriptor
 * series that has a reading (named and typed by src/providers/exportedSeries.ts), and the exporter's
 * own families (health, each connection's provider and name, its quota settings). Pure apart from the
 * state it reads; the work is bounded by the series the poller keeps.
 */
import type { ProviderDescriptor, SeriesSpec } from '../providers/descriptor';
import {
  CONNECTION_LABEL,
  EXPORTER_FAMILIES,
  exportedFamily,
  exportedLabelName,
  PROVIDER_LABEL,
  UNIT_LABEL,
  type ExportedFamily,
} from '../providers/exportedSeries';
import { identify } from '../providers/registry';
import type { QuotaSettings } from '../shared/connections';
import type { ExportedConnection } from './exporterPoller';
import type { ExpositionFamily, ExpositionSample } from './exposition';

/** Label values come from providers and settings: long ones are cut, so one value cannot bloat every scrape. */
export const MAX_LABEL_VALUE_LENGTH = 256;

export interface MetricsState {
  readonly connections: readonly ExportedConnection[];
  isUp(connection: ExportedConnection): boolean;
  /** How long the previous scrape took, in seconds (none before the first). */
  readonly lastScrapeSeconds?: number;
  readonly version: string;
}

interface Building {
  readonly family: Omit<ExpositionFamily, 'samples'>;
  readonly samples: ExpositionSample[];
}

function cut(value: string): string {
  return value.length > MAX_LABEL_VALUE_LENGTH ? value.slice(0, MAX_LABEL_VALUE_LENGTH) : value;
}

function base(connection: ExportedConnection): Record<string, string> {
  return { [CONNECTION_LABEL]: connection.config.id, [PROVIDER_LABEL]: connection.config.kind };
}

const familyCache = new WeakMap<ProviderDescriptor, Map<string, ExportedFamily | undefined>>();

function familyOf(descriptor: ProviderDescriptor, series: string, spec: SeriesSpec): ExportedFamily | undefined {
  let cache = familyCache.get(descriptor);
  if (!cache) {
    cache = new Map();
    familyCache.set(descriptor, cache);
  }
  if (!cache.has(series)) cache.set(series, exportedFamily(series, spec));
  return cache.get(series);
}

/** Numeric quota settings, by name, as the connection's file sets them. */
function quotaSettings(quota: QuotaSettings | undefined): [string, number][] {
  return Object.entries(quota ?? {}).filter((entry): entry is [string, number] => typeof entry[1] === 'number' && Number.isFinite(entry[1]));
}

/** Samples in a stable order (by their labels as written), each key computed once. */
function sortSamples(samples: readonly ExpositionSample[]): ExpositionSample[] {
  const keyed = samples.map((sample) => ({ sample, key: Object.values(sample.labels).join('\u0000') }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return keyed.map((entry) => entry.sample);
}

export function collectFamilies(state: MetricsState): ExpositionFamily[] {
  const own = {
    exporter: { name: EXPORTER_FAMILIES.exporter, type: 'info', help: 'The Live Usage exporter and its version.' },
    connection: {
      name: EXPORTER_FAMILIES.connection,
      type: 'info',
      help: 'One per connection the exporter polls: its provider, the descriptor its series follow, and its name.',
    },
    quota: {
      name: EXPORTER_FAMILIES.quotaSetting,
      type: 'gauge',
      help: 'The quota settings of each connection, as its connections file sets them (warnPercent, monthlyBrowserMinutes…).',
    },
    up: {
      name: EXPORTER_FAMILIES.up,
      type: 'gauge',
      help: 'Whether the connection’s live feed answered at its last poll (1) or failed or cannot be polled (0; the log says why).',
    },
    lastSuccess: {
      name: EXPORTER_FAMILIES.lastSuccess,
      type: 'gauge',
      unit: 'seconds',
      help: 'When each feed of the connection last answered, as a Unix time.',
    },
    pollErrors: {
      name: EXPORTER_FAMILIES.pollErrors,
      type: 'counter',
      help: 'Failed polls per feed and kind of failure since the exporter started.',
    },
    scrape: {
      name: EXPORTER_FAMILIES.scrapeDuration,
      type: 'gauge',
      unit: 'seconds',
      help: 'How long the previous scrape of /metrics took to answer.',
    },
  } as const satisfies Record<string, Omit<ExpositionFamily, 'samples'>>;
  const families = new Map<string, Building>(Object.values(own).map((family) => [family.name, { family, samples: [] }]));
  const add = (name: string, sample: ExpositionSample) => families.get(name)?.samples.push(sample);

  add(own.exporter.name, { labels: { version: state.version }, value: 1 });
  if (state.lastScrapeSeconds !== undefined) add(own.scrape.name, { labels: {}, value: state.lastScrapeSeconds });

  const series = new Map<string, Building>();
  for (const connection of state.connections) {
    const labels = base(connection);
    const { config, descriptor } = connection;
    add(own.connection.name, {
      labels: { ...labels, descriptor: descriptor.id, name: cut(config.label), ...(config.usageScope ? { usage_scope: config.usageScope } : {}) },
      value: 1,
    });
    for (const [setting, value] of quotaSettings(config.quota)) add(own.quota.name, { labels: { ...labels, setting }, value });
    add(own.up.name, { labels, value: state.isUp(connection) ? 1 : 0 });
    for (const [feed, health] of connection.health) {
      if (health.lastSuccessAt !== undefined) add(own.lastSuccess.name, { labels: { ...labels, feed }, value: health.lastSuccessAt / 1000 });
      for (const [kind, count] of health.errors) add(own.pollErrors.name, { labels: { ...labels, feed, kind }, value: count });
    }
    for (const sample of connection.values.latest()) {
      const identity = identify(descriptor, sample);
      const family = familyOf(descriptor, sample.series, identity.resolved.spec);
      if (!family) continue;
      let building = series.get(family.name);
      if (!building) {
        building = { family: { name: family.name, type: family.type, help: family.help, ...(family.unit ? { unit: family.unit } : {}) }, samples: [] };
        series.set(family.name, building);
      }
      const sampleLabels: Record<string, string> = { ...labels };
      for (const [name, value] of Object.entries(identity.labels ?? {})) sampleLabels[exportedLabelName(name)] = cut(value);
      if (family.unitLabel) sampleLabels[UNIT_LABEL] = cut(sample.unit);
      // A withheld value (NaN from the source, a negative count) is no value: NaN for a gauge, left out of a counter.
      building.samples.push({ labels: sampleLabels, value: sample.value === null ? Number.NaN : sample.value / family.divisor });
    }
  }
  const ordered = [...families.values(), ...[...series.values()].sort((a, b) => (a.family.name < b.family.name ? -1 : 1))];
  return ordered.filter((entry) => entry.samples.length > 0).map((entry) => ({ ...entry.family, samples: sortSamples(entry.samples) }));
}
