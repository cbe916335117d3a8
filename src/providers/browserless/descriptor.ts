/**
 * Browserless (v2: hosted and the open-source server; v1: the legacy generation). Facts and sources:
 * docs/providers.md#browserless.
 */
import { defineProvider, type ChartSpec, type FigureSpec, type ProviderDescriptor, type QuotaRuleSpec, type SeriesSpec } from '../descriptor';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
/** Both generations roll their statistics up every 5 minutes (`metricsSaveInterval`). */
export const BROWSERLESS_PERIOD_MS = 5 * MINUTE;

/** Stable series ids, so history, charts and quota rules agree on names. */
export const BROWSERLESS_SERIES = {
  pressure: {
    running: 'browserless.pressure.running',
    queued: 'browserless.pressure.queued',
    maxConcurrent: 'browserless.pressure.maxConcurrent',
    maxQueued: 'browserless.pressure.maxQueued',
    recentlyRejected: 'browserless.pressure.recentlyRejected',
    cpu: 'browserless.pressure.cpu',
    memory: 'browserless.pressure.memory',
    isAvailable: 'browserless.pressure.isAvailable',
  },
  metrics: {
    successful: 'browserless.metrics.successful',
    error: 'browserless.metrics.error',
    timedout: 'browserless.metrics.timedout',
    queued: 'browserless.metrics.queued',
    rejected: 'browserless.metrics.rejected',
    unauthorized: 'browserless.metrics.unauthorized',
    unhealthy: 'browserless.metrics.unhealthy',
    running: 'browserless.metrics.running',
    maxConcurrent: 'browserless.metrics.maxConcurrent',
    sessions: 'browserless.metrics.sessions',
    units: 'browserless.metrics.units',
    meanTime: 'browserless.metrics.meanTime',
    maxTime: 'browserless.metrics.maxTime',
    minTime: 'browserless.metrics.minTime',
    totalTime: 'browserless.metrics.totalTime',
    cpu: 'browserless.metrics.cpu',
    memory: 'browserless.metrics.memory',
  },
  total: {
    successful: 'browserless.total.successful',
    error: 'browserless.total.error',
    timedout: 'browserless.total.timedout',
    queued: 'browserless.total.queued',
    rejected: 'browserless.total.rejected',
    unhealthy: 'browserless.total.unhealthy',
    maxConcurrent: 'browserless.total.maxConcurrent',
    sessions: 'browserless.total.sessions',
    units: 'browserless.total.units',
    estimatedMonthlyUnits: 'browserless.total.estimatedMonthlyUnits',
    minutesOfMetricsAvailable: 'browserless.total.minutesOfMetricsAvailable',
    meanTime: 'browserless.total.meanTime',
    maxTime: 'browserless.total.maxTime',
    totalTime: 'browserless.total.totalTime',
  },
} as const;

const P = BROWSERLESS_SERIES.pressure;
const M = BROWSERLESS_SERIES.metrics;
const T = BROWSERLESS_SERIES.total;

const gauge = (label: string, description: string, unit: SeriesSpec['unit'] = 'count'): SeriesSpec => ({ label, unit, semantics: 'gauge', description });
const perPeriod = (label: string, description: string, unit: SeriesSpec['unit'] = 'count'): SeriesSpec => ({
  label,
  unit,
  semantics: 'windowCount',
  windowMs: BROWSERLESS_PERIOD_MS,
  description,
});
/** /metrics/total sums every stored period: a running total that starts again when the server restarts. */
const total = (label: string, description: string, unit: SeriesSpec['unit'] = 'count'): SeriesSpec => ({
  label,
  unit,
  semantics: 'counter',
  rate: 'minute',
  description: `${description} Summed over every 5-minute period the server keeps; starts again from zero when the server restarts.`,
});

const PRESSURE_SERIES = {
  [P.running]: gauge('running sessions', 'Browser sessions running now (/pressure).'),
  [P.queued]: gauge('queued requests', 'Requests waiting for a free browser now.'),
  [P.maxConcurrent]: gauge('concurrency limit', 'Sessions the server runs at once (its CONCURRENT setting).'),
  [P.maxQueued]: gauge('queue limit', 'Requests the server lets wait before answering 429 (its QUEUED setting).'),
  [P.recentlyRejected]: gauge('recently rejected', 'Requests answered 429 so far in the current, unfinished 5-minute period.'),
  [P.cpu]: gauge('CPU', 'CPU use of the server as an integer percentage (/pressure sends 0..100).', 'percent'),
  [P.memory]: gauge('memory', 'Memory use of the server as an integer percentage (/pressure sends 0..100).', 'percent'),
  [P.isAvailable]: {
    label: 'accepting sessions',
    unit: 'state',
    semantics: 'boolean',
    // `reason` explains a No; it changes with the state and must never split the series.
    context: ['reason'],
    description: 'Whether the server takes new sessions: No when concurrency and queue are full or a CPU/memory health check failed (`reason`).',
  },
} as const satisfies Record<string, SeriesSpec>;

