/**
 * The composition root: creates every long-lived service once, wires them together, and owns their
 * disposal. `activate()` does only cheap work synchronously, but all of it that VS Code must see
 * during activation: every contributed command, the side bar view provider and the panel serializers
 * are registered before it returns. Their handlers wait for the services, which open history and read
 * settings right after, without prompts or notifications. `shutdown()` (what `deactivate()` returns)
 * stops polling, hands this window's connections to another window, flushes history and closes the
 * HTTP client, and resolves when all of that is done.
 */
import * as vscode from 'vscode';
import type { LiveUsageApi } from './api';
import { BrowserbaseSessions, SESSIONS_PANEL_TYPE } from './browserbase/browserbaseSessions';
import { sessionHost } from './browserbase/sessionHost';
import type { CommandHost } from './commands/commandHost';
import { DeferredCommands } from './commands/deferredCommands';
import { lazyPaletteHandlers, lazyToolInvocations } from './commands/lazyCommands';
import { everyTokenRedaction, PALETTE_TABLES } from './commands/paletteTables';
import { ConnectionService } from './connections/connectionService';
import { ConnectionSettings } from './connections/connectionSettings';
import { GuardedHistory } from './history/historyGuard';
import type { HistoryQuery } from './history/historyStore';
import { vscodeHostNetwork } from './http/hostNetwork';
import { HttpClient } from './http/httpClient';
import { RedactingLog } from './log';
import { RunawayNotifier } from './browserbase/runawayNotifier';
import { RunawayPresenter, type RunawayActions } from './browserbase/runawayPresenter';
import { checkedExternalUrl } from './http/externalUrl';
import { NotificationPresenter } from './quota/notificationPresenter';
import { QuotaNotifier } from './quota/quotaNotifier';
import { TokenStore } from './secrets/tokenStore';
import { StatusBarController } from './statusbar/statusBarController';
import { registerLanguageModelTools } from './tools/languageModelTools';
import { WALKTHROUGH_ID } from './webviews/connectionActions';
import { OVERVIEW_VIEW, sidebarView } from './webviews/sidebar/registration';
import { PANEL_TYPE, usagePanel } from './webviews/usagePanel/registration';
import { shutdownParseWorker } from './worker/workerHost';

/** What exists once start-up is done. */
interface Services {
  readonly service: ConnectionService;
  readonly sidebar: ReturnType<typeof sidebarView>;
  readonly panel: ReturnType<typeof usagePanel>;
  readonly sessions: BrowserbaseSessions;
  /** The tools' bodies, loaded from dist/palette.js on the first tool call. */
  readonly tools: ReturnType<typeof lazyToolInvocations>;
}

const COMPACTION_INTERVAL_MS = 6 * 60 * 60 * 1000;
const WALKTHROUGH_SHOWN_KEY = 'liveUsage.walkthroughShown';

