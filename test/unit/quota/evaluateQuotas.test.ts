import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { billingCycle, evaluateQuotas, levelForPercent, quotaThresholds, type EvaluateQuotaOptions } from '../../../src/quota/evaluateQuotas';
import { BROWSERLESS_SERIES } from '../../../src/providers/browserless/descriptor';
import { CEREBRAS_SERIES } from '../../../src/providers/cerebras/descriptor';
import type { QuotaSettings } from '../../../src/shared/connections';
import type { Sample } from '../../../src/shared/samples';
import type { QuotaStatus } from '../../../src/shared/snapshot';
import { config, HOUR, MINUTE, sample } from './builders';

const UTC: EvaluateQuotaOptions = { timeZone: 'UTC' };
const NOW = Date.UTC(2025, 10, 15, 12); // 15 Nov 2025 12:00 UTC

function rule(statuses: readonly QuotaStatus[], id: string): QuotaStatus {
  const found = statuses.find((status) => status.id === id);
  assert.ok(found, `no rule ${id} in ${statuses.map((status) => status.id).join(', ')}`);
  return found;
}

describe('thresholds', () => {
  test('boundaries belong to the higher level: 74.9 ok, 75 warning, 89.9 warning, 90 critical', () => {
    const defaults = quotaThresholds(undefined);
    assert.deepEqual(defaults, { warnPercent: 75, criticalPercent: 90 });
    assert.equal(levelForPercent(74.9, defaults), 'ok');
    assert.equal(levelForPercent(75, defaults), 'warning');
    assert.equal(levelForPercent(89.9, defaults), 'warning');
    assert.equal(levelForPercent(90, defaults), 'critical');
    assert.equal(levelForPercent(null, defaults), 'ok');
  });

  test('nonsense settings fall back to defaults and a warning line above the critical line is lowered to it', () => {
    assert.deepEqual(quotaThresholds({ warnPercent: 0, criticalPercent: Number.NaN }), { warnPercent: 75, criticalPercent: 90 });
    assert.deepEqual(quotaThresholds({ warnPercent: 95, criticalPercent: 80 }), { warnPercent: 80, criticalPercent: 80 });
  });
});

describe('Browserless rules', () => {
  const ids = BROWSERLESS_SERIES.pressure;
  const pressure = (values: Partial<Record<keyof typeof ids, number>>, extra: Sample[] = []): Sample[] => [
    ...Object.entries(values).map(([key, value]) => sample(ids[key as keyof typeof ids], value, NOW, { unit: key === 'isAvailable' ? 'state' : 'count' })),
    ...extra,
  ];
  const evaluate = (samples: Sample[], quota?: QuotaSettings) => evaluateQuotas(config('browserless', quota), samples, [], NOW);

  test('concurrency saturation at 74.9 / 75 / 89.9 / 90 %', () => {
    const level = (running: number) => rule(evaluate(pressure({ running, maxConcurrent: 1000, isAvailable: 1 })), 'concurrency').level;
    assert.equal(level(749), 'ok');
    assert.equal(level(750), 'warning');
    assert.equal(level(899), 'warning');
    assert.equal(level(900), 'critical');
    const status = rule(evaluate(pressure({ running: 3, maxConcurrent: 10 })), 'concurrency');
    assert.equal(status.ratio, 0.3);
    assert.equal(status.value, 3);
    assert.equal(status.limit, 10);
  });

  test('custom thresholds from the connection override the defaults', () => {
    const level = (running: number) => rule(evaluate(pressure({ running, maxConcurrent: 10 }), { warnPercent: 50, criticalPercent: 60 }), 'concurrency').level;
    assert.equal(level(4), 'ok');
    assert.equal(level(5), 'warning');
    assert.equal(level(6), 'critical');
  });

  test('a non-empty queue is at least a warning, a nearly full one critical', () => {
    const queue = (queued: number) => rule(evaluate(pressure({ queued, maxQueued: 10 })), 'queue');
    assert.equal(queue(0).level, 'ok');
    assert.equal(queue(1).level, 'warning');
    assert.match(queue(1).detail ?? '', /1 request is waiting/);
    assert.equal(queue(9).level, 'critical');
  });

  test('isAvailable=false is critical even with low ratios, and says why', () => {
    const statuses = evaluate([
      ...pressure({ running: 1, maxConcurrent: 10, queued: 0, maxQueued: 10 }),
      sample(ids.isAvailable, 0, NOW, { unit: 'state', labels: { reason: 'cpu' } }),
    ]);
    assert.equal(rule(statuses, 'concurrency').level, 'ok');
    const availability = rule(statuses, 'availability');
    assert.equal(availability.level, 'critical');
    assert.match(availability.detail ?? '', /CPU health check failed/);
    assert.equal(rule(evaluate(pressure({ isAvailable: 1 })), 'availability').level, 'ok');
  });

  test('recent rejections make a warning', () => {
    assert.equal(rule(evaluate(pressure({ recentlyRejected: 0 })), 'rejections').level, 'ok');
    const rejected = rule(evaluate(pressure({ recentlyRejected: 3 })), 'rejections');
    assert.equal(rejected.level, 'warning');
    assert.match(rejected.detail ?? '', /3 requests rejected \(HTTP 429\)/);
  });

  test('a flagged (negative) running count is never used, even if a value slipped through', () => {
    const flagged = [sample(ids.running, -1, NOW, { flags: ['invalidNegative'], rawValue: -1 }), sample(ids.maxConcurrent, 10, NOW)];
    const status = rule(evaluate(flagged), 'concurrency');
    assert.equal(status.value, null);
    assert.equal(status.ratio, null);
    assert.equal(status.level, 'ok');
    assert.match(status.detail ?? '', /withheld.*negative/);
    // A withheld newest value must not be replaced by an older real one.
    const older = [...flagged, sample(ids.running, 9, NOW - MINUTE)];
    assert.equal(rule(evaluate(older), 'concurrency').value, null);
  });

  test('no samples: every rule is ok with ratio null and "no value yet"', () => {
    for (const status of evaluate([])) {
      assert.equal(status.ratio, null, status.id);
      assert.equal(status.level, 'ok', status.id);
      assert.match(status.detail ?? '', /no value yet/, status.id);
    }
  });
});

