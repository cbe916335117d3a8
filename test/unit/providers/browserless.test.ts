import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { ProviderError } from '../../../src/http/errors';
import { HttpClient } from '../../../src/http/httpClient';
import { BrowserlessClient, checkBrowserlessConfig } from '../../../src/providers/browserless/browserlessClient';
import { BROWSERLESS_PERIOD_MS, BROWSERLESS_SERIES, normalizeMetrics, normalizePressure, normalizeTotal } from '../../../src/providers/browserless/normalize';
import type { Sample } from '../../../src/shared/samples';
import { stubHttp } from '../../support/stubHttp';

// Real bodies from an open-source Browserless v2.56 server (see test/fixtures/browserless-v2/README.md).
const FIXTURES = path.resolve(__dirname, '../../fixtures/browserless-v2');
const fixture = (name: string): unknown => JSON.parse(readFileSync(path.join(FIXTURES, name), 'utf8'));

const NOW = 1_795_418_620_000;

function sampleOf(samples: readonly Sample[], series: string, at?: number): Sample {
  const found = samples.find((sample) => sample.series === series && (at === undefined || sample.at === at));
  assert.ok(found, `no sample ${series}${at === undefined ? '' : ` at ${at}`}`);
  return found;
}

function badResponseAt(fn: () => unknown, where: string): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof ProviderError);
    assert.equal(error.kind, 'badResponse');
    assert.equal(error.where, where);
    assert.match(error.message, new RegExp(where.replace(/[[\]]/g, '\\$&')));
    return true;
  });
}

describe('normalizePressure', () => {
  test('idle server, wrapped shape: percents stay percents', () => {
    const reading = normalizePressure(fixture('pressure-idle.json'), NOW);
    assert.equal(reading.offered, true);
    assert.equal(reading.shape, 'wrapped');
    assert.deepEqual(reading.pressure, {
      serverDate: 1795418611963,
      running: 0,
      queued: 0,
      maxConcurrent: 2,
      maxQueued: 1,
      recentlyRejected: 0,
      cpuPercent: 16,
      memoryPercent: 4,
      isAvailable: true,
      reason: '',
      message: '',
    });
    const cpu = sampleOf(reading.samples, BROWSERLESS_SERIES.pressure.cpu);
    assert.equal(cpu.value, 16);
    assert.equal(cpu.unit, 'percent');
    assert.equal(cpu.at, NOW);
    assert.equal(sampleOf(reading.samples, BROWSERLESS_SERIES.pressure.running).unit, 'count');
    assert.equal(sampleOf(reading.samples, BROWSERLESS_SERIES.pressure.isAvailable).value, 1);
    assert.equal(reading.notes, undefined);
  });

  test('full server: unavailable with reason and message', () => {
    const reading = normalizePressure(fixture('pressure-full.json'), NOW);
    assert.equal(reading.pressure.isAvailable, false);
    assert.equal(reading.pressure.reason, 'full');
    assert.equal(reading.pressure.message, 'Concurrency and queue are full');
    assert.equal(reading.pressure.running, 2);
    assert.equal(reading.pressure.queued, 1);
    const available = sampleOf(reading.samples, BROWSERLESS_SERIES.pressure.isAvailable);
    assert.equal(available.value, 0);
    assert.equal(available.unit, 'state');
    assert.deepEqual(available.labels, { reason: 'full' });
  });

  test('v2.11 unwrapped shape gives the same values', () => {
    const inner = (fixture('pressure-full.json') as { pressure: unknown }).pressure;
    const unwrapped = normalizePressure(inner, NOW);
    const wrapped = normalizePressure(fixture('pressure-full.json'), NOW);
    assert.equal(unwrapped.shape, 'unwrapped');
    assert.deepEqual(unwrapped.pressure, wrapped.pressure);
    assert.deepEqual(unwrapped.samples, wrapped.samples);
  });

  test('null cpu/memory stay null, never 0', () => {
    const body = { pressure: { ...(fixture('pressure-idle.json') as { pressure: object }).pressure, cpu: null, memory: null } };
    const reading = normalizePressure(body, NOW);
    assert.equal(reading.pressure.cpuPercent, null);
    assert.equal(sampleOf(reading.samples, BROWSERLESS_SERIES.pressure.cpu).value, null);
    assert.equal(sampleOf(reading.samples, BROWSERLESS_SERIES.pressure.memory).value, null);
  });

  test('a negative running count is withheld and flagged', () => {
    const body = { pressure: { ...(fixture('pressure-idle.json') as { pressure: object }).pressure, running: -1 } };
    const reading = normalizePressure(body, NOW);
    assert.equal(reading.pressure.running, null);
    const running = sampleOf(reading.samples, BROWSERLESS_SERIES.pressure.running);
    assert.equal(running.value, null);
    assert.deepEqual(running.flags, ['invalidNegative']);
    assert.equal(running.rawValue, -1);
    assert.ok(reading.notes?.some((note) => /negative/.test(note)));
  });

  test('impossible values are withheld and flagged like negative counts: cpu 1e308 %, memory -50 %, running 2.5', () => {
    const body = { pressure: { ...(fixture('pressure-idle.json') as { pressure: object }).pressure, cpu: 1e308, memory: -50, running: 2.5, queued: 1e308 } };
    const reading = normalizePressure(body, NOW);
    const ids = BROWSERLESS_SERIES.pressure;
    const expected: [string, number, string][] = [
      [ids.cpu, 1e308, 'outOfRange'],
      [ids.memory, -50, 'outOfRange'],
      [ids.running, 2.5, 'notWholeNumber'],
    ];
    for (const [series, raw, flag] of expected) {
      const sample = sampleOf(reading.samples, series);
      assert.equal(sample.value, null, series);
      assert.deepEqual(sample.flags, [flag], series);
      assert.equal(sample.rawValue, raw, series);
    }
    assert.equal(reading.pressure.cpuPercent, null);
    assert.equal(reading.pressure.memoryPercent, null);
    assert.equal(reading.pressure.running, null);
    assert.equal(sampleOf(reading.samples, ids.queued).value, 1e308, 'a huge but whole count is possible');
    assert.ok(
      reading.notes?.some((note) => /impossible/.test(note) && /withheld/.test(note)),
      JSON.stringify(reading.notes),
    );
  });

  test('wrong shapes name the field at fault', () => {
    badResponseAt(
      () => normalizePressure({ pressure: { ...(fixture('pressure-idle.json') as { pressure: object }).pressure, running: 'two' } }, NOW),
      'pressure.running',
    );
    badResponseAt(() => normalizePressure({ cpu: 3 }, NOW), 'running');
    badResponseAt(() => normalizePressure({ pressure: null }, NOW), 'pressure');
    badResponseAt(() => normalizePressure([], NOW), '(root)');
  });
});

