/**
 * Pure computations the surfaces run on every update, timed here rather than in the tests (a test
 * that asserts a time fails on a busy machine): usage by tag over 10,000 Browserbase sessions, and
 * reducing a month of minute samples (43,200 points) to what a chart draws. Best of several runs, the
 * steady state a panel sees, beside a peer where one exists.
 */
import { performance } from 'node:perf_hooks';
import { lttbIndices, minMaxIndices } from '../src/shared/downsample';
import { metadataKeyPaths, usageByTag, usageTotals, type UsageSession } from '../src/shared/usageByTag';

const USAGE_TARGET_MS = 100;
const DOWNSAMPLE_TARGET_MS = 50;
const ROUNDS = 7;

function bestOf(run: () => unknown): number {
  run();
  let best = Infinity;
  for (let round = 0; round < ROUNDS; round++) {
    const started = performance.now();
    run();
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

function sessions(count: number, now: number): UsageSession[] {
  const at = (minutes: number) => new Date(now - 2 * 3_600_000 + minutes * 60_000).toISOString();
  return Array.from({ length: count }, (_, i) => ({
    status: i % 10 === 0 ? 'RUNNING' : 'COMPLETED',
    startedAt: at(i % 300),
    ...(i % 10 === 0 ? {} : { endedAt: at((i % 300) + (i % 17)) }),
    proxyBytes: i * 13,
    userMetadata: { client: `client-${i % 40}`, workflow: { name: `wf-${i % 7}` }, env: i % 2 ? 'prod' : 'staging' },
  }));
}

export async function runComputeBench(): Promise<void> {
  const now = Date.parse('2026-06-02T12:00:00.000Z');
  const many = sessions(10_000, now);
  const usage = bestOf(() => {
    const result = usageByTag(many, ['client'], now);
    usageTotals(many, now);
    metadataKeyPaths(many);
    if (result.buckets.length !== 40) throw new Error(`usage by tag returned ${result.buckets.length} buckets, expected 40`);
  });

  const t = Array.from({ length: 43_200 }, (_, index) => index * 60_000);
  const v = t.map((_, index) => Math.sin(index / 500) * 50 + 50);
  const minMax = bestOf(() => minMaxIndices(t, v, 1200));
  const lttb = bestOf(() => lttbIndices(t, v, 1200));

  const verdict = (ms: number, target: number) => `< ${target} ${ms < target ? 'met' : 'MISSED'}`;
  console.log(`\n## Computations (best of ${ROUNDS})\n`);
  console.log(`${'measure'.padEnd(58)} ${'ms'.padStart(8)}  target`);
  console.log(`${'usage by tag + totals + key paths, 10,000 sessions'.padEnd(58)} ${usage.toFixed(1).padStart(8)}  ${verdict(usage, USAGE_TARGET_MS)}`);
  console.log(`${'min/max reduction, 43,200 points to 1,200'.padEnd(58)} ${minMax.toFixed(1).padStart(8)}  ${verdict(minMax, DOWNSAMPLE_TARGET_MS)}`);
  console.log(`${'peer: LTTB reduction, same points'.padEnd(58)} ${lttb.toFixed(1).padStart(8)}`);
  await Promise.resolve();
}
