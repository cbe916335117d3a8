import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DeferredCommands, StartupFailedError, type DeferredCommandsOptions } from '../../../src/commands/deferredCommands';

/** A stand-in for vscode.commands: what is registered, and a way to run it as VS Code would. */
function fakeVscode(ids: readonly string[]) {
  const registered = new Map<string, (...args: unknown[]) => Promise<unknown>>();
  const waits: string[] = [];
  const options: DeferredCommandsOptions = {
    ids,
    register: (id, run) => {
      assert.ok(!registered.has(id), `${id} registered twice`);
      registered.set(id, run);
      return { dispose: () => registered.delete(id) };
    },
    whileStarting: (starting) => {
      waits.push('starting');
      return starting;
    },
  };
  const execute = (id: string, ...args: unknown[]): Promise<unknown> => {
    const run = registered.get(id);
    if (!run) return Promise.reject(new Error(`command '${id}' not found`));
    return run(...args);
  };
  return { options, registered, waits, execute };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('DeferredCommands', () => {
  test('every contributed command is registered as soon as it is constructed', () => {
    const vscode = fakeVscode(['liveUsage.refresh', 'liveUsage.openPanel', 'liveUsage.refresh']);
    const commands = new DeferredCommands(vscode.options);
    assert.deepEqual([...vscode.registered.keys()].sort(), ['liveUsage.openPanel', 'liveUsage.refresh']);
    assert.equal(commands.has('liveUsage.openPanel'), true);
  });

  test('a command run before start-up waits for it, then runs with its arguments', async () => {
    const vscode = fakeVscode(['liveUsage.openPanel']);
    const commands = new DeferredCommands(vscode.options);
    const calls: unknown[][] = [];
    let settled = false;
    const result = vscode.execute('liveUsage.openPanel', 'bb-1').then((value) => ((settled = true), value));
    await flush();
    assert.equal(settled, false, 'ran before the services were there');
    assert.deepEqual(vscode.waits, ['starting'], 'the user is not told that Live Usage is starting');

    commands.provide({ 'liveUsage.openPanel': (...args: unknown[]) => (calls.push(args), 'opened') });
    await flush();
    assert.equal(settled, false, 'handlers are provided one group at a time; start-up is not over yet');
    commands.markStarted();
    assert.equal(await result, 'opened');
    assert.deepEqual(calls, [['bb-1']]);
  });

  test('after start-up a command runs at once, without the starting indicator', async () => {
    const vscode = fakeVscode(['liveUsage.refresh']);
    const commands = new DeferredCommands(vscode.options);
    let runs = 0;
    commands.provide({ 'liveUsage.refresh': () => runs++ });
    commands.markStarted();
    await vscode.execute('liveUsage.refresh');
    assert.equal(runs, 1);
    assert.deepEqual(vscode.waits, []);
  });

  test('a failed start-up is said plainly, to commands that were waiting and to later ones', async () => {
    const vscode = fakeVscode(['liveUsage.refresh', 'liveUsage.showLog']);
    const commands = new DeferredCommands(vscode.options);
    let logShown = 0;
    commands.provide({ 'liveUsage.showLog': () => logShown++ });
    const waiting = vscode.execute('liveUsage.refresh');
    commands.markFailed('the history folder cannot be created (EACCES)');
    await assert.rejects(waiting, (error: unknown) => {
      assert.ok(error instanceof StartupFailedError);
      assert.match(error.message, /could not start.*EACCES.*Show Log/);
      return true;
    });
    await assert.rejects(vscode.execute('liveUsage.refresh'), StartupFailedError);
    // What was provided before the failure still works: the log is how the user finds out why.
    await vscode.execute('liveUsage.showLog');
    assert.equal(logShown, 1);
  });

  test('a contributed command nobody provides fails with its name once start-up is over', async () => {
    const vscode = fakeVscode(['liveUsage.forgotten']);
    const commands = new DeferredCommands(vscode.options);
    commands.markStarted();
    await assert.rejects(vscode.execute('liveUsage.forgotten'), /no handler for the command liveUsage\.forgotten/);
  });

  test('a handler for a command that was not contributed is registered when provided', async () => {
    const vscode = fakeVscode([]);
    const commands = new DeferredCommands(vscode.options);
    commands.provide({ 'liveUsage.internal': () => 42 });
    assert.equal(await vscode.execute('liveUsage.internal'), 42);
  });

  test('dispose unregisters every command', () => {
    const vscode = fakeVscode(['a', 'b']);
    const commands = new DeferredCommands(vscode.options);
    commands.provide({ c: () => undefined });
    commands.dispose();
    assert.equal(vscode.registered.size, 0);
    commands.provide({ d: () => undefined });
    assert.equal(vscode.registered.size, 0, 'registered after dispose');
  });
});
