/**
 * Browserbase's "used this cycle": what the reported figure covers (as set, or inferred from a cycle
 * start or from the sessions list), the one figure that follows, its source and basis, where the
 * sessions list disagrees, and the projection.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BROWSERBASE_SERIES } from '../../../src/providers/browserbase/descriptor';
import { evaluateQuotas, type EvaluateQuotaOptions } from '../../../src/quota/evaluateQuotas';
import type { QuotaSettings, UsageScope } from '../../../src/shared/connections';
import type { Sample } from '../../../src/shared/samples';
import type { QuotaStatus } from '../../../src/shared/snapshot';
import { config, DAY, HOUR, MINUTE, sample } from './builders';

const UTC: EvaluateQuotaOptions = { timeZone: 'UTC' };
const NOW = Date.UTC(2025, 10, 15, 12); // 15 Nov 2025 12:00 UTC; the cycle is 1 Nov – 1 Dec
const CYCLE_START = Date.UTC(2025, 10, 1);

const minutes = (value: number | null, at: number, flags?: Sample['flags']) =>
  sample(BROWSERBASE_SERIES.usage.browserMinutes, value, at, { unit: 'minutes', ...(flags ? { flags } : {}) });
const sessionMinutes = (value: number, at: number) => sample(BROWSERBASE_SERIES.cycle.browserMinutes, value, at, { unit: 'minutes' });
const proxy = (value: number, at: number) => sample(BROWSERBASE_SERIES.usage.proxyBytes, value, at, { unit: 'bytes' });
const sessionProxy = (value: number, at: number) => sample(BROWSERBASE_SERIES.cycle.proxyBytes, value, at, { unit: 'bytes' });

function evaluate(
  latest: Sample[],
  history: Sample[] = [],
  quota: QuotaSettings = { monthlyBrowserMinutes: 6000 },
  usageScope?: UsageScope,
  now = NOW,
): QuotaStatus[] {
  return evaluateQuotas({ ...config('browserbase', quota), ...(usageScope ? { usageScope } : {}) }, latest, history, now, UTC);
}

function rule(statuses: readonly QuotaStatus[], id: string): QuotaStatus {
  const found = statuses.find((status) => status.id === id);
  assert.ok(found, `no rule ${id}`);
  return found;
}

describe('what the reported figure covers', () => {
  // Watching since before the cycle: 50,000 lifetime minutes on 31 Oct, 40 minutes a day lately.
  const current = minutes(55_530, NOW);
  const lifetime = [minutes(50_000, Date.UTC(2025, 9, 31, 23)), minutes(50_010, Date.UTC(2025, 10, 1, 0, 10)), minutes(55_490, NOW - DAY), current];

  test('a figure that kept rising across the cycle start is the lifetime: counted from the reading before the cycle', () => {
    const status = rule(evaluate([current], lifetime), 'browserMinutes');
    assert.equal(status.value, 5_530);
    assert.equal(status.source, 'reported by Browserbase, less its reading of 31 Oct');
    assert.deepEqual(status.basis, { series: BROWSERBASE_SERIES.usage.browserMinutes, offset: 50_000, since: CYCLE_START });
    assert.equal(status.level, 'critical');
    // 470 minutes left at 40 a day.
    assert.equal(status.exhaustedAt, NOW + Math.round((470 / 40) * DAY));
    assert.match(status.detail ?? '', /usage scope lifetime \(inferred: it kept rising \(50,000 min to 50,010 min\) across the cycle start on 1 Nov\)/);
  });

  test('a figure that dropped at the cycle start covers the cycle: the reported value is the figure', () => {
    const readings = [minutes(5_900, Date.UTC(2025, 9, 31, 22)), minutes(12, Date.UTC(2025, 10, 1, 1)), minutes(3_000, NOW)];
    const status = rule(evaluate([readings[2] as Sample], readings), 'browserMinutes');
    assert.equal(status.value, 3_000);
    assert.equal(status.source, 'reported by Browserbase');
    assert.deepEqual(status.basis, { series: BROWSERBASE_SERIES.usage.browserMinutes, offset: 0, since: CYCLE_START });
    assert.match(status.detail ?? '', /billing cycle \(inferred: it dropped from 5,900 min to 12 min when the cycle started on 1 Nov\)/);
  });

  test('set explicitly, the setting wins over what the readings suggest', () => {
    const asCycle = rule(evaluate([current], lifetime, undefined, 'billingCycle'), 'browserMinutes');
    assert.equal(asCycle.value, 55_530);
    assert.match(asCycle.detail ?? '', /usage scope billing cycle \(as set in usageScope\)/);
    const readings = [minutes(5_900, Date.UTC(2025, 9, 31, 22)), minutes(12, Date.UTC(2025, 10, 1, 1)), minutes(3_000, NOW)];
    assert.equal(
      rule(evaluate([readings[2] as Sample], readings, undefined, 'lifetime'), 'browserMinutes').value,
      null,
      'no baseline below the current figure, no sessions',
    );
  });

  test('installed mid-cycle with a lifetime figure: the sessions list gives the cycle, the same at every later reading', () => {
    // The case: 18,307 reported right after adding the connection, 67 minutes of sessions this cycle.
    const first = [minutes(18_307, NOW - 3 * MINUTE), sessionMinutes(67, NOW - 3 * MINUTE)];
    const before = rule(evaluate(first, first, { monthlyBrowserMinutes: 30_000 }), 'browserMinutes');
    assert.equal(before.value, 67);
    assert.equal(before.source, 'sessions list');
    assert.deepEqual(before.basis, { series: BROWSERBASE_SERIES.cycle.browserMinutes, offset: 0, since: CYCLE_START });
    assert.match(before.detail ?? '', /Browserbase reports 18,307 min in total/);
    assert.match(before.detail ?? '', /lifetime \(inferred: the reported 18,307 min is far above this cycle’s sessions \(67 min\)/);
    // Three minutes later it is not "3 / 30,000" (counted from the first reading): the same source, grown by the use since.
    const later = [minutes(18_310, NOW), sessionMinutes(70, NOW)];
    assert.equal(rule(evaluate(later, [...first, ...later], { monthlyBrowserMinutes: 30_000 }), 'browserMinutes').value, 70);
  });

  test('a reported figure that matches this cycle’s sessions covers the cycle; small differences are not called out', () => {
    const status = rule(evaluate([minutes(70, NOW), sessionMinutes(67, NOW)]), 'browserMinutes');
    assert.equal(status.value, 70);
    assert.equal(status.source, 'reported by Browserbase');
    assert.match(status.detail ?? '', /billing cycle \(inferred: the reported 70 min matches this cycle’s sessions \(67 min\)\)/);
    assert.doesNotMatch(status.detail ?? '', /sessions list adds up/);
  });

  test('where the reported figure and the sessions list disagree, both are shown', () => {
    const status = rule(evaluate([minutes(500, NOW), sessionMinutes(300, NOW)], [], undefined, 'billingCycle'), 'browserMinutes');
    assert.equal(status.value, 500);
    assert.match(status.detail ?? '', /the sessions list adds up to 300 min this cycle/);
  });

  test('with nothing to tell, the figure is taken as the cycle’s (it can only warn early) and says so', () => {
    const status = rule(evaluate([minutes(4_600, NOW)]), 'browserMinutes');
    assert.equal(status.value, 4_600);
    assert.equal(status.level, 'warning');
    assert.match(status.detail ?? '', /assumed until a cycle start or the sessions list tells/);
  });

  test('a lifetime figure without a baseline or a sessions list is no value, with the reason', () => {
    const status = rule(evaluate([minutes(50_000, NOW)], [], undefined, 'lifetime'), 'browserMinutes');
    assert.equal(status.value, null);
    assert.match(status.detail ?? '', /this cycle’s use is not known yet: Browserbase reports 50,000 min in total/);
  });

  test('proxy data follows the scope the minutes decided, and is compared in bytes against decimal gigabytes', () => {
    const latest = [minutes(18_307, NOW), sessionMinutes(67, NOW), proxy(9e9, NOW), sessionProxy(4.6e9, NOW)];
    const status = rule(evaluate(latest, latest, { monthlyProxyGigabytes: 5 }), 'proxyData');
    assert.equal(status.source, 'sessions list');
    assert.equal(status.value, 4.6e9);
    assert.equal(status.limit, 5e9);
    assert.equal(status.level, 'critical');
  });

  test('flagged history is never a baseline, and a downsampled point counts with its newest value', () => {
    const bucket: Sample = { ...minutes(50_005, Date.UTC(2025, 10, 1, 1)), aggregate: { bucketMs: HOUR, count: 12, min: 50_001, max: 50_010, last: 50_010 } };
    const readings = [
      minutes(null, Date.UTC(2025, 9, 31, 23, 50), ['invalidNegative']),
      { ...minutes(0, Date.UTC(2025, 9, 31, 23, 55)), flags: ['invalidNegative' as const] },
      minutes(50_000, Date.UTC(2025, 9, 31, 23)),
      bucket,
      current,
    ];
    const status = rule(evaluate([current], readings), 'browserMinutes');
    assert.equal(status.value, 5_530);
    assert.match(status.detail ?? '', /50,000 min to 50,010 min/, 'the bucket reads as its newest value');
  });

  test('a newest reading from the previous cycle is no value for this one', () => {
    const old = minutes(50_000, Date.UTC(2025, 9, 30));
    const status = rule(evaluate([old], [old]), 'browserMinutes');
    assert.equal(status.value, null);
    assert.match(status.detail ?? '', /no reading in this billing cycle yet/);
  });

  test('a projection past the cycle end gives the expected total at renewal instead of a date', () => {
    const status = rule(evaluate([current], lifetime, { monthlyBrowserMinutes: 20_000 }), 'browserMinutes');
    assert.equal(status.exhaustedAt, undefined);
    // 5,530 + 40 a day for the 15.5 days to 1 Dec = 6,150.
    assert.match(status.detail ?? '', /about 6,150 min will be used by the time the cycle renews on 1 Dec/);
  });

  test('without an allocation the rule reports use but no level, and names the setting', () => {
    const status = rule(evaluate([current], lifetime, {}), 'browserMinutes');
    assert.equal(status.value, 5_530);
    assert.equal(status.limit, null);
    assert.equal(status.level, 'ok');
    assert.match(status.detail ?? '', /quota\.monthlyBrowserMinutes/);
  });

  test('an allocation of 0 means none is included: any use is over (critical), no use is fine', () => {
    const used = rule(evaluate([current], lifetime, { monthlyBrowserMinutes: 0 }), 'browserMinutes');
    assert.equal(used.limit, 0);
    assert.equal(used.level, 'critical');
    assert.match(used.detail ?? '', /no allowance \(quota 0\): any use is billed as overage/);
    const unused = rule(evaluate([minutes(0, NOW)], [], { monthlyBrowserMinutes: 0 }), 'browserMinutes');
    assert.equal(unused.level, 'ok');
    assert.match(unused.detail ?? '', /no allowance/);
  });
});

test('running sessions vs the project concurrency, only once a session count is reported', () => {
  const limit = sample(BROWSERBASE_SERIES.project.concurrencyLimit, 3, NOW);
  assert.equal(
    evaluate([limit]).find((status) => status.id === 'sessions'),
    undefined,
  );
  const status = rule(evaluate([limit, sample(BROWSERBASE_SERIES.sessions.running, 3, NOW)]), 'sessions');
  assert.equal(status.level, 'critical');
  assert.match(status.detail ?? '', /HTTP 429/);
  assert.deepEqual(status.from, { series: BROWSERBASE_SERIES.sessions.running });
});
