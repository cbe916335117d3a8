import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorStyle, Reply } from './http';
import { isRecord, JSON_TYPE } from './http';

export type Fault =
  | { readonly kind: 'latency'; readonly ms: number }
  | { readonly kind: 'status'; readonly status: number; readonly body?: string; readonly headers?: Readonly<Record<string, string>> }
  | { readonly kind: 'rateLimit'; readonly retryAfterSeconds: number }
  | { readonly kind: 'malformedJson' }
  | { readonly kind: 'wrongShape' }
  | { readonly kind: 'truncated' }
  | { readonly kind: 'oversized'; readonly bytes: number }
  | { readonly kind: 'slowDrip'; readonly chunkDelayMs: number; readonly chunkBytes?: number }
  | { readonly kind: 'hang' }
  | { readonly kind: 'reset' }
  | { readonly kind: 'html' }
  /**
   * Nesting a parser can choke on: `brackets` sends `depth` bare `[` (never closed); otherwise an
   * object `depth` levels deep goes under `field` of the body (of its element `index`, default 0, when
   * the body is an array).
   */
  /** 200, a Prometheus exposition of one gauge family with `series` series (`sandbox_series{i="…"}`). */
  | { readonly kind: 'manySeries'; readonly series: number }
  | { readonly kind: 'deepJson'; readonly depth: number; readonly field?: string; readonly index?: number; readonly shape?: 'brackets' };

export type FaultKind = Fault['kind'];

export interface FaultRule {
  /** Path prefix under the sandbox root, matched on whole segments. */
  readonly route: string;
  readonly fault: Fault;
  /** Omitted: until cleared. A number: that many matching requests, then the rule is gone. */
  readonly times?: number;
}

interface ActiveRule {
  readonly route: string;
  readonly fault: Fault;
  remaining: number | undefined;
}

/**
 * Whole-segment prefix match, so `/browserless` hits `/browserless/pressure` but not
 * `/browserless-v1/pressure` (which is a different server).
 */
export function routeMatches(route: string, path: string): boolean {
  const prefix = route.length > 1 && route.endsWith('/') ? route.slice(0, -1) : route;
  if (prefix === '' || prefix === '/') return true;
  return path === prefix || path.startsWith(prefix + '/');
}

export class FaultTable {
  private rules: ActiveRule[] = [];

  add(rule: FaultRule): void {
    this.rules.push({ route: rule.route, fault: rule.fault, remaining: rule.times });
  }

  clear(): void {
    this.rules = [];
  }

  /**
   * Counted rules are consumed first, oldest first, so `times: 1` always means "the next request"
   * even while a route-wide fault is in place; otherwise the newest route-wide rule wins.
   */
  take(path: string): Fault | undefined {
    const counted = this.rules.find((r) => r.remaining !== undefined && r.remaining > 0 && routeMatches(r.route, path));
    if (counted) {
      counted.remaining = (counted.remaining ?? 1) - 1;
      if (counted.remaining <= 0) this.rules = this.rules.filter((r) => r !== counted);
      return counted.fault;
    }
    for (let i = this.rules.length - 1; i >= 0; i--) {
      const rule = this.rules[i];
      if (rule && rule.remaining === undefined && routeMatches(rule.route, path)) return rule.fault;
    }
    return undefined;
  }
}

const FAULT_KINDS: readonly FaultKind[] = [
  'latency',
  'status',
  'rateLimit',
  'malformedJson',
  'wrongShape',
  'truncated',
  'oversized',
  'slowDrip',
  'hang',
  'reset',
  'html',
  'deepJson',
  'manySeries',
];

