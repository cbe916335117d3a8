/**
 * The `liveUsage.*` settings, read and written in one place. Connections are validated on every read;
 * problems are reported once per change, not on every poll.
 */
import * as vscode from 'vscode';
import type { NetworkSettings } from '../http/dispatchers';
import { proxySettingProblem } from '../http/proxy';
import type { ConnectionConfig } from '../shared/connections';
import { readGeneralSettings, type GeneralSettings } from './generalSettings';
import { parseConnections } from './parseConnections';

export type { GeneralSettings };

export class ConnectionSettings implements vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  /** Fires when any `liveUsage.*` or `http.proxy*` setting changes. */
  readonly onDidChange = this.changeEmitter.event;
  private readonly subscription: vscode.Disposable;

  constructor() {
    this.subscription = vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('liveUsage') || event.affectsConfiguration('http')) this.changeEmitter.fire();
    });
  }

  private section(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration('liveUsage');
  }

  /** The connections, and every problem of every `liveUsage.*` setting, in plain words. */
  read(): { connections: readonly ConnectionConfig[]; problems: readonly string[] } {
    const parsed = parseConnections(this.section().get<unknown>('connections'));
    const proxy = proxySettingProblem(this.proxy());
    return { connections: parsed.connections, problems: [...parsed.problems, ...this.readGeneral().problems, ...(proxy ? [proxy] : [])] };
  }

  general(): GeneralSettings {
    return this.readGeneral().settings;
  }

  private readGeneral(): ReturnType<typeof readGeneralSettings> {
    const section = this.section();
    return readGeneralSettings((key) => section.get<unknown>(key));
  }

  /** VS Code's network settings (`http.*`), applied to our own HTTP client (src/http/dispatchers.ts). */
  proxy(): NetworkSettings {
    const http = vscode.workspace.getConfiguration('http');
    const proxy = http.get<unknown>('proxy');
    const noProxy = http.get<unknown>('noProxy');
    const proxyAuthorization = http.get<unknown>('proxyAuthorization');
    const proxySupport = http.get<unknown>('proxySupport');
    return {
      ...(typeof proxy === 'string' && proxy.trim() !== '' ? { proxy } : {}),
      ...(Array.isArray(noProxy) ? { noProxy: noProxy.filter((entry): entry is string => typeof entry === 'string') } : {}),
      strictSSL: http.get<boolean>('proxyStrictSSL') !== false,
      ...(typeof proxyAuthorization === 'string' && proxyAuthorization.trim() !== '' ? { proxyAuthorization } : {}),
      ...(proxySupport === 'off' || proxySupport === 'on' || proxySupport === 'fallback' || proxySupport === 'override' ? { proxySupport } : {}),
      systemCertificates: http.get<boolean>('systemCertificates') !== false,
    };
  }

  /** VS Code's `http.systemCertificatesNode`, which picks its own certificate loader (undefined: its default). */
  systemCertificatesNode(): boolean | undefined {
    const value = vscode.workspace.getConfiguration('http').get<unknown>('systemCertificatesNode');
    return typeof value === 'boolean' ? value : undefined;
  }

  /**
   * Writes the raw list back, keeping entries we could not parse exactly as the user wrote them, so a
   * typo in one connection is never lost by editing another.
   */
  private async writeRaw(update: (raw: unknown[]) => unknown[]): Promise<void> {
    const current = this.section().get<unknown>('connections');
    const raw = Array.isArray(current) ? [...current] : [];
    await this.section().update('connections', update(raw), vscode.ConfigurationTarget.Global);
  }

  async add(config: ConnectionConfig): Promise<void> {
    await this.writeRaw((raw) => [...raw, stripUndefined(config)]);
  }

  async replace(config: ConnectionConfig): Promise<void> {
    await this.writeRaw((raw) => raw.map((entry) => (idOf(entry) === config.id ? stripUndefined(config) : entry)));
  }

  async remove(id: string): Promise<void> {
    await this.writeRaw((raw) => raw.filter((entry) => idOf(entry) !== id));
  }

  dispose(): void {
    this.subscription.dispose();
    this.changeEmitter.dispose();
  }
}

function idOf(entry: unknown): string | undefined {
  return entry && typeof entry === 'object' ? ((entry as { id?: unknown }).id as string | undefined) : undefined;
}

function stripUndefined<T extends object>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
