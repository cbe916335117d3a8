/**
 * Tokens, one per connection, in VS Code's SecretStorage only. When none is stored, the provider's
 * usual environment variable may stand in ("from environment"); it is read, never persisted.
 * The storage is behind a small interface so the rules are tested without VS Code.
 */
import type { ProviderKind } from '../shared/connections';
import { TOKEN_ENVIRONMENT_VARIABLES } from '../providers/registry';

/** The subset of vscode.SecretStorage we use. */
export interface SecretBackend {
  get(key: string): PromiseLike<string | undefined>;
  store(key: string, value: string): PromiseLike<void>;
  delete(key: string): PromiseLike<void>;
}

export type TokenSource = 'secretStorage' | 'environment' | 'none';

export interface ResolvedToken {
  readonly token?: string;
  readonly source: TokenSource;
  /** The environment variable the token came from, for "from environment (BROWSERBASE_API_KEY)". */
  readonly variable?: string;
}

/** SecretStorage failed (typically no keyring on Linux). The message says how to fix it. */
export class SecretStorageUnavailableError extends Error {
  override readonly name = 'SecretStorageUnavailableError';
}

const KEY_PREFIX = 'liveUsage.token.';

export function secretKey(connectionId: string): string {
  return `${KEY_PREFIX}${connectionId}`;
}

function unavailable(cause: unknown): SecretStorageUnavailableError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new SecretStorageUnavailableError(
    `VS Code could not use its secret storage (${reason}). On Linux this usually means no keyring is running: ` +
      'install and unlock one (e.g. gnome-keyring or KWallet), or start VS Code with --password-store="gnome-libsecret". ' +
      "Until then, set the provider's environment variable (e.g. BROWSERBASE_API_KEY) before starting VS Code.",
  );
}

export class TokenStore {
  constructor(
    private readonly backend: SecretBackend,
    private readonly env: Readonly<Record<string, string | undefined>> = process.env,
  ) {}

  /** The token to use for a connection: stored first, then the provider's environment variable. */
  async resolve(connectionId: string, kind: ProviderKind): Promise<ResolvedToken> {
    let stored: string | undefined;
    try {
      stored = await this.backend.get(secretKey(connectionId));
    } catch (error) {
      throw unavailable(error);
    }
    if (stored) return { token: stored, source: 'secretStorage' };
    for (const variable of TOKEN_ENVIRONMENT_VARIABLES[kind]) {
      const value = this.env[variable]?.trim();
      if (value) return { token: value, source: 'environment', variable };
    }
    return { source: 'none' };
  }

  async set(connectionId: string, token: string): Promise<void> {
    const trimmed = token.trim();
    if (trimmed === '') throw new Error('The token is empty');
    try {
      await this.backend.store(secretKey(connectionId), trimmed);
    } catch (error) {
      throw unavailable(error);
    }
  }

  async clear(connectionId: string): Promise<void> {
    try {
      await this.backend.delete(secretKey(connectionId));
    } catch (error) {
      throw unavailable(error);
    }
  }

  /** The connection id a SecretStorage change event is about, or undefined if it is not ours. */
  static connectionIdOfKey(key: string): string | undefined {
    return key.startsWith(KEY_PREFIX) ? key.slice(KEY_PREFIX.length) : undefined;
  }
}
