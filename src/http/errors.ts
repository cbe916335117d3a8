/**
 * Typed failures the UI can act on. Every message is built from redacted parts only: a ProviderError
 * never carries a token, whatever the server echoed back.
 */

export type ProviderErrorKind =
  /** 401/403: the token is missing, wrong or lacks permission. UI offers "Set token". */
  | 'auth'
  /** 404 on a route the server may legitimately not have (e.g. Browserless /pressure on old v2). */
  | 'notOffered'
  /** 404 on a resource that should exist (a session id, a project id). */
  | 'notFound'
  /** 429, with `retryAfterMs` when the server said how long to wait. */
  | 'rateLimited'
  /** 5xx. */
  | 'server'
  /** Other 4xx: the request itself was refused (400, 402, 409, 422…). */
  | 'request'
  /** No answer within the connect, headers, body or total deadline. */
  | 'timeout'
  /** Connection refused/reset, DNS failure, TLS failure, proxy failure. */
  | 'network'
  /** The server answered 2xx but the body is not what the API documents (shape, type, size). */
  | 'badResponse'
  /** The caller aborted (dispose, newer poll, user cancel). Not an error state to show. */
  | 'cancelled';

export type TimeoutPhase = 'connect' | 'headers' | 'body' | 'total';

export interface RateLimitInfo {
  readonly limit?: number;
  readonly remaining?: number;
  /** Epoch ms at which the window resets, when the server said. */
  readonly resetAt?: number;
}

export interface ProviderErrorDetails {
  readonly status?: number;
  /** Redacted URL of the request. */
  readonly url?: string;
  readonly retryAfterMs?: number;
  readonly rateLimit?: RateLimitInfo;
  /** The field path or line number at fault, for badResponse. */
  readonly where?: string;
  /** Low-level code such as ECONNREFUSED, ENOTFOUND, CERT_HAS_EXPIRED, UND_ERR_BODY_TIMEOUT. */
  readonly code?: string;
  readonly phase?: TimeoutPhase;
  /** Redacted, truncated text the server sent with an error status. */
  readonly serverMessage?: string;
}

export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  readonly kind: ProviderErrorKind;
  readonly status?: number;
  readonly url?: string;
  readonly retryAfterMs?: number;
  readonly rateLimit?: RateLimitInfo;
  readonly where?: string;
  readonly code?: string;
  readonly phase?: TimeoutPhase;
  readonly serverMessage?: string;

  constructor(kind: ProviderErrorKind, message: string, details: ProviderErrorDetails = {}) {
    super(message);
    this.kind = kind;
    Object.assign(this, details);
  }

  /** True for failures that may go away by themselves, so polling should back off and retry. */
  get isTransient(): boolean {
    return this.kind === 'rateLimited' || this.kind === 'server' || this.kind === 'timeout' || this.kind === 'network';
  }
}

export function isProviderError(value: unknown): value is ProviderError {
  return value instanceof ProviderError;
}

export function badResponse(message: string, where: string | undefined, url?: string): ProviderError {
  return new ProviderError('badResponse', where ? `${message} (at ${where})` : message, { where, url });
}
