/**
 * parseMetricsPeriods, the seam for reading Browserless /metrics off the host's thread, against the
 * sandbox's real HTTP responses (10,000 periods on v2): from the response stream, from bytes cut at
 * awkward places, and from text; keeping only newer periods; and refusing what is not a JSON array.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ProviderError } from '../../src/http/errors';
import { parseMetricsPeriods, parseObjectCounting, readMetricsPeriods, type PeriodsSummary } from '../../src/worker/metricsPeriods';
import { configureParseWorker, shutdownParseWorker, type JobInput } from '../../src/worker/workerHost';
import { parseWorkerBundle } from '../support/parseWorkerBundle';
import { useSandbox } from '../support/sandbox';

before(async () => configureParseWorker({ file: await parseWorkerBundle() }));
after(() => shutdownParseWorker());

async function collect(
  body: JobInput,
  options: Parameters<typeof parseMetricsPeriods>[1] = {},
): Promise<{ batches: unknown[][]; indexes: number[]; summary: PeriodsSummary }> {
  const periods = parseMetricsPeriods(body, options);
  const batches: unknown[][] = [];
  const indexes: number[] = [];
  for (let next = await periods.next(); ; next = await periods.next()) {
    if (next.done === true) return { batches, indexes, summary: next.value };
    assert.equal(next.value.indexes.length, next.value.periods.length);
    batches.push([...next.value.periods]);
    indexes.push(...next.value.indexes);
  }
}

/** The bytes in pieces of varying size, cut anywhere (inside numbers, strings, multi-byte characters). */
async function* pieces(bytes: Uint8Array, sizes: readonly number[]): AsyncGenerator<Uint8Array> {
  let at = 0;
  for (let i = 0; at < bytes.length; i++) {
    const size = sizes[i % sizes.length]!;
    yield bytes.slice(at, at + size);
    at += size;
  }
}

const dateOf = (period: unknown): number => (period as { date: number }).date;

