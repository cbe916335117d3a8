/**
 * Realistic snapshots for the usage panel, for the webview benchmark: five connections with a day of
 * history at the providers' real rates, bucketed as the host buckets a 24-hour range, and one series
 * of 30 days per minute for the redraw measurement. Built through the host's own `toColumns`.
 */
import { buildFigures, infoRows, valueRows } from '../src/connections/latestRows';
import { columnIdentity, descriptorOfKind } from '../src/providers/registry';
import { toColumns } from '../src/shared/columns';
import type { ProviderKind } from '../src/shared/connections';
import type { PanelSnapshot } from '../src/shared/panelProtocol';
import type { SidebarSnapshot } from '../src/shared/sidebarProtocol';
import { bucketForSpan } from '../src/shared/ranges';
import type { MetricUnit, Sample } from '../src/shared/samples';
import type { ConnectionSnapshot, QuotaStatus } from '../src/shared/snapshot';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

class Random {
  constructor(private state: number) {}
  next(): number {
    this.state = (this.state * 1_664_525 + 1_013_904_223) >>> 0;
    return this.state / 2 ** 32;
  }
}

/** A daily wave with noise: what load looks like. */
function wave(random: Random, base: number, amplitude: number, at: number, decimals = 0): number {
  const day = Math.sin(((at % DAY) / DAY) * 2 * Math.PI - Math.PI / 2);
  const value = Math.max(0, base + amplitude * (0.6 * day + 0.4 * (random.next() - 0.5) * 2));
  const scale = 10 ** decimals;
  return Math.round(value * scale) / scale;
}

interface SeriesSpec {
  readonly series: string;
  readonly unit: MetricUnit;
  readonly labels?: Record<string, string>;
  readonly value: (at: number) => number;
}

/** History as the host's query returns it for a range: buckets (mean, min, max, last, count) or raw readings. */
function history(specs: readonly SeriesSpec[], everyMs: number, from: number, to: number, bucketMs: number | undefined): Sample[] {
  const samples: Sample[] = [];
  for (const spec of specs) {
    if (bucketMs === undefined) {
      for (let at = Math.ceil(from / everyMs) * everyMs; at <= to; at += everyMs)
        samples.push({ series: spec.series, unit: spec.unit, at, value: spec.value(at), ...(spec.labels ? { labels: spec.labels } : {}) });
      continue;
    }
    for (let start = Math.floor(from / bucketMs) * bucketMs; start <= to; start += bucketMs) {
      const values: number[] = [];
      for (let at = Math.ceil(start / everyMs) * everyMs; at < start + bucketMs && at <= to; at += everyMs) values.push(spec.value(at));
      if (values.length === 0) continue;
      const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
      samples.push({
        series: spec.series,
        unit: spec.unit,
        at: start,
        value: mean,
        ...(spec.labels ? { labels: spec.labels } : {}),
        aggregate: { bucketMs, count: values.length, min: Math.min(...values), max: Math.max(...values), last: values.at(-1) as number },
      });
    }
  }
  return samples.sort((a, b) => a.at - b.at);
}

function quota(id: string, label: string, value: number, limit: number | null, unit: MetricUnit, detail?: string): QuotaStatus {
  const ratio = limit ? value / limit : null;
  const level = ratio === null ? 'ok' : ratio >= 0.9 ? 'critical' : ratio >= 0.75 ? 'warning' : 'ok';
  return { id, label, value, limit, unit, ratio, level, ...(detail ? { detail } : {}) };
}

function connection(id: string, label: string, kind: ProviderKind, now: number, quotas: QuotaStatus[], latest: Sample[]): ConnectionSnapshot {
  const level = quotas.some((entry) => entry.level === 'critical') ? 'critical' : quotas.some((entry) => entry.level === 'warning') ? 'warning' : 'ok';
  const descriptor = descriptorOfKind(kind);
  const values = valueRows(descriptor, latest, []);
  return {
    id,
    label,
    kind,
    health: 'ok',
    lastSuccessAt: now - 4000,
    lastAttemptAt: now - 4000,
    nextPollAt: now + 11_000,
    latest,
    values,
    info: infoRows(descriptor, latest),
    figures: buildFigures(descriptor, quotas, values),
    quotas,
    level,
    notes: [],
    tokenSource: 'secretStorage',
    polledHere: true,
  };
}

