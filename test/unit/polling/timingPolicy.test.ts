import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  BUDGET_SHARE,
  DEFAULT_FEED_INTERVALS_MS,
  MAX_BACKOFF_MS,
  MAX_RETRY_AFTER_MS,
  MIN_INTERVAL_MS,
  backoffDelayMs,
  budgetNotBefore,
  feedIntervalMs,
  isStale,
  retryAfterNotBefore,
  stretchForBudget,
  withJitter,
} from '../../../src/polling/timingPolicy';

const NOW = 1_700_000_000_000;
const HOUR = 3_600_000;
const middle = (): number => 0.5;

describe('feedIntervalMs', () => {
  test("defaults follow each provider's data cadence", () => {
    assert.equal(feedIntervalMs('browserless', 'pressure'), 15_000);
    assert.equal(feedIntervalMs('browserless', 'metrics'), 300_000);
    assert.equal(feedIntervalMs('cerebras', 'metrics'), 60_000);
    assert.equal(feedIntervalMs('northflank', 'metrics'), 60_000);
    const browserbaseUsage = feedIntervalMs('browserbase', 'usage');
    assert.ok(browserbaseUsage >= 120_000 && browserbaseUsage <= 600_000, 'Browserbase usage every few minutes');
  });

  test('a user override sets the live feed and only slows slower feeds', () => {
    assert.equal(feedIntervalMs('browserless', 'pressure', 30), 30_000);
    // /metrics aggregates 5-minute windows: an override of 30 s must not make it 10× more expensive.
    assert.equal(feedIntervalMs('browserless', 'metrics', 30), 300_000);
    assert.equal(feedIntervalMs('browserless', 'metrics', 600), 600_000);
  });

  test('overrides cannot go below the provider floor that protects its budget', () => {
    assert.equal(feedIntervalMs('cerebras', 'metrics', 1), MIN_INTERVAL_MS.cerebras);
    assert.ok(MIN_INTERVAL_MS.cerebras >= 10_000, 'Cerebras allows 6 requests a minute per organization');
    assert.equal(feedIntervalMs('northflank', 'metrics', 1), MIN_INTERVAL_MS.northflank);
    // At the floor one window uses at most 120 of Northflank's 1000 requests/hour per feed.
    assert.ok(HOUR / MIN_INTERVAL_MS.northflank <= 120);
  });

  test('nonsense overrides are ignored and unknown feeds take the live pace', () => {
    assert.equal(feedIntervalMs('browserless', 'pressure', Number.NaN), 15_000);
    assert.equal(feedIntervalMs('browserless', 'pressure', -5), 15_000);
    assert.equal(feedIntervalMs('prometheus', 'somethingElse'), DEFAULT_FEED_INTERVALS_MS.prometheus.scrape);
  });
});

describe('withJitter', () => {
  test('moves a delay by at most ±10 %', () => {
    assert.equal(
      withJitter(10_000, () => 0),
      9_000,
    );
    assert.equal(withJitter(10_000, middle), 10_000);
    assert.equal(
      withJitter(10_000, () => 0.999_999),
      11_000,
    );
  });

  test('random values spread over the whole band', () => {
    const values = Array.from({ length: 200 }, () => withJitter(10_000, Math.random));
    assert.ok(values.every((value) => value >= 9_000 && value <= 11_000));
    assert.ok(Math.max(...values) - Math.min(...values) > 1_000, 'not all the same');
  });
});

describe('backoffDelayMs', () => {
  test('doubles with each consecutive failure', () => {
    assert.deepEqual(
      [1, 2, 3, 4].map((failures) => backoffDelayMs(15_000, failures, middle)),
      [30_000, 60_000, 120_000, 240_000],
    );
  });

  test('is capped at 15 minutes, jitter included', () => {
    assert.equal(backoffDelayMs(15_000, 7, middle), MAX_BACKOFF_MS);
    assert.equal(
      backoffDelayMs(15_000, 1_000, () => 0.999),
      MAX_BACKOFF_MS,
    );
    assert.ok(backoffDelayMs(15_000, 50, () => 0) < MAX_BACKOFF_MS, 'jitter still spreads at the cap');
    assert.ok(Number.isFinite(backoffDelayMs(15_000, Number.MAX_SAFE_INTEGER, middle)));
  });

  test('never backs off to less than a slow interval the user chose', () => {
    assert.equal(backoffDelayMs(HOUR, 3, middle), HOUR);
  });
});