describe('normalizeMetrics (v2)', () => {
  test('empty history: no periods, no samples', () => {
    const reading = normalizeMetrics(fixture('metrics-empty.json'), NOW, { version: 'v2' });
    assert.deepEqual(reading.periods, []);
    assert.deepEqual(reading.samples, []);
    assert.equal(reading.latestDate, undefined);
    assert.equal(reading.periodCount, 0);
    assert.equal(reading.inProgress, undefined);
  });

  test('one period: fractions become percents, times stay milliseconds, counts carry the window', () => {
    const reading = normalizeMetrics(fixture('metrics-one-period.json'), NOW, { version: 'v2' });
    const date = 1795418904890;
    assert.equal(reading.periods.length, 1);
    assert.equal(reading.latestDate, date);
    const period = reading.periods[0];
    assert.ok(period);
    assert.equal(period.date, date);
    assert.equal(period.successful, 8);
    assert.equal(period.error, 1);
    assert.equal(period.timedout, 2);
    assert.equal(period.rejected, 2);
    assert.equal(period.unauthorized, 32);
    assert.equal(period.sessions, 11);
    assert.equal(period.units, 11);
    assert.equal(period.cpuPercent, 0);
    assert.ok(Math.abs((period.memoryPercent ?? 0) - 2.95366294) < 1e-6);
    assert.equal(period.meanTimeMs, 2130.909090909091);
    assert.equal(period.rollUpGlitch, false);

    const ids = BROWSERLESS_SERIES.metrics;
    const successful = sampleOf(reading.samples, ids.successful);
    assert.deepEqual(successful, { series: ids.successful, unit: 'count', at: date, windowMs: BROWSERLESS_PERIOD_MS, value: 8 });
    assert.equal(sampleOf(reading.samples, ids.units).unit, 'units');
    assert.equal(sampleOf(reading.samples, ids.units).windowMs, 5 * 60 * 1000);
    const maxTime = sampleOf(reading.samples, ids.maxTime);
    assert.equal(maxTime.unit, 'milliseconds');
    assert.equal(maxTime.value, 6918);
    const memory = sampleOf(reading.samples, ids.memory);
    assert.equal(memory.unit, 'percent');
    assert.equal(memory.windowMs, undefined);
    const cpu = sampleOf(reading.samples, ids.cpu);
    assert.equal(cpu.value, 0);
    // A snapshot at save time, not a count over the window.
    assert.equal(sampleOf(reading.samples, ids.running).windowMs, undefined);
    for (const sample of reading.samples) assert.equal(sample.at, date);
  });

  test('a cpu or memory fraction outside 0..1 is withheld and flagged, with the fraction as sent', () => {
    const [period] = fixture('metrics-one-period.json') as Record<string, unknown>[];
    const reading = normalizeMetrics([{ ...period, cpu: 1e308, memory: -0.5 }], NOW, { version: 'v2' });
    const cpu = sampleOf(reading.samples, BROWSERLESS_SERIES.metrics.cpu);
    const memory = sampleOf(reading.samples, BROWSERLESS_SERIES.metrics.memory);
    assert.deepEqual([cpu.value, cpu.flags, cpu.rawValue], [null, ['outOfRange'], 1e308]);
    assert.deepEqual([memory.value, memory.flags, memory.rawValue], [null, ['outOfRange'], -0.5]);
    assert.equal(reading.periods[0]?.cpuPercent, null);
  });

  test('running -1 from the roll-up bug is withheld; that period peak is low confidence', () => {
    const reading = normalizeMetrics(fixture('metrics-with-negative-running.json'), NOW, { version: 'v2' });
    const [first, second] = reading.periods;
    assert.ok(first && second);
    assert.equal(first.running, 1);
    assert.equal(first.rollUpGlitch, false);
    assert.equal(second.running, null);
    assert.equal(second.rollUpGlitch, true);
    const ids = BROWSERLESS_SERIES.metrics;
    const running = sampleOf(reading.samples, ids.running, second.date);
    assert.equal(running.value, null);
    assert.deepEqual(running.flags, ['invalidNegative']);
    assert.equal(running.rawValue, -1);
    const peak = sampleOf(reading.samples, ids.maxConcurrent, second.date);
    assert.equal(peak.value, 0);
    assert.deepEqual(peak.flags, ['lowConfidence']);
    assert.equal(sampleOf(reading.samples, ids.maxConcurrent, first.date).flags, undefined);
    assert.ok(reading.notes?.some((note) => /negative running/.test(note)));
    // Never a negative value anywhere.
    for (const sample of reading.samples) assert.ok(sample.value === null || sample.value >= 0, sample.series);
  });

  test('since keeps only newer periods, latestDate covers the whole response', () => {
    const body = fixture('metrics-with-negative-running.json');
    const reading = normalizeMetrics(body, NOW, { version: 'v2', since: 1795418543746 });
    assert.deepEqual(
      reading.periods.map((period) => period.date),
      [1795418563750],
    );
    assert.ok(reading.samples.every((sample) => sample.at === 1795418563750));
    assert.equal(reading.latestDate, 1795418563750);
    assert.equal(reading.periodCount, 2);
    const none = normalizeMetrics(body, NOW, { version: 'v2', since: 1795418563750 });
    assert.deepEqual(none.periods, []);
    assert.equal(none.latestDate, 1795418563750);
  });

  test('wrong shapes name the field at fault', () => {
    const [period] = fixture('metrics-one-period.json') as object[];
    badResponseAt(() => normalizeMetrics([period, { ...period, successful: '8' }], NOW, { version: 'v2' }), '[1].successful');
    badResponseAt(() => normalizeMetrics([{ ...period, date: undefined }], NOW, { version: 'v2' }), '[0].date');
    badResponseAt(() => normalizeMetrics({ metrics: [] }, NOW, { version: 'v2' }), '(root)');
  });
});

