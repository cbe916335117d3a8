/**
 * What the exporter's poller does before any request: a connection switched off or without a token is
 * down with its reason said once, and is never polled.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ExporterPoller } from '../../../src/exporter/exporterPoller';
import { HttpClient } from '../../../src/http/httpClient';
import type { ConnectionConfig } from '../../../src/shared/connections';
import { FakeClock } from '../polling/fakeClock';

test('a disabled or tokenless connection is down with its reason, and has nothing to poll', async () => {
  const http = new HttpClient();
  const lines: string[] = [];
  const connections: ConnectionConfig[] = [
    { id: 'off', kind: 'cerebras', label: 'off', baseUrl: 'http://127.0.0.1:9/cerebras', organizationId: 'org_x', enabled: false },
    { id: 'none', kind: 'browserbase', label: 'none', baseUrl: 'http://127.0.0.1:9/browserbase', projectId: 'p' },
  ];
  const poller = new ExporterPoller({
    connections,
    tokens: new Map([
      ['off', { token: 'cb-token' }],
      ['none', { problem: 'no token: set LIVE_USAGE_TOKEN_NONE' }],
    ]),
    http,
    log: { info: (line) => lines.push(line), warn: (line) => lines.push(line), error: (line) => lines.push(line), debug: () => undefined },
    clock: new FakeClock(),
  });
  try {
    assert.deepEqual(
      poller.connections.map((connection) => [connection.config.id, connection.down, connection.feeds.length, poller.isUp(connection)]),
      [
        ['off', 'disabled in the connections file (enabled: false)', 0, false],
        ['none', 'no token: set LIVE_USAGE_TOKEN_NONE', 0, false],
      ],
    );
    assert.deepEqual(lines, [
      'off: down, not polled: disabled in the connections file (enabled: false)',
      'none: down, not polled: no token: set LIVE_USAGE_TOKEN_NONE',
    ]);
  } finally {
    poller.dispose();
    await http.close();
  }
});
