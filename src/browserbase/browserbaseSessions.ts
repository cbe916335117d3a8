/**
 * The tagged-sessions feature: the session service, the saved queries and the sessions panel, built
 * once the services are up. The container registers the commands and the panel's serializer during
 * activation and forwards to this; the Command Palette flows (src/commands/browserbaseCommands.ts, in
 * the palette bundle) borrow the same service and saved queries.
 */
import type * as vscode from 'vscode';
import type { CommandHandler } from '../commands/deferredCommands';
import { SavedQueries, type SavedQueryStorage } from './savedQueries';
import { SessionsPanel, type SessionsPanelLog } from './sessionsPanel';
import { BrowserbaseSessionService, type SessionHost } from './sessionService';

export { SESSIONS_PANEL_TYPE } from './sessionsPanel';

export class BrowserbaseSessions implements vscode.Disposable {
  private readonly panel: SessionsPanel;
  /** The one session service: the panel, the palette flows, the runaway notifications and the language model tools share its launch guard. */
  readonly service: BrowserbaseSessionService;
  readonly saved: SavedQueries;

  constructor(host: SessionHost, storage: SavedQueryStorage, extensionUri: vscode.Uri, log: SessionsPanelLog) {
    this.service = new BrowserbaseSessionService(host);
    this.saved = new SavedQueries(storage);
    this.panel = new SessionsPanel(extensionUri, this.service, this.saved, log);
  }

  commandHandlers(): Record<string, CommandHandler> {
    return {
      'liveUsage.openBrowserbaseSessions': (connectionId?: unknown) => this.panel.open(typeof connectionId === 'string' ? connectionId : undefined),
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
