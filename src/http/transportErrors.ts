/** Low-level failures (sockets, DNS, TLS, deadlines) turned into ProviderErrors with plain-words messages. */
import { ProviderError, type TimeoutPhase } from './errors';
import type { TrustInUse } from './dispatchers';
import type { HttpTimeouts } from './httpClient';
import type { ProxyInUse } from './proxy';
import { redactText } from './redact';

/** Finds the first `code` on an error or its causes (undici wraps the socket's error). */
export function errorCode(error: unknown): string | undefined {
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

/** What a certificate code says is wrong, in plain words. */
const CERTIFICATE_PROBLEMS: Readonly<Record<string, string>> = {
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'is signed by a certificate authority this machine does not trust',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'is signed by a certificate authority this machine does not trust',
  SELF_SIGNED_CERT_IN_CHAIN: 'comes with a self-signed certificate authority that is not trusted here',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'is self-signed',
  CERT_HAS_EXPIRED: 'has expired',
  CERT_NOT_YET_VALID: 'is not valid yet',
  ERR_TLS_CERT_ALTNAME_INVALID: 'is for another host name',
};

/** A certificate failure: what is wrong with it, what was trusted, and what the user can change. */
function certificateMessage(host: string, code: string, trust: TrustInUse | undefined): string {
  const problem = CERTIFICATE_PROBLEMS[code];
  if (problem === undefined) {
    return `The TLS connection to ${host} failed (${code}). Check the URL; behind a proxy that inspects TLS, check the http.proxyStrictSSL setting.`;
  }
  const system = trust?.systemCertificates;
  const trusted =
    system === 'off'
      ? ` Only Node's bundled certificate authorities were trusted, because http.systemCertificates is off: turn it on if the authority is in this machine's trust store (a company CA usually is).`
      : system === 'none found'
        ? ` Node's bundled certificate authorities were trusted; no system certificates beyond them were found.`
        : system
          ? ` Node's bundled certificate authorities and the system's ${system.count} (from ${system.from}) were trusted.`
          : '';
  const authority = code === 'ERR_TLS_CERT_ALTNAME_INVALID' || code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID' ? '' : trusted;
  return `The TLS certificate of ${host} ${problem} (${code}).${authority} Behind a proxy that inspects TLS, its certificate authority must be trusted; http.proxyStrictSSL off skips the check.`;
}

/** Turns a thrown low-level error into a ProviderError with a plain-words message. */
export interface TransportContext {
  readonly host: string;
  readonly url: string;
  readonly deadline: AbortSignal;
  readonly caller?: AbortSignal;
  readonly secrets: readonly (string | undefined)[];
  bodyStarted: boolean;
  readonly timeouts: HttpTimeouts;
  /** Set when the request went through a proxy: then connecting, and DNS, are the proxy's part. */
  proxy?: ProxyInUse;
  /** Which certificate authorities the request's TLS trusted. */
  trust?: TrustInUse;
}

/** What a proxy's status for a tunnel or a forwarded request means, in plain words. */
export function proxyStatusMessage(proxy: ProxyInUse, status: number, host: string): string {
  const named = `The proxy ${proxy.host} (from ${proxy.source})`;
  if (status === 407) {
    return `${named} requires authentication (HTTP 407): set VS Code's http.proxyAuthorization setting, or put the credentials in the proxy URL`;
  }
  if (status === 403) return `${named} refused to connect to ${host} (HTTP 403): its rules do not allow this destination`;
  if (status === 502 || status === 503 || status === 504) {
    return `${named} could not reach ${host} (HTTP ${status}): check the host name, and that the proxy can reach it`;
  }
  return `${named} failed the connection to ${host} (HTTP ${status})`;
}

/** The proxy's own failures: it is down, unknown, silent, or refused the tunnel. Undefined for the rest. */
function proxyFailure(error: unknown, code: string | undefined, context: TransportContext): ProviderError | undefined {
  const proxy = context.proxy;
  if (!proxy) return undefined;
  const { url, host } = context;
  const named = `The proxy ${proxy.host} (from ${proxy.source})`;
  const details = { url, code, where: 'proxy' };
  switch (code) {
    case 'ECONNREFUSED':
      return new ProviderError('network', `${named} refused the connection: is it running, and is the setting right? (${host} was not tried)`, details);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new ProviderError('network', `The host name of the proxy ${proxy.host} (from ${proxy.source}) could not be resolved (DNS lookup failed)`, details);
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'ETIMEDOUT':
      return new ProviderError('timeout', `${named} did not accept a connection within ${Math.round(context.timeouts.connectMs / 1000)} s`, {
        ...details,
        phase: 'connect',
      });
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new ProviderError('network', `${named} is unreachable from this machine (no route to host)`, details);
    default:
      break;
  }
  // undici's words for a tunnel the proxy refused, and for a 407 to a forwarded request.
  const refused = /Proxy response \((\d{3})\)|Proxy Authentication Required \((407)\)/.exec(error instanceof Error ? error.message : '');
  const status = Number(refused?.[1] ?? refused?.[2]);
  if (refused) return new ProviderError('network', proxyStatusMessage(proxy, status, host), { ...details, status });
  return undefined;
}

export function classifyTransportError(error: unknown, context: TransportContext): ProviderError {
  if (error instanceof ProviderError) return error;
  const { host, url } = context;
  const code = errorCode(error);
  const timeout = (phase: TimeoutPhase, ms: number, what: string) =>
    new ProviderError('timeout', `The server ${host} did not ${what} within ${Math.round(ms / 1000)} s`, { url, phase, code });
  if (context.caller?.aborted) return new ProviderError('cancelled', `Request to ${host} was cancelled`, { url, code });
  if (context.deadline.aborted) return timeout('total', context.timeouts.totalMs, 'finish answering');
  const viaProxy = proxyFailure(error, code, context);
  if (viaProxy) return viaProxy;
  switch (code) {
    case 'UND_ERR_CONNECT_TIMEOUT':
      return timeout('connect', context.timeouts.connectMs, 'accept a connection');
    case 'UND_ERR_HEADERS_TIMEOUT':
      return timeout('headers', context.timeouts.headersMs, 'start answering');
    case 'UND_ERR_BODY_TIMEOUT':
      return timeout('body', context.timeouts.bodyMs, 'send the rest of its answer');
    case 'ECONNREFUSED':
      return new ProviderError('network', `The server ${host} refused the connection (is it running, and is the URL right?)`, { url, code });
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new ProviderError('network', `The host name ${host} could not be resolved (DNS lookup failed)`, { url, code });
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
    case 'EPIPE':
      return new ProviderError(
        'network',
        context.bodyStarted
          ? `The server ${host} closed the connection before the response was complete`
          : `The server ${host} closed the connection without answering`,
        { url, code },
      );
    case 'ETIMEDOUT':
      return timeout('connect', context.timeouts.connectMs, 'accept a connection');
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new ProviderError('network', `The server ${host} is unreachable from this machine (no route to host)`, { url, code });
    default:
      break;
  }
  if (code && TLS_CODES.has(code)) return new ProviderError('network', certificateMessage(host, code, context.trust), { url, code });
  const raw = error instanceof Error ? error.message : String(error);
  if (context.proxy || /proxy/i.test(raw)) {
    return new ProviderError('network', `The proxy refused or failed the connection to ${host}: ${redactText(raw, context.secrets)}`, { url, code });
  }
  return new ProviderError('network', `Request to ${host} failed: ${redactText(raw, context.secrets)}`, { url, code });
}
