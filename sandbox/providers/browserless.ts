// Browserless management routes, modelled on the open-source v2.56 server (and v1.61 for the legacy
// mounts) and on the responses captured from a real server in test/fixtures/browserless-v2. Each
// behaviour and its source: docs/sandbox.md, "Browserless: what the real servers do".
import type { SandboxContext } from '../context';
import { mergeDefined } from '../context';
import type { ErrorStyle, Mount, Provider, Reply, SandboxRequest } from '../http';
import { decodeBase64, header, json, matchPath, statusText, text } from '../http';
import { clamp, noise, rng, round, wave } from '../random';

export const BROWSERLESS_PERIOD_MS = 5 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
const SESSION_TIMEOUT_MS = 30_000;
const MAX_PERCENT = 99;

export interface BrowserlessState {
  readonly running?: number;
  readonly maxConcurrent?: number;
  readonly queued?: number;
  readonly maxQueued?: number;
  readonly cpu?: number | null;
  readonly memory?: number | null;
  readonly recentlyRejected?: number;
  /**
   * `true` marks the newest finished /metrics period (or the first one, if none has finished) as
   * rolled up mid-session: `running: -1`, `maxConcurrent: 0`, the real server's bug.
   */
  readonly negativeRunning?: boolean;
}

interface Overrides {
  running?: number;
  maxConcurrent?: number;
  queued?: number;
  maxQueued?: number;
  cpu?: number | null;
  memory?: number | null;
  recentlyRejected?: number;
}

export interface BrowserlessPeriod {
  error: number;
  maxConcurrent: number;
  queued: number;
  rejected: number;
  running: number;
  sessionTimes: number[];
  successful: number;
  timedout: number;
  unauthorized: number;
  unhealthy: number;
  maxTime: number;
  meanTime: number;
  minTime: number;
  totalTime: number;
  units: number;
  date: number;
  cpu: number | null;
  memory: number | null;
}

export interface BrowserlessPressure {
  cpu: number | null;
  date: number;
  isAvailable: boolean;
  maxConcurrent: number;
  maxQueued: number;
  memory: number | null;
  message: string;
  queued: number;
  reason: '' | 'full' | 'cpu' | 'memory';
  recentlyRejected: number;
  running: number;
}

interface Variant {
  readonly prefix: string;
  readonly version: 1 | 2;
  readonly pressure: 'wrapped' | 'unwrapped' | 'none';
  readonly totalRoute: '/metrics/total' | '/metrics/all';
  /**
   * v2 only: the answer to a GET that carries a Content-Type. The open-source router finds no route for
   * it (404); the hosted service's docs say 400 for `application/json`.
   */
  readonly contentTypeOnGet: 404 | 400;
}

const VARIANTS: readonly Variant[] = [
  { prefix: '/browserless', version: 2, pressure: 'wrapped', totalRoute: '/metrics/total', contentTypeOnGet: 404 },
  { prefix: '/browserless-hosted', version: 2, pressure: 'wrapped', totalRoute: '/metrics/total', contentTypeOnGet: 400 },
  { prefix: '/browserless-v2-unwrapped', version: 2, pressure: 'unwrapped', totalRoute: '/metrics/total', contentTypeOnGet: 404 },
  { prefix: '/browserless-v2-nopressure', version: 2, pressure: 'none', totalRoute: '/metrics/total', contentTypeOnGet: 404 },
  { prefix: '/browserless-v1', version: 1, pressure: 'wrapped', totalRoute: '/metrics/total', contentTypeOnGet: 404 },
  { prefix: '/browserless-v1-all', version: 1, pressure: 'wrapped', totalRoute: '/metrics/all', contentTypeOnGet: 404 },
];

/** v2.52.2+ keeps 10,000 periods; v1 keeps one week. */
const RETENTION = { 1: 12 * 24 * 7, 2: 10_000 } as const;

