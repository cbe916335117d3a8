// The local provider servers: one node:http server on 127.0.0.1 with every provider under its mount
// prefix. See docs/sandbox.md for the contract.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { SandboxContext, SandboxTokens } from './context';
import { DEFAULT_TOKENS } from './context';
import type { Fault, FaultRule } from './faults';
import { applyFault, FaultTable, parseFaultRule } from './faults';
import type { ErrorStyle, Mount, Provider, Reply, SandboxRequest } from './http';
import { isRecord, json, parseJsonBody, text } from './http';
import type { BrowserbaseState } from './providers/browserbase';
import { createBrowserbase } from './providers/browserbase';
import type { BrowserlessState } from './providers/browserless';
import { createBrowserless } from './providers/browserless';
import type { CerebrasState } from './providers/cerebras';
import { createCerebras } from './providers/cerebras';
import type { NorthflankState } from './providers/northflank';
import { createNorthflank } from './providers/northflank';
import { createPrometheus, prometheusErrors } from './providers/prometheus';

export type { Fault, FaultRule } from './faults';
export type { SandboxTokens } from './context';
export type { BrowserbaseState } from './providers/browserbase';
export type { BrowserlessState } from './providers/browserless';
export type { CerebrasState } from './providers/cerebras';
export type { NorthflankState } from './providers/northflank';

export const MOUNT_NAMES = [
  'browserless',
  'browserless-hosted',
  'browserless-v2-unwrapped',
  'browserless-v2-nopressure',
  'browserless-v1',
  'browserless-v1-all',
  'browserbase',
  'northflank',
  'cerebras',
  'prometheus',
] as const;

export type MountName = (typeof MOUNT_NAMES)[number];

export interface SandboxOptions {
  /** 0 (default) picks a free port. */
  readonly port?: number;
  readonly tokens?: Partial<SandboxTokens>;
  /** The clock every generated value follows; tests pass a fake one to move time. */
  readonly now?: () => number;
  /** Seed of all generated data (default 1). */
  readonly seed?: number;
  /** Finished Browserless /metrics periods already present at start (default 36 = 3 hours). */
  readonly browserlessHistoryPeriods?: number;
  /** Cerebras limit per organization (default 6); 0 turns the limit off. */
  readonly cerebrasRequestsPerMinute?: number;
  /** Northflank limit per token (default 1000). */
  readonly northflankRequestsPerHour?: number;
  /** Oldest entries of `requests` are dropped beyond this (default 10,000). */
  readonly maxLoggedRequests?: number;
}

/** `null` for a provider drops its overrides back to generated values. */
export interface SandboxStatePatch {
  readonly browserless?: BrowserlessState | null;
  readonly browserbase?: BrowserbaseState | null;
  readonly northflank?: NorthflankState | null;
  readonly cerebras?: CerebrasState | null;
}

export interface RecordedRequest {
  readonly method: string;
  /** From the sandbox root, mount prefix included, no query. */
  readonly path: string;
  /** The query string with credential parameters (`token`) replaced by `REDACTED`. */
  readonly query: string;
  /** Request headers minus `authorization`, `proxy-authorization`, `x-bb-api-key` and `cookie`. */
  readonly headers: Readonly<Record<string, string>>;
  /** Where credentials were sent: `query`, `bearer`, `basic`, `authorization` (other scheme), `x-bb-api-key`, `cookie`. */
  readonly auth: readonly string[];
  /** `now()` when the request arrived. */
  readonly at: number;
}

export interface Sandbox {
  readonly url: string;
  readonly port: number;
  baseUrl(name: MountName): string;
  readonly tokens: SandboxTokens;
  injectFault(rule: FaultRule): void;
  clearFaults(): void;
  setState(patch: SandboxStatePatch): void;
  readonly requests: readonly RecordedRequest[];
  clearRequests(): void;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'x-bb-api-key', 'cookie']);
const SECRET_PARAMS = ['token', 'apiKey', 'api_key'];

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function record(req: IncomingMessage, url: URL, at: number): RecordedRequest {
  const headers: Record<string, string> = {};
  const auth: string[] = [];
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    if (SECRET_HEADERS.has(name)) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const query = new URLSearchParams(url.search);
  for (const param of SECRET_PARAMS) {
    if (query.has(param)) {
      auth.push('query');
      query.set(param, 'REDACTED');
    }
  }
  const authorization = req.headers.authorization;
  if (authorization !== undefined) {
    auth.push(authorization.startsWith('Bearer ') ? 'bearer' : authorization.startsWith('Basic ') ? 'basic' : 'authorization');
  }
  if (req.headers['x-bb-api-key'] !== undefined) auth.push('x-bb-api-key');
  if (req.headers.cookie !== undefined) auth.push('cookie');
  return { method: req.method ?? 'GET', path: url.pathname, query: query.toString(), headers, auth, at };
}

function findMount(mounts: readonly Mount[], path: string): Mount | undefined {
  // Longest prefix first, whole segments only: `/browserless-v1-all` is not `/browserless-v1`.
  return mounts.find((m) => path === m.prefix || path.startsWith(m.prefix + '/'));
}

