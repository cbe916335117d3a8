// Inside a real extension host: Live Usage's own HTTP client follows the proxy VS Code resolves. With
// `http.proxy` set, a Prometheus endpoint on 127.0.0.2 is read through a forward proxy started here,
// while one on 127.0.0.1 is read directly: VS Code's resolver never proxies 127.0.0.1 or localhost,
// whereas Live Usage's own fallback rules would proxy both. So the pair shows which one decided.
import * as assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as vscode from 'vscode';
import type { LiveUsageApi } from '../../../src/api';
import type { ConnectionConfig } from '../../../src/shared/connections';

const EXTENSION_ID = 'live-usage.live-usage';
const EXPOSITION = '# TYPE it_network_up gauge\nit_network_up 1\n';

async function listen(server: Server, host: string): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return `http://${host}:${(server.address() as AddressInfo).port}`;
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** An exporter that records each request it gets directly. */
function exporter(seen: string[]): Server {
  return createServer((request: IncomingMessage, response: ServerResponse) => {
    seen.push(request.url ?? '');
    response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    response.end(EXPOSITION);
  });
}

/**
 * A forward proxy for plain http (absolute-form requests, which is how Live Usage sends http through a
 * proxy) that answers for the exporter itself: forwarding from inside the extension host would go
 * through VS Code's patched http module, which would send it to this proxy again.
 */
function proxy(forwarded: string[]): Server {
  return createServer((request: IncomingMessage, response: ServerResponse) => {
    forwarded.push(new URL(request.url ?? '', 'http://unknown').host);
    response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4', via: '1.1 it-proxy' });
    response.end(EXPOSITION);
  });
}

const hasValue = (api: LiveUsageApi, id: string): boolean =>
  api
    .snapshots()
    .find((snapshot) => snapshot.id === id)
    ?.latest.some((sample) => sample.series === 'it_network_up') ?? false;

suite('Live Usage follows the proxy VS Code resolves', function () {
  this.timeout(60_000);
  let api: LiveUsageApi;
  const servers: Server[] = [];

  suiteSetup(async () => {
    const extension = vscode.extensions.getExtension<LiveUsageApi>(EXTENSION_ID);
    assert.ok(extension);
    api = await extension.activate();
    await api.ready;
    await vscode.workspace.getConfiguration('liveUsage').update('pauseWhenUnfocused', false, vscode.ConfigurationTarget.Global);
  });

  suiteTeardown(async () => {
    await vscode.workspace.getConfiguration('liveUsage').update('connections', undefined, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration('http').update('proxy', undefined, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration('liveUsage').update('pauseWhenUnfocused', undefined, vscode.ConfigurationTarget.Global);
    for (const server of servers) await close(server);
  });

  test('127.0.0.2 through the http.proxy setting, 127.0.0.1 direct, as VS Code resolves them', async () => {
    const seenAway: string[] = [];
    const seenLocal: string[] = [];
    const forwarded: string[] = [];
    const away = exporter(seenAway);
    const local = exporter(seenLocal);
    const forwarder = proxy(forwarded);
    servers.push(away, local, forwarder);
    const awayUrl = await listen(away, '127.0.0.2');
    const localUrl = await listen(local, '127.0.0.1');
    const proxyUrl = await listen(forwarder, '127.0.0.1');
    const awayHost = new URL(awayUrl).host;

    await vscode.workspace.getConfiguration('http').update('proxy', proxyUrl, vscode.ConfigurationTarget.Global);
    const connections: ConnectionConfig[] = [
      { id: 'it-net-away', kind: 'prometheus', label: 'IT away', baseUrl: `${awayUrl}/metrics` },
      { id: 'it-net-local', kind: 'prometheus', label: 'IT local', baseUrl: `${localUrl}/metrics` },
    ];
    await vscode.workspace.getConfiguration('liveUsage').update('connections', connections, vscode.ConfigurationTarget.Global);

    const started = Date.now();
    let refreshed = 0;
    while (!(hasValue(api, 'it-net-away') && hasValue(api, 'it-net-local') && forwarded.includes(awayHost))) {
      if (Date.now() - started > 45_000) {
        const shown = api.snapshots().map((snapshot) => `${snapshot.id}: ${snapshot.health}${snapshot.error ? ` (${snapshot.error.message})` : ''}`);
        assert.fail(
          `not both read (the proxy saw: ${forwarded.join(',') || 'nothing'}; the local exporter saw ${seenLocal.length}; snapshots: ${shown.join('; ')})`,
        );
      }
      // A refresh restarts a poll under way, so it is asked for rarely.
      if (Date.now() - refreshed > 10_000) {
        api.refresh();
        refreshed = Date.now();
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    assert.deepEqual(seenAway, [], '127.0.0.2 was never read directly');
    assert.ok(seenLocal.length > 0, '127.0.0.1 was read directly');
    assert.deepEqual([...new Set(forwarded)], [awayHost], "the proxy saw 127.0.0.2 only: Live Usage's own rules would have sent 127.0.0.1 to it too");
  });
});