describe('normalizeMetrics (v1)', () => {
  const finished = {
    date: 1_700_000_300_000,
    successful: 3,
    error: 0,
    queued: 1,
    rejected: 0,
    timedout: 0,
    sessionTimes: [1000, 2000, 31000],
    cpu: 0.5,
    memory: null,
    meanTime: 11333,
    units: 4,
  };
  const open = { date: 1_700_000_400_000, successful: 1, sessionTimes: [500] };

  test('a v1 period is dated by its start and lands at its end; the period still open is kept out of periods and samples', () => {
    const reading = normalizeMetrics([finished, open], NOW, { version: 'v1' });
    assert.equal(reading.periods.length, 1);
    assert.equal(reading.periodCount, 1);
    assert.equal(reading.periods[0]?.start, finished.date);
    assert.equal(reading.periods[0]?.date, finished.date + BROWSERLESS_PERIOD_MS);
    assert.equal(reading.latestDate, finished.date + BROWSERLESS_PERIOD_MS);
    assert.equal(reading.inProgress?.successful, 1);
    assert.equal(reading.inProgress?.start, open.date);
    assert.equal(reading.inProgress?.date, open.date + BROWSERLESS_PERIOD_MS, 'the open period ends five minutes after it started');
    assert.ok(reading.samples.length > 0);
    assert.ok(reading.samples.every((sample) => sample.at === finished.date + BROWSERLESS_PERIOD_MS));
  });

  test('since is compared with the ends of v1 periods', () => {
    assert.equal(normalizeMetrics([finished, open], NOW, { version: 'v1', since: finished.date }).periods.length, 1);
    const none = normalizeMetrics([finished, open], NOW, { version: 'v1', since: finished.date + BROWSERLESS_PERIOD_MS });
    assert.deepEqual(none.periods, []);
    assert.equal(none.latestDate, finished.date + BROWSERLESS_PERIOD_MS, 'no newer period: latestDate stays what was asked');
    assert.ok(none.inProgress);
  });

  test('missing fields give no sample, null fields a null sample', () => {
    const reading = normalizeMetrics([finished, open], NOW, { version: 'v1' });
    const ids = BROWSERLESS_SERIES.metrics;
    const series = new Set(reading.samples.map((sample) => sample.series));
    assert.ok(!series.has(ids.unauthorized));
    assert.ok(!series.has(ids.maxTime));
    assert.equal(sampleOf(reading.samples, ids.memory).value, null);
    assert.equal(sampleOf(reading.samples, ids.cpu).value, 50);
    assert.equal(reading.periods[0]?.unauthorized, null);
    assert.equal(reading.periods[0]?.sessions, 3);
  });

  test('undated periods are skipped with a note; an open period without a date starts where the last finished one ended', () => {
    const reading = normalizeMetrics([{ successful: 2 }, finished, { successful: 1 }], NOW, { version: 'v1' });
    assert.equal(reading.periods.length, 1);
    assert.ok(reading.notes?.some((note) => /without a date/.test(note)));
    assert.equal(reading.inProgress?.start, finished.date + BROWSERLESS_PERIOD_MS);
    assert.equal(normalizeMetrics([{ successful: 1 }], NOW, { version: 'v1' }).inProgress?.start, NOW, 'with nothing finished, the fetch time');
  });

  test('only the open window: no finished periods yet', () => {
    const reading = normalizeMetrics([open], NOW, { version: 'v1' });
    assert.deepEqual(reading.periods, []);
    assert.equal(reading.latestDate, undefined);
    assert.ok(reading.inProgress);
  });

  test('a field of the wrong type is still rejected', () => {
    badResponseAt(() => normalizeMetrics([{ ...finished, units: 'four' }, open], NOW, { version: 'v1' }), '[0].units');
  });
});

