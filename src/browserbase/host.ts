/**
 * The main bundle's side of the tagged-sessions feature. The feature itself (query builder, session
 * service, Command Palette flows) is a separate bundle, dist/browserbaseSessions.js, loaded the first
 * time it is used: it is rarely needed, and dist/extension.js must stay under 200 KB. Here live only
 * the command stubs and the host services the feature borrows (client, checks, error class).
 */
import * as vscode from 'vscode';
import type * as BrowserbaseSessionsModule from './browserbaseSessions';
import type { SavedQueryStorage } from './savedQueries';
import type { SessionHost } from './sessionService';

export { sessionHost } from './sessionHost';

type Feature = ReturnType<typeof BrowserbaseSessionsModule.createBrowserbaseSessions>;

/** Registers the commands and the sessions panel's serializer; `load()` gives the feature to the panel, loading it once. */
export class BrowserbaseSessions implements vscode.Disposable {
  private feature: Promise<Feature> | undefined;
  private readonly commands: vscode.Disposable[];

  constructor(
    private readonly host: SessionHost,
    private readonly storage: SavedQueryStorage,
    private readonly extensionUri: vscode.Uri,
    private readonly log: { debug(message: string): void },
  ) {
    this.commands = [
      vscode.commands.registerCommand('liveUsage.openBrowserbaseSessions', async (connectionId?: unknown) =>
        (await this.load()).panel.open(typeof connectionId === 'string' ? connectionId : undefined),
      ),
      // The panel comes back after a reload; the page restores its own UI choices from its state.
      vscode.window.registerWebviewPanelSerializer('liveUsage.browserbaseSessions', {
        deserializeWebviewPanel: async (panel, state: unknown) => {
          const connectionId = typeof state === 'object' && state !== null ? (state as { connectionId?: unknown }).connectionId : undefined;
          (await this.load()).panel.adopt(panel, typeof connectionId === 'string' ? connectionId : undefined);
        },
      }),
      vscode.commands.registerCommand('liveUsage.findBrowserbaseSessions', async (arg?: Parameters<Feature['find']>[0]) => (await this.load()).find(arg)),
      vscode.commands.registerCommand('liveUsage.launchBrowserbaseSession', async (arg?: Parameters<Feature['launch']>[0]) => (await this.load()).launch(arg)),
    ];
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
    for (const command of this.commands) command.dispose();
    void this.feature?.then(
      (feature) => feature.panel.dispose(),
      () => undefined,
    );
  }
}
