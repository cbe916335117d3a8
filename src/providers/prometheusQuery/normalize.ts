/**
 * Pure conversion of what a team Prometheus answers into the samples a direct connection would have:
 * the exporter's `live_usage_*` series mapped back to descriptor series (names, units, labels) by the
 * table in ../exportedSeries.ts, the exporter's health families read as the upstream connection's
 * state, and PromQL panels as series named by their titles.
 */
import { QUOTA_SETTING_NAMES, type QuotaSettings, type QueryPanel, type UsageScope } from '../../shared/connections';
import { countSample, gaugeSample, type Sample } from '../../shared/samples';
import type { ProviderDescriptor, SeriesSpec } from '../descriptor';
import {
  CONNECTION_LABEL,
  EXPORTED_PREFIX,
  EXPORTER_FAMILIES,
  familiesBySampleName,
  sampleName,
  seriesLabelName,
  storedUnit,
  UNIT_LABEL,
  type ExportedFamily,
} from '../exportedSeries';
import type { PromPoint } from './client';

/** How the exporter says the connection is doing, from its own families. */
export interface UpstreamHealth {
  /** `live_usage_up`: undefined when the exporter has no such connection (or Prometheus has not scraped it). */
  readonly up?: boolean;
  /** The newest answer of any of its feeds (epoch ms). */
  readonly lastSuccessAt?: number;
  /** Failed polls by kind, since the exporter started. */
  readonly errors: Readonly<Record<string, number>>;
  /** From `live_usage_connection_info`. */
  readonly provider?: string;
  readonly descriptor?: string;
  readonly name?: string;
  readonly usageScope?: UsageScope;
  /** The quota settings of the exporter's connections file. */
  readonly quota: QuotaSettings;
}

/**
 * The instant query of everything the exporter publishes about one connection. The id was checked
 * against the connection id pattern (letters, digits, - and _), so it needs no escaping.
 */
export function exportedSelector(connectionId: string, names?: readonly string[]): string {
  const name = names ? names.join('|') : `${EXPORTED_PREFIX}.+`;
  return `{__name__=~"${name}",${CONNECTION_LABEL}="${connectionId}"}`;
}

/** The sample names of a descriptor's series, for a range query of only what a chart draws. */
export function sampleNamesOf(descriptor: ProviderDescriptor, series?: readonly string[]): string[] {
  const wanted = series ? new Set(series) : undefined;
  return [...familiesBySampleName(descriptor).values()].filter((family) => !wanted || wanted.has(family.series)).map((family) => sampleName(family));
}

function seriesLabels(labels: Readonly<Record<string, string>>): Record<string, string> | undefined {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(labels)) {
    const original = seriesLabelName(name);
    if (original !== undefined) result[original] = value;
  }
  return Object.keys(result).length > 0 ? result : undefined;
}

function toSample(family: ExportedFamily, spec: SeriesSpec, point: PromPoint): Sample {
  const labels = seriesLabels(point.labels);
  const unit = storedUnit(spec, family.unitLabel ? point.labels[UNIT_LABEL] : undefined);
  const value = Number.isNaN(point.value) ? Number.NaN : point.value * family.divisor;
  const extra = { ...(labels ? { labels } : {}), ...(spec.windowMs === undefined ? {} : { windowMs: spec.windowMs }) };
  return family.type === 'counter' ? countSample(family.series, value, point.at, { ...extra, unit }) : gaugeSample(family.series, value, unit, point.at, extra);
}

const SCOPES: readonly UsageScope[] = ['billingCycle', 'lifetime', 'auto'];

/** The descriptor samples among `points`, and the exporter's word on the connection. */
export function readExported(descriptor: ProviderDescriptor, points: readonly PromPoint[]): { samples: Sample[]; upstream: UpstreamHealth } {
  const families = familiesBySampleName(descriptor);
  const specs = descriptor.series as Readonly<Record<string, SeriesSpec>>;
  const samples: Sample[] = [];
  let up: boolean | undefined;
  let lastSuccessAt: number | undefined;
  const errors: Record<string, number> = {};
  const quota: Record<string, number> = {};
  let info: Readonly<Record<string, string>> | undefined;
  for (const point of points) {
    switch (point.name) {
      case EXPORTER_FAMILIES.up:
        up = point.value === 1;
        continue;
      case EXPORTER_FAMILIES.lastSuccess:
        if (Number.isFinite(point.value)) lastSuccessAt = Math.max(lastSuccessAt ?? 0, Math.round(point.value * 1000));
        continue;
      case `${EXPORTER_FAMILIES.pollErrors}_total`: {
        const kind = point.labels.kind ?? 'unknown';
        if (Number.isFinite(point.value)) errors[kind] = (errors[kind] ?? 0) + point.value;
        continue;
      }
      case `${EXPORTER_FAMILIES.connection}_info`:
        info = point.labels;
        continue;
      case EXPORTER_FAMILIES.quotaSetting: {
        const setting = point.labels.setting;
        if (setting !== undefined && (QUOTA_SETTING_NAMES as readonly string[]).includes(setting) && Number.isFinite(point.value)) quota[setting] = point.value;
        continue;
      }
    }
    const family = families.get(point.name);
    const spec = family ? specs[family.series] : undefined;
    if (family && spec) samples.push(toSample(family, spec, point));
  }
  const scope = info?.usage_scope;
  return {
    samples,
    upstream: {
      ...(up === undefined ? {} : { up }),
      ...(lastSuccessAt === undefined ? {} : { lastSuccessAt }),
      errors,
      ...(info?.provider ? { provider: info.provider } : {}),
      ...(info?.descriptor ? { descriptor: info.descriptor } : {}),
      ...(info?.name ? { name: info.name } : {}),
      ...(scope !== undefined && (SCOPES as readonly string[]).includes(scope) ? { usageScope: scope as UsageScope } : {}),
      quota,
    },
  };
}

/**
 * Readings of a counter as the exporter took them. Prometheus holds the exporter's last total at every
 * scrape, so most of its points repeat one reading; a rate between two of them would read zero, then
 * spike. Only a changed total is a new reading, or the same total again after `sameAfterMs` (the
 * exporter read it again and it had not moved: a real zero rate). `memory` carries the last reading
 * kept per series across polls. Other series pass through.
 */
export function counterReadings(
  descriptor: ProviderDescriptor,
  samples: readonly Sample[],
  sameAfterMs: number,
  memory: Map<string, { at: number; value: number | null }> = new Map(),
): Sample[] {
  const specs = descriptor.series as Readonly<Record<string, SeriesSpec | undefined>>;
  const kept: Sample[] = [];
  for (const sample of [...samples].sort((a, b) => a.at - b.at)) {
    if (specs[sample.series]?.semantics !== 'counter') {
      kept.push(sample);
      continue;
    }
    const key = `${sample.series}${JSON.stringify(sample.labels ?? {})}`;
    const last = memory.get(key);
    if (last && last.value === sample.value && sample.at - last.at < sameAfterMs) continue;
    memory.set(key, { at: sample.at, value: sample.value });
    kept.push(sample);
  }
  return kept;
}

/** A panel's result series as samples of the series named by its title, in its unit. */
export function panelSamples(panel: QueryPanel, points: readonly PromPoint[]): Sample[] {
  return points.map((point) => {
    const labels = Object.keys(point.labels).length > 0 ? point.labels : undefined;
    return gaugeSample(panel.title, Number.isNaN(point.value) ? Number.NaN : point.value, panel.unit ?? 'none', point.at, labels ? { labels } : {});
  });
}
