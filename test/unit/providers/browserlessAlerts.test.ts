/**
 * What a Browserless card says beyond its figures, from what the server really reports: the queue
 * filling (live /pressure `queued` against `maxQueued`), and sessions the server's timeout ended
 * (/metrics `timedout` of the newest finished period); nothing from stale readings.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildSnapshot } from '../../../src/connections/snapshotBuilder';
import { browserlessAlerts } from '../../../src/providers/browserless/alerts';
import { BROWSERLESS_SERIES } from '../../../src/providers/browserless/descriptor';
import { config, MINUTE, sample } from '../quota/builders';

const P = BROWSERLESS_SERIES.pressure;
const M = BROWSERLESS_SERIES.metrics;
const NOW = Date.UTC(2025, 10, 15, 12);
const options = { timeZone: 'UTC' };

const pressure = (queued: number, maxQueued = 10, maxConcurrent = 5, at = NOW - 10_000) => [
  sample(P.queued, queued, at),
  sample(P.maxQueued, maxQueued, at),
  sample(P.maxConcurrent, maxConcurrent, at),
  sample(P.running, maxConcurrent, at),
];

describe('the queue', () => {
  test('empty: nothing to say', () => {
    assert.deepEqual(browserlessAlerts(pressure(0), NOW, options), []);
  });

  test('filling: how many places are taken, that every browser is busy, and when 429s start', () => {
    assert.deepEqual(browserlessAlerts(pressure(3), NOW, options), [
      'The queue is filling: 3 of 10 places taken and all 5 browsers are busy. At 10, new requests get HTTP 429.',
    ]);
  });

  test('full: new requests are refused', () => {
    assert.deepEqual(browserlessAlerts(pressure(10), NOW, options), [
      'The queue is full (10 of 10 places) and all 5 browsers are busy: new requests get HTTP 429 until one finishes.',
    ]);
  });

  test('a server without a queue limit still says requests wait', () => {
    assert.deepEqual(browserlessAlerts([sample(P.queued, 1, NOW)], NOW, options), ['1 request waiting for a browser: every browser is busy.']);
  });

  test('a queue read long ago (history after a restart) says nothing about now', () => {
    assert.deepEqual(browserlessAlerts(pressure(4, 10, 5, NOW - 10 * MINUTE), NOW, options), []);
  });
});

describe('sessions ended by the timeout', () => {
  const period = (timedout: number, at: number, maxTimeMs = 300_000) => [
    sample(M.timedout, timedout, at),
    sample(M.maxTime, maxTimeMs, at, { unit: 'milliseconds' }),
  ];

  test('the newest period with timeouts says how many and how long the longest ran', () => {
    assert.deepEqual(browserlessAlerts(period(2, NOW - 2 * MINUTE), NOW, options), [
      "2 sessions reached the server's timeout in the 5 minutes to 11:58 (the longest ran 5 min): the server ended them.",
    ]);
  });

  test('none timed out, or the period is long past: nothing', () => {
    assert.deepEqual(browserlessAlerts(period(0, NOW - 2 * MINUTE), NOW, options), []);
    assert.deepEqual(browserlessAlerts(period(3, NOW - 40 * MINUTE), NOW, options), []);
  });

  test('both at once, on the snapshot of a Browserless connection only', () => {
    const latest = [...pressure(2), ...period(1, NOW - MINUTE)];
    const input = { latest, previous: [], history: [], health: 'ok' as const, notes: [], tokenSource: 'secretStorage' as const, now: NOW, options };
    const snapshot = buildSnapshot({ ...input, config: config('browserless') });
    assert.equal(snapshot.alerts?.length, 2);
    assert.match(snapshot.alerts?.[1] ?? '', /^1 session reached the server's timeout .*: the server ended it\.$/);
    assert.equal(buildSnapshot({ ...input, latest: [], config: config('browserless') }).alerts, undefined, 'no alerts, no field');
  });
});
