/**
 * Following the proxy VS Code resolves, through a real forward proxy (Debian's squid on 127.0.0.1),
 * with TLS verified against a certificate authority found only in a system-style store; and the
 * lookup of VS Code's own `@vscode/proxy-agent` under its install folder (a stand-in module here).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import type { NetworkSettings } from '../../src/http/dispatchers';
import { vscodeHostNetwork, type HostNetwork, type HostProxy } from '../../src/http/hostNetwork';
import { HttpClient } from '../../src/http/httpClient';
import { listen, rejection, track } from '../support/httpServers';
import { makePki, type Pki } from '../support/pki';
import { SQUID, SQUID_MISSING, startSquid, type Squid } from '../support/squid';

describe("VS Code's proxy through squid, a real forward proxy", { skip: SQUID ? false : SQUID_MISSING }, () => {
  let folder: string;
  let pki: Pki;
  let squid: Squid;
  let httpsTarget: string;
  let httpTarget: string;
  const closers: (() => Promise<void>)[] = [];
  const clients: HttpClient[] = [];
  /** Where each request reached the targets from: squid's connections come from its own outgoing socket. */
  const seen: { path: string; via: string | undefined }[] = [];

  before(async () => {
    folder = mkdtempSync(join(tmpdir(), 'live-usage-host-network-'));
    pki = makePki(folder);
    const answer = (request: IncomingMessage, response: ServerResponse) => {
      seen.push({ path: request.url ?? '', via: request.headers.via });
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"ok":true}');
    };
    const https = createHttpsServer(pki.server, answer);
    const http = createServer(answer);
    const sockets = [track(https), track(http)];
    const httpsPort = await listen(https);
    httpsTarget = `https://127.0.0.1:${httpsPort}`;
    httpTarget = `http://127.0.0.1:${await listen(http)}`;
    closers.push(async () => {
      for (const set of sockets) for (const socket of set) socket.destroy();
      await Promise.all([https, http].map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
    });
    squid = await startSquid({ sslPorts: [httpsPort] });
  });
  after(async () => {
    for (const client of clients) await client.close();
    await squid?.stop();
    for (const close of closers) await close();
    rmSync(folder, { recursive: true, force: true });
  });

  /** A client whose host resolves every URL with `resolve`, trusting the test CA only through VS Code's loader. */
  const client = (resolve: (url: string) => Promise<HostProxy>, settings: NetworkSettings = {}): { http: HttpClient; asked: string[] } => {
    const asked: string[] = [];
    const host: HostNetwork = {
      resolveProxy: (url) => {
        asked.push(url);
        return resolve(url);
      },
      loadSystemCertificates: async () => [pki.ca],
    };
    const http = new HttpClient({ proxy: settings, host, certificates: { host: async () => [pki.ca], env: {}, platform: 'linux', readFile: async () => '' } });
    clients.push(http);
    return { http, asked };
  };

  const tunnelled = async (target: string) => {
    const pattern = new RegExp(`CONNECT ${target.slice('https://'.length).replaceAll('.', '\\.')}`);
    for (let attempt = 0; attempt < 100 && !pattern.test(squid.accessLog()); attempt++) await delay(50);
    return pattern.test(squid.accessLog());
  };

  test('https goes through the proxy VS Code resolved, in a tunnel, its certificate verified against the system store', async () => {
    const { http, asked } = client(async () => ({ url: squid.url, source: 'system' }));
    const response = await http.json({ url: `${httpsTarget}/resolved` });
    assert.deepEqual(response.body, { ok: true });
    assert.deepEqual(asked, [`${httpsTarget}/resolved`]);
    await http.close();
    assert.ok(await tunnelled(httpsTarget), 'squid logged the tunnel');
  });

  test('plain http through the resolved proxy too, as an absolute-form request', async () => {
    const { http } = client(async () => ({ url: squid.url, source: 'setting' }));
    assert.deepEqual((await http.json({ url: `${httpTarget}/plain` })).body, { ok: true });
    assert.match(seen.at(-1)?.via ?? '', /squid/, 'squid added its Via header');
  });

  test('VS Code saying "direct" wins over http.proxy (VS Code has applied the setting already)', async () => {
    const { http } = client(async () => ({ url: undefined, source: 'noProxyConfig' }), { proxy: 'http://127.0.0.1:9' });
    assert.deepEqual((await http.json({ url: `${httpTarget}/direct` })).body, { ok: true });
    assert.equal(seen.at(-1)?.via, undefined);
  });

  test('http.proxySupport off: VS Code is not asked; the settings apply as written (here: none, so direct)', async () => {
    const { http, asked } = client(async () => ({ url: squid.url }), { proxySupport: 'off' });
    assert.deepEqual((await http.json({ url: `${httpTarget}/off` })).body, { ok: true });
    assert.deepEqual(asked, []);
    assert.equal(seen.at(-1)?.via, undefined);
  });

  test('a resolver that fails falls back to http.proxy; a failure of that proxy is named with where it came from', async () => {
    const { http } = client(async () => Promise.reject(new Error('resolver gone')), { proxy: squid.url });
    assert.deepEqual((await http.json({ url: `${httpTarget}/fallback` })).body, { ok: true });
    assert.match(seen.at(-1)?.via ?? '', /squid/);
    const down = client(async () => ({ url: 'http://127.0.0.1:9', source: 'system' })).http;
    const error = await rejection(down.json({ url: `${httpTarget}/down` }));
    assert.match(error.message, /^The proxy 127\.0\.0\.1:9 \(from the system proxy settings\) refused the connection/);
  });

  test('a resolved proxy that is not a proxy URL is refused before anything is sent, without repeating it', async () => {
    const { http } = client(async () => ({ url: 'ftp://user:secret-pass@proxy.example:21', source: 'setting' }));
    const error = await rejection(http.json({ url: `${httpTarget}/bad` }));
    assert.equal(error.kind, 'request');
    assert.match(error.message, /the http\.proxy setting uses the scheme ftp:/);
    assert.doesNotMatch(error.message, /secret-pass/);
  });
});

