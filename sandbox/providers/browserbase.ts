// Browserbase v1 REST API: projects, usage, and sessions that start, run, time out and release, so
// usage grows while the sandbox runs and the metadata filter has something real to find.
import type { SandboxContext } from '../context';
import type { ErrorStyle, Mount, Provider, Reply, SandboxRequest } from '../http';
import { header, isoTime, isRecord, json, matchPath, parseJsonBody, statusText } from '../http';
import { hash32, rng, uuidFrom } from '../random';

export const BROWSERBASE_PROJECT = 'proj_sandbox';
export const BROWSERBASE_STAGING_PROJECT = 'proj_sandbox_staging';
export const BROWSERBASE_REGIONS = ['us-west-2', 'us-east-1', 'eu-central-1', 'ap-southeast-1'] as const;
export const BROWSERBASE_STATUSES = ['PENDING', 'RUNNING', 'ERROR', 'TIMED_OUT', 'COMPLETED'] as const;
const METADATA_MAX_CHARS = 512;
const MINUTE_MS = 60_000;

export type BrowserbaseStatus = (typeof BROWSERBASE_STATUSES)[number];

export interface BrowserbaseState {
  /** Concurrency of `proj_sandbox` (default 3). */
  readonly concurrency?: number;
  /**
   * Refuse any backslash in `q` (400), as a server whose escaping is undocumented may: proves a
   * client sends only the documented, escape-free form. Default false (`\'` and `\\` accepted).
   */
  readonly strictQuery?: boolean;
  /**
   * Starts RUNNING sessions in `proj_sandbox` that began this many minutes ago (6-hour timeout), for
   * runaway detection without waiting half an hour. Each patch adds its own; a reset removes them.
   */
  readonly longRunning?: readonly { readonly minutes: number; readonly keepAlive?: boolean; readonly userMetadata?: Metadata }[];
}

type Metadata = Record<string, unknown>;

interface Session {
  readonly id: string;
  readonly projectId: string;
  readonly createdAt: number;
  updatedAt: number;
  readonly startedAt: number;
  endedAt: number | undefined;
  readonly expiresAt: number;
  status: BrowserbaseStatus;
  readonly keepAlive: boolean;
  readonly region: string;
  readonly userMetadata: Metadata;
  readonly contextId: string | undefined;
  readonly avgCpuUsage: number | undefined;
  readonly memoryUsage: number | undefined;
  /** Bytes already counted plus bytes per second while running. */
  readonly proxyBase: number;
  readonly proxyRate: number;
  readonly signingKey: string;
}

interface Project {
  readonly id: string;
  readonly name: string;
  concurrency: number;
  readonly defaultTimeout: number;
  readonly createdAt: number;
  /** Usage before the sessions the sandbox keeps, so totals look like a project with a past. */
  readonly baseMinutes: number;
  readonly baseProxyBytes: number;
}

export const browserbaseErrors: ErrorStyle = {
  error: (status, message) => json(status, { statusCode: status, error: statusText(status), message: message ?? statusText(status) }),
  tooManyRequests: (retryAfterSeconds) =>
    json(
      429,
      { statusCode: 429, error: 'Too Many Requests', message: 'Rate limit exceeded, retry in ' + retryAfterSeconds + ' seconds' },
      { 'retry-after': String(retryAfterSeconds), 'x-ratelimit-limit': '25', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(retryAfterSeconds) },
    ),
};

export class MetadataQueryError extends Error {}

export interface MetadataQuery {
  readonly path: readonly string[];
  readonly value: string;
}

/**
 * `user_metadata['k1']['k2']:'value'`: one condition, string equality, `\'` and `\\` escapes inside
 * quotes (any other backslash is an error; with `strict`, every backslash is), optional spaces around `:`.
 */
