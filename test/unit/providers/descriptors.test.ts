/**
 * The provider descriptors and what the registry derives from them: every chart, figure and rule names
 * a declared series (checked by the compiler, and here at run time for the string keys the compiler
 * cannot see), every series a normalizer emits is declared, the tables the rest of the code reads come
 * from the descriptors, and descriptor modules stay pure data a webview may import.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { defineProvider } from '../../../src/providers/descriptor';
import { cycleSamples, projectSamples, runningSamples, usageSamples } from '../../../src/providers/browserbase/normalize';
import { BROWSERLESS_SERIES } from '../../../src/providers/browserless/descriptor';
import { normalizeMetrics, normalizePressure, normalizeTotal } from '../../../src/providers/browserless/normalize';
import { NORTHFLANK_METRIC_TYPES } from '../../../src/providers/northflank/descriptor';
import { metricsSamples } from '../../../src/providers/northflank/normalize';
import { TYPE_LABEL, typeOf } from '../../../src/providers/prometheus/descriptor';
import {
  DEFAULT_BASE_URLS,
  DEFAULT_FEED_INTERVALS_MS,
  DESCRIPTORS,
  descriptorFor,
  identify,
  MIN_INTERVAL_MS,
  PROVIDER_KINDS,
  PROVIDER_NAMES,
  resolveSeries,
  TOKEN_ENVIRONMENT_VARIABLES,
} from '../../../src/providers/registry';
import type { Sample } from '../../../src/shared/samples';

const SRC = path.resolve(__dirname, '../../../src/providers');
const fixture = (name: string): unknown => JSON.parse(readFileSync(path.resolve(__dirname, '../../fixtures/browserless-v2', name), 'utf8'));

describe('every descriptor is whole', () => {
  for (const descriptor of Object.values(DESCRIPTORS)) {
    test(`${descriptor.id}: charts, figures, rules and the status bar name what exists`, () => {
      const declared = new Set(Object.keys(descriptor.series));
      const charts = new Set(descriptor.charts.map((chart) => chart.key));
      const rules = new Set(descriptor.quotas.map((rule) => rule.id));
      assert.equal(charts.size, descriptor.charts.length, 'chart keys are unique');
      for (const chart of descriptor.charts) {
        for (const series of chart.series) assert.ok(declared.has(series), `${chart.key}: ${series}`);
        if (chart.quota) assert.ok(rules.has(chart.quota), `${chart.key}: rule ${chart.quota}`);
        if (chart.fromQuota) assert.ok(rules.has(chart.fromQuota), `${chart.key}: rule ${chart.fromQuota}`);
      }
      for (const figure of descriptor.figures) {
        assert.ok(charts.has(figure.chart), `figure ${figure.id}: chart ${figure.chart}`);
        if ('quota' in figure.source) assert.ok(rules.has(figure.source.quota), `figure ${figure.id}`);
        else assert.ok(declared.has(figure.source.sum), `figure ${figure.id}`);
      }
      const figures = new Set(descriptor.figures.map((figure) => figure.id));
      if (descriptor.figures.length > 0) {
        assert.ok(figures.has(descriptor.statusBar.figure), 'status bar figure');
        assert.ok(figures.has(descriptor.sparkline.figure), 'sparkline figure');
      }
      assert.ok(descriptor.feeds.length > 0 && descriptor.feeds.every((feed) => feed.intervalMs >= descriptor.minIntervalMs));
      for (const spec of Object.values(descriptor.series)) assert.ok(spec.description.length > 10, `${spec.label} is described`);
    });
  }

  test('a misspelt series id does not compile', () => {
    const base = DESCRIPTORS.prometheus;
    defineProvider({
      ...base,
      series: { 'a.b': { label: 'a', semantics: 'gauge', description: 'an example series' } },
      // @ts-expect-error 'a.c' is not a declared series
      charts: [{ key: 'k', title: 't', description: 'd', series: ['a.c'] }],
    });
  });
});

describe('what the registry derives', () => {
  test('names, default URLs, token variables and intervals come from the descriptors', () => {
    assert.deepEqual([...PROVIDER_KINDS], ['browserless', 'browserbase', 'northflank', 'cerebras', 'prometheus', 'prometheusQuery']);
    assert.equal(PROVIDER_NAMES.browserbase, 'Browserbase');
    assert.equal(DEFAULT_BASE_URLS.northflank, 'https://api.northflank.com');
    assert.deepEqual(TOKEN_ENVIRONMENT_VARIABLES.browserless, ['BROWSERLESS_TOKEN', 'BROWSERLESS_API_KEY']);
    assert.deepEqual(DEFAULT_FEED_INTERVALS_MS.browserbase, { usage: 180_000, sessions: 60_000, project: 1_800_000, billing: 300_000 });
    assert.equal(MIN_INTERVAL_MS.cerebras, 30_000);
    assert.equal(descriptorFor({ kind: 'browserless', browserlessVersion: 'v1' }).id, 'browserlessV1');
    assert.equal(descriptorFor({ kind: 'browserless' }).id, 'browserless');
    // A team Prometheus connection reads (and shows) the exporter connection's provider.
    assert.equal(descriptorFor({ kind: 'prometheusQuery', exportedKind: 'browserbase' }).id, 'browserbase');
    assert.equal(descriptorFor({ kind: 'prometheusQuery', exportedKind: 'browserless', browserlessVersion: 'v1' }).id, 'browserlessV1');
    assert.equal(descriptorFor({ kind: 'prometheusQuery' }).id, 'prometheusQuery');
  });

  test('Northflank has one list of metric types: its series', () => {
    assert.deepEqual(
      NORTHFLANK_METRIC_TYPES.map((type) => `northflank.${type}`),
      Object.keys(DESCRIPTORS.northflank.series),
    );
  });

  test('an undeclared series resolves as unknown, never dropped', () => {
    const resolved = resolveSeries(DESCRIPTORS.browserbase, 'browserbase.usage.someNewField');
    assert.equal(resolved.known, false);
    assert.equal(resolved.spec.semantics, 'gauge');
    assert.equal(resolveSeries(DESCRIPTORS.cerebras, 'cerebras.new_family').known, false);
  });

  test('identity keeps identifying labels only: context labels and reserved `__` labels never split a series', () => {
    const available = identify(DESCRIPTORS.browserless, { series: BROWSERLESS_SERIES.pressure.isAvailable, unit: 'state', labels: { reason: 'full' } });
    assert.equal(available.key, `${BROWSERLESS_SERIES.pressure.isAvailable}{}`);
    assert.deepEqual(available.context, { reason: 'full' });
    const usage = identify(DESCRIPTORS.browserbase, {
      series: 'browserbase.usage.browserMinutes',
      unit: 'minutes',
      labels: { project: 'p', basis: 'reported usage' },
    });
    assert.equal(usage.key, 'browserbase.usage.browserMinutes{}');
    const cpu = identify(DESCRIPTORS.northflank, { series: 'northflank.cpu', unit: 'vcpu', labels: { container: 'a' } });
    assert.equal(cpu.key, 'northflank.cpu{container=a}');
    assert.equal(cpu.unit, 'vcpu', 'Northflank units follow the sample');
    const counter = identify(DESCRIPTORS.prometheus, { series: 'jobs', unit: 'none', labels: { queue: 'x', [TYPE_LABEL]: 'counter' } });
    assert.equal(counter.key, 'jobs{queue=x}');
    assert.equal(counter.resolved.spec.semantics, 'counter', 'a counter without `_total` is read by its # TYPE');
  });

  test('exporter series without a stored type are read by the naming conventions', () => {
    assert.equal(typeOf('http_requests_total', undefined), 'counter');
    assert.equal(typeOf('rt_seconds_bucket', { le: '0.5' }), 'histogram');
    assert.equal(typeOf('rpc_seconds', { quantile: '0.9' }), 'summary');
    assert.equal(typeOf('app_build_info', undefined), 'info');
    assert.equal(typeOf('queue_depth', undefined), 'gauge');
    assert.equal(typeOf('jobs', { [TYPE_LABEL]: 'counter' }), 'counter');
  });
});

describe('every series a normalizer emits is declared', () => {
  const unknown = (kind: keyof typeof DESCRIPTORS, samples: readonly Sample[]) =>
    samples.filter((sample) => !resolveSeries(DESCRIPTORS[kind], sample.series).known).map((sample) => sample.series);

  test('Browserless, from real server bodies', () => {
    const samples = [
      ...normalizePressure(fixture('pressure-full.json'), 1).samples,
      ...normalizeMetrics(fixture('metrics-one-period.json'), 1, { version: 'v2' }).samples,
      ...normalizeTotal(fixture('metrics-total.json'), 1, { version: 'v2', route: '/metrics/total' }).samples,
    ];
    assert.ok(samples.length > 30);
    assert.deepEqual(unknown('browserless', samples), []);
  });

  test('a field Browserless adds later is kept as an unknown series, numbers and booleans only, a bounded few', () => {
    const body = { pressure: { ...(fixture('pressure-idle.json') as { pressure: object }).pressure, warmPool: 4, draining: true, region: 'eu', 'bad key': 1 } };
    const extra = unknown('browserless', normalizePressure(body, 1).samples);
    assert.deepEqual(extra, ['browserless.pressure.warmPool', 'browserless.pressure.draining']);
    const flood = {
      pressure: {
        ...(fixture('pressure-idle.json') as { pressure: object }).pressure,
        ...Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`f${i}`, i])),
      },
    };
    assert.equal(unknown('browserless', normalizePressure(flood, 1).samples).length, 16);
  });

  test('Browserbase and Northflank', () => {
    const session = {
      id: 's',
      projectId: 'p',
      status: 'RUNNING',
      createdAt: '2025-11-15T10:00:00Z',
      updatedAt: '2025-11-15T10:00:00Z',
      startedAt: '2025-11-15T10:00:00Z',
      keepAlive: false,
      region: 'us-west-2',
      proxyBytes: 10,
    };
    const browserbase = [
      ...usageSamples({ browserMinutes: 1, proxyBytes: 2 }, 'p', 1),
      ...projectSamples({ id: 'p', name: 'P', concurrency: 3 }, 1),
      ...runningSamples([session, { ...session, projectId: 'other' }], 'p', 1),
      ...cycleSamples([session], 'p', { start: 0, end: Date.parse('2025-12-01') }, Date.parse('2025-11-15T10:02:30Z')),
    ];
    assert.deepEqual(unknown('browserbase', browserbase), []);
    assert.deepEqual(
      browserbase.filter((sample) => sample.series.startsWith('browserbase.cycle.')).map((sample) => sample.value),
      [3, 10, 1],
      'a running session of 2.5 minutes bills 3',
    );
    const northflank = metricsSamples({
      data: Object.fromEntries(
        NORTHFLANK_METRIC_TYPES.map((type) => [
          type,
          { metricInfo: { metricUnit: 'pct' }, values: [{ metadata: { containerId: 'c' }, data: [{ value: 1, ts: '2025-11-15T12:00:00Z' }] }] },
        ]),
      ),
    });
    assert.deepEqual(unknown('northflank', northflank), []);
  });
});

test('descriptor modules are pure data: they import nothing but other descriptors and shared/ types', () => {
  const files = [
    path.join(SRC, 'descriptor.ts'),
    path.join(SRC, 'registry.ts'),
    ...readdirSync(SRC, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => path.join(SRC, entry.name, 'descriptor.ts')),
  ].filter((file) => {
    try {
      readFileSync(file);
      return true;
    } catch {
      return false;
    }
  });
  assert.ok(files.length >= 7);
  for (const file of files) {
    const imports = [...readFileSync(file, 'utf8').matchAll(/^import (type )?.*? from '([^']+)';$/gms)];
    for (const [, typeOnly, from] of imports) {
      const allowed =
        from?.startsWith('../shared/') ||
        from?.startsWith('../../shared/') ||
        from?.endsWith('/descriptor') ||
        from === './descriptor' ||
        from === '../descriptor';
      assert.ok(allowed || (typeOnly && from === './types'), `${path.relative(SRC, file)} imports ${from}`);
    }
  }
});
