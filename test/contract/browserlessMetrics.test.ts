/**
 * Browserless /metrics as it is polled: streamed through the parser worker, only periods newer than
 * those already held, at most a week of periods per call with the rest following at the next polls,
 * v1 periods placed at their end like v2's, and the open v1 period never stored. Against the
 * sandbox's servers, one of them up for longer than the 10,000 periods Browserless keeps.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { feedsFor, type StoredReadings } from '../../src/connections/feeds';
import { HttpClient } from '../../src/http/httpClient';
import { BrowserlessClient, METRICS_PERIODS_PER_CALL, type BrowserlessMetricsResult } from '../../src/providers/browserless/browserlessClient';
import { BROWSERLESS_PERIOD_MS, BROWSERLESS_SERIES, type BrowserlessMetricsReading } from '../../src/providers/browserless/normalize';
import type { ConnectionConfig } from '../../src/shared/connections';
import { shutdownParseWorker } from '../../src/worker/workerHost';
import { useSandbox } from '../support/sandbox';

function periodsOf(result: BrowserlessMetricsResult): BrowserlessMetricsReading {
  assert.ok(result.offered, `not offered: ${result.notes?.join(' ')}`);
  return result;
}

const ROOMY = { headersMs: 30_000, bodyMs: 30_000, totalMs: 120_000 } as const;

describe('Browserless /metrics polling', () => {
  const context = useSandbox({ browserlessHistoryPeriods: 12_000 });
  let http: HttpClient;
  before(() => (http = new HttpClient()));
  after(async () => {
    await http.close();
    await shutdownParseWorker();
  });

  const client = (mount: 'browserless' | 'browserless-v1', extra: { maxPeriods?: number } = {}) =>
    new BrowserlessClient(http, {
      baseUrl: context.sandbox.baseUrl(mount),
      token: context.sandbox.tokens.browserless,
      version: mount === 'browserless' ? 'v2' : 'v1',
      authMode: 'query',
      timeouts: ROOMY,
      ...extra,
    });

  test('a server holding 10,000 periods: one call hands over a week, the oldest first; the next calls go on from there', async () => {
    const bl = client('browserless');
    const first = periodsOf(await bl.metrics());
    assert.equal(first.periodCount, 10_000);
    assert.equal(first.periods.length, METRICS_PERIODS_PER_CALL);
    assert.equal(first.remaining, 10_000 - METRICS_PERIODS_PER_CALL);
    assert.equal(first.samples.length / first.periods.length, 17, 'every field of each period, nothing more');
    assert.ok(first.notes?.some((note) => /7,984 older 5-minute period\(s\).*next polls, 2,016 at a time/.test(note)));
    let since = first.latestDate;
    let read = first.periods.length;
    let previousEnd = first.periods.at(-1)?.date ?? 0;
    for (let poll = 0; poll < 5 && since !== undefined; poll++) {
      const next = periodsOf(await bl.metrics({ since }));
      if (next.periods.length === 0) break;
      assert.ok((next.periods[0]?.date ?? 0) > previousEnd, 'no period twice');
      assert.equal(next.periods[0]?.date, previousEnd + BROWSERLESS_PERIOD_MS, 'no period skipped');
      previousEnd = next.periods.at(-1)?.date ?? previousEnd;
      read += next.periods.length;
      since = next.latestDate;
    }
    assert.equal(read, 10_000);
    const last = periodsOf(await bl.metrics({ since }));
    assert.deepEqual([last.periods.length, last.remaining, last.latestDate], [0, 0, since]);
  });

  test('v1 and v2 place the same periods at the same ends; v1 dates them by their start', async () => {
    const v2 = periodsOf(await client('browserless').metrics());
    const v1 = periodsOf(await client('browserless-v1').metrics());
    assert.equal(v1.periodCount, 2016, 'v1 keeps one week');
    const lastWeek = v2.periods.length === METRICS_PERIODS_PER_CALL ? await client('browserless').metrics({ since: (v1.periods[0]?.date ?? 0) - 1 }) : v2;
    const ends = periodsOf(lastWeek).periods.map((period) => period.date);
    assert.deepEqual(
      v1.periods.map((period) => period.date),
      ends,
    );
    assert.deepEqual(
      v1.periods.map((period) => period.start),
      ends.map((end) => end - BROWSERLESS_PERIOD_MS),
    );
    const successful = BROWSERLESS_SERIES.metrics.successful;
    assert.deepEqual(
      v1.samples.filter((sample) => sample.series === successful).map((sample) => [sample.at, sample.value]),
      periodsOf(lastWeek)
        .samples.filter((sample) => sample.series === successful)
        .map((sample) => [sample.at, sample.value]),
    );
  });

  test('the open v1 period comes apart, with every field and cpu and memory, and is never a sample', async () => {
    const v1 = periodsOf(await client('browserless-v1').metrics());
    const open = v1.inProgress;
    assert.ok(open);
    assert.equal(open.start, v1.periods.at(-1)?.date, 'it opened when the last one was saved');
    assert.equal(open.date, open.start + BROWSERLESS_PERIOD_MS);
    assert.ok(open.cpuPercent !== null && open.memoryPercent !== null && open.units !== null && open.meanTimeMs !== null);
    assert.ok(v1.samples.every((sample) => sample.at <= open.start));
  });

  test('a feed asks only for periods newer than the newest held, after a restart too', async () => {
    const config: ConnectionConfig = { id: 'bl', kind: 'browserless', label: 'BL', baseUrl: context.sandbox.baseUrl('browserless'), authMode: 'query' };
    const all = periodsOf(await client('browserless').metrics({ since: 0 })).periodCount;
    assert.equal(all, 10_000);
    const newest = periodsOf(await client('browserless', { maxPeriods: 20_000 }).metrics()).latestDate ?? 0;
    // What history held when VS Code was last closed: the periods up to three before the newest.
    const held = newest - 3 * BROWSERLESS_PERIOD_MS;
    const asked: string[] = [];
    const stored: StoredReadings = {
      newestAt: (connectionId, prefix) => {
        asked.push(`${connectionId} ${prefix}`);
        return held;
      },
    };
    const metrics = feedsFor(config, context.sandbox.tokens.browserless, http, undefined, stored).find((feed) => feed.name === 'metrics');
    assert.ok(metrics);
    const first = await metrics.run(AbortSignal.timeout(60_000));
    assert.deepEqual(asked, ['bl browserless.metrics.']);
    assert.deepEqual([...new Set(first.samples.map((sample) => sample.at))], [newest - 2 * BROWSERLESS_PERIOD_MS, newest - BROWSERLESS_PERIOD_MS, newest]);
    const second = await metrics.run(AbortSignal.timeout(60_000));
    assert.deepEqual(second.samples, [], 'nothing new until the next period closes');
    assert.equal(asked.length, 1, 'history is asked once; the feed goes on from its own readings');
  });
});
