/**
 * Cerebras organization metrics (Prometheus text, private preview). Every family, even one named
 * `_total`, is a gauge over the last complete minute: no rate() logic applies. Facts and sources:
 * docs/providers.md#cerebras.
 */
import { defineProvider, type ResolvedSeries, type SeriesSpec } from '../descriptor';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
export const CEREBRAS_WINDOW_MS = MINUTE;

export const CEREBRAS_SERIES = {
  endpointStatus: 'cerebras.endpoint.status',
  requests: 'cerebras.requests.count',
  requestsSuccess: 'cerebras.requests.success',
  requestsFailure: 'cerebras.requests.failure',
  inputTokens: 'cerebras.tokens.input',
  outputTokens: 'cerebras.tokens.output',
  cacheReads: 'cerebras.cache.reads',
  cacheRate: 'cerebras.cache.rate',
  queueTime: 'cerebras.latency.queueTime',
  e2eLatency: 'cerebras.latency.e2e',
  ttft: 'cerebras.latency.ttft',
  tpot: 'cerebras.latency.tpot',
  generationLatency: 'cerebras.latency.generation',
} as const;

const S = CEREBRAS_SERIES;

const perMinute = (label: string, description: string, unit: SeriesSpec['unit'] = 'count'): SeriesSpec => ({
  label,
  unit,
  semantics: 'windowCount',
  windowMs: CEREBRAS_WINDOW_MS,
  description,
});
const latency = (label: string, description: string): SeriesSpec => ({
  label,
  unit: 'seconds',
  semantics: 'gauge',
  description: `${description} One value per statistic (avg, p50, p90, p95, p99) per endpoint, over the last complete minute.`,
});

/** A family Cerebras added after this list: kept and shown under "Other values", not guessed at. */
function resolveUnknown(series: string): ResolvedSeries | undefined {
  if (!series.startsWith('cerebras.')) return undefined;
  return { known: false, spec: perMinute(series.slice('cerebras.'.length), 'A family this version of Live Usage does not know yet.', 'none') };
}

