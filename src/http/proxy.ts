/**
 * Which proxy, if any, a request should go through. Pure: the VS Code settings and the process
 * environment are passed in, so the rules are tested without a window.
 *
 * Precedence (the same as VS Code's own): the `http.proxy` setting, else HTTPS_PROXY/HTTP_PROXY (and
 * lower-case forms) from the environment. Hosts matching `http.noProxy` or NO_PROXY go direct.
 */
import { BlockList, isIP } from 'node:net';

export interface ProxyConfiguration {
  /** VS Code `http.proxy`; empty means "not set". */
  readonly proxy?: string;
  /** VS Code `http.noProxy`: host patterns that bypass the proxy. */
  readonly noProxy?: readonly string[];
  /** VS Code `http.proxyStrictSSL`: verify TLS certificates (default true). */
  readonly strictSSL?: boolean;
  /** VS Code `http.proxyAuthorization`: the whole Proxy-Authorization header value, e.g. `Basic dXNlcjpwYXNz`. */
  readonly proxyAuthorization?: string;
  /** The environment to read HTTPS_PROXY/HTTP_PROXY/NO_PROXY from. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Where the proxy in use came from, named as the user would look for it. */
export type ProxySource =
  | 'the http.proxy setting'
  | 'HTTPS_PROXY'
  | 'HTTP_PROXY'
  /** VS Code's resolver read HTTPS_PROXY/HTTP_PROXY. */
  | 'the proxy environment variables'
  /** VS Code's resolver asked the OS (desktop: system settings and PAC files), or used its answer cached. */
  | 'the system proxy settings'
  /** VS Code's resolver, which did not say why. */
  | 'VS Code';

/** The proxy a request went through, as messages name it. */
export interface ProxyInUse {
  /** `host:port`, no credentials. */
  readonly host: string;
  readonly source: ProxySource;
}

export type ProxyChoice =
  | { readonly kind: 'direct' }
  | {
      readonly kind: 'proxy';
      /** The proxy URL, credentials included: for the dispatcher only, never for a message. */
      readonly url: string;
      /** `host:port` of the proxy, safe to show. */
      readonly host: string;
      readonly source: ProxySource;
    }
  | { readonly kind: 'invalid'; readonly source: ProxySource; readonly problem: string };

function environmentValue(env: Readonly<Record<string, string | undefined>>, name: string): string | undefined {
  const value = env[name] ?? env[name.toLowerCase()];
  return value && value.trim() !== '' ? value.trim() : undefined;
}

function defaultPort(protocol: string): string {
  return protocol === 'https:' ? '443' : protocol === 'http:' ? '80' : '';
}

function bareHost(hostname: string): string {
  return hostname.toLowerCase().replace(/^\[|\]$/g, '');
}

/** `10.0.0.0/8` or `fd00::/8` against an IP-literal host; a host name never matches a CIDR (no DNS lookup here). */
function matchesCidr(host: string, pattern: string): boolean {
  const slash = pattern.lastIndexOf('/');
  const network = bareHost(pattern.slice(0, slash));
  const prefix = Number(pattern.slice(slash + 1));
  const family = isIP(network);
  if (family === 0 || isIP(host) !== family || !Number.isInteger(prefix) || prefix < 0 || prefix > (family === 4 ? 32 : 128)) return false;
  const list = new BlockList();
  const type = family === 4 ? 'ipv4' : 'ipv6';
  list.addSubnet(network, prefix, type);
  return list.check(host, type);
}

/**
 * True when `target` matches one NO_PROXY-style pattern: `*`; an exact host; a domain suffix
 * (`.example.com`, `*.example.com`, or `example.com`, which also matches sub-domains); any of these
 * with `:port`; an IP address, IPv6 with or without brackets; or a CIDR range (`10.0.0.0/8`, `fd00::/8`).
 */
export function matchesNoProxyPattern(target: URL, rawPattern: string): boolean {
  let pattern = rawPattern.trim().toLowerCase();
  if (pattern === '') return false;
  if (pattern === '*') return true;
  pattern = pattern.replace(/^[a-z]+:\/\//, '');
  const host = bareHost(target.hostname);
  if (/^[^/]+\/\d{1,3}$/.test(pattern)) return matchesCidr(host, pattern);
  pattern = pattern.replace(/\/.*$/, '');
  const port = target.port || defaultPort(target.protocol);
  let patternHost = pattern;
  let patternPort: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(pattern);
  if (bracketed) {
    patternHost = bracketed[1] ?? '';
    patternPort = bracketed[2];
  } else {
    const colon = pattern.lastIndexOf(':');
    if (colon > 0 && pattern.indexOf(':') === colon && /^\d+$/.test(pattern.slice(colon + 1))) {
      patternHost = pattern.slice(0, colon);
      patternPort = pattern.slice(colon + 1);
    }
  }
  if (patternPort !== undefined && patternPort !== port) return false;
  patternHost = patternHost.replace(/^\*/, '');
  if (isIP(patternHost) !== 0) return host === patternHost;
  if (patternHost.startsWith('.')) return host === patternHost.slice(1) || host.endsWith(patternHost);
  return host === patternHost || host.endsWith(`.${patternHost}`);
}

function splitPatterns(list: string | undefined): string[] {
  return (list ?? '').split(/[,\s]+/).filter((item) => item !== '');
}

/** The proxy setting or variable that applies to `target`, as written, or undefined to connect directly. */
export function resolveProxy(target: URL, configuration: ProxyConfiguration): { readonly value: string; readonly source: ProxySource } | undefined {
  const env = configuration.env ?? {};
  const bypass = [...(configuration.noProxy ?? []), ...splitPatterns(environmentValue(env, 'NO_PROXY'))];
  if (bypass.some((pattern) => matchesNoProxyPattern(target, pattern))) return undefined;
  const fromSetting = configuration.proxy?.trim();
  if (fromSetting) return { value: fromSetting, source: 'the http.proxy setting' };
  const https = target.protocol === 'https:' ? environmentValue(env, 'HTTPS_PROXY') : undefined;
  if (https) return { value: https, source: 'HTTPS_PROXY' };
  const http = environmentValue(env, 'HTTP_PROXY');
  return http ? { value: http, source: 'HTTP_PROXY' } : undefined;
}

const PROXY_SCHEMES = new Set(['http:', 'https:', 'socks:', 'socks5:']);

/**
 * The proxy for `target`, checked. `proxy.corp:3128` without a scheme means http, as curl reads it. A
 * value that is not a proxy URL is `invalid`, with a message that names where it came from and never
 * repeats it (it may hold a password).
 */
export function chooseProxy(target: URL, configuration: ProxyConfiguration): ProxyChoice {
  const resolved = resolveProxy(target, configuration);
  if (!resolved) return { kind: 'direct' };
  return checkProxy(resolved.value, resolved.source);
}

/** A proxy value, checked: `proxy` with its URL, or `invalid` with a message that never repeats the value. */
export function checkProxy(value: string, source: ProxySource): ProxyChoice {
  const expected = 'expected a proxy URL such as http://proxy.example.com:3128';
  let url: URL;
  try {
    url = new URL(value.includes('://') ? value : `http://${value}`);
  } catch {
    return { kind: 'invalid', source, problem: `${source} is not a proxy URL: ${expected}` };
  }
  if (!PROXY_SCHEMES.has(url.protocol)) {
    return { kind: 'invalid', source, problem: `${source} uses the scheme ${url.protocol}, which is not supported for proxies: ${expected}` };
  }
  if (url.hostname === '') return { kind: 'invalid', source, problem: `${source} names no proxy host: ${expected}` };
  return { kind: 'proxy', url: url.href, host: url.host, source };
}

/** The problem of the http.proxy setting itself, as a sentence, or undefined when it is usable or unset. */
export function proxySettingProblem(configuration: Pick<ProxyConfiguration, 'proxy'>): string | undefined {
  if (!configuration.proxy?.trim()) return undefined;
  const choice = chooseProxy(new URL('https://example.invalid/'), { proxy: configuration.proxy });
  return choice.kind === 'invalid' ? `${choice.problem.charAt(0).toUpperCase()}${choice.problem.slice(1)}.` : undefined;
}

/**
 * Every credential a proxy configuration holds, for redaction: the Proxy-Authorization value (and,
 * for Basic, the `user:pass` inside it and the password alone) and the password of the proxy URL.
 */
export function proxySecrets(configuration: ProxyConfiguration): string[] {
  const secrets: string[] = [];
  const authorization = configuration.proxyAuthorization?.trim();
  if (authorization) {
    secrets.push(authorization);
    const [scheme, credential] = authorization.split(/\s+/, 2);
    if (credential) {
      secrets.push(credential);
      if (scheme?.toLowerCase() === 'basic') {
        const decoded = Buffer.from(credential, 'base64').toString('utf8');
        secrets.push(decoded, decoded.slice(decoded.indexOf(':') + 1));
      }
    }
  }
  for (const value of [
    configuration.proxy,
    configuration.env?.HTTPS_PROXY,
    configuration.env?.https_proxy,
    configuration.env?.HTTP_PROXY,
    configuration.env?.http_proxy,
  ]) {
    if (!value) continue;
    try {
      const url = new URL(value.includes('://') ? value : `http://${value}`);
      if (url.password) secrets.push(decodeURIComponent(url.password), `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`);
    } catch {
      // Not a URL: nothing to take out of it, and it is never shown.
    }
  }
  return secrets.filter((secret) => secret.length >= 4);
}
