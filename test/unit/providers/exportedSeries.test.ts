/**
 * The names descriptor series get in Prometheus: unique across every provider, valid, with the unit as
 * suffix and the type the semantics call for, and mapped back to the same series and unit.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SeriesSpec } from '../../../src/providers/descriptor';
import {
  EXPORTED_PREFIX,
  EXPORTER_FAMILIES,
  exportedFamilies,
  exportedFamily,
  exportedLabelName,
  familiesBySampleName,
  sampleName,
  seriesLabelName,
  snakeCase,
  storedUnit,
} from '../../../src/providers/exportedSeries';
import { DESCRIPTORS } from '../../../src/providers/registry';

const EXPORTED = [DESCRIPTORS.browserless, DESCRIPTORS.browserlessV1, DESCRIPTORS.browserbase, DESCRIPTORS.northflank, DESCRIPTORS.cerebras];
const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

describe('exported series names', () => {
  test('snake case of series ids', () => {
    assert.equal(snakeCase('browserless.pressure.maxConcurrent'), 'browserless_pressure_max_concurrent');
    assert.equal(snakeCase('northflank.http4xxResponses'), 'northflank_http4xx_responses');
    assert.equal(snakeCase('cerebras.latency.e2e'), 'cerebras_latency_e2e');
  });

  test('every declared series of every polled provider has one valid family, and no two share a sample name', () => {
    const owners = new Map<string, string>();
    for (const own of Object.values(EXPORTER_FAMILIES)) owners.set(own, 'exporter');
    for (const descriptor of EXPORTED) {
      const families = exportedFamilies(descriptor);
      assert.equal(families.length, Object.keys(descriptor.series).length, `${descriptor.id}: every series is exported`);
      for (const family of families) {
        assert.ok(family.name.startsWith(EXPORTED_PREFIX), family.name);
        for (const name of [family.name, sampleName(family)]) {
          assert.match(name, NAME);
          const owner = owners.get(name);
          // Browserless v1 and v2 share their series: the same series may appear twice, nothing else.
          assert.ok(owner === undefined || owner === family.series, `${name} is claimed by ${owner} and ${family.series}`);
          owners.set(name, family.series);
        }
        if (family.unit) assert.ok(family.name.endsWith(`_${family.unit}`), `${family.name} ends with its unit`);
        assert.ok(!family.name.endsWith('_total'), `${family.name}: a family name never ends in _total`);
        assert.ok(family.help.length > 10);
      }
    }
  });

  test('types and units follow the semantics and the descriptor', () => {
    const pick = (id: string) => exportedFamilies(DESCRIPTORS.browserless).find((family) => family.series === id);
    assert.deepEqual(
      { ...pick('browserless.total.successful'), help: '' },
      { name: 'live_usage_browserless_total_successful', series: 'browserless.total.successful', type: 'counter', divisor: 1, unitLabel: false, help: '' },
    );
    assert.equal(sampleName(pick('browserless.total.successful')!), 'live_usage_browserless_total_successful_total');
    const meanTime = pick('browserless.metrics.meanTime')!;
    assert.equal(meanTime.name, 'live_usage_browserless_metrics_mean_time_seconds');
    assert.equal(meanTime.unit, 'seconds');
    assert.equal(meanTime.divisor, 1000, 'milliseconds are exported in seconds');
    assert.equal(pick('browserless.pressure.cpu')?.name, 'live_usage_browserless_pressure_cpu_percent');
    assert.equal(pick('browserless.pressure.isAvailable')?.type, 'gauge');
    assert.match(pick('browserless.pressure.isAvailable')?.help ?? '', /1 yes, 0 no/);
    const minutes = exportedFamilies(DESCRIPTORS.browserbase).find((family) => family.series === 'browserbase.usage.browserMinutes');
    assert.equal(minutes?.name, 'live_usage_browserbase_usage_browser_minutes', 'the unit suffix is not doubled');
    const status = exportedFamilies(DESCRIPTORS.cerebras).find((family) => family.series === 'cerebras.endpoint.status');
    assert.match(status?.help ?? '', /Values: 0 down, 1 up, -1 unknown\./);
    const cpu = exportedFamilies(DESCRIPTORS.northflank).find((family) => family.series === 'northflank.cpu');
    assert.equal(cpu?.unitLabel, true, 'Northflank names each reading’s unit: it travels in a label');
    assert.equal(cpu?.unit, undefined);
  });

  test('info series are info families; histograms cannot be exported', () => {
    const info: SeriesSpec = { label: 'build', semantics: 'info', description: 'The build of the server.' };
    assert.equal(exportedFamily('x.build', info)?.type, 'info');
    assert.equal(sampleName(exportedFamily('x.build', info)!), 'live_usage_x_build_info');
    assert.equal(exportedFamily('x.latency', { label: 'latency', semantics: 'histogram', description: 'A histogram of latencies.' }), undefined);
  });

  test('sample names map back to the series', () => {
    const back = familiesBySampleName(DESCRIPTORS.browserless);
    assert.equal(back.get('live_usage_browserless_total_successful_total')?.series, 'browserless.total.successful');
    assert.equal(back.get('live_usage_browserless_pressure_running')?.series, 'browserless.pressure.running');
    assert.equal(back.get('live_usage_browserless_total_successful'), undefined, 'a counter is stored under its _total name');
  });

  test('label names: clashes are renamed and come back; invalid names are made valid', () => {
    for (const name of ['connection', 'provider', 'unit', 'job', 'instance', 'exported_x']) {
      const exported = exportedLabelName(name);
      assert.notEqual(exported, name);
      assert.equal(seriesLabelName(exported), name);
    }
    assert.equal(exportedLabelName('container'), 'container');
    assert.equal(exportedLabelName('9lives-x'), '_9lives_x');
    assert.equal(exportedLabelName('__secret'), 'secret');
    for (const own of ['connection', 'provider', 'unit', 'job', 'instance', '__name__']) assert.equal(seriesLabelName(own), undefined);
  });

  test('units read back: the descriptor’s, else the label’s', () => {
    assert.equal(storedUnit({ label: 'x', unit: 'minutes', semantics: 'gauge', description: '' }, 'bytes'), 'minutes');
    assert.equal(storedUnit({ label: 'x', semantics: 'gauge', description: '' }, 'megabytes'), 'megabytes');
    assert.equal(storedUnit({ label: 'x', semantics: 'gauge', description: '' }, undefined), 'none');
  });
});