/** Mean-free, per-period session statistics exactly as the server's `calculateStats` computes them. */
function withStats(base: Omit<BrowserlessPeriod, 'maxTime' | 'meanTime' | 'minTime' | 'totalTime' | 'units'>): BrowserlessPeriod {
  const times = base.sessionTimes;
  const totalTime = times.reduce((a, b) => a + b, 0);
  const stats = {
    maxTime: times.length ? Math.max(...times) : 0,
    meanTime: times.length ? totalTime / times.length : 0,
    minTime: times.length ? Math.min(...times) : 0,
    totalTime,
    units: times.reduce((a, t) => a + Math.ceil(t / SESSION_TIMEOUT_MS), 0),
  };
  // Key order follows the captured fixture, so a byte-level comparison with it stays meaningful.
  return {
    error: base.error,
    maxConcurrent: base.maxConcurrent,
    queued: base.queued,
    rejected: base.rejected,
    running: base.running,
    sessionTimes: times,
    successful: base.successful,
    timedout: base.timedout,
    unauthorized: base.unauthorized,
    unhealthy: base.unhealthy,
    ...stats,
    date: base.date,
    cpu: base.cpu,
    memory: base.memory,
  };
}

export class BrowserlessModel {
  private overrides: Overrides = {};
  private negativePeriods = new Set<number>();
  private readonly cache = new Map<number, BrowserlessPeriod>();
  /** The server "started" this many periods before the sandbox, so history exists from the first call. */
  readonly serverStart: number;

  constructor(
    private readonly ctx: SandboxContext,
    historyPeriods: number,
  ) {
    this.serverStart = ctx.startedAt - historyPeriods * BROWSERLESS_PERIOD_MS;
  }

  setState(patch: BrowserlessState | null): void {
    if (patch === null) {
      this.overrides = {};
      this.negativePeriods.clear();
      return;
    }
    const { negativeRunning, ...rest } = patch;
    this.overrides = mergeDefined(this.overrides, rest);
    if (negativeRunning === true) this.negativePeriods.add(Math.max(1, this.finishedCount()));
    if (negativeRunning === false) this.negativePeriods.clear();
  }

  private maxConcurrent(): number {
    return this.overrides.maxConcurrent ?? 10;
  }

  /** Number of 5-minute periods that have ended by now. */
  finishedCount(): number {
    return Math.max(0, Math.floor((this.ctx.now() - this.serverStart) / BROWSERLESS_PERIOD_MS));
  }

  /** Load factor 0..1 following a daily cycle, so a long history shows busy and quiet hours. */
  private load(at: number, r: () => number): number {
    return clamp(0.5 + 0.38 * wave(at, DAY_MS, (this.ctx.seed % 97) / 97) + 0.2 * (r() - 0.5), 0.02, 1);
  }

  period(k: number): BrowserlessPeriod {
    const cached = this.cache.get(k);
    const base = cached ?? this.generate(k);
    if (!cached) this.cache.set(k, base);
    if (!this.negativePeriods.has(k)) return base;
    return { ...base, running: -1, maxConcurrent: 0 };
  }

  private generate(k: number): BrowserlessPeriod {
    const date = this.serverStart + k * BROWSERLESS_PERIOD_MS;
    const r = rng(this.ctx.seed, 'browserless-period', k);
    const load = this.load(date, r);
    const cap = 10;
    const quiet = r() < 0.08;
    const sessions = quiet ? 0 : Math.round(load * 22 * (0.4 + r()));
    const sessionTimes: number[] = [];
    let successful = 0;
    let error = 0;
    let timedout = 0;
    for (let i = 0; i < sessions; i++) {
      const roll = r();
      if (roll < 0.04) {
        timedout++;
        sessionTimes.push(SESSION_TIMEOUT_MS);
      } else {
        if (roll < 0.09) error++;
        else successful++;
        sessionTimes.push(Math.round(400 + r() * r() * 24_000));
      }
    }
    const maxConcurrent = sessions === 0 ? 0 : clamp(Math.round(load * cap * (0.5 + 0.5 * r())), 1, cap);
    return withStats({
      error,
      maxConcurrent,
      queued: load > 0.7 ? Math.round(r() * sessions * 0.3) : 0,
      rejected: load > 0.85 ? Math.round(r() * 4) : 0,
      running: Math.min(maxConcurrent, Math.round(r() * maxConcurrent)),
      sessionTimes,
      successful,
      timedout,
      unauthorized: r() < 0.2 ? 1 + Math.floor(r() * 3) : 0,
      unhealthy: 0,
      date,
      cpu: round(clamp(0.04 + 0.75 * load * (0.6 + 0.4 * r()), 0, 1), 4),
      memory: round(clamp(0.18 + 0.45 * load + 0.05 * r(), 0, 1), 4),
    });
  }