describe('Browserless /metrics periods off the main thread', () => {
  // A server up for longer than 10,000 periods: /metrics returns all it keeps (v1: one week).
  const context = useSandbox({ browserlessHistoryPeriods: 12_000 });
  const metricsUrl = (mount: 'browserless' | 'browserless-v1'): string =>
    `${context.sandbox.baseUrl(mount)}/metrics?token=${context.sandbox.tokens.browserless}`;

  test('the response stream of 10,000 periods comes back whole, in batches of at most 100', async () => {
    const response = await fetch(metricsUrl('browserless'));
    // Node's web streams are async iterables of Uint8Array; the DOM typings do not say so.
    const { batches, summary } = await collect(response.body! as unknown as AsyncIterable<Uint8Array>);
    const periods = batches.flat();
    assert.equal(periods.length, 10_000);
    assert.deepEqual(summary, { elements: 10_000, kept: 10_000, latestDate: dateOf(periods.at(-1)) });
    assert.ok(batches.every((batch) => batch.length > 0 && batch.length <= 100));
    assert.ok(periods.every((period, i) => i === 0 || dateOf(period) > dateOf(periods[i - 1])));
  });

  test('bytes cut at odd places and the same body as text give exactly JSON.parse of it', async () => {
    const bytes = new Uint8Array(await (await fetch(metricsUrl('browserless'))).arrayBuffer());
    const text = new TextDecoder().decode(bytes);
    const expected = JSON.parse(text) as unknown[];
    assert.deepEqual((await collect(pieces(bytes, [1, 7, 4096, 3, 65_536, 13]))).batches.flat(), expected);
    assert.deepEqual((await collect(text)).batches.flat(), expected);
    assert.deepEqual((await collect(bytes)).batches.flat(), expected);
  });

  test('only periods newer than `since` are kept; the summary still counts them all', async () => {
    const all = JSON.parse(await (await fetch(metricsUrl('browserless'))).text()) as unknown[];
    const since = dateOf(all[all.length - 4]);
    const { batches, summary } = await collect(JSON.stringify(all), { since });
    assert.deepEqual(batches.flat(), all.slice(-3));
    assert.deepEqual(summary, { elements: all.length, kept: 3, latestDate: dateOf(all.at(-1)) });
  });

  test('a limit keeps the oldest of the newer periods and counts the rest; each period carries its index in the array', async () => {
    const all = JSON.parse(await (await fetch(metricsUrl('browserless'))).text()) as unknown[];
    const since = dateOf(all[all.length - 251]);
    const { batches, indexes, summary } = await collect(JSON.stringify(all), { since, limit: 120 });
    assert.deepEqual(batches.flat(), all.slice(-250, -130));
    assert.deepEqual(
      indexes,
      [...Array(120).keys()].map((i) => all.length - 250 + i),
    );
    assert.deepEqual(summary, { elements: all.length, kept: 120, latestDate: dateOf(all.at(-1)), overLimit: 130 });
  });

  test('v1: keepLast keeps the period still open past the limit and whatever `since` says', async () => {
    const all = JSON.parse(await (await fetch(metricsUrl('browserless-v1'))).text()) as unknown[];
    const limited = await collect(JSON.stringify(all), { limit: 2, keepLast: true });
    assert.deepEqual(limited.batches.flat(), [all[0], all[1], all.at(-1)]);
    assert.deepEqual(limited.indexes, [0, 1, all.length - 1]);
    assert.equal(limited.summary.overLimit, all.length - 3);
  });

  test('only top-level fields reach the host: deeper structures become a marker, however deep (structured cloning them would overflow)', async () => {
    let deep = '1';
    for (let i = 0; i < 100_000; i++) deep = `{"n":${deep}}`;
    const body = `[{"date":1,"successful":2,"sessionTimes":[3,4],"nested":${deep},"__proto__":{"x":1},"list":[[1]]},[{"a":1}],{"date":2,"successful":{"n":1}}]`;
    const { batches } = await collect(body);
    const [first, second, third] = batches.flat() as Record<string, unknown>[];
    assert.deepEqual(Object.keys(first ?? {}), ['date', 'successful', 'sessionTimes', 'nested', '__proto__', 'list']);
    assert.deepEqual(
      [first?.date, first?.successful, first?.sessionTimes, first?.nested, first?.list],
      [1, 2, [3, 4], '[nested: not read]', '[nested: not read]'],
    );
    assert.equal(Object.getPrototypeOf(first), Object.prototype, 'a __proto__ key stays a field');
    assert.equal(second, '[nested: not read]');
    assert.equal(third?.successful, '[nested: not read]', 'a known field that is not a number still fails validation on the host');
  });

  test('/metrics/total: the object comes back with its session times counted, not copied', async () => {
    const url = `${context.sandbox.baseUrl('browserless')}/metrics/total?token=${context.sandbox.tokens.browserless}`;
    const text = await (await fetch(url)).text();
    const whole = JSON.parse(text) as Record<string, unknown> & { sessionTimes: unknown[] };
    assert.ok(whole.sessionTimes.length > 50_000, `${whole.sessionTimes.length} session times`);
    const { sessionTimes, ...rest } = whole;
    const bytes = new TextEncoder().encode(text);
    const counted = await parseObjectCounting(pieces(bytes, [4096, 7, 65_536]), ['sessionTimes', 'absent']);
    assert.deepEqual(counted, { object: rest, lengths: { sessionTimes: sessionTimes.length } });
    assert.deepEqual(await parseObjectCounting('[1,2]', ['sessionTimes']), { object: null, lengths: {} });
    await assert.rejects(parseObjectCounting('{"successful": bl-secret-token}', []), (error: unknown) => {
      assert.ok(error instanceof ProviderError);
      assert.match(error.message, /not valid JSON/);
      assert.doesNotMatch(error.message, /bl-secret-token/);
      return true;
    });
  });

  test('readMetricsPeriods: a batch callback that throws cancels the job, and the error goes on', async () => {
    const text = await (await fetch(metricsUrl('browserless'))).text();
    await assert.rejects(
      readMetricsPeriods(text, {}, () => {
        throw new Error('period 0 is invalid');
      }),
      /period 0 is invalid/,
    );
    const { summary } = await collect('[{"date":5}]');
    assert.deepEqual(summary, { elements: 1, kept: 1, latestDate: 5 });
  });

  test('v1: keepLast keeps the window still open whatever `since` says', async () => {
    const all = JSON.parse(await (await fetch(metricsUrl('browserless-v1'))).text()) as unknown[];
    const { batches } = await collect(JSON.stringify(all), { since: Number.MAX_SAFE_INTEGER, keepLast: true });
    assert.deepEqual(batches.flat(), [all.at(-1)]);
  });

  test('multi-byte characters split between pieces are decoded correctly', async () => {
    const periods = [
      { date: 1, note: 'Grüße 日本 😀' },
      { date: 2, note: 'ü'.repeat(50) },
    ];
    const bytes = new TextEncoder().encode(JSON.stringify(periods));
    assert.deepEqual((await collect(pieces(bytes, [1, 2, 3]))).batches.flat(), periods);
  });

  test('a body that is not a JSON array fails with a plain message that quotes none of it', async () => {
    for (const body of ['{"error":"bl-secret-token"}', '[{"date":1},{"date": bl-secret-token}]', '[{"date":1}']) {
      await assert.rejects(collect(body), (error: unknown) => {
        assert.ok(error instanceof ProviderError);
        assert.equal(error.kind, 'badResponse');
        assert.match(error.message, /not a JSON array|not valid JSON|cut short/);
        assert.doesNotMatch(error.message, /bl-secret-token/);
        return true;
      });
    }
  });

  test('stopping early cancels the job, and the worker takes the next one', async () => {
    const periods = parseMetricsPeriods(await (await fetch(metricsUrl('browserless'))).text());
    const first = await periods.next();
    assert.equal(first.done, false);
    await periods.return(undefined as never);
    const { summary } = await collect('[{"date":5}]');
    assert.deepEqual(summary, { elements: 1, kept: 1, latestDate: 5 });
  });
});
