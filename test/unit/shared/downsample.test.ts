/**
 * Downsampling for drawing: example cases, and properties over random series (fast-check): never
 * more points than asked for, the first and last kept, the extremes kept by min/max buckets, gaps
 * kept, indices in order.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { envelope, lttbIndices, medianStep, minMaxIndices, pointsForDrawing } from '../../../src/shared/downsample';

/** Ascending times with random steps, and values with some "no value" points. */
const seriesArb = fc
  .record({
    steps: fc.array(fc.integer({ min: 1, max: 120_000 }), { minLength: 0, maxLength: 2000 }),
    values: fc.array(fc.option(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { nil: null, freq: 8 }), { minLength: 2001, maxLength: 2001 }),
  })
  .map(({ steps, values }) => {
    const t = [1_700_000_000_000];
    for (const step of steps) t.push((t.at(-1) as number) + step);
    return { t, v: values.slice(0, t.length) };
  });

const targetArb = fc.integer({ min: 0, max: 600 });

function isAscending(indices: readonly number[]): boolean {
  return indices.every((index, position) => position === 0 || index > (indices[position - 1] as number));
}

describe('minMaxIndices', () => {
  test('returns every index when the series already fits', () => {
    assert.deepEqual(minMaxIndices([1, 2, 3], [5, null, 7], 10), [0, 1, 2]);
  });

  test('keeps the spike a mean would hide', () => {
    const t = Array.from({ length: 10_000 }, (_, index) => index * 60_000);
    const v = t.map((_, index) => (index === 4321 ? 99 : 1));
    const indices = minMaxIndices(t, v, 100);
    assert.ok(indices.length <= 100);
    assert.ok(indices.includes(4321));
  });

  test('keeps a gap visible', () => {
    const t = Array.from({ length: 5000 }, (_, index) => index);
    const v: (number | null)[] = t.map(() => 1);
    v[2500] = null;
    assert.ok(minMaxIndices(t, v, 60).includes(2500));
  });

  test('properties: at most the target (at least 5), first and last kept, indices ascending, extremes kept', () => {
    fc.assert(
      fc.property(seriesArb, targetArb, ({ t, v }, target) => {
        const indices = minMaxIndices(t, v, target);
        assert.ok(indices.length <= Math.max(5, target), `${indices.length} > ${target}`);
        assert.ok(isAscending(indices));
        assert.equal(indices[0], 0);
        assert.equal(indices.at(-1), t.length - 1);
        const values = v.filter((value): value is number => value !== null);
        const kept = indices.map((index) => v[index]).filter((value): value is number => value !== null);
        if (values.length > 0) {
          assert.equal(Math.max(...kept), Math.max(...values));
          assert.equal(Math.min(...kept), Math.min(...values));
        }
        if (v.includes(null))
          assert.ok(
            indices.some((index) => v[index] === null),
            'a gap survives',
          );
      }),
      { numRuns: 300 },
    );
  });

  // Its speed on these points is measured by `npm run bench -- compute`.
  test('reduces a month of minute samples (43,200 points) to the target', () => {
    const t = Array.from({ length: 43_200 }, (_, index) => index * 60_000);
    const v = t.map((_, index) => Math.sin(index / 500) * 50 + 50);
    const indices = minMaxIndices(t, v, 1200);
    assert.ok(indices.length <= 1200 && indices.length > 600);
    assert.equal(indices[0], 0);
    assert.equal(indices.at(-1), t.length - 1);
  });
});

describe('lttbIndices', () => {
  test('properties: at most the target (at least 3), first and last value kept, ascending, only points with values', () => {
    fc.assert(
      fc.property(seriesArb, targetArb, ({ t, v }, target) => {
        const indices = lttbIndices(t, v, target);
        const valid = v.map((value, index) => (value === null ? -1 : index)).filter((index) => index >= 0);
        assert.ok(indices.length <= Math.max(3, target));
        assert.ok(isAscending(indices));
        assert.ok(indices.every((index) => v[index] !== null));
        if (valid.length > 0) {
          assert.equal(indices[0], valid[0]);
          assert.equal(indices.at(-1), valid.at(-1));
        } else {
          assert.deepEqual(indices, []);
        }
      }),
      { numRuns: 300 },
    );
  });

  test('picks the peak of a bucket over its flat neighbours', () => {
    const t = Array.from({ length: 1000 }, (_, index) => index);
    const v = t.map((_, index) => (index === 500 ? 10 : 0));
    assert.ok(lttbIndices(t, v, 20).includes(500));
  });
});

describe('medianStep and pointsForDrawing', () => {
  test('the usual step ignores one long pause', () => {
    assert.equal(medianStep([0, 10, 20, 30, 1000, 1010]), 10);
    assert.equal(medianStep([5]), 0);
  });

  test('a pause longer than the limit between neighbours becomes a gap; a dropped stretch does not', () => {
    const t = [0, 10, 20, 500, 510, 520];
    const v = [1, 2, 3, 4, 5, 6];
    const neighbours = pointsForDrawing(t, v, [0, 1, 2, 3, 4, 5], 50);
    assert.deepEqual(
      neighbours.map((point) => point.y),
      [1, 2, 3, null, 4, 5, 6],
    );
    assert.equal(neighbours[3]?.index, -1);
    // 0 and 3 are not neighbours in the data: the downsampler dropped 1 and 2, so no gap.
    assert.deepEqual(
      pointsForDrawing(t, v, [0, 3, 5], 50).map((point) => point.y),
      [1, 4, 6],
    );
  });
});

describe('envelope', () => {
  test('merges bucket bands into columns, spanning the lowest low and the highest high', () => {
    const t = [0, 1, 2, 3];
    const band = envelope(t, [1, 0, 5, 4], [2, 3, 9, 6], 2);
    assert.deepEqual(band, { x: [0, 2], low: [0, 4], high: [3, 9] });
  });

  test('skips points without both bounds and keeps one column per point when they fit', () => {
    assert.deepEqual(envelope([0, 1, 2], [1, null, 2], [3, 4, 5], 10), { x: [0, 2], low: [1, 2], high: [3, 5] });
  });

  test('property: never more columns than asked for', () => {
    fc.assert(
      fc.property(seriesArb, fc.integer({ min: 1, max: 400 }), ({ t, v }, count) => {
        const band = envelope(t, v, v, count);
        assert.ok(band.x.length <= Math.max(count, 1) || band.x.length <= t.length);
        assert.ok(band.x.length <= count || t.length <= count);
        band.low.forEach((low, index) => assert.ok(low <= (band.high[index] as number)));
      }),
      { numRuns: 200 },
    );
  });
});
