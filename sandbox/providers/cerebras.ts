// Cerebras Metrics API (private preview): Prometheus 0.0.4 text of gauges over the last complete
// minute, per dedicated endpoint, 6 requests per minute per organization.
import type { SandboxContext } from '../context';
import { mergeDefined } from '../context';
import type { Family, Sample } from '../exposition';
import { toPrometheusText } from '../exposition';
import type { ErrorStyle, Mount, Provider, Reply, SandboxRequest } from '../http';
import { bearerToken, json, matchPath, statusText } from '../http';
import { clamp, rng, round, wave } from '../random';

export const CEREBRAS_ORG = 'org_sandbox';
export const CEREBRAS_EMPTY_ORG = 'org_empty';
export const CEREBRAS_ENDPOINTS = ['llama-3.3-70b', 'qwen-3-32b', 'gpt-oss-120b'] as const;
export const CEREBRAS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
const MINUTE_MS = 60_000;

export interface CerebrasState {
  /** `inference_endpoint_status` for every endpoint: -1 error, 0 down, 1 up. */
  readonly endpointStatus?: -1 | 0 | 1;
}

/** OpenAI-compatible JSON errors, the style of Cerebras's inference API. */
export const cerebrasErrors: ErrorStyle = {
  error(status, message) {
    const type = status >= 500 ? 'server_error' : status === 401 ? 'authentication_error' : 'invalid_request_error';
    return json(status, { message: message ?? statusText(status), type, param: null, code: String(status) });
  },
  tooManyRequests(retryAfterSeconds) {
    return json(
      429,
      { message: 'Rate limit exceeded: 6 requests per minute per organization', type: 'rate_limit_error', param: null, code: 'rate_limit_exceeded' },
      { 'retry-after': String(retryAfterSeconds) },
    );
  },
};

const PERCENTILES = ['avg', 'p50', 'p90', 'p95', 'p99'] as const;
const SPREAD: Record<(typeof PERCENTILES)[number], number> = { avg: 1.1, p50: 1, p90: 1.8, p95: 2.3, p99: 3.6 };

/** The families in the order of the reference example; the second half of percentile families uses `statistic`. */
export function cerebrasFamilies(seed: number, minuteEnd: number, org: string, status: -1 | 0 | 1 | undefined): Family[] {
  const rows = CEREBRAS_ENDPOINTS.map((endpoint, i) => {
    const r = rng(seed, 'cerebras', endpoint, minuteEnd);
    const load = clamp(0.55 + 0.35 * wave(minuteEnd, 60 * MINUTE_MS, i / 3) + 0.15 * (r() - 0.5), 0.05, 1);
    const requests = Math.round(load * [900, 420, 160][i]!);
    const rateLimited = Math.round(requests * 0.02 * r());
    const serverErrors = r() < 0.3 ? Math.round(r() * 3) : 0;
    const success = requests - rateLimited - serverErrors;
    const input = success * Math.round(700 + 500 * r());
    const cacheRate = round(0.2 + 0.5 * r(), 4);
    const baseLatency = [0.35, 0.22, 0.6][i]! * (0.8 + 0.4 * load);
    return {
      labels: { endpoint, organization_id: org },
      status: status ?? 1,
      requests,
      success,
      rateLimited,
      serverErrors,
      input,
      output: success * Math.round(150 + 200 * r()),
      cacheReads: Math.round(input * cacheRate),
      cacheRate,
      queue: baseLatency * 0.05,
      e2e: baseLatency * 3,
      ttft: baseLatency,
      tpot: 0.0012 + 0.0008 * load,
      generation: baseLatency * 2,
    };
  });
  type Row = (typeof rows)[number];
  const gauge = (name: string, help: string, pick: (row: Row) => Sample[]): Family => ({ name, help, type: 'gauge', samples: rows.flatMap(pick) });
  const single = (name: string, help: string, pick: (row: Row) => number): Family => gauge(name, help, (row) => [{ labels: row.labels, value: pick(row) }]);
  const percentiles = (name: string, help: string, label: 'percentile' | 'statistic', pick: (row: Row) => number): Family =>
    gauge(name, help, (row) => PERCENTILES.map((p) => ({ labels: { ...row.labels, [label]: p }, value: round(pick(row) * SPREAD[p], 6) })));
  return [
    single('inference_endpoint_status', 'Status of the inference endpoint (-1 error computing status, 0 down, 1 up)', (r) => r.status),
    single('requests_count_total', 'Number of requests in the last complete minute', (r) => r.requests),
    single('requests_success_total', 'Number of successful requests in the last complete minute', (r) => r.success),
    gauge('requests_failure_total', 'Number of failed requests in the last complete minute by HTTP code', (r) => [
      { labels: { ...r.labels, code: '429' }, value: r.rateLimited },
      { labels: { ...r.labels, code: '500' }, value: r.serverErrors },
    ]),
    single('input_tokens_total', 'Input tokens of successful requests in the last complete minute', (r) => r.input),
    single('output_tokens_total', 'Output tokens of successful requests in the last complete minute', (r) => r.output),
    single('cache_reads_total', 'Input tokens read from the prompt cache in the last complete minute', (r) => r.cacheReads),
    single('cache_rate', 'Fraction of input tokens served from the prompt cache', (r) => r.cacheRate),
    percentiles('queue_time_seconds', 'Queue time in seconds', 'percentile', (r) => r.queue),
    percentiles('e2e_latency_seconds', 'End-to-end request latency in seconds', 'percentile', (r) => r.e2e),
    percentiles('ttft_seconds', 'Time to first token in seconds', 'statistic', (r) => r.ttft),
    percentiles('tpot', 'Time per output token in seconds', 'statistic', (r) => r.tpot),
    percentiles('latency_generation_seconds', 'Generation latency in seconds', 'statistic', (r) => r.generation),
  ];
}

