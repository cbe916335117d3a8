/**
 * The charts' history reads: cached while a connection has not polled, read again once a poll has
 * settled, long windows re-reading only their last two days, and forgotten when no longer shown.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HistoryQuery } from '../../../src/history/historyStore';
import type { Sample } from '../../../src/shared/samples';
import { ChartDataSource } from '../../../src/webviews/chartDataSource';

const DAY = 24 * 60 * 60 * 1000;

class FakeHistory {
  readonly queries: HistoryQuery[] = [];
  samples: Sample[] = [];
  async query(_connectionId: string, query: HistoryQuery): Promise<Sample[]> {
    this.queries.push(query);
    const from = query.bucketMs ? Math.floor(query.from / query.bucketMs) * query.bucketMs : query.from;
    return this.samples.filter((sample) => sample.at >= from && sample.at <= query.to && (!query.series || query.series.includes(sample.series)));
  }
}

const sample = (at: number, value = 1): Sample => ({ series: 's', unit: 'count', at, value });

test('reuses what it read while the connection has not polled again', async () => {
  const history = new FakeHistory();
  history.samples = [sample(1000), sample(2000)];
  const source = new ChartDataSource(history);
  const window = { from: 0, to: 10_000 };
  assert.equal((await source.samples('c', window, 500, 10_000)).length, 2);
  assert.equal((await source.samples('c', { from: 1500, to: 11_000 }, 500, 11_000)).length, 1, 'the window moved on: the older sample drops out');
  assert.equal(history.queries.length, 1);
});

test('reads again after a poll, and once more if it read before the poll was stored', async () => {
  const history = new FakeHistory();
  const source = new ChartDataSource(history);
  const window = { from: 0, to: 100_000 };
  await source.samples('c', window, 1000, 50_000);
  history.samples = [sample(60_000)];
  // Read 100 ms after the poll: the sample may not have been stored yet.
  await source.samples('c', window, 60_000, 60_100);
  history.samples.push(sample(60_050));
  assert.equal((await source.samples('c', window, 60_000, 60_200)).length, 2);
  assert.equal(history.queries.length, 3);
  // Now read well after the poll: cached from here on.
  await source.samples('c', window, 60_000, 70_000);
  await source.samples('c', window, 60_000, 80_000);
  assert.equal(history.queries.length, 4);
});

test('a long window re-reads only its last two days after a poll', async () => {
  const history = new FakeHistory();
  const now = 30 * DAY + 5000;
  history.samples = [sample(2 * DAY), sample(20 * DAY), sample(29 * DAY + 10)];
  const source = new ChartDataSource(history);
  const window = { from: now - 30 * DAY, to: now, bucketMs: 15 * 60_000 };
  await source.samples('c', window, 1, now);
  history.samples.push(sample(now - 1000, 7));
  const again = await source.samples('c', { ...window, to: now + 60_000 }, now - 1000, now + 60_000);
  assert.equal(again.length, 4);
  const last = history.queries.at(-1);
  assert.ok(last && last.from >= 28 * DAY, `read from ${last?.from}`);
});

test('sweep forgets windows not asked for since the last sweep', async () => {
  const history = new FakeHistory();
  const source = new ChartDataSource(history);
  await source.samples('a', { from: 0, to: 10 }, 1, 5000);
  await source.samples('b', { from: 0, to: 10 }, 1, 5000);
  source.sweep();
  await source.samples('a', { from: 0, to: 10 }, 1, 6000);
  source.sweep();
  await source.samples('a', { from: 0, to: 10 }, 1, 7000);
  await source.samples('b', { from: 0, to: 10 }, 1, 7000);
  assert.equal(history.queries.length, 3, 'a stayed cached, b was read again');
});
