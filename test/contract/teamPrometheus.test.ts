/**
 * The whole team path with real components: the local provider servers, the exporter polling them,
 * Debian's Prometheus (started here on 127.0.0.1, scraping the exporter every second) and the
 * extension's team Prometheus connections reading it back through the query API. Each exported
 * connection must read back with the figures, quota rules and values of a direct connection built
 * from the same readings; charts and quota history come from range queries; PromQL panels work; the
 * exporter's problems are the connection's. Skipped, saying why, only when Prometheus is not installed.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { feedsFor } from '../../src/connections/feeds';
import { LatestValues } from '../../src/connections/latestValues';
import { ProviderProbe } from '../../src/connections/providerProbe';
import { buildSnapshot } from '../../src/connections/snapshotBuilder';
import { effectiveConfig, queryClient, readRange, upstreamError, type TeamReading } from '../../src/connections/teamPrometheus';
import { startExporter, type Exporter } from '../../src/exporter/exporter';
import { resolveTokens } from '../../src/exporter/tokens';
import { HttpClient } from '../../src/http/httpClient';
import { ProviderError } from '../../src/http/errors';
import { descriptorFor } from '../../src/providers/registry';
import type { ConnectionConfig, ExportableKind } from '../../src/shared/connections';
import type { ConnectionSnapshot } from '../../src/shared/snapshot';
import { findPrometheus, MISSING_PROMETHEUS, startPrometheus, type PrometheusServer } from '../../scripts/prometheus.mjs';
import { FakeClock } from '../unit/polling/fakeClock';
import { dashboardQueries, EXPORTER_DOCS } from '../support/exporterDocs';
import { useSandbox } from '../support/sandbox';

const NOT_INSTALLED = findPrometheus() ? false : `skipped: ${MISSING_PROMETHEUS}`;
/** Feeds the exporter polls at start: Browserless 3, Browserbase 4, Northflank 1, Cerebras 1. */
const FEEDS_POLLED = 9;
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };

async function eventually<T>(what: string, check: () => Promise<T | undefined>): Promise<T> {
  // Tries for up to a minute: Prometheus answers within seconds of a scrape, on any machine.
  for (let attempt = 0; attempt < 600; attempt++) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.fail(`never saw ${what}`);
}

