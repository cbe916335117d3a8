/**
 * The connections under the HTTP layer: which proxy a request goes through and which certificate
 * authorities its TLS trusts, and the undici dispatchers (one keep-alive agent for direct traffic,
 * one per proxy) that carry them. Our own dispatchers, so the connect timeout, keep-alive and
 * connection limit stay ours; VS Code's networking does not reach them (its patch of undici only
 * records options, and a bundled `import('undici')` is not patched at all), so what VS Code knows is
 * asked for and applied here:
 *
 * - the proxy: VS Code's own resolver when the host offers it (HostNetwork) and `http.proxySupport`
 *   is not `off`, which covers `http.proxy`, `http.noProxy`, the environment, and on desktop the OS
 *   settings and PAC files; otherwise, or when it fails, our own rules in proxy.ts (`http.proxy`,
 *   then HTTPS_PROXY/HTTP_PROXY, minus `http.noProxy`/NO_PROXY);
 * - the certificates: Node's, plus the system's while `http.systemCertificates` is on (trust.ts).
 */
import type * as UndiciModule from 'undici';
import type { Agent, Dispatcher, ProxyAgent } from 'undici';
import type { SecureContext } from 'node:tls';
import { ProviderError } from './errors';
import type { HostNetwork, HostProxySource } from './hostNetwork';
import { checkProxy, chooseProxy, type ProxyChoice, type ProxyConfiguration, type ProxyInUse, type ProxySource } from './proxy';
import { buildTrust, nodeSystemCertificates, type CertificateSources, type Trust } from './trust';

type Undici = typeof UndiciModule;
let undiciModule: Promise<Undici> | undefined;

/** undici is loaded on the first request, not at activation: it is the heaviest module we ship. */
export function loadUndici(): Promise<Undici> {
  undiciModule ??= import('undici');
  return undiciModule;
}

/** VS Code's `http.*` network settings, and the environment they fall back on. */
export interface NetworkSettings extends ProxyConfiguration {
  /** `http.proxySupport`: `off` keeps VS Code's resolver out; the settings above still apply. */
  readonly proxySupport?: 'off' | 'on' | 'fallback' | 'override';
  /** `http.systemCertificates` (VS Code's default: true): trust the operating system's certificate authorities too. */
  readonly systemCertificates?: boolean;
}

/** What a request's TLS trusted, for messages about a certificate it could not verify. */
export interface TrustInUse {
  readonly systemCertificates: 'off' | 'none found' | { readonly count: number; readonly from: string };
}

export interface DispatcherChoice {
  readonly dispatcher: Dispatcher;
  readonly proxy?: ProxyInUse;
  readonly trust: TrustInUse;
}

export interface DispatchersOptions {
  readonly connectMs: number;
  readonly host?: HostNetwork;
  /** Where system certificates come from, instead of the host, Node and this process (tests). */
  readonly certificates?: CertificateSources;
}

const HOST_SOURCES: Readonly<Record<HostProxySource, ProxySource | undefined>> = {
  localhost: undefined,
  noProxyConfig: undefined,
  noProxyEnv: undefined,
  setting: 'the http.proxy setting',
  env: 'the proxy environment variables',
  remote: 'the system proxy settings',
  system: 'the system proxy settings',
  system_cached: 'the system proxy settings',
  fallback: 'the system proxy settings',
};

export class Dispatchers {
  private settings: NetworkSettings = {};
  private direct: Agent | undefined;
  private readonly proxies = new Map<string, ProxyAgent>();
  private trust: Promise<Trust> | undefined;
  private closed = false;

  constructor(private readonly options: DispatchersOptions) {}

  /** Applies new settings. Connections made under the old ones are closed; the trust is rebuilt if it changed. */
  configure(settings: NetworkSettings): void {
    const trustChanged = (this.settings.systemCertificates !== false) !== (settings.systemCertificates !== false);
    this.settings = settings;
    if (trustChanged) this.trust = undefined;
    void this.closeAll();
  }

