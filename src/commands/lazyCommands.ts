/**
 * The main bundle's side of the palette flows (palette.ts, shipped as dist/palette.js): their ids,
 * registered with the others during activation, and handlers that load the flows on first use; the
 * same for the language model tools' bodies, whose registrations (languageModelTools.ts) stay here.
 * Loading is a plain synchronous `require` of the sibling file, as VS Code loads the extension
 * itself, so the flows' own `require('vscode')` resolves the same way; esbuild keeps it external
 * (scripts/hostBundles.mjs). From the TypeScript sources (tests) the same line loads palette.ts.
 */
import type { ToolName } from '../tools/languageModelTools';
import type { ToolInvocation } from '../tools/toolInvocations';
import type { CommandHost } from './commandHost';
import type { CommandHandler } from './deferredCommands';
import type * as PaletteModule from './palette';

/** Every command whose handler lives in dist/palette.js. */
export const PALETTE_COMMAND_IDS = [
  'liveUsage.addConnection',
  'liveUsage.editConnection',
  'liveUsage.removeConnection',
  'liveUsage.testConnection',
  'liveUsage.setToken',
  'liveUsage.clearToken',
  'liveUsage.findBrowserbaseSessions',
  'liveUsage.launchBrowserbaseSession',
  'liveUsage.browserbaseCostPerTag',
] as const;

/** The palette module; a loader other than `require` only in tests. */
export type PaletteLoader = () => Pick<typeof PaletteModule, 'paletteCommandHandlers' | 'paletteToolInvocations'>;

// eslint-disable-next-line @typescript-eslint/no-require-imports
const requirePalette: PaletteLoader = () => require('./palette') as typeof PaletteModule;

/**
 * Handlers for PALETTE_COMMAND_IDS that load the flows when the first of them runs, once. A load that
 * fails (a file missing from a broken install) fails that command with the reason and is tried again
 * the next time.
 */
export function lazyPaletteHandlers(host: CommandHost, load: PaletteLoader = requirePalette): Record<string, CommandHandler> {
  let handlers: Record<string, CommandHandler> | undefined;
  const handler = (id: string): ((...args: unknown[]) => unknown) => {
    handlers ??= load().paletteCommandHandlers(host);
    const found = handlers[id];
    if (!found) throw new Error(`Live Usage's palette commands have no handler for ${id}.`);
    return found as (...args: unknown[]) => unknown;
  };
  return Object.fromEntries(PALETTE_COMMAND_IDS.map((id) => [id, (...args: unknown[]) => handler(id)(...args)]));
}

/**
 * The tools' prepare and invoke bodies, loaded on the first tool call, once; a failed load fails that
 * call with the reason and is tried again on the next.
 */
export function lazyToolInvocations(host: CommandHost, load: PaletteLoader = requirePalette): () => Record<ToolName, ToolInvocation> {
  let invocations: Record<ToolName, ToolInvocation> | undefined;
  return () => (invocations ??= load().paletteToolInvocations(host));
}
