/**
 * The session service's view of the extension: its connections, their tokens and the one HTTP
 * client. No vscode import, so tests build the real thing around an HttpClient.
 */
import type { HttpClient } from '../http/httpClient';
import { BrowserbaseClient } from '../providers/browserbase/client';
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
    now: Date.now,
  };
}
