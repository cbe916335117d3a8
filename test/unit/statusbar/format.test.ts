import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  formatBytes,
  formatCompactNumber,
  formatDay,
  formatDuration,
  formatNumber,
  formatPercent,
  formatRelativeTime,
  formatUnitValue,
} from '../../../src/statusbar/formatStatusBar';

describe('formatNumber', () => {
  test('thousands separators and precision that shrinks as numbers grow', () => {
    assert.equal(formatNumber(5520), '5,520');
    assert.equal(formatNumber(12.345), '12.3');
    assert.equal(formatNumber(0.456), '0.46');
    assert.equal(formatNumber(5520, { locale: 'de' }), '5.520');
    assert.equal(formatNumber(1.23456, { maximumFractionDigits: 1 }), '1.2');
  });

  test('missing values are a dash, never 0', () => {
    assert.equal(formatNumber(null), '—');
    assert.equal(formatNumber(Number.NaN), '—');
    assert.equal(formatNumber(Number.POSITIVE_INFINITY), '—');
  });

  test('compact from ten thousand up only', () => {
    assert.equal(formatCompactNumber(9_999), '9,999');
    assert.match(formatCompactNumber(12_345), /^12\.3k$/i);
    assert.match(formatCompactNumber(1_250_000), /^1\.3M$/i);
  });
});

describe('formatPercent', () => {
  test('truncates so the shown number never crosses a threshold the level has not', () => {
    assert.equal(formatPercent(92.7), '92 %');
    assert.equal(formatPercent(89.99), '89 %');
    assert.equal(formatPercent(99.6), '99 %');
    assert.equal(formatPercent(100), '100 %');
    assert.equal(formatPercent(0.29 * 100), '29 %');
  });

  test('a small share keeps one decimal instead of reading as nothing', () => {
    assert.equal(formatPercent(0.4), '0.4 %');
    assert.equal(formatPercent(0), '0 %');
  });
});

describe('formatBytes', () => {
  test('decimal units', () => {
    assert.equal(formatBytes(512), '512 B');
    assert.equal(formatBytes(1_500), '1.5 kB');
    assert.equal(formatBytes(1.2e9), '1.2 GB');
    assert.equal(formatBytes(250e9), '250 GB');
  });

  test('a value that rounds up to 1,000 moves to the next unit', () => {
    assert.equal(formatBytes(999_999), '1 MB');
  });
});

describe('formatUnitValue', () => {
  test('each unit reads as a person would say it', () => {
    assert.equal(formatUnitValue(45, 'percent'), '45 %');
    assert.equal(formatUnitValue(0.45, 'vcpu'), '0.45 vCPU');
    assert.equal(formatUnitValue(512, 'megabytes'), '512 MB');
    assert.equal(formatUnitValue(412, 'minutes'), '412 min');
    assert.equal(formatUnitValue(1.2e9, 'bytes'), '1.2 GB');
    assert.equal(formatUnitValue(1.25, 'seconds'), '1.25 s');
    assert.equal(formatUnitValue(850, 'milliseconds'), '850 ms');
    assert.equal(formatUnitValue(11, 'units'), '11 units');
    assert.equal(formatUnitValue(1, 'tokens'), '1 token');
    assert.equal(formatUnitValue(5, 'raw:millicores'), '5 millicores');
    assert.equal(formatUnitValue(null, 'percent'), '—');
  });
});

describe('formatDuration', () => {
  test('milliseconds below a second, seconds below a minute, then the two largest whole units', () => {
    assert.equal(formatDuration(0.85), '850 ms');
    assert.equal(formatDuration(1.2), '1.2 s');
    assert.equal(formatDuration(42), '42 s');
    assert.equal(formatDuration(115), '1 min 55 s');
    assert.equal(formatDuration(125), '2 min 5 s');
    assert.equal(formatDuration(180), '3 min');
    assert.equal(formatDuration(287), '4 min 47 s');
    assert.equal(formatDuration(2 * 3600 + 5 * 60 + 59), '2 h 5 min');
    assert.equal(formatDuration(3 * 86_400 + 4 * 3600), '3 d 4 h');
    assert.equal(formatDuration(-90), '-1 min 30 s');
  });

  test('one format for every duration in a column: no style switch at some count of seconds', () => {
    for (let seconds = 60; seconds < 3600; seconds += 7) assert.match(formatDuration(seconds), /^\d+ min( \d+ s)?$/, String(seconds));
  });
});

describe('formatRelativeTime', () => {
  const now = Date.UTC(2025, 10, 15, 12);
  test('past and future in coarse steps', () => {
    assert.equal(formatRelativeTime(now - 2_000, now), 'just now');
    assert.equal(formatRelativeTime(now - 12_000, now), '12 s ago');
    assert.equal(formatRelativeTime(now - 5 * 60_000 - 59_000, now), '5 min ago');
    assert.equal(formatRelativeTime(now - 3 * 3_600_000, now), '3 h ago');
    assert.equal(formatRelativeTime(now - 2 * 86_400_000, now), '2 d ago');
    assert.equal(formatRelativeTime(now + 30_000, now), 'in 30 s');
  });
});

test('formatDay reads day then month', () => {
  assert.equal(formatDay(Date.UTC(2025, 10, 28, 12), { timeZone: 'UTC' }), '28 Nov');
  assert.equal(formatDay(Date.UTC(2025, 10, 28, 23, 30), { timeZone: 'Asia/Tokyo' }), '29 Nov');
});
