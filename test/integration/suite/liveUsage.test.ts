// Inside a real extension host: the contributed commands are registered, tokens make the round trip
// through VS Code's SecretStorage, the poller reads the local provider servers (started in this
// process), and what it read is on disk for the next start (history), through the API `activate()`
// returns.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { startSandbox, type Sandbox } from '../../../sandbox/server';
import type { LiveUsageApi } from '../../../src/api';
import { HistoryStore } from '../../../src/history/historyStore';
import type { ConnectionConfig } from '../../../src/shared/connections';
import type { ConnectionSnapshot } from '../../../src/shared/snapshot';
import { paletteLoaded } from '../../support/paletteLoaded';

const EXTENSION_ID = 'live-usage.live-usage';
const RUNNING_SERIES = 'browserless.pressure.running';

async function liveUsage(): Promise<LiveUsageApi> {
  const extension = vscode.extensions.getExtension<LiveUsageApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not installed in this extension host`);
  const api = await extension.activate();
  assert.ok(api && typeof api.snapshots === 'function', 'activate() did not return the Live Usage API');
  await api.ready;
  return api;
}

async function setConnections(connections: readonly ConnectionConfig[] | undefined): Promise<void> {
  await vscode.workspace.getConfiguration('liveUsage').update('connections', connections, vscode.ConfigurationTarget.Global);
}

/** Polls `check` until it returns a value; fails with `what` and the last snapshots after `timeoutMs`. */
async function eventually<T>(api: LiveUsageApi, what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      const shown = api
        .snapshots()
        .map((snapshot) => `${snapshot.id}: ${snapshot.health}${snapshot.error ? ` (${snapshot.error.message})` : ''}, ${snapshot.latest.length} value(s)`);
      assert.fail(`timed out after ${timeoutMs / 1000} s waiting for ${what}; snapshots: ${shown.join('; ') || 'none'}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function snapshotOf(api: LiveUsageApi, id: string): ConnectionSnapshot | undefined {
  return api.snapshots().find((snapshot) => snapshot.id === id);
}

function runningValue(snapshot: ConnectionSnapshot | undefined): number | null | undefined {
  return snapshot?.latest.find((sample) => sample.series === RUNNING_SERIES)?.value;
}

suite('Live Usage inside the extension host', function () {
  this.timeout(30_000);
  let api: LiveUsageApi;
  let sandbox: Sandbox;
  const tokenIds: string[] = [];

  suiteSetup(async () => {
    api = await liveUsage();
    sandbox = await startSandbox({ port: 0 });
    // The test window may not have focus (headless browser); timed polls must not wait for it.
    await vscode.workspace.getConfiguration('liveUsage').update('pauseWhenUnfocused', false, vscode.ConfigurationTarget.Global);
  });

  suiteTeardown(async () => {
    await setConnections(undefined);
    await vscode.workspace.getConfiguration('liveUsage').update('pauseWhenUnfocused', undefined, vscode.ConfigurationTarget.Global);
    for (const id of tokenIds) await api?.clearToken(id).catch(() => undefined);
    await sandbox?.close();
  });

  test('every command in package.json is registered', async () => {
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as { contributes?: { commands?: { command: string }[] } };
    const contributed = (manifest.contributes?.commands ?? []).map((entry) => entry.command);
    assert.ok(contributed.length >= 10, `package.json contributes only ${contributed.length} commands`);
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((command) => !registered.has(command));
    assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
  });

  test('Open Browserbase Sessions opens its panel, once', async () => {
    const sessionsTabs = () =>
      vscode.window.tabGroups.all
        .flatMap((group) => group.tabs)
        .filter((tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith('liveUsage.browserbaseSessions'));
    await vscode.commands.executeCommand('liveUsage.openBrowserbaseSessions');
    await eventually(api, 'the Browserbase Sessions tab', () => (sessionsTabs().length > 0 ? true : undefined), 10_000);
    // A second open reveals the same panel instead of opening another.
    await vscode.commands.executeCommand('liveUsage.openBrowserbaseSessions');
    assert.equal(sessionsTabs().length, 1);
    assert.equal(sessionsTabs()[0]?.label, 'Browserbase Sessions');
    await vscode.window.tabGroups.close(sessionsTabs());
  });

  test('a token goes into SecretStorage and out again', async () => {
    const id = 'it-secret-roundtrip';
    tokenIds.push(id);
    // Disabled: this connection is only about its token, nothing is polled.
    await setConnections([{ id, kind: 'prometheus', label: 'Secret round trip', baseUrl: `${sandbox.url}/prometheus/metrics`, enabled: false }]);
    await eventually(api, `the connection ${id} to be loaded`, () => snapshotOf(api, id));
    assert.equal(await api.tokenSource(id), 'none');

    await api.setToken(id, '  it-secret-value  ');
    assert.equal(await api.tokenSource(id), 'secretStorage');
    await eventually(api, 'the snapshot to report the stored token', () => (snapshotOf(api, id)?.tokenSource === 'secretStorage' ? true : undefined));

    await api.clearToken(id);
    assert.equal(await api.tokenSource(id), 'none');
    await assert.rejects(api.setToken(id, '   '), /empty/, 'an empty token must be refused, not stored');
    assert.equal(await api.tokenSource(id), 'none');
  });

  test('the poller reads the local Browserless server with a bearer token, and history keeps it', async () => {
    const id = 'it-browserless';
    tokenIds.push(id);
    sandbox.setState({ browserless: { running: 4, maxConcurrent: 10, queued: 0, cpu: 20, memory: 30, recentlyRejected: 0 } });
    sandbox.clearRequests();
    await setConnections([
      { id, kind: 'browserless', label: 'IT Browserless', baseUrl: sandbox.baseUrl('browserless'), browserlessVersion: 'v2', authMode: 'bearer' },
    ]);
    await eventually(api, `the connection ${id} to be loaded`, () => snapshotOf(api, id));
    // Browserless may need no token (self-hosted), so it is tried without one: the server says 401.
    api.refresh(id);
    await eventually(api, `${id} to ask for a token after the server's 401`, () => (snapshotOf(api, id)?.health === 'authNeeded' ? true : undefined));
    assert.match(snapshotOf(api, id)?.error?.message ?? '', /HTTP 401/);

    const changes: (readonly ConnectionSnapshot[])[] = [];
    const subscription = api.onDidChangeSnapshots((snapshots) => changes.push(snapshots));
    try {
      await api.setToken(id, sandbox.tokens.browserless);
      api.refresh(id); // polls now even if this window is not focused
      const polled = await eventually(api, `a snapshot of ${id} with ${RUNNING_SERIES} = 4`, () => {
        const snapshot = snapshotOf(api, id);
        return runningValue(snapshot) === 4 ? snapshot : undefined;
      });
      assert.equal(polled.health, 'ok');
      assert.equal(polled.tokenSource, 'secretStorage');
      // Changes are coalesced (about 50 ms), so the event may come a moment after snapshots() has the value.
      await eventually(
        api,
        'onDidChangeSnapshots to deliver the polled value',
        () => (changes.some((snapshots) => runningValue(snapshots.find((snapshot) => snapshot.id === id)) === 4) ? true : undefined),
        5_000,
      );
      const concurrency = polled.quotas.find((quota) => quota.id === 'concurrency');
      assert.equal(concurrency?.value, 4);
      assert.equal(concurrency?.limit, 10);
      assert.equal(concurrency?.level, 'ok');
    } finally {
      subscription.dispose();
    }
    // The requests before the token was set carried none; every one after it, a bearer header only.
    const pressure = sandbox.requests.filter((request) => request.path === '/browserless/pressure' && request.auth.length > 0);
    assert.ok(pressure.length > 0, 'the sandbox saw no /browserless/pressure request with a token');
    assert.ok(
      pressure.every((request) => request.auth.length === 1 && request.auth[0] === 'bearer'),
      `the token did not travel as a bearer header only: ${JSON.stringify(pressure.map((request) => request.auth))}`,
    );

    // The samples are on disk: a fresh store on the same folder (what the next start opens) finds them.
    const history = await HistoryStore.open(`${api.storagePath}/history`, {
      fullResolutionDays: 7,
      downsampledDays: 30,
      log: { info: () => undefined, warn: () => undefined },
    });
    try {
      const stored = await eventually(api, `${RUNNING_SERIES} of ${id} in the history folder`, async () => {
        const samples = await history.query(id, { from: Date.now() - 60 * 60_000, to: Date.now() + 60_000, series: [RUNNING_SERIES] });
        return samples.some((sample) => sample.value === 4) ? samples : undefined;
      });
      assert.ok(stored.every((sample) => sample.series === RUNNING_SERIES));
      const latest = await history.latest(id);
      assert.equal(latest.find((sample) => sample.series === RUNNING_SERIES)?.value, 4);
    } finally {
      await history.close();
    }
  });

  test('Test Connection, loaded from dist/palette.js on its first run, reads the server with the stored token', async () => {
    const id = 'it-browserless';
    sandbox.clearRequests();
    // With an id, no picker; on success the result is a toast nobody has to answer.
    await vscode.commands.executeCommand('liveUsage.testConnection', id);
    assert.ok(paletteLoaded(), 'running a palette command did not load dist/palette.js');
    const pressure = sandbox.requests.filter((request) => request.path === '/browserless/pressure');
    assert.ok(pressure.length > 0, 'Test Connection sent no /browserless/pressure request');
    assert.ok(
      pressure.every((request) => request.auth.length === 1 && request.auth[0] === 'bearer'),
      'Test Connection did not send the stored token',
    );
  });

  test('after the connection is gone and back, its last values come from history while the server fails', async () => {
    const id = 'it-browserless';
    const config: ConnectionConfig = {
      id,
      kind: 'browserless',
      label: 'IT Browserless',
      baseUrl: sandbox.baseUrl('browserless'),
      browserlessVersion: 'v2',
      authMode: 'bearer',
    };
    // Gone: the service forgets the connection (its history stays on disk).
    await setConnections([]);
    await eventually(api, `${id} to be gone`, () => (snapshotOf(api, id) ? undefined : true));
    // The server now fails and says something else; what shows must be the stored values.
    sandbox.setState({ browserless: { running: 7 } });
    sandbox.injectFault({ route: '/browserless', fault: { kind: 'status', status: 500 } });
    await setConnections([config]);
    const restored = await eventually(api, `${id} to be back`, () => snapshotOf(api, id));
    assert.equal(runningValue(restored), 4, 'the value read before was not restored from history');
    assert.ok(restored.lastSuccessAt !== undefined, 'the restored snapshot has no last success time');
    api.refresh(id);
    const failing = await eventually(api, `${id} to report the server error`, () => {
      const snapshot = snapshotOf(api, id);
      return snapshot?.health === 'error' ? snapshot : undefined;
    });
    assert.match(failing.error?.message ?? '', /HTTP 500/);
    assert.equal(runningValue(failing), 4, 'a failing poll must not wipe the restored values');
    sandbox.clearFaults();
  });

  test('storing the token again after the server rejected it polls again at once', async () => {
    const id = 'it-browserless';
    sandbox.clearFaults();
    sandbox.setState({ browserless: { running: 5 } });
    sandbox.injectFault({ route: '/browserless', fault: { kind: 'status', status: 401 } });
    api.refresh(id);
    await eventually(api, `${id} to ask for a token after a 401`, () => (snapshotOf(api, id)?.health === 'authNeeded' ? true : undefined));
    // The server takes the token again; the person stores the same token again (no Refresh).
    sandbox.clearFaults();
    await api.setToken(id, sandbox.tokens.browserless);
    const recovered = await eventually(api, `${id} to poll again after Set Token`, () => {
      const snapshot = snapshotOf(api, id);
      return snapshot?.health === 'ok' && runningValue(snapshot) === 5 ? snapshot : undefined;
    });
    assert.equal(recovered.error, undefined);
  });
});
