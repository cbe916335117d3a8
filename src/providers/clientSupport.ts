/**
 * Small pieces every provider client shares: per-client request limits and the "route not offered"
 * result. Kept here so the Browserless, Cerebras, Prometheus, Browserbase and Northflank clients speak
 * the same shape to the poller.
 */
import { ProviderError } from '../http/errors';
import type { HttpRequest, HttpTimeouts } from '../http/httpClient';
import type { Reading } from './types';

/** Per-client overrides of the HttpClient defaults (tests use short ones; a huge /metrics may need more). */
export interface RequestLimits {
  readonly timeouts?: Partial<HttpTimeouts>;
  readonly maxBytes?: number;
}

/** Spreads only the limits that are set, so the HttpClient's own defaults apply otherwise. */
export function requestLimits(limits: RequestLimits): Pick<HttpRequest, 'timeouts' | 'maxBytes'> {
  return {
    ...(limits.timeouts ? { timeouts: limits.timeouts } : {}),
    ...(limits.maxBytes === undefined ? {} : { maxBytes: limits.maxBytes }),
  };
}

/**
 * The server answered, and said it does not have this feature (an old Browserless without /pressure,
 * a Cerebras organization without the Metrics API). A state to explain, not an error to retry.
 */
export interface NotOfferedReading extends Reading {
  readonly offered: false;
  readonly samples: readonly [];
  readonly notes: readonly string[];
}

export function notOfferedReading(fetchedAt: number, note: string): NotOfferedReading {
  return { offered: false, fetchedAt, samples: [], notes: [note] };
}

/**
 * Parses a user-typed base URL at configuration time, so a typo is a `request` error the settings UI
 * can show, not a TypeError at the first poll. The URL itself is not echoed: it may carry credentials.
 */
export function validBaseUrl(baseUrl: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new ProviderError('request', `The ${what} URL is not a valid URL (it must start with http:// or https://)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ProviderError('request', `The ${what} URL must start with http:// or https://`);
  return url;
}
