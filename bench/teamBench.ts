/**
 * A team shares one poller: (a) 1, 10 and 100 engineers for an hour of virtual time, each polling
 * every provider from their own editor, against one exporter polling for all of them while their
 * editors query the team Prometheus. The poll scheduler and every feed's interval are the real ones
 * (one focused window per engineer, feeds answer at once); the providers' published limits are
 * enforced as the providers do (Cerebras 6 a minute per organization, Northflank 1,000 an hour per
 * token with its rate-limit headers, both answering 429 with Retry-After), the team sharing one
 * organization and one token. (b) The exporter's memory and scrape time with 50 connections polling
 * the local provider servers. Printed, not asserted; the target for (a): provider requests constant in
 * the number of engineers with the exporter, within every limit.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { resolveTokens } from '../src/exporter/tokens';
import { startExporter } from '../src/exporter/exporter';
import { ProviderError } from '../src/http/errors';
import { PollScheduler, type Feed } from '../src/polling/pollScheduler';
import { feedIntervalMs } from '../src/polling/timingPolicy';
import { descriptorOfKind } from '../src/providers/registry';
import type { Reading } from '../src/providers/types';
import type { ConnectionConfig, ExportableKind } from '../src/shared/connections';
import { startSandbox } from '../sandbox/server';
import { FakeClock } from '../test/unit/polling/fakeClock';
import { BenchClock } from './pollingBench';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const KINDS: readonly ExportableKind[] = ['browserless', 'browserbase', 'northflank', 'cerebras'];
const LIMITS: Readonly<Record<ExportableKind, string>> = {
  browserless: 'none published',
  browserbase: 'none published (reads)',
  northflank: '16.7/min (1,000/h per token)',
  cerebras: '6/min per organization',
};

/** A provider's published request limit, enforced over virtual time. */
class ProviderLimit {
  private readonly times: number[] = [];
  private windowStart: number | undefined;
  private windowCount = 0;
  requests = 0;
  refused = 0;

  constructor(
    private readonly kind: ExportableKind,
    private readonly clock: BenchClock,
  ) {}

  call(): Promise<Reading> {
    const now = this.clock.now();
    this.requests++;
    if (this.kind === 'cerebras') {
      while (this.times.length > 0 && (this.times[0] as number) <= now - MINUTE) this.times.shift();
      if (this.times.length >= 6) return this.refuse(((this.times[0] as number) + MINUTE - now) / 1000);
      this.times.push(now);
    }
    if (this.kind === 'northflank') {
      // The window starts at the first request and lasts an hour, as Northflank documents.
      if (this.windowStart === undefined || now >= this.windowStart + HOUR) {
        this.windowStart = now;
        this.windowCount = 0;
      }
      const resetAt = this.windowStart + HOUR;
      if (this.windowCount >= 1000) return this.refuse((resetAt - now) / 1000, { limit: 1000, remaining: 0, resetAt });
      this.windowCount++;
      return Promise.resolve({ fetchedAt: now, samples: [], rateLimit: { limit: 1000, remaining: 1000 - this.windowCount, resetAt } });
    }
    return Promise.resolve({ fetchedAt: now, samples: [] });
  }

  private refuse(retryAfterSeconds: number, rateLimit?: { limit: number; remaining: number; resetAt: number }): Promise<Reading> {
    this.refused++;
    const retryAfterMs = Math.ceil(retryAfterSeconds) * 1000;
    return Promise.reject(new ProviderError('rateLimited', 'HTTP 429', { status: 429, retryAfterMs, ...(rateLimit ? { rateLimit } : {}) }));
  }
}

/** The feeds one poller runs for one connection of each provider, with the real intervals. */
function feedsOf(poller: string, limits: Readonly<Record<ExportableKind, ProviderLimit>>): Feed[] {
  return KINDS.flatMap((kind) =>
    descriptorOfKind(kind).feeds.map((spec) => ({
      key: `${poller}-${kind}/${spec.name}`,
      connectionId: `${poller}-${kind}`,
      intervalMs: feedIntervalMs(kind, spec.name),
      run: () => limits[kind].call(),
    })),
  );
}

