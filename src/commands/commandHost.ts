/**
 * What the palette flows and the language model tools' bodies (dist/palette.js, loaded on first use)
 * borrow from the running extension, in one typed object the container builds. Types only: the palette bundle must hold no state and no
 * class of its own that the main bundle also has. A second copy of the log or the token store would
 * miss the tokens the first one knows; a second ProviderError class would fail every `instanceof`.
 * So services, classes and the tables behind the provider registry and the schema library cross here,
 * and scripts/hostBundles.mjs refuses a palette bundle that imports anything else but pure helpers.
 */
import type { SavedQueries } from '../browserbase/savedQueries';
import type * as SessionServiceModule from '../browserbase/sessionService';
import type { ConnectionSettings } from '../connections/connectionSettings';
import type * as Registry from '../providers/registry';
import type { TokenStore } from '../secrets/tokenStore';
import type { ConnectionSnapshot } from '../shared/snapshot';
import type { ConnectionController } from './connectionCommands';

export interface CommandHost {
  /** The connection service: its connections, a one-off test, the pickers' choices. */
  readonly controller: ConnectionController;
  readonly settings: Pick<ConnectionSettings, 'add' | 'replace' | 'remove'>;
  readonly tokens: Pick<TokenStore, 'resolve' | 'set' | 'clear'>;
  /** The provider registry's tables the steps show (names, summaries, URLs, token variables, intervals). */
  readonly providers: Pick<
    typeof Registry,
    'PROVIDER_NAMES' | 'PROVIDER_SUMMARIES' | 'DEFAULT_BASE_URLS' | 'TOKEN_ENVIRONMENT_VARIABLES' | 'DEFAULT_FEED_INTERVALS_MS' | 'MIN_INTERVAL_MS'
  >;
  /** The tagged-sessions service and the saved queries the sessions panel shares. */
  readonly sessions: SessionServiceModule.BrowserbaseSessionService;
  readonly savedQueries: SavedQueries;
  /** The launch form's limits and its confirmation text, as the sessions panel has them. */
  readonly launch: Pick<typeof SessionServiceModule, 'launchConfirmation' | 'SESSION_REGIONS' | 'SESSION_TIMEOUT_RANGE'>;
  /** A ProviderError of kind `auth` (a missing or refused token): the error class lives in the main bundle. */
  isAuthFailure(error: unknown): boolean;
  /**
   * The log's redaction of every token the extension knows: each failure a command shows passes
   * through it, whatever the error carried.
   */
  redact(text: string): string;
  /** Every connection's last snapshot: what the read-usage tool reports. */
  snapshots(): readonly ConnectionSnapshot[];
  /**
   * `redact`, and also every token a connection resolves to right now (stored or from the
   * environment): a tool may answer about a connection whose token was set a moment ago and has not
   * been used, so the log does not know it yet.
   */
  redactEveryToken(text: string): Promise<string>;
}