const PERIOD_SERIES_COMMON = {
  [M.successful]: perPeriod('successful', 'Sessions that finished normally in the 5-minute period.'),
  [M.error]: perPeriod('errors', 'Sessions that ended in an error in the period.'),
  [M.timedout]: perPeriod('timed out', 'Sessions stopped at their timeout in the period.'),
  [M.queued]: perPeriod('queued', 'Requests that had to wait in the period.'),
  [M.rejected]: perPeriod('rejected', 'Requests answered 429 in the period.'),
  [M.unhealthy]: perPeriod('unhealthy', 'Requests refused by a health check in the period (never counted by the open-source server).'),
  [M.running]: gauge('running at roll-up', 'Sessions running at the moment the period was saved; -1 from a known server bug is withheld.'),
  [M.maxConcurrent]: gauge('peak concurrency', 'The most sessions running at once during the period (not the configured limit).'),
  [M.sessions]: perPeriod('sessions ended', 'Sessions that ended in the period (the length of `sessionTimes`).'),
  [M.units]: perPeriod('units', 'Billing units used in the period: one per started 30 seconds of each session.', 'units'),
  [M.meanTime]: gauge('mean session time', 'Mean length of the sessions that ended in the period.', 'milliseconds'),
  [M.maxTime]: gauge('longest session', 'Longest session that ended in the period.', 'milliseconds'),
  [M.minTime]: gauge('shortest session', 'Shortest session that ended in the period.', 'milliseconds'),
  [M.totalTime]: perPeriod('browser time', 'Summed length of the sessions that ended in the period.', 'milliseconds'),
  [M.cpu]: gauge('CPU at roll-up', 'CPU use when the period was saved (/metrics sends a 0..1 fraction; shown as a percentage).', 'percent'),
  [M.memory]: gauge('memory at roll-up', 'Memory use when the period was saved (a 0..1 fraction on this route; shown as a percentage).', 'percent'),
} as const satisfies Record<string, SeriesSpec>;

const TOTAL_SERIES = {
  [T.successful]: total('successful', 'Sessions that finished normally.'),
  [T.error]: total('errors', 'Sessions that ended in an error.'),
  [T.timedout]: total('timed out', 'Sessions stopped at their timeout.'),
  [T.queued]: total('queued', 'Requests that had to wait.'),
  [T.rejected]: total('rejected', 'Requests answered 429.'),
  [T.unhealthy]: total('unhealthy', 'Requests refused by a health check.'),
  [T.maxConcurrent]: gauge('peak concurrency (all periods)', 'The most sessions running at once in any stored period.'),
  [T.sessions]: total('sessions ended', 'Sessions that ended.'),
  [T.units]: total('units', 'Billing units used.', 'units'),
  [T.estimatedMonthlyUnits]: gauge(
    'estimated monthly units',
    'The server’s own extrapolation of a month of units; rough until it has an hour of history.',
    'units',
  ),
  [T.minutesOfMetricsAvailable]: gauge('minutes of history', 'How much history the totals cover.', 'minutes'),
  [T.meanTime]: gauge('mean session time (all periods)', 'Mean of the periods’ mean session times, as the server computes it.', 'milliseconds'),
  [T.maxTime]: gauge('longest session (all periods)', 'Longest session in any stored period.', 'milliseconds'),
  [T.totalTime]: total('browser time', 'Summed length of all sessions.', 'milliseconds'),
} as const satisfies Record<string, SeriesSpec>;

const QUOTAS = [
  { id: 'concurrency', kind: 'ofLimit', label: 'Concurrent sessions', value: P.running, limit: P.maxConcurrent },
  { id: 'queue', kind: 'queue', label: 'Queue', value: P.queued, limit: P.maxQueued },
  {
    id: 'availability',
    kind: 'availability',
    label: 'Availability',
    value: P.isAvailable,
    reasonLabel: 'reason',
    reasons: {
      full: 'concurrency and queue are full: new requests get HTTP 429',
      cpu: 'its CPU health check failed: new requests get HTTP 429',
      memory: 'its memory health check failed: new requests get HTTP 429',
    },
  },
  { id: 'rejections', kind: 'recentCount', label: 'Rejected requests', value: P.recentlyRejected, window: 'in the current 5-minute window' },
] as const satisfies readonly QuotaRuleSpec<string>[];

