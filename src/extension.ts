import type * as vscode from 'vscode';
import type { LiveUsageApi } from './api';
import { Container } from './container';

export function activate(context: vscode.ExtensionContext): LiveUsageApi {
  const container = Container.create(context);
  context.subscriptions.push(container);
  return container.api;
}

export function deactivate(): void {
  // The container is disposed through context.subscriptions.
}
