/**
 * What docs/exporter/ ships stays true: the example connections file is one the exporter accepts, the
 * Grafana dashboard asks only for families the exporter publishes, and the scrape config points at the
 * exporter's port. (The contract test against a real Prometheus runs every dashboard query too.)
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { parseConnectionsFile } from '../../../src/exporter/connectionsFile';
import { DEFAULT_PORT } from '../../../src/exporter/exporter';
import { EXPORTER_FAMILIES, exportedFamilies, sampleName } from '../../../src/providers/exportedSeries';
import { DESCRIPTORS } from '../../../src/providers/registry';
import { dashboardQueries, EXPORTER_DOCS, readExporterDoc as read } from '../../support/exporterDocs';

describe('docs/exporter', () => {
  test('the example connections file is one the exporter accepts', () => {
    const connections = parseConnectionsFile(read('connections.example.json'));
    assert.deepEqual(
      connections.map((config) => config.kind),
      ['browserless', 'browserbase', 'northflank', 'cerebras'],
    );
  });

  test('the Grafana dashboard asks only for what the exporter publishes', () => {
    const published = new Set<string>([
      ...[DESCRIPTORS.browserless, DESCRIPTORS.browserbase, DESCRIPTORS.northflank, DESCRIPTORS.cerebras].flatMap((descriptor) =>
        exportedFamilies(descriptor).map((family) => sampleName(family)),
      ),
      EXPORTER_FAMILIES.up,
      EXPORTER_FAMILIES.lastSuccess,
      `${EXPORTER_FAMILIES.pollErrors}_total`,
      EXPORTER_FAMILIES.scrapeDuration,
      `${EXPORTER_FAMILIES.connection}_info`,
      EXPORTER_FAMILIES.quotaSetting,
      `${EXPORTER_FAMILIES.exporter}_info`,
    ]);
    const queries = dashboardQueries();
    assert.ok(queries.length >= 10);
    const dashboard = read('grafana-dashboard.json');
    for (const name of dashboard.match(/live_usage_[a-z0-9_]+/g) ?? [])
      assert.ok(published.has(name), `the dashboard asks for ${name}, which the exporter does not publish`);
  });

  test('the scrape config and the Dockerfile use the exporter’s port and its bundle', () => {
    assert.match(read('prometheus.yml'), new RegExp(`targets: \\['live-usage-exporter:${DEFAULT_PORT}'\\]`));
    const dockerfile = readFileSync(path.resolve(EXPORTER_DOCS, '../../Dockerfile'), 'utf8');
    assert.match(dockerfile, new RegExp(`^EXPOSE ${DEFAULT_PORT}$`, 'm'));
    assert.match(dockerfile, new RegExp(`"--listen", "0\\.0\\.0\\.0:${DEFAULT_PORT}"`));
    assert.match(dockerfile, new RegExp(`127\\.0\\.0\\.1:${DEFAULT_PORT}/healthz`));
    assert.match(dockerfile, /^COPY --from=build \/src\/dist\/exporter\.js \/src\/dist\/parseWorker\.js \/app\/$/m);
    assert.match(readFileSync(path.resolve(EXPORTER_DOCS, '../../scripts/build.mjs'), 'utf8'), /entryPoints: \{ exporter: 'src\/exporter\/main\.ts' \}/);
  });
});
