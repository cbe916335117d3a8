/**
 * What a person (or an agent) starts by hand: the Command Palette flows (Add, Edit, Remove and Test
 * Connection, Set and Clear Token, the team Prometheus discovery step, Find Browserbase Sessions,
 * Launch Browserbase Session, Browserbase Cost per Tag This Cycle) and the language model tools'
 * bodies. Bundled apart as dist/palette.js and loaded the first time one of them runs
 * (lazyCommands.ts): none is needed while the extension starts. Everything they use from the running
 * extension arrives in the CommandHost; scripts/hostBundles.mjs checks that nothing else does.
 */
import { browserbaseCommandHandlers } from './browserbaseCommands';
import type { CommandHost } from './commandHost';
import { connectionCommandHandlers } from './connectionCommands';
import type { CommandHandler } from './deferredCommands';
import { BrowserbaseTools, toolHostOf } from '../tools/browserbaseTools';
import type { ToolName } from '../tools/languageModelTools';
import { toolInvocations, type ToolInvocation } from '../tools/toolInvocations';

/** The handlers of every id in PALETTE_COMMAND_IDS (lazyCommands.ts), given what they borrow. */
export function paletteCommandHandlers(host: CommandHost): Record<string, CommandHandler> {
  const sessions = browserbaseCommandHandlers(host);
  return {
    ...connectionCommandHandlers(host),
    'liveUsage.findBrowserbaseSessions': (arg?: Parameters<typeof sessions.find>[0]) => sessions.find(arg),
    'liveUsage.launchBrowserbaseSession': (arg?: Parameters<typeof sessions.launch>[0]) => sessions.launch(arg),
    'liveUsage.browserbaseCostPerTag': (arg?: Parameters<typeof sessions.costPerTag>[0]) => sessions.costPerTag(arg),
  };
}

/** Each language model tool's prepare and invoke (toolInvocations.ts), given what they borrow. */
export function paletteToolInvocations(host: CommandHost): Record<ToolName, ToolInvocation> {
  return toolInvocations(new BrowserbaseTools(toolHostOf(host)));
}