describe('normalizeTotal', () => {
  test('after one period: estimate is flagged low confidence', () => {
    const reading = normalizeTotal(fixture('metrics-total.json'), NOW, { version: 'v2', route: '/metrics/total' });
    assert.equal(reading.route, '/metrics/total');
    assert.equal(reading.total.units, 11);
    assert.equal(reading.total.successful, 8);
    assert.equal(reading.total.sessions, 11);
    assert.equal(reading.total.minutesOfMetricsAvailable, 5);
    assert.equal(reading.total.estimatedMonthlyUnits, 95040);
    assert.equal(reading.total.estimateLowConfidence, true);
    const ids = BROWSERLESS_SERIES.total;
    const estimate = sampleOf(reading.samples, ids.estimatedMonthlyUnits);
    assert.equal(estimate.value, 95040);
    assert.equal(estimate.unit, 'units');
    assert.deepEqual(estimate.flags, ['lowConfidence']);
    const units = sampleOf(reading.samples, ids.units);
    assert.deepEqual(units, { series: ids.units, unit: 'units', at: NOW, windowMs: 5 * 60_000, value: 11 });
    assert.equal(sampleOf(reading.samples, ids.meanTime).unit, 'milliseconds');
    assert.equal(sampleOf(reading.samples, ids.minutesOfMetricsAvailable).unit, 'minutes');
    // minTime is always 0 on this server: not a measurement.
    assert.ok(!reading.samples.some((sample) => sample.series.endsWith('minTime')));
    assert.ok(reading.notes?.some((note) => /only 5 minutes/.test(note)));
  });

  test('no history: nulls stay null, never 0', () => {
    const reading = normalizeTotal(fixture('metrics-total-empty.json'), NOW, { version: 'v2', route: '/metrics/total' });
    assert.equal(reading.total.meanTimeMs, null);
    assert.equal(reading.total.estimatedMonthlyUnits, null);
    assert.equal(reading.total.estimateLowConfidence, true);
    const ids = BROWSERLESS_SERIES.total;
    assert.equal(sampleOf(reading.samples, ids.meanTime).value, null);
    const estimate = sampleOf(reading.samples, ids.estimatedMonthlyUnits);
    assert.equal(estimate.value, null);
    assert.equal(estimate.flags, undefined);
    assert.equal(sampleOf(reading.samples, ids.units).windowMs, undefined);
    assert.ok(reading.notes?.some((note) => /no finished/.test(note)));
  });

  test('enough history: the estimate is not flagged', () => {
    const body = { ...(fixture('metrics-total.json') as object), minutesOfMetricsAvailable: 600 };
    const reading = normalizeTotal(body, NOW, { version: 'v2', route: '/metrics/total' });
    assert.equal(reading.total.estimateLowConfidence, false);
    assert.equal(sampleOf(reading.samples, BROWSERLESS_SERIES.total.estimatedMonthlyUnits).flags, undefined);
    assert.equal(reading.notes, undefined);
  });

  test('v1 totals may miss fields; v2 totals may not', () => {
    const reading = normalizeTotal({ successful: 4, units: 2 }, NOW, { version: 'v1', route: '/metrics/all' });
    assert.equal(reading.route, '/metrics/all');
    assert.equal(reading.total.successful, 4);
    assert.equal(reading.total.minutesOfMetricsAvailable, null);
    assert.equal(reading.total.estimateLowConfidence, true);
    badResponseAt(() => normalizeTotal({ successful: 4, units: 2 }, NOW, { version: 'v2', route: '/metrics/total' }), 'error');
    badResponseAt(
      () => normalizeTotal({ ...(fixture('metrics-total.json') as object), meanTime: 'x' }, NOW, { version: 'v2', route: '/metrics/total' }),
      'meanTime',
    );
  });
});

