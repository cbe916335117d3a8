/**
 * The tagged-sessions feature: the session service, the saved queries, the sessions panel and the
 * Command Palette flows, built once the services are up. The container registers the commands and
 * the panel's serializer during activation and forwards to this.
 */
import type * as vscode from 'vscode';
import type { CommandHandler } from '../commands/deferredCommands';
import { browserbaseCommandHandlers } from '../commands/browserbaseCommands';
import { SavedQueries, type SavedQueryStorage } from './savedQueries';
import { SessionsPanel, type SessionsPanelLog } from './sessionsPanel';
import { BrowserbaseSessionService, type SessionHost } from './sessionService';

export { SESSIONS_PANEL_TYPE } from './sessionsPanel';

export class BrowserbaseSessions implements vscode.Disposable {
  private readonly panel: SessionsPanel;
  private readonly handlers: ReturnType<typeof browserbaseCommandHandlers>;

  constructor(host: SessionHost, storage: SavedQueryStorage, extensionUri: vscode.Uri, log: SessionsPanelLog) {
    const service = new BrowserbaseSessionService(host);
    const saved = new SavedQueries(storage);
    this.panel = new SessionsPanel(extensionUri, service, saved, log);
    this.handlers = browserbaseCommandHandlers(service, saved);
  }

  commandHandlers(): Record<string, CommandHandler> {
    return {
      'liveUsage.openBrowserbaseSessions': (connectionId?: unknown) => this.panel.open(typeof connectionId === 'string' ? connectionId : undefined),
      'liveUsage.findBrowserbaseSessions': (arg?: Parameters<typeof this.handlers.find>[0]) => this.handlers.find(arg),
      'liveUsage.launchBrowserbaseSession': (arg?: Parameters<typeof this.handlers.launch>[0]) => this.handlers.launch(arg),
    };
  }

  /** The panel comes back after a reload; the page restores its own UI choices from its state. */
  deserializePanel(panel: vscode.WebviewPanel, state: unknown): void {
    this.panel.restore(panel, state);
  }

  dispose(): void {
    this.panel.dispose();
  }
}
