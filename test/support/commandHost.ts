/**
 * A CommandHost (src/commands/commandHost.ts) as the container builds it, from the real modules of
 * the main bundle: the registry's tables, the launch limits, ProviderError and a RedactingLog. A test
 * passes the services its flows use; using one it did not pass fails with the name of the field.
 */
import { launchConfirmation, SESSION_REGIONS, SESSION_TIMEOUT_RANGE } from '../../src/browserbase/sessionService';
import type { CommandHost } from '../../src/commands/commandHost';
import { isProviderError } from '../../src/http/errors';
import type { RedactingLog } from '../../src/log';
import {
  DEFAULT_BASE_URLS,
  DEFAULT_FEED_INTERVALS_MS,
  MIN_INTERVAL_MS,
  PROVIDER_NAMES,
  PROVIDER_SUMMARIES,
  TOKEN_ENVIRONMENT_VARIABLES,
} from '../../src/providers/registry';

type Services = Partial<Pick<CommandHost, 'controller' | 'settings' | 'tokens' | 'sessions' | 'savedQueries'>>;

function missing<T extends object>(name: string): T {
  return new Proxy({} as T, {
    get: (_target, property) => {
      throw new Error(`the test gave the command host no ${name} (asked for ${String(property)})`);
    },
  });
}

export function testCommandHost(services: Services, log?: Pick<RedactingLog, 'redact'>): CommandHost {
  return {
    controller: services.controller ?? missing('controller'),
    settings: services.settings ?? missing('settings'),
    tokens: services.tokens ?? missing('tokens'),
    sessions: services.sessions ?? missing('sessions'),
    savedQueries: services.savedQueries ?? missing('savedQueries'),
    providers: { PROVIDER_NAMES, PROVIDER_SUMMARIES, DEFAULT_BASE_URLS, TOKEN_ENVIRONMENT_VARIABLES, DEFAULT_FEED_INTERVALS_MS, MIN_INTERVAL_MS },
    launch: { launchConfirmation, SESSION_REGIONS, SESSION_TIMEOUT_RANGE },
    isAuthFailure: (error) => isProviderError(error) && error.kind === 'auth',
    redact: (text) => (log ? log.redact(text) : text),
  };
}