describe('billingCycle', () => {
  test('default day 1: the calendar month in UTC', () => {
    assert.deepEqual(billingCycle(NOW), { start: Date.UTC(2025, 10, 1), end: Date.UTC(2025, 11, 1) });
    assert.equal(billingCycle(Date.UTC(2025, 10, 1)).start, Date.UTC(2025, 10, 1), 'the start instant belongs to the new cycle');
    assert.equal(billingCycle(Date.UTC(2025, 10, 1) - 1).start, Date.UTC(2025, 9, 1));
  });

  test('a cycle day after today reaches back across the month and year boundary', () => {
    assert.deepEqual(billingCycle(Date.UTC(2025, 0, 10), 15), { start: Date.UTC(2024, 11, 15), end: Date.UTC(2025, 0, 15) });
    assert.deepEqual(billingCycle(Date.UTC(2025, 11, 20), 15), { start: Date.UTC(2025, 11, 15), end: Date.UTC(2026, 0, 15) });
    assert.equal(billingCycle(NOW, 31).start, Date.UTC(2025, 9, 28), 'days past 28 are clamped, since February has no 31st');
  });
});

describe('Cerebras rules', () => {
  const ids = CEREBRAS_SERIES;
  const minute = Date.UTC(2025, 10, 15, 11, 59);
  const evaluate = (latest: Sample[], quota?: QuotaSettings) => evaluateQuotas(config('cerebras', quota), latest, [], NOW, UTC);
  const requests = (value: number, endpoint = 'llama', at = minute) => sample(ids.requests, value, at, { labels: { endpoint } });
  const failures = (value: number, code = '500', at = minute) => sample(ids.requestsFailure, value, at, { labels: { endpoint: 'llama', code } });

  test('failure rate of the newest minute against 5 %, at 74.9 / 75 / 89.9 / 90 % of it', () => {
    const level = (failed: number) => rule(evaluate([requests(10_000), failures(failed)]), 'failureRate').level;
    assert.equal(level(374), 'ok'); // 3.74 % = 74.8 % of 5 %
    assert.equal(level(375), 'warning'); // 3.75 % = 75 %
    assert.equal(level(449), 'warning'); // 4.49 % = 89.8 %
    assert.equal(level(450), 'critical'); // 4.5 % = 90 %
  });

  test('sums endpoints and codes of the newest minute only', () => {
    const status = rule(
      evaluate([requests(100, 'a'), requests(100, 'b'), failures(7, '500'), failures(1, '429'), failures(50, '503', minute - MINUTE)]),
      'failureRate',
    );
    assert.equal(status.value, 4);
    assert.equal(status.limit, 5);
    assert.equal(status.level, 'warning');
    assert.match(status.detail ?? '', /8 of 200 requests failed in the minute to 11:59/);
  });

  test('custom failure-rate limit', () => {
    assert.equal(rule(evaluate([requests(100), failures(2)], { failureRatePercent: 2 }), 'failureRate').level, 'critical');
  });

  test('no failure family, no requests, or a withheld count give no ratio', () => {
    assert.equal(rule(evaluate([requests(100)]), 'failureRate').ratio, null);
    assert.match(rule(evaluate([requests(0), failures(0)]), 'failureRate').detail ?? '', /no requests/);
    const withheld = rule(evaluate([requests(100), sample(ids.requestsFailure, null, minute, { flags: ['invalidNegative'], rawValue: -3 })]), 'failureRate');
    assert.equal(withheld.ratio, null);
    assert.equal(withheld.level, 'ok');
  });

  test('p95 latency of the slowest endpoint against 10 s; other statistics ignored', () => {
    const latency = (value: number, statistic = 'p95', endpoint = 'llama') =>
      sample(ids.e2eLatency, value, minute, { unit: 'seconds', labels: { endpoint, statistic } });
    const status = rule(evaluate([latency(2, 'p95', 'a'), latency(8, 'p95', 'b'), latency(60, 'p99'), latency(30, 'avg')]), 'p95Latency');
    assert.equal(status.value, 8);
    assert.equal(status.level, 'warning');
    assert.match(status.detail ?? '', /of b/);
    assert.equal(rule(evaluate([latency(7.49)]), 'p95Latency').level, 'ok');
    assert.equal(rule(evaluate([latency(3)], { p95LatencySeconds: 3 }), 'p95Latency').level, 'critical');
  });

  test('endpoint status 0 (down) or -1 (unknown) is critical; 1 is ok', () => {
    const status = (value: number) => sample(ids.endpointStatus, value, minute, { unit: 'state', labels: { endpoint: 'llama' } });
    assert.equal(rule(evaluate([status(1)]), 'endpointStatus').level, 'ok');
    const down = rule(evaluate([status(0)]), 'endpointStatus');
    assert.equal(down.level, 'critical');
    assert.match(down.detail ?? '', /llama is down/);
    assert.equal(rule(evaluate([status(-1)]), 'endpointStatus').level, 'critical');
  });
});