describe('BrowserlessClient configuration', () => {
  test('v1 with bearer is refused with a clear message', () => {
    assert.match(checkBrowserlessConfig({ version: 'v1', authMode: 'bearer' }) ?? '', /v1 does not accept Bearer/);
    assert.equal(checkBrowserlessConfig({ version: 'v1', authMode: 'query' }), undefined);
    assert.equal(checkBrowserlessConfig({ version: 'v2', authMode: 'bearer' }), undefined);
    const http = new HttpClient();
    assert.throws(
      () => new BrowserlessClient(http, { baseUrl: 'http://127.0.0.1:1', token: 't', version: 'v1', authMode: 'bearer' }),
      (error: unknown) => error instanceof ProviderError && error.kind === 'request' && /Basic/.test(error.message),
    );
    assert.doesNotThrow(() => new BrowserlessClient(http, { baseUrl: 'http://127.0.0.1:1', version: 'v1', authMode: 'basic' }));
    for (const baseUrl of ['not a url', 'ftp://example.test/']) {
      assert.throws(
        () => new BrowserlessClient(http, { baseUrl, version: 'v2', authMode: 'query' }),
        (error: unknown) => error instanceof ProviderError && error.kind === 'request' && /http:\/\/ or https:\/\//.test(error.message),
      );
    }
  });
});