  /**
   * Finished periods, oldest first, capped at the version's retention. v2 dates a period when it is
   * saved (its end); v1 sets `date` when the period opens and never rewrites it, so its dates are
   * starts, and it has no `unauthorized` counter.
   */
  periods(version: 1 | 2): BrowserlessPeriod[] {
    const count = this.finishedCount();
    const first = Math.max(1, count - RETENTION[version] + 1);
    const out: BrowserlessPeriod[] = [];
    for (let k = first; k <= count; k++) out.push(this.period(k));
    return out;
  }

  periodsV1(): Record<string, unknown>[] {
    return this.periods(1).map(({ unauthorized: _u, ...rest }) => ({ ...rest, date: rest.date - BROWSERLESS_PERIOD_MS }));
  }

  /**
   * The period still open, which v1 appends to /metrics: every stats field over the sessions that
   * ended so far, the machine's cpu and memory now, and the period's start as its date.
   */
  partialPeriod(): Record<string, unknown> {
    const now = this.ctx.now();
    const k = this.finishedCount() + 1;
    const full = this.period(k);
    const start = full.date - BROWSERLESS_PERIOD_MS;
    const elapsed = clamp((now - start) / BROWSERLESS_PERIOD_MS, 0, 1);
    const keep = Math.floor(full.sessionTimes.length * elapsed);
    const sessionTimes = full.sessionTimes.slice(0, keep);
    const successful = Math.min(full.successful, keep);
    const error = Math.min(full.error, keep - successful);
    const { unauthorized: _u, ...partial } = withStats({
      error,
      maxConcurrent: full.maxConcurrent,
      queued: Math.floor(full.queued * elapsed),
      rejected: Math.floor(full.rejected * elapsed),
      running: full.running,
      sessionTimes,
      successful,
      timedout: keep - successful - error,
      unauthorized: 0,
      unhealthy: 0,
      date: start,
      cpu: round(clamp(0.04 + 0.6 * this.load(now, rng(this.ctx.seed, 'browserless-now', Math.floor(now / 1000))), 0, 1), 4),
      memory: round(clamp(0.18 + 0.45 * this.load(now, rng(this.ctx.seed, 'browserless-mem', Math.floor(now / 1000))), 0, 1), 4),
    });
    return partial;
  }

  total(periods: readonly BrowserlessPeriod[]): Record<string, unknown> {
    const sum = (pick: (p: BrowserlessPeriod) => number): number => periods.reduce((a, p) => a + pick(p), 0);
    const units = sum((p) => p.units);
    const n = periods.length;
    return {
      error: sum((p) => p.error),
      // JSON.stringify turns the server's NaN into null with no history.
      estimatedMonthlyUnits: n === 0 ? null : Math.round(units / (n / 8640)),
      maxConcurrent: periods.reduce((a, p) => Math.max(a, p.maxConcurrent), 0),
      maxTime: periods.reduce((a, p) => Math.max(a, p.maxTime), 0),
      meanTime: n === 0 ? null : sum((p) => p.meanTime) / n,
      // Math.min seeded with 0: always 0 on the real server.
      minTime: 0,
      minutesOfMetricsAvailable: n * 5,
      queued: sum((p) => p.queued),
      rejected: sum((p) => p.rejected),
      sessionTimes: periods.flatMap((p) => p.sessionTimes),
      successful: sum((p) => p.successful),
      timedout: sum((p) => p.timedout),
      totalTime: sum((p) => p.totalTime),
      unhealthy: sum((p) => p.unhealthy),
      units,
    };
  }