describe('Northflank rules', () => {
  const cpu = (value: number, container: string, unit: Sample['unit'] = 'percent', at = NOW) =>
    sample('northflank.cpu', value, at, { unit, labels: { container } });
  const evaluate = (latest: Sample[], quota?: QuotaSettings) => evaluateQuotas(config('northflank', quota), latest, [], NOW, UTC);

  test('percent against 100, worst container wins', () => {
    const status = rule(evaluate([cpu(50, 'web-1'), cpu(80, 'web-2')]), 'cpu');
    assert.equal(status.value, 80);
    assert.equal(status.limit, 100);
    assert.equal(status.level, 'warning');
    assert.match(status.detail ?? '', /busiest container web-2/);
    assert.equal(rule(evaluate([cpu(74.9, 'a')]), 'cpu').level, 'ok');
    assert.equal(rule(evaluate([cpu(90, 'a')]), 'cpu').level, 'critical');
  });

  test('vCPU needs a configured limit; without one the rule is skipped with the setting named', () => {
    const unknown = rule(evaluate([cpu(0.45, 'web-1', 'vcpu')]), 'cpu');
    assert.equal(unknown.ratio, null);
    assert.equal(unknown.level, 'ok');
    assert.equal(unknown.value, 0.45);
    assert.match(unknown.detail ?? '', /quota\.cpuLimitVcpu/);
    const known = rule(evaluate([cpu(0.45, 'web-1', 'vcpu')], { cpuLimitVcpu: 0.5 }), 'cpu');
    assert.equal(known.level, 'critical');
    assert.equal(known.unit, 'vcpu');
  });

  test('memory in megabytes against memoryLimitMegabytes', () => {
    const memory = sample('northflank.memory', 800, NOW, { unit: 'megabytes', labels: { container: 'web-1' } });
    assert.equal(rule(evaluate([memory], { memoryLimitMegabytes: 1024 }), 'memory').level, 'warning');
    assert.match(rule(evaluate([memory]), 'memory').detail ?? '', /quota\.memoryLimitMegabytes/);
  });

  test('a container from a replaced deployment does not decide the level', () => {
    assert.equal(rule(evaluate([cpu(99, 'old', 'percent', NOW - HOUR), cpu(10, 'new')]), 'cpu').level, 'ok');
  });

  test('an unknown unit is not compared', () => {
    const status = rule(evaluate([cpu(5, 'web-1', 'raw:millicores')]), 'cpu');
    assert.equal(status.ratio, null);
    assert.match(status.detail ?? '', /millicores, which has no known limit/);
  });
});

test('generic Prometheus connections have no default rules', () => {
  assert.deepEqual(evaluateQuotas(config('prometheus'), [sample('up', 1, NOW)], [], NOW), []);
});
