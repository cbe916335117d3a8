/** HTTP error statuses turned into ProviderErrors, with the server's own words (redacted) when it sent any. */
import { ProviderError, type RateLimitInfo } from './errors';
import { parseRetryAfter } from './headers';
import type { ProxyInUse } from './proxy';
import { redactThenCut, redactUrl } from './redact';
import { proxyStatusMessage } from './transportErrors';

/** Longest server message kept in an error; cut after redaction, never before. */
const SERVER_MESSAGE_CHARS = 300;

/** Pulls a human message out of an error body: JSON `message`/`error`, else the first line of text. Uncut: the caller redacts, then cuts. */
export function extractServerMessage(text: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  try {
    const parsed: unknown = JSON.parse(trimmed);
    if (parsed && typeof parsed === 'object') {
      const record = parsed as Record<string, unknown>;
      const nested = record.error && typeof record.error === 'object' ? (record.error as Record<string, unknown>) : undefined;
      const candidate = record.message ?? nested?.message ?? record.error ?? record.detail;
      if (typeof candidate === 'string' && candidate.trim() !== '') return candidate.trim();
    }
  } catch {
    // Not JSON: fall through to text.
  }
  if (/^\s*<(!doctype|html)/i.test(trimmed)) return undefined;
  return trimmed.split(/\r?\n/)[0];
}
export interface StatusContext {
  readonly host: string;
  readonly url: string;
  readonly path: string;
  readonly secrets: readonly (string | undefined)[];
  readonly optional: boolean;
  readonly rateLimit?: RateLimitInfo;
  /** The proxy the request went through, if any: some statuses are its own. */
  readonly proxy?: ProxyInUse;
}

/**
 * Whether a status came from the proxy rather than the server: 407 always does, and squid and
 * RFC 9209 proxies mark the errors they make themselves.
 */
function fromProxy(status: number, headers: Record<string, string>, context: StatusContext): context is StatusContext & { readonly proxy: ProxyInUse } {
  if (!context.proxy) return false;
  return status === 407 || headers['x-squid-error'] !== undefined || headers['proxy-status'] !== undefined;
}

/** The ProviderError for an HTTP error status, named by what the status means for the user. */
export function statusError(status: number, headers: Record<string, string>, bodyText: string, context: StatusContext): ProviderError {
  const serverMessage = (() => {
    const extracted = extractServerMessage(bodyText);
    return extracted ? redactThenCut(extracted, SERVER_MESSAGE_CHARS, context.secrets) : undefined;
  })();
  const suffix = serverMessage ? `: ${serverMessage}` : '';
  const base = { status, url: context.url, ...(serverMessage ? { serverMessage } : {}), ...(context.rateLimit ? { rateLimit: context.rateLimit } : {}) };
  const { host, path } = context;
  if (fromProxy(status, headers, context)) {
    const said = headers['x-squid-error'] ?? headers['proxy-status'];
    return new ProviderError(
      'network',
      `${proxyStatusMessage(context.proxy, status, host)}${said ? ` (the proxy said: ${redactThenCut(said, 100, context.secrets)})` : ''}`,
      {
        ...base,
        where: 'proxy',
      },
    );
  }
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

/** A 1xx or 3xx answer: not data. A redirect names where it pointed (redacted), since that is usually a wrong base URL. */
export function unexpectedStatus(status: number, headers: Record<string, string>, context: Pick<StatusContext, 'host' | 'url' | 'secrets'>): ProviderError {
  const details = { status, url: context.url, where: 'status' };
  const location = headers.location;
  if (status >= 300 && status < 400) {
    const target = location ? ` to ${redactThenCut(redactUrl(location), 200, context.secrets)}` : '';
    return new ProviderError(
      'badResponse',
      `${context.host} answered with a redirect${target} (HTTP ${status}) instead of data; Live Usage does not follow redirects: check the base URL (https, the right host and path).`,
      details,
    );
  }
  return new ProviderError('badResponse', `${context.host} answered HTTP ${status} instead of data`, details);
}