function nonNegative(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number`);
  return value;
}

/** Validates a rule that arrived as JSON over `POST /__sandbox/faults`. */
export function parseFaultRule(value: unknown): FaultRule {
  if (!isRecord(value)) throw new Error('body must be an object { route, fault, times? }');
  const { route, fault, times } = value;
  if (typeof route !== 'string' || !route.startsWith('/')) throw new Error('route must be a path starting with /');
  if (times !== undefined && (typeof times !== 'number' || !Number.isInteger(times) || times < 1)) {
    throw new Error('times must be a positive integer');
  }
  if (!isRecord(fault) || typeof fault.kind !== 'string' || !FAULT_KINDS.includes(fault.kind as FaultKind)) {
    throw new Error(`fault.kind must be one of ${FAULT_KINDS.join(', ')}`);
  }
  const parsed = checkFault(fault);
  return times === undefined ? { route, fault: parsed } : { route, fault: parsed, times };
}

function checkFault(f: Record<string, unknown>): Fault {
  switch (f.kind as FaultKind) {
    case 'latency':
      return { kind: 'latency', ms: nonNegative(f.ms, 'ms') };
    case 'status': {
      const status = f.status;
      if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) throw new Error('status must be an HTTP status');
      if (f.body !== undefined && typeof f.body !== 'string') throw new Error('body must be a string');
      const headers = f.headers;
      if (headers !== undefined && (!isRecord(headers) || Object.values(headers).some((v) => typeof v !== 'string'))) {
        throw new Error('headers must map names to strings');
      }
      return {
        kind: 'status',
        status,
        ...(typeof f.body === 'string' ? { body: f.body } : {}),
        ...(headers !== undefined ? { headers: headers as Record<string, string> } : {}),
      };
    }
    case 'rateLimit':
      return { kind: 'rateLimit', retryAfterSeconds: nonNegative(f.retryAfterSeconds, 'retryAfterSeconds') };
    case 'oversized':
      return { kind: 'oversized', bytes: nonNegative(f.bytes, 'bytes') };
    case 'slowDrip': {
      const chunkBytes = f.chunkBytes === undefined ? undefined : Math.max(1, nonNegative(f.chunkBytes, 'chunkBytes'));
      return { kind: 'slowDrip', chunkDelayMs: nonNegative(f.chunkDelayMs, 'chunkDelayMs'), ...(chunkBytes === undefined ? {} : { chunkBytes }) };
    }
    case 'manySeries':
      return { kind: 'manySeries', series: Math.floor(nonNegative(f.series, 'series')) };
    case 'deepJson': {
      if (f.field !== undefined && typeof f.field !== 'string') throw new Error('field must be a string');
      if (f.shape !== undefined && f.shape !== 'brackets') throw new Error("shape must be 'brackets' when given");
      return {
        kind: 'deepJson',
        depth: Math.floor(nonNegative(f.depth, 'depth')),
        ...(typeof f.field === 'string' ? { field: f.field } : {}),
        ...(f.index === undefined ? {} : { index: Math.floor(nonNegative(f.index, 'index')) }),
        ...(f.shape === 'brackets' ? { shape: 'brackets' as const } : {}),
      };
    }
    default:
      return { kind: f.kind as 'malformedJson' | 'wrongShape' | 'truncated' | 'hang' | 'reset' | 'html' };
  }
}

/** What applying a fault needs from the server: the live exchange, cancellable waits, the real answer. */
export interface FaultContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly style: ErrorStyle;
  realReply(): Reply;
  send(reply: Reply): void;
  /** Resolves after `ms`, or never if the sandbox closes first (its sockets are gone by then). */
  delay(ms: number): Promise<void>;
}

const LOGIN_PAGE = `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Sign in</title></head>
<body>
<form method="post" action="/login">
<h1>Sign in to continue</h1>
<label>Email <input type="email" name="email"></label>
<label>Password <input type="password" name="password"></label>
<button type="submit">Sign in</button>
</form>
</body>
</html>
`;

function isJsonBody(reply: Reply): boolean {
  return (reply.headers['content-type'] ?? '').includes('json') && /^\s*[[{]/.test(reply.body);
}

/**
 * Valid JSON of the wrong shape: a top-level array becomes an object, and every number or boolean in
 * an object becomes a string, so a schema check fails while JSON.parse succeeds.
 */
export function reshape(value: unknown): unknown {
  if (Array.isArray(value)) return { items: value };
  return stringifyScalars(value);
}

function stringifyScalars(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stringifyScalars);
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, stringifyScalars(v)]));
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return value;
}

function wrongShapeBody(real: Reply): string {
  if (isJsonBody(real)) {
    try {
      return JSON.stringify(reshape(JSON.parse(real.body)));
    } catch {
      // fall through: the real body was not JSON after all
    }
  }
  return JSON.stringify({ metrics: 'not an exposition', count: '3' });
}

function malformedBody(real: Reply): string {
  // A proper prefix of a JSON object or array never parses.
  if (isJsonBody(real) && real.body.length >= 2) return real.body.slice(0, Math.max(1, Math.floor(real.body.length / 2)));
  return '{"status": "ok", "data": [1, 2,';
}

/**
 * The real body with `{"level":{"level":…"bottom"}}` `depth` levels deep under `field` of the body
 * (or of its element `index`). Built as text: a value that deep could not be stringified.
 */
function deepBody(real: Reply, depth: number, field: string, index: number): string {
  const nested = '{"level":'.repeat(depth) + '"bottom"' + '}'.repeat(depth);
  let value: unknown = {};
  if (isJsonBody(real)) {
    try {
      value = JSON.parse(real.body);
    } catch {
      // keep the empty object
    }
  }
  const holder: unknown = Array.isArray(value) ? value[index] : value;
  const marker = '"__deep__"';
  if (isRecord(holder)) holder[field] = '__deep__';
  else value = { [field]: '__deep__' };
  return JSON.stringify(value).replace(marker, nested);
}

const PAD_BLOCK = 64 * 1024;

/**
 * Padding made of what the format ignores (JSON whitespace, exposition comment lines) so the body
 * stays valid; yielded in blocks so a 100 MB fault never sits in memory at once.
 */
function* padding(real: Reply, bytes: number): Generator<string> {
  const json = isJsonBody(real);
  const line = '# padding ' + 'x'.repeat(53) + '\n';
  const block = json ? ' '.repeat(PAD_BLOCK) : line.repeat(PAD_BLOCK / line.length);
  let left = Math.max(0, bytes);
  while (left >= block.length) {
    yield block;
    left -= block.length;
  }
  if (left === 0) return;
  if (json) {
    yield ' '.repeat(left);
    return;
  }
  const whole = line.repeat(Math.floor(left / line.length));
  const rest = left - whole.length;
  yield whole + (rest === 0 ? '' : rest === 1 ? '\n' : '#' + ' '.repeat(rest - 2) + '\n');
}

function headersFor(reply: Reply, length: number): Record<string, string> {
  return { ...reply.headers, 'content-length': String(length) };
}

async function writeChunks(ctx: FaultContext, data: Buffer, chunkBytes: number, delayMs: number): Promise<void> {
  for (let offset = 0; offset < data.length; offset += chunkBytes) {
    if (ctx.res.destroyed) return;
    ctx.res.write(data.subarray(offset, offset + chunkBytes));
    if (offset + chunkBytes < data.length) await ctx.delay(delayMs);
  }
  ctx.res.end();
}

async function writeLarge(ctx: FaultContext, body: Buffer, pad: Iterable<string>): Promise<void> {
  ctx.res.write(body);
  for (const chunk of pad) {
    if (ctx.res.destroyed) return;
    // Respect backpressure so a slow reader does not make the whole body pile up in memory.
    if (!ctx.res.write(chunk)) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          ctx.res.off('drain', done);
          ctx.res.off('close', done);
          resolve();
        };
        ctx.res.on('drain', done);
        ctx.res.on('close', done);
      });
    }
  }
  ctx.res.end();
}

export async function applyFault(fault: Fault, ctx: FaultContext): Promise<void> {
  switch (fault.kind) {
    case 'latency':
      await ctx.delay(fault.ms);
      ctx.send(ctx.realReply());
      return;
    case 'status': {
      const base = ctx.style.error(fault.status);
      const body = fault.body ?? base.body;
      ctx.send({ status: fault.status, headers: { ...base.headers, ...(fault.headers ?? {}) }, body });
      return;
    }
    case 'rateLimit':
      ctx.send(ctx.style.tooManyRequests(fault.retryAfterSeconds));
      return;
    case 'malformedJson':
      ctx.send({ status: 200, headers: { 'content-type': JSON_TYPE }, body: malformedBody(ctx.realReply()) });
      return;
    case 'wrongShape':
      ctx.send({ status: 200, headers: { 'content-type': JSON_TYPE }, body: wrongShapeBody(ctx.realReply()) });
      return;
    case 'html':
      ctx.send({ status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: LOGIN_PAGE });
      return;
    case 'truncated': {
      const real = ctx.realReply();
      const data = Buffer.from(real.body.length > 0 ? real.body : '{"truncated":true}');
      ctx.res.writeHead(real.status, headersFor(real, data.length + 512));
      ctx.res.write(data.subarray(0, Math.ceil(data.length / 2)), () => ctx.req.socket.destroy());
      return;
    }
    case 'oversized': {
      const real = ctx.realReply();
      const body = Buffer.from(real.body);
      const padBytes = Math.max(0, fault.bytes - body.length);
      ctx.res.writeHead(real.status, headersFor(real, body.length + padBytes));
      await writeLarge(ctx, body, padding(real, padBytes));
      return;
    }
    case 'slowDrip': {
      const real = ctx.realReply();
      const data = Buffer.from(real.body);
      ctx.res.writeHead(real.status, headersFor(real, data.length));
      ctx.res.flushHeaders();
      await writeChunks(ctx, data, Math.max(1, Math.floor(fault.chunkBytes ?? 8)), fault.chunkDelayMs);
      return;
    }
    case 'manySeries': {
      const lines = ['# HELP sandbox_series One gauge with very many label values.', '# TYPE sandbox_series gauge'];
      for (let index = 0; index < fault.series; index++) lines.push(`sandbox_series{i="${index}",shard="${index % 16}"} ${index % 97}`);
      ctx.send({ status: 200, headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }, body: `${lines.join('\n')}\n` });
      return;
    }
    case 'deepJson': {
      const body = fault.shape === 'brackets' ? '['.repeat(fault.depth) : deepBody(ctx.realReply(), fault.depth, fault.field ?? 'nested', fault.index ?? 0);
      ctx.send({ status: 200, headers: { 'content-type': JSON_TYPE }, body });
      return;
    }
    case 'hang':
      // Headers are never sent; the socket stays open until the client gives up or the sandbox closes.
      return;
    case 'reset':
      ctx.req.socket.resetAndDestroy();
      return;
  }
}