export function createCerebras(ctx: SandboxContext, requestsPerMinute: number): Provider<CerebrasState> {
  let state: CerebrasState = {};
  const windows = new Map<string, number[]>();

  /** Sliding one-minute window per organization; returns seconds to wait, or 0 when allowed. */
  function admit(org: string): number {
    if (!(requestsPerMinute > 0) || !Number.isFinite(requestsPerMinute)) return 0;
    const now = ctx.now();
    const recent = (windows.get(org) ?? []).filter((t) => now - t < MINUTE_MS);
    windows.set(org, recent);
    if (recent.length >= requestsPerMinute) return Math.max(1, Math.ceil((recent[0]! + MINUTE_MS - now) / 1000));
    recent.push(now);
    return 0;
  }

  const mount: Mount = {
    prefix: '/cerebras',
    ...cerebrasErrors,
    handle(req: SandboxRequest): Reply {
      const params = matchPath('/api/v1/metrics/organizations/:org', req.path);
      if (req.method !== 'GET' || params === undefined) return cerebrasErrors.error(404, 'Not Found');
      const token = bearerToken(req);
      if (token === undefined) return cerebrasErrors.error(401, 'Missing API key: send Authorization: Bearer <key>');
      if (token !== ctx.tokens.cerebras) return cerebrasErrors.error(401, 'Wrong API key');
      const org = params.org ?? '';
      if (org !== CEREBRAS_ORG && org !== CEREBRAS_EMPTY_ORG) return cerebrasErrors.error(404, `Organization ${org} not found`);
      const wait = admit(org);
      if (wait > 0) return cerebrasErrors.tooManyRequests(wait);
      // Opt-in per organization: nothing enabled yet is a valid, empty exposition.
      if (org === CEREBRAS_EMPTY_ORG) return { status: 200, headers: { 'content-type': CEREBRAS_CONTENT_TYPE }, body: '' };
      const minuteEnd = Math.floor(ctx.now() / MINUTE_MS) * MINUTE_MS;
      const body = toPrometheusText(cerebrasFamilies(ctx.seed, minuteEnd, org, state.endpointStatus), { blankLines: true });
      return { status: 200, headers: { 'content-type': CEREBRAS_CONTENT_TYPE }, body };
    },
  };
  return {
    mounts: [mount],
    setState(patch) {
      state = patch === null ? {} : mergeDefined(state, patch);
    },
  };
}