describe('BrowserlessClient requests (stubbed HTTP)', () => {
  const notOffered = (path: string) => ({ error: new ProviderError('notOffered', `127.0.0.1 does not offer ${path} (HTTP 404)`, { status: 404 }) });
  const base = { baseUrl: 'http://127.0.0.1:9/browserless/', token: 'tok-123' } as const;

  test('sends exactly Accept: application/json, no body, the token where the auth mode says', async () => {
    const stub = stubHttp([{ body: fixture('pressure-idle.json') }]);
    const client = new BrowserlessClient(stub.client, { ...base, version: 'v2', authMode: 'query', timeouts: { headersMs: 50 }, maxBytes: 1000 });
    const reading = await client.pressure();
    assert.equal(reading.offered, true);
    const [request] = stub.requests;
    assert.ok(request);
    assert.equal(String(request.url), 'http://127.0.0.1:9/browserless/pressure');
    assert.equal(request.accept, 'application/json');
    assert.equal(request.json, undefined);
    assert.equal(request.headers, undefined);
    assert.deepEqual(request.auth, { kind: 'query', name: 'token', token: 'tok-123' });
    assert.equal(request.optionalRoute, true);
    assert.deepEqual(request.timeouts, { headersMs: 50 });
    assert.equal(request.maxBytes, 1000);

    const bearer = stubHttp([{ body: fixture('pressure-idle.json') }]);
    await new BrowserlessClient(bearer.client, { ...base, version: 'v2', authMode: 'bearer' }).pressure();
    assert.deepEqual(bearer.requests[0]?.auth, { kind: 'bearer', token: 'tok-123' });
    const basic = stubHttp([{ body: fixture('pressure-idle.json') }]);
    await new BrowserlessClient(basic.client, { ...base, version: 'v1', authMode: 'basic' }).pressure();
    assert.deepEqual(basic.requests[0]?.auth, { kind: 'basic', token: 'tok-123' });
    const none = stubHttp([{ body: fixture('pressure-idle.json') }]);
    await new BrowserlessClient(none.client, { baseUrl: base.baseUrl, version: 'v2', authMode: 'query' }).pressure();
    assert.deepEqual(none.requests[0]?.auth, { kind: 'none' });
  });

  test('a 404 on /pressure is "not offered", not an error', async () => {
    const stub = stubHttp([notOffered('/pressure')]);
    const reading = await new BrowserlessClient(stub.client, { ...base, version: 'v2', authMode: 'query' }).pressure();
    assert.equal(reading.offered, false);
    assert.deepEqual(reading.samples, []);
    assert.match(reading.notes?.[0] ?? '', /does not offer \/pressure/);
  });

  test('metrics passes since through to the worker, as the end of the newest period already held', async () => {
    const stub = stubHttp([{ body: fixture('metrics-with-negative-running.json') }]);
    const reading = await new BrowserlessClient(stub.client, { ...base, version: 'v2', authMode: 'query' }).metrics({ since: 1795418543746 });
    assert.ok(reading.offered);
    assert.equal(reading.periods.length, 1);
    assert.equal(String(stub.requests[0]?.url), 'http://127.0.0.1:9/browserless/metrics');
    assert.equal(stub.requests[0]?.optionalRoute, true);
  });

  test('v1: periods dated by their start land at their end; since is compared with ends', async () => {
    const start = 1_700_000_000_000;
    const period = (at: number, successful: number) => ({ date: at, successful, sessionTimes: [] });
    const body = [period(start, 1), period(start + BROWSERLESS_PERIOD_MS, 2), { ...period(start + 2 * BROWSERLESS_PERIOD_MS, 3), cpu: 0.5 }];
    const client = new BrowserlessClient(stubHttp([{ body }]).client, { ...base, version: 'v1', authMode: 'query' });
    const all = await client.metrics();
    assert.ok(all.offered);
    assert.deepEqual(
      all.periods.map((p) => [p.start, p.date, p.successful]),
      [
        [start, start + BROWSERLESS_PERIOD_MS, 1],
        [start + BROWSERLESS_PERIOD_MS, start + 2 * BROWSERLESS_PERIOD_MS, 2],
      ],
    );
    assert.deepEqual(all.inProgress && [all.inProgress.start, all.inProgress.date, all.inProgress.successful, all.inProgress.cpuPercent], [
      start + 2 * BROWSERLESS_PERIOD_MS,
      start + 3 * BROWSERLESS_PERIOD_MS,
      3,
      50,
    ]);
    assert.ok(
      all.samples.every((sample) => sample.at <= start + 2 * BROWSERLESS_PERIOD_MS),
      'the open period is never a sample',
    );
    const newer = await client.metrics({ since: start + BROWSERLESS_PERIOD_MS });
    assert.ok(newer.offered);
    assert.deepEqual(
      newer.periods.map((p) => p.date),
      [start + 2 * BROWSERLESS_PERIOD_MS],
    );
    assert.equal(newer.inProgress?.successful, 3, 'the open period comes whatever since says');
  });

  test('v1 falls back from /metrics/total to /metrics/all once, then remembers', async () => {
    const stub = stubHttp([notOffered('/metrics/total'), { body: { successful: 1, units: 1 } }, { body: { successful: 2, units: 2 } }]);
    const client = new BrowserlessClient(stub.client, { ...base, version: 'v1', authMode: 'query' });
    const first = await client.metricsTotal();
    assert.ok(first.offered);
    assert.equal(first.route, '/metrics/all');
    assert.equal(first.total.successful, 1);
    const second = await client.metricsTotal();
    assert.ok(second.offered);
    assert.equal(second.total.successful, 2);
    assert.deepEqual(
      stub.requests.map((request) => new URL(String(request.url)).pathname),
      ['/browserless/metrics/total', '/browserless/metrics/all', '/browserless/metrics/all'],
    );
  });

  test('v1 offering neither totals route says so, as a reading', async () => {
    const stub = stubHttp([notOffered('/metrics/total'), notOffered('/metrics/all')]);
    const reading = await new BrowserlessClient(stub.client, { ...base, version: 'v1', authMode: 'basic' }).metricsTotal();
    assert.equal(reading.offered, false);
    assert.match(reading.notes?.[0] ?? '', /offers neither \/metrics\/total nor \/metrics\/all \(HTTP 404\)/);
  });

  test('v2 never falls back to /metrics/all: a 404 on /metrics/total is "not offered"', async () => {
    const stub = stubHttp([{ body: fixture('metrics-total.json') }, notOffered('/metrics/total')]);
    const client = new BrowserlessClient(stub.client, { ...base, version: 'v2', authMode: 'query' });
    const reading = await client.metricsTotal();
    assert.ok(reading.offered);
    assert.equal(reading.route, '/metrics/total');
    assert.equal(reading.total.sessions, (fixture('metrics-total.json') as { sessionTimes: unknown[] }).sessionTimes.length);
    const missing = await client.metricsTotal();
    assert.equal(missing.offered, false);
    assert.match(missing.notes?.[0] ?? '', /does not offer \/metrics\/total \(HTTP 404\)/);
    assert.deepEqual(
      stub.requests.map((request) => new URL(String(request.url)).pathname),
      ['/browserless/metrics/total', '/browserless/metrics/total'],
    );
  });

  test('other errors pass through untouched', async () => {
    const auth = new ProviderError('auth', '127.0.0.1 rejected the token (HTTP 401)', { status: 401 });
    const stub = stubHttp([{ error: auth }]);
    const client = new BrowserlessClient(stub.client, { ...base, version: 'v1', authMode: 'query' });
    await assert.rejects(client.pressure(), (error: unknown) => error === auth);
    await assert.rejects(client.metricsTotal(), (error: unknown) => error === auth);
  });
});