export const CEREBRAS_DESCRIPTOR = defineProvider({
  id: 'cerebras',
  kind: 'cerebras',
  name: 'Cerebras',
  abbreviation: 'CB',
  summary: 'Organization metrics: requests, failures, tokens, latency percentiles',
  defaultBaseUrl: 'https://cloud.cerebras.ai',
  tokenVariables: ['CEREBRAS_API_KEY'],
  tokenOptional: false,
  feeds: [{ name: 'metrics', reads: 'GET /api/v1/metrics/organizations/{id}: the last complete minute', intervalMs: MINUTE }],
  // 6 requests a minute per organization, shared with the user's own tools.
  minIntervalMs: 30 * SECOND,
  series: {
    [S.endpointStatus]: {
      label: 'endpoint status',
      unit: 'state',
      semantics: 'state',
      states: { '-1': 'unknown', '0': 'down', '1': 'up' },
      description: 'Status of each dedicated endpoint: 1 up, 0 down, -1 when Cerebras could not determine it.',
    },
    [S.requests]: perMinute('requests', 'Requests to the endpoint in the last complete minute.'),
    [S.requestsSuccess]: perMinute('successful requests', 'Requests that succeeded in the minute.'),
    [S.requestsFailure]: perMinute('failed requests', 'Requests that failed in the minute, by HTTP status (`code`).'),
    [S.inputTokens]: perMinute('input tokens', 'Prompt tokens of the minute’s successful requests.', 'tokens'),
    [S.outputTokens]: perMinute('output tokens', 'Generated tokens of the minute’s successful requests.', 'tokens'),
    // The reference does not name a unit; tokens, like the families beside it.
    [S.cacheReads]: perMinute('cache reads', 'Prompt tokens served from the cache in the minute.', 'tokens'),
    // Scale not documented (0..1 or percent): kept as sent rather than rescaled on a guess.
    [S.cacheRate]: { label: 'cache rate', unit: 'ratio', semantics: 'gauge', description: 'Share of input tokens served from the prompt cache.' },
    [S.queueTime]: latency('queue time', 'Time requests waited before processing.'),
    [S.e2eLatency]: latency('end-to-end latency', 'Time from request to last token.'),
    [S.ttft]: latency('time to first token', 'Time to the first generated token.'),
    [S.tpot]: latency('time per output token', 'Time per generated token.'),
    [S.generationLatency]: latency('generation latency', 'Time spent generating.'),
  },
  resolve: resolveUnknown,
  quotas: [
    {
      id: 'failureRate',
      kind: 'failureRate',
      label: 'Failure rate',
      requests: S.requests,
      failures: S.requestsFailure,
      limitSetting: 'failureRatePercent',
      defaultLimit: 5,
    },
    {
      id: 'p95Latency',
      kind: 'slowest',
      label: 'p95 latency',
      value: S.e2eLatency,
      statistic: 'p95',
      limitSetting: 'p95LatencySeconds',
      defaultLimit: 10,
      what: 'p95 end-to-end latency',
    },
    { id: 'endpointStatus', kind: 'endpointStatus', label: 'Endpoint status', value: S.endpointStatus },
  ],
  charts: [
    {
      key: 'requests',
      title: 'Requests per minute',
      description: 'Requests per minute per endpoint, and all endpoints together.',
      series: [S.requests],
      total: 'all endpoints',
    },
    {
      key: 'failureRate',
      title: 'Failure rate',
      description: 'Share of requests that failed in each minute, all endpoints together.',
      series: [],
      ratio: { numerator: S.requestsFailure, denominator: S.requests, name: 'failed' },
      quota: 'failureRate',
      quotaLabel: 'limit',
    },
    {
      key: 'e2e',
      title: 'End-to-end latency',
      description: 'End-to-end latency per minute: average and percentiles.',
      series: [S.e2eLatency],
      splitBy: 'endpoint',
      quota: 'p95Latency',
      quotaLabel: 'p95 limit',
    },
    {
      key: 'failures',
      title: 'Failed requests per minute',
      description: 'Failed requests per minute by endpoint and HTTP status.',
      series: [S.requestsFailure],
    },
    {
      key: 'tokens',
      title: 'Tokens per minute',
      description: 'Input and output tokens per minute per endpoint.',
      series: [S.inputTokens, S.outputTokens],
      names: { [S.inputTokens]: 'input', [S.outputTokens]: 'output' },
    },
    {
      key: 'status',
      title: 'Endpoint status',
      description: 'Status of each endpoint per minute: up, down or unknown.',
      series: [S.endpointStatus],
      primary: false,
    },
    ...(
      [
        ['ttft', 'Time to first token', S.ttft],
        ['queueTime', 'Queue time', S.queueTime],
        ['generation', 'Generation latency', S.generationLatency],
        ['tpot', 'Time per output token', S.tpot],
      ] as const
    ).map(([key, title, series]) => ({
      key,
      title,
      description: `${title} per minute: average and percentiles.`,
      series: [series],
      splitBy: 'endpoint',
      primary: false,
    })),
  ],
  figures: [
    { id: 'requests', label: 'Requests per minute', short: 'req/min', source: { sum: S.requests }, chart: 'requests' },
    { id: 'failureRate', label: 'Failure rate', short: 'failed', source: { quota: 'failureRate' }, chart: 'failureRate' },
    { id: 'p95Latency', label: 'p95 latency', short: 'p95', source: { quota: 'p95Latency' }, chart: 'e2e' },
    { id: 'endpointStatus', label: 'Endpoint status', short: 'endpoint', source: { quota: 'endpointStatus' }, chart: 'status' },
  ],
  statusBar: { figure: 'requests' },
  sparkline: { figure: 'requests', windowMs: 60 * MINUTE, label: 'requests per minute, all endpoints, last hour' },
});
