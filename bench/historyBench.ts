/**
 * History store: seven simulated days of ten connections at the providers' real rates, written one
 * poll at a time through `HistoryStore` (with the repeats real fetches carry), then disk use, memory,
 * open+query and compaction times, beside a naive peer (one JSON array file per connection,
 * rewritten in full on every append). Figures are printed, not asserted.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { HistoryStore } from '../src/history/historyStore';
import type { MetricUnit, Sample } from '../src/shared/samples';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const DAY = 24 * 60 * MINUTE;
const DAYS = 7;
const TICK_MS = 15 * SECOND;

/** Deterministic numbers, so two runs write the same history. */
class Random {
  constructor(private state: number) {}
  next(): number {
    this.state = (this.state * 1_664_525 + 1_013_904_223) >>> 0;
    return this.state / 2 ** 32;
  }
}

interface Poll {
  readonly everyMs: number;
  batch(at: number): Sample[];
}

interface Connection {
  readonly id: string;
  readonly kind: string;
  readonly polls: readonly Poll[];
}

/** A value that wanders like a real gauge, rounded the way providers send it. */
function walker(random: Random, start: number, step: number, decimals: number, min = 0): () => number {
  let value = start;
  const scale = 10 ** decimals;
  return () => {
    value = Math.max(min, value + (random.next() - 0.5) * step);
    return Math.round(value * scale) / scale;
  };
}

function browserless(id: string, seed: number): Connection {
  const random = new Random(seed);
  const pressure: [string, MetricUnit, () => number][] = [
    ['running', 'count', walker(random, 4, 2, 0)],
    ['queued', 'count', walker(random, 0, 1, 0)],
    ['maxConcurrent', 'count', () => 10],
    ['recentlyRejected', 'count', walker(random, 0, 0.6, 0)],
    ['cpu', 'percent', walker(random, 35, 6, 1)],
    ['memory', 'percent', walker(random, 55, 3, 1)],
    ['isAvailable', 'state', () => 1],
    ['maxQueued', 'count', () => 10],
  ];
  const periodSeries = [
    'successful',
    'error',
    'timedout',
    'queued',
    'rejected',
    'unauthorized',
    'unhealthy',
    'running',
    'maxConcurrent',
    'sessions',
    'units',
    'meanTime',
    'maxTime',
    'minTime',
    'totalTime',
    'cpu',
    'memory',
  ];
  return {
    id,
    kind: 'Browserless',
    polls: [
      { everyMs: 15 * SECOND, batch: (at) => pressure.map(([name, unit, value]) => ({ series: `browserless.pressure.${name}`, value: value(), unit, at })) },
      {
        // /metrics with `since` still returns the last finished period again: half of each fetch repeats.
        everyMs: 5 * MINUTE,
        batch: (at) =>
          [at - 5 * MINUTE, at].flatMap((end) =>
            periodSeries.map((name, index) => ({
              series: `browserless.metrics.${name}`,
              value: (Math.floor(end / MINUTE) * 7 + index * 13) % 97,
              unit: 'count' as const,
              at: end,
              windowMs: 5 * MINUTE,
            })),
          ),
      },
    ],
  };
}

function cerebras(id: string, seed: number): Connection {
  const random = new Random(seed);
  const endpoints = ['llama-3.3-70b', 'qwen-3-32b', 'gpt-oss-120b'];
  const families: [string, MetricUnit, Record<string, string>][] = [
    ['requests', 'count', {}],
    ['failures', 'count', {}],
    ['inputTokens', 'tokens', {}],
    ['outputTokens', 'tokens', {}],
    ['latency', 'seconds', { statistic: 'p50' }],
    ['latency', 'seconds', { statistic: 'p95' }],
    ['latency', 'seconds', { statistic: 'p99' }],
    ['ttft', 'seconds', { statistic: 'p95' }],
    ['queueTime', 'seconds', { statistic: 'p95' }],
    ['status', 'state', {}],
  ];
  const values = endpoints.flatMap(() =>
    families.map(([, unit]) =>
      unit === 'tokens' ? walker(random, 40_000, 8_000, 0) : unit === 'seconds' ? walker(random, 1.2, 0.3, 3) : walker(random, 20, 6, 0),
    ),
  );
  return {
    id,
    kind: 'Cerebras',
    polls: [
      {
        everyMs: MINUTE,
        batch: (at) => {
          const minute = Math.floor(at / MINUTE) * MINUTE;
          const samples = endpoints.flatMap((endpoint, e) =>
            families.map(([name, unit, labels], f) => ({
              series: `cerebras.${name}`,
              value: values[e * families.length + f]?.() ?? 0,
              unit,
              at: minute,
              windowMs: MINUTE,
              labels: { endpoint, ...labels },
            })),
          );
          // One fetch in ten is repeated within the minute (a refresh): same keys, same values.
          return random.next() < 0.1 ? [...samples, ...samples] : samples;
        },
      },
    ],
  };
}

