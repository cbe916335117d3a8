/**
 * The main bundle's services lent to the lazily loaded session feature (see host.ts). No vscode
 * import, so tests build the real thing around an HttpClient.
 */
import { ProviderError } from '../http/errors';
import type { HttpClient } from '../http/httpClient';
import { BrowserbaseClient } from '../providers/browserbase/client';
import { createSessionProblems, MAX_SESSION_TIMEOUT_S, MIN_SESSION_TIMEOUT_S } from '../providers/browserbase/normalize';
import { KNOWN_REGIONS } from '../providers/browserbase/schemas';
import type { RequestLimits } from '../providers/clientSupport';
import type { ConnectionConfig, ProviderKind } from '../shared/connections';
import type { SessionHost } from './sessionService';

export function sessionHost(
  source: { connections(): readonly ConnectionConfig[] },
  tokens: { resolve(connectionId: string, kind: ProviderKind): Promise<{ readonly token?: string }> },
  http: HttpClient,
  limits: RequestLimits = {},
): SessionHost {
  return {
    connections: () => source.connections(),
    token: async (config) => (await tokens.resolve(config.id, config.kind)).token,
    client: (config) => new BrowserbaseClient(http, { ...limits, ...config }),
    createSessionProblems,
    fail: (kind, message, details) => new ProviderError(kind, message, details),
    regions: KNOWN_REGIONS,
    timeoutRange: [MIN_SESSION_TIMEOUT_S, MAX_SESSION_TIMEOUT_S],
    now: Date.now,
  };
}
