/**
 * How the team exporter (src/exporter/) names a descriptor's series in Prometheus, and how a
 * connection that reads a team Prometheus (src/providers/prometheusQuery/) maps those names back.
 * One table derived from the descriptors, used both ways, so a series exported under one name is
 * always read back as the same series, in the same unit. Pure data, like the registry.
 *
 * Rules (docs/exporter.md says why):
 * - the family is `live_usage_` + the series id in snake case (`browserless.pressure.maxConcurrent`
 *   becomes `live_usage_browserless_pressure_max_concurrent`), with the OpenMetrics unit as suffix;
 * - milliseconds are exported in seconds, Prometheus' base unit; every other unit as it is;
 * - the type follows the semantics: `counter` for counters, `info` for info series, `gauge` for the
 *   rest (levels, window counts, cycle usage, states and yes/no values keep their numbers);
 * - labels: `connection`, `provider`, the series' identifying labels, and `unit` for a series whose
 *   unit each reading names (Northflank). A series label that would clash with one of those, or with
 *   Prometheus' own `job` and `instance`, is exported as `exported_<name>`.
 */
import type { ProviderDescriptor, SeriesSpec } from './descriptor';
import type { KnownUnit, MetricUnit } from '../shared/samples';

export const EXPORTED_PREFIX = 'live_usage_';

export type ExportedType = 'gauge' | 'counter' | 'info';

export interface ExportedFamily {
  /** The family name (OpenMetrics), e.g. `live_usage_browserless_total_successful`. */
  readonly name: string;
  /** The descriptor series it carries. */
  readonly series: string;
  readonly type: ExportedType;
  /** The OpenMetrics unit, also the name's suffix; absent for counts and dimensionless values. */
  readonly unit?: string;
  /** Exported value = stored value / divisor (milliseconds: 1000). */
  readonly divisor: number;
  /** The series fixes no unit: each reading's unit travels in the `unit` label. */
  readonly unitLabel: boolean;
  readonly help: string;
}

/** Labels the exporter sets itself; a series label of the same name is renamed. */
export const CONNECTION_LABEL = 'connection';
export const PROVIDER_LABEL = 'provider';
export const UNIT_LABEL = 'unit';
/** Labels Prometheus attaches to every scraped series from its target: never a series' own. */
export const TARGET_LABELS: readonly string[] = ['job', 'instance'];
const RESERVED = new Set<string>([CONNECTION_LABEL, PROVIDER_LABEL, UNIT_LABEL, ...TARGET_LABELS]);
const RENAMED_PREFIX = 'exported_';

/** The exporter's own families: its health and what the reading side needs to know about each connection. */
export const EXPORTER_FAMILIES = {
  /** 1 when the connection's live feed answered at its last poll, 0 when it failed or cannot be polled. */
  up: 'live_usage_up',
  /** Per feed: when it last answered (Unix seconds). */
  lastSuccess: 'live_usage_last_success_timestamp_seconds',
  /** Per feed and error kind: failed polls since the exporter started. */
  pollErrors: 'live_usage_poll_errors',
  /** How long the previous scrape of /metrics took to answer. */
  scrapeDuration: 'live_usage_scrape_duration_seconds',
  /** One per connection (info): its provider, descriptor and name. */
  connection: 'live_usage_connection',
  /** One per connection and quota setting its file sets (monthlyBrowserMinutes, warnPercent…). */
  quotaSetting: 'live_usage_quota_setting',
  /** The exporter's version (info). */
  exporter: 'live_usage_exporter',
} as const;

/** OpenMetrics units by stored unit, and the divisor into them. Counts and dimensionless values have none. */
const UNITS: Partial<Record<KnownUnit, { readonly unit: string; readonly divisor: number }>> = {
  milliseconds: { unit: 'seconds', divisor: 1000 },
  seconds: { unit: 'seconds', divisor: 1 },
  minutes: { unit: 'minutes', divisor: 1 },
  bytes: { unit: 'bytes', divisor: 1 },
  megabytes: { unit: 'megabytes', divisor: 1 },
  percent: { unit: 'percent', divisor: 1 },
  ratio: { unit: 'ratio', divisor: 1 },
};