function northflank(id: string, seed: number): Connection {
  const random = new Random(seed);
  const metrics: [string, MetricUnit][] = [
    ['cpu', 'vcpu'],
    ['memory', 'megabytes'],
    ['networkIngress', 'kilobitsPerSecond'],
    ['networkEgress', 'kilobitsPerSecond'],
    ['requests', 'requestsPerSecond'],
    ['diskUsage', 'megabytes'],
  ];
  const containers = ['web-7d9f-abcde', 'web-7d9f-fghij'];
  // Values are a function of time, so overlapping range queries return the same points again.
  const phase = random.next() * 1000;
  const valueAt = (minute: number, index: number) => Math.round((50 + 40 * Math.sin((minute + phase + index * 17) / 90)) * 100) / 100;
  return {
    id,
    kind: 'Northflank',
    polls: [
      {
        // A range query over the last five minutes, every minute: four of five points repeat.
        everyMs: MINUTE,
        batch: (at) => {
          const samples: Sample[] = [];
          for (let back = 4; back >= 0; back--) {
            const minute = Math.floor(at / MINUTE) * MINUTE - back * MINUTE;
            containers.forEach((container, c) =>
              metrics.forEach(([name, unit], m) =>
                samples.push({ series: `northflank.${name}`, value: valueAt(minute / MINUTE, c * 6 + m), unit, at: minute, labels: { container } }),
              ),
            );
          }
          return samples;
        },
      },
    ],
  };
}

function browserbase(id: string, seed: number): Connection {
  const random = new Random(seed);
  const minutes = walker(random, 1000, 5, 1);
  return {
    id,
    kind: 'Browserbase',
    polls: [
      {
        everyMs: 3 * MINUTE,
        batch: (at) => {
          const labels = { project: 'proj_8f3a2c', basis: 'reported usage' };
          const used = Math.abs(minutes());
          return [
            { series: 'browserbase.usage.browserMinutes', value: used, unit: 'minutes', at, labels },
            { series: 'browserbase.usage.proxyBytes', value: Math.round(used * 1_048_576), unit: 'bytes', at, labels },
            { series: 'browserbase.project.concurrencyLimit', value: 25, unit: 'count', at, labels: { project: 'proj_8f3a2c' } },
          ];
        },
      },
    ],
  };
}

function connections(): Connection[] {
  return [
    browserless('browserless-prod', 1),
    browserless('browserless-staging', 2),
    browserless('browserless-selfhosted', 3),
    cerebras('cerebras-org', 4),
    cerebras('cerebras-team', 5),
    cerebras('cerebras-eu', 6),
    northflank('northflank-api', 7),
    northflank('northflank-worker', 8),
    browserbase('browserbase-main', 9),
    browserbase('browserbase-ci', 10),
  ];
}

/** The polls of one connection over the simulated week, in time order. */
function* pollsOf(connection: Connection, start: number, end: number): Generator<Sample[]> {
  for (let at = start; at < end; at += TICK_MS) {
    for (const poll of connection.polls) if (at % poll.everyMs === 0) yield poll.batch(at);
  }
}

function collectGarbage(): void {
  // `tsx` runs without --expose-gc; V8 lets the flag be set at runtime and `gc` fetched from a context.
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as (() => void) | undefined;
  gc?.();
  gc?.();
}

