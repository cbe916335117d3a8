import * as vscode from 'vscode';

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Live Usage', { log: true });
  context.subscriptions.push(log);
  context.subscriptions.push(vscode.commands.registerCommand('liveUsage.showLog', () => log.show()));
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
