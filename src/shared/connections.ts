/**
 * A connection as the user configures it (setting `liveUsage.connections`). No secrets here: the
 * token of a connection lives in SecretStorage under its `id`. Shared by host and webviews.
 */
import type { ProviderKind } from '../providers/types';

export type { ProviderKind };

export interface QuotaSettings {
  /** Warn at this percentage of a limit (default 75). */
  readonly warnPercent?: number;
  /** Critical at this percentage of a limit (default 90). */
  readonly criticalPercent?: number;
  /** Browserbase: browser minutes included per billing cycle (plan allocation). */
  readonly monthlyBrowserMinutes?: number;
  /** Browserbase: proxy gigabytes included per billing cycle. */
  readonly monthlyProxyGigabytes?: number;
  /** Browserbase: day of month (1–28) the billing cycle starts (default 1). */
  readonly billingCycleDay?: number;
  /** Cerebras: failure-rate percentage treated as the limit (default 5). */
  readonly failureRatePercent?: number;
  /** Cerebras: p95 end-to-end latency in seconds treated as the limit (default 10). */
  readonly p95LatencySeconds?: number;
  /** Northflank: CPU limit in vCPU for the service (when metrics come in vCPU, not percent). */
  readonly cpuLimitVcpu?: number;
  /** Northflank: memory limit in MB for the service (metrics come in MB). */
  readonly memoryLimitMegabytes?: number;
}

export interface ConnectionConfig {
  /** Stable id (letters, digits, `-`, `_`); also the SecretStorage key suffix. */
  readonly id: string;
  readonly kind: ProviderKind;
  readonly label: string;
  readonly baseUrl: string;
  /** Browserless: which server generation (default v2). */
  readonly browserlessVersion?: 'v2' | 'v1';
  /** Browserless: where the token goes (default `query` for hosted, as its docs say). */
  readonly authMode?: 'query' | 'bearer' | 'basic';
  /** Browserbase project id, or Northflank project id. */
  readonly projectId?: string;
  /** Northflank: what is monitored (default service) and its id. */
  readonly resourceKind?: 'service' | 'job' | 'addon';
  readonly resourceId?: string;
  /** Cerebras organization id (`org_…`). */
  readonly organizationId?: string;
  /** Overrides the provider's default poll interval, in seconds. */
  readonly pollIntervalSeconds?: number;
  readonly quota?: QuotaSettings;
  /** Set false to keep a connection without polling it. */
  readonly enabled?: boolean;
}

/** Environment variables a provider's own tools read, used when no token is stored. */
export const TOKEN_ENVIRONMENT_VARIABLES: Readonly<Record<ProviderKind, readonly string[]>> = {
  browserless: ['BROWSERLESS_TOKEN', 'BROWSERLESS_API_KEY'],
  browserbase: ['BROWSERBASE_API_KEY'],
  northflank: ['NORTHFLANK_API_TOKEN', 'NF_API_TOKEN'],
  cerebras: ['CEREBRAS_API_KEY'],
  prometheus: [],
};

export const DEFAULT_BASE_URLS: Readonly<Record<ProviderKind, string>> = {
  browserless: 'https://production-sfo.browserless.io',
  browserbase: 'https://api.browserbase.com',
  northflank: 'https://api.northflank.com',
  cerebras: 'https://cloud.cerebras.ai',
  prometheus: 'http://localhost:9090/metrics',
};

export const PROVIDER_NAMES: Readonly<Record<ProviderKind, string>> = {
  browserless: 'Browserless',
  browserbase: 'Browserbase',
  northflank: 'Northflank',
  cerebras: 'Cerebras',
  prometheus: 'Prometheus',
};
