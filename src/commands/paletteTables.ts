/**
 * The main bundle's side of what CommandHost lends besides services: the registry's tables, the
 * launch limits and the auth check, built from the main bundle's own modules (one registry, one
 * ProviderError class). The container spreads this into the host; tests build theirs from it too.
 */
import { launchConfirmation, SESSION_REGIONS, SESSION_TIMEOUT_RANGE } from '../browserbase/sessionService';
import { isProviderError } from '../http/errors';
import {
  DEFAULT_BASE_URLS,
  DEFAULT_FEED_INTERVALS_MS,
  MIN_INTERVAL_MS,
  PROVIDER_NAMES,
  PROVIDER_SUMMARIES,
  TOKEN_ENVIRONMENT_VARIABLES,
} from '../providers/registry';
import type { CommandHost } from './commandHost';

export const PALETTE_TABLES: Pick<CommandHost, 'providers' | 'launch' | 'isAuthFailure'> = {
  providers: { PROVIDER_NAMES, PROVIDER_SUMMARIES, DEFAULT_BASE_URLS, TOKEN_ENVIRONMENT_VARIABLES, DEFAULT_FEED_INTERVALS_MS, MIN_INTERVAL_MS },
  launch: { launchConfirmation, SESSION_REGIONS, SESSION_TIMEOUT_RANGE },
  isAuthFailure: (error) => isProviderError(error) && error.kind === 'auth',
};
