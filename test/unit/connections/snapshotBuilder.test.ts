/**
 * The pure snapshot builder: latest values read by their semantics (a counter's rate and total, a
 * histogram's quantiles, Yes/No, a state's word), info series as labels, series the descriptor does not
 * know kept and marked, figures with the chart line that carries the same number, and the health rules.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildSnapshot, connectionHealth, type HealthInput, type SnapshotInput } from '../../../src/connections/snapshotBuilder';
import { BROWSERBASE_SERIES } from '../../../src/providers/browserbase/descriptor';
import { BROWSERLESS_SERIES } from '../../../src/providers/browserless/descriptor';
import { CEREBRAS_SERIES } from '../../../src/providers/cerebras/descriptor';
import { quotaKey, ratioKey, totalKey } from '../../../src/shared/chartGroups';
import type { ConnectionConfig } from '../../../src/shared/connections';
import type { Sample } from '../../../src/shared/samples';
import type { ConnectionSnapshot } from '../../../src/shared/snapshot';
import { config, sample } from '../quota/builders';

const NOW = Date.UTC(2025, 10, 15, 12);

function build(connection: ConnectionConfig, latest: Sample[], previous: Sample[] = [], extra: Partial<SnapshotInput> = {}): ConnectionSnapshot {
  return buildSnapshot({ config: connection, latest, previous, history: [], health: 'ok', notes: [], tokenSource: 'secretStorage', now: NOW, ...extra });
}

const row = (snapshot: ConnectionSnapshot, key: string) => {
  const found = snapshot.values.find((entry) => entry.key === key);
  assert.ok(found, `no value ${key} in ${snapshot.values.map((entry) => entry.key).join(', ')}`);
  return found;
};

describe('latest values', () => {
  const prometheus = config('prometheus');
  const counter = (value: number, at: number) => sample('http_requests_total', value, at, { unit: 'none', labels: { code: '200', __type__: 'counter' } });

  test('a counter shows its rate per second, its total beside it; with one reading the rate waits for the next', () => {
    const one = build(prometheus, [counter(1200, NOW)]);
    assert.equal(row(one, 'http_requests_total{code=200}').value, null);
    assert.equal(row(one, 'http_requests_total{code=200}').total, 1200);
    const two = build(prometheus, [counter(1200, NOW)], [counter(900, NOW - 30_000)]);
    const rate = row(two, 'http_requests_total{code=200}');
    assert.equal(rate.value, 10);
    assert.equal(rate.unit, 'rate:second:none');
    assert.equal(rate.semantics, 'counter');
    assert.equal(rate.context?.__type__, 'counter', 'the type travels as context, never as an identifying label');
  });

  test('a histogram shows p50/p95/p99 of the last interval, an info series is a label on the card, not a value', () => {
    const at = (value: number, le: string, when: number) => sample('rt_seconds_bucket', value, when, { labels: { le, __type__: 'histogram' } });
    const latest = [at(60, '0.1', NOW), at(100, '+Inf', NOW), sample('build_info', 1, NOW, { unit: 'none', labels: { version: '1.4.2', __type__: 'gauge' } })];
    const previous = [at(10, '0.1', NOW - 10_000), at(10, '+Inf', NOW - 10_000)];
    const snapshot = build(prometheus, latest, previous);
    // 90 new observations, 50 of them up to 0.1 s: the median is 0.09 s.
    assert.ok(Math.abs((row(snapshot, 'rt_seconds{}#p50').value as number) - 0.09) < 1e-12);
    assert.equal(row(snapshot, 'rt_seconds{}#observations').value, 9);
    assert.ok(!snapshot.values.some((entry) => entry.series.startsWith('build')));
    assert.deepEqual(snapshot.info, [{ name: 'build', labels: { version: '1.4.2' } }]);
    assert.ok(!snapshot.values.some((entry) => entry.key.includes('le=')), 'no bucket rows');
  });

  test('yes/no and state series carry their words; the context label says why', () => {
    const snapshot = build(config('browserless'), [sample(BROWSERLESS_SERIES.pressure.isAvailable, 0, NOW, { unit: 'state', labels: { reason: 'full' } })]);
    const value = row(snapshot, `${BROWSERLESS_SERIES.pressure.isAvailable}{}`);
    assert.deepEqual(value.words, { '0': 'No', '1': 'Yes' });
    assert.deepEqual(value.context, { reason: 'full' });
    const cerebras = build(config('cerebras'), [sample(CEREBRAS_SERIES.endpointStatus, -1, NOW, { unit: 'state', labels: { endpoint: 'x' } })]);
    assert.equal(row(cerebras, `${CEREBRAS_SERIES.endpointStatus}{endpoint=x}`).words?.['-1'], 'unknown');
  });

  test('a series the descriptor does not know is kept, marked unknown and listed last', () => {
    const snapshot = build(config('browserless'), [
      sample('browserless.pressure.brandNewField', 7, NOW, { unit: 'none' }),
      sample(BROWSERLESS_SERIES.pressure.running, 3, NOW),
    ]);
    assert.deepEqual(
      snapshot.values.map((entry) => [entry.series, entry.known]),
      [
        [BROWSERLESS_SERIES.pressure.running, true],
        ['browserless.pressure.brandNewField', false],
      ],
    );
    assert.deepEqual(
      snapshot.latest.map((entry) => entry.series),
      ['browserless.pressure.brandNewField', BROWSERLESS_SERIES.pressure.running],
    );
  });

  test('a withheld value keeps its flag and the number the server sent', () => {
    const snapshot = build(config('browserless'), [sample(BROWSERLESS_SERIES.pressure.running, null, NOW, { flags: ['invalidNegative'], rawValue: -1 })]);
    const value = row(snapshot, `${BROWSERLESS_SERIES.pressure.running}{}`);
    assert.equal(value.value, null);
    assert.deepEqual(value.flags, ['invalidNegative']);
    assert.equal(value.rawValue, -1);
  });
});

describe('figures', () => {
  test('Browserless: from the quota rules, in the descriptor’s order, each pointing at its chart line', () => {
    const ids = BROWSERLESS_SERIES.pressure;
    const snapshot = build(config('browserless'), [
      sample(ids.running, 9, NOW),
      sample(ids.maxConcurrent, 10, NOW),
      sample(ids.queued, 0, NOW),
      sample(ids.maxQueued, 5, NOW),
    ]);
    assert.deepEqual(
      snapshot.figures.map((figure) => [figure.id, figure.value, figure.limit, figure.level, figure.chart?.key, figure.chart?.dataset]),
      [
        ['concurrency', 9, 10, 'critical', 'concurrency', `${ids.running}{}`],
        ['queue', 0, 5, 'ok', 'concurrency', `${ids.queued}{}`],
        ['availability', null, null, 'ok', undefined, undefined],
        ['rejections', null, null, 'ok', undefined, undefined],
      ],
    );
    assert.equal(snapshot.level, 'critical');
  });

  test('Cerebras: requests summed over endpoints at the newest minute, failure rate and p95 of the slowest endpoint', () => {
    const minute = NOW - 60_000;
    const snapshot = build(config('cerebras'), [
      sample(CEREBRAS_SERIES.requests, 70, minute, { labels: { endpoint: 'a' } }),
      sample(CEREBRAS_SERIES.requests, 50, minute, { labels: { endpoint: 'b' } }),
      sample(CEREBRAS_SERIES.requestsFailure, 6, minute, { labels: { endpoint: 'a', code: '500' } }),
      sample(CEREBRAS_SERIES.e2eLatency, 1.5, minute, { unit: 'seconds', labels: { endpoint: 'b', statistic: 'p95' } }),
      sample(CEREBRAS_SERIES.e2eLatency, 0.5, minute, { unit: 'seconds', labels: { endpoint: 'a', statistic: 'p95' } }),
    ]);
    const figure = (id: string) => snapshot.figures.find((entry) => entry.id === id);
    assert.deepEqual([figure('requests')?.value, figure('requests')?.chart], [120, { key: 'requests', dataset: totalKey(CEREBRAS_SERIES.requests) }]);
    assert.deepEqual(
      [figure('failureRate')?.value, figure('failureRate')?.chart?.dataset],
      [5, ratioKey(CEREBRAS_SERIES.requestsFailure, CEREBRAS_SERIES.requests)],
    );
    assert.deepEqual(figure('p95Latency')?.chart, { key: 'e2e:b', dataset: `${CEREBRAS_SERIES.e2eLatency}{endpoint=b,statistic=p95}` });
  });

  test('Browserbase: the minutes figure carries its source and points at the quota’s own line', () => {
    const snapshot = build({ ...config('browserbase'), usageScope: 'billingCycle' }, [
      sample(BROWSERBASE_SERIES.usage.browserMinutes, 412, NOW, { unit: 'minutes' }),
    ]);
    const minutes = snapshot.figures.find((entry) => entry.id === 'browserMinutes');
    assert.equal(minutes?.value, 412);
    assert.equal(minutes?.source, 'reported by Browserbase');
    assert.deepEqual(minutes?.chart, { key: 'browserMinutes', dataset: quotaKey('browserMinutes') });
  });

  test('Prometheus: its first families by name, each as its semantics reads it', () => {
    const snapshot = build(
      config('prometheus'),
      [
        sample('b_total', 30, NOW, { unit: 'none', labels: { __type__: 'counter' } }),
        sample('a_depth', 4, NOW, { unit: 'none', labels: { q: 'x', __type__: 'gauge' } }),
      ],
      [sample('b_total', 0, NOW - 10_000, { unit: 'none', labels: { __type__: 'counter' } })],
    );
    assert.deepEqual(
      snapshot.figures.map((figure) => [figure.label, figure.value, figure.unit, figure.chart?.key]),
      [
        ['a_depth {q=x}', 4, 'none', 'a_depth'],
        ['b_total', 3, 'rate:second:none', 'b_total'],
      ],
    );
  });
});

describe('connectionHealth', () => {
  const base: HealthInput = {
    enabled: true,
    tokenMissing: false,
    errors: new Map(),
    primaryFeed: { key: 'c/live', intervalMs: 10_000 },
    lastSuccessAt: 1000,
    now: 2000,
  };

  test('disabled, then a missing or rejected token, then a broken configuration', () => {
    assert.equal(connectionHealth({ ...base, enabled: false, tokenMissing: true }), 'disabled');
    assert.equal(connectionHealth({ ...base, tokenMissing: true }), 'authNeeded');
    assert.equal(connectionHealth({ ...base, errors: new Map([['c/other', 'auth']]) }), 'authNeeded');
    assert.equal(connectionHealth({ ...base, configError: 'v1 takes no Bearer token' }), 'error');
  });

  test('only the live feed failing makes an error; a secondary feed failing does not', () => {
    assert.equal(connectionHealth({ ...base, errors: new Map([['c/live', 'server']]) }), 'error');
    assert.equal(connectionHealth({ ...base, errors: new Map([['c/total', 'timeout']]) }), 'ok');
  });

  test('loading until the first success (an error when every attempt failed), stale after three live intervals', () => {
    const { lastSuccessAt: _ignored, ...never } = base;
    assert.equal(connectionHealth(never), 'loading');
    assert.equal(connectionHealth({ ...never, primaryFeed: undefined, errors: new Map([['c/x', 'network']]) }), 'error');
    assert.equal(connectionHealth({ ...base, now: 1000 + 30_000 }), 'ok');
    assert.equal(connectionHealth({ ...base, now: 1000 + 30_001 }), 'stale');
  });
});

describe('runaway sessions', () => {
  const running = (id: string, minutesAgo: number, keepAlive = false) => ({
    id,
    startedAt: NOW - minutesAgo * 60_000,
    keepAlive,
    region: 'us-west-2',
    expiresAt: NOW + 60 * 60_000,
    tags: 'client=acme',
  });
  const sessions = [running('a', 10), running('b', 31, true), running('c', 75)];

  test("a Browserbase snapshot lists the sessions past the connection's threshold, 30 minutes unless set", () => {
    const snapshot = build(config('browserbase'), [], [], { running: { sessions, readAt: NOW - 5_000 } });
    assert.deepEqual(
      snapshot.runaways?.sessions.map((session) => session.id),
      ['c', 'b'],
    );
    assert.equal(snapshot.runaways?.thresholdMinutes, 30);
    assert.equal(snapshot.runaways?.readAt, NOW - 5_000);
    const stricter = build({ ...config('browserbase'), runawaySessionMinutes: 5 }, [], [], { running: { sessions, readAt: NOW } });
    assert.deepEqual(
      stricter.runaways?.sessions.map((session) => session.id),
      ['c', 'b', 'a'],
    );
  });

  test('before the running sessions were read there is no list (not an empty one), and other providers never have one', () => {
    assert.equal(build(config('browserbase'), []).runaways, undefined);
    assert.deepEqual(build(config('browserbase'), [], [], { running: { sessions: [], readAt: NOW } }).runaways?.sessions, []);
    assert.equal(build(config('browserless'), [], [], { running: { sessions, readAt: NOW } }).runaways, undefined);
  });
});
