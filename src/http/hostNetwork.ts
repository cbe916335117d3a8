/**
 * What the editor knows about the network that a plain Node process does not: the proxy it resolves
 * for a URL (its settings, the environment, and on desktop the OS settings and PAC files) and the
 * system certificates it loads. VS Code has no public API for either; `vscodeHostNetwork` reaches its
 * internal copy of `@vscode/proxy-agent`, and everything here works without it (tests, plain Node,
 * an editor that moved it): the HTTP layer then follows the settings itself.
 */
import path from 'node:path';
import { createRequire } from 'node:module';

/** Why a proxy (or none) applies, as VS Code's resolver says. */
export type HostProxySource = 'localhost' | 'noProxyConfig' | 'noProxyEnv' | 'setting' | 'env' | 'remote' | 'system_cached' | 'system' | 'fallback';

export interface HostProxy {
  /** The proxy URL (`http://…`, `https://…`, `socks://…`), or undefined to connect directly. */
  readonly url: string | undefined;
  /** Undefined when the resolver did not say (older versions). */
  readonly source?: HostProxySource;
}

export interface HostNetwork {
  /** The proxy the editor would use for `url`. Rejects when the editor cannot say. */
  resolveProxy?(url: string): Promise<HostProxy>;
  /** The system certificates the editor uses (PEM). */
  loadSystemCertificates?(): Promise<readonly string[]>;
}

/** The parts of VS Code's `@vscode/proxy-agent` (0.4x) used here; anything may be missing. */
interface ProxyAgentModule {
  resolveProxyURL?: (url: string) => Promise<string | undefined>;
  resolveProxyByURL?: (url: string) => Promise<{ url?: string; source?: string } | undefined>;
  loadSystemCertificates?: (params: { loadSystemCertificatesFromNode: () => boolean | undefined; log: unknown }) => Promise<string[]>;
}

const QUIET_LOG = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };

/**
 * VS Code's network knowledge, from the copy of `@vscode/proxy-agent` its extension host configured
 * (found under `appRoot`; desktop keeps it in `node_modules.asar`). Undefined when there is none.
 * `systemCertificatesNode` is VS Code's `http.systemCertificatesNode`, which picks its loader.
 */
export function vscodeHostNetwork(appRoot: string, systemCertificatesNode: () => boolean | undefined): HostNetwork | undefined {
  // A real require: the module is the instance VS Code set its resolver on, never a bundled copy.
  const load = createRequire(path.join(appRoot, 'package.json'));
  let agent: ProxyAgentModule | undefined;
  for (const folder of ['node_modules', 'node_modules.asar']) {
    try {
      agent = load(path.join(appRoot, folder, '@vscode', 'proxy-agent')) as ProxyAgentModule;
      break;
    } catch {
      // Not in this folder.
    }
  }
  if (!agent) return undefined;
  const module = agent;
  return {
    // Looked up at each call: VS Code sets its resolver on the module once its own set-up is done.
    async resolveProxy(url) {
      const { resolveProxyByURL, resolveProxyURL } = module;
      if (typeof resolveProxyByURL === 'function') {
        const resolved = await resolveProxyByURL(url);
        return { url: resolved?.url || undefined, ...(resolved?.source ? { source: resolved.source as HostProxySource } : {}) };
      }
      if (typeof resolveProxyURL === 'function') return { url: (await resolveProxyURL(url)) || undefined };
      throw new Error('VS Code does not offer its proxy resolver');
    },
    async loadSystemCertificates() {
      const loader = module.loadSystemCertificates;
      if (typeof loader !== 'function') throw new Error('VS Code does not offer its certificate loader');
      return loader({ loadSystemCertificatesFromNode: systemCertificatesNode, log: QUIET_LOG });
    },
  };
}
