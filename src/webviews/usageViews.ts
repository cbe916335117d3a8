/**
 * Host side of the sidebar overview (a webview view) and the usage panel (a webview panel, restored
 * after a reload by its serializer). Both pages run the bundles in dist/webview and talk through the
 * protocol of src/shared/protocol.ts: a page says `ready`, the host answers with a whole snapshot,
 * and sends a new whole snapshot on every change while the page is visible and again whenever it
 * becomes visible. Nothing is posted to a hidden view (VS Code would drop it).
 */
import * as vscode from 'vscode';
import { billingCycle, quotaThresholds } from '../quota/evaluateQuotas';
import { columnIdentity, descriptorFor, descriptorOfKind } from '../providers/registry';
import { seriesOfChart } from '../shared/chartGroups';
import { toColumns } from '../shared/columns';
import type { ConnectionConfig } from '../shared/connections';
import { parseWebviewMessage, type ConnectionHistory, type ExportFormat, type HostMessage, type ThemeKind, type WebviewMessage } from '../shared/protocol';
import { bucketForSpan, DEFAULT_RANGE, isRangeId, RANGE_IDS, RANGE_SPANS, type RangeId } from '../shared/ranges';
import type { ConnectionSnapshot } from '../shared/snapshot';
import { ChartDataSource, type HistoryReader } from './chartDataSource';
import { webviewShell } from './webviewHtml';

export const PANEL_TYPE = 'liveUsage.panel';
export const OVERVIEW_VIEW = 'liveUsage.overview';

export interface UsageViewsSource {
  snapshots(): readonly ConnectionSnapshot[];
  connections(): readonly ConnectionConfig[];
  /** A view became visible: poll what is due now. */
  viewVisible(): void;
}

export interface UsageViewsLog {
  warn(message: string): void;
  debug(message: string): void;
}

/** One page (the panel's or the sidebar's) and what the host knows about it. */
interface Page {
  readonly webview: vscode.Webview;
  readonly visible: () => boolean;
  ready: boolean;
  /** An update is being built; `again` asks for one more when it is done. */
  busy: boolean;
  again: boolean;
  readonly disposables: vscode.Disposable[];
}

const THEME_KINDS: Readonly<Record<vscode.ColorThemeKind, ThemeKind>> = {
  [vscode.ColorThemeKind.Light]: 'light',
  [vscode.ColorThemeKind.Dark]: 'dark',
  [vscode.ColorThemeKind.HighContrast]: 'highContrast',
  [vscode.ColorThemeKind.HighContrastLight]: 'highContrastLight',
};

