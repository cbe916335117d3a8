/**
 * The single HTTP layer of the extension host. Every provider request goes through here, so timeouts,
 * size caps, content-type checks, proxying, typed errors and redaction are written once.
 *
 * undici is kept external to the bundle (it ships in the .vsix): bundled it would be larger than the
 * whole rest of the extension. Proxy settings are applied explicitly with undici's ProxyAgent, so the
 * behaviour does not depend on whether the host patched the module.
 */
import type * as UndiciModule from 'undici';
import type { Agent, Dispatcher, ProxyAgent } from 'undici';
import { ProviderError, type RateLimitInfo, type TimeoutPhase } from './errors';
import { parseRateLimit, parseRetryAfter } from './headers';
import { resolveProxy, type ProxyConfiguration } from './proxy';
import { redactText, redactUrl } from './redact';

/** Where a provider takes its token. A token in the URL (`query`) is redacted from every message. */
export type Auth =
  | { readonly kind: 'none' }
  | { readonly kind: 'bearer'; readonly token: string }
  | { readonly kind: 'header'; readonly name: string; readonly token: string }
  /** Browserless sends the token as the user name; a Prometheus server behind basic auth takes a user name and the token as password. */
  | { readonly kind: 'basic'; readonly token: string; readonly username?: string }
  | { readonly kind: 'query'; readonly name: string; readonly token: string };

export interface HttpTimeouts {
  /** TCP + TLS connection (applies to the shared dispatcher). */
  readonly connectMs: number;
  /** From request sent to response headers received. */
  readonly headersMs: number;
  /** Longest silence between two body chunks. */
  readonly bodyMs: number;
  /** The whole exchange, so a slow drip of bytes cannot hold a poll forever. */
  readonly totalMs: number;
}

type Undici = typeof UndiciModule;
let undiciModule: Promise<Undici> | undefined;

/** undici is loaded on the first request, not at activation: it is the heaviest module we ship. */
function loadUndici(): Promise<Undici> {
  undiciModule ??= import('undici');
  return undiciModule;
}

export const DEFAULT_TIMEOUTS: HttpTimeouts = { connectMs: 10_000, headersMs: 15_000, bodyMs: 15_000, totalMs: 60_000 };
export const DEFAULT_MAX_BYTES = 8 * 1024 * 1024;
const ERROR_BODY_BYTES = 4096;

export type QueryValue = string | number | boolean | readonly (string | number)[] | undefined;

export interface HttpRequest {
  readonly method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly url: string | URL;
  readonly query?: Readonly<Record<string, QueryValue>>;
  readonly headers?: Readonly<Record<string, string>>;
  /** Request body, sent as JSON with a JSON content type. GETs never carry a content type. */
  readonly json?: unknown;
  readonly auth?: Auth;
  /** What the body must be: checked against the response's content type. */
  readonly expect: 'json' | 'text';
  /** Exact Accept header. Defaults to `application/json` or `text/plain, *\/*`. */
  readonly accept?: string;
  /** A 404 means the server does not offer this route (kind `notOffered`), not a missing resource. */
  readonly optionalRoute?: boolean;
  readonly timeouts?: Partial<HttpTimeouts>;
  /** Cap on the response body; larger bodies are cut off and reported. */
  readonly maxBytes?: number;
  readonly signal?: AbortSignal;
}

export interface HttpResponse<T> {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: T;
  /** The request URL with credentials masked. */
  readonly url: string;
  readonly contentType?: string;
  readonly bytes: number;
  readonly rateLimit?: RateLimitInfo;
}

export interface HttpClientOptions {
  readonly proxy?: ProxyConfiguration;
  readonly userAgent?: string;
  readonly timeouts?: Partial<HttpTimeouts>;
  readonly maxBytes?: number;
}

function tokenOf(auth: Auth | undefined): string | undefined {
  return auth && auth.kind !== 'none' ? auth.token : undefined;
}

function flattenHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function buildUrl(input: string | URL, query: HttpRequest['query'], auth: Auth | undefined): URL {
  const url = new URL(String(input));
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) url.searchParams.append(name, String(item));
    else url.searchParams.set(name, String(value));
  }
  if (auth?.kind === 'query') url.searchParams.set(auth.name, auth.token);
  return url;
}

function describeBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}

/** Finds the first `code` on an error or its causes (undici wraps the socket's error). */
function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

const TLS_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_NOT_YET_VALID',
  'EPROTO',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);

