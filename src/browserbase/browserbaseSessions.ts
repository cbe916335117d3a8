/**
 * Entry of the lazily loaded bundle dist/browserbaseSessions.js (see host.ts): the session service,
 * the saved queries, the sessions panel and the Command Palette flows, built once on first use.
 */
import { browserbaseCommandHandlers } from '../commands/browserbaseCommands';
import type * as vscode from 'vscode';
import { SavedQueries, type SavedQueryStorage } from './savedQueries';
import { SessionsPanel, type SessionsPanelLog } from './sessionsPanel';
import { BrowserbaseSessionService, type SessionHost } from './sessionService';

export function createBrowserbaseSessions(host: SessionHost, storage: SavedQueryStorage, extensionUri: vscode.Uri, log: SessionsPanelLog) {
  const service = new BrowserbaseSessionService(host);
  const saved = new SavedQueries(storage);
  const panel = new SessionsPanel(extensionUri, service, saved, log);
  return { service, saved, panel, ...browserbaseCommandHandlers(service, saved) };
}
