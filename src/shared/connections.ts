/**
 * A connection as the user configures it (setting `liveUsage.connections`). No secrets here: the
 * token of a connection lives in SecretStorage under its `id`. Shared by host and webviews.
 */
import type { ProviderKind } from '../providers/types';

export type { ProviderKind };

/** Whether Browserbase's reported usage covers the billing cycle or the project's lifetime. */
export type UsageScope = 'billingCycle' | 'lifetime' | 'auto';

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
  /**
   * Browserbase: what the reported usage covers. `auto` (default) infers it from whether the figure
   * drops at a cycle boundary, or how it compares with this cycle's sessions, and says why.
   */
  readonly usageScope?: UsageScope;
  /**
   * Browserbase: a session still running after this many minutes (keep-alive ones included) is a
   * runaway: one notification, and a mark in the status bar tooltip, the card and the sessions table.
   * Default 30.
   */
  readonly runawaySessionMinutes?: number;
  /** Cerebras organization id (`org_…`). */
  readonly organizationId?: string;
  /** Overrides the provider's default poll interval, in seconds. */
  readonly pollIntervalSeconds?: number;
  readonly quota?: QuotaSettings;
  /** Set false to keep a connection without polling it. */
  readonly enabled?: boolean;
}

// Provider names, default URLs and token variables are derived from the descriptors: src/providers/registry.ts.
