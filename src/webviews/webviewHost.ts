/**
 * The one webview host: turns a webview view or panel into a `WebviewPage` for a WebviewChannel
 * (webviewChannel.ts), writes its HTML and options, and, for panels, owns the single instance, its
 * restore after a reload (the serializer the container registers forwards to `restore`) and its
 * disposal. A surface adds only its definition: a shell, a schema and a controller.
 */
import * as vscode from 'vscode';
import { WebviewChannel, type PageHandle, type SurfaceController, type WebviewPage } from './webviewChannel';
import { webviewShell } from './webviewHtml';

export interface HostLog {
  debug(message: string): void;
  warn(message: string): void;
}

/** The page a surface loads: its bundle, its stylesheets and what shows until the bundle runs. */
export interface ShellSpec {
  /** `sidebar`, `panel`, `sessions`: the bundle dist/webview/<surface>.js and the class `surface-<surface>` on <main>. */
  readonly surface: string;
  readonly title: string;
  /** Stylesheets in media/, after the codicons. */
  readonly styles: readonly string[];
  /** Shown until the page has drawn. */
  readonly loading: string;
  readonly retainContextWhenHidden?: boolean;
}

export interface SurfaceDefinition<In extends { readonly type: string }> {
  readonly shell: ShellSpec;
  /** Names the surface in log lines: "Live Usage overview". */
  readonly name: string;
  parse(data: unknown): In | undefined;
}

function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

function loadShell(webview: vscode.Webview, extensionUri: vscode.Uri, shell: ShellSpec): void {
  const asset = (...path: string[]) => vscode.Uri.joinPath(extensionUri, ...path);
  webview.options = webviewOptions(extensionUri);
  webview.html = webviewShell({
    webview,
    title: shell.title,
    styles: [
      { href: asset('dist', 'webview', 'codicon.css'), id: 'vscode-codicon-stylesheet' },
      ...shell.styles.map((file) => ({ href: asset('media', file) })),
    ],
    scripts: [asset('dist', 'webview', `${shell.surface}.js`)],
    body: `<main id="app" class="surface-${shell.surface}" aria-busy="true"><p class="loading">${shell.loading}</p></main>`,
  });
}

function channelOptions<In extends { readonly type: string }>(definition: SurfaceDefinition<In>, log: HostLog) {
  return {
    parse: (data: unknown) => definition.parse(data),
    name: definition.name,
    log,
    failed: (message: string) => void vscode.window.showErrorMessage(`Live Usage: ${message}`),
  };
}

/** A webview view (the sidebar): VS Code creates it when it is first shown and may dispose and resolve it again. */
export class WebviewViewHost<In extends { readonly type: string }, Out> implements vscode.Disposable {
  private channel: WebviewChannel<In, Out> | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly definition: SurfaceDefinition<In>,
    private readonly controller: (handle: PageHandle<Out>) => SurfaceController<In, Out>,
    private readonly log: HostLog,
  ) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    this.channel?.dispose();
    loadShell(view.webview, this.extensionUri, this.definition.shell);
    const page: WebviewPage = {
      postMessage: (message) => view.webview.postMessage(message),
      onDidReceiveMessage: (listener) => view.webview.onDidReceiveMessage(listener),
      isVisible: () => view.visible,
      onDidChangeVisibility: (listener) => view.onDidChangeVisibility(() => listener()),
      onDidDispose: (listener) => view.onDidDispose(() => listener()),
      retainsContext: false,
    };
    const channel = new WebviewChannel<In, Out>(page, this.controller, channelOptions(this.definition, this.log));
    this.channel = channel;
    view.onDidDispose(() => {
      if (this.channel === channel) this.channel = undefined;
    });
  }

  update(): void {
    this.channel?.update();
  }

  dispose(): void {
    this.channel?.dispose();
    this.channel = undefined;
  }
}

export interface PanelDefinition<In extends { readonly type: string }, Args> extends SurfaceDefinition<In> {
  readonly viewType: string;
  /** What the panel is opened with again after a reload, from the state its page saved. */
  argsFromState(state: unknown): Args | undefined;
}

/** Controllers of a panel may be told what it was opened for again (the panel is revealed, not rebuilt). */
export interface PanelController<In extends { readonly type: string }, Out, Args> extends SurfaceController<In, Out> {
  reopened?(args: Args | undefined): void;
}

/** One webview panel of a kind: opened or revealed, restored after a reload, disposed with the host. */
export class WebviewPanelHost<In extends { readonly type: string }, Out, Args> implements vscode.Disposable {
  private current: { readonly panel: vscode.WebviewPanel; readonly channel: WebviewChannel<In, Out> } | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly definition: PanelDefinition<In, Args>,
    private readonly controller: (handle: PageHandle<Out>, args: Args | undefined) => PanelController<In, Out, Args>,
    private readonly log: HostLog,
  ) {}

  /** The open panel's controller, if any. */
  get active(): PanelController<In, Out, Args> | undefined {
    return this.current?.channel.controller as PanelController<In, Out, Args> | undefined;
  }

  open(args?: Args): void {
    if (this.current) {
      this.active?.reopened?.(args);
      this.current.panel.reveal();
      return;
    }
    const shell = this.definition.shell;
    const panel = vscode.window.createWebviewPanel(this.definition.viewType, shell.title, vscode.ViewColumn.Active, {
      ...webviewOptions(this.extensionUri),
      retainContextWhenHidden: shell.retainContextWhenHidden === true,
    });
    this.adopt(panel, args);
  }

  /** A panel VS Code brings back after a reload, with the state its page saved. */
  restore(panel: vscode.WebviewPanel, state: unknown): void {
    this.adopt(panel, this.definition.argsFromState(state));
  }

  update(): void {
    this.current?.channel.update();
  }

  private adopt(panel: vscode.WebviewPanel, args: Args | undefined): void {
    this.current?.panel.dispose();
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'activity-bar.svg');
    loadShell(panel.webview, this.extensionUri, this.definition.shell);
    const page: WebviewPage = {
      postMessage: (message) => panel.webview.postMessage(message),
      onDidReceiveMessage: (listener) => panel.webview.onDidReceiveMessage(listener),
      isVisible: () => panel.visible,
      onDidChangeVisibility: (listener) => panel.onDidChangeViewState(() => listener()),
      onDidDispose: (listener) => panel.onDidDispose(() => listener()),
      retainsContext: this.definition.shell.retainContextWhenHidden === true,
    };
    const channel = new WebviewChannel<In, Out>(page, (handle) => this.controller(handle, args), channelOptions(this.definition, this.log));
    const current = { panel, channel };
    this.current = current;
    panel.onDidDispose(() => {
      if (this.current === current) this.current = undefined;
    });
  }

  dispose(): void {
    const current = this.current;
    this.current = undefined;
    current?.channel.dispose();
    current?.panel.dispose();
  }
}