describe('a team Prometheus scraping the exporter, read back by the extension', { skip: NOT_INSTALLED }, () => {
  const context = useSandbox();
  const http = new HttpClient();
  let exporter: Exporter;
  let prometheus: PrometheusServer;
  let direct: ConnectionConfig[];

  const team = (id: string, kind: ExportableKind, extra: Partial<ConnectionConfig> = {}): ConnectionConfig => ({
    id: `team-${id}`,
    kind: 'prometheusQuery',
    label: `${id} (team)`,
    baseUrl: prometheus.url,
    exportedConnection: id,
    exportedKind: kind,
    ...extra,
  });

  /** One poll of a team connection, as the extension's poller runs it. */
  const poll = async (config: ConnectionConfig) => {
    const [feed] = feedsFor(config, undefined, http);
    assert.ok(feed);
    return (await feed.run(AbortSignal.timeout(30_000))) as TeamReading;
  };

  const snapshotOf = (config: ConnectionConfig, values: LatestValues): ConnectionSnapshot =>
    buildSnapshot({ config, latest: values.latest(), previous: values.previous(), history: [], health: 'ok', notes: [], tokenSource: 'none', now: Date.now() });

  before(async () => {
    const { sandbox } = context;
    sandbox.setState({ browserless: { running: 4, maxConcurrent: 10, queued: 2, maxQueued: 10, cpu: 35, memory: 60, recentlyRejected: 1 } });
    direct = [
      { id: 'bl', kind: 'browserless', label: 'Local Browserless', baseUrl: `${sandbox.url}/browserless`, authMode: 'bearer' },
      {
        id: 'bb',
        kind: 'browserbase',
        label: 'Local Browserbase',
        baseUrl: `${sandbox.url}/browserbase`,
        projectId: 'proj_sandbox',
        usageScope: 'billingCycle',
        quota: { monthlyBrowserMinutes: 20_000, monthlyProxyGigabytes: 3 },
      },
      {
        id: 'nf',
        kind: 'northflank',
        label: 'Local Northflank',
        baseUrl: `${sandbox.url}/northflank`,
        projectId: 'sandbox-project',
        resourceId: 'api',
        quota: { memoryLimitMegabytes: 1024 },
      },
      {
        id: 'cb',
        kind: 'cerebras',
        label: 'Local Cerebras',
        baseUrl: `${sandbox.url}/cerebras`,
        organizationId: 'org_sandbox',
        quota: { p95LatencySeconds: 2 },
      },
      // No token: the exporter reports it down.
      { id: 'cb-other', kind: 'cerebras', label: 'Other Cerebras', baseUrl: `${sandbox.url}/cerebras`, organizationId: 'org_sandbox' },
    ];
    const { tokens } = resolveTokens(direct, {
      env: {
        LIVE_USAGE_TOKEN_BL: sandbox.tokens.browserless,
        LIVE_USAGE_TOKEN_BB: sandbox.tokens.browserbase,
        LIVE_USAGE_TOKEN_NF: sandbox.tokens.northflank,
        LIVE_USAGE_TOKEN_CB: sandbox.tokens.cerebras,
      },
      readFile: () => '',
    });
    let attempts = 0;
    let polled!: () => void;
    const allPolled = new Promise<void>((resolve) => (polled = resolve));
    exporter = await startExporter({
      connections: direct,
      tokens,
      port: 0,
      log: silent,
      version: 'test',
      clock: new FakeClock(Date.now()),
      random: () => 0.5,
      onUpdate: () => {
        if (++attempts >= FEEDS_POLLED) polled();
      },
    });
    await allPolled;
    prometheus = await startPrometheus({ targets: [new URL(exporter.url).host] });
    const client = queryClient(team('bl', 'browserless'), undefined, http);
    await eventually('every exporter connection in Prometheus', async () => ((await client.query('live_usage_up')).points.length === 5 ? true : undefined));
  });

  after(async () => {
    await prometheus?.stop();
    await exporter?.close();
    await http.close();
  });

  test('each exported connection: the same figures, quota rules and values as a direct connection with the same readings', async () => {
    const kinds: Record<string, ExportableKind> = { bl: 'browserless', bb: 'browserbase', nf: 'northflank', cb: 'cerebras' };
    for (const [id, kind] of Object.entries(kinds)) {
      const config = direct.find((entry) => entry.id === id)!;
      const held = exporter.poller.connections.find((connection) => connection.config.id === id)!;
      const directValues = new LatestValues(descriptorFor(config));
      directValues.merge(held.values.latest());
      const expected = snapshotOf(config, directValues);

      const teamConfig = team(id, kind);
      const reading = await poll(teamConfig);
      assert.equal(reading.upstream?.up, true, `${id} is up`);
      const teamValues = new LatestValues(descriptorFor(teamConfig));
      teamValues.merge(reading.samples);
      const actual = snapshotOf(effectiveConfig(teamConfig, reading.upstream), teamValues);

      assert.equal(actual.kind, kind);
      assert.equal(actual.via, 'prometheus');
      assert.deepEqual(actual.figures, expected.figures, `${id}: figures`);
      // A reading's time through Prometheus is when it was queried, not when the exporter read it: a
      // detail that names the minute ("p95 … in the minute to 17:25") may name the next one.
      const withoutClock = (snapshot: ConnectionSnapshot) =>
        snapshot.quotas.map((quota) => ({ ...quota, ...(quota.detail ? { detail: quota.detail.replace(/\b\d{1,2}:\d{2}\b/g, 'hh:mm') } : {}) }));
      assert.deepEqual(withoutClock(actual), withoutClock(expected), `${id}: quota rules`);
      assert.ok(expected.figures.length > 0 && expected.quotas.length > 0, `${id} has figures and rules to compare`);
      const values = (snapshot: ConnectionSnapshot) => new Map(snapshot.values.map((row) => [`${row.key} ${row.part}`, [row.value, row.unit]]));
      const want = values(expected);
      const got = values(actual);
      assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort(), `${id}: the same rows`);
      for (const [key, [value, unit]] of want) {
        const [teamValue, teamUnit] = got.get(key) ?? [];
        assert.equal(teamUnit, unit, `${id} ${key}: unit`);
        if (typeof value === 'number' && typeof teamValue === 'number')
          assert.ok(Math.abs(value - teamValue) <= 1e-9 * Math.max(1, Math.abs(value)), `${id} ${key}`);
        else assert.equal(teamValue, value, `${id} ${key}`);
      }
    }
  });

  test('the exporter’s quota settings apply unless the connection sets its own', async () => {
    const reading = await poll(team('bb', 'browserbase'));
    assert.deepEqual(reading.upstream?.quota, { monthlyBrowserMinutes: 20_000, monthlyProxyGigabytes: 3 });
    assert.equal(reading.upstream?.usageScope, 'billingCycle');
    const own = effectiveConfig(team('bb', 'browserbase', { quota: { monthlyBrowserMinutes: 50_000 } }), reading.upstream);
    assert.deepEqual(own.quota, { monthlyBrowserMinutes: 50_000, monthlyProxyGigabytes: 3 });
  });

  test('charts and quota history read ranges from Prometheus', async () => {
    const config = team('bl', 'browserless');
    const now = Date.now();
    const running = await readRange(config, queryClient(config, undefined, http), {
      from: now - 10 * 60_000,
      to: now,
      series: ['browserless.pressure.running'],
    });
    assert.ok(running.length > 0, 'points in the range');
    assert.ok(running.every((sample) => sample.series === 'browserless.pressure.running' && sample.value === 4 && sample.unit === 'count'));
    const bb = team('bb', 'browserbase');
    const usage = await readRange(bb, queryClient(bb, undefined, http), { from: now - 10 * 60_000, to: now, series: ['browserbase.usage.browserMinutes'] });
    const held = exporter.poller.connections.find((connection) => connection.config.id === 'bb')!.values.latest();
    const minutes = held.find((sample) => sample.series === 'browserbase.usage.browserMinutes')?.value;
    assert.ok(usage.length > 0 && usage.every((sample) => sample.value === minutes && sample.unit === 'minutes'));
  });

  test('PromQL panels: values, thresholds and ranges; a query the server refuses is said, the others show', async () => {
    const config: ConnectionConfig = {
      id: 'team-panels',
      kind: 'prometheusQuery',
      label: 'Team panels',
      baseUrl: prometheus.url,
      queries: [
        { title: 'Connections up', query: 'sum(live_usage_up)', unit: 'count', threshold: 5 },
        { title: 'Broken', query: 'sum(rate(' },
      ],
    };
    const reading = await poll(config);
    const values = new LatestValues(descriptorFor(config));
    values.merge(reading.samples);
    const snapshot = snapshotOf(config, values);
    const figure = snapshot.figures.find((entry) => entry.id === 'query:Connections up');
    assert.deepEqual([figure?.value, figure?.limit, figure?.level], [4, 5, 'warning']);
    assert.ok(
      reading.notes?.some((note) => /^Broken: .*HTTP 400.*parse error/.test(note)),
      JSON.stringify(reading.notes),
    );
    const now = Date.now();
    const range = await readRange(config, queryClient(config, undefined, http), { from: now - 5 * 60_000, to: now, series: ['Connections up'] });
    assert.ok(range.length > 0 && range.every((sample) => sample.series === 'Connections up'));
  });

  test('the exporter’s problem is the connection’s; a connection Prometheus does not have, or of another provider, says so', async () => {
    const down = await poll(team('cb-other', 'cerebras'));
    assert.equal(down.upstream?.up, false);
    assert.match(upstreamError(team('cb-other', 'cerebras'), down.upstream)?.message ?? '', /reports “cb-other” down/);
    const missing = await poll(team('nope', 'cerebras')).catch((error: unknown) => error);
    assert.ok(missing instanceof ProviderError && missing.kind === 'notFound', String(missing));
    assert.match(missing.message, /no series of the exporter connection "nope"/);
    const wrong = await poll(team('bb', 'cerebras')).catch((error: unknown) => error);
    assert.ok(wrong instanceof ProviderError && wrong.kind === 'request', String(wrong));
    assert.match(wrong.message, /set exportedKind to "browserbase"/);
  });

  test('the starter Grafana dashboard’s queries run, and promtool accepts the documented scrape config', async () => {
    const client = queryClient(team('x', 'browserless'), undefined, http);
    const empty: string[] = [];
    for (const query of dashboardQueries()) {
      const result = await client.query(query);
      // Failed polls and the Browserless totals' rates need more than one scrape to have a value.
      if (result.points.length === 0 && !/live_usage_poll_errors_total|_total\{/.test(query)) empty.push(query);
    }
    assert.deepEqual(empty, [], 'every panel but the rates has data from the local servers');
    const promtool = path.join(path.dirname(findPrometheus() ?? ''), 'promtool');
    if (!existsSync(promtool)) return;
    const check = spawnSync(promtool, ['check', 'config', path.join(EXPORTER_DOCS, 'prometheus.yml')], { encoding: 'utf8' });
    assert.equal(check.status, 0, `${check.stdout}${check.stderr}`);
  });

  test('Add Connection lists the exporter’s connections the server holds', async () => {
    const probe = new ProviderProbe(http, { resolve: () => Promise.resolve({ source: 'none' as const }) });
    const choices = await probe.listChoices('exportedConnections', team('x', 'browserless'), undefined);
    assert.deepEqual(
      choices?.map((choice) => [choice.id, choice.kind, choice.label]),
      [
        ['bb', 'browserbase', 'Local Browserbase'],
        ['bl', 'browserless', 'Local Browserless'],
        ['cb', 'cerebras', 'Local Cerebras'],
        ['nf', 'northflank', 'Local Northflank'],
        ['cb-other', 'cerebras', 'Other Cerebras'],
      ],
    );
  });
});