export class Container implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly channel: vscode.LogOutputChannel;
  private readonly log: RedactingLog;
  private readonly settings: ConnectionSettings;
  private readonly tokens: TokenStore;
  private readonly statusBar: StatusBarController;
  private readonly commands: DeferredCommands;
  private readonly servicesPromise: Promise<Services>;
  private services: Services | undefined;
  private history: GuardedHistory | undefined;
  private http: HttpClient | undefined;
  private shutdownPromise: Promise<void> | undefined;

  private constructor(private readonly context: vscode.ExtensionContext) {
    const channel = vscode.window.createOutputChannel('Live Usage', { log: true });
    this.channel = channel;
    this.log = new RedactingLog(channel);
    this.settings = new ConnectionSettings();
    this.tokens = new TokenStore(context.secrets);
    this.statusBar = new StatusBarController(() => this.settings.general().statusBarMaxConnections);
    this.commands = new DeferredCommands({
      ids: contributedCommands(context),
      register: (id, run) => vscode.commands.registerCommand(id, run),
      whileStarting: (starting) =>
        Promise.resolve(vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Live Usage is starting…' }, () => starting)),
    });
    this.commands.provide({
      'liveUsage.showLog': () => channel.show(),
      'liveUsage.gettingStarted': () => vscode.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH_ID, false),
    });
    this.disposables.push(
      this.settings,
      this.statusBar,
      this.commands,
      ...this.registerWebviews(),
      ...registerLanguageModelTools(() => this.servicesPromise.then((services) => services.tools())),
    );

    // Everything below touches the disk or the network: after activation returns.
    this.servicesPromise = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.startServices());
    this.servicesPromise.then(
      () => this.commands.markStarted(),
      (error: unknown) => {
        const reason = error instanceof Error ? error.message : String(error);
        this.log.error(`Live Usage could not start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        this.commands.markFailed(reason);
      },
    );
  }

  static create(context: vscode.ExtensionContext): Container {
    return new Container(context);
  }

  get api(): LiveUsageApi {
    const ready = this.servicesPromise.then(() => undefined);
    return {
      ready,
      snapshots: () => this.services?.service.snapshots() ?? [],
      onDidChangeSnapshots: (listener) => {
        let subscription: vscode.Disposable | undefined;
        let disposed = false;
        void this.servicesPromise.then(({ service }) => {
          if (!disposed) subscription = service.onDidChange(listener);
        });
        return { dispose: () => ((disposed = true), subscription?.dispose()) };
      },
      tokenSource: async (connectionId) => {
        const config = this.services?.service.connections().find((connection) => connection.id === connectionId);
        if (!config) return 'none';
        return (await this.tokens.resolve(config.id, config.kind)).source;
      },
      setToken: async (connectionId, token) => {
        await this.tokens.set(connectionId, token);
        this.services?.service.tokenChanged(connectionId);
      },
      clearToken: async (connectionId) => {
        await this.tokens.clear(connectionId);
        this.services?.service.tokenChanged(connectionId);
      },
      refresh: (connectionId) => this.services?.service.refresh(connectionId),
      storagePath: this.context.globalStorageUri.fsPath,
    };
  }

  /** VS Code may ask for a view or a restored panel before the services are up: those wait for them. */
  private registerWebviews(): vscode.Disposable[] {
    return [
      vscode.window.registerWebviewViewProvider(OVERVIEW_VIEW, {
        resolveWebviewView: async (view) => (await this.servicesPromise).sidebar.resolveWebviewView(view),
      }),
      vscode.window.registerWebviewPanelSerializer(PANEL_TYPE, {
        deserializeWebviewPanel: async (panel, state: unknown) => (await this.servicesPromise).panel.restore(panel, state),
      }),
      vscode.window.registerWebviewPanelSerializer(SESSIONS_PANEL_TYPE, {
        deserializeWebviewPanel: async (panel, state: unknown) => (await this.servicesPromise).sessions.deserializePanel(panel, state),
      }),
    ];
  }

  private async startServices(): Promise<Services> {
    const { context, log, settings, tokens, statusBar } = this;
    const storage = context.globalStorageUri.fsPath;
    try {
      await vscode.workspace.fs.createDirectory(context.globalStorageUri);
    } catch (error) {
      // History says why it is paused; live values do not need the folder to start.
      log.warn(`The extension's storage folder could not be created: ${error instanceof Error ? error.message : String(error)}`);
    }
    const general = settings.general();
    // VS Code's proxy resolver and certificate loader, where its extension host has them (not public API).
    const host = vscodeHostNetwork(vscode.env.appRoot, () => settings.systemCertificatesNode());
    log.info(host ? 'Network: following the proxy VS Code resolves for each URL' : 'Network: following the http.proxy setting and the environment');
    this.http = new HttpClient({
      proxy: { ...settings.proxy(), env: process.env },
      ...(host ? { host } : {}),
      userAgent: `live-usage-vscode/${String(context.extension.packageJSON.version)}`,
    });
    // Never fails: a folder that cannot be written starts history paused, with the reason.
    this.history = await GuardedHistory.open(`${storage}/history`, {
      fullResolutionDays: general.fullResolutionDays,
      downsampledDays: general.downsampledDays,
      log: { info: (message) => log.info(message), warn: (message) => log.warn(message) },
    });
    if (this.shutdownPromise) throw new Error('Live Usage was shut down while starting');
    const notifier = new QuotaNotifier(context.globalState, () => Date.now());
    const presenter = new NotificationPresenter(notifier, () => settings.general().notificationsEnabled, log);
    const runawayPresenter = new RunawayPresenter(
      new RunawayNotifier(
        context.globalState,
        () => Date.now(),
        (error) => log.warn(`Could not store which runaway sessions were notified: ${String(error)}`),
      ),
      () => settings.general().notificationsEnabled,
      runawayActions(
        () => this.services,
        () => this.services?.service,
      ),
      log,
    );
    const notifications = {
      notify: (...args: Parameters<NotificationPresenter['notify']>) => {
        presenter.notify(...args);
        runawayPresenter.notify(...args);
      },
    };
    const service = new ConnectionService(settings, tokens, this.http, this.history, log, notifications, `${storage}/coordination`);
    const history = this.history;
    // Charts of a connection that reads a team Prometheus ask it for the range; the others read this machine's history.
    const chartHistory = {
      query: (id: string, query: HistoryQuery) => service.rangeSource(id)?.(query) ?? history.query(id, query),
      earliest: (id: string) => history.earliest(id),
    };
    const viewLog = { warn: (message: string) => log.warn(message), debug: (message: string) => log.debug(message) };
    const sidebar = sidebarView(context.extensionUri, service, chartHistory, viewLog);
    const panel = usagePanel(context.extensionUri, service, chartHistory, viewLog);
    const sessions = new BrowserbaseSessions(sessionHost(service, tokens, this.http), context.globalState, context.extensionUri, viewLog);
    this.disposables.push(
      sidebar,
      panel,
      sessions,
      service.onDidChange((snapshots) => {
        statusBar.update(snapshots);
        sidebar.update();
        panel.update();
      }),
      context.secrets.onDidChange((event) => {
        const id = TokenStore.connectionIdOfKey(event.key);
        if (id) service.tokenChanged(id);
      }),
    );
    // What the palette flows and the language model tools borrow (src/commands/commandHost.ts).
    const commandHost: CommandHost = {
      controller: service,
      settings,
      tokens,
      sessions: sessions.service,
      savedQueries: sessions.saved,
      ...PALETTE_TABLES,
      redact: (text) => log.redact(text),
      snapshots: () => service.snapshots(),
      redactEveryToken: everyTokenRedaction(
        (text) => log.redact(text),
        () => service.connections(),
        tokens,
      ),
    };
    this.commands.provide({
      'liveUsage.openPanel': (connectionId?: unknown) => panel.open(typeof connectionId === 'string' ? { connectionId } : undefined),
      'liveUsage.resetNotifications': async () => {
        await Promise.all(service.connections().map((connection) => notifier.forgetConnection(connection.id)));
        void vscode.window.showInformationMessage('Live Usage: snoozed and silenced warnings will show again.');
      },
      'liveUsage.refresh': (connectionId?: unknown) => service.refresh(typeof connectionId === 'string' ? connectionId : undefined),
      ...sessions.commandHandlers(),
      // Loaded from dist/palette.js when the first of them runs; every service they use is this one.
      ...lazyPaletteHandlers(commandHost),
    });
    this.services = { service, sidebar, panel, sessions, tools: lazyToolInvocations(commandHost) };
    await service.reload();
    // Retention runs once a start and then every six hours.
    const compact = () => void this.history?.compact().catch((error: unknown) => log.warn(`History compaction failed: ${String(error)}`));
    compact();
    const timer = setInterval(compact, COMPACTION_INTERVAL_MS);
    this.disposables.push({ dispose: () => clearInterval(timer) });
    log.info(`Live Usage started with ${service.connections().length} connection(s)`);
    this.showWalkthroughOnce();
    return this.services;
  }

  /**
   * The first start after installing opens the Get Started walkthrough, once (an editor, not a
   * prompt, and after activation); Live Usage: Get Started opens it again.
   */
  private showWalkthroughOnce(): void {
    const state = this.context.globalState;
    if (state.get<boolean>(WALKTHROUGH_SHOWN_KEY)) return;
    void Promise.resolve(state.update(WALKTHROUGH_SHOWN_KEY, true))
      .then(() => vscode.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH_ID, false))
      .catch((error: unknown) => this.log.debug(`The walkthrough did not open: ${String(error)}`));
  }

  /**
   * Stops everything and waits for what must finish: the poller aborts its runs and releases its
   * leases (so another window polls at once), history writes what it holds, the HTTP client closes and
   * the parser worker stops.
   * Safe to call more than once; `dispose()` starts it without waiting.
   */
  shutdown(): Promise<void> {
    this.shutdownPromise ??= this.runShutdown();
    return this.shutdownPromise;
  }

  dispose(): void {
    void this.shutdown();
  }

  private async runShutdown(): Promise<void> {
    this.disposeRegistered();
    // A start-up still under way finishes (or fails) first, so nothing it opens is left open.
    await this.servicesPromise.catch(() => undefined);
    this.disposeRegistered();
    // Polling first: it may still hand samples to history and requests to the HTTP client.
    await this.services?.service.close();
    // The parser worker after polling, which may still have a body in it.
    await Promise.allSettled([this.history?.close(), this.http?.close(), shutdownParseWorker()]);
    // Last: shutting down may still have something to log.
    this.channel.dispose();
  }

  private disposeRegistered(): void {
    for (const disposable of this.disposables.splice(0).reverse()) {
      try {
        disposable.dispose();
      } catch (error) {
        this.log.warn(`Shutting down: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
}

/** The runaway notification's buttons, through the one session service (its feature loads on first use). */
function runawayActions(services: () => Services | undefined, connections: () => ConnectionService | undefined): RunawayActions {
  const sessionService = async () => {
    const ready = services();
    if (!ready) throw new Error('Live Usage is still starting; try again in a moment.');
    return Promise.resolve(ready.sessions.service);
  };
  return {
    release: async (connectionId, sessionId) => (await (await sessionService()).release(connectionId, sessionId)).status,
    openDebugger: async (connectionId, sessionId) => {
      const urls = await (await sessionService()).debugUrls(connectionId, sessionId);
      await vscode.env.openExternal(vscode.Uri.parse(checkedExternalUrl(urls.debuggerFullscreenUrl, 'live-view URL')));
    },
    refresh: (connectionId) => connections()?.refresh(connectionId),
  };
}

/** The command ids the manifest contributes: all of them are registered during activation. */
function contributedCommands(context: vscode.ExtensionContext): string[] {
  const manifest = context.extension.packageJSON as { contributes?: { commands?: readonly { command?: unknown }[] } } | undefined;
  return (manifest?.contributes?.commands ?? []).map((entry) => entry.command).filter((command): command is string => typeof command === 'string');
}
