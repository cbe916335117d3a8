/** The main bundle's side of the palette flows and the tools' bodies: nothing is loaded until one runs, then once. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CommandHandler } from '../../../src/commands/deferredCommands';
import { lazyPaletteHandlers, lazyToolInvocations, PALETTE_COMMAND_IDS, type PaletteLoader } from '../../../src/commands/lazyCommands';
import type { ToolName } from '../../../src/tools/languageModelTools';
import type { ToolInvocation } from '../../../src/tools/toolInvocations';
import { testCommandHost } from '../../support/commandHost';
import manifest from '../../../package.json';

test('every palette id is a contributed command (so it is registered at activation)', () => {
  const contributed = new Set(manifest.contributes.commands.map((entry) => entry.command));
  for (const id of PALETTE_COMMAND_IDS) assert.ok(contributed.has(id), `${id} is not contributed`);
});

test('the palette loads on the first run of one of its commands, once, and a failed load is tried again', async () => {
  const host = testCommandHost({});
  const ran: string[] = [];
  let loads = 0;
  let broken = true;
  const load: PaletteLoader = () => {
    loads++;
    if (broken) throw new Error("Cannot find module './palette'");
    return {
      paletteCommandHandlers: (given) => {
        assert.equal(given, host);
        return Object.fromEntries(PALETTE_COMMAND_IDS.map((id): [string, CommandHandler] => [id, (arg?: string) => ran.push(`${id}:${arg ?? ''}`)]));
      },
      paletteToolInvocations: () => assert.fail('a command loaded the tools'),
    };
  };
  const handlers = lazyPaletteHandlers(host, load);
  assert.deepEqual(Object.keys(handlers).sort(), [...PALETTE_COMMAND_IDS].sort());
  assert.equal(loads, 0, 'nothing loads at registration');
  const setToken = handlers['liveUsage.setToken'] as (id?: string) => unknown;
  assert.throws(() => setToken('bb'), /Cannot find module/);
  broken = false;
  setToken('bb');
  (handlers['liveUsage.addConnection'] as () => unknown)();
  assert.equal(loads, 2);
  assert.deepEqual(ran, ['liveUsage.setToken:bb', 'liveUsage.addConnection:']);
});

test('the tools’ bodies load on the first tool call, once, with the same host, and a failed load is tried again', async () => {
  const host = testCommandHost({});
  let loads = 0;
  let broken = true;
  const invocation: ToolInvocation = {
    prepare: async () => ({ invocationMessage: 'reading' }),
    invoke: async () => assert.fail('not invoked here'),
  };
  const load: PaletteLoader = () => {
    loads++;
    if (broken) throw new Error("Cannot find module './palette'");
    return {
      paletteCommandHandlers: () => assert.fail('a tool call loaded the commands'),
      paletteToolInvocations: (given) => {
        assert.equal(given, host);
        return Object.fromEntries(manifest.contributes.languageModelTools.map((tool) => [tool.name, invocation])) as Record<ToolName, ToolInvocation>;
      },
    };
  };
  const tools = lazyToolInvocations(host, load);
  assert.equal(loads, 0, 'nothing loads when the tools are registered');
  assert.throws(() => tools(), /Cannot find module/);
  broken = false;
  assert.equal(tools().liveUsage_readUsage, invocation);
  assert.equal(tools().liveUsage_launchBrowserbaseSession, invocation);
  assert.equal(loads, 2);
});
