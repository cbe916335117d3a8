import type { IncomingHttpHeaders } from 'node:http';
import { STATUS_CODES } from 'node:http';

/** What a provider handler sees: the path is relative to the mount prefix and has no query. */
export interface SandboxRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/**
 * Handlers return a value instead of writing to the socket, so faults such as slow drip, truncation
 * or wrong shape can be applied to the real answer after the fact.
 */
export interface Reply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** How a provider words its errors; status faults and 429 faults use it so they look real. */
export interface ErrorStyle {
  error(status: number, message?: string): Reply;
  tooManyRequests(retryAfterSeconds: number): Reply;
}

export interface Mount extends ErrorStyle {
  /** Path prefix under the sandbox root, e.g. `/browserless-v1`. */
  readonly prefix: string;
  handle(req: SandboxRequest): Reply;
}

/** One provider: its mounts plus the state that `setState` can push into it. */
export interface Provider<Patch = unknown> {
  readonly mounts: readonly Mount[];
  /** `null` drops every override back to generated values. */
  setState?(patch: Patch | null): void;
}

export const JSON_TYPE = 'application/json; charset=utf-8';
export const TEXT_TYPE = 'text/plain; charset=utf-8';

export function json(status: number, value: unknown, headers: Record<string, string> = {}): Reply {
  return { status, headers: { 'content-type': JSON_TYPE, ...headers }, body: JSON.stringify(value) };
}

export function text(status: number, body: string, headers: Record<string, string> = {}): Reply {
  return { status, headers: { 'content-type': TEXT_TYPE, ...headers }, body };
}

export function statusText(status: number): string {
  return STATUS_CODES[status] ?? 'Error';
}

export function header(req: SandboxRequest, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** The token of `Authorization: Bearer T`; the scheme word is case-sensitive, as on the real servers. */
export function bearerToken(req: SandboxRequest): string | undefined {
  const auth = header(req, 'authorization');
  return auth?.startsWith('Bearer ') ? auth.slice('Bearer '.length).trim() : undefined;
}

export function decodeBase64(value: string): string {
  return Buffer.from(value, 'base64').toString('utf8');
}

/**
 * Matches `/v1/sessions/:id` style patterns; a single trailing slash is tolerated because the
 * Browserless routes are declared as `/pressure?(/)`.
 */
export function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const normalized = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  const want = pattern.split('/');
  const got = normalized.split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i] ?? '';
    const g = got[i] ?? '';
    if (w.startsWith(':')) {
      if (g === '') return undefined;
      try {
        params[w.slice(1)] = decodeURIComponent(g);
      } catch {
        return undefined;
      }
    } else if (w !== g) {
      return undefined;
    }
  }
  return params;
}

export function parseJsonBody(body: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(body) as unknown };
  } catch {
    return { ok: false };
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}
