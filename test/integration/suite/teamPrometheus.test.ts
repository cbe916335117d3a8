// Inside a real extension host: the local provider servers, the team exporter polling them and a real
// Prometheus (Debian's package, on 127.0.0.1) scraping the exporter; the extension reads the team
// Prometheus back through its query API. An exporter connection shows as its provider with the same
// figures as a direct connection to the same server, PromQL panels show with their thresholds, and
// the exporter's problem with a connection is that connection's error. Skipped, saying why, only when
// Prometheus is not installed.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { startSandbox, type Sandbox } from '../../../sandbox/server';
import { findPrometheus, MISSING_PROMETHEUS, startPrometheus, type PrometheusServer } from '../../../scripts/prometheus.mjs';
import type { LiveUsageApi } from '../../../src/api';
import { startExporter, type Exporter } from '../../../src/exporter/exporter';
import { resolveTokens } from '../../../src/exporter/tokens';
import type { ConnectionConfig } from '../../../src/shared/connections';
import type { ConnectionSnapshot } from '../../../src/shared/snapshot';

const EXTENSION_ID = 'live-usage.live-usage';
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };

async function setConnections(connections: readonly ConnectionConfig[] | undefined): Promise<void> {
  await vscode.workspace.getConfiguration('liveUsage').update('connections', connections, vscode.ConfigurationTarget.Global);
}

