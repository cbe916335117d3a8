/** History samples to the parallel arrays the host posts: one set per series, label set and unit. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toColumns } from '../../../src/shared/columns';
import type { Sample } from '../../../src/shared/samples';

test('raw readings: one column set per series and label set, label order not mattering', () => {
  const samples: Sample[] = [
    { series: 'cpu', unit: 'vcpu', at: 1, value: 0.5, labels: { container: 'a', zone: 'x' } },
    { series: 'cpu', unit: 'vcpu', at: 1, value: 0.7, labels: { container: 'b' } },
    { series: 'cpu', unit: 'vcpu', at: 2, value: null, labels: { zone: 'x', container: 'a' } },
  ];
  assert.deepEqual(toColumns(samples), [
    { series: 'cpu', unit: 'vcpu', labels: { container: 'a', zone: 'x' }, t: [1, 2], v: [0.5, null] },
    { series: 'cpu', unit: 'vcpu', labels: { container: 'b' }, t: [1], v: [0.7] },
  ]);
});

test('buckets carry min, max, newest value and count; a repeated time keeps the later reading', () => {
  const samples: Sample[] = [
    { series: 'q', unit: 'count', at: 0, value: 2, aggregate: { bucketMs: 60_000, count: 4, min: 1, max: 4, last: 3 } },
    { series: 'q', unit: 'count', at: 60_000, value: null, aggregate: { bucketMs: 60_000, count: 0, min: null, max: null, last: null } },
    { series: 'q', unit: 'count', at: 60_000, value: 5, aggregate: { bucketMs: 60_000, count: 1, min: 5, max: 5, last: 5 } },
  ];
  assert.deepEqual(toColumns(samples), [{ series: 'q', unit: 'count', t: [0, 60_000], v: [2, 5], lo: [1, 5], hi: [4, 5], last: [3, 5], n: [4, 1] }]);
});

test('the same series in another unit is kept apart', () => {
  const samples: Sample[] = [
    { series: 'cpu', unit: 'vcpu', at: 1, value: 1 },
    { series: 'cpu', unit: 'percent', at: 1, value: 50 },
  ];
  assert.equal(toColumns(samples).length, 2);
});
