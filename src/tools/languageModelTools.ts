/**
 * Live Usage's language model tools, registered with VS Code (`vscode.lm.registerTool`, final since
 * VS Code 1.95) under the names package.json contributes in `languageModelTools`: an agent in the
 * editor reads usage, finds Browserbase sessions by tag, and launches or releases one after the person
 * confirms. The work is in browserbaseTools.ts; this only adapts it to the API.
 */
import * as vscode from 'vscode';
import type { BrowserbaseTools, Preparation } from './browserbaseTools';

export const TOOL_NAMES = {
  readUsage: 'liveUsage_readUsage',
  findSessions: 'liveUsage_findBrowserbaseSessions',
  launchSession: 'liveUsage_launchBrowserbaseSession',
  releaseSession: 'liveUsage_releaseBrowserbaseSession',
} as const;

function result(text: string): vscode.LanguageModelToolResult {
  return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(text)]);
}

/** VS Code's cancellation as the AbortSignal the HTTP layer takes. */
function abortSignal(token: vscode.CancellationToken): AbortSignal {
  const controller = new AbortController();
  if (token.isCancellationRequested) controller.abort();
  else token.onCancellationRequested(() => controller.abort());
  return controller.signal;
}

/**
 * One paragraph per line, every line as text: tags come from a model and a server's words may ride
 * along, and neither may become a link, an image or markup in the confirmation.
 */
function paragraphs(text: string): vscode.MarkdownString {
  const markdown = new vscode.MarkdownString();
  text.split('\n').forEach((line, index) => {
    if (index > 0) markdown.appendMarkdown('\n\n');
    markdown.appendText(line);
  });
  return markdown;
}

function prepared(preparation: Preparation): vscode.PreparedToolInvocation {
  return {
    invocationMessage: preparation.invocationMessage,
    ...(preparation.confirmation
      ? { confirmationMessages: { title: preparation.confirmation.title, message: paragraphs(preparation.confirmation.message) } }
      : {}),
  };
}

/**
 * Registers every tool; `tools()` waits for the extension's services, so a tool called during
 * start-up answers once they are up.
 */
export function registerLanguageModelTools(tools: () => Promise<BrowserbaseTools>): vscode.Disposable[] {
  return [
    vscode.lm.registerTool<unknown>(TOOL_NAMES.readUsage, {
      prepareInvocation: () => ({ invocationMessage: 'Reading usage and quotas from Live Usage' }),
      invoke: async (options) => result(await (await tools()).readUsage(options.input)),
    }),
    vscode.lm.registerTool<unknown>(TOOL_NAMES.findSessions, {
      prepareInvocation: () => ({ invocationMessage: 'Finding Browserbase sessions by metadata' }),
      invoke: async (options, token) => result(await (await tools()).find(options.input, abortSignal(token))),
    }),
    vscode.lm.registerTool<unknown>(TOOL_NAMES.launchSession, {
      prepareInvocation: async (options, token) => prepared(await (await tools()).prepareLaunch(options.input, abortSignal(token))),
      invoke: async (options) => result(await (await tools()).launch(options.input)),
    }),
    vscode.lm.registerTool<unknown>(TOOL_NAMES.releaseSession, {
      prepareInvocation: async (options) => prepared(await (await tools()).prepareRelease(options.input)),
      invoke: async (options) => result(await (await tools()).release(options.input)),
    }),
  ];
}
