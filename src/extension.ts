import type * as vscode from 'vscode';
import type { LiveUsageApi } from './api';
import { Container } from './container';

let container: Container | undefined;

export function activate(context: vscode.ExtensionContext): LiveUsageApi {
  container = Container.create(context);
  context.subscriptions.push(container);
  return container.api;
}

/**
 * VS Code waits for this promise (within its shutdown budget): polling stops and hands this window's
 * connections to another window, history is flushed and the HTTP client closed.
 */
export function deactivate(): Promise<void> {
  const closing = container?.shutdown() ?? Promise.resolve();
  container = undefined;
  return closing;
}