function send(res: ServerResponse, reply: Reply): void {
  if (res.headersSent || res.destroyed) return;
  const body = Buffer.from(reply.body);
  res.writeHead(reply.status, { ...reply.headers, 'content-length': String(body.length) });
  res.end(body);
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const now = options.now ?? Date.now;
  const tokens: SandboxTokens = { ...DEFAULT_TOKENS, ...options.tokens };
  let origin = '';
  const ctx: SandboxContext = { now, seed: options.seed ?? 1, startedAt: now(), tokens, origin: () => origin };

  const browserless = createBrowserless(ctx, options.browserlessHistoryPeriods ?? 36);
  const browserbase = createBrowserbase(ctx);
  const northflank = createNorthflank(ctx, options.northflankRequestsPerHour ?? 1000);
  const cerebras = createCerebras(ctx, options.cerebrasRequestsPerMinute ?? 6);
  const prometheus = createPrometheus(ctx);
  const providers: readonly Provider[] = [browserless, browserbase, northflank, cerebras, prometheus];
  const mounts = providers.flatMap((p) => p.mounts).sort((a, b) => b.prefix.length - a.prefix.length);

  const faults = new FaultTable();
  const log: RecordedRequest[] = [];
  const maxLogged = options.maxLoggedRequests ?? 10_000;
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;

  function delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (closed) return;
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });
  }

  function setState(patch: SandboxStatePatch): void {
    if (patch.browserless !== undefined) browserless.setState?.(patch.browserless);
    if (patch.browserbase !== undefined) browserbase.setState?.(patch.browserbase);
    if (patch.northflank !== undefined) northflank.setState?.(patch.northflank);
    if (patch.cerebras !== undefined) cerebras.setState?.(patch.cerebras);
  }

  function resetState(): void {
    setState({ browserless: null, browserbase: null, northflank: null, cerebras: null });
  }

  function baseUrls(): Record<MountName, string> {
    return Object.fromEntries(MOUNT_NAMES.map((name) => [name, `${origin}/${name}`])) as Record<MountName, string>;
  }

  async function control(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const body = (await readBody(req)) ?? '';
    const parsed = body === '' ? { ok: true as const, value: undefined } : parseJsonBody(body);
    const route = `${req.method ?? 'GET'} ${path.replace(/\/$/, '')}`;
    switch (route) {
      case 'POST /__sandbox/faults': {
        try {
          if (!parsed.ok) throw new Error('body is not JSON');
          faults.add(parseFaultRule(parsed.value));
          return send(res, json(201, { ok: true }));
        } catch (error) {
          return send(res, json(400, { error: (error as Error).message }));
        }
      }
      case 'DELETE /__sandbox/faults':
        faults.clear();
        return send(res, { status: 204, headers: {}, body: '' });
      case 'POST /__sandbox/state':
        if (!parsed.ok || !isRecord(parsed.value)) return send(res, json(400, { error: 'body must be a JSON object like setState()' }));
        setState(parsed.value as SandboxStatePatch);
        return send(res, { status: 204, headers: {}, body: '' });
      case 'DELETE /__sandbox/state':
        resetState();
        return send(res, { status: 204, headers: {}, body: '' });
      case 'GET /__sandbox/requests':
        return send(res, json(200, log));
      case 'DELETE /__sandbox/requests':
        log.length = 0;
        return send(res, { status: 204, headers: {}, body: '' });
      case 'GET /__sandbox/info':
        return send(res, json(200, { url: origin, baseUrls: baseUrls(), tokens }));
      default:
        return send(res, json(404, { error: `no control route ${route}` }));
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    if (path === '/__sandbox' || path.startsWith('/__sandbox/')) return control(req, res, path);

    const at = now();
    const body = await readBody(req);
    log.push(record(req, url, at));
    if (log.length > maxLogged) log.splice(0, log.length - maxLogged);

    const mount = findMount(mounts, path);
    const style: ErrorStyle = mount ?? prometheusErrors;
    if (body === undefined) return send(res, style.error(413));
    const sreq: SandboxRequest = {
      method: req.method ?? 'GET',
      path: mount ? path.slice(mount.prefix.length) || '/' : path,
      query: url.searchParams,
      headers: req.headers,
      body,
    };
    const realReply = (): Reply => {
      if (mount) return mount.handle(sreq);
      if (path === '/' && sreq.method === 'GET') return json(200, { mounts: baseUrls() });
      return text(404, 'Not Found');
    };
    const fault: Fault | undefined = faults.take(path);
    if (fault === undefined) return send(res, realReply());
    await applyFault(fault, { req, res, style, realReply, send: (reply) => send(res, reply), delay });
  }

  const server: Server = createServer((req, res) => {
    // Writes racing a client that already hung up are expected here (faults, timeouts): ignore them.
    res.on('error', () => undefined);
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent && !res.destroyed) send(res, text(500, `sandbox error: ${(error as Error).message}`));
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // A client that disconnects mid-answer (timeouts, resets) must not crash the process.
  server.on('clientError', (_error, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;

  let closing: Promise<void> | undefined;
  return {
    url: origin,
    port,
    tokens,
    baseUrl: (name) => `${origin}/${name}`,
    injectFault: (rule) => faults.add(rule),
    clearFaults: () => faults.clear(),
    setState,
    get requests() {
      return log;
    },
    clearRequests: () => {
      log.length = 0;
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        closed = true;
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close(() => resolve());
        // Hung, slow-drip and keep-alive sockets would otherwise hold close() open.
        for (const socket of sockets) socket.destroy();
        sockets.clear();
      });
      return closing;
    },
  };
}