async function eventually<T>(api: LiveUsageApi, what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs = 45_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      const shown = api.snapshots().map((snapshot) => `${snapshot.id}: ${snapshot.health}${snapshot.error ? ` (${snapshot.error.message})` : ''}`);
      assert.fail(`timed out waiting for ${what}; snapshots: ${shown.join('; ') || 'none'}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

suite('Team Prometheus connections inside the extension host', function () {
  this.timeout(120_000);
  let api: LiveUsageApi;
  let sandbox: Sandbox;
  let exporter: Exporter | undefined;
  let prometheus: PrometheusServer | undefined;

  suiteSetup(async function () {
    if (!findPrometheus()) {
      console.log(`Team Prometheus suite skipped: ${MISSING_PROMETHEUS}`);
      this.skip();
    }
    const extension = vscode.extensions.getExtension<LiveUsageApi>(EXTENSION_ID);
    assert.ok(extension);
    api = await extension.activate();
    await api.ready;
    await vscode.workspace.getConfiguration('liveUsage').update('pauseWhenUnfocused', false, vscode.ConfigurationTarget.Global);
    sandbox = await startSandbox({ port: 0 });
    sandbox.setState({ browserless: { running: 6, maxConcurrent: 10, queued: 0, maxQueued: 10, cpu: 25, memory: 40, recentlyRejected: 0 } });
    const connections: ConnectionConfig[] = [
      { id: 'bl', kind: 'browserless', label: 'Shared Browserless', baseUrl: sandbox.baseUrl('browserless'), authMode: 'bearer' },
      { id: 'cb', kind: 'cerebras', label: 'Shared Cerebras', baseUrl: sandbox.baseUrl('cerebras'), organizationId: 'org_sandbox' },
    ];
    // Cerebras gets no token: the exporter reports it down.
    const { tokens } = resolveTokens(connections, { env: { LIVE_USAGE_TOKEN_BL: sandbox.tokens.browserless }, readFile: () => '' });
    exporter = await startExporter({ connections, tokens, port: 0, log: silent, version: 'integration' });
    prometheus = await startPrometheus({ targets: [new URL(exporter.url).host] });
    const url = prometheus.url;
    await eventually(api, 'the exporter in Prometheus', async () => {
      const response = await fetch(`${url}/api/v1/query?query=live_usage_browserless_pressure_running`).catch(() => undefined);
      const body = (await response?.json().catch(() => undefined)) as { data?: { result?: unknown[] } } | undefined;
      return (body?.data?.result?.length ?? 0) > 0 ? true : undefined;
    });
  });

  suiteTeardown(async () => {
    await setConnections(undefined);
    await vscode.workspace.getConfiguration('liveUsage').update('pauseWhenUnfocused', undefined, vscode.ConfigurationTarget.Global);
    await api?.clearToken('it-direct-bl').catch(() => undefined);
    await prometheus?.stop();
    await exporter?.close();
    await sandbox?.close();
  });

  const snapshotOf = (id: string): ConnectionSnapshot | undefined => api.snapshots().find((snapshot) => snapshot.id === id);

  test('an exporter connection shows as its provider, with the figures of a direct connection to the same server', async () => {
    const team: ConnectionConfig = {
      id: 'it-team-bl',
      kind: 'prometheusQuery',
      label: 'Browserless (team)',
      baseUrl: prometheus!.url,
      exportedConnection: 'bl',
      exportedKind: 'browserless',
    };
    const direct: ConnectionConfig = {
      id: 'it-direct-bl',
      kind: 'browserless',
      label: 'Browserless (direct)',
      baseUrl: sandbox.baseUrl('browserless'),
      authMode: 'bearer',
    };
    await api.setToken(direct.id, sandbox.tokens.browserless);
    await setConnections([team, direct]);
    const [viaTeam, viaDirect] = await eventually(api, 'both connections with 6 running sessions', () => {
      const both = [snapshotOf(team.id), snapshotOf(direct.id)];
      return both.every((snapshot) => snapshot?.health === 'ok' && snapshot.figures.find((figure) => figure.id === 'concurrency')?.value === 6)
        ? (both as ConnectionSnapshot[])
        : undefined;
    });
    assert.equal(viaTeam?.kind, 'browserless');
    assert.equal(viaTeam?.via, 'prometheus');
    assert.ok(viaTeam?.notes.some((note) => note.includes('team Prometheus')));
    const figure = (snapshot: ConnectionSnapshot | undefined, id: string) => {
      const found = snapshot?.figures.find((entry) => entry.id === id);
      return found && { value: found.value, limit: found.limit, level: found.level, unit: found.unit };
    };
    for (const id of ['concurrency', 'queue', 'availability']) assert.deepEqual(figure(viaTeam, id), figure(viaDirect, id), id);
    assert.deepEqual(figure(viaTeam, 'concurrency'), { value: 6, limit: 10, level: 'ok', unit: 'count' });
  });

  test('PromQL panels: a value, its unit and its threshold', async () => {
    const panels: ConnectionConfig = {
      id: 'it-team-panels',
      kind: 'prometheusQuery',
      label: 'Team panels',
      baseUrl: prometheus!.url,
      queries: [{ title: 'Sessions running', query: 'sum(live_usage_browserless_pressure_running)', unit: 'count', threshold: 8 }],
    };
    await setConnections([panels]);
    const snapshot = await eventually(api, 'the panel’s value', () => {
      const found = snapshotOf(panels.id);
      return found?.figures[0]?.value === 6 ? found : undefined;
    });
    assert.equal(snapshot.kind, 'prometheusQuery');
    assert.deepEqual(
      snapshot.figures.map((figure) => [figure.id, figure.value, figure.limit, figure.level, figure.unit]),
      [['query:Sessions running', 6, 8, 'warning', 'count']],
    );
    assert.equal(snapshot.level, 'warning');
  });

  test('the exporter reporting a connection down is the connection’s error', async () => {
    const team: ConnectionConfig = {
      id: 'it-team-cb',
      kind: 'prometheusQuery',
      label: 'Cerebras (team)',
      baseUrl: prometheus!.url,
      exportedConnection: 'cb',
      exportedKind: 'cerebras',
    };
    await setConnections([team]);
    const snapshot = await eventually(api, 'the team Cerebras connection to report the exporter’s problem', () => {
      const found = snapshotOf(team.id);
      return found?.health === 'error' ? found : undefined;
    });
    assert.match(snapshot.error?.message ?? '', /The exporter reports “cb” down/);
  });
});
