// Inside a real extension host: Live Usage's language model tools are listed in vscode.lm.tools and
// answer vscode.lm.invokeTool (no model needed) against the local provider servers started in this
// process: usage read from the poller's snapshots, sessions found by metadata, a tagged launch (its
// confirmation is the host's dialog, which answers yes in a test run) and its release; a malformed
// query and a missing key are refused in words with nothing sent.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { startSandbox, type Sandbox } from '../../../sandbox/server';
import type { LiveUsageApi } from '../../../src/api';
import type { ConnectionConfig } from '../../../src/shared/connections';

const EXTENSION_ID = 'live-usage.live-usage';
const TOOLS = ['liveUsage_readUsage', 'liveUsage_findBrowserbaseSessions', 'liveUsage_launchBrowserbaseSession', 'liveUsage_releaseBrowserbaseSession'];
const ID = 'it-tools-bb';

async function liveUsage(): Promise<LiveUsageApi> {
  const extension = vscode.extensions.getExtension<LiveUsageApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not installed in this extension host`);
  const api = await extension.activate();
  await api.ready;
  return api;
}

async function eventually<T>(what: string, check: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The text of a tool's answer. */
async function invoke(name: string, input: object): Promise<string> {
  const result = await vscode.lm.invokeTool(name, { input, toolInvocationToken: undefined });
  return result.content.map((part) => (typeof (part as { value?: unknown }).value === 'string' ? (part as { value: string }).value : '')).join('');
}

suite('Language model tools inside the extension host', function () {
  this.timeout(60_000);
  let api: LiveUsageApi;
  let sandbox: Sandbox;

  suiteSetup(async () => {
    api = await liveUsage();
    sandbox = await startSandbox({ port: 0 });
    const configuration = vscode.workspace.getConfiguration('liveUsage');
    await configuration.update('pauseWhenUnfocused', false, vscode.ConfigurationTarget.Global);
    const connection: ConnectionConfig = {
      id: ID,
      kind: 'browserbase',
      label: 'IT Browserbase',
      baseUrl: sandbox.baseUrl('browserbase'),
      projectId: 'proj_sandbox',
      quota: { monthlyBrowserMinutes: 30_000 },
    };
    await configuration.update('connections', [connection], vscode.ConfigurationTarget.Global);
    await eventually(`the connection ${ID}`, () => api.snapshots().find((snapshot) => snapshot.id === ID));
    await api.setToken(ID, sandbox.tokens.browserbase);
    api.refresh(ID);
    await eventually(`${ID} to be read`, () =>
      api
        .snapshots()
        .find(
          (snapshot) => snapshot.id === ID && snapshot.health === 'ok' && snapshot.figures.some((figure) => figure.id === 'sessions' && figure.value !== null),
        ),
    );
  });

  suiteTeardown(async () => {
    const configuration = vscode.workspace.getConfiguration('liveUsage');
    await configuration.update('connections', undefined, vscode.ConfigurationTarget.Global);
    await configuration.update('pauseWhenUnfocused', undefined, vscode.ConfigurationTarget.Global);
    await api?.clearToken(ID).catch(() => undefined);
    await sandbox?.close();
  });

  test('every contributed tool is registered, referenceable in prompts', () => {
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as {
      contributes: { languageModelTools: { name: string; canBeReferencedInPrompt: boolean }[] };
    };
    assert.deepEqual(
      manifest.contributes.languageModelTools.map((tool) => tool.name),
      TOOLS,
    );
    assert.ok(manifest.contributes.languageModelTools.every((tool) => tool.canBeReferencedInPrompt));
    const registered = new Set(vscode.lm.tools.map((tool) => tool.name));
    assert.deepEqual(
      TOOLS.filter((name) => !registered.has(name)),
      [],
    );
  });

  test('read usage: the figures and quotas the status bar shows, with their freshness', async () => {
    const answer = JSON.parse(await invoke('liveUsage_readUsage', {})) as {
      connections: {
        connectionId: string;
        state: string;
        figures: { name: string; value: number | null; ageSeconds: number | null }[];
        quotas: { name: string }[];
      }[];
    };
    const mine = answer.connections.find((entry) => entry.connectionId === ID);
    assert.ok(mine, JSON.stringify(answer).slice(0, 300));
    assert.equal(mine.state, 'ok');
    const shown = api
      .snapshots()
      .find((snapshot) => snapshot.id === ID)
      ?.figures.find((figure) => figure.id === 'sessions');
    const sessions = mine.figures.find((figure) => figure.name === 'Running sessions');
    assert.equal(sessions?.value, shown?.value);
    assert.ok(sessions?.ageSeconds !== null && (sessions?.ageSeconds ?? Infinity) < 120);
    assert.ok(mine.quotas.some((quota) => quota.name === 'Browser minutes'));
  });

  test('find, launch (confirmed), find again, release: the same sessions the server has', async () => {
    const marker = `it-${Date.now()}`;
    const found = JSON.parse(await invoke('liveUsage_findBrowserbaseSessions', { conditions: [{ key: 'workflow > name', value: 'checkout' }] })) as {
      matched: number;
      sessions: { metadata: { workflow: { name: string } } }[];
    };
    assert.ok(found.matched >= 3);
    assert.ok(found.sessions.every((session) => session.metadata.workflow.name === 'checkout'));

    sandbox.clearRequests();
    const launched = JSON.parse(
      await invoke('liveUsage_launchBrowserbaseSession', {
        connectionId: ID,
        tags: [{ key: 'run > id', value: marker }],
        keepAlive: true,
        timeoutSeconds: 600,
      }),
    ) as { launched: boolean; session: { sessionId: string; status: string }; headroomBeforeLaunch: string };
    assert.equal(launched.launched, true);
    assert.match(launched.headroomBeforeLaunch, /^\d+ of 3 concurrent sessions running/);
    assert.equal(sandbox.requests.filter((request) => request.method === 'POST' && request.path === '/browserbase/v1/sessions').length, 1);

    const again = JSON.parse(await invoke('liveUsage_findBrowserbaseSessions', { conditions: [{ key: ['run', 'id'], value: marker }], status: 'RUNNING' })) as {
      sessions: { sessionId: string }[];
    };
    assert.deepEqual(
      again.sessions.map((session) => session.sessionId),
      [launched.session.sessionId],
    );

    const released = JSON.parse(await invoke('liveUsage_releaseBrowserbaseSession', { sessionId: launched.session.sessionId })) as {
      session: { status: string };
    };
    assert.equal(released.session.status, 'COMPLETED');
  });

  test('a malformed query and metadata over the limit are refused in words, and nothing is sent', async () => {
    sandbox.clearRequests();
    await assert.rejects(
      Promise.resolve(
        invoke('liveUsage_findBrowserbaseSessions', {
          conditions: [
            { key: 'client', value: 'acme' },
            { key: 'client', value: 'globex' },
          ],
        }),
      ),
      /client cannot be both "acme" and "globex"/,
    );
    await assert.rejects(
      Promise.resolve(invoke('liveUsage_launchBrowserbaseSession', { tags: [{ key: 'note', value: 'x'.repeat(520) }] })),
      /nothing was sent: .*fewer than 512/,
    );
    assert.equal(sandbox.requests.length, 0);
  });

  test('without a key: the tool names the connection and how to set the key', async () => {
    await api.clearToken(ID);
    try {
      await assert.rejects(
        Promise.resolve(invoke('liveUsage_findBrowserbaseSessions', {})),
        /Connection "IT Browserbase" \(connectionId it-tools-bb\) has no Browserbase API key, so nothing was sent\. Ask the user to run the command "Live Usage: Set Token…"/,
      );
    } finally {
      await api.setToken(ID, sandbox.tokens.browserbase);
    }
  });
});
