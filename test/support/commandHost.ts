/**
 * A CommandHost (src/commands/commandHost.ts) as the container builds it, from the real modules of
 * the main bundle: PALETTE_TABLES (the registry's tables, the launch limits, the auth check) and a
 * RedactingLog's redaction, widened for the tools as the container widens it. A test passes the
 * services its flows use; using one it did not pass fails with the name of the field.
 */
import type { CommandHost } from '../../src/commands/commandHost';
import { everyTokenRedaction, PALETTE_TABLES } from '../../src/commands/paletteTables';
import type { RedactingLog } from '../../src/log';

type Services = Partial<Pick<CommandHost, 'controller' | 'settings' | 'tokens' | 'sessions' | 'savedQueries' | 'snapshots'>>;

function missing<T extends object>(name: string): T {
  return new Proxy({} as T, {
    get: (_target, property) => {
      throw new Error(`the test gave the command host no ${name} (asked for ${String(property)})`);
    },
  });
}

export function testCommandHost(services: Services, log?: Pick<RedactingLog, 'redact'>): CommandHost {
  return {
    controller: services.controller ?? missing('controller'),
    settings: services.settings ?? missing('settings'),
    tokens: services.tokens ?? missing('tokens'),
    sessions: services.sessions ?? missing('sessions'),
    savedQueries: services.savedQueries ?? missing('savedQueries'),
    ...PALETTE_TABLES,
    redact: (text) => (log ? log.redact(text) : text),
    snapshots: services.snapshots ?? (() => []),
    redactEveryToken: everyTokenRedaction(
      (text) => (log ? log.redact(text) : text),
      () => services.controller?.connections() ?? [],
      services.tokens ?? { resolve: async () => ({ source: 'none' }) },
    ),
  };
}
