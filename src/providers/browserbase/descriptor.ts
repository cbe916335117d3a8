/** Browserbase: project usage, concurrency and sessions. Facts and sources: docs/providers.md#browserbase. */
import { defineProvider } from '../descriptor';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

export const BROWSERBASE_SERIES = {
  usage: {
    browserMinutes: 'browserbase.usage.browserMinutes',
    proxyBytes: 'browserbase.usage.proxyBytes',
  },
  /** Computed from the sessions list for the current billing cycle (see cycleFromSessions). */
  cycle: {
    browserMinutes: 'browserbase.cycle.browserMinutes',
    proxyBytes: 'browserbase.cycle.proxyBytes',
    sessions: 'browserbase.cycle.sessions',
  },
  project: { concurrencyLimit: 'browserbase.project.concurrencyLimit' },
  sessions: { running: 'browserbase.sessions.running' },
} as const;

const U = BROWSERBASE_SERIES.usage;
const C = BROWSERBASE_SERIES.cycle;

/** `project` is the connection's own project; `basis` was written by versions before 0.2. Neither identifies. */
const CONTEXT = ['project', 'basis'];

export const BROWSERBASE_DESCRIPTOR = defineProvider({
  id: 'browserbase',
  kind: 'browserbase',
  name: 'Browserbase',
  abbreviation: 'BB',
  summary: 'Project usage, concurrency and sessions',
  defaultBaseUrl: 'https://api.browserbase.com',
  tokenVariables: ['BROWSERBASE_API_KEY'],
  tokenOptional: false,
  feeds: [
    { name: 'usage', reads: 'GET /v1/projects/{id}/usage: browser minutes and proxy bytes as Browserbase reports them', intervalMs: 3 * MINUTE },
    { name: 'sessions', reads: 'GET /v1/sessions?status=RUNNING: sessions running now', intervalMs: MINUTE },
    // The plan's concurrency changes with the plan only.
    { name: 'project', reads: 'GET /v1/projects/{id}: the project’s concurrency limit', intervalMs: 30 * MINUTE },
    // Every session the API lists: heavier, and this cycle's figures move slowly.
    { name: 'billing', reads: 'GET /v1/sessions: this cycle’s sessions, for minutes and proxy bytes counted per session', intervalMs: 5 * MINUTE },
  ],
  minIntervalMs: 30 * SECOND,
  series: {
    [U.browserMinutes]: {
      label: 'browser minutes (reported)',
      unit: 'minutes',
      semantics: 'cycleUsage',
      context: CONTEXT,
      description:
        'Browser minutes as /v1/projects/{id}/usage reports them. The API does not say whether they cover the billing cycle or the project’s lifetime; the usageScope setting decides.',
    },
    [U.proxyBytes]: {
      label: 'proxy bytes (reported)',
      unit: 'bytes',
      semantics: 'cycleUsage',
      context: CONTEXT,
      description: 'Proxy traffic as /v1/projects/{id}/usage reports it, over the same undocumented period as the minutes.',
    },
    [C.browserMinutes]: {
      label: 'browser minutes this cycle (sessions)',
      unit: 'minutes',
      semantics: 'cycleUsage',
      context: CONTEXT,
      description: 'Minutes of the sessions started this billing cycle, each rounded up to a whole minute and at least one, as Browserbase bills them.',
    },
    [C.proxyBytes]: {
      label: 'proxy bytes this cycle (sessions)',
      unit: 'bytes',
      semantics: 'cycleUsage',
      context: CONTEXT,
      description: 'The `proxyBytes` of the sessions started this billing cycle, added up.',
    },
    [C.sessions]: {
      label: 'sessions this cycle',
      unit: 'count',
      semantics: 'gauge',
      context: CONTEXT,
      description: 'Sessions the API lists as started this billing cycle.',
    },
    [BROWSERBASE_SERIES.project.concurrencyLimit]: {
      label: 'concurrency limit',
      unit: 'count',
      semantics: 'gauge',
      context: CONTEXT,
      description: 'The project’s `concurrency`: sessions it may run at once; one more is refused with HTTP 429.',
    },
    [BROWSERBASE_SERIES.sessions.running]: {
      label: 'running sessions',
      unit: 'count',
      semantics: 'gauge',
      description: 'Sessions the API lists as RUNNING now.',
    },
  },
  quotas: [
    {
      id: 'browserMinutes',
      kind: 'cycleUsage',
      label: 'Browser minutes',
      reported: U.browserMinutes,
      fromSessions: C.browserMinutes,
      unit: 'minutes',
      limitSetting: 'monthlyBrowserMinutes',
      settingScale: 1,
      noun: 'browser minutes',
    },
    {
      id: 'proxyData',
      kind: 'cycleUsage',
      label: 'Proxy data',
      reported: U.proxyBytes,
      fromSessions: C.proxyBytes,
      unit: 'bytes',
      limitSetting: 'monthlyProxyGigabytes',
      // Providers bill data in decimal gigabytes.
      settingScale: 1e9,
      noun: 'proxy data',
    },
    {
      id: 'sessions',
      kind: 'ofLimit',
      label: 'Running sessions',
      value: BROWSERBASE_SERIES.sessions.running,
      limit: BROWSERBASE_SERIES.project.concurrencyLimit,
      atLimit: 'new sessions are refused with HTTP 429 until one is released',
      onlyOnceReported: true,
    },
  ],
  charts: [
    {
      key: 'browserMinutes',
      title: 'Browser minutes used this cycle',
      description: 'Browser minutes used in the current billing cycle, counted the way the quota counts them (its source is named above the chart).',
      series: [],
      fromQuota: 'browserMinutes',
      quota: 'browserMinutes',
      quotaLabel: 'allocation',
    },
    {
      key: 'sessions',
      title: 'Running sessions',
      description: 'Sessions running in the project.',
      series: [BROWSERBASE_SERIES.sessions.running],
      quota: 'sessions',
    },
    {
      key: 'proxyData',
      title: 'Proxy data used this cycle',
      description: 'Proxy data used in the current billing cycle, counted the way the quota counts it.',
      series: [],
      fromQuota: 'proxyData',
      quota: 'proxyData',
      quotaLabel: 'allocation',
    },
    {
      key: 'reportedMinutes',
      title: 'Browser minutes as reported',
      description: 'The figure /usage reports, whatever period it covers (see the usage scope in the quota detail).',
      series: [U.browserMinutes],
      primary: false,
    },
    {
      key: 'reportedProxy',
      title: 'Proxy data as reported',
      description: 'The proxy bytes /usage reports, whatever period they cover.',
      series: [U.proxyBytes],
      primary: false,
    },
    {
      key: 'cycleMinutes',
      title: 'Browser minutes this cycle, from the sessions list',
      description: 'Each session started this cycle, rounded up to the minute, added up at every poll.',
      series: [C.browserMinutes],
      primary: false,
    },
  ],
  figures: [
    { id: 'browserMinutes', label: 'Browser minutes', short: 'min', source: { quota: 'browserMinutes' }, chart: 'browserMinutes' },
    { id: 'proxyData', label: 'Proxy data', short: 'proxy', source: { quota: 'proxyData' }, chart: 'proxyData' },
    { id: 'sessions', label: 'Running sessions', short: 'sessions', source: { quota: 'sessions' }, chart: 'sessions' },
  ],
  statusBar: { figure: 'browserMinutes' },
  sparkline: { figure: 'browserMinutes', windowMs: 24 * HOUR, bucketMs: 15 * MINUTE, label: 'browser minutes used this cycle, last 24 hours' },
});