interface Simulation {
  readonly provider: Record<ExportableKind, { perMinute: number; refusedPerMinute: number }>;
  /** Queries the engineers' editors send the team Prometheus, per minute (exporter mode). */
  readonly prometheusPerMinute: number;
}

async function simulate(engineers: number, mode: 'direct' | 'exporter'): Promise<Simulation> {
  const clock = new BenchClock();
  const limits = Object.fromEntries(KINDS.map((kind) => [kind, new ProviderLimit(kind, clock)])) as Record<ExportableKind, ProviderLimit>;
  const schedulers: PollScheduler[] = [];
  let prometheusQueries = 0;
  const scheduler = (feeds: Feed[]) => {
    const created = new PollScheduler({ clock, random: Math.random, onReading: () => undefined, onError: () => undefined, pauseWhenUnfocused: false });
    created.setFeeds(feeds);
    schedulers.push(created);
  };
  if (mode === 'direct') {
    for (let engineer = 0; engineer < engineers; engineer++) scheduler(feedsOf(`engineer-${engineer}`, limits));
  } else {
    scheduler(feedsOf('exporter', limits));
    // Each editor reads the four exporter connections from Prometheus, one instant query each.
    const interval = feedIntervalMs('prometheusQuery', 'query');
    for (let engineer = 0; engineer < engineers; engineer++) {
      scheduler(
        KINDS.map((kind) => ({
          key: `engineer-${engineer}-team-${kind}/query`,
          connectionId: `engineer-${engineer}-team-${kind}`,
          intervalMs: interval,
          run: () => {
            prometheusQueries++;
            return Promise.resolve({ fetchedAt: clock.now(), samples: [] });
          },
        })),
      );
    }
  }
  // A second at a time, letting each poll's promise settle (and arm its next timer) before time moves on.
  const end = clock.now() + HOUR;
  while (clock.now() < end) {
    for (let hop = 0; hop < 8; hop++) await Promise.resolve();
    await clock.advanceTo(Math.min(end, clock.now() + 1000));
  }
  for (const created of schedulers) created.dispose();
  const minutes = HOUR / MINUTE;
  return {
    provider: Object.fromEntries(
      KINDS.map((kind) => [kind, { perMinute: limits[kind].requests / minutes, refusedPerMinute: limits[kind].refused / minutes }]),
    ) as Simulation['provider'],
    prometheusPerMinute: prometheusQueries / minutes,
  };
}

function collectGarbage(): void {
  // tsx runs without --expose-gc; V8 lets the flag be set at run time and `gc` fetched from a context.
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as (() => void) | undefined;
  gc?.();
  gc?.();
}

function percentile(values: readonly number[], share: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))] as number;
}

