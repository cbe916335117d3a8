/**
 * Stored columns read by their semantics: a counter becomes its rate (per second or per minute, a
 * reset counted as a restart, history buckets by their newest reading), a histogram its quantiles of
 * the observations between readings and their rate, a summary its quantiles and observation rate, an
 * info series nothing; gauges, states and yes/no series stay as they are.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { deriveColumns } from '../../../src/shared/displayColumns';
import type { SeriesColumns } from '../../../src/shared/protocol';

const SECOND = 1000;

function columns(series: string, v: (number | null)[], extra: Partial<SeriesColumns> = {}): SeriesColumns {
  return { series, unit: 'count', t: v.map((_, index) => index * 10 * SECOND), v, ...extra };
}

describe('deriveColumns', () => {
  test('a counter is its rate; a restart (a drop) counts what was counted since', () => {
    const [rate] = deriveColumns([columns('requests_total', [100, 150, 170, 10, null, 40], { semantics: 'counter', rate: 'second' })]);
    assert.equal(rate?.part, 'rate');
    assert.equal(rate?.unit, 'rate:second:count');
    assert.deepEqual(rate?.v, [null, 5, 2, 1, null, null]);
    assert.deepEqual(rate?.totals, [100, 150, 170, 10, null, 40], 'the stored totals travel with the rate for tables');
  });

  test('per minute when the series says so, and a bucket by its newest reading, not its mean', () => {
    const [rate] = deriveColumns([
      {
        ...columns('browserless.total.units', [95, 195], { semantics: 'counter', rate: 'minute', unit: 'units' }),
        t: [0, 60_000],
        last: [100, 220],
        lo: [90, 190],
        hi: [100, 220],
        n: [5, 5],
      },
    ]);
    assert.equal(rate?.unit, 'rate:minute:units');
    assert.deepEqual(rate?.v, [null, 120]);
    assert.equal(rate?.lo, undefined, 'a rate has no min–max band');
  });

  test('a histogram: p50/p95/p99 of the observations between readings, their rate, and a restart read as new counts', () => {
    const t = [0, 10 * SECOND, 20 * SECOND];
    const part = (le: string, v: number[]) =>
      ({
        series: 'rt_seconds_bucket',
        unit: 'count',
        labels: { le, route: '/a' },
        t,
        v,
        semantics: 'histogram',
        family: 'rt_seconds',
        component: 'bucket',
      }) as const;
    const derived = deriveColumns([
      part('0.5', [10, 20, 5]),
      part('1', [10, 30, 10]),
      part('+Inf', [10, 30, 10]),
      {
        series: 'rt_seconds_count',
        unit: 'count',
        labels: { route: '/a' },
        t,
        v: [10, 30, 10],
        semantics: 'histogram',
        family: 'rt_seconds',
        component: 'count',
      },
      { series: 'rt_seconds_sum', unit: 'seconds', labels: { route: '/a' }, t, v: [3, 13, 4], semantics: 'histogram', family: 'rt_seconds', component: 'sum' },
    ]);
    assert.deepEqual(
      derived.map((column) => [column.key, column.unit]),
      [
        ['rt_seconds{route=/a}#p50', 'seconds'],
        ['rt_seconds{route=/a}#p95', 'seconds'],
        ['rt_seconds{route=/a}#p99', 'seconds'],
        ['rt_seconds{route=/a}#observations', 'rate:second:count'],
      ],
    );
    // 20 new observations: 10 up to 0.5 s, 10 more up to 1 s. After the restart: 5 and 5 more.
    assert.deepEqual(derived[0]?.v, [null, 0.5, 0.5]);
    assert.equal(derived[1]?.v[1], 0.95);
    assert.deepEqual(derived[3]?.v, [null, 2, 1]);
  });

  test('a histogram reading with no new observations has no quantile, only a zero rate', () => {
    const t = [0, 10 * SECOND];
    const part = (le: string) =>
      ({ series: 'x_bucket', unit: 'count', labels: { le }, t, v: [4, 4], semantics: 'histogram', family: 'x', component: 'bucket' }) as const;
    const derived = deriveColumns([part('1'), part('+Inf')]);
    assert.deepEqual(derived[0]?.v, [null, null]);
    assert.deepEqual(derived.at(-1)?.v, [null, 0], 'no count column: the +Inf bucket counts the observations');
  });

  test('a summary: its quantiles as sent, its count as a rate of observations, its sum left to the tables', () => {
    const derived = deriveColumns([
      columns('rpc_seconds', [0.1, 0.2], { unit: 'seconds', labels: { quantile: '0.9' }, semantics: 'summary', family: 'rpc_seconds', component: 'quantile' }),
      columns('rpc_seconds_count', [10, 30], { semantics: 'summary', family: 'rpc_seconds', component: 'count' }),
      columns('rpc_seconds_sum', [1, 3], { unit: 'seconds', semantics: 'summary', family: 'rpc_seconds', component: 'sum' }),
    ]);
    assert.deepEqual(
      derived.map((column) => [column.key, column.part, column.v]),
      [
        ['rpc_seconds{quantile=0.9}', 'value', [0.1, 0.2]],
        ['rpc_seconds{}#observations', 'observations', [null, 2]],
      ],
    );
  });

  test('info series are labels, not lines; gauges, states and yes/no series pass through; unknown ones keep their mark', () => {
    const derived = deriveColumns([
      columns('build_info', [1, 1], { semantics: 'info', labels: { version: '1' } }),
      columns('temperature', [3, 4]),
      columns('up', [1, 0], { semantics: 'boolean', unit: 'state' }),
      columns('cerebras.new_family', [7, 8], { known: false }),
    ]);
    assert.deepEqual(
      derived.map((column) => [column.series, column.part, column.known, column.v]),
      [
        ['temperature', 'value', true, [3, 4]],
        ['up', 'value', true, [1, 0]],
        ['cerebras.new_family', 'value', false, [7, 8]],
      ],
    );
  });
});
