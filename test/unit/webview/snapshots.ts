/**
 * Snapshots and histories the pages' tests draw from, made by the real pure builders (the snapshot
 * builder, the column builder) from readings, so the figures, charts and sparklines are the ones the
 * host would send.
 */
import { buildSnapshot } from '../../../src/connections/snapshotBuilder';
import { columnIdentity, descriptorFor } from '../../../src/providers/registry';
import { toColumns } from '../../../src/shared/columns';
import type { ConnectionConfig } from '../../../src/shared/connections';
import type { ConnectionHistory } from '../../../src/shared/protocol';
import type { Sample } from '../../../src/shared/samples';
import type { ConnectionSnapshot } from '../../../src/shared/snapshot';

export const NOW = Date.UTC(2025, 5, 10, 12, 0, 0);
export const MINUTE = 60_000;

export const BROWSERLESS: ConnectionConfig = { id: 'bl', kind: 'browserless', label: 'Browserless (local)', baseUrl: 'http://127.0.0.1:4100/browserless' };
export const PROMETHEUS: ConnectionConfig = {
  id: 'prom',
  kind: 'prometheus',
  label: 'Prometheus (local)',
  baseUrl: 'http://127.0.0.1:4100/prometheus/metrics',
};

/** Browserless pressure every minute over `minutes`, running sessions going 1, 2, 3… and the limits. */
export function browserlessReadings(minutes: number, now = NOW): Sample[] {
  const samples: Sample[] = [];
  for (let index = 0; index < minutes; index++) {
    const at = now - (minutes - 1 - index) * MINUTE;
    samples.push(
      { series: 'browserless.pressure.running', value: (index % 5) + 1, unit: 'count', at },
      { series: 'browserless.pressure.queued', value: 0, unit: 'count', at },
      { series: 'browserless.pressure.maxConcurrent', value: 10, unit: 'count', at },
      { series: 'browserless.pressure.maxQueued', value: 10, unit: 'count', at },
    );
  }
  return samples;
}

/** A generic exporter: two families; the sparkline must draw the card's first one. */
export function prometheusReadings(minutes: number, now = NOW): Sample[] {
  const samples: Sample[] = [];
  for (let index = 0; index < minutes; index++) {
    const at = now - (minutes - 1 - index) * MINUTE;
    samples.push(
      { series: 'http_requests_total', value: 1000 + index * 60, unit: 'count', at, labels: { __type__: 'counter', code: '200' } },
      { series: 'queue_depth', value: 7 - (index % 3), unit: 'count', at, labels: { __type__: 'gauge', queue: 'emails' } },
    );
  }
  return samples;
}

function newestEach(samples: readonly Sample[]): Sample[] {
  const newest = new Map<string, Sample>();
  for (const sample of samples) newest.set(`${sample.series}${JSON.stringify(sample.labels ?? {})}`, sample);
  return [...newest.values()];
}

function previousEach(samples: readonly Sample[]): Sample[] {
  const byKey = new Map<string, Sample[]>();
  for (const sample of samples) {
    const key = `${sample.series}${JSON.stringify(sample.labels ?? {})}`;
    byKey.set(key, [...(byKey.get(key) ?? []), sample]);
  }
  return [...byKey.values()].flatMap((list) => (list.length > 1 ? [list[list.length - 2] as Sample] : []));
}

export function snapshotFrom(config: ConnectionConfig, samples: readonly Sample[], now = NOW, health: ConnectionSnapshot['health'] = 'ok'): ConnectionSnapshot {
  return buildSnapshot({
    config,
    latest: newestEach(samples),
    previous: previousEach(samples),
    history: [],
    health,
    ...(samples.length > 0 ? { lastSuccessAt: Math.max(...samples.map((sample) => sample.at)) } : {}),
    notes: [],
    tokenSource: 'secretStorage',
    now,
  });
}

export function historyFrom(config: ConnectionConfig, samples: readonly Sample[], from: number, to: number, bucketMs?: number): ConnectionHistory {
  return {
    connectionId: config.id,
    from,
    to,
    ...(bucketMs === undefined ? {} : { bucketMs }),
    warnPercent: 75,
    criticalPercent: 90,
    series: toColumns(
      samples.filter((sample) => sample.at >= from && sample.at <= to),
      columnIdentity(descriptorFor(config)),
    ),
  };
}
