/**
 * The runaway notification as VS Code is asked to show it (a scripted stand-in for `vscode.window`):
 * one warning per new runaway with Release, Open Live Debugger and Ignore; each button does what it
 * says through the host's actions; with notifications off nothing shows, yet nothing is shown later
 * either; a failed release is an error message naming the connection.
 */
import assert from 'node:assert/strict';
import Module from 'node:module';
import { after, beforeEach, describe, test } from 'node:test';
import type { RunawayActions } from '../../../src/browserbase/runawayPresenter';
import type { QuotaNotifierStore } from '../../../src/quota/quotaNotifier';
import type { ConnectionConfig } from '../../../src/shared/connections';
import type { RunawaySession } from '../../../src/shared/runawaySessions';
import { snapshot } from '../quota/builders';

const shown: { kind: string; message: string; buttons: string[] }[] = [];
let answer: string | undefined;
const fakeVscode = {
  window: {
    showWarningMessage: async (message: string, ...buttons: string[]) => (shown.push({ kind: 'warning', message, buttons }), answer),
    showInformationMessage: async (message: string) => void shown.push({ kind: 'info', message, buttons: [] }),
    showErrorMessage: async (message: string) => void shown.push({ kind: 'error', message, buttons: [] }),
  },
  env: { language: 'en' },
};
const loader = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
const originalLoad = loader._load;
loader._load = function (request: string, ...rest: unknown[]) {
  return request === 'vscode' ? fakeVscode : originalLoad.call(this, request, ...rest);
};
after(() => (loader._load = originalLoad));

const NOW = Date.UTC(2025, 10, 15, 12);
const connection: ConnectionConfig = { id: 'bb', kind: 'browserbase', label: 'BB prod', baseUrl: 'http://127.0.0.1:1', projectId: 'p' };
const runaway = (id: string): RunawaySession => ({
  id,
  startedAt: NOW - 40 * 60_000,
  keepAlive: true,
  region: 'us-west-2',
  tags: 'client=acme',
  runningMs: 40 * 60_000,
});
const withRunaways = (...sessions: RunawaySession[]) => snapshot({ kind: 'browserbase', runaways: { thresholdMinutes: 30, sessions, more: 0, readAt: NOW } });
const memory = (): QuotaNotifierStore => {
  const data = new Map<string, unknown>();
  return { get: <T>(key: string) => data.get(key) as T | undefined, update: async (key, value) => void data.set(key, value) };
};
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

let calls: string[];
let actions: RunawayActions;
beforeEach(() => {
  shown.length = 0;
  answer = undefined;
  calls = [];
  actions = {
    release: async (connectionId, sessionId) => (calls.push(`release ${connectionId} ${sessionId}`), 'COMPLETED'),
    openDebugger: async (connectionId, sessionId) => void calls.push(`debugger ${connectionId} ${sessionId}`),
    refresh: (connectionId) => void calls.push(`refresh ${connectionId}`),
  };
});

async function presenter(enabled = true) {
  const { RunawayPresenter } = await import('../../../src/browserbase/runawayPresenter');
  const { RunawayNotifier } = await import('../../../src/browserbase/runawayNotifier');
  return new RunawayPresenter(new RunawayNotifier(memory(), () => NOW), () => enabled, actions, { info: () => undefined });
}

describe('the runaway notification', () => {
  test('one warning per new runaway, with its three buttons; the next poll shows none again', async () => {
    const shows = await presenter();
    shows.notify(connection, withRunaways(runaway('a'), runaway('b')));
    shows.notify(connection, withRunaways(runaway('a'), runaway('b')));
    await settle();
    assert.equal(shown.length, 2);
    assert.deepEqual(shown[0]?.buttons, ['Release', 'Open Live Debugger', 'Ignore']);
    assert.match(shown[0]?.message ?? '', /^Browserbase \(BB prod\): session a has run for 40 min, past the 30 min runaway threshold/);
  });

  test('Release releases it, reads the connection again and says so', async () => {
    answer = 'Release';
    (await presenter()).notify(connection, withRunaways(runaway('a')));
    await settle();
    await settle();
    assert.deepEqual(calls, ['release bb a', 'refresh bb']);
    assert.equal(shown.at(-1)?.message, 'BB prod: session a released (COMPLETED).');
  });

  test('Open Live Debugger opens it; Ignore does nothing more', async () => {
    answer = 'Open Live Debugger';
    const shows = await presenter();
    shows.notify(connection, withRunaways(runaway('a')));
    await settle();
    answer = 'Ignore';
    shows.notify(connection, withRunaways(runaway('a'), runaway('b')));
    await settle();
    assert.deepEqual(calls, ['debugger bb a']);
  });

  test('a release that fails is an error naming the connection', async () => {
    answer = 'Release';
    actions.release = () => Promise.reject(new Error('HTTP 404: Session a not found'));
    (await presenter()).notify(connection, withRunaways(runaway('a')));
    await settle();
    await settle();
    assert.equal(shown.at(-1)?.kind, 'error');
    assert.equal(shown.at(-1)?.message, 'BB prod: HTTP 404: Session a not found');
  });

  test('with notifications off nothing shows, and turning them on later does not bring old runaways back', async () => {
    let enabled = false;
    const { RunawayPresenter } = await import('../../../src/browserbase/runawayPresenter');
    const { RunawayNotifier } = await import('../../../src/browserbase/runawayNotifier');
    const shows = new RunawayPresenter(new RunawayNotifier(memory(), () => NOW), () => enabled, actions, { info: () => undefined });
    shows.notify(connection, withRunaways(runaway('a')));
    enabled = true;
    shows.notify(connection, withRunaways(runaway('a')));
    await settle();
    assert.equal(shown.length, 0);
  });
});
