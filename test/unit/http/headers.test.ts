import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseRateLimit, parseRetryAfter } from '../../../src/http/headers';

const now = Date.parse('2026-11-23T10:00:00Z');

describe('parseRetryAfter', () => {
  test('delta-seconds', () => assert.equal(parseRetryAfter({ 'retry-after': '7' }, now), 7000));
  test('fractional seconds', () => assert.equal(parseRetryAfter({ 'retry-after': '1.5' }, now), 1500));
  test('HTTP date', () => assert.equal(parseRetryAfter({ 'retry-after': 'Mon, 23 Nov 2026 10:00:30 GMT' }, now), 30_000));
  test('a date in the past means no wait', () => assert.equal(parseRetryAfter({ 'retry-after': 'Mon, 23 Nov 2026 09:00:00 GMT' }, now), 0));
  test('retry-after-ms wins', () => assert.equal(parseRetryAfter({ 'retry-after-ms': '250', 'retry-after': '9' }, now), 250));
  test('garbage is ignored', () => assert.equal(parseRetryAfter({ 'retry-after': 'soon' }, now), undefined));
  test('negative delta is ignored', () => assert.equal(parseRetryAfter({ 'retry-after': '-5' }, now), undefined));
  test('absent', () => assert.equal(parseRetryAfter({}, now), undefined));
  test('capped at one day', () => assert.equal(parseRetryAfter({ 'retry-after': '999999999' }, now), 86_400_000));
});

describe('parseRateLimit', () => {
  test('Northflank style: reset in seconds from now', () => {
    assert.deepEqual(parseRateLimit({ 'x-ratelimit-limit': '1000', 'x-ratelimit-remaining': '998', 'x-ratelimit-reset': '3540' }, now), {
      limit: 1000,
      remaining: 998,
      resetAt: now + 3_540_000,
    });
  });
  test('reset given as an epoch in seconds', () => {
    assert.equal(parseRateLimit({ 'x-ratelimit-reset': '1795420800' }, now)?.resetAt, 1_795_420_800_000);
  });
  test('absent headers give undefined', () => assert.equal(parseRateLimit({ 'content-type': 'x' }, now), undefined));
  test('non-numeric values are dropped', () =>
    assert.deepEqual(parseRateLimit({ 'x-ratelimit-limit': 'lots', 'x-ratelimit-remaining': '3' }, now), { remaining: 3 }));
});
