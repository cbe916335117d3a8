/** What every provider client has in common. Provider-specific results extend `Reading`. */
import type { RateLimitInfo } from '../http/errors';
import type { RunningSession } from '../shared/runawaySessions';
import type { Sample } from '../shared/samples';

export type ProviderKind = 'browserless' | 'browserbase' | 'northflank' | 'cerebras' | 'prometheus' | 'prometheusQuery';

/** The providers the team exporter polls, and a Prometheus query connection can read back. */
export type ExportableKind = 'browserless' | 'browserbase' | 'northflank' | 'cerebras';
export const EXPORTABLE_KINDS: readonly ExportableKind[] = ['browserless', 'browserbase', 'northflank', 'cerebras'];

/** The common part of every client's configuration. The token comes from SecretStorage, never settings. */
export interface ClientTarget {
  /** Base URL chosen by the user (hosted, regional, self-hosted or a local test server). */
  readonly baseUrl: string;
  readonly token?: string;
}

/** One fetch's normalized result. */
export interface Reading {
  readonly fetchedAt: number;
  readonly samples: readonly Sample[];
  /** The provider's request budget, when its headers report one (Northflank, Browserbase). */
  readonly rateLimit?: RateLimitInfo;
  /** Plain-words notes for the user, e.g. "metrics not enabled for this organization". */
  readonly notes?: readonly string[];
  /** The sessions running now, one by one, when the feed lists them (Browserbase): runaways are found in them. */
  readonly running?: readonly RunningSession[];
}

export interface CallOptions {
  readonly signal?: AbortSignal;
}

/** Joins a base URL (with or without trailing slash or path prefix) and an API path. */
export function joinUrl(baseUrl: string, path: string): URL {
  const base = new URL(baseUrl);
  const prefix = base.pathname.replace(/\/+$/, '');
  const suffix = path.startsWith('/') ? path : `/${path}`;
  base.pathname = `${prefix}${suffix}`;
  base.search = '';
  base.hash = '';
  return base;
}
