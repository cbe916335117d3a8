/** Small builders for quota and status bar tests: samples, configs and snapshots with only what a test cares about. */
import type { ConnectionConfig, QuotaSettings } from '../../../src/shared/connections';
import type { MetricUnit, Sample, SampleFlag } from '../../../src/shared/samples';
import type { ConnectionSnapshot, QuotaStatus } from '../../../src/shared/snapshot';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export function sample(
  series: string,
  value: number | null,
  at: number,
  extra: { unit?: MetricUnit; labels?: Record<string, string>; flags?: readonly SampleFlag[]; rawValue?: number } = {},
): Sample {
  return {
    series,
    value,
    at,
    unit: extra.unit ?? 'count',
    ...(extra.labels ? { labels: extra.labels } : {}),
    ...(extra.flags ? { flags: extra.flags } : {}),
    ...(extra.rawValue === undefined ? {} : { rawValue: extra.rawValue }),
  };
}

export function config(kind: ConnectionConfig['kind'], quota?: QuotaSettings, label = 'prod'): ConnectionConfig {
  return { id: `${kind}-1`, kind, label, baseUrl: 'http://127.0.0.1:1', ...(quota ? { quota } : {}) };
}

export function snapshot(overrides: Partial<ConnectionSnapshot> & Pick<ConnectionSnapshot, 'kind'>): ConnectionSnapshot {
  return {
    id: `${overrides.kind}-1`,
    label: 'prod',
    health: 'ok',
    latest: [],
    values: [],
    info: [],
    figures: [],
    quotas: [],
    level: 'ok',
    notes: [],
    tokenSource: 'secretStorage',
    polledHere: true,
    ...overrides,
  };
}

export function quota(overrides: Partial<QuotaStatus> & Pick<QuotaStatus, 'id'>): QuotaStatus {
  return { label: overrides.id, value: null, limit: null, unit: 'count', ratio: null, level: 'ok', ...overrides };
}