  /** The dispatcher for `url`, with the proxy it goes through and the trust its TLS uses. */
  async for(url: URL): Promise<DispatcherChoice> {
    if (this.closed) throw new ProviderError('cancelled', 'The HTTP client has been closed');
    const [{ Agent, ProxyAgent }, choice, trust] = await Promise.all([loadUndici(), this.proxyFor(url), this.trusted()]);
    if (choice.kind === 'invalid') throw new ProviderError('request', `Not sent: ${choice.problem}.`, { where: 'proxy' });
    const tls = this.tlsOptions(trust);
    const inUse = trustInUse(this.settings, trust);
    if (choice.kind === 'direct') {
      this.direct ??= new Agent({
        connect: { timeout: this.options.connectMs, ...tls },
        keepAliveTimeout: 30_000,
        keepAliveMaxTimeout: 120_000,
        connections: 8,
      });
      return { dispatcher: this.direct, trust: inUse };
    }
    // Through a proxy, https goes in a CONNECT tunnel and plain http as absolute-form requests (what
    // every forward proxy accepts; Debian's default squid refuses CONNECT to ports other than 443).
    // VS Code's http.proxyAuthorization, when set, is the Proxy-Authorization of both.
    const authorization = this.settings.proxyAuthorization?.trim() || undefined;
    let agent = this.proxies.get(choice.url);
    if (!agent) {
      agent = new ProxyAgent({
        uri: choice.url,
        proxyTunnel: false,
        ...(authorization ? { token: authorization } : {}),
        requestTls: tls,
        proxyTls: tls,
        connect: { timeout: this.options.connectMs },
        keepAliveTimeout: 30_000,
      } as ProxyAgent.Options);
      this.proxies.set(choice.url, agent);
    }
    return { dispatcher: agent, proxy: { host: choice.host, source: choice.source }, trust: inUse };
  }

  /** The proxy for `url`: VS Code's answer where it gives one, else our own rules. */
  async proxyFor(url: URL): Promise<ProxyChoice> {
    const resolve = this.options.host?.resolveProxy;
    if (resolve && this.settings.proxySupport !== 'off') {
      try {
        const resolved = await resolve(url.href);
        if (resolved.url === undefined) return { kind: 'direct' };
        return checkProxy(resolved.url, resolved.source ? (HOST_SOURCES[resolved.source] ?? 'VS Code') : 'VS Code');
      } catch {
        // The resolver is internal to VS Code: when it fails, the settings are followed as written.
      }
    }
    return chooseProxy(url, this.settings);
  }

  private tlsOptions(trust: Trust): { rejectUnauthorized: boolean; secureContext?: SecureContext; ca?: string[] } {
    return {
      rejectUnauthorized: this.settings.strictSSL !== false,
      ...(trust.secureContext ? { secureContext: trust.secureContext, ca: [...(trust.ca ?? [])] } : {}),
    };
  }

  private trusted(): Promise<Trust> {
    this.trust ??= buildTrust(this.settings.systemCertificates !== false, this.certificateSources()).catch(
      // Never a reason to fail a request: without the system's certificates, Node's still apply.
      (): Trust => ({ systemCertificates: { certificates: [], source: 'none' } }),
    );
    return this.trust;
  }

  private certificateSources(): CertificateSources {
    if (this.options.certificates) return this.options.certificates;
    const host = this.options.host?.loadSystemCertificates;
    const node = nodeSystemCertificates();
    return {
      ...(host ? { host } : {}),
      ...(node ? { node } : {}),
      env: this.settings.env ?? {},
      platform: process.platform,
    };
  }

  private async closeAll(): Promise<void> {
    const dispatchers: Dispatcher[] = [...this.proxies.values()];
    if (this.direct) dispatchers.push(this.direct);
    this.proxies.clear();
    this.direct = undefined;
    await Promise.allSettled(dispatchers.map((dispatcher) => dispatcher.destroy()));
  }

  /** Cancels everything in flight and closes every connection; later requests are refused. */
  async close(): Promise<void> {
    this.closed = true;
    await this.closeAll();
  }
}

function trustInUse(settings: NetworkSettings, trust: Trust): TrustInUse {
  if (settings.systemCertificates === false) return { systemCertificates: 'off' };
  const { certificates, source } = trust.systemCertificates;
  if (certificates.length === 0) return { systemCertificates: 'none found' };
  return {
    systemCertificates: {
      count: certificates.length,
      from: source === 'VS Code' ? "VS Code's loader" : source === 'Node' ? "Node's system store" : 'the system files',
    },
  };
}