/** Turns a thrown low-level error into a ProviderError with a plain-words message. */
export function classifyTransportError(
  error: unknown,
  context: {
    host: string;
    url: string;
    deadline: AbortSignal;
    caller?: AbortSignal;
    secrets: (string | undefined)[];
    bodyStarted: boolean;
    timeouts: HttpTimeouts;
  },
): ProviderError {
  if (error instanceof ProviderError) return error;
  const { host, url } = context;
  const code = errorCode(error);
  const timeout = (phase: TimeoutPhase, ms: number, what: string) =>
    new ProviderError('timeout', `${host} did not ${what} within ${Math.round(ms / 1000)} s`, { url, phase, code });
  if (context.caller?.aborted) return new ProviderError('cancelled', `Request to ${host} was cancelled`, { url, code });
  if (context.deadline.aborted) return timeout('total', context.timeouts.totalMs, 'finish answering');
  switch (code) {
    case 'UND_ERR_CONNECT_TIMEOUT':
      return timeout('connect', context.timeouts.connectMs, 'accept a connection');
    case 'UND_ERR_HEADERS_TIMEOUT':
      return timeout('headers', context.timeouts.headersMs, 'start answering');
    case 'UND_ERR_BODY_TIMEOUT':
      return timeout('body', context.timeouts.bodyMs, 'send the rest of its answer');
    case 'ECONNREFUSED':
      return new ProviderError('network', `${host} refused the connection (is the server running and the URL right?)`, { url, code });
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new ProviderError('network', `The host name ${host} could not be resolved (DNS lookup failed)`, { url, code });
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
    case 'EPIPE':
      return new ProviderError(
        'network',
        context.bodyStarted ? `${host} closed the connection before the response was complete` : `${host} closed the connection without answering`,
        { url, code },
      );
    case 'ETIMEDOUT':
      return timeout('connect', context.timeouts.connectMs, 'accept a connection');
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new ProviderError('network', `${host} is unreachable from this machine (no route to host)`, { url, code });
    default:
      break;
  }
  if (code && TLS_CODES.has(code)) {
    return new ProviderError(
      'network',
      `The TLS certificate of ${host} could not be verified (${code}). Check the URL, or the server's certificate; behind a corporate proxy, check the http.proxyStrictSSL setting.`,
      { url, code },
    );
  }
  const raw = error instanceof Error ? error.message : String(error);
  if (/proxy/i.test(raw)) {
    return new ProviderError('network', `The proxy refused or failed the connection to ${host}: ${redactText(raw, context.secrets)}`, { url, code });
  }
  return new ProviderError('network', `Request to ${host} failed: ${redactText(raw, context.secrets)}`, { url, code });
}

/** Pulls a human message out of an error body: JSON `message`/`error`, else the first line of text. */
export function extractServerMessage(text: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  try {
    const parsed: unknown = JSON.parse(trimmed);
    if (parsed && typeof parsed === 'object') {
      const record = parsed as Record<string, unknown>;
      const nested = record.error && typeof record.error === 'object' ? (record.error as Record<string, unknown>) : undefined;
      const candidate = record.message ?? nested?.message ?? record.error ?? record.detail;
      if (typeof candidate === 'string' && candidate.trim() !== '') return candidate.trim().slice(0, 300);
    }
  } catch {
    // Not JSON: fall through to text.
  }
  if (/^\s*<(!doctype|html)/i.test(trimmed)) return undefined;
  return trimmed.split(/\r?\n/)[0]?.slice(0, 300);
}

export class HttpClient {
  private readonly userAgent: string;
  private readonly timeouts: HttpTimeouts;
  private readonly maxBytes: number;
  private proxyConfiguration: ProxyConfiguration;
  private directAgent: Agent | undefined;
  private readonly proxyAgents = new Map<string, ProxyAgent>();
  private closed = false;

  constructor(options: HttpClientOptions = {}) {
    this.userAgent = options.userAgent ?? 'live-usage-vscode';
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    this.proxyConfiguration = options.proxy ?? {};
  }

  /** Applies new proxy settings; connections through the old ones are closed. */
  setProxyConfiguration(configuration: ProxyConfiguration): void {
    this.proxyConfiguration = configuration;
    void this.closeDispatchers();
  }

  private strictSSL(): boolean {
    return this.proxyConfiguration.strictSSL !== false;
  }

