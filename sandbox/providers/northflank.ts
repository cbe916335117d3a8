// Northflank API: projects, services, jobs and addons with cursor pagination, and the metrics
// endpoints (range and single) with one series per container and a unit per metric.
import type { SandboxContext } from '../context';
import { mergeDefined } from '../context';
import type { ErrorStyle, Mount, Provider, Reply, SandboxRequest } from '../http';
import { bearerToken, isoTime, json, matchPath, statusText } from '../http';
import { hash32, noise, round, wave } from '../random';

export const NORTHFLANK_PROJECT = 'sandbox-project';
export const NORTHFLANK_SERVICE_COUNT = 120;
export const NORTHFLANK_RESOLUTION_SECONDS = 10;
const HOUR_MS = 3600_000;
const MAX_RANGE_MS = 7 * 24 * HOUR_MS;

export const NORTHFLANK_METRIC_TYPES = [
  'cpu',
  'memory',
  'networkIngress',
  'networkEgress',
  'tcpConnectionsOpen',
  'diskUsage',
  'requests',
  'http4xxResponses',
  'http5xxResponses',
  'bandwidth',
  'bandwidthVolume',
] as const;
export type NorthflankMetricType = (typeof NORTHFLANK_METRIC_TYPES)[number];
type Unit = 'pct' | 'vCPU' | 'mb' | 'kbps' | 'rps' | 'count';

export interface NorthflankState {
  /** Pins every point of a metric, on every container, to a value (e2e thresholds). */
  readonly metrics?: Partial<Record<NorthflankMetricType, number>>;
}

type Kind = 'service' | 'job' | 'addon';

interface Resource {
  readonly kind: Kind;
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly containers: readonly string[];
  readonly volumes: readonly string[];
  /** Addons report CPU as a percentage of their plan, workloads in vCPU: both exist in the wild. */
  readonly cpuUnit: 'vCPU' | 'pct';
  /** 0 for workers and jobs that serve no HTTP. */
  readonly traffic: number;
}

interface ProjectData {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly services: readonly Resource[];
  readonly jobs: readonly Resource[];
  readonly addons: readonly Resource[];
}

const UNITS: Record<NorthflankMetricType, Unit> = {
  cpu: 'vCPU',
  memory: 'mb',
  networkIngress: 'kbps',
  networkEgress: 'kbps',
  tcpConnectionsOpen: 'count',
  diskUsage: 'mb',
  requests: 'rps',
  http4xxResponses: 'rps',
  http5xxResponses: 'rps',
  bandwidth: 'kbps',
  bandwidthVolume: 'mb',
};

/** [base, amplitude] per unit of traffic; values wave over 15 minutes with per-container phase. */
const SHAPES: Record<NorthflankMetricType, readonly [number, number]> = {
  cpu: [0.22, 0.12],
  memory: [310, 45],
  networkIngress: [140, 90],
  networkEgress: [320, 160],
  tcpConnectionsOpen: [38, 18],
  diskUsage: [2048, 6],
  requests: [24, 14],
  http4xxResponses: [0.6, 0.4],
  http5xxResponses: [0.05, 0.05],
  bandwidth: [460, 220],
  bandwidthVolume: [5400, 40],
};

export const northflankErrors: ErrorStyle = {
  error: (status, message) => json(status, { error: { status, message: message ?? statusText(status), id: 'sandbox' } }),
  tooManyRequests: (retryAfterSeconds) =>
    json(
      429,
      { error: { status: 429, message: 'Rate limit exceeded', id: 'sandbox' } },
      { 'retry-after': String(retryAfterSeconds), 'x-ratelimit-limit': '1000', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(retryAfterSeconds) },
    ),
};

function containerId(seed: number, name: string, index: number): string {
  const h = hash32(seed, 'nf-rs', name).toString(16).padStart(8, '0');
  const pod = hash32(seed, 'nf-pod', name, index).toString(36).padStart(5, '0').slice(-5);
  return `${name}-${h.slice(0, 9)}-${pod}`;
}

function resource(seed: number, kind: Kind, name: string, description: string, containers: number, traffic: number, volumes = 0): Resource {
  return {
    kind,
    id: name,
    name,
    description,
    traffic,
    containers: Array.from({ length: containers }, (_, i) => containerId(seed, name, i)),
    volumes: Array.from({ length: volumes }, (_, i) => `${name}-data-${i}`),
    cpuUnit: kind === 'addon' ? 'pct' : 'vCPU',
  };
}