function megabytes(bytes: number): string {
  return (bytes / 1_048_576).toFixed(1);
}

async function folderBytes(folder: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(folder, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name))).size;
  }
  return total;
}

async function timed<T>(task: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await task();
  return [result, performance.now() - started];
}

export async function runHistoryBench(): Promise<void> {
  const folder = await mkdtemp(join(tmpdir(), 'live-usage-history-bench-'));
  const naiveFolder = join(folder, 'naive');
  const storeFolder = join(folder, 'store');
  try {
    const end = Math.floor(Date.UTC(2024, 4, 10, 12) / MINUTE) * MINUTE;
    const start = end - DAYS * DAY;
    const clock = { now: start };
    const log = { info: () => undefined, warn: (message: string) => console.warn(message) };
    const all = connections();

    // ---- Write a week through the store, one poll at a time, all connections at each tick.
    collectGarbage();
    const before = process.memoryUsage();
    let peakRss = before.rss;
    const store = await HistoryStore.open(storeFolder, { fullResolutionDays: 7, downsampledDays: 30, log, now: () => clock.now });
    const iterators = all.map((connection) => ({ connection, polls: pollsOf(connection, start, end) }));
    let offered = 0;
    let written = 0;
    let duplicates = 0;
    let appends = 0;
    const writeStarted = performance.now();
    for (let at = start; at < end; at += TICK_MS) {
      clock.now = at;
      await Promise.all(
        iterators.map(async ({ connection }) => {
          for (const poll of connection.polls) {
            if (at % poll.everyMs !== 0) continue;
            const batch = poll.batch(at);
            offered += batch.length;
            const result = await store.append(connection.id, batch);
            written += result.written;
            duplicates += result.duplicates;
            appends++;
          }
        }),
      );
      if ((at - start) % (6 * 60 * MINUTE) === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }
    const writeMs = performance.now() - writeStarted;
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    collectGarbage();
    const holding = process.memoryUsage();
    await store.close();
    collectGarbage();
    const closed = process.memoryUsage();
    const storeBytes = await folderBytes(storeFolder);

    // ---- Open + read in a fresh store, as a reloaded window does. Results are counted, not kept.
    const heaviest = 'browserless-prod';
    const cerebrasId = 'cerebras-org';
    const openStore = () => HistoryStore.open(storeFolder, { fullResolutionDays: 7, downsampledDays: 30, log, now: () => clock.now });
    const openAnd = (read: (store: HistoryStore) => Promise<Sample[]>) =>
      timed(async () => {
        const reader = await openStore();
        const count = (await read(reader)).length;
        await reader.close();
        return count;
      });
    const week = { from: start, to: end };
    // The first read in a process runs before the JIT has warmed up, as after a window reload.
    const [fullCount, openQueryMs] = await openAnd((reader) => reader.query(heaviest, week));
    const [, warmQueryMs] = await openAnd((reader) => reader.query(heaviest, week));
    const [chartCount, chartMs] = await openAnd((reader) => reader.query(heaviest, { ...week, bucketMs: 15 * MINUTE }));
    const [cerebrasCount, cerebrasMs] = await openAnd((reader) => reader.query(cerebrasId, { ...week, series: ['cerebras.latency'] }));
    const [latestCount, latestMs] = await openAnd((reader) => reader.latest(heaviest));

    // ---- Compaction two days later: the two oldest days of every connection become buckets.
    clock.now = end + 2 * DAY;
    const compactor = await openStore();
    const [compacted, compactMs] = await timed(() => compactor.compact());
    await compactor.close();
    const compactedBytes = await folderBytes(storeFolder);
    const [mixedCount, mixedQueryMs] = await openAnd((reader) => reader.query(heaviest, week));

    // ---- The naive peer: the same week of each connection as one JSON array file (deduplicated, so
    // the file holds the same samples), then open+query = read + parse + filter.
    await mkdir(naiveFolder, { recursive: true });
    let naiveBytes = 0;
    let naiveLastRewriteMs = 0;
    let naiveHeldBytes = 0;
    for (const connection of connections()) {
      const unique = new Map<string, Sample>();
      for (const batch of pollsOf(connection, start, end))
        for (const sample of batch) unique.set(`${sample.series}|${JSON.stringify(sample.labels ?? {})}|${sample.at}`, sample);
      const samples = [...unique.values()];
      const path = join(naiveFolder, `${connection.id}.json`);
      if (connection.id === heaviest) {
        // What every append costs the naive peer by the end of the week: serialize and rewrite it all.
        collectGarbage();
        const heapBefore = process.memoryUsage().heapUsed;
        const held = samples.map((sample) => ({ ...sample }));
        collectGarbage();
        naiveHeldBytes = process.memoryUsage().heapUsed - heapBefore;
        const rewriteStarted = performance.now();
        await writeFile(path, JSON.stringify(held));
        naiveLastRewriteMs = performance.now() - rewriteStarted;
      } else {
        await writeFile(path, JSON.stringify(samples));
      }
      naiveBytes += (await stat(path)).size;
    }
    const naiveQuery = () =>
      timed(async () => {
        const parsed = JSON.parse(await readFile(join(naiveFolder, `${heaviest}.json`), 'utf8')) as Sample[];
        return parsed.filter((sample) => sample.at >= start && sample.at <= end).sort((a, b) => a.at - b.at).length;
      });
    const [naiveCount, naiveOpenQueryMs] = await naiveQuery();
    const [, naiveWarmMs] = await naiveQuery();

    const rows: [string, string, string][] = [
      ['samples offered / written / repeats skipped', `${offered} / ${written} / ${duplicates}`, ''],
      ['appends (one per poll)', `${appends}`, ''],
      [
        'write time, total / per append',
        `${(writeMs / 1000).toFixed(1)} s / ${((writeMs / appends) * 1000).toFixed(0)} µs`,
        `naive: ${naiveLastRewriteMs.toFixed(0)} ms per append by day 7 (${heaviest} alone)`,
      ],
      ['disk, 7 days × 10 connections (MB)', megabytes(storeBytes), `naive JSON: ${megabytes(naiveBytes)}`],
      ['bytes per stored sample', (storeBytes / written).toFixed(1), `naive JSON: ${(naiveBytes / written).toFixed(1)}`],
      [
        'heap growth, store open after the week (MB)',
        megabytes(holding.heapUsed - before.heapUsed),
        `naive holds every sample: ${megabytes(naiveHeldBytes)} for ${heaviest} alone`,
      ],
      ['heap growth after close (MB)', megabytes(closed.heapUsed - before.heapUsed), ''],
      ['RSS growth, peak while writing (MB)', megabytes(peakRss - before.rss), ''],
      [
        `open + query 7 days of ${heaviest}, first / again (ms)`,
        `${openQueryMs.toFixed(0)} / ${warmQueryMs.toFixed(0)} (${fullCount} samples)`,
        `naive: ${naiveOpenQueryMs.toFixed(0)} / ${naiveWarmMs.toFixed(0)} (${naiveCount} samples)`,
      ],
      [`  same, in 15-minute buckets for a chart (ms)`, `${chartMs.toFixed(0)} (${chartCount} points)`, ''],
      [`open + query 1 series, 7 days of ${cerebrasId} (ms)`, `${cerebrasMs.toFixed(0)} (${cerebrasCount} samples)`, ''],
      [`open + latest() of ${heaviest} (ms)`, `${latestMs.toFixed(0)} (${latestCount} series)`, ''],
      ['compact 10 connections, 2 days each (ms)', `${compactMs.toFixed(0)} (${compacted.downsampled} days downsampled)`, ''],
      ['disk after compaction (MB)', megabytes(compactedBytes), ''],
      [`open + query 7 days after compaction (ms)`, `${mixedQueryMs.toFixed(0)} (${mixedCount} samples, full + buckets)`, ''],
    ];
    console.log(`\n## History store (${DAYS} days, ${all.length} connections, 15-minute buckets)\n`);
    console.log(`${'measure'.padEnd(60)} ${'store'.padEnd(38)} peer`);
    for (const [name, ours, peer] of rows) console.log(`${name.padEnd(60)} ${ours.padEnd(38)} ${peer}`);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
