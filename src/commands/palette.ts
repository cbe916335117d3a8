/**
 * The Command Palette flows a person starts by hand: Add, Edit, Remove and Test Connection, Set and
 * Clear Token, the team Prometheus discovery step, Find Browserbase Sessions, Launch Browserbase
 * Session and Browserbase Cost per Tag This Cycle. Bundled apart as dist/palette.js and loaded the first time one of them runs
 * (lazyCommands.ts): none is needed while the extension starts. Everything they use from the running
 * extension arrives in the CommandHost; scripts/hostBundles.mjs checks that nothing else does.
 */
import { browserbaseCommandHandlers } from './browserbaseCommands';
import type { CommandHost } from './commandHost';
import { connectionCommandHandlers } from './connectionCommands';
import type { CommandHandler } from './deferredCommands';

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
