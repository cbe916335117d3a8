/**
 * The single HTTP layer of the extension host. Every provider request goes through here, so timeouts,
 * size caps, content-type checks, proxying, typed errors and redaction are written once.
 *
 * undici is kept external to the bundle (it ships in the .vsix): bundled it would be larger than the
 * whole rest of the extension. Which proxy and which certificate authorities a request uses is
 * decided in dispatchers.ts, explicitly, so the behaviour does not depend on what the host patched.
 */
import type { Dispatcher } from 'undici';
import { BodyTooLarge, describeBytes, discardBody, readBody } from './body';
import { ProviderError, type RateLimitInfo } from './errors';
import { DEFAULT_MAX_JSON_DEPTH, limitJsonDepth, UnclosedDeepJson, type DepthLimitedJson } from './jsonDepth';
import { parseRateLimit } from './headers';
import { Dispatchers, loadUndici, type DispatcherChoice, type NetworkSettings } from './dispatchers';
import type { HostNetwork } from './hostNetwork';
import { proxySecrets } from './proxy';
import type { CertificateSources } from './trust';
import { redactSecrets, redactText, redactTruncated, redactUrl, StreamRedactor } from './redact';
import { statusError, unexpectedStatus } from './statusErrors';
import { classifyTransportError, type TransportContext } from './transportErrors';

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

export const DEFAULT_TIMEOUTS: HttpTimeouts = { connectMs: 10_000, headersMs: 15_000, bodyMs: 15_000, totalMs: 60_000 };
export const DEFAULT_MAX_BYTES = 8 * 1024 * 1024;
const ERROR_BODY_BYTES = 4096;
/** Bytes of a streamed body decoded and redacted per turn of the event loop (about a millisecond). */
const STREAM_BYTES_PER_TURN = 256 * 1024;

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
  /** JSON only: containers deeper than the depth limit, replaced by a marker string. */
  readonly prunedJsonDepth?: number;
}

/** A response whose body is read as it arrives (`HttpClient.stream`). */
export interface HttpStreamResponse extends Omit<HttpResponse<AsyncIterable<string>>, 'bytes' | 'prunedJsonDepth'> {
  /** Bytes of the body read so far. */
  bytesRead(): number;
}

/** What a response shows of itself before its body: credentials masked. */
type ShownResponse = Pick<HttpResponse<never>, 'status' | 'headers' | 'url' | 'contentType' | 'rateLimit'>;

interface OpenedResponse {
  readonly response: Dispatcher.ResponseData;
  readonly context: TransportContext;
  readonly shown: ShownResponse;
  readonly maxBytes: number;
}

/** The error for a body over its cap, declared or read: `where: 'body size'` is how callers tell it apart. */
function tooLarge(shown: ShownResponse, maxBytes: number, declared?: number): ProviderError {
  const host = new URL(shown.url).host;
  const what =
    declared === undefined
      ? `more than the ${describeBytes(maxBytes)} response limit`
      : `a ${describeBytes(declared)} response, over the ${describeBytes(maxBytes)} limit`;
  return new ProviderError('badResponse', `${host} sent ${what}`, { url: shown.url, status: shown.status, where: 'body size' });
}

export interface HttpClientOptions {
  /** VS Code's `http.*` settings (proxy, no-proxy, proxy authorization, strict SSL, system certificates) and the environment. */
  readonly proxy?: NetworkSettings;
  /** What the editor knows of the network (its proxy resolver, its certificate loader), when it says. */
  readonly host?: HostNetwork;
  /** Where system certificates come from, instead of the host, Node and this process (tests). */
  readonly certificates?: CertificateSources;
  readonly userAgent?: string;
  readonly timeouts?: Partial<HttpTimeouts>;
  readonly maxBytes?: number;
  /** Deepest JSON nesting read from a server (default 64); deeper parts become a marker string. */
  readonly maxJsonDepth?: number;
}

function tokenOf(auth: Auth | undefined): string | undefined {
  return auth && auth.kind !== 'none' ? auth.token : undefined;
}

