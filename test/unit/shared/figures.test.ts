/**
 * A figure written the same way on every surface: in full for cards and tables, compact and named for
 * the status bar, states and yes/no values in words.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { figureCompact, figureText, valueText } from '../../../src/shared/figures';
import type { Figure } from '../../../src/shared/snapshot';

const figure = (overrides: Partial<Figure>): Figure => ({
  id: 'f',
  label: 'F',
  short: 'f',
  value: 1,
  limit: null,
  unit: 'count',
  ratio: null,
  level: 'ok',
  ...overrides,
});

test('in full: the value with its unit, against its limit; words for states', () => {
  assert.equal(figureText(figure({ value: 18_307, limit: 30_000, unit: 'minutes' })), '18,307 min / 30,000 min');
  assert.equal(figureText(figure({ value: 2, limit: 3 })), '2 / 3');
  assert.equal(figureText(figure({ value: 0, words: { '0': 'No', '1': 'Yes' } })), 'No');
  assert.equal(valueText(-1, 'state', { '-1': 'unknown' }), 'unknown');
  assert.equal(valueText(15.25, 'rate:second:count'), '15.3/s');
  assert.equal(valueText(null, 'count'), '—');
});

test('compact and named for the status bar', () => {
  assert.equal(figureCompact(figure({ value: 18_307, limit: 30_000, unit: 'minutes', short: 'min' })), '18.3k/30k min');
  assert.equal(figureCompact(figure({ value: 3, limit: 3, short: 'sessions' })), '3/3 sessions');
  assert.equal(figureCompact(figure({ value: 1_482, unit: 'count', short: 'req/min' })), '1,482 req/min');
  assert.equal(figureCompact(figure({ value: 0, short: 'accepting', words: { '0': 'No', '1': 'Yes' } })), 'accepting No');
  assert.equal(figureCompact(figure({ value: 45, limit: 100, unit: 'percent', short: 'CPU' })), 'CPU 45 %');
  assert.equal(figureCompact(figure({ value: 0.2, limit: 0.5, unit: 'vcpu', short: 'CPU' })), 'CPU 40 %');
  assert.equal(figureCompact(figure({ value: 1.2, limit: 10, unit: 'seconds', short: 'p95' })), 'p95 1.2 s');
  assert.equal(figureCompact(figure({ value: 15.2, unit: 'rate:second:none', short: 'http_requests_total' })), '15.2/s http_requests_total');
  assert.equal(figureCompact(figure({ value: 4.6e9, limit: 5e9, unit: 'bytes', short: 'proxy' })), 'proxy 92 %');
});