const CHARTS = [
  {
    key: 'concurrency',
    title: 'Concurrent sessions',
    description: 'Browser sessions running and waiting in the queue, from the pressure endpoint.',
    series: [P.running, P.queued],
    names: { [P.running]: 'running', [P.queued]: 'queued' },
    quota: 'concurrency',
  },
  {
    key: 'outcomes',
    title: 'Sessions by outcome',
    description: 'Sessions per 5-minute period by how they ended.',
    series: [M.successful, M.error, M.timedout, M.rejected],
    names: { [M.successful]: 'successful', [M.error]: 'error', [M.timedout]: 'timed out', [M.rejected]: 'rejected' },
  },
  {
    key: 'resources',
    title: 'CPU and memory',
    description: 'CPU and memory use of the Browserless server.',
    series: [P.cpu, P.memory],
    names: { [P.cpu]: 'CPU', [P.memory]: 'memory' },
  },
  {
    key: 'rejections',
    title: 'Recently rejected requests',
    description: 'Requests answered 429 so far in the 5-minute period under way, at each poll.',
    series: [P.recentlyRejected],
    primary: false,
  },
  {
    key: 'availability',
    title: 'Accepting sessions',
    description: 'Whether the server took new sessions (Yes) or answered 429 (No).',
    series: [P.isAvailable],
    primary: false,
  },
  {
    key: 'sessionTime',
    title: 'Session time',
    description: 'Mean, shortest and longest session per 5-minute period.',
    series: [M.meanTime, M.minTime, M.maxTime],
    names: { [M.meanTime]: 'mean', [M.minTime]: 'min', [M.maxTime]: 'max' },
    primary: false,
  },
  {
    key: 'units',
    title: 'Units used',
    description: 'Billing units per 5-minute period (one per started 30 seconds of browser time).',
    series: [M.units],
    primary: false,
  },
  {
    key: 'totals',
    title: 'Sessions per minute (from the totals)',
    description: 'The running totals of /metrics/total as a rate per minute; a server restart is counted as a reset, as Prometheus’ rate() does.',
    series: [T.successful, T.error, T.timedout, T.rejected],
    names: { [T.successful]: 'successful', [T.error]: 'error', [T.timedout]: 'timed out', [T.rejected]: 'rejected' },
    primary: false,
  },
] as const satisfies readonly ChartSpec<string>[];

const FIGURES = [
  { id: 'concurrency', label: 'Concurrent sessions', short: 'sessions', source: { quota: 'concurrency' }, chart: 'concurrency' },
  { id: 'queue', label: 'Queue', short: 'queued', source: { quota: 'queue' }, chart: 'concurrency' },
  { id: 'availability', label: 'Accepting sessions', short: 'accepting', source: { quota: 'availability' }, chart: 'availability' },
  { id: 'rejections', label: 'Rejected requests', short: 'rejected', source: { quota: 'rejections' }, chart: 'rejections' },
] as const satisfies readonly FigureSpec<string>[];

const COMMON = {
  kind: 'browserless',
  abbreviation: 'BL',
  tokenVariables: ['BROWSERLESS_TOKEN', 'BROWSERLESS_API_KEY'],
  tokenOptional: true,
  feeds: [
    { name: 'pressure', reads: '/pressure: live concurrency, queue, CPU, memory', intervalMs: 15 * SECOND },
    // Periods close every 5 minutes: fetching more often only downloads the same body again.
    { name: 'metrics', reads: '/metrics: finished 5-minute periods', intervalMs: 5 * MINUTE },
    // /metrics/total carries every stored session time: heavy and slow-moving.
    { name: 'total', reads: '/metrics/total (v1: /metrics/all): totals over every stored period', intervalMs: 15 * MINUTE },
  ],
  minIntervalMs: 5 * SECOND,
  quotas: QUOTAS,
  charts: CHARTS,
  // The queue figure is the concurrency chart's second line.
  figures: FIGURES,
  statusBar: { figure: 'concurrency', appendWhenPositive: { figure: 'queue', words: 'queued' } },
  sparkline: { figure: 'concurrency', windowMs: 60 * MINUTE, label: 'running sessions, last hour' },
} as const;

export const BROWSERLESS_DESCRIPTOR = defineProvider({
  ...COMMON,
  id: 'browserless',
  name: 'Browserless',
  summary: 'Pressure, 5-minute metrics and totals of a Browserless server (cloud or self-hosted, v2 or v1)',
  defaultBaseUrl: 'https://production-sfo.browserless.io',
  series: {
    ...PRESSURE_SERIES,
    ...PERIOD_SERIES_COMMON,
    [M.unauthorized]: perPeriod('unauthorized', 'Requests refused for a missing or wrong token in the period (v2 only).'),
    ...TOTAL_SERIES,
  },
});

/** v1 (1.61): the same routes, no `unauthorized` count, and each period dated by its start. */
export const BROWSERLESS_V1_DESCRIPTOR = defineProvider({
  ...COMMON,
  id: 'browserlessV1',
  name: 'Browserless v1',
  summary: 'A Browserless v1 server: pressure, 5-minute metrics and totals',
  defaultBaseUrl: 'https://chrome.browserless.io',
  series: { ...PRESSURE_SERIES, ...PERIOD_SERIES_COMMON, ...TOTAL_SERIES },
}) satisfies ProviderDescriptor;
