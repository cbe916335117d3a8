/**
 * Live Usage's language model tools, registered with VS Code (`vscode.lm.registerTool`, final since
 * VS Code 1.95) under the names package.json contributes in `languageModelTools`: an agent in the
 * editor reads usage, finds Browserbase sessions by tag, and launches or releases one after the person
 * confirms. Only the registrations live here, for activation; what each tool does is behind `load`
 * (toolInvocations.ts and browserbaseTools.ts, in dist/palette.js, loaded on the first tool call).
 */
import * as vscode from 'vscode';
import type { ToolInvocation } from './toolInvocations';

export const TOOL_NAMES = {
  readUsage: 'liveUsage_readUsage',
  findSessions: 'liveUsage_findBrowserbaseSessions',
  launchSession: 'liveUsage_launchBrowserbaseSession',
  releaseSession: 'liveUsage_releaseBrowserbaseSession',
} as const;

export type ToolName = (typeof TOOL_NAMES)[keyof typeof TOOL_NAMES];

/**
 * Registers every tool; `load()` waits for the extension's services, so a tool called during
 * start-up answers once they are up.
 */
export function registerLanguageModelTools(load: () => Promise<Record<ToolName, ToolInvocation>>): vscode.Disposable[] {
  return Object.values(TOOL_NAMES).map((name) =>
    vscode.lm.registerTool<unknown>(name, {
      prepareInvocation: async (options, token) => (await load())[name].prepare(options, token),
      invoke: async (options, token) => (await load())[name].invoke(options, token),
    }),
  );
}
