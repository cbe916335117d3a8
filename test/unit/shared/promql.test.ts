/**
 * Prometheus' counter and histogram math, reproduced: a counter's drop is a restart from zero (what
 * rate() assumes), and histogram_quantile interpolates inside the bucket the rank falls in, with its
 * edge cases (no +Inf bucket, no observations, the rank in the +Inf bucket, a negative first bound,
 * buckets that are not monotonic).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { counterIncrease, counterRate, histogramQuantile, parseUpperBound, type Bucket } from '../../../src/shared/promql';

const INF = Number.POSITIVE_INFINITY;

describe('counters', () => {
  test('the increase between readings; a drop means the counter restarted from zero', () => {
    assert.equal(counterIncrease(100, 160), 60);
    assert.equal(counterIncrease(160, 20), 20, 'restarted: the 20 counted since are the increase');
    assert.equal(counterIncrease(5, 5), 0);
  });

  test('a rate per second or per minute; nothing without both readings or without time passing', () => {
    assert.equal(counterRate(100, 160, 60_000, 1000), 1);
    assert.equal(counterRate(100, 160, 60_000, 60_000), 60);
    assert.equal(counterRate(null, 160, 60_000, 1000), null);
    assert.equal(counterRate(100, 160, 0, 1000), null);
    assert.equal(counterRate(100, Number.NaN, 1000, 1000), null);
  });

  test('property: a rate is never negative', () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.integer({ min: 1, max: 1e9 }), (before, after, elapsed) => {
        assert.ok((counterRate(before, after, elapsed, 1000) as number) >= 0);
      }),
    );
  });
});

describe('histogramQuantile', () => {
  // 20 observations: 5 up to 50 ms, 5 more up to 100 ms, 8 more up to 500 ms, 2 more up to 1 s.
  const buckets: Bucket[] = [
    { upperBound: 0.05, count: 5 },
    { upperBound: 0.1, count: 10 },
    { upperBound: 0.5, count: 18 },
    { upperBound: 1, count: 20 },
    { upperBound: INF, count: 20 },
  ];

  test('linear interpolation inside the bucket the rank falls in', () => {
    assert.equal(histogramQuantile(0.5, buckets), 0.1);
    assert.ok(Math.abs(histogramQuantile(0.95, buckets) - 0.75) < 1e-12);
    assert.ok(Math.abs(histogramQuantile(0.99, buckets) - 0.95) < 1e-12);
    assert.equal(histogramQuantile(0, buckets), 0);
    assert.equal(histogramQuantile(0.25, [...buckets].reverse()), 0.05, 'bucket order does not matter');
  });

  test('a rank in the +Inf bucket is the highest finite bound', () => {
    assert.equal(
      histogramQuantile(0.9, [
        { upperBound: 1, count: 5 },
        { upperBound: INF, count: 10 },
      ]),
      1,
    );
  });

  test('NaN without a +Inf bucket, with fewer than two buckets, or without observations; ±Inf outside [0, 1]', () => {
    assert.ok(Number.isNaN(histogramQuantile(0.5, buckets.slice(0, 4))));
    assert.ok(Number.isNaN(histogramQuantile(0.5, [{ upperBound: INF, count: 3 }])));
    assert.ok(
      Number.isNaN(
        histogramQuantile(
          0.5,
          buckets.map((bucket) => ({ ...bucket, count: 0 })),
        ),
      ),
    );
    assert.equal(histogramQuantile(-0.1, buckets), Number.NEGATIVE_INFINITY);
    assert.equal(histogramQuantile(1.1, buckets), INF);
    assert.ok(Number.isNaN(histogramQuantile(Number.NaN, buckets)));
  });

  test('a first bucket with a bound at or below zero is returned as it is', () => {
    assert.equal(
      histogramQuantile(0.25, [
        { upperBound: -1, count: 2 },
        { upperBound: INF, count: 4 },
      ]),
      -1,
    );
  });

  test('counts that go down are made monotonic first; the same bound twice is one bucket', () => {
    const broken: Bucket[] = [
      { upperBound: 1, count: 5 },
      { upperBound: 2, count: 4 },
      { upperBound: INF, count: 10 },
    ];
    assert.equal(histogramQuantile(0.5, broken), 1);
    const twice: Bucket[] = [
      { upperBound: 1, count: 2 },
      { upperBound: 1, count: 2 },
      { upperBound: INF, count: 4 },
    ];
    assert.equal(histogramQuantile(0.5, twice), 0.5);
  });

  test('property: a quantile stays within the finite bounds and grows with q', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 1000 }), { minLength: 2, maxLength: 8 }), fc.double({ min: 0, max: 1, noNaN: true }), (increments, q) => {
        let running = 0;
        const sorted: Bucket[] = increments.map((increment, index) => ({ upperBound: index + 1, count: (running += increment) }));
        sorted.push({ upperBound: INF, count: running });
        const estimate = histogramQuantile(q, sorted);
        if (running === 0) return assert.ok(Number.isNaN(estimate));
        assert.ok(estimate >= 0 && estimate <= increments.length, `${estimate}`);
        assert.ok(histogramQuantile(Math.min(1, q + 0.1), sorted) >= estimate);
      }),
    );
  });

  test('le labels as numbers', () => {
    assert.equal(parseUpperBound('+Inf'), INF);
    assert.equal(parseUpperBound('0.25'), 0.25);
    assert.equal(parseUpperBound('1e-3'), 0.001);
    assert.ok(Number.isNaN(parseUpperBound('')));
    assert.ok(Number.isNaN(parseUpperBound('fast')));
  });
});