  /** The dispatcher for a URL: one keep-alive agent for direct traffic, one per proxy. */
  async dispatcherFor(url: URL): Promise<Dispatcher> {
    if (this.closed) throw new ProviderError('cancelled', 'The HTTP client has been closed');
    const { Agent, ProxyAgent } = await loadUndici();
    const proxy = resolveProxy(url, this.proxyConfiguration);
    const tls = { rejectUnauthorized: this.strictSSL() };
    if (!proxy) {
      this.directAgent ??= new Agent({
        connect: { timeout: this.timeouts.connectMs, ...tls },
        keepAliveTimeout: 30_000,
        keepAliveMaxTimeout: 120_000,
        connections: 8,
      });
      return this.directAgent;
    }
    let agent = this.proxyAgents.get(proxy);
    if (!agent) {
      agent = new ProxyAgent({
        uri: proxy,
        requestTls: tls,
        proxyTls: tls,
        connect: { timeout: this.timeouts.connectMs },
        keepAliveTimeout: 30_000,
      } as ProxyAgent.Options);
      this.proxyAgents.set(proxy, agent);
    }
    return agent;
  }

  /** Sends a request and returns the checked body as text. Throws ProviderError only. */
  async send(options: HttpRequest): Promise<HttpResponse<string>> {
    const timeouts = { ...this.timeouts, ...options.timeouts };
    const secrets = [tokenOf(options.auth)];
    let url: URL;
    try {
      url = buildUrl(options.url, options.query, options.auth);
    } catch {
      throw new ProviderError('request', `The URL ${redactText(String(options.url), secrets)} is not valid`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new ProviderError('request', `The URL ${redactUrl(url)} must start with http:// or https://`);
    }
    const shownUrl = redactText(redactUrl(url), secrets);
    const host = url.host;
    const headers: Record<string, string> = {
      'user-agent': this.userAgent,
      accept: options.accept ?? (options.expect === 'json' ? 'application/json' : 'text/plain, */*'),
      ...options.headers,
    };
    const auth = options.auth;
    if (auth?.kind === 'bearer') headers.authorization = `Bearer ${auth.token}`;
    else if (auth?.kind === 'basic')
      headers.authorization = `Basic ${Buffer.from(auth.username === undefined ? `${auth.token}:` : `${auth.username}:${auth.token}`).toString('base64')}`;
    else if (auth?.kind === 'header') headers[auth.name.toLowerCase()] = auth.token;
    let body: string | undefined;
    if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers['content-type'] = 'application/json';
    }

    const deadline = AbortSignal.timeout(timeouts.totalMs);
    const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
    const context = { host, url: shownUrl, deadline, caller: options.signal, secrets, bodyStarted: false, timeouts };
    const maxBytes = options.maxBytes ?? this.maxBytes;

    let response: Dispatcher.ResponseData;
    try {
      const { request } = await loadUndici();
      const dispatcher = await this.dispatcherFor(url);
      response = await request(url, {
        method: options.method ?? 'GET',
        headers,
        body,
        signal,
        dispatcher,
        headersTimeout: timeouts.headersMs,
        bodyTimeout: timeouts.bodyMs,
      });
    } catch (error) {
      throw classifyTransportError(error, context);
    }

    const responseHeaders = flattenHeaders(response.headers);
    const status = response.statusCode;
    const contentType = responseHeaders['content-type'];
    const rateLimit = parseRateLimit(responseHeaders);

    if (status >= 400) {
      let text = '';
      try {
        text = await readBody(response.body, ERROR_BODY_BYTES, true);
      } catch {
        // The status is what matters; an unreadable error body is not worth a second failure.
      }
      throw this.statusError(status, responseHeaders, text, {
        host,
        url: shownUrl,
        path: url.pathname,
        secrets,
        optional: options.optionalRoute === true,
        rateLimit,
      });
    }

    const declaredLength = Number(responseHeaders['content-length']);
    if (Number.isFinite(declaredLength) && declaredLength > maxBytes) {
      discardBody(response.body);
      throw new ProviderError('badResponse', `${host} sent a ${describeBytes(declaredLength)} response, over the ${describeBytes(maxBytes)} limit`, {
        url: shownUrl,
        status,
        where: 'body size',
      });
    }
    if (contentType && /text\/html/i.test(contentType)) {
      discardBody(response.body);
      throw new ProviderError('badResponse', `${host} answered with a web page instead of API data (is the base URL right, or is a login page in the way?)`, {
        url: shownUrl,
        status,
        where: 'content-type',
      });
    }
    if (options.expect === 'json' && contentType && !/json/i.test(contentType)) {
      discardBody(response.body);
      throw new ProviderError('badResponse', `${host} answered with ${contentType.split(';')[0]} where JSON was expected`, {
        url: shownUrl,
        status,
        where: 'content-type',
      });
    }

    let text: string;
    try {
      context.bodyStarted = true;
      text = await readBody(response.body, maxBytes, false);
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        throw new ProviderError('badResponse', `${host} sent more than the ${describeBytes(maxBytes)} response limit`, {
          url: shownUrl,
          status,
          where: 'body size',
        });
      }
      throw classifyTransportError(error, context);
    }
    return {
      status,
      headers: responseHeaders,
      body: text,
      url: shownUrl,
      ...(contentType ? { contentType } : {}),
      bytes: Buffer.byteLength(text),
      ...(rateLimit ? { rateLimit } : {}),
    };
  }

  /** Sends a request and parses the JSON body. Shape validation is the caller's (per provider). */
  async json(options: Omit<HttpRequest, 'expect'>): Promise<HttpResponse<unknown>> {
    const response = await this.send({ ...options, expect: 'json' });
    if (response.body.trim() === '') {
      throw new ProviderError('badResponse', `${new URL(response.url).host} sent an empty body where JSON was expected`, {
        url: response.url,
        status: response.status,
        where: 'body',
      });
    }
    try {
      return { ...response, body: JSON.parse(response.body) as unknown };
    } catch (error) {
      const position = error instanceof SyntaxError ? /position (\d+)/.exec(error.message)?.[1] : undefined;
      throw new ProviderError('badResponse', `${new URL(response.url).host} sent malformed JSON${position ? ` (at character ${position})` : ''}`, {
        url: response.url,
        status: response.status,
        where: position ? `character ${position}` : 'body',
      });
    }
  }

  /** Sends a request and returns the body as text (Prometheus expositions, plain-text probes). */
  text(options: Omit<HttpRequest, 'expect'>): Promise<HttpResponse<string>> {
    return this.send({ ...options, expect: 'text' });
  }

  private statusError(
    status: number,
    headers: Record<string, string>,
    bodyText: string,
    context: { host: string; url: string; path: string; secrets: (string | undefined)[]; optional: boolean; rateLimit?: RateLimitInfo },
  ): ProviderError {
    const serverMessage = (() => {
      const extracted = extractServerMessage(bodyText);
      return extracted ? redactText(extracted, context.secrets) : undefined;
    })();
    const suffix = serverMessage ? `: ${serverMessage}` : '';
    const base = { status, url: context.url, ...(serverMessage ? { serverMessage } : {}), ...(context.rateLimit ? { rateLimit: context.rateLimit } : {}) };
    const { host, path } = context;
    if (status === 401 || status === 403) {
      return new ProviderError('auth', `${host} rejected the token (HTTP ${status})${suffix}`, base);
    }
    if (status === 404) {
      return context.optional
        ? new ProviderError('notOffered', `${host} does not offer ${path} (HTTP 404)`, base)
        : new ProviderError('notFound', `${path} was not found on ${host} (HTTP 404)${suffix}`, base);
    }
    if (status === 429) {
      const retryAfterMs = parseRetryAfter(headers);
      const wait = retryAfterMs === undefined ? '' : `; retry after ${Math.ceil(retryAfterMs / 1000)} s`;
      return new ProviderError('rateLimited', `${host} is rate limiting requests (HTTP 429)${wait}${suffix}`, {
        ...base,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      });
    }
    if (status >= 500) {
      const retryAfterMs = parseRetryAfter(headers);
      return new ProviderError('server', `${host} had a server error (HTTP ${status})${suffix}`, {
        ...base,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      });
    }
    return new ProviderError('request', `${host} refused the request (HTTP ${status})${suffix}`, base);
  }

  private async closeDispatchers(): Promise<void> {
    const dispatchers: Dispatcher[] = [...this.proxyAgents.values()];
    if (this.directAgent) dispatchers.push(this.directAgent);
    this.proxyAgents.clear();
    this.directAgent = undefined;
    await Promise.allSettled(dispatchers.map((dispatcher) => dispatcher.destroy()));
  }

  /** Cancels everything in flight and closes every connection. */
  async close(): Promise<void> {
    this.closed = true;
    await this.closeDispatchers();
  }
}

class BodyTooLarge extends Error {}

/**
 * Stops reading a body we will not use. A bare destroy() makes undici emit an 'error' event, which
 * with no listener would crash the extension host, so one is attached first.
 */
function discardBody(body: Dispatcher.ResponseData['body']): void {
  body.on('error', () => undefined);
  body.destroy();
}

/** Reads a body up to `limit` bytes. Past the limit: truncate (error bodies) or throw BodyTooLarge. */
async function readBody(body: Dispatcher.ResponseData['body'], limit: number, truncate: boolean): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    const buffer = chunk as Buffer;
    total += buffer.length;
    if (total > limit) {
      discardBody(body);
      if (truncate) {
        chunks.push(buffer.subarray(0, buffer.length - (total - limit)));
        break;
      }
      throw new BodyTooLarge();
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