/** Header values are server text like any other: an echoed token is masked before anyone reads them. */
function flattenHeaders(raw: Record<string, string | string[] | undefined>, secrets: readonly (string | undefined)[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    headers[name.toLowerCase()] = redactSecrets(Array.isArray(value) ? value.join(', ') : value, secrets);
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

export class HttpClient {
  private readonly userAgent: string;
  private readonly timeouts: HttpTimeouts;
  private readonly maxBytes: number;
  private maxJsonDepth: number;
  /** Proxy credentials, masked like tokens in everything this client reports. */
  private proxySecrets: readonly string[];
  private readonly dispatchers: Dispatchers;

  constructor(options: HttpClientOptions = {}) {
    this.userAgent = options.userAgent ?? 'live-usage-vscode';
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    this.maxJsonDepth = options.maxJsonDepth ?? DEFAULT_MAX_JSON_DEPTH;
    this.dispatchers = new Dispatchers({
      connectMs: this.timeouts.connectMs,
      ...(options.host ? { host: options.host } : {}),
      ...(options.certificates ? { certificates: options.certificates } : {}),
    });
    const settings = options.proxy ?? {};
    this.dispatchers.configure(settings);
    this.proxySecrets = proxySecrets(settings);
  }

  /** Applies a changed depth limit (setting `liveUsage.limits.maxJsonDepth`) to the next responses. */
  setMaxJsonDepth(maxJsonDepth: number): void {
    this.maxJsonDepth = maxJsonDepth;
  }

  /** Applies new network settings; connections made under the old ones are closed. */
  setProxyConfiguration(configuration: NetworkSettings): void {
    this.proxySecrets = proxySecrets(configuration);
    this.dispatchers.configure(configuration);
  }

  /** The dispatcher for a URL, the proxy it goes through and the trust its TLS uses (see dispatchers.ts). */
  dispatcherFor(url: URL): Promise<DispatcherChoice> {
    return this.dispatchers.for(url);
  }

  /** Sends a request and returns the checked body as text. Throws ProviderError only. */
  async send(options: HttpRequest): Promise<HttpResponse<string>> {
    const opened = await this.open(options);
    const { response, context, shown, maxBytes } = opened;
    let text: string;
    try {
      context.bodyStarted = true;
      // Redacted here, before any parser, note or cut sees it: an echoed token never reaches a label,
      // a parse-issue excerpt, history or a webview.
      text = redactSecrets((await readBody(response.body, maxBytes, false)).text, context.secrets);
    } catch (error) {
      if (error instanceof BodyTooLarge) throw tooLarge(shown, maxBytes);
      throw classifyTransportError(error, context);
    }
    return { ...shown, body: text, bytes: Buffer.byteLength(text) };
  }

  /**
   * Sends a request and hands the checked body over as it arrives: text pieces, redacted exactly as a
   * whole body would be, read within the byte cap (past it, the next piece throws a `badResponse`
   * ProviderError with `where: 'body size'`). For bodies too large to hold or parse in one piece; the
   * caller must read the stream to its end or stop reading (`break`), which closes the connection.
   */
  async stream(options: HttpRequest): Promise<HttpStreamResponse> {
    const { response, context, shown, maxBytes } = await this.open(options);
    let bytes = 0;
    async function* pieces(): AsyncGenerator<string, void, undefined> {
      const decoder = new TextDecoder();
      const redactor = new StreamRedactor(context.secrets);
      let complete = false;
      let sinceTurn = 0;
      context.bodyStarted = true;
      try {
        for await (const chunk of response.body) {
          const buffer = chunk as Buffer;
          bytes += buffer.length;
          if (bytes > maxBytes) throw tooLarge(shown, maxBytes);
          const text = redactor.push(decoder.decode(buffer, { stream: true }));
          if (text !== '') yield text;
          // Chunks already buffered are handed over without a return to the event loop: a body that
          // arrived all at once would be decoded and redacted in one stall. A turn every so often.
          sinceTurn += buffer.length;
          if (sinceTurn >= STREAM_BYTES_PER_TURN) {
            sinceTurn = 0;
            await new Promise((resolve) => setImmediate(resolve));
          }
        }
        const rest = redactor.push(decoder.decode()) + redactor.end();
        complete = true;
        if (rest !== '') yield rest;
      } catch (error) {
        throw error instanceof ProviderError ? error : classifyTransportError(error, context);
      } finally {
        if (!complete) discardBody(response.body);
      }
    }
    return { ...shown, body: pieces(), bytesRead: () => bytes };
  }

  /**
   * Sends a request and checks the answer up to its body: status, content type, declared size. Every
   * failure is a ProviderError; what comes back is ready to read.
   */
  private async open(options: HttpRequest): Promise<OpenedResponse> {
    const timeouts = { ...this.timeouts, ...options.timeouts };
    const secrets = [tokenOf(options.auth), ...this.proxySecrets];
    let url: URL;
    try {
      url = buildUrl(options.url, options.query, options.auth);
    } catch {
      throw new ProviderError('request', `The URL ${redactText(String(options.url), secrets)} is not valid`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new ProviderError('request', `The URL ${redactUrl(url)} must start with http:// or https://`);
    }
    if (url.username !== '' || url.password !== '') {
      throw new ProviderError('request', `The URL ${redactUrl(url)} carries a user name or password; store the token with "Live Usage: Set Token…" instead`);
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
    const context: TransportContext = { host, url: shownUrl, deadline, caller: options.signal, secrets, bodyStarted: false, timeouts };
    const maxBytes = options.maxBytes ?? this.maxBytes;

    let response: Dispatcher.ResponseData;
    try {
      const { request } = await loadUndici();
      const { dispatcher, proxy, trust } = await this.dispatcherFor(url);
      if (proxy) context.proxy = proxy;
      context.trust = trust;
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

    const responseHeaders = flattenHeaders(response.headers, secrets);
    const status = response.statusCode;
    const contentType = responseHeaders['content-type'];
    const rateLimit = parseRateLimit(responseHeaders);

    if (status >= 400) {
      let text = '';
      try {
        const read = await readBody(response.body, ERROR_BODY_BYTES, true);
        text = read.truncated ? redactTruncated(read.text, secrets) : redactSecrets(read.text, secrets);
      } catch {
        // The status is what matters; an unreadable error body is not worth a second failure.
      }
      throw statusError(status, responseHeaders, text, {
        host,
        url: shownUrl,
        path: url.pathname,
        secrets,
        optional: options.optionalRoute === true,
        rateLimit,
        ...(context.proxy ? { proxy: context.proxy } : {}),
      });
    }
    if (status < 200 || status >= 300) {
      // Only 2xx is data. undici does not follow redirects, and a 3xx body (often JSON from a gateway
      // or a login page) must never be read as the API's answer.
      discardBody(response.body);
      throw unexpectedStatus(status, responseHeaders, { host, url: shownUrl, secrets });
    }

    const shown: ShownResponse = {
      status,
      headers: responseHeaders,
      url: shownUrl,
      ...(contentType ? { contentType } : {}),
      ...(rateLimit ? { rateLimit } : {}),
    };
    const declaredLength = Number(responseHeaders['content-length']);
    if (Number.isFinite(declaredLength) && declaredLength > maxBytes) {
      discardBody(response.body);
      throw tooLarge(shown, maxBytes, declaredLength);
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
    return { response, context, shown, maxBytes };
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
    const host = new URL(response.url).host;
    let limited: DepthLimitedJson;
    try {
      limited = limitJsonDepth(response.body, this.maxJsonDepth);
    } catch (error) {
      if (!(error instanceof UnclosedDeepJson)) throw error;
      throw new ProviderError('badResponse', `${host} sent JSON ${error.message}; it was not read`, {
        url: response.url,
        status: response.status,
        where: 'body',
      });
    }
    try {
      return { ...response, body: JSON.parse(limited.text) as unknown, ...(limited.pruned > 0 ? { prunedJsonDepth: limited.pruned } : {}) };
    } catch (error) {
      const position = error instanceof SyntaxError ? /position (\d+)/.exec(error.message)?.[1] : undefined;
      throw new ProviderError('badResponse', `${host} sent malformed JSON${position ? ` (at character ${position})` : ''}`, {
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

  /** Cancels everything in flight and closes every connection. */
  async close(): Promise<void> {
    await this.dispatchers.close();
  }
}