  /** Live values, a function of the second (so two polls in one second agree) plus overrides. */
  pressure(): BrowserlessPressure {
    const now = this.ctx.now();
    const second = Math.floor(now / 1000);
    const o = this.overrides;
    const maxConcurrent = this.maxConcurrent();
    const maxQueued = o.maxQueued ?? 10;
    const seed = this.ctx.seed;
    const level = clamp(0.55 + 0.4 * wave(now, 10 * 60_000, (seed % 13) / 13) + 0.2 * (noise(seed, 'bl-run', second) - 0.5), 0, 1);
    const running = o.running ?? Math.round(level * maxConcurrent);
    const queued = o.queued ?? (running >= maxConcurrent ? Math.round(noise(seed, 'bl-queue', second) * maxQueued * 0.6) : 0);
    const cpu = o.cpu !== undefined ? o.cpu : clamp(Math.ceil(12 + 70 * (running / Math.max(1, maxConcurrent)) + 8 * noise(seed, 'bl-cpu', second)), 0, 100);
    const memory =
      o.memory !== undefined ? o.memory : clamp(Math.ceil(25 + 35 * (running / Math.max(1, maxConcurrent)) + 4 * noise(seed, 'bl-mem', second)), 0, 100);
    const recentlyRejected = o.recentlyRejected ?? (queued >= maxQueued ? 1 + Math.floor(noise(seed, 'bl-rej', second) * 3) : 0);
    const full = running + queued >= maxConcurrent + maxQueued;
    const cpuHigh = cpu !== null && cpu >= MAX_PERCENT;
    const memHigh = memory !== null && memory >= MAX_PERCENT;
    const reason = full ? 'full' : cpuHigh ? 'cpu' : memHigh ? 'memory' : '';
    const message = {
      full: 'Concurrency and queue are full',
      cpu: `CPU is over the configured maximum for cpu percent (${MAX_PERCENT}%)`,
      memory: `Memory is over the configured maximum for memory percent (${MAX_PERCENT}%)`,
      '': '',
    }[reason];
    return {
      cpu,
      date: now,
      isAvailable: reason === '',
      maxConcurrent,
      maxQueued,
      memory,
      message,
      queued,
      reason,
      recentlyRejected,
      running,
    };
  }
}

/** v2: plain-text errors, `Too many requests` on 429. */
export const browserlessErrors: ErrorStyle = {
  error: (status, message) => text(status, message ?? (status === 401 ? 'Bad or missing authentication.' : statusText(status))),
  tooManyRequests: (retryAfterSeconds) => text(429, 'Too many requests', { 'retry-after': String(retryAfterSeconds) }),
};

/** v2 takes `?token=` first (even an empty one), then the header; `Bearer` is case-sensitive; Basic drops the first `:`. */
function v2Token(req: SandboxRequest): string | undefined {
  const query = req.query.get('token');
  if (query !== null) return query;
  const auth = header(req, 'authorization');
  if (auth?.startsWith('Bearer ')) return auth.slice('Bearer '.length).trim();
  if (auth?.startsWith('Basic ')) return decodeBase64(auth.slice('Basic '.length).trim()).replace(':', '');
  return undefined;
}