interface Fixture {
  readonly connection: ConnectionSnapshot;
  readonly samples: Sample[];
}

function fixtures(now: number, from: number, bucketMs: number | undefined): Fixture[] {
  const random = new Random(7);
  const browserless: SeriesSpec[] = [
    { series: 'browserless.pressure.running', unit: 'count', value: (at) => Math.min(10, wave(random, 5, 4, at)) },
    { series: 'browserless.pressure.queued', unit: 'count', value: (at) => Math.max(0, wave(random, 0, 3, at) - 1) },
    { series: 'browserless.pressure.cpu', unit: 'percent', value: (at) => wave(random, 40, 25, at, 1) },
    { series: 'browserless.pressure.memory', unit: 'percent', value: (at) => wave(random, 55, 10, at, 1) },
  ];
  const outcomes: SeriesSpec[] = ['successful', 'error', 'timedout', 'rejected'].map((name, index) => ({
    series: `browserless.metrics.${name}`,
    unit: 'count',
    value: (at: number) => wave(random, index === 0 ? 40 : 3, index === 0 ? 25 : 3, at),
  }));
  const containers = ['api-7f9c-a1', 'api-7f9c-b2'];
  const northflank: SeriesSpec[] = containers.flatMap((container, index) => [
    { series: 'northflank.cpu', unit: 'vcpu' as MetricUnit, labels: { container }, value: (at: number) => wave(random, 0.35 + index * 0.1, 0.25, at, 3) },
    { series: 'northflank.memory', unit: 'megabytes' as MetricUnit, labels: { container }, value: (at: number) => wave(random, 380 + index * 40, 60, at, 1) },
    {
      series: 'northflank.networkIngress',
      unit: 'kilobitsPerSecond' as MetricUnit,
      labels: { container },
      value: (at: number) => wave(random, 200, 150, at, 1),
    },
    { series: 'northflank.requests', unit: 'requestsPerSecond' as MetricUnit, labels: { container }, value: (at: number) => wave(random, 15, 10, at, 2) },
  ]);
  const endpoints = ['llama-3.3-70b', 'qwen-3-32b', 'gpt-oss-120b'];
  const cerebras: SeriesSpec[] = endpoints.flatMap((endpoint, index) => [
    { series: 'cerebras.requests.count', unit: 'count' as MetricUnit, labels: { endpoint }, value: (at: number) => wave(random, 200 - index * 50, 120, at) },
    ...['avg', 'p50', 'p90', 'p95', 'p99'].map((statistic, rank) => ({
      series: 'cerebras.latency.e2e',
      unit: 'seconds' as MetricUnit,
      labels: { endpoint, statistic },
      value: (at: number) => wave(random, 0.8 + rank * 0.35 + index * 0.2, 0.3 + rank * 0.1, at, 3),
    })),
  ]);
  let minutes = 18_000;
  const browserbase: SeriesSpec[] = [
    { series: 'browserbase.usage.browserMinutes', unit: 'minutes', labels: { project: 'proj_bench' }, value: () => (minutes += random.next() * 4) },
    { series: 'browserbase.sessions.running', unit: 'count', value: (at) => Math.min(3, wave(random, 1.5, 1.5, at)) },
  ];
  const prometheus: SeriesSpec[] = [
    { series: 'queue_depth', unit: 'none', labels: { queue: 'emails' }, value: (at) => wave(random, 6, 5, at) },
    { series: 'queue_depth', unit: 'none', labels: { queue: 'exports' }, value: (at) => wave(random, 2, 2, at) },
  ];
  const latestOf = (samples: Sample[]) => {
    const newest = new Map<string, Sample>();
    for (const sample of samples)
      newest.set(`${sample.series}${JSON.stringify(sample.labels ?? {})}`, {
        ...sample,
        ...(sample.aggregate ? { value: sample.aggregate.last } : {}),
        aggregate: undefined,
      } as Sample);
    return [...newest.values()];
  };
  const make = (id: string, label: string, kind: ProviderKind, samples: Sample[], quotas: QuotaStatus[]): Fixture => ({
    connection: connection(id, label, kind, now, quotas, latestOf(samples)),
    samples,
  });
  return [
    make(
      'browserless',
      'Browserless',
      'browserless',
      [...history(browserless, 15_000, from, now, bucketMs), ...history(outcomes, 5 * MINUTE, from, now, bucketMs)],
      [quota('concurrency', 'Concurrent sessions', 6, 10, 'count'), quota('queue', 'Queue', 0, 10, 'count')],
    ),
    make('browserbase', 'Browserbase', 'browserbase', history(browserbase, 3 * MINUTE, from, now, bucketMs), [
      quota('browserMinutes', 'Browser minutes', 18_900, 30_000, 'minutes', 'at this rate about 27,000 min will be used by the time the cycle renews'),
      quota('sessions', 'Running sessions', 2, 3, 'count'),
    ]),
    make('northflank', 'Northflank api', 'northflank', history(northflank, 10_000, from, now, bucketMs), [
      quota('cpu', 'CPU', 0.5, 1, 'vcpu'),
      quota('memory', 'Memory', 420, 1024, 'megabytes'),
    ]),
    make('cerebras', 'Cerebras', 'cerebras', history(cerebras, MINUTE, from, now, bucketMs), [
      quota('p95Latency', 'p95 latency', 2.1, 10, 'seconds'),
      quota('failureRate', 'Failure rate', 1.2, 5, 'percent'),
    ]),
    make('prometheus', 'Prometheus', 'prometheus', history(prometheus, 30_000, from, now, bucketMs), []),
  ];
}