function buildProjects(seed: number): ProjectData[] {
  const filler = Array.from({ length: NORTHFLANK_SERVICE_COUNT - 2 }, (_, i) => {
    const n = String(i + 3).padStart(3, '0');
    return resource(seed, 'service', `svc-${n}`, `Generated service ${n}`, 1, 0.2 + noise(seed, 'nf-fill', i));
  });
  return [
    {
      id: NORTHFLANK_PROJECT,
      name: 'Sandbox project',
      description: 'Services, jobs and addons served by the local sandbox',
      services: [resource(seed, 'service', 'api', 'Public HTTP API', 2, 1), resource(seed, 'service', 'worker', 'Queue worker', 1, 0), ...filler],
      jobs: [resource(seed, 'job', 'nightly-report', 'Nightly report (cron)', 1, 0)],
      addons: [resource(seed, 'addon', 'postgres', 'PostgreSQL', 2, 0.5, 2)],
    },
    {
      id: 'sandbox-staging',
      name: 'Sandbox staging',
      description: 'A second project for pickers',
      services: [resource(seed, 'service', 'api-staging', 'Staging API', 1, 0.3)],
      jobs: [],
      addons: [],
    },
    { id: 'empty-project', name: 'Empty project', description: '', services: [], jobs: [], addons: [] },
  ];
}

interface Page<T> {
  readonly items: readonly T[];
  readonly pagination: { hasNextPage: boolean; cursor: string | null; count: number };
}

/** `per_page` (default 50, max 100), then `cursor` (opaque, from the previous page) or 1-based `page`. */
function paginate<T>(req: SandboxRequest, all: readonly T[]): Page<T> | Reply {
  const perPageRaw = req.query.get('per_page');
  const perPage = perPageRaw === null ? 50 : Number(perPageRaw);
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > 100) return northflankErrors.error(400, '"per_page" must be an integer between 1 and 100');
  let offset = 0;
  const cursor = req.query.get('cursor');
  const page = req.query.get('page');
  if (cursor !== null && cursor !== '') {
    const decoded = /^o:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!decoded) return northflankErrors.error(400, '"cursor" is invalid');
    offset = Number(decoded[1]);
  } else if (page !== null) {
    const n = Number(page);
    if (!Number.isInteger(n) || n < 1) return northflankErrors.error(400, '"page" must be a positive integer');
    offset = (n - 1) * perPage;
  }
  const items = all.slice(offset, offset + perPage);
  const next = offset + perPage;
  const hasNextPage = next < all.length;
  return { items, pagination: { hasNextPage, cursor: hasNextPage ? Buffer.from(`o:${next}`).toString('base64url') : null, count: items.length } };
}

function parseTime(value: string | null, name: string): number | Reply | undefined {
  if (value === null || value === '') return undefined;
  const ms = /^\d+$/.test(value) ? Number(value) * 1000 : Date.parse(value);
  return Number.isFinite(ms) ? ms : northflankErrors.error(400, `"${name}" must be a valid ISO 8601 date`);
}