export function parseMetadataQuery(q: string, strict = false): MetadataQuery {
  let i = 0;
  const fail = (what: string): never => {
    throw new MetadataQueryError(`Invalid query at position ${i}: ${what}`);
  };
  const quoted = (): string => {
    if (q[i] !== "'") fail("expected '");
    i++;
    let out = '';
    for (;;) {
      const c = q[i];
      if (c === undefined) fail('unterminated string');
      if (c === "'") {
        i++;
        return out;
      }
      if (c === '\\') {
        if (strict) fail('escapes inside quotes are not documented by Browserbase');
        const next = q[i + 1];
        if (next !== "'" && next !== '\\') fail("only \\' and \\\\ escapes are allowed");
        out += next;
        i += 2;
      } else {
        out += c;
        i++;
      }
    }
  };
  const spaces = (): void => {
    while (q[i] === ' ') i++;
  };
  spaces();
  if (!q.startsWith('user_metadata', i)) fail('queries must start with user_metadata');
  i += 'user_metadata'.length;
  const path: string[] = [];
  while (q[i] === '[') {
    i++;
    const key = quoted();
    if (key === '') fail('empty key');
    path.push(key);
    if (q[i] !== ']') fail('expected ]');
    i++;
  }
  if (path.length === 0) fail("expected ['key']");
  spaces();
  if (q[i] !== ':') fail('expected :');
  i++;
  spaces();
  const value = quoted();
  spaces();
  if (i !== q.length) fail('unexpected text after the value (one condition per query)');
  return { path, value };
}

function metadataMatches(metadata: Metadata, query: MetadataQuery): boolean {
  let node: unknown = metadata;
  for (const key of query.path) {
    if (!isRecord(node)) return false;
    node = node[key];
  }
  return typeof node === 'string' && node === query.value;
}

function hasArray(value: unknown): boolean {
  if (Array.isArray(value)) return true;
  return isRecord(value) && Object.values(value).some(hasArray);
}

interface Seed {
  readonly status: BrowserbaseStatus;
  readonly metadata: Metadata;
  readonly keepAlive?: boolean;
  readonly project?: string;
}

/** Twenty-one sessions with the mix a real team produces: clients, workflows, nested keys, awkward values. */
const SEEDS: readonly Seed[] = [
  { status: 'RUNNING', keepAlive: true, metadata: { client: 'acme', workflow: { name: 'checkout', step: 'payment' }, env: 'prod' } },
  { status: 'COMPLETED', metadata: { client: 'acme', workflow: { name: 'checkout', step: 'cart' }, env: 'prod' } },
  { status: 'COMPLETED', metadata: { client: 'acme', workflow: { name: 'search' }, env: 'prod' } },
  { status: 'ERROR', metadata: { client: 'globex', workflow: { name: 'login-check' }, env: 'staging' } },
  { status: 'COMPLETED', keepAlive: true, metadata: { client: 'globex', workflow: { name: 'invoice-export' }, env: 'prod' } },
  { status: 'TIMED_OUT', metadata: { client: 'initech', workflow: { name: 'checkout', step: 'payment' }, env: 'prod' } },
  { status: 'COMPLETED', metadata: { client: 'initech', workflow: { name: 'search' }, env: 'staging' } },
  { status: 'COMPLETED', metadata: { client: 'umbrella', workflow: { name: 'scrape-prices' }, env: 'prod', run: { id: 'run-abc-123' } } },
  { status: 'COMPLETED', metadata: { client: 'acme', workflow: { name: 'checkout', step: 'confirm' }, env: 'staging' } },
  { status: 'COMPLETED', metadata: {} },
  { status: 'COMPLETED', metadata: { client: "o'reilly", workflow: { name: 'search' } } },
  { status: 'ERROR', metadata: { client: 'globex', path: 'C:\\exports\\daily', workflow: { name: 'invoice-export' } } },
  { status: 'TIMED_OUT', metadata: { client: 'acme', workflow: { name: 'login-check' }, env: 'prod' } },
  { status: 'COMPLETED', metadata: { client: 'umbrella', workflow: { name: 'scrape-prices' }, env: 'prod', run: { id: 'run-abc-124' } } },
  { status: 'COMPLETED', metadata: { client: 'initech', workflow: { name: 'checkout' }, env: 'prod', attempt: '2' } },
  { status: 'COMPLETED', metadata: { client: 'globex', workflow: { name: 'search' }, env: 'prod' } },
  { status: 'TIMED_OUT', metadata: { client: 'acme', workflow: { name: 'search' }, env: 'staging' } },
  // A number is stored but cannot be queried: only strings match.
  { status: 'COMPLETED', metadata: { client: 'umbrella', workflow: { name: 'scrape-prices' }, env: 'prod', retries: 3 } },
  { status: 'COMPLETED', metadata: { client: 'acme', workflow: { name: 'checkout', step: 'payment' }, env: 'prod' } },
  { status: 'PENDING', project: BROWSERBASE_STAGING_PROJECT, metadata: { client: 'globex', workflow: { name: 'login-check' }, env: 'staging' } },
  { status: 'RUNNING', project: BROWSERBASE_STAGING_PROJECT, metadata: { client: 'initech', workflow: { name: 'search' }, env: 'staging' } },
];