export class UsageViews implements vscode.Disposable, vscode.WebviewViewProvider {
  private panel: vscode.WebviewPanel | undefined;
  private panelPage: Page | undefined;
  private sidebarPage: Page | undefined;
  private range: RangeId = DEFAULT_RANGE;
  private pendingReveal: string | undefined;
  private readonly panelData: ChartDataSource;
  private readonly sidebarData: ChartDataSource;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly source: UsageViewsSource,
    history: HistoryReader,
    private readonly log: UsageViewsLog,
  ) {
    this.panelData = new ChartDataSource(history);
    this.sidebarData = new ChartDataSource(history);
    // The view provider and the panel serializer are registered by the container during activation
    // and forward here (resolveWebviewView, deserializePanel) once the services are up.
    this.disposables.push(vscode.window.onDidChangeActiveColorTheme(() => this.update()));
  }

  /** A panel VS Code restores after a reload, with the state its page saved. */
  deserializePanel(panel: vscode.WebviewPanel, state: unknown): void {
    const range = typeof state === 'object' && state !== null ? (state as { range?: unknown }).range : undefined;
    if (isRangeId(range)) this.range = range;
    this.adoptPanel(panel);
  }

  private options(): vscode.WebviewOptions {
    return {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(this.extensionUri, 'media')],
    };
  }

  private html(webview: vscode.Webview, surface: 'panel' | 'sidebar'): string {
    const asset = (...path: string[]) => vscode.Uri.joinPath(this.extensionUri, ...path);
    return webviewShell({
      webview,
      title: surface === 'panel' ? 'Live Usage' : 'Live Usage overview',
      styles: [{ href: asset('dist', 'webview', 'codicon.css'), id: 'vscode-codicon-stylesheet' }, { href: asset('media', 'views.css') }],
      scripts: [asset('dist', 'webview', `${surface}.js`)],
      body: `<main id="app" class="surface-${surface}" aria-busy="true"><p class="loading">Loading Live Usage…</p></main>`,
    });
  }

  openPanel(connectionId?: string): void {
    this.pendingReveal = connectionId;
    if (this.panel) {
      this.panel.reveal();
      this.flushReveal();
      return;
    }
    const panel = vscode.window.createWebviewPanel(PANEL_TYPE, 'Live Usage', vscode.ViewColumn.Active, this.options());
    this.adoptPanel(panel);
  }

  private adoptPanel(panel: vscode.WebviewPanel): void {
    this.panel?.dispose();
    this.panel = panel;
    panel.webview.options = this.options();
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'activity-bar.svg');
    const page: Page = { webview: panel.webview, visible: () => panel.visible, ready: false, busy: false, again: false, disposables: [] };
    this.panelPage = page;
    panel.webview.html = this.html(panel.webview, 'panel');
    panel.webview.onDidReceiveMessage((data: unknown) => this.onMessage(page, data), undefined, page.disposables);
    panel.onDidChangeViewState(() => this.becameVisible(page), undefined, page.disposables);
    panel.onDidDispose(
      () => {
        for (const disposable of page.disposables.splice(0)) disposable.dispose();
        if (this.panel !== panel) return;
        this.panel = undefined;
        this.panelPage = undefined;
        this.panelData.clear();
      },
      undefined,
      page.disposables,
    );
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    view.webview.options = this.options();
    const page: Page = { webview: view.webview, visible: () => view.visible, ready: false, busy: false, again: false, disposables: [] };
    this.sidebarPage = page;
    view.webview.html = this.html(view.webview, 'sidebar');
    view.webview.onDidReceiveMessage((data: unknown) => this.onMessage(page, data), undefined, page.disposables);
    view.onDidChangeVisibility(() => this.becameVisible(page), undefined, page.disposables);
    view.onDidDispose(
      () => {
        for (const disposable of page.disposables.splice(0)) disposable.dispose();
        if (this.sidebarPage !== page) return;
        this.sidebarPage = undefined;
        this.sidebarData.clear();
      },
      undefined,
      page.disposables,
    );
  }

  private becameVisible(page: Page): void {
    if (!page.visible()) return;
    this.source.viewVisible();
    // A page without retained context is reloaded when shown again and says `ready` once more; a
    // living page takes this snapshot at once.
    this.post(page);
  }

  /** The connections changed: every visible, ready page gets a new whole snapshot. */
  update(): void {
    for (const page of [this.panelPage, this.sidebarPage]) if (page) this.post(page);
  }

  private post(page: Page): void {
    if (!page.ready || !page.visible()) return;
    if (page.busy) {
      page.again = true;
      return;
    }
    page.busy = true;
    const build = page === this.panelPage ? this.panelSnapshot() : this.sidebarSnapshot();
    void build
      .then((message) => {
        // Checked again: the view may have been hidden or closed while history was read.
        if (page.visible() && (page === this.panelPage || page === this.sidebarPage)) return page.webview.postMessage(message);
        return undefined;
      })
      .then(() => this.flushReveal())
      .catch((error: unknown) => this.log.warn(`Could not update the Live Usage view: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => {
        page.busy = false;
        if (page.again) {
          page.again = false;
          this.post(page);
        }
      });
  }

  private flushReveal(): void {
    const page = this.panelPage;
    if (this.pendingReveal === undefined || !page?.ready || !page.visible()) return;
    const message: HostMessage = { type: 'reveal', connectionId: this.pendingReveal };
    this.pendingReveal = undefined;
    void page.webview.postMessage(message);
  }

  private theme(): ThemeKind {
    return THEME_KINDS[vscode.window.activeColorTheme.kind] ?? 'dark';
  }

  private configs(): Map<string, ConnectionConfig> {
    return new Map(this.source.connections().map((config) => [config.id, config]));
  }

  private async panelSnapshot(): Promise<HostMessage> {
    const now = Date.now();
    const connections = this.source.snapshots();
    const configs = this.configs();
    const cycles = [...configs.values()].filter((config) => config.kind === 'browserbase').map((config) => billingCycle(now, config.quota?.billingCycleDay));
    const ranges = RANGE_IDS.filter((id) => id !== 'cycle' || cycles.length > 0);
    const range = ranges.includes(this.range) ? this.range : DEFAULT_RANGE;
    const histories: ConnectionHistory[] = [];
    for (const snapshot of connections) {
      const config = configs.get(snapshot.id);
      let from = now - (range === 'cycle' ? 0 : RANGE_SPANS[range]);
      if (range === 'cycle') {
        // A Browserbase connection shows its own cycle; the others the earliest, so charts line up.
        from = config?.kind === 'browserbase' ? billingCycle(now, config.quota?.billingCycleDay).start : Math.min(...cycles.map((cycle) => cycle.start));
      }
      histories.push(await this.history(snapshot, config, from, now, bucketForSpan(now - from)));
    }
    this.panelData.sweep();
    return { type: 'snapshot', surface: 'panel', now, theme: this.theme(), range, ranges, connections, histories };
  }

  private async sidebarSnapshot(): Promise<HostMessage> {
    const now = Date.now();
    const connections = this.source.snapshots();
    const configs = this.configs();
    const histories: ConnectionHistory[] = [];
    for (const snapshot of connections) {
      const config = configs.get(snapshot.id);
      const descriptor = config ? descriptorFor(config) : descriptorOfKind(snapshot.kind);
      const sparkline = descriptor.sparkline;
      // Only what the sparkline's chart draws: a card needs one line, not the whole history.
      const figure = snapshot.figures.find((entry) => entry.id === sparkline.figure) ?? snapshot.figures[0];
      const series = figure?.chart ? seriesOfChart(descriptor, figure.chart.key) : undefined;
      histories.push(await this.history(snapshot, config, now - sparkline.windowMs, now, sparkline.bucketMs, series ?? []));
    }
    this.sidebarData.sweep();
    return { type: 'snapshot', surface: 'sidebar', now, theme: this.theme(), connections, histories };
  }

  private async history(
    snapshot: ConnectionSnapshot,
    config: ConnectionConfig | undefined,
    from: number,
    to: number,
    bucketMs?: number,
    series?: readonly string[],
  ): Promise<ConnectionHistory> {
    const data = series === undefined ? this.panelData : this.sidebarData;
    const window = { from, to, ...(bucketMs === undefined ? {} : { bucketMs }), ...(series === undefined ? {} : { series }) };
    const samples = await data.samples(snapshot.id, window, snapshot.lastSuccessAt ?? 0, to);
    const { warnPercent, criticalPercent } = quotaThresholds(config?.quota);
    // Columns keyed and typed by the descriptor: context labels merge, semantics travel with each column.
    const identity = columnIdentity(config ? descriptorFor(config) : descriptorOfKind(snapshot.kind));
    return {
      connectionId: snapshot.id,
      from,
      to,
      ...(bucketMs === undefined ? {} : { bucketMs }),
      warnPercent,
      criticalPercent,
      series: toColumns(samples, identity),
    };
  }

  private onMessage(page: Page, data: unknown): void {
    const message = parseWebviewMessage(data);
    if (!message) {
      this.log.debug('Ignored a message from a Live Usage view that is not part of its protocol.');
      return;
    }
    void this.handle(page, message).catch((error: unknown) => {
      void vscode.window.showErrorMessage(`Live Usage: ${error instanceof Error ? error.message : String(error)}`);
    });
  }

  private async handle(page: Page, message: WebviewMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        page.ready = true;
        if (message.range && page === this.panelPage) this.range = message.range;
        this.post(page);
        return;
      case 'setRange':
        if (page !== this.panelPage) return;
        this.range = message.range;
        this.post(page);
        return;
      case 'refresh':
        await vscode.commands.executeCommand('liveUsage.refresh', message.connectionId);
        return;
      case 'openPanel':
        this.openPanel(message.connectionId);
        return;
      case 'setToken':
        await vscode.commands.executeCommand('liveUsage.setToken', message.connectionId);
        return;
      case 'openSessions':
        await vscode.commands.executeCommand('liveUsage.openBrowserbaseSessions', message.connectionId);
        return;
      case 'addConnection':
        await vscode.commands.executeCommand('liveUsage.addConnection');
        return;
      case 'export':
        await this.exportFile(message.fileName, message.format, message.content);
        return;
      case 'rendered':
        this.log.debug(
          `${message.surface}: ${message.phase === 'first' ? 'first chart drawn' : 'redrawn'} ${Math.round(message.ms)} ms after the snapshot (${message.charts} chart(s))`,
        );
        return;
    }
  }

  private async exportFile(fileName: string, format: ExportFormat, content: string): Promise<void> {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const target = await vscode.window.showSaveDialog({
      title: `Export ${fileName}`,
      ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, fileName) } : {}),
      filters: format === 'csv' ? { CSV: ['csv'] } : { JSON: ['json'] },
    });
    if (!target) return;
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(content));
    void vscode.window.setStatusBarMessage(`$(check) Exported ${target.path.slice(target.path.lastIndexOf('/') + 1)}`, 5000);
  }

  dispose(): void {
    this.panel?.dispose();
    for (const page of [this.panelPage, this.sidebarPage]) for (const disposable of page?.disposables.splice(0) ?? []) disposable.dispose();
    for (const disposable of this.disposables) disposable.dispose();
    this.panelData.clear();
    this.sidebarData.clear();
  }
}
