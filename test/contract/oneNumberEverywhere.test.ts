/**
 * One truth per number. For every provider, the real feeds poll the local provider servers three
 * times a minute apart (the clock is the test's), and the host's own code builds the snapshot, the
 * status bar, the chart data and the texts of the card and the quota table. For each headline figure
 * (every card figure, the status bar's among them) the status bar text, the card's figure, the quota
 * table's value and the last point of the chart line the figure names are the same number in the same
 * unit. And the status bar names the figure that is worst.
 */
import assert from 'node:assert/strict';
import { after, before, describe, mock, test } from 'node:test';
import { feedsFor } from '../../src/connections/feeds';
import { LatestValues } from '../../src/connections/latestValues';
import { buildSnapshot } from '../../src/connections/snapshotBuilder';
import { HttpClient } from '../../src/http/httpClient';
import { columnIdentity, descriptorFor, PROVIDER_ABBREVIATIONS } from '../../src/providers/registry';
import { buildCharts, type ChartData } from '../../src/shared/chartGroups';
import { toColumns } from '../../src/shared/columns';
import type { ConnectionConfig } from '../../src/shared/connections';
import { figureCompact, figureText, valueText } from '../../src/shared/figures';
import type { Sample } from '../../src/shared/samples';
import type { ConnectionSnapshot, Figure } from '../../src/shared/snapshot';
import { formatStatusBar, statusFigure } from '../../src/statusbar/formatStatusBar';
import { useSandbox } from '../support/sandbox';

/** Mid-month, so the sandbox's sessions (started up to half a day before it) are all in this cycle. */
const START = Date.UTC(2025, 10, 15, 12);
const MINUTE = 60_000;

// The clients stamp readings with Date.now() and the sandbox serves values by it: both follow the
// test's clock, moved a minute between polls (timers stay real, so HTTP works as usual).
before(() => mock.timers.enable({ apis: ['Date'], now: START }));
after(() => mock.timers.reset());
const context = useSandbox({ cerebrasRequestsPerMinute: 0, northflankRequestsPerHour: 100_000 });
let http: HttpClient;
before(() => {
  http = new HttpClient();
});
after(() => http.close());

interface Built {
  readonly snapshot: ConnectionSnapshot;
  readonly charts: readonly ChartData[];
  readonly statusText: string;
}

function connections(): ConnectionConfig[] {
  const base = (
    kind: ConnectionConfig['kind'],
    mount: Parameters<typeof context.sandbox.baseUrl>[0],
    extra: Partial<ConnectionConfig> = {},
  ): ConnectionConfig => ({
    id: `local-${mount}`,
    kind,
    label: `Local ${mount}`,
    baseUrl: context.sandbox.baseUrl(mount),
    ...extra,
  });
  return [
    base('browserless', 'browserless'),
    base('browserless', 'browserless-v1', { browserlessVersion: 'v1' }),
    base('browserbase', 'browserbase', { projectId: 'proj_sandbox', quota: { monthlyBrowserMinutes: 30_000, monthlyProxyGigabytes: 5 } }),
    base('northflank', 'northflank', { projectId: 'sandbox-project', resourceId: 'api', quota: { cpuLimitVcpu: 2, memoryLimitMegabytes: 2048 } }),
    base('cerebras', 'cerebras', { organizationId: 'org_sandbox' }),
    { ...base('prometheus', 'prometheus'), baseUrl: `${context.sandbox.baseUrl('prometheus')}/metrics` },
  ];
}

function tokenOf(config: ConnectionConfig): string | undefined {
  const tokens = context.sandbox.tokens as unknown as Record<string, string | undefined>;
  return tokens[config.kind];
}