describe('retryAfterNotBefore', () => {
  test('is exactly now + Retry-After', () => {
    assert.equal(retryAfterNotBefore(NOW, 42_000), NOW + 42_000);
  });

  test('absent, zero or invalid values set no constraint; huge ones are bounded', () => {
    assert.equal(retryAfterNotBefore(NOW, undefined), undefined);
    assert.equal(retryAfterNotBefore(NOW, 0), undefined);
    assert.equal(retryAfterNotBefore(NOW, Number.NaN), undefined);
    assert.equal(retryAfterNotBefore(NOW, 10 * 365 * 24 * HOUR), NOW + MAX_RETRY_AFTER_MS);
  });
});

describe('stretchForBudget', () => {
  const oneFeedPerMinute = 1 / 60_000;

  test('leaves the pace alone when the budget comfortably lasts until the reset', () => {
    // Northflank: 900 left, reset in 30 min, one request a minute = 30 planned.
    const rateLimit = { limit: 1000, remaining: 900, resetAt: NOW + HOUR / 2 };
    assert.equal(stretchForBudget(60_000, { rateLimit, requestsPerMs: oneFeedPerMinute, now: NOW }), 60_000);
  });

  test('stretches so the planned requests fit in the share of what is left', () => {
    // 10 left, reset in 30 min: 30 planned, 10 × 0.5 = 5 allowed → 6× slower.
    const rateLimit = { limit: 1000, remaining: 10, resetAt: NOW + HOUR / 2 };
    assert.equal(BUDGET_SHARE, 0.5);
    assert.equal(stretchForBudget(60_000, { rateLimit, requestsPerMs: oneFeedPerMinute, now: NOW }), 360_000);
  });

  test('counts every feed of the connection against the one budget', () => {
    const rateLimit = { remaining: 100, resetAt: NOW + HOUR };
    // Two feeds a minute for an hour = 120 planned vs 50 allowed.
    assert.equal(stretchForBudget(60_000, { rateLimit, requestsPerMs: 2 / 60_000, now: NOW }), 144_000);
  });

  test('waits for the reset when (almost) nothing is left, but never past it', () => {
    const rateLimit = { remaining: 1, resetAt: NOW + 10 * 60_000 };
    assert.equal(stretchForBudget(60_000, { rateLimit, requestsPerMs: oneFeedPerMinute, now: NOW }), 10 * 60_000);
    const barely = { remaining: 3, resetAt: NOW + HOUR };
    const stretched = stretchForBudget(60_000, { rateLimit: barely, requestsPerMs: oneFeedPerMinute, now: NOW });
    assert.ok(stretched <= HOUR);
  });

  test('ignores incomplete or outdated budget figures', () => {
    const base = { requestsPerMs: oneFeedPerMinute, now: NOW };
    assert.equal(stretchForBudget(60_000, { ...base, rateLimit: undefined }), 60_000);
    assert.equal(stretchForBudget(60_000, { ...base, rateLimit: { remaining: 0 } }), 60_000);
    assert.equal(stretchForBudget(60_000, { ...base, rateLimit: { remaining: 0, resetAt: NOW - 1 } }), 60_000);
  });
});

describe('budgetNotBefore', () => {
  test('a spent budget blocks until its reset', () => {
    assert.equal(budgetNotBefore({ remaining: 0, resetAt: NOW + 5_000 }, NOW), NOW + 5_000);
    assert.equal(budgetNotBefore({ remaining: 1, resetAt: NOW + 5_000 }, NOW), undefined);
    assert.equal(budgetNotBefore({ remaining: 0, resetAt: NOW - 5_000 }, NOW), undefined);
  });
});

describe('isStale', () => {
  test('stale after three intervals without success, or before the first one', () => {
    assert.equal(isStale(undefined, 15_000, NOW), true);
    assert.equal(isStale(NOW - 45_000, 15_000, NOW), false);
    assert.equal(isStale(NOW - 45_001, 15_000, NOW), true);
  });
});
