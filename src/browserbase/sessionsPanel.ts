/**
 * The Browserbase sessions panel: a webview panel running dist/webview/sessions.js, answered by
 * SessionsController. Its context is kept while hidden (a half-typed query or launch form and a
 * thousand result rows should survive switching tabs), and the page keeps its UI choices in the
 * webview state, so the serializer registered in host.ts brings it back after a reload.
 */
import * as vscode from 'vscode';
import { parseSessionsWebviewMessage, type SessionsHostMessage } from '../shared/sessionsProtocol';
import { webviewShell } from '../webviews/webviewHtml';
import type { SavedQueries } from './savedQueries';
import { SessionsController, type SessionsUi } from './sessionsController';
import type { BrowserbaseSessionService } from './sessionService';

export const SESSIONS_PANEL_TYPE = 'liveUsage.browserbaseSessions';

export interface SessionsPanelLog {
  debug(message: string): void;
}

export class SessionsPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private controller: SessionsController | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly service: BrowserbaseSessionService,
    private readonly saved: SavedQueries,
    private readonly log: SessionsPanelLog,
  ) {
    // Connections added, removed or renamed: the page's connection picker follows.
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((event) => event.affectsConfiguration('liveUsage.connections') && this.controller?.sendInit()),
    );
  }

  private options(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      retainContextWhenHidden: true,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(this.extensionUri, 'media')],
    };
  }

  open(connectionId?: string): void {
    if (this.panel && this.controller) {
      this.controller.select(connectionId);
      if (connectionId) this.controller.sendInit();
      this.panel.reveal();
      return;
    }
    this.adopt(vscode.window.createWebviewPanel(SESSIONS_PANEL_TYPE, 'Browserbase Sessions', vscode.ViewColumn.Active, this.options()), connectionId);
  }

  adopt(panel: vscode.WebviewPanel, connectionId?: string): void {
    this.panel?.dispose();
    this.panel = panel;
    panel.webview.options = this.options();
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'activity-bar.svg');
    const asset = (...path: string[]) => vscode.Uri.joinPath(this.extensionUri, ...path);
    panel.webview.html = webviewShell({
      webview: panel.webview,
      title: 'Browserbase Sessions',
      styles: [
        { href: asset('dist', 'webview', 'codicon.css'), id: 'vscode-codicon-stylesheet' },
        { href: asset('media', 'views.css') },
        { href: asset('media', 'sessions.css') },
      ],
      scripts: [asset('dist', 'webview', 'sessions.js')],
      body: '<main id="app" class="surface-sessions" aria-busy="true"><p class="loading">Loading Browserbase sessions…</p></main>',
    });
    const post = (message: SessionsHostMessage) => void panel.webview.postMessage(message);
    const controller = new SessionsController(this.service, this.saved, this.ui(), post);
    controller.select(connectionId);
    this.controller = controller;
    const subscriptions = [
      panel.webview.onDidReceiveMessage((data: unknown) => {
        const message = parseSessionsWebviewMessage(data);
        if (!message) return this.log.debug('Ignored a message from the Browserbase sessions panel that is not part of its protocol.');
        controller
          .handle(message)
          .catch((error: unknown) => void vscode.window.showErrorMessage(`Live Usage: ${error instanceof Error ? error.message : String(error)}`));
      }),
    ];
    panel.onDidDispose(() => {
      for (const subscription of subscriptions) subscription.dispose();
      if (this.panel !== panel) return;
      this.panel = undefined;
      this.controller = undefined;
    });
  }

  private ui(): SessionsUi {
    return {
      confirm: async (message, detail, action) => (await vscode.window.showWarningMessage(message, { modal: true, detail }, action)) === action,
      copy: async (text, what) => {
        await vscode.env.clipboard.writeText(text);
        vscode.window.setStatusBarMessage(`$(check) Copied ${what}`, 3000);
      },
      openExternal: async (url) => void (await vscode.env.openExternal(vscode.Uri.parse(url))),
      info: (message) => void vscode.window.showInformationMessage(message),
      error: (message) => void vscode.window.showErrorMessage(message),
      runCommand: async (command, ...args) => void (await vscode.commands.executeCommand(command, ...args)),
      debug: (message) => this.log.debug(message),
    };
  }

  dispose(): void {
    this.panel?.dispose();
    for (const disposable of this.disposables) disposable.dispose();
  }
}
