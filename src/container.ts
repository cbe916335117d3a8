/**
 * The composition root: creates every long-lived service once, wires them together, and owns their
 * disposal. Activation does only cheap work synchronously; history is opened and the first poll
 * started right after, without prompts or notifications.
 */
import * as vscode from 'vscode';
import type { LiveUsageApi } from './api';
import { BrowserbaseSessions, sessionHost } from './browserbase/host';
import { registerConnectionCommands } from './commands/connectionCommands';
import { ConnectionService } from './connections/connectionService';
import { ConnectionSettings } from './connections/connectionSettings';
import { HistoryStore } from './history/historyStore';
import { HttpClient } from './http/httpClient';
import { RedactingLog } from './log';
import { NotificationPresenter } from './quota/notificationPresenter';
import { QuotaNotifier } from './quota/quotaNotifier';
import { TokenStore } from './secrets/tokenStore';
import { StatusBarController } from './statusbar/statusBarController';
import { UsageViews } from './webviews/usageViews';
import { shutdownParseWorker } from './worker/workerHost';

export class Container implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private service: ConnectionService | undefined;
  private history: HistoryStore | undefined;
  private http: HttpClient | undefined;
  private tokens: TokenStore | undefined;
  private readonly readyPromise: Promise<void>;
  private resolveReady: () => void = () => undefined;

  private constructor(private readonly context: vscode.ExtensionContext) {
    this.readyPromise = new Promise((resolve) => (this.resolveReady = resolve));
  }

  get api(): LiveUsageApi {
    return {
      ready: this.readyPromise,
      snapshots: () => this.service?.snapshots() ?? [],
      onDidChangeSnapshots: (listener) => {
        let subscription: vscode.Disposable | undefined;
        let disposed = false;
        void this.readyPromise.then(() => {
          if (!disposed) subscription = this.service?.onDidChange(listener);
        });
        return { dispose: () => ((disposed = true), subscription?.dispose()) };
      },
      tokenSource: async (connectionId) => {
        const config = this.service?.connections().find((connection) => connection.id === connectionId);
        if (!config || !this.tokens) return 'none';
        return (await this.tokens.resolve(config.id, config.kind)).source;
      },
      setToken: async (connectionId, token) => {
        await this.tokens?.set(connectionId, token);
        this.service?.tokenChanged(connectionId);
      },
      clearToken: async (connectionId) => {
        await this.tokens?.clear(connectionId);
        this.service?.tokenChanged(connectionId);
      },
      refresh: (connectionId) => this.service?.refresh(connectionId),
      storagePath: this.context.globalStorageUri.fsPath,
    };
  }

  static create(context: vscode.ExtensionContext): Container {
    const container = new Container(context);
    container.start();
    return container;
  }

  private start(): void {
    const context = this.context;
    const channel = vscode.window.createOutputChannel('Live Usage', { log: true });
    const log = new RedactingLog(channel);
    const settings = new ConnectionSettings();
    const tokens = new TokenStore(context.secrets);
    this.tokens = tokens;
    const statusBar = new StatusBarController(() => settings.general().statusBarMaxConnections);
    this.disposables.push(channel, settings, statusBar, { dispose: () => void shutdownParseWorker() });
    this.disposables.push(vscode.commands.registerCommand('liveUsage.showLog', () => channel.show()));

    // Everything below touches the disk or the network: after activation returns.
    setImmediate(() => {
      void this.startServices(log, settings, tokens, statusBar).catch((error: unknown) => {
        log.error(`Live Usage could not start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      });
    });
  }

  private async startServices(log: RedactingLog, settings: ConnectionSettings, tokens: TokenStore, statusBar: StatusBarController): Promise<void> {
    const context = this.context;
    const storage = context.globalStorageUri.fsPath;
    await vscode.workspace.fs.createDirectory(context.globalStorageUri);
    const general = settings.general();
    this.http = new HttpClient({
      proxy: { ...settings.proxy(), env: process.env },
      userAgent: `live-usage-vscode/${String(context.extension.packageJSON.version)}`,
    });
    this.history = await HistoryStore.open(`${storage}/history`, {
      fullResolutionDays: general.fullResolutionDays,
      downsampledDays: general.downsampledDays,
      log: { info: (message) => log.info(message), warn: (message) => log.warn(message) },
    });
    const notifier = new QuotaNotifier(context.globalState, () => Date.now());
    const presenter = new NotificationPresenter(notifier, () => settings.general().notificationsEnabled, log);
    const service = new ConnectionService(settings, tokens, this.http, this.history, log, presenter, `${storage}/coordination`);
    this.service = service;
    const views = new UsageViews(context.extensionUri, service, this.history, { warn: (message) => log.warn(message), debug: (message) => log.debug(message) });
    this.disposables.push(
      service,
      views,
      service.onDidChange((snapshots) => {
        statusBar.update(snapshots);
        views.update();
      }),
      context.secrets.onDidChange((event) => {
        const id = TokenStore.connectionIdOfKey(event.key);
        if (id) service.tokenChanged(id);
      }),
      vscode.commands.registerCommand('liveUsage.openPanel', (connectionId?: unknown) =>
        views.openPanel(typeof connectionId === 'string' ? connectionId : undefined),
      ),
      vscode.commands.registerCommand('liveUsage.resetNotifications', async () => {
        await Promise.all(service.connections().map((connection) => notifier.forgetConnection(connection.id)));
        void vscode.window.showInformationMessage('Live Usage: snoozed and silenced warnings will show again.');
      }),
      ...registerConnectionCommands(service, settings, tokens),
      new BrowserbaseSessions(sessionHost(service, tokens, this.http), context.globalState, context.extensionUri, { debug: (message) => log.debug(message) }),
    );
    await service.reload();
    // Retention runs once a start and then every six hours.
    const compact = () => void this.history?.compact().catch((error: unknown) => log.warn(`History compaction failed: ${String(error)}`));
    compact();
    const timer = setInterval(compact, 6 * 60 * 60 * 1000);
    this.disposables.push({ dispose: () => clearInterval(timer) });
    log.info(`Live Usage started with ${service.connections().length} connection(s)`);
    this.resolveReady();
  }

  dispose(): void {
    for (const disposable of this.disposables.reverse()) disposable.dispose();
    void this.http?.close();
    void this.history?.close();
  }
}
