// Start-up and shutdown in a real extension host. Runs last (see index.ts): it deactivates the
// extension that the other suites used.
//
// 1. A second window (a WindowPolling of this test, on the extension's coordination folder, as another
//    VS Code window's Live Usage would be) mirrors a connection the extension polls. `deactivate()`
//    resolves only once the extension's lease is released, and the second window polls within one
//    poll interval: far sooner than a lease left behind would go stale.
// 2. A fresh activation of the same bundle answers its commands in the same tick as `activate()`
//    returns, before its services have started.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import { startSandbox, type Sandbox } from '../../../sandbox/server';
import type { LiveUsageApi } from '../../../src/api';
import type { LeaseRecord } from '../../../src/polling/leaseManager';
import { WindowPolling } from '../../../src/polling/windowPolling';
import type { Reading } from '../../../src/providers/types';

const EXTENSION_ID = 'live-usage.live-usage';
const CONNECTION_ID = 'it-lifecycle';
/** The connection's poll interval; a lease left behind would go stale only after 15 s. */
const POLL_INTERVAL_SECONDS = 10;

interface ExtensionModule {
  activate(context: vscode.ExtensionContext): LiveUsageApi;
  deactivate(): Promise<void>;
}

async function eventually<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function leaseRecords(folder: string): LeaseRecord[] {
  const leases = path.join(folder, 'leases');
  return readdirSync(leases)
    .filter((name) => name.endsWith('.lease'))
    .map((name) => JSON.parse(readFileSync(path.join(leases, name), 'utf8')) as LeaseRecord)
    .filter((record) => record.key === CONNECTION_ID);
}

/** SecretStorage and Memento kept in memory, for an activation that must not touch the real ones. */
function memoryContext(extension: vscode.Extension<unknown>, storageFolder: string): vscode.ExtensionContext {
  const secrets = new Map<string, string>();
  const secretChanges = new vscode.EventEmitter<vscode.SecretStorageChangeEvent>();
  const state = new Map<string, unknown>();
  const memento = {
    keys: () => [...state.keys()],
    get: <T>(key: string, fallback?: T) => (state.has(key) ? (state.get(key) as T) : fallback),
    update: async (key: string, value: unknown) => void (value === undefined ? state.delete(key) : state.set(key, value)),
    setKeysForSync: () => undefined,
  };
  const context = {
    subscriptions: [] as vscode.Disposable[],
    secrets: {
      get: async (key: string) => secrets.get(key),
      store: async (key: string, value: string) => {
        secrets.set(key, value);
        secretChanges.fire({ key });
      },
      delete: async (key: string) => {
        secrets.delete(key);
        secretChanges.fire({ key });
      },
      keys: async () => [...secrets.keys()],
      onDidChange: secretChanges.event,
    },
    globalState: memento,
    workspaceState: memento,
    globalStorageUri: vscode.Uri.file(storageFolder),
    storageUri: undefined,
    logUri: vscode.Uri.file(path.join(storageFolder, 'logs')),
    extensionUri: extension.extensionUri,
    extensionPath: extension.extensionPath,
    extension,
    extensionMode: vscode.ExtensionMode.Test,
    asAbsolutePath: (relative: string) => path.join(extension.extensionPath, relative),
  };
  return context as unknown as vscode.ExtensionContext;
}