describe("finding VS Code's @vscode/proxy-agent under its install folder", () => {
  let appRoot: string;
  before(() => {
    appRoot = mkdtempSync(join(tmpdir(), 'live-usage-approot-'));
  });
  after(() => rmSync(appRoot, { recursive: true, force: true }));

  /** A stand-in for VS Code's module in an install folder of its own: what its extension host sets on it, or not yet. */
  const install = (root: string, folder: 'node_modules' | 'node_modules.asar', body: string) => {
    const dir = join(appRoot, root, folder, '@vscode', 'proxy-agent');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: '@vscode/proxy-agent', main: 'index.js' }));
    writeFileSync(join(dir, 'index.js'), body);
  };

  test('none installed: no host network, so our own rules apply', () => {
    assert.equal(
      vscodeHostNetwork(join(appRoot, 'nowhere'), () => true),
      undefined,
    );
  });

  test('its resolver and certificate loader are used as VS Code set them, looked up at each call', async () => {
    install(
      'current',
      'node_modules',
      `exports.loadSystemCertificates = async (params) => ['from-node=' + params.loadSystemCertificatesFromNode()];
       exports.setLater = () => { exports.resolveProxyByURL = async (url) => ({ url: url.includes('internal') ? undefined : 'http://proxy.corp:3128', type: 'PROXY', source: 'system' }); };`,
    );
    const network = vscodeHostNetwork(join(appRoot, 'current'), () => false);
    assert.ok(network?.resolveProxy && network.loadSystemCertificates);
    await assert.rejects(network.resolveProxy('https://api.example/'), /does not offer its proxy resolver/);
    // VS Code sets its resolver once its own set-up is done: found at the next call.
    const module = (await import(join(appRoot, 'current', 'node_modules', '@vscode', 'proxy-agent', 'index.js'))) as { default: { setLater(): void } };
    module.default.setLater();
    assert.deepEqual(await network.resolveProxy('https://api.example/'), { url: 'http://proxy.corp:3128', source: 'system' });
    assert.deepEqual(await network.resolveProxy('https://internal.example/'), { url: undefined, source: 'system' });
    assert.deepEqual(await network.loadSystemCertificates(), ['from-node=false']);
  });

  test("an older module with resolveProxyURL only, in the desktop build's node_modules.asar", async () => {
    install('desktop', 'node_modules.asar', `exports.resolveProxyURL = async () => 'http://old.proxy:8080';`);
    assert.deepEqual(await vscodeHostNetwork(join(appRoot, 'desktop'), () => true)?.resolveProxy?.('https://x.example/'), { url: 'http://old.proxy:8080' });
  });
});