/** `browserless.pressure.maxConcurrent` → `browserless_pressure_max_concurrent`. */
export function snakeCase(id: string): string {
  return id
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9_]+/g, '_')
    .toLowerCase();
}

function typeOf(spec: SeriesSpec): ExportedType | undefined {
  switch (spec.semantics) {
    case 'counter':
      return 'counter';
    case 'info':
      return 'info';
    case 'histogram':
    case 'summary':
      // No provider with a fixed descriptor reports either; a generic exporter is scraped directly.
      return undefined;
    default:
      return 'gauge';
  }
}

/** The family of one declared series, or undefined for a series that cannot be exported (histogram parts). */
export function exportedFamily(series: string, spec: SeriesSpec): ExportedFamily | undefined {
  const type = typeOf(spec);
  if (!type) return undefined;
  const unit = spec.unit === undefined ? undefined : UNITS[spec.unit as KnownUnit];
  let name = `${EXPORTED_PREFIX}${snakeCase(series)}`;
  if (unit && !name.endsWith(`_${unit.unit}`)) name += `_${unit.unit}`;
  const words = spec.states
    ? ` Values: ${Object.entries(spec.states)
        .map(([value, word]) => `${value} ${word}`)
        .join(', ')}.`
    : '';
  const yesNo = spec.semantics === 'boolean' ? ' 1 yes, 0 no.' : '';
  const window = spec.windowMs === undefined ? '' : ` Counted over ${Math.round(spec.windowMs / 60_000)} minute(s).`;
  return {
    name,
    series,
    type,
    ...(unit ? { unit: unit.unit } : {}),
    divisor: unit?.divisor ?? 1,
    unitLabel: spec.unit === undefined,
    help: `${spec.description}${words}${yesNo}${window}`,
  };
}

/** Every exportable family of a descriptor, in the order it declares its series. */
export function exportedFamilies(descriptor: ProviderDescriptor): ExportedFamily[] {
  const families: ExportedFamily[] = [];
  for (const [series, spec] of Object.entries(descriptor.series as Readonly<Record<string, SeriesSpec>>)) {
    const family = exportedFamily(series, spec);
    if (family) families.push(family);
  }
  return families;
}

/** The name a family's samples carry in a text exposition and in Prometheus' storage. */
export function sampleName(family: Pick<ExportedFamily, 'name' | 'type'>): string {
  if (family.type === 'counter') return `${family.name}_total`;
  if (family.type === 'info') return `${family.name}_info`;
  return family.name;
}

/** The stored unit of a family's samples when read back: the descriptor's, else the `unit` label's. */
export function storedUnit(spec: SeriesSpec, unitLabel: string | undefined): MetricUnit {
  if (spec.unit !== undefined) return spec.unit;
  if (unitLabel === undefined || unitLabel === '') return 'none';
  return unitLabel as MetricUnit;
}

const LABEL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A series label's name as exported: valid for Prometheus, never one of the exporter's own or a target's. */
export function exportedLabelName(name: string): string {
  let clean = LABEL_NAME.test(name) ? name : name.replace(/[^A-Za-z0-9_]/g, '_').replace(/^([0-9])/, '_$1');
  // Names starting with __ are Prometheus' own.
  if (clean.startsWith('__')) clean = clean.replace(/^_+/, '');
  if (clean === '') clean = 'label';
  return RESERVED.has(clean) || clean.startsWith(RENAMED_PREFIX) ? `${RENAMED_PREFIX}${clean}` : clean;
}

/** The series label a Prometheus label stands for; undefined for the exporter's and Prometheus' own. */
export function seriesLabelName(name: string): string | undefined {
  if (name === '__name__' || RESERVED.has(name)) return undefined;
  return name.startsWith(RENAMED_PREFIX) ? name.slice(RENAMED_PREFIX.length) : name;
}

/** Sample name → family, for reading a descriptor's series back from Prometheus. */
export function familiesBySampleName(descriptor: ProviderDescriptor): ReadonlyMap<string, ExportedFamily> {
  return new Map(exportedFamilies(descriptor).map((family) => [sampleName(family), family]));
}
