// The quota rules restate the normalizers' series ids (see src/quota/series.ts); these tests fail when
// a provider renames one, instead of a rule silently never firing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { projectSamples, usageSamples } from '../../../src/providers/browserbase/normalize';
import { BROWSERLESS_SERIES } from '../../../src/providers/browserless/normalize';
import { CEREBRAS_SERIES } from '../../../src/providers/cerebras/normalize';
import { metricsSamples } from '../../../src/providers/northflank/normalize';
import { QUOTA_SERIES } from '../../../src/quota/series';

test('Browserless pressure series match the normalizer', () => {
  assert.deepEqual(QUOTA_SERIES.browserless, BROWSERLESS_SERIES.pressure);
});

test('Cerebras series match the normalizer', () => {
  assert.equal(QUOTA_SERIES.cerebras.endpointStatus, CEREBRAS_SERIES.endpointStatus);
  assert.equal(QUOTA_SERIES.cerebras.requests, CEREBRAS_SERIES.requests);
  assert.equal(QUOTA_SERIES.cerebras.failures, CEREBRAS_SERIES.requestsFailure);
  assert.equal(QUOTA_SERIES.cerebras.e2eLatency, CEREBRAS_SERIES.e2eLatency);
});

test('Browserbase usage and limit series match what the normalizer emits, with the units the rules assume', () => {
  const usage = usageSamples({ browserMinutes: 10, proxyBytes: 20 }, 'p1', 0);
  const series = new Map(usage.map((sample) => [sample.series, sample.unit]));
  assert.equal(series.get(QUOTA_SERIES.browserbase.browserMinutes), 'minutes');
  assert.equal(series.get(QUOTA_SERIES.browserbase.proxyBytes), 'bytes');
  const [limit] = projectSamples({ id: 'p1', name: 'Project', concurrency: 3 }, 0);
  assert.equal(limit?.series, QUOTA_SERIES.browserbase.concurrencyLimit);
});

test('Northflank cpu and memory series carry the container label the rules group by', () => {
  const samples = metricsSamples({
    data: {
      cpu: { metricInfo: { metricUnit: 'pct' }, values: [{ metadata: { containerId: 'web-1' }, data: [{ value: 12, ts: '2025-11-15T12:00:00Z' }] }] },
      memory: { metricInfo: { metricUnit: 'mb' }, values: [{ metadata: { containerId: 'web-1' }, data: [{ value: 512, ts: '2025-11-15T12:00:00Z' }] }] },
    },
  });
  const cpu = samples.find((sample) => sample.series === QUOTA_SERIES.northflank.cpu);
  const memory = samples.find((sample) => sample.series === QUOTA_SERIES.northflank.memory);
  assert.equal(cpu?.unit, 'percent');
  assert.equal(cpu?.labels?.container, 'web-1');
  assert.equal(memory?.unit, 'megabytes');
});
