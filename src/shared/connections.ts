/**
 * A connection as the user configures it (setting `liveUsage.connections`). No secrets here: the
 * token of a connection lives in SecretStorage under its `id`. Shared by host and webviews.
 */
import type { ExportableKind, ProviderKind } from '../providers/types';
import type { KnownUnit } from './samples';

export type { ExportableKind, ProviderKind };

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

/** Every quota setting's name (the exporter publishes them; a Prometheus query connection reads them back). */
export const QUOTA_SETTING_NAMES = [
  'warnPercent',
  'criticalPercent',
  'monthlyBrowserMinutes',
  'monthlyProxyGigabytes',
  'billingCycleDay',
  'failureRatePercent',
  'p95LatencySeconds',
  'cpuLimitVcpu',
  'memoryLimitMegabytes',
] as const satisfies readonly (keyof QuotaSettings)[];

/** An ad-hoc PromQL panel of a Prometheus query connection: a query, what its numbers are, a limit. */
export interface QueryPanel {
  /** Names the panel's chart and card line; unique within the connection. */
  readonly title: string;
  /** An instant query; its result series are drawn as lines (labels tell them apart). */
  readonly query: string;
  readonly unit?: KnownUnit;
  /** The limit: the highest result is compared with it at the connection's warning and critical percentages. */
  readonly threshold?: number;
}

export interface ConnectionConfig {
  /** Stable id (letters, digits, `-`, `_`); also the SecretStorage key suffix. */
  readonly id: string;
  readonly kind: ProviderKind;
  readonly label: string;
  readonly baseUrl: string;
  /** Browserless: which server generation (default v2). */
  readonly browserlessVersion?: 'v2' | 'v1';
  /**
   * Browserless: where the token goes (default `query` for hosted, as its docs say). Prometheus query
   * connections: `bearer` (default) or `basic` (with `username`; the token is the password).
   */
  readonly authMode?: 'query' | 'bearer' | 'basic';
  /** Prometheus query connections with basic auth: the user name. */
  readonly username?: string;
  /**
   * Prometheus query connections: the team exporter's connection to read (its `connection` label)
   * and that connection's provider. Shown like a direct connection of that provider.
   */
  readonly exportedConnection?: string;
  readonly exportedKind?: ExportableKind;
  /** Prometheus query connections: ad-hoc PromQL panels. */
  readonly queries?: readonly QueryPanel[];
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
