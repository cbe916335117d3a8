/**
 * The series ids the quota rules and the status bar read, in one block. They restate the provider
 * normalizers' ids instead of importing them so this module (and the webviews that reuse the status bar
 * formatters) do not pull in provider code, zod schemas or the HTTP layer. `test/unit/quota/series.test.ts`
 * checks them against the normalizers, so a rename there fails a test here.
 */

export const QUOTA_SERIES = {
  browserless: {
    running: 'browserless.pressure.running',
    maxConcurrent: 'browserless.pressure.maxConcurrent',
    queued: 'browserless.pressure.queued',
    maxQueued: 'browserless.pressure.maxQueued',
    recentlyRejected: 'browserless.pressure.recentlyRejected',
    cpu: 'browserless.pressure.cpu',
    memory: 'browserless.pressure.memory',
    isAvailable: 'browserless.pressure.isAvailable',
  },
  browserbase: {
    browserMinutes: 'browserbase.usage.browserMinutes',
    proxyBytes: 'browserbase.usage.proxyBytes',
    concurrencyLimit: 'browserbase.project.concurrencyLimit',
    // Provisional: no client emits a running-session count yet. The rule stays silent until one does.
    runningSessions: 'browserbase.sessions.running',
  },
  cerebras: {
    endpointStatus: 'cerebras.endpoint.status',
    requests: 'cerebras.requests.count',
    failures: 'cerebras.requests.failure',
    e2eLatency: 'cerebras.latency.e2e',
  },
  northflank: {
    cpu: 'northflank.cpu',
    memory: 'northflank.memory',
  },
} as const;

/** Stable rule ids: notifications, snoozes and "don't show again" are keyed by them, so never rename one. */
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
} as const;

export type QuotaRuleId = (typeof QUOTA_RULE_IDS)[keyof typeof QUOTA_RULE_IDS];
