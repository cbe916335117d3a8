/**
 * The main bundle's side of what CommandHost lends besides services: the registry's tables, the
 * launch limits, the auth check and the tools' wider redaction, built from the main bundle's own
 * modules (one registry, one ProviderError class, one redaction). The container spreads this into the host; tests build theirs from it too.
 */
import { launchConfirmation, SESSION_REGIONS, SESSION_TIMEOUT_RANGE } from '../browserbase/sessionService';
import { isProviderError } from '../http/errors';
import { redactText } from '../http/redact';
import {
  DEFAULT_BASE_URLS,
  DEFAULT_FEED_INTERVALS_MS,
  MIN_INTERVAL_MS,
  PROVIDER_NAMES,
  PROVIDER_SUMMARIES,
  TOKEN_ENVIRONMENT_VARIABLES,
} from '../providers/registry';
import type { TokenStore } from '../secrets/tokenStore';
import type { ConnectionConfig } from '../shared/connections';
import type { CommandHost } from './commandHost';

export const PALETTE_TABLES: Pick<CommandHost, 'providers' | 'launch' | 'isAuthFailure'> = {
  providers: { PROVIDER_NAMES, PROVIDER_SUMMARIES, DEFAULT_BASE_URLS, TOKEN_ENVIRONMENT_VARIABLES, DEFAULT_FEED_INTERVALS_MS, MIN_INTERVAL_MS },
  launch: { launchConfirmation, SESSION_REGIONS, SESSION_TIMEOUT_RANGE },
  isAuthFailure: (error) => isProviderError(error) && error.kind === 'auth',
};

/** CommandHost's `redactEveryToken`: the tokens every connection resolves to now, then the log's. */
export function everyTokenRedaction(
  redact: (text: string) => string,
  connections: () => readonly ConnectionConfig[],
  tokens: Pick<TokenStore, 'resolve'>,
): CommandHost['redactEveryToken'] {
  return async (text) => {
    const resolved = await Promise.all(connections().map((config) => tokens.resolve(config.id, config.kind).catch(() => undefined)));
    return redact(
      redactText(
        text,
        resolved.map((entry) => entry?.token),
      ),
    );
  };
}
