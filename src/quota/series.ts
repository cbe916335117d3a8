/**
 * Stable rule ids: notifications, snoozes and "don't show again" are keyed by them, so never rename
 * one. Which series each rule reads is its provider descriptor's business (src/providers/<id>/descriptor.ts).
 */
import type { QuotaRuleId } from '../providers/descriptor';

export const QUOTA_RULE_IDS = {
  browserMinutes: 'browserMinutes',
  proxyData: 'proxyData',
  sessions: 'sessions',
  concurrency: 'concurrency',
  queue: 'queue',
  availability: 'availability',
  rejections: 'rejections',
  failureRate: 'failureRate',
  p95Latency: 'p95Latency',
  endpointStatus: 'endpointStatus',
  cpu: 'cpu',
  memory: 'memory',
} as const satisfies Readonly<Record<QuotaRuleId, QuotaRuleId>>;

export type { QuotaRuleId };
