/**
 * The newest reading per series and identifying label set, and the one before it: a reading under
 * another context label replaces the one before instead of sitting beside it (the Browserless
 * `isAvailable {reason=full} 0` that stayed next to the current value), late readings do not win, and
 * a new URL starts afresh.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LatestValues } from '../../../src/connections/latestValues';
import { BROWSERLESS_SERIES } from '../../../src/providers/browserless/descriptor';
import { descriptorOfKind } from '../../../src/providers/registry';
import type { Sample } from '../../../src/shared/samples';

const available = (value: number, at: number, reason?: string): Sample => ({
  series: BROWSERLESS_SERIES.pressure.isAvailable,
  value,
  unit: 'state',
  at,
  ...(reason === undefined ? {} : { labels: { reason } }),
});

test('a context label never splits a series: the newest reading replaces the older one whatever its reason', () => {
  const values = new LatestValues(descriptorOfKind('browserless'));
  values.merge([available(0, 1000, 'full')]);
  values.merge([available(1, 2000)]);
  assert.deepEqual(values.latest(), [available(1, 2000)]);
  assert.deepEqual(values.previous(), [available(0, 1000, 'full')]);
});

test('identifying labels do split: two containers are two series', () => {
  const values = new LatestValues(descriptorOfKind('northflank'));
  const cpu = (container: string, value: number, at: number): Sample => ({ series: 'northflank.cpu', value, unit: 'vcpu', at, labels: { container } });
  values.merge([cpu('a', 1, 1000), cpu('b', 2, 1000), cpu('a', 3, 2000)]);
  assert.deepEqual(
    values.latest().map((sample) => [sample.labels?.container, sample.value]),
    [
      ['a', 3],
      ['b', 2],
    ],
  );
  assert.deepEqual(
    values.previous().map((sample) => [sample.labels?.container, sample.value]),
    [['a', 1]],
  );
});

test('readings arrive in any order: the newest stays newest, a late one may still be the one before', () => {
  const values = new LatestValues(descriptorOfKind('browserless'));
  values.merge([available(1, 3000)]);
  values.merge([available(0, 1000, 'cpu'), available(1, 2000)]);
  assert.equal(values.latest()[0]?.at, 3000);
  assert.equal(values.previous()[0]?.at, 2000);
  assert.equal(values.newestAt(), 3000);
  // The same reading again (a re-read of history) changes nothing.
  values.merge([available(1, 3000)]);
  assert.equal(values.previous()[0]?.at, 2000);
});

test('reset forgets everything, for a connection that now points elsewhere', () => {
  const values = new LatestValues(descriptorOfKind('browserless'));
  values.merge([available(1, 1000), available(1, 2000)]);
  values.reset(descriptorOfKind('browserless'));
  assert.deepEqual(values.latest(), []);
  assert.deepEqual(values.previous(), []);
  assert.equal(values.newestAt(), 0);
});

test('an endpoint that invents new series on every poll cannot grow the latest values past the series limit', () => {
  const values = new LatestValues(descriptorOfKind('prometheus'));
  const gauge = (name: string, at: number): Sample => ({ series: name, value: 1, unit: 'none', at });
  for (let poll = 0; poll < 50; poll++) {
    values.merge([gauge(`invented_${poll}_a`, poll * 1000), gauge(`invented_${poll}_b`, poll * 1000), gauge('steady', poll * 1000)]);
    values.limit(10);
  }
  const latest = values.latest();
  assert.equal(latest.length, 10);
  assert.ok(
    latest.some((sample) => sample.series === 'steady'),
    'the series read most recently stay',
  );
  assert.ok(!latest.some((sample) => sample.series === 'invented_0_a'), 'the oldest go first');
  assert.ok(values.previous().every((sample) => latest.some((kept) => kept.series === sample.series)));
});
