/**
 * The one series a sidebar card draws as its sparkline, per provider, and over what window. The host
 * reads just that series from history; the webview combines its label sets into one line.
 */
import type { ProviderKind } from './connections';

export interface Headline {
  /** Undefined for Prometheus: its first series, whatever it is. */
  readonly series?: string;
  readonly label: string;
  /** How label sets at the same time combine (containers: the busiest; endpoints: the total). */
  readonly combine: 'sum' | 'max' | 'first';
  readonly windowMs: number;
  readonly bucketMs?: number;
  /** A running total: a bucket is read by its newest value. */
  readonly cumulative?: boolean;
}

const HOUR = 60 * 60 * 1000;

export const HEADLINES: Readonly<Record<ProviderKind, Headline>> = {
  browserless: { series: 'browserless.pressure.running', label: 'running sessions, last hour', combine: 'sum', windowMs: HOUR },
  browserbase: {
    series: 'browserbase.usage.browserMinutes',
    label: 'browser minutes, last 24 hours',
    combine: 'sum',
    windowMs: 24 * HOUR,
    bucketMs: 15 * 60_000,
    cumulative: true,
  },
  northflank: { series: 'northflank.cpu', label: 'CPU of the busiest container, last hour', combine: 'max', windowMs: HOUR },
  cerebras: { series: 'cerebras.requests.count', label: 'requests per minute, all endpoints, last hour', combine: 'sum', windowMs: HOUR },
  prometheus: { label: 'last hour', combine: 'first', windowMs: HOUR },
};