/** Polls every feed of the connection `rounds` times, a minute apart, and builds what the surfaces show. */
async function pollAndBuild(config: ConnectionConfig, rounds = 3): Promise<Built> {
  const feeds = feedsFor(config, tokenOf(config), http);
  const samples: Sample[] = [];
  for (let round = 0; round < rounds; round++) {
    if (round > 0) mock.timers.tick(MINUTE);
    for (const feed of feeds) samples.push(...(await feed.run(AbortSignal.timeout(30_000))).samples);
  }
  const descriptor = descriptorFor(config);
  const values = new LatestValues(descriptor);
  values.merge(samples);
  const now = Date.now();
  const snapshot = buildSnapshot({
    config,
    latest: values.latest(),
    previous: values.previous(),
    history: samples,
    health: 'ok',
    lastSuccessAt: now,
    notes: [],
    tokenSource: 'secretStorage',
    now,
    options: { timeZone: 'UTC' },
  });
  const ordered = [...samples].sort((a, b) => a.at - b.at);
  const history = {
    connectionId: config.id,
    from: START - 6 * 60 * MINUTE,
    to: now,
    warnPercent: 75,
    criticalPercent: 90,
    series: toColumns(ordered, columnIdentity(descriptor)),
  };
  const charts = buildCharts(descriptor, history, snapshot.quotas);
  return { snapshot, charts, statusText: formatStatusBar([snapshot], { now }).text };
}

function lastPoint(charts: readonly ChartData[], figure: Figure): { value: number | null; unit: string } {
  assert.ok(figure.chart, `${figure.id} names the chart line that draws it`);
  const chart = charts.find((entry) => entry.key === figure.chart?.key);
  assert.ok(chart, `${figure.id}: chart ${figure.chart.key} among ${charts.map((entry) => entry.key).join(', ')}`);
  const line = chart.series.find((dataset) => dataset.key === figure.chart?.dataset);
  assert.ok(line, `${figure.id}: line ${figure.chart.dataset} among ${chart.series.map((dataset) => dataset.key).join(', ')}`);
  let value: number | null = null;
  for (let index = line.v.length - 1; index >= 0 && value === null; index--) value = line.v[index] ?? null;
  return { value, unit: chart.unit };
}

describe('the same number on every surface, for every provider', () => {
  for (const index of [0, 1, 2, 3, 4, 5]) {
    test(`connection ${index + 1} of 6`, async () => {
      const config = connections()[index] as ConnectionConfig;
      const { snapshot, charts, statusText } = await pollAndBuild(config);
      assert.ok(snapshot.figures.length > 0, `${config.id} has headline figures`);
      for (const figure of snapshot.figures) {
        const shown = valueText(figure.value, figure.unit, figure.words);
        assert.notEqual(figure.value, null, `${config.id} ${figure.id} has a value from the local servers`);
        // The card writes the figure in full, its limit after it.
        assert.ok(figureText(figure).startsWith(shown), `${config.id} ${figure.id}: card "${figureText(figure)}" vs "${shown}"`);
        // The quota table's value cell is the rule's value, written by the same function.
        if (figure.quota) {
          const quota = snapshot.quotas.find((entry) => entry.id === figure.quota);
          assert.ok(quota);
          assert.equal(quota.value, figure.value, `${config.id} ${figure.id}: quota value`);
          assert.equal(quota.unit, figure.unit);
          assert.equal(valueText(quota.value, quota.unit, quota.words), shown);
        }
        // The chart's latest point is the same number, on an axis of the same unit.
        const point = lastPoint(charts, figure);
        assert.equal(point.value, figure.value, `${config.id} ${figure.id}: the chart's latest point`);
        assert.equal(point.unit, figure.unit, `${config.id} ${figure.id}: the chart's unit`);
      }
      // The status bar shows one of these figures, named, as the same number.
      const figure = statusFigure(snapshot);
      assert.ok(figure);
      assert.ok(
        statusText.includes(`${PROVIDER_ABBREVIATIONS[config.kind]} ${figureCompact(figure)}`),
        `${config.id}: status bar "${statusText}" shows "${figureCompact(figure)}"`,
      );
    });
  }
});

describe('the status bar names the worst figure', () => {
  test('Browserbase at its concurrency limit shows running sessions, not browser minutes', async () => {
    const config = connections()[2] as ConnectionConfig;
    const calm = await pollAndBuild(config, 1);
    assert.match(calm.statusText, /^\$\(pulse\) BB [\d,.]+\/30k min$/);
    context.sandbox.setState({ browserbase: { concurrency: 1 } });
    try {
      const full = await pollAndBuild(config, 1);
      const sessions = full.snapshot.figures.find((entry) => entry.id === 'sessions');
      assert.equal(sessions?.level, 'critical');
      assert.equal(full.statusText, '$(warning) BB 1/1 sessions');
      assert.equal(lastPoint(full.charts, sessions as Figure).value, 1);
    } finally {
      context.sandbox.setState({ browserbase: null });
    }
  });
});
