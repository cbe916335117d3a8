// A generic exporter with every family type, both exposition formats, and the escapes and special
// values a parser must survive.
import type { SandboxContext } from '../context';
import type { Family, Sample } from '../exposition';
import { toOpenMetrics, toPrometheusText } from '../exposition';
import type { ErrorStyle, Mount, Provider, Reply, SandboxRequest } from '../http';
import { bearerToken, matchPath, statusText, text } from '../http';
import { noise, round, wave } from '../random';

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
export const OPENMETRICS_CONTENT_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8';
export const HISTOGRAM_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, Infinity] as const;

export const prometheusErrors: ErrorStyle = {
  error: (status, message) => text(status, message ?? statusText(status)),
  tooManyRequests: (retryAfterSeconds) => text(429, 'Too Many Requests', { 'retry-after': String(retryAfterSeconds) }),
};

/** Share of requests at or under `le` seconds: a log-normal-ish CDF, fixed so buckets stay monotonic. */
function cdf(le: number): number {
  if (le === Infinity) return 1;
  const x = Math.log(le / 0.08) / 1.1;
  return 1 / (1 + Math.exp(-1.7 * x));
}

/**
 * Counters are floor(rate x seconds since the exporter "started" an hour before the sandbox), so they
 * only grow; gauges wave with time.
 */
export function prometheusFamilies(ctx: SandboxContext): Family[] {
  const now = ctx.now();
  const uptime = Math.max(0, (now - ctx.startedAt) / 1000 + 3600);
  const routes = [
    { method: 'GET', code: '200', handler: '/api/items', rate: 12.5 },
    { method: 'POST', code: '201', handler: '/api/items', rate: 2.25 },
    { method: 'GET', code: '404', handler: '/api/items/{id}', rate: 0.4 },
    { method: 'GET', code: '500', handler: '/api/report "daily"', rate: 0.05 },
  ];
  const observed = Math.floor(uptime * 15);
  const histogram: Sample[] = [
    ...HISTOGRAM_BUCKETS.map((le) => ({ suffix: '_bucket', labels: { le: le === Infinity ? '+Inf' : String(le) }, value: Math.floor(observed * cdf(le)) })),
    { suffix: '_sum', value: round(observed * 0.1375, 3) },
    { suffix: '_count', value: observed },
  ];
  const rpcCount = Math.floor(uptime * 3);
  const wobble = 1 + 0.2 * wave(now, 5 * 60_000);
  return [
    {
      name: 'http_requests',
      help: 'Total HTTP requests handled, by method, code and handler.',
      type: 'counter',
      samples: routes.map(({ rate, ...labels }) => ({ suffix: '_total', labels, value: Math.floor(uptime * rate) })),
    },
    {
      name: 'process_cpu_seconds',
      help: 'Total user and system CPU time spent in seconds.',
      type: 'counter',
      unit: 'seconds',
      samples: [{ suffix: '_total', value: round(uptime * 0.042, 2) }],
    },
    {
      name: 'process_resident_memory_bytes',
      help: 'Resident memory size in bytes.',
      type: 'gauge',
      unit: 'bytes',
      samples: [{ value: Math.round(180_000_000 + 40_000_000 * wave(now, 15 * 60_000) + 2_000_000 * noise(ctx.seed, 'rss', Math.floor(now / 1000))) }],
    },
    {
      name: 'queue_depth',
      help: 'Jobs waiting, per queue.',
      type: 'gauge',
      samples: [
        { labels: { queue: 'emails' }, value: Math.round(8 + 6 * wave(now, 3 * 60_000)), timestampMs: Math.floor(now / 1000) * 1000 },
        { labels: { queue: 'exports' }, value: Math.round(2 + 2 * wave(now, 7 * 60_000, 0.3)) },
      ],
    },
    {
      name: 'app_build_info',
      help: 'Build information.\nThe value is always 1; labels carry the data (path C:\\build).',
      type: 'gauge',
      samples: [{ labels: { version: '1.4.2', commit: '9f3c2ab', note: 'quoted "name"\\path\nsecond line' }, value: 1 }],
    },
    {
      name: 'temperature_celsius',
      help: 'A gauge that can go negative and has no reading yet for one sensor.',
      type: 'gauge',
      unit: 'celsius',
      samples: [
        { labels: { sensor: 'outside' }, value: round(-3.5 + 4 * wave(now, 20 * 60_000), 2) },
        { labels: { sensor: 'broken' }, value: NaN },
      ],
    },
    {
      name: 'http_request_duration_seconds',
      help: 'HTTP request latency.',
      type: 'histogram',
      unit: 'seconds',
      samples: histogram,
    },
    {
      name: 'rpc_duration_seconds',
      help: 'RPC latency quantiles.',
      type: 'summary',
      unit: 'seconds',
      samples: [
        { labels: { service: 'billing', quantile: '0.5' }, value: round(0.045 * wobble, 5) },
        { labels: { service: 'billing', quantile: '0.9' }, value: round(0.12 * wobble, 5) },
        { labels: { service: 'billing', quantile: '0.99' }, value: round(0.31 * wobble, 5) },
        { suffix: '_sum', labels: { service: 'billing' }, value: round(rpcCount * 0.061, 3) },
        { suffix: '_count', labels: { service: 'billing' }, value: rpcCount },
        // A summary with no observations yet reports NaN quantiles, as client libraries do.
        { labels: { service: 'idle', quantile: '0.5' }, value: NaN },
        { labels: { service: 'idle', quantile: '0.99' }, value: NaN },
        { suffix: '_sum', labels: { service: 'idle' }, value: 0 },
        { suffix: '_count', labels: { service: 'idle' }, value: 0 },
      ],
    },
    {
      name: 'up_since_timestamp',
      help: 'Unix time the exporter started, in seconds; +Inf means never.',
      type: 'gauge',
      samples: [
        { labels: { component: 'api' }, value: Math.floor((ctx.startedAt - 3600_000) / 1000) },
        { labels: { component: 'never' }, value: Infinity },
      ],
    },
  ];
}

export function createPrometheus(ctx: SandboxContext): Provider {
  const mount: Mount = {
    prefix: '/prometheus',
    ...prometheusErrors,
    handle(req: SandboxRequest): Reply {
      const openMetrics = matchPath('/metrics-openmetrics', req.path) !== undefined;
      if (req.method !== 'GET' || (!openMetrics && matchPath('/metrics', req.path) === undefined)) return prometheusErrors.error(404, '404 page not found');
      const required = ctx.tokens.prometheus;
      if (required !== undefined && bearerToken(req) !== required) {
        return text(401, 'Unauthorized', { 'www-authenticate': 'Bearer realm="sandbox"' });
      }
      const families = prometheusFamilies(ctx);
      return openMetrics
        ? { status: 200, headers: { 'content-type': OPENMETRICS_CONTENT_TYPE }, body: toOpenMetrics(families) }
        : { status: 200, headers: { 'content-type': PROMETHEUS_CONTENT_TYPE }, body: toPrometheusText(families) };
    },
  };
  return { mounts: [mount] };
}