export function createBrowserbase(ctx: SandboxContext): Provider<BrowserbaseState> {
  const start = ctx.startedAt;
  const projects: Project[] = [
    {
      id: BROWSERBASE_PROJECT,
      name: 'Sandbox',
      concurrency: 3,
      defaultTimeout: 300,
      createdAt: start - 90 * 24 * 3600_000,
      baseMinutes: 18_240,
      baseProxyBytes: 2_147_483_648,
    },
    {
      id: BROWSERBASE_STAGING_PROJECT,
      name: 'Sandbox staging',
      concurrency: 2,
      defaultTimeout: 300,
      createdAt: start - 30 * 24 * 3600_000,
      baseMinutes: 1_210,
      baseProxyBytes: 73_400_320,
    },
  ];
  const sessions: Session[] = [];
  let created = 0;
  let added = 0;
  const longRunningIds = new Set<string>();
  let strictQuery = false;

  function newSession(fields: Omit<Session, 'id' | 'signingKey' | 'updatedAt'> & { updatedAt?: number }, key: string | number): Session {
    return {
      ...fields,
      updatedAt: fields.updatedAt ?? fields.createdAt,
      id: uuidFrom(ctx.seed, 'bb-session', key),
      signingKey: hash32(ctx.seed, 'bb-sign', key).toString(16).padStart(8, '0') + uuidFrom(ctx.seed, 'bb-key', key).replace(/-/g, ''),
    };
  }

  SEEDS.forEach((seed, index) => {
    const r = rng(ctx.seed, 'bb-seed', index);
    const live = seed.status === 'RUNNING' || seed.status === 'PENDING';
    const createdAt = live ? start - Math.round((index === 0 ? 12 : 0.05 + r() * 3) * MINUTE_MS) : start - Math.round((20 + index * 37 + r() * 20) * MINUTE_MS);
    const timeoutMs = live ? 21_600_000 : 300_000;
    const duration = seed.status === 'TIMED_OUT' ? timeoutMs : Math.round((0.3 + r() * 4.5) * MINUTE_MS);
    const endedAt = live ? undefined : createdAt + duration;
    const proxied = r() < 0.6;
    sessions.push(
      newSession(
        {
          projectId: seed.project ?? BROWSERBASE_PROJECT,
          createdAt,
          updatedAt: endedAt ?? createdAt,
          startedAt: createdAt,
          endedAt,
          expiresAt: createdAt + timeoutMs,
          status: seed.status,
          keepAlive: seed.keepAlive ?? false,
          region: BROWSERBASE_REGIONS[Math.floor(r() * BROWSERBASE_REGIONS.length)] ?? 'us-west-2',
          userMetadata: seed.metadata,
          contextId: r() < 0.3 ? uuidFrom(ctx.seed, 'bb-context', index) : undefined,
          avgCpuUsage: r() < 0.5 ? Math.round(5 + r() * 60) : undefined,
          memoryUsage: r() < 0.5 ? Math.round(200 + r() * 900) : undefined,
          proxyBase: proxied ? Math.round(r() * 5_000_000) : 0,
          proxyRate: proxied && seed.status === 'RUNNING' ? Math.round(2_000 + r() * 20_000) : 0,
        },
        index,
      ),
    );
  });

  /** Sessions time out lazily, when someone looks, at the instant they would have. */
  function refresh(s: Session): Session {
    if (s.status === 'RUNNING' && ctx.now() >= s.expiresAt) {
      s.status = 'TIMED_OUT';
      s.endedAt = s.expiresAt;
      s.updatedAt = s.expiresAt;
    }
    return s;
  }

  function proxyBytes(s: Session): number {
    const until = s.endedAt ?? ctx.now();
    return s.proxyBase + Math.max(0, Math.round(((until - s.startedAt) / 1000) * s.proxyRate));
  }

  function view(s: Session, withUrls: boolean): Record<string, unknown> {
    refresh(s);
    const origin = ctx.origin();
    return {
      id: s.id,
      createdAt: isoTime(s.createdAt),
      updatedAt: isoTime(s.updatedAt),
      projectId: s.projectId,
      startedAt: isoTime(s.startedAt),
      ...(s.endedAt === undefined ? {} : { endedAt: isoTime(s.endedAt) }),
      expiresAt: isoTime(s.expiresAt),
      status: s.status,
      proxyBytes: proxyBytes(s),
      ...(s.avgCpuUsage === undefined ? {} : { avgCpuUsage: s.avgCpuUsage }),
      ...(s.memoryUsage === undefined ? {} : { memoryUsage: s.memoryUsage }),
      keepAlive: s.keepAlive,
      ...(s.contextId === undefined ? {} : { contextId: s.contextId }),
      region: s.region,
      userMetadata: s.userMetadata,
      ...(withUrls
        ? {
            connectUrl: `${origin.replace(/^http/, 'ws')}/browserbase/connect?signingKey=${s.signingKey}`,
            seleniumRemoteUrl: `${origin}/browserbase/webdriver`,
            signingKey: s.signingKey,
          }
        : {}),
    };
  }

  function projectView(p: Project): Record<string, unknown> {
    return {
      id: p.id,
      name: p.name,
      ownerId: 'org_sandbox',
      createdAt: isoTime(p.createdAt),
      updatedAt: isoTime(p.createdAt + 86_400_000),
      defaultTimeout: p.defaultTimeout,
      concurrency: p.concurrency,
    };
  }

  /** Every session is billed for at least a minute, running ones up to now. */
  function usage(p: Project): Record<string, number> {
    const own = sessions.filter((s) => s.projectId === p.id).map(refresh);
    const minutes = own.reduce((a, s) => a + Math.ceil(Math.max(MINUTE_MS, (s.endedAt ?? ctx.now()) - s.startedAt) / MINUTE_MS), 0);
    return { browserMinutes: p.baseMinutes + minutes, proxyBytes: p.baseProxyBytes + own.reduce((a, s) => a + proxyBytes(s), 0) };
  }

  function active(projectId: string): Session[] {
    return sessions.map(refresh).filter((s) => s.projectId === projectId && (s.status === 'RUNNING' || s.status === 'PENDING'));
  }

  function jsonBody(req: SandboxRequest): { ok: true; value: Record<string, unknown> } | { ok: false; reply: Reply } {
    const type = (header(req, 'content-type') ?? '').toLowerCase();
    if (!type.startsWith('application/json')) {
      return { ok: false, reply: browserbaseErrors.error(415, `Unsupported Media Type: ${type || 'none'}`) };
    }
    const parsed = parseJsonBody(req.body === '' ? '{}' : req.body);
    if (!parsed.ok) return { ok: false, reply: browserbaseErrors.error(400, 'Body is not valid JSON') };
    if (!isRecord(parsed.value)) return { ok: false, reply: browserbaseErrors.error(400, 'body must be object') };
    return { ok: true, value: parsed.value };
  }

  function create(req: SandboxRequest): Reply {
    const parsed = jsonBody(req);
    if (!parsed.ok) return parsed.reply;
    const body = parsed.value;
    const bad = (message: string): Reply => browserbaseErrors.error(400, message);
    const projectId = body.projectId ?? BROWSERBASE_PROJECT;
    if (typeof projectId !== 'string') return bad('body/projectId must be string');
    const project = projects.find((p) => p.id === projectId);
    if (!project) return browserbaseErrors.error(404, `Project ${projectId} not found`);
    const metadata = body.userMetadata ?? {};
    if (!isRecord(metadata)) return bad('body/userMetadata must be object');
    if (hasArray(metadata)) return bad('body/userMetadata must not contain arrays');
    if (JSON.stringify(metadata).length >= METADATA_MAX_CHARS) return bad(`body/userMetadata must be under ${METADATA_MAX_CHARS} characters when serialized`);
    const region = body.region ?? 'us-west-2';
    if (typeof region !== 'string' || !(BROWSERBASE_REGIONS as readonly string[]).includes(region))
      return bad('body/region must be equal to one of the allowed values');
    const timeout = body.timeout ?? project.defaultTimeout;
    if (typeof timeout !== 'number' || !Number.isInteger(timeout) || timeout < 60 || timeout > 21_600)
      return bad('body/timeout must be an integer between 60 and 21600');
    const keepAlive = body.keepAlive ?? false;
    if (typeof keepAlive !== 'boolean') return bad('body/keepAlive must be boolean');

    const now = ctx.now();
    const running = active(project.id);
    if (running.length >= project.concurrency) {
      const soonest = Math.min(...running.map((s) => s.expiresAt));
      const retryAfter = Math.max(1, Math.min(60, Math.ceil((soonest - now) / 1000)));
      return json(
        429,
        {
          statusCode: 429,
          error: 'Too Many Requests',
          message: `You've exceeded your max concurrent sessions limit (limit ${project.concurrency}, currently ${running.length}). Please contact support to increase your limit.`,
        },
        {
          'retry-after': String(retryAfter),
          'x-ratelimit-limit': String(project.concurrency),
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': String(retryAfter),
        },
      );
    }
    created++;
    const r = rng(ctx.seed, 'bb-created', created);
    const session = newSession(
      {
        projectId: project.id,
        createdAt: now,
        startedAt: now,
        endedAt: undefined,
        expiresAt: now + timeout * 1000,
        status: 'RUNNING',
        keepAlive,
        region,
        userMetadata: metadata,
        contextId: undefined,
        avgCpuUsage: undefined,
        memoryUsage: undefined,
        proxyBase: 0,
        proxyRate: body.proxies === undefined || body.proxies === false ? 0 : Math.round(5_000 + r() * 20_000),
      },
      `created-${created}`,
    );
    sessions.push(session);
    return json(201, view(session, true));
  }

  function list(req: SandboxRequest): Reply {
    const status = req.query.get('status');
    if (status !== null && !(BROWSERBASE_STATUSES as readonly string[]).includes(status)) {
      return browserbaseErrors.error(400, 'querystring/status must be equal to one of the allowed values');
    }
    const q = req.query.get('q');
    let query: MetadataQuery | undefined;
    if (q !== null && q !== '') {
      try {
        query = parseMetadataQuery(q, strictQuery);
      } catch (error) {
        return browserbaseErrors.error(400, (error as Error).message);
      }
    }
    const found = sessions
      .map(refresh)
      .filter((s) => (status === null || s.status === status) && (query === undefined || metadataMatches(s.userMetadata, query)))
      .sort((a, b) => b.createdAt - a.createdAt);
    return json(
      200,
      found.map((s) => view(s, false)),
    );
  }

  function update(req: SandboxRequest, s: Session): Reply {
    const parsed = jsonBody(req);
    if (!parsed.ok) return parsed.reply;
    const { status, projectId } = parsed.value;
    if (status !== 'REQUEST_RELEASE') return browserbaseErrors.error(400, 'body/status must be equal to one of the allowed values');
    if (projectId !== undefined && projectId !== s.projectId) return browserbaseErrors.error(404, `Session ${s.id} not found in project ${String(projectId)}`);
    refresh(s);
    if (s.status === 'RUNNING' || s.status === 'PENDING') {
      const now = ctx.now();
      s.status = 'COMPLETED';
      s.endedAt = now;
      s.updatedAt = now;
    }
    return json(200, view(s, false));
  }

  function debug(s: Session): Reply {
    refresh(s);
    const base = `${ctx.origin()}/browserbase/devtools/${s.id}`;
    const live = s.status === 'RUNNING';
    const pageId = hash32(ctx.seed, 'bb-page', s.id).toString(16).toUpperCase().padStart(8, '0');
    return json(200, {
      debuggerFullscreenUrl: `${base}/fullscreen`,
      debuggerUrl: `${base}/inspector`,
      wsUrl: `${ctx.origin().replace(/^http/, 'ws')}/browserbase/devtools/${s.id}/ws`,
      pages: live
        ? [
            {
              id: pageId,
              url: 'https://example.com/checkout',
              title: 'Checkout',
              faviconUrl: 'https://example.com/favicon.ico',
              debuggerUrl: `${base}/inspector?page=${pageId}`,
              debuggerFullscreenUrl: `${base}/fullscreen?page=${pageId}`,
            },
          ]
        : [],
    });
  }

  const mount: Mount = {
    prefix: '/browserbase',
    ...browserbaseErrors,
    handle(req: SandboxRequest): Reply {
      const key = header(req, 'x-bb-api-key');
      if (key === undefined || key === '') return browserbaseErrors.error(401, 'Missing API key: send the X-BB-API-Key header');
      if (key !== ctx.tokens.browserbase) return browserbaseErrors.error(401, 'Invalid API key');
      const m = req.method;
      const notFound = (): Reply => browserbaseErrors.error(404, `Route ${m}:/v1${req.path.replace(/^\/v1/, '')} not found`);
      if (matchPath('/v1/projects', req.path)) return m === 'GET' ? json(200, projects.map(projectView)) : notFound();
      let p = matchPath('/v1/projects/:id', req.path) ?? matchPath('/v1/projects/:id/usage', req.path);
      if (p) {
        if (m !== 'GET') return notFound();
        const project = projects.find((x) => x.id === p?.id);
        if (!project) return browserbaseErrors.error(404, `Project ${p.id ?? ''} not found`);
        return json(200, req.path.replace(/\/$/, '').endsWith('/usage') ? usage(project) : projectView(project));
      }
      if (matchPath('/v1/sessions', req.path)) {
        if (m === 'GET') return list(req);
        if (m === 'POST') return create(req);
        return notFound();
      }
      p = matchPath('/v1/sessions/:id', req.path) ?? matchPath('/v1/sessions/:id/debug', req.path);
      if (p) {
        const session = sessions.find((s) => s.id === p?.id);
        const isDebug = req.path.replace(/\/$/, '').endsWith('/debug');
        if (!session) return browserbaseErrors.error(404, `Session ${p.id ?? ''} not found`);
        if (isDebug) return m === 'GET' ? debug(session) : notFound();
        if (m === 'GET') return json(200, view(session, session.status === 'RUNNING'));
        if (m === 'POST') return update(req, session);
        return notFound();
      }
      return notFound();
    },
  };

  return {
    mounts: [mount],
    setState(patch) {
      const main = projects[0];
      if (!main) return;
      if (patch === null) {
        main.concurrency = 3;
        strictQuery = false;
        for (let i = sessions.length - 1; i >= 0; i--) if (longRunningIds.has(sessions[i]?.id ?? '')) sessions.splice(i, 1);
        longRunningIds.clear();
        return;
      }
      if (patch.concurrency !== undefined) main.concurrency = patch.concurrency;
      if (patch.strictQuery !== undefined) strictQuery = patch.strictQuery;
      for (const wanted of Array.isArray(patch.longRunning) ? patch.longRunning : []) {
        if (!isRecord(wanted) || typeof wanted.minutes !== 'number' || !(wanted.minutes >= 0)) continue;
        added++;
        const startedAt = ctx.now() - Math.round(wanted.minutes * MINUTE_MS);
        const session = newSession(
          {
            projectId: BROWSERBASE_PROJECT,
            createdAt: startedAt,
            startedAt,
            endedAt: undefined,
            expiresAt: startedAt + 21_600_000,
            status: 'RUNNING',
            keepAlive: wanted.keepAlive !== false,
            region: 'us-west-2',
            userMetadata: isRecord(wanted.userMetadata) ? wanted.userMetadata : {},
            contextId: undefined,
            avgCpuUsage: undefined,
            memoryUsage: undefined,
            proxyBase: 0,
            proxyRate: 0,
          },
          `long-running-${added}`,
        );
        sessions.push(session);
        longRunningIds.add(session.id);
      }
    },
  };
}