export function createNorthflank(ctx: SandboxContext, requestsPerHour: number): Provider<NorthflankState> {
  const projects = buildProjects(ctx.seed);
  let state: NorthflankState = {};
  const windows = new Map<string, { start: number; used: number }>();

  function value(r: Resource, metric: NorthflankMetricType, series: string, ts: number): number {
    const pinned = state.metrics?.[metric];
    if (pinned !== undefined) return pinned;
    const [base, amp] = SHAPES[metric];
    const trafficScale = ['requests', 'http4xxResponses', 'http5xxResponses', 'networkIngress', 'networkEgress', 'bandwidth', 'tcpConnectionsOpen'].includes(
      metric,
    )
      ? r.traffic
      : 1;
    const phase = noise(ctx.seed, 'nf-phase', series, metric);
    let v = trafficScale * (base + amp * wave(ts, 15 * 60_000, phase) + amp * 0.3 * (noise(ctx.seed, 'nf', series, metric, ts) - 0.5));
    // Disk and transferred volume only grow.
    if (metric === 'diskUsage' || metric === 'bandwidthVolume') v = base + ((ts - ctx.startedAt) / HOUR_MS) * amp + amp * phase;
    if (metric === 'cpu' && r.cpuUnit === 'pct') v = v * 100;
    if (metric === 'tcpConnectionsOpen') return Math.max(0, Math.round(v));
    return Math.max(0, round(v, metric === 'cpu' && r.cpuUnit === 'vCPU' ? 4 : 2));
  }

  function metrics(req: SandboxRequest, r: Resource): Reply {
    const q = req.query;
    const types = q.getAll('metricTypes');
    const wanted = types.length === 0 ? ['cpu'] : types;
    const unknown = wanted.find((t) => !(NORTHFLANK_METRIC_TYPES as readonly string[]).includes(t));
    if (unknown !== undefined) return northflankErrors.error(400, `"metricTypes" must be one of [${NORTHFLANK_METRIC_TYPES.join(', ')}], got "${unknown}"`);
    const queryType = q.get('queryType') ?? 'single';
    if (queryType !== 'range' && queryType !== 'single') return northflankErrors.error(400, '"queryType" must be one of [range, single]');
    const now = ctx.now();
    const step = NORTHFLANK_RESOLUTION_SECONDS * 1000;
    let stamps: number[];
    if (queryType === 'single') {
      const time = parseTime(q.get('time'), 'time');
      if (typeof time === 'object') return time;
      stamps = [Math.floor((time ?? now) / step) * step];
    } else {
      const start = parseTime(q.get('startTime'), 'startTime');
      const end = parseTime(q.get('endTime'), 'endTime');
      if (typeof start === 'object') return start;
      if (typeof end === 'object') return end;
      const durationRaw = q.get('duration');
      const duration = durationRaw === null ? undefined : Number(durationRaw);
      if (duration !== undefined && (!Number.isFinite(duration) || duration <= 0))
        return northflankErrors.error(400, '"duration" must be a positive number of seconds');
      if (duration !== undefined && start !== undefined && end !== undefined)
        return northflankErrors.error(400, '"duration" cannot be combined with both "startTime" and "endTime"');
      const span = (duration ?? 1200) * 1000;
      const to = end ?? (start !== undefined && duration !== undefined ? start + span : now);
      const from = start ?? to - span;
      if (from > to) return northflankErrors.error(400, '"startTime" must be before "endTime"');
      if (to - from > MAX_RANGE_MS) return northflankErrors.error(400, 'Requested range is too long (max 7 days)');
      stamps = [];
      for (let t = Math.ceil(from / step) * step; t <= Math.min(to, now); t += step) stamps.push(t);
    }
    const containerName = q.get('containerName');
    const containers = r.containers.filter((c) => containerName === null || c === containerName);
    const data: Record<string, unknown> = {};
    for (const metric of wanted as NorthflankMetricType[]) {
      const unit: Unit = metric === 'cpu' ? r.cpuUnit : UNITS[metric];
      // Disk usage is per volume; other metrics per container.
      const series =
        metric === 'diskUsage'
          ? r.volumes.map((volumeId, i) => ({
              key: volumeId,
              metadata: { containerId: containers[i % Math.max(1, containers.length)] ?? r.containers[0] ?? r.id, volumeId },
            }))
          : containers.map((c) => ({ key: c, metadata: { containerId: c } }));
      data[metric] = {
        metricInfo: { metricId: metric, metricUnit: unit, metricResolution: NORTHFLANK_RESOLUTION_SECONDS },
        values: series.map((s) => ({ metadata: s.metadata, data: stamps.map((ts) => ({ value: value(r, metric, s.key, ts), ts: isoTime(ts) })) })),
      };
    }
    return json(200, { data });
  }

  function summary(r: Resource): Record<string, unknown> {
    const lastChange = isoTime(ctx.startedAt - (hash32(ctx.seed, 'nf-deploy', r.id) % 72) * HOUR_MS);
    const base = { id: r.id, name: r.name, description: r.description };
    if (r.kind === 'service') {
      return {
        ...base,
        appId: `/${NORTHFLANK_PROJECT}/${r.id}`,
        projectId: NORTHFLANK_PROJECT,
        tags: r.traffic > 0.9 ? ['public'] : [],
        serviceType: 'combined',
        disabledCI: false,
        disabledCD: false,
        status: {
          build: { status: 'SUCCESS', lastTransitionTime: lastChange },
          deployment: { status: 'COMPLETED', reason: 'DEPLOYING', lastTransitionTime: lastChange },
        },
      };
    }
    if (r.kind === 'job') return { ...base, appId: `/${NORTHFLANK_PROJECT}/${r.id}`, jobType: 'cron', schedule: '0 2 * * *' };
    return { ...base, spec: { type: 'postgresql', version: '16' }, status: 'running' };
  }

  /** Window of one hour from a token's first request, as the real API counts. */
  function rateLimit(token: string): { headers: Record<string, string>; exceeded: boolean } {
    const now = ctx.now();
    let w = windows.get(token);
    if (!w || now - w.start >= HOUR_MS) {
      w = { start: now, used: 0 };
      windows.set(token, w);
    }
    w.used++;
    const reset = Math.max(0, Math.ceil((w.start + HOUR_MS - now) / 1000));
    return {
      exceeded: w.used > requestsPerHour,
      headers: {
        'x-ratelimit-limit': String(requestsPerHour),
        'x-ratelimit-remaining': String(Math.max(0, requestsPerHour - w.used)),
        'x-ratelimit-reset': String(reset),
      },
    };
  }

  function route(req: SandboxRequest): Reply {
    // Team-scoped tokens use /v1/teams/{teamId}/projects/...; the data is the same.
    const path = req.path.replace(/^\/v1\/teams\/[^/]+\//, '/v1/');
    if (req.method !== 'GET') return northflankErrors.error(404, 'Not Found');
    const listed = <T>(key: string, all: readonly T[], view: (item: T) => unknown): Reply => {
      const page = paginate(req, all);
      if ('status' in page) return page;
      return json(200, { data: { [key]: page.items.map(view) }, pagination: page.pagination });
    };
    if (matchPath('/v1/projects', path)) return listed('projects', projects, (p) => ({ id: p.id, name: p.name, description: p.description }));
    let p = matchPath('/v1/projects/:project', path);
    const project = (id: string | undefined): ProjectData | undefined => projects.find((x) => x.id === id);
    if (p) {
      const found = project(p.project);
      if (!found) return northflankErrors.error(404, 'Project not found');
      return json(200, {
        data: {
          id: found.id,
          name: found.name,
          description: found.description,
          services: found.services.map((s) => ({ id: s.id, name: s.name })),
          jobs: found.jobs.map((j) => ({ id: j.id, name: j.name })),
          addons: found.addons.map((a) => ({ id: a.id, name: a.name })),
        },
      });
    }
    const collections = { services: 'services', jobs: 'jobs', addons: 'addons' } as const;
    for (const key of Object.keys(collections) as (keyof typeof collections)[]) {
      p = matchPath(`/v1/projects/:project/${key}`, path);
      if (p) {
        const found = project(p.project);
        return found ? listed(key, found[key], summary) : northflankErrors.error(404, 'Project not found');
      }
      p = matchPath(`/v1/projects/:project/${key}/:id`, path) ?? matchPath(`/v1/projects/:project/${key}/:id/metrics`, path);
      if (p) {
        const found = project(p.project);
        if (!found) return northflankErrors.error(404, 'Project not found');
        const res = found[key].find((r) => r.id === p?.id);
        const noun = key.slice(0, -1);
        if (!res) return northflankErrors.error(404, `${noun[0]?.toUpperCase()}${noun.slice(1)} not found`);
        return path.replace(/\/$/, '').endsWith('/metrics') ? metrics(req, res) : json(200, { data: summary(res) });
      }
    }
    return northflankErrors.error(404, 'Not Found');
  }

  const mount: Mount = {
    prefix: '/northflank',
    ...northflankErrors,
    handle(req: SandboxRequest): Reply {
      const token = bearerToken(req);
      if (token === undefined || token !== ctx.tokens.northflank) return northflankErrors.error(401, 'Unauthorized: invalid or missing API token');
      const limit = rateLimit(token);
      if (limit.exceeded) {
        const reply = northflankErrors.tooManyRequests(Number(limit.headers['x-ratelimit-reset']));
        return { ...reply, headers: { ...reply.headers, ...limit.headers } };
      }
      const reply = route(req);
      return { ...reply, headers: { ...reply.headers, ...limit.headers } };
    },
  };

  return {
    mounts: [mount],
    setState(patch) {
      state = patch === null ? {} : mergeDefined(state, patch);
    },
  };
}