/** v1 reads the query, then base64-decodes the last word of Authorization (so Bearer never works), then a cookie. */
function v1Token(req: SandboxRequest): string | undefined {
  const query = req.query.get('token');
  if (query !== null) return query;
  const auth = header(req, 'authorization');
  if (auth !== undefined) {
    const decoded = decodeBase64(auth.trim().split(/\s+/).pop() ?? '');
    const [user, password] = decoded.split(':');
    return user || password;
  }
  const cookie = header(req, 'cookie') ?? '';
  return /(?:^|;\s*)browserless_token=([^;]*)/.exec(cookie)?.[1];
}

/**
 * The v2 router's Accept rule: the header, lower-cased, is split on commas (elements are not trimmed);
 * any element containing `*\/*` matches, otherwise one element must equal a type the route produces.
 * No Accept counts as `*\/*`.
 */
function acceptMatches(req: SandboxRequest, produces: readonly string[]): boolean {
  const accepts = (header(req, 'accept')?.toLowerCase() || '*/*').split(',');
  return accepts.some((element) => element.includes('*/*')) || produces.some((type) => accepts.includes(type));
}

/** The media type of a request's Content-Type, lower-cased, without parameters; '' when absent. */
function contentTypeOf(req: SandboxRequest): string {
  return (header(req, 'content-type') ?? '').toLowerCase().split(';')[0]?.trim() ?? '';
}

function createMount(model: BrowserlessModel, variant: Variant, token: () => string): Mount {
  const routes = ['/metrics', variant.totalRoute, ...(variant.pressure === 'none' ? [] : ['/pressure'])];
  const answer = (route: string, req: SandboxRequest): Reply => {
    if (route === '/pressure') {
      const pressure = model.pressure();
      if (variant.version === 2 && header(req, 'accept')?.toLowerCase() === 'text/plain') return text(pressure.isAvailable ? 200 : 503, pressure.message);
      return json(200, variant.pressure === 'unwrapped' ? pressure : { pressure });
    }
    if (variant.version === 1) {
      return json(200, route === '/metrics' ? [...model.periodsV1(), model.partialPeriod()] : model.total(model.periods(1)));
    }
    const periods = model.periods(2);
    return json(200, route === '/metrics' ? periods : model.total(periods));
  };
  if (variant.version === 1) {
    return {
      prefix: variant.prefix,
      ...browserlessErrors,
      // v1 checks the token before any routing, for every path, and its routes look at neither Accept nor Content-Type.
      handle(req: SandboxRequest): Reply {
        if (v1Token(req) !== token()) return text(403, 'Unauthorized');
        const route = routes.find((r) => matchPath(r, req.path));
        if (req.method !== 'GET' || route === undefined) return text(404, 'Not Found');
        return answer(route, req);
      },
    };
  }
  return {
    prefix: variant.prefix,
    ...browserlessErrors,
    handle(req: SandboxRequest): Reply {
      const route = routes.find((r) => matchPath(r, req.path));
      const produces = route === '/pressure' ? ['application/json', 'text/plain'] : ['application/json'];
      // A route matches on path, method and Accept, and only a request without a Content-Type (these routes accept any
      // body type, `*\/*`, which no real Content-Type equals); anything else falls through to "no such route".
      if (req.method !== 'GET' || route === undefined || !acceptMatches(req, produces)) return text(404, 'Not Found');
      const contentType = contentTypeOf(req);
      if (contentType !== '') {
        if (variant.contentTypeOnGet === 400 && contentType === 'application/json') {
          return text(400, 'Bad Request: GET requests must not send Content-Type: application/json');
        }
        return text(404, 'Not Found');
      }
      if (v2Token(req) !== token()) return browserlessErrors.error(401);
      return answer(route, req);
    },
  };
}

export function createBrowserless(ctx: SandboxContext, historyPeriods: number): Provider<BrowserlessState> & { model: BrowserlessModel } {
  const model = new BrowserlessModel(ctx, historyPeriods);
  return {
    model,
    mounts: VARIANTS.map((variant) => createMount(model, variant, () => ctx.tokens.browserless)),
    setState: (patch) => model.setState(patch),
  };
}
