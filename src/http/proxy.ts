/**
 * Which proxy, if any, a request should go through. Pure: the VS Code settings and the process
 * environment are passed in, so the rules are tested without a window.
 *
 * Precedence (the same as VS Code's own): the `http.proxy` setting, else HTTPS_PROXY/HTTP_PROXY (and
 * lower-case forms) from the environment. Hosts matching `http.noProxy` or NO_PROXY go direct.
 */

export interface ProxyConfiguration {
  /** VS Code `http.proxy`; empty means "not set". */
  readonly proxy?: string;
  /** VS Code `http.noProxy`: host patterns that bypass the proxy. */
  readonly noProxy?: readonly string[];
  /** VS Code `http.proxyStrictSSL`: verify TLS certificates (default true). */
  readonly strictSSL?: boolean;
  /** The environment to read HTTPS_PROXY/HTTP_PROXY/NO_PROXY from. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

function environmentValue(env: Readonly<Record<string, string | undefined>>, name: string): string | undefined {
  const value = env[name] ?? env[name.toLowerCase()];
  return value && value.trim() !== '' ? value.trim() : undefined;
}

function defaultPort(protocol: string): string {
  return protocol === 'https:' ? '443' : protocol === 'http:' ? '80' : '';
}

/**
 * True when `target` matches one NO_PROXY-style pattern: `*`, an exact host, a domain suffix
 * (`.example.com` or `example.com` also matches sub-domains), optionally with `:port`, or an IP.
 */
export function matchesNoProxyPattern(target: URL, rawPattern: string): boolean {
  let pattern = rawPattern.trim().toLowerCase();
  if (pattern === '') return false;
  if (pattern === '*') return true;
  pattern = pattern.replace(/^[a-z]+:\/\//, '').replace(/\/.*$/, '');
  const host = target.hostname.toLowerCase().replace(/^\[|\]$/g, '');
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
  if (patternHost.startsWith('.')) return host === patternHost.slice(1) || host.endsWith(patternHost);
  return host === patternHost || host.endsWith(`.${patternHost}`);
}

function splitPatterns(list: string | undefined): string[] {
  return (list ?? '').split(/[,\s]+/).filter((item) => item !== '');
}

/** The proxy URL to use for `target`, or undefined to connect directly. */
export function resolveProxy(target: URL, configuration: ProxyConfiguration): string | undefined {
  const env = configuration.env ?? {};
  const bypass = [...(configuration.noProxy ?? []), ...splitPatterns(environmentValue(env, 'NO_PROXY'))];
  if (bypass.some((pattern) => matchesNoProxyPattern(target, pattern))) return undefined;
  const fromSetting = configuration.proxy?.trim();
  if (fromSetting) return fromSetting;
  if (target.protocol === 'https:') return environmentValue(env, 'HTTPS_PROXY') ?? environmentValue(env, 'HTTP_PROXY');
  return environmentValue(env, 'HTTP_PROXY');
}
