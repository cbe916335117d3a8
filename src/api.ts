/**
 * What `activate()` returns: a small, stable surface for other extensions and for the integration
 * tests that run inside the extension host. Never exposes a token.
 */
import type { ConnectionSnapshot } from './shared/snapshot';

export interface LiveUsageApi {
  /** Resolves once settings are read and the first polls are scheduled. */
  readonly ready: Promise<void>;
  snapshots(): readonly ConnectionSnapshot[];
  onDidChangeSnapshots(listener: (snapshots: readonly ConnectionSnapshot[]) => void): { dispose(): void };
  /** Where the connection's token comes from, without revealing it. */
  tokenSource(connectionId: string): Promise<'secretStorage' | 'environment' | 'none'>;
  /**
   * Stores a connection's token in SecretStorage, as `Live Usage: Set Token…` does without its
   * prompt (for automation and the integration tests), and repolls the connection.
   */
  setToken(connectionId: string, token: string): Promise<void>;
  /** Deletes a connection's stored token, as `Live Usage: Clear Token…` does. */
  clearToken(connectionId: string): Promise<void>;
  refresh(connectionId?: string): void;
  /** The folder history and window coordination live in (global storage). */
  readonly storagePath: string;
}