/** The panel snapshot the host sends for the last 24 hours of five busy connections. */
export function panelSnapshot(now: number): PanelSnapshot {
  const from = now - DAY;
  const bucketMs = bucketForSpan(DAY);
  const all = fixtures(now, from, bucketMs);
  return {
    type: 'snapshot',
    now,
    range: '24h',
    fitted: false,
    ranges: ['1h', '24h', '7d', '30d', 'cycle'],
    connections: all.map((fixture) => fixture.connection),
    histories: all.map((fixture) => ({
      connectionId: fixture.connection.id,
      from,
      to: now,
      ...(bucketMs === undefined ? {} : { bucketMs }),
      warnPercent: 75,
      criticalPercent: 90,
      series: toColumns(fixture.samples, columnIdentity(descriptorOfKind(fixture.connection.kind))),
    })),
  };
}

export function sidebarSnapshot(now: number): SidebarSnapshot {
  const all = fixtures(now, now - HOUR, undefined);
  return {
    type: 'snapshot',
    now,
    connections: all.map((fixture) => fixture.connection),
    histories: all.map((fixture) => ({
      connectionId: fixture.connection.id,
      from: now - HOUR,
      to: now,
      warnPercent: 75,
      criticalPercent: 90,
      series: toColumns(fixture.samples, columnIdentity(descriptorOfKind(fixture.connection.kind))),
    })),
  };
}

/** Thirty days of one per-minute series (43,200 points), unbucketed, ending at `now`. */
export function longSeriesSnapshot(now: number): PanelSnapshot {
  const random = new Random(3);
  const from = now - 30 * DAY;
  const t: number[] = [];
  const v: number[] = [];
  for (let at = now - (30 * DAY - MINUTE); at <= now; at += MINUTE) {
    t.push(at);
    v.push(wave(random, 40, 30, at, 2));
  }
  const bench: ConnectionSnapshot = connection('long', 'Thirty days per minute', 'prometheus', now, [], []);
  return {
    type: 'snapshot',
    now,
    range: '30d',
    fitted: false,
    ranges: ['1h', '24h', '7d', '30d'],
    connections: [bench],
    histories: [
      { connectionId: 'long', from, to: now, warnPercent: 75, criticalPercent: 90, series: [{ series: 'bench_requests_in_flight', unit: 'count', t, v }] },
    ],
  };
}
