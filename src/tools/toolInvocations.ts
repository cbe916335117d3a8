/**
 * What each language model tool does when VS Code prepares or invokes it: the bodies behind the
 * registrations in languageModelTools.ts, adapting BrowserbaseTools to the API. It ships in
 * dist/palette.js (src/commands/palette.ts) with browserbaseTools.ts and what that imports, loaded on
 * the first tool call; registration stays at activation.
 */
import * as vscode from 'vscode';
import type { BrowserbaseTools, Preparation } from './browserbaseTools';
import type { ToolName } from './languageModelTools';

export interface ToolInvocation {
  prepare(options: vscode.LanguageModelToolInvocationPrepareOptions<unknown>, token: vscode.CancellationToken): Promise<vscode.PreparedToolInvocation>;
  invoke(options: vscode.LanguageModelToolInvocationOptions<unknown>, token: vscode.CancellationToken): Promise<vscode.LanguageModelToolResult>;
}

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

/** Each tool's prepare and invoke, by the name package.json contributes. */
export function toolInvocations(tools: BrowserbaseTools): Record<ToolName, ToolInvocation> {
  return {
    liveUsage_readUsage: {
      prepare: async () => ({ invocationMessage: 'Reading usage and quotas from Live Usage' }),
      invoke: async (options) => result(await tools.readUsage(options.input)),
    },
    liveUsage_findBrowserbaseSessions: {
      prepare: async () => ({ invocationMessage: 'Finding Browserbase sessions by metadata' }),
      invoke: async (options, token) => result(await tools.find(options.input, abortSignal(token))),
    },
    liveUsage_launchBrowserbaseSession: {
      prepare: async (options, token) => prepared(await tools.prepareLaunch(options.input, abortSignal(token))),
      invoke: async (options) => result(await tools.launch(options.input)),
    },
    liveUsage_releaseBrowserbaseSession: {
      prepare: async (options) => prepared(await tools.prepareRelease(options.input)),
      invoke: async (options) => result(await tools.release(options.input)),
    },
  };
}
