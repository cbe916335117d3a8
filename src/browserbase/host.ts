/**
 * The main bundle's side of the tagged-sessions feature. The feature itself (query builder, session
 * service, Command Palette flows) is a separate bundle, dist/browserbaseSessions.js, loaded the first
 * time it is used: it is rarely needed, and dist/extension.js must stay under 200 KB. Here live only
 * the command stubs and the host services the feature borrows (client, checks, error class).
 */
import type * as vscode from 'vscode';
import type { CommandHandler } from '../commands/deferredCommands';
import type * as BrowserbaseSessionsModule from './browserbaseSessions';
import type { SavedQueryStorage } from './savedQueries';
import type { SessionHost } from './sessionService';

export { sessionHost } from './sessionHost';

type Feature = ReturnType<typeof BrowserbaseSessionsModule.createBrowserbaseSessions>;

export const SESSIONS_PANEL_TYPE = 'liveUsage.browserbaseSessions';

/**
 * The command handlers and the sessions panel's restore; `load()` gives the feature to the panel,
 * loading it once. The container registers the commands and the serializer during activation.
 */
export class BrowserbaseSessions implements vscode.Disposable {
  private feature: Promise<Feature> | undefined;

  constructor(
    private readonly host: SessionHost,
    private readonly storage: SavedQueryStorage,
    private readonly extensionUri: vscode.Uri,
    private readonly log: { debug(message: string): void },
  ) {}

  commandHandlers(): Record<string, CommandHandler> {
    return {
      'liveUsage.openBrowserbaseSessions': async (connectionId?: unknown) =>
        (await this.load()).panel.open(typeof connectionId === 'string' ? connectionId : undefined),
      'liveUsage.findBrowserbaseSessions': async (arg?: Parameters<Feature['find']>[0]) => (await this.load()).find(arg),
      'liveUsage.launchBrowserbaseSession': async (arg?: Parameters<Feature['launch']>[0]) => (await this.load()).launch(arg),
      'liveUsage.browserbaseCostPerTag': async (arg?: Parameters<Feature['costPerTag']>[0]) => (await this.load()).costPerTag(arg),
    };
  }

  /** The panel comes back after a reload; the page restores its own UI choices from its state. */
  async deserializePanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const connectionId = typeof state === 'object' && state !== null ? (state as { connectionId?: unknown }).connectionId : undefined;
    (await this.load()).panel.adopt(panel, typeof connectionId === 'string' ? connectionId : undefined);
  }

  /** The one session service: the panel, the Command Palette, the runaway notifications and the language model tools share its launch guard. */
  async service(): Promise<Feature['service']> {
    return (await this.load()).service;
  }

  load(): Promise<Feature> {
    this.feature ??= Promise.resolve().then(() => {
      // A plain require, as VS Code loads extensions, so the feature's own require('vscode') resolves
      // the same way. esbuild keeps it external (scripts/build.mjs): dist/browserbaseSessions.js.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const loaded = require('./browserbaseSessions') as typeof BrowserbaseSessionsModule;
      return loaded.createBrowserbaseSessions(this.host, this.storage, this.extensionUri, this.log);
    });
    // A failed load is tried again next time instead of failing forever.
    this.feature.catch(() => (this.feature = undefined));
    return this.feature;
  }

  dispose(): void {
    void this.feature?.then(
      (feature) => feature.panel.dispose(),
      () => undefined,
    );
  }
}
