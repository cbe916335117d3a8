/**
 * Entry of the lazily loaded bundle dist/browserbaseSessions.js (see host.ts): the session service,
 * the saved queries and the Command Palette flows, built once on first use.
 */
import { browserbaseCommandHandlers } from '../commands/browserbaseCommands';
import { SavedQueries, type SavedQueryStorage } from './savedQueries';
import { BrowserbaseSessionService, type SessionHost } from './sessionService';

export function createBrowserbaseSessions(host: SessionHost, storage: SavedQueryStorage) {
  const service = new BrowserbaseSessionService(host);
  const saved = new SavedQueries(storage);
  return { service, saved, ...browserbaseCommandHandlers(service, saved) };
}
