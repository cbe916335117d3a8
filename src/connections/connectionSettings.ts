/**
 * The `liveUsage.*` settings, read and written in one place. Connections are validated on every read;
 * problems are reported once per change, not on every poll.
 */
import * as vscode from 'vscode';
import { DEFAULT_MAX_JSON_DEPTH } from '../http/jsonDepth';
import { DEFAULT_MAX_SERIES } from '../providers/seriesCap';
import type { ConnectionConfig } from '../shared/connections';
import { parseConnections } from './parseConnections';

export interface GeneralSettings {
  readonly pauseWhenUnfocused: boolean;
  readonly fullResolutionDays: number;
  readonly downsampledDays: number;
  readonly statusBarMaxConnections: number;
  readonly notificationsEnabled: boolean;
  /** Series one connection keeps; the rest of a reading is summarized in a note. */
  readonly maxSeriesPerConnection: number;
  /** Deepest JSON nesting read from a server. */
  readonly maxJsonDepth: number;
}

function clamp(value: unknown, min: number, max: number, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : fallback;
}

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

  read(): { connections: readonly ConnectionConfig[]; problems: readonly string[] } {
    return parseConnections(this.section().get<unknown>('connections'));
  }

  general(): GeneralSettings {
    const section = this.section();
    return {
      pauseWhenUnfocused: section.get<boolean>('pauseWhenUnfocused') !== false,
      fullResolutionDays: clamp(section.get('history.fullResolutionDays'), 1, 90, 7),
      downsampledDays: clamp(section.get('history.downsampledDays'), 1, 400, 30),
      statusBarMaxConnections: clamp(section.get('statusBar.maxConnections'), 1, 6, 2),
      notificationsEnabled: section.get<boolean>('notifications.enabled') !== false,
      maxSeriesPerConnection: Math.round(clamp(section.get('limits.maxSeriesPerConnection'), 10, 100_000, DEFAULT_MAX_SERIES)),
      maxJsonDepth: Math.round(clamp(section.get('limits.maxJsonDepth'), 8, 512, DEFAULT_MAX_JSON_DEPTH)),
    };
  }

  /** VS Code's proxy settings, applied to our own HTTP client. */
  proxy(): { proxy?: string; noProxy?: string[]; strictSSL: boolean } {
    const http = vscode.workspace.getConfiguration('http');
    const proxy = http.get<string>('proxy');
    const noProxy = http.get<string[]>('noProxy');
    return {
      ...(proxy ? { proxy } : {}),
      ...(Array.isArray(noProxy) ? { noProxy } : {}),
      strictSSL: http.get<boolean>('proxyStrictSSL') !== false,
    };
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
