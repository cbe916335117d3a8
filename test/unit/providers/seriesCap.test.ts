import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { capSeries, SeriesCap, trimLatest } from '../../../src/providers/seriesCap';
import type { Sample } from '../../../src/shared/samples';

const sample = (series: string, labels?: Record<string, string>, at = 1000): Sample => ({ series, value: 1, unit: 'none', at, ...(labels ? { labels } : {}) });

describe('capSeries', () => {
  test('keeps every sample of the first series in order and summarizes the rest in a note', () => {
    const samples = [
      sample('a', { i: '1' }),
      sample('a', { i: '1' }, 2000),
      sample('a', { i: '2' }),
      sample('b'),
      sample('c', { x: 'y' }),
      sample('d'),
      sample('b', undefined, 3000),
    ];
    const capped = capSeries(samples, 3);
    assert.deepEqual(
      capped.samples.map((s) => [s.series, s.labels?.i, s.at]),
      [
        ['a', '1', 1000],
        ['a', '1', 2000],
        ['a', '2', 1000],
        ['b', undefined, 1000],
        ['b', undefined, 3000],
      ],
    );
    assert.equal(capped.total, 5);
    assert.match(capped.note ?? '', /5 series; the first 3 are kept/);
    assert.match(capped.note ?? '', /liveUsage\.limits\.maxSeriesPerConnection/);
    assert.match(capped.note ?? '', /c\{x="y"\}/);
  });

  test('fed part by part (as the parser worker hands parts over) it keeps and says exactly what it would in one piece', () => {
    const anySample = fc.record({ series: fc.constantFrom('a', 'b', 'c', 'd'), i: fc.constantFrom('1', '2', '3'), at: fc.nat() });
    fc.assert(
      fc.property(fc.array(anySample, { maxLength: 60 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 10 }), (raw, maxSeries, partSize) => {
        const samples = raw.map((entry) => sample(entry.series, { i: entry.i }, entry.at));
        const cap = new SeriesCap(maxSeries);
        const kept: Sample[] = [];
        for (let start = 0; start < samples.length; start += partSize) kept.push(...cap.add(samples.slice(start, start + partSize)));
        const whole = capSeries(samples, maxSeries);
        assert.deepEqual(kept, whole.samples);
        assert.equal(cap.note(), whole.note);
      }),
    );
  });

  test('label order does not make two series of one', () => {
    const capped = capSeries([sample('a', { x: '1', y: '2' }), sample('a', { y: '2', x: '1' })], 1);
    assert.equal(capped.samples.length, 2);
    assert.equal(capped.note, undefined);
  });

  test('under the cap nothing changes and no note is made', () => {
    const samples = [sample('a'), sample('b')];
    const capped = capSeries(samples, 10);
    assert.equal(capped.samples, samples);
    assert.equal(capped.note, undefined);
  });
});

describe('trimLatest', () => {
  test('drops the oldest values beyond the cap, whatever their keys', () => {
    const latest = new Map<string, Sample>([
      ['old', sample('old', undefined, 1)],
      ['new', sample('new', undefined, 5)],
      ['mid', sample('mid', undefined, 3)],
    ]);
    assert.equal(trimLatest(latest, 2), 1);
    assert.deepEqual([...latest.keys()].sort(), ['mid', 'new']);
    assert.equal(trimLatest(latest, 2), 0);
  });
});