suite('Start-up and shutdown', function () {
  this.timeout(90_000);
  let sandbox: Sandbox;
  let extension: vscode.Extension<LiveUsageApi>;
  let api: LiveUsageApi;
  let bundle: ExtensionModule;

  suiteSetup(async () => {
    const found = vscode.extensions.getExtension<LiveUsageApi>(EXTENSION_ID);
    assert.ok(found, `${EXTENSION_ID} is not installed in this extension host`);
    extension = found;
    api = await extension.activate();
    await api.ready;
    // The module VS Code loaded: require's cache hands back the same instance, with its container.
    const main = path.join(extension.extensionPath, String((extension.packageJSON as { main: string }).main));
    bundle = createRequire(__filename)(main) as ExtensionModule;
    sandbox = await startSandbox({ port: 0 });
    // The headless test window may not have focus: an unfocused window would hand its leases over anyway.
    await vscode.workspace.getConfiguration('liveUsage').update('pauseWhenUnfocused', false, vscode.ConfigurationTarget.Global);
  });

  suiteTeardown(async () => {
    await vscode.workspace.getConfiguration('liveUsage').update('connections', undefined, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration('liveUsage').update('pauseWhenUnfocused', undefined, vscode.ConfigurationTarget.Global);
    await sandbox?.close();
  });

  test('deactivate() releases the lease, and a second window polls within one poll interval', async () => {
    await api.setToken(CONNECTION_ID, sandbox.tokens.browserless);
    await vscode.workspace.getConfiguration('liveUsage').update(
      'connections',
      [
        {
          id: CONNECTION_ID,
          kind: 'browserless',
          label: 'IT lifecycle',
          baseUrl: sandbox.baseUrl('browserless'),
          authMode: 'bearer',
          pollIntervalSeconds: POLL_INTERVAL_SECONDS,
        },
      ],
      vscode.ConfigurationTarget.Global,
    );
    await eventually(
      `the extension to poll ${CONNECTION_ID}`,
      () => {
        const snapshot = api.snapshots().find((candidate) => candidate.id === CONNECTION_ID);
        return snapshot?.health === 'ok' && snapshot.polledHere ? true : undefined;
      },
      20_000,
    );

    const coordination = path.join(api.storagePath, 'coordination');
    let secondWindowPolls = 0;
    const second = new WindowPolling<unknown>({
      folder: coordination,
      windowId: 'it-second-window',
      focused: true,
      pauseWhenUnfocused: false,
      onReading: () => undefined,
      onError: () => undefined,
    });
    try {
      await second.setFeeds([
        {
          key: `${CONNECTION_ID}/test`,
          connectionId: CONNECTION_ID,
          intervalMs: POLL_INTERVAL_SECONDS * 1000,
          run: async (): Promise<Reading> => {
            secondWindowPolls++;
            return { fetchedAt: Date.now(), samples: [] };
          },
        },
      ]);
      assert.equal(second.isPolledHere(CONNECTION_ID), false, 'the second window took the connection while the extension held it');

      await bundle.deactivate();
      const closedAt = Date.now();
      const records = leaseRecords(coordination).filter((record) => record.owner !== 'it-second-window');
      assert.ok(records.length > 0, 'the extension left no lease record for the connection');
      assert.ok(
        records.every((record) => record.released),
        `deactivate() resolved before the lease was released: ${JSON.stringify(records)}`,
      );

      await eventually('the second window to take the connection over', () => (second.isPolledHere(CONNECTION_ID) ? true : undefined), 30_000);
      await eventually('the second window to poll', () => (secondWindowPolls > 0 ? true : undefined), 30_000);
      const tookMs = Date.now() - closedAt;
      assert.ok(
        tookMs <= POLL_INTERVAL_SECONDS * 1000,
        `the second window polled ${(tookMs / 1000).toFixed(1)} s after the first closed, more than one poll interval (${POLL_INTERVAL_SECONDS} s)`,
      );
    } finally {
      await second.dispose();
    }
  });

  test('a fresh activation answers a command in the same tick, before its services are up', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'live-usage-activation-'));
    const context = memoryContext(extension, folder);
    const main = path.join(extension.extensionPath, String((extension.packageJSON as { main: string }).main));
    const require = createRequire(__filename);
    const resolved = require.resolve(main);
    // A new instance of the bundle, as a reloaded window would load it.
    delete require.cache[resolved];
    const fresh = require(resolved) as ExtensionModule;
    try {
      const freshApi = fresh.activate(context);
      // No await between activate() and these. The list is asked in the same tick: a command that is
      // registered later (after a turn of the event loop) reaches VS Code after the question does.
      const listed = vscode.commands.getCommands(true);
      const runs = [
        vscode.commands.executeCommand('liveUsage.refresh'),
        vscode.commands.executeCommand('liveUsage.resetNotifications'),
        vscode.commands.executeCommand('liveUsage.showLog'),
      ];
      const manifest = extension.packageJSON as { contributes: { commands: { command: string }[] } };
      const registered = new Set(await listed);
      const missing = manifest.contributes.commands.map((entry) => entry.command).filter((command) => !registered.has(command));
      assert.deepEqual(missing, [], 'contributed commands not registered when activate() returned');
      await Promise.all(runs);
      await freshApi.ready;
    } finally {
      await fresh.deactivate();
      for (const disposable of context.subscriptions) disposable.dispose();
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
