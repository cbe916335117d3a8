// Inside a real extension host: the parser, loaded on first use from dist/parseWorker.js, reads a
// small exposition in place and a large one in the worker thread; both connections come back with
// every value.
import * as assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as vscode from 'vscode';
import type { LiveUsageApi } from '../../../src/api';
import type { ConnectionSnapshot } from '../../../src/shared/snapshot';

const EXTENSION_ID = 'live-usage.live-usage';

/** A 0.0.4 exposition of `series` gauge series, one family per 100 (well over the 64 KiB read in place when large). */
function exposition(series: number): string {
  const lines: string[] = [];
  for (let i = 0; i < series; i++) {
    if (i % 100 === 0) lines.push(`# HELP load_${i / 100} Load of a group of workers.`, `# TYPE load_${i / 100} gauge`);
    lines.push(`load_${Math.floor(i / 100)}{worker="w${i}",zone="zone-${i % 7}",pool="general-purpose"} ${(i % 97) / 10}`);
  }
  return `${lines.join('\n')}\n`;
}

suite('The parser inside the extension host', function () {
  this.timeout(60_000);
  let api: LiveUsageApi;
  let server: Server;
  let base: string;

  suiteSetup(async () => {
    const extension = vscode.extensions.getExtension<LiveUsageApi>(EXTENSION_ID);
    assert.ok(extension);
    api = await extension.activate();
    await api.ready;
    const small = exposition(20);
    const large = exposition(4000);
    assert.ok(large.length > 3 * 64 * 1024, `${large.length} characters`);
    server = createServer((request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      response.end(request.url === '/large' ? large : small);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await vscode.workspace.getConfiguration('liveUsage').update('pauseWhenUnfocused', false, vscode.ConfigurationTarget.Global);
    // Every one of the large exposition's 4,000 series is checked: above the default cap of 1,000.
    await vscode.workspace.getConfiguration('liveUsage').update('limits.maxSeriesPerConnection', 5000, vscode.ConfigurationTarget.Global);
  });

  suiteTeardown(async () => {
    await vscode.workspace.getConfiguration('liveUsage').update('connections', undefined, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration('liveUsage').update('pauseWhenUnfocused', undefined, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration('liveUsage').update('limits.maxSeriesPerConnection', undefined, vscode.ConfigurationTarget.Global);
    if (server !== undefined) await new Promise((resolve) => server.close(resolve));
  });

  test('a small and a large exposition are both read whole', async () => {
    await vscode.workspace.getConfiguration('liveUsage').update(
      'connections',
      [
        { id: 'it-parser-small', kind: 'prometheus', label: 'Small exporter', baseUrl: `${base}/small` },
        { id: 'it-parser-large', kind: 'prometheus', label: 'Large exporter', baseUrl: `${base}/large` },
      ],
      vscode.ConfigurationTarget.Global,
    );
    const read = (id: string, count: number): ConnectionSnapshot | undefined => {
      const snapshot = api.snapshots().find((candidate) => candidate.id === id);
      return snapshot !== undefined && snapshot.latest.length >= count ? snapshot : undefined;
    };
    const deadline = Date.now() + 45_000;
    let small: ConnectionSnapshot | undefined;
    let large: ConnectionSnapshot | undefined;
    while ((small === undefined || large === undefined) && Date.now() < deadline) {
      small = read('it-parser-small', 20);
      large = read('it-parser-large', 4000);
      if (small === undefined || large === undefined) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const describe = (id: string): string => {
      const snapshot = api.snapshots().find((candidate) => candidate.id === id);
      return snapshot ? `${snapshot.health}${snapshot.error ? ` (${snapshot.error.message})` : ''}, ${snapshot.latest.length} value(s)` : 'no snapshot';
    };
    assert.ok(small, `small exporter: ${describe('it-parser-small')}`);
    assert.ok(large, `large exporter: ${describe('it-parser-large')}`);
    assert.equal(large.error, undefined);
    assert.equal(large.latest.find((sample) => sample.labels?.worker === 'w3999')?.value, (3999 % 97) / 10);
  });
});