/** 50 connections (13 Browserless, 13 Browserbase, 12 Northflank, 12 Cerebras) against the local servers, each feed polled once. */
async function exporterCosts(): Promise<void> {
  const sandbox = await startSandbox({ cerebrasRequestsPerMinute: 0, northflankRequestsPerHour: 100_000 });
  const counts: Record<ExportableKind, number> = { browserless: 13, browserbase: 13, northflank: 12, cerebras: 12 };
  const connections: ConnectionConfig[] = KINDS.flatMap((kind) =>
    Array.from({ length: counts[kind] }, (_, index): ConnectionConfig => {
      const id = `${kind}-${index}`;
      const base = { id, kind, label: id, baseUrl: sandbox.baseUrl(kind) };
      if (kind === 'browserless') return { ...base, authMode: 'bearer' };
      if (kind === 'browserbase') return { ...base, projectId: 'proj_sandbox', quota: { monthlyBrowserMinutes: 6000 } };
      if (kind === 'northflank') return { ...base, projectId: 'sandbox-project', resourceId: index % 2 === 0 ? 'api' : 'worker' };
      return { ...base, organizationId: 'org_sandbox' };
    }),
  );
  const env = {
    BROWSERLESS_TOKEN: sandbox.tokens.browserless,
    BROWSERBASE_API_KEY: sandbox.tokens.browserbase,
    NORTHFLANK_API_TOKEN: sandbox.tokens.northflank,
    CEREBRAS_API_KEY: sandbox.tokens.cerebras,
  };
  const { tokens } = resolveTokens(connections, { env, readFile: () => '' });
  const feeds = connections.reduce((total, config) => total + descriptorOfKind(config.kind).feeds.length, 0);
  const silent = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };
  collectGarbage();
  const before = process.memoryUsage().heapUsed;
  let attempts = 0;
  let polled!: () => void;
  const allPolled = new Promise<void>((resolve) => (polled = resolve));
  const exporter = await startExporter({
    connections,
    tokens,
    port: 0,
    log: silent,
    version: 'bench',
    clock: new FakeClock(Date.now()),
    onUpdate: () => {
      if (++attempts >= feeds) polled();
    },
  });
  try {
    await allPolled;
    collectGarbage();
    const held = process.memoryUsage().heapUsed - before;
    const series = exporter.poller.connections.reduce((total, connection) => total + connection.values.latest().length, 0);
    const renders: number[] = [];
    let bytes = 0;
    for (let round = 0; round < 220; round++) {
      const started = performance.now();
      bytes = exporter.render('openmetrics').length;
      if (round >= 20) renders.push(performance.now() - started);
    }
    const scrapes: number[] = [];
    for (let round = 0; round < 60; round++) {
      const started = performance.now();
      await fetch(`${exporter.url}/metrics`, { headers: { accept: 'application/openmetrics-text;version=1.0.0' } }).then((response) => response.text());
      if (round >= 10) scrapes.push(performance.now() - started);
    }
    const up = exporter.poller.connections.filter((connection) => exporter.poller.isUp(connection)).length;
    console.log(`\nexporter with ${connections.length} connections (${up} up, ${series} series, ${feeds} feeds each polled once against the local servers):`);
    console.log(
      `  heap held: ${(held / 1_048_576).toFixed(1)} MB (poller, clients and the last readings; rss ${(process.memoryUsage().rss / 1_048_576).toFixed(0)} MB)`,
    );
    console.log(`  /metrics body: ${(bytes / 1024).toFixed(0)} KB OpenMetrics`);
    console.log(`  render: median ${percentile(renders, 0.5).toFixed(2)} ms, p95 ${percentile(renders, 0.95).toFixed(2)} ms (${renders.length} renders)`);
    console.log(
      `  scrape over HTTP: median ${percentile(scrapes, 0.5).toFixed(2)} ms, p95 ${percentile(scrapes, 0.95).toFixed(2)} ms (${scrapes.length} scrapes)`,
    );
  } finally {
    await exporter.close();
    await sandbox.close();
  }
}

export async function runTeamBench(): Promise<void> {
  console.log('\n## Team: one exporter for all\n');
  console.log('Provider requests per minute over one hour of virtual time, one connection per provider, one focused window per engineer;');
  console.log('"refused" are the requests the provider answered 429 (the team shares one Cerebras organization and one Northflank token).\n');
  const header = ['engineers', ...KINDS.map((kind) => `${kind} direct / exporter`), 'Prometheus queries/min (exporter)'];
  const rows: string[][] = [];
  for (const engineers of [1, 10, 100]) {
    const direct = await simulate(engineers, 'direct');
    const exporter = await simulate(engineers, 'exporter');
    rows.push([
      String(engineers),
      ...KINDS.map((kind) => {
        const refused = direct.provider[kind].refusedPerMinute;
        return `${direct.provider[kind].perMinute.toFixed(1)}${refused > 0 ? ` (${refused.toFixed(1)} refused)` : ''} / ${exporter.provider[kind].perMinute.toFixed(1)}`;
      }),
      exporter.prometheusPerMinute.toFixed(0),
    ]);
  }
  rows.push(['limit', ...KINDS.map((kind) => LIMITS[kind]), '']);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]) => `| ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`);
  for (const row of rows) console.log(line(row));
  await exporterCosts();
}
