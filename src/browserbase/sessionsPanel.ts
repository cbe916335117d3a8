/**
 * The Browserbase sessions panel on the one webview host, answered by SessionsController. Its context
 * is kept while hidden (a half-typed query or launch form and a thousand result rows should survive
 * switching tabs), and the page keeps its UI choices in the webview state, so the serializer brings it
 * back after a reload.
 */
import * as vscode from 'vscode';
import { saveTextFile } from '../commands/saveTextFile';
import { parseSessionsPageMessage, type SessionsHostMessage, type SessionsPageMessage } from '../shared/sessionsProtocol';
import { WebviewPanelHost, type HostLog } from '../webviews/webviewHost';
import type { SavedQueries } from './savedQueries';
import { SessionsController, type SessionsPanelArgs, type SessionsUi } from './sessionsController';
import type { BrowserbaseSessionService } from './sessionService';

export const SESSIONS_PANEL_TYPE = 'liveUsage.browserbaseSessions';

export type SessionsPanelLog = HostLog;

export class SessionsPanel implements vscode.Disposable {
  private readonly host: WebviewPanelHost<SessionsPageMessage, SessionsHostMessage, SessionsPanelArgs>;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(extensionUri: vscode.Uri, service: BrowserbaseSessionService, saved: SavedQueries, log: SessionsPanelLog) {
    const ui = sessionsUi(log);
    this.host = new WebviewPanelHost<SessionsPageMessage, SessionsHostMessage, SessionsPanelArgs>(
      extensionUri,
      {
        viewType: SESSIONS_PANEL_TYPE,
        name: 'Browserbase sessions panel',
        parse: parseSessionsPageMessage,
        shell: {
          surface: 'sessions',
          title: 'Browserbase Sessions',
          styles: ['views.css', 'sessions.css'],
          loading: 'Loading Browserbase sessions…',
          retainContextWhenHidden: true,
        },
        argsFromState: (state) => {
          const connectionId = typeof state === 'object' && state !== null ? (state as { connectionId?: unknown }).connectionId : undefined;
          return typeof connectionId === 'string' ? { connectionId } : undefined;
        },
      },
      (page, args) => new SessionsController(service, saved, ui, page, args),
      log,
    );
    // Connections added, removed or renamed: the page's connection picker follows.
    this.disposables.push(
      this.host,
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration('liveUsage.connections')) this.host.update();
      }),
    );
  }

  open(connectionId?: string): void {
    this.host.open(connectionId === undefined ? undefined : { connectionId });
  }

  restore(panel: vscode.WebviewPanel, state: unknown): void {
    this.host.restore(panel, state);
  }

  dispose(): void {
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }
}

function sessionsUi(log: HostLog): SessionsUi {
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
    debug: (message) => log.debug(message),
    save: async (fileName, content) => void (await saveTextFile(fileName, content, { CSV: ['csv'] })),
  };
}
