/**
 * The HTTP layer through a forward proxy written here (absolute-form for http, CONNECT for https, an
 * optional password): routing, NO_PROXY with CIDR ranges, http.proxyAuthorization, and the proxy's own
 * failures named as the proxy's. The same through Debian's squid is in squid.test.ts.
 */
import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { HttpClient } from '../../src/http/httpClient';
import { json, listen, rejection, startServer, track, type TestServer } from '../support/httpServers';

describe('through a real proxy on 127.0.0.1', () => {
  let target: TestServer;
  let proxyUrl: string;
  /** CONNECT tunnels opened, as host:port. */
  let tunnels: string[];
  /** Absolute-form requests forwarded, as full URLs. */
  let forwarded: string[];
  /** The Proxy-Authorization of every CONNECT and forwarded request. */
  let proxyAuthorizations: (string | undefined)[];
  let requireAuth: string | undefined;
  let closeProxy: () => Promise<void>;

  before(async () => {
    target = await startServer();
    target.handle(json({ via: 'target' }));
    tunnels = [];
    forwarded = [];
    proxyAuthorizations = [];
    const refuse = (request: IncomingMessage): string | undefined => {
      proxyAuthorizations.push(request.headers['proxy-authorization']);
      if (requireAuth && request.headers['proxy-authorization'] !== requireAuth)
        return 'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\nContent-Length: 0\r\n\r\n';
      return undefined;
    };
    // A forward proxy as RFC 9110 describes one: absolute-form requests for http, CONNECT for https.
    const proxy = createServer((request, response) => {
      const refusal = refuse(request);
      if (refusal) {
        response.writeHead(407, { 'proxy-authenticate': 'Basic', 'content-length': '0' });
        response.end();
        return;
      }
      forwarded.push(request.url ?? '');
      const upstreamUrl = new URL(request.url ?? '');
      const headers = { ...request.headers };
      delete headers['proxy-authorization'];
      delete headers['proxy-connection'];
      const upstream = httpRequest(upstreamUrl, { method: request.method, headers }, (upstreamResponse) => {
        response.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers);
        upstreamResponse.pipe(response);
      });
      upstream.on('error', () => {
        response.writeHead(502, { 'x-squid-error': 'ERR_CONNECT_FAIL 111' });
        response.end();
      });
      request.pipe(upstream);
    });
    proxy.on('connect', (request: IncomingMessage, clientSocket: Socket, head: Buffer) => {
      const refusal = refuse(request);
      if (refusal) {
        clientSocket.end(refusal);
        return;
      }
      tunnels.push(request.url ?? '');
      const [host, port] = (request.url ?? '').split(':');
      const upstream = connect(Number(port), host ?? '127.0.0.1', () => {
        clientSocket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        if (head.length > 0) upstream.write(head);
        upstream.pipe(clientSocket);
        clientSocket.pipe(upstream);
      });
      upstream.on('error', () => clientSocket.destroy());
      clientSocket.on('error', () => upstream.destroy());
    });
    const sockets = track(proxy);
    const port = await listen(proxy);
    proxyUrl = `http://127.0.0.1:${port}`;
    closeProxy = async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    };
  });
  after(async () => {
    await closeProxy();
    await target.close();
  });

  test('an http:// target goes to the proxy as an absolute-form request, not a CONNECT tunnel', async () => {
    const client = new HttpClient({ proxy: { proxy: proxyUrl } });
    try {
      const before = { tunnels: tunnels.length, forwarded: forwarded.length };
      assert.deepEqual((await client.json({ url: `${target.url}/x?y=1` })).body, { via: 'target' });
      assert.equal(tunnels.length, before.tunnels, 'no CONNECT for plain http');
      assert.deepEqual(forwarded.slice(before.forwarded), [`${target.url}/x?y=1`]);
    } finally {
      await client.close();
    }
  });

  test('HTTP_PROXY from the environment is honoured, and NO_PROXY bypasses it, CIDR ranges included', async () => {
    const viaEnvironment = new HttpClient({ proxy: { env: { HTTP_PROXY: proxyUrl } } });
    const bypassed = new HttpClient({ proxy: { env: { HTTP_PROXY: proxyUrl, NO_PROXY: '127.0.0.1' } } });
    const bypassedByCidr = new HttpClient({ proxy: { env: { HTTP_PROXY: proxyUrl, NO_PROXY: 'example.org, 127.0.0.0/8' } } });
    const bypassedBySetting = new HttpClient({ proxy: { proxy: proxyUrl, noProxy: ['127.0.0.0/24'] } });
    try {
      const before = forwarded.length;
      await viaEnvironment.json({ url: `${target.url}/x` });
      assert.equal(forwarded.length, before + 1);
      for (const client of [bypassed, bypassedByCidr, bypassedBySetting]) await client.json({ url: `${target.url}/x` });
      assert.equal(forwarded.length, before + 1, 'a NO_PROXY target must not go through the proxy');
    } finally {
      await viaEnvironment.close();
      await bypassed.close();
      await bypassedByCidr.close();
      await bypassedBySetting.close();
    }
  });

  test('a proxy that demands credentials fails in plain words; credentials in the proxy URL work and are never shown', async () => {
    requireAuth = `Basic ${Buffer.from('user:proxy-pass-123').toString('base64')}`;
    const withoutCredentials = new HttpClient({ proxy: { proxy: proxyUrl } });
    const withCredentials = new HttpClient({ proxy: { proxy: proxyUrl.replace('http://', 'http://user:proxy-pass-123@') } });
    try {
      const error = await rejection(withoutCredentials.json({ url: `${target.url}/x` }));
      assert.match(error.message, /proxy 127\.0\.0\.1:\d+ .*requires authentication \(HTTP 407\)/);
      assert.match(error.message, /http\.proxyAuthorization/);
      assert.deepEqual((await withCredentials.json({ url: `${target.url}/x` })).body, { via: 'target' });
    } finally {
      requireAuth = undefined;
      await withoutCredentials.close();
      await withCredentials.close();
    }
  });

  test('http.proxyAuthorization is sent as Proxy-Authorization, to the proxy only, and never appears in a message', async () => {
    const secret = `Basic ${Buffer.from('alice:wonder-land-42').toString('base64')}`;
    requireAuth = secret;
    const client = new HttpClient({ proxy: { proxy: proxyUrl, proxyAuthorization: secret } });
    try {
      const before = proxyAuthorizations.length;
      assert.deepEqual((await client.json({ url: `${target.url}/x` })).body, { via: 'target' });
      assert.deepEqual(proxyAuthorizations.slice(before), [secret]);
      assert.equal(target.received.at(-1)?.headers['proxy-authorization'], undefined, 'the target never sees it');
      target.handle((_request, response) => {
        response.writeHead(500, { 'content-type': 'text/plain' });
        response.end(`proxy said ${secret} and alice:wonder-land-42`);
      });
      const error = await rejection(client.json({ url: `${target.url}/x` }));
      for (const text of [error.message, error.serverMessage ?? '', JSON.stringify(error)]) {
        assert.ok(!text.includes('wonder-land-42') && !text.includes(Buffer.from('alice:wonder-land-42').toString('base64')), text);
      }
    } finally {
      requireAuth = undefined;
      target.handle(json({ via: 'target' }));
      await client.close();
    }
  });

  test('a proxy that is down is named as the failing part, with the setting it came from', async () => {
    const closed = createServer();
    const port = await listen(closed);
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    for (const [configuration, source] of [
      [{ proxy: `http://127.0.0.1:${port}` }, 'the http\\.proxy setting'],
      [{ env: { HTTP_PROXY: `http://127.0.0.1:${port}` } }, 'HTTP_PROXY'],
    ] as const) {
      const client = new HttpClient({ proxy: configuration });
      try {
        const error = await rejection(client.json({ url: `${target.url}/x` }));
        assert.equal(error.kind, 'network');
        assert.match(error.message, new RegExp(`^The proxy 127\\.0\\.0\\.1:${port} \\(from ${source}\\) refused the connection`));
        assert.doesNotMatch(error.message, /is the server running/);
      } finally {
        await client.close();
      }
    }
  });

  test('a proxy setting that is not a URL is refused before sending, naming the setting', async () => {
    const client = new HttpClient({ proxy: { proxy: 'http://user:hunter22@' } });
    try {
      const before = target.received.length;
      const error = await rejection(client.json({ url: `${target.url}/x` }));
      assert.equal(error.kind, 'request');
      assert.match(error.message, /Not sent: the http\.proxy setting is not a proxy URL/);
      assert.doesNotMatch(error.message, /Invalid URL|hunter22/);
      assert.equal(target.received.length, before);
    } finally {
      await client.close();
    }
  });

  test('changing the proxy settings takes effect on the next request', async () => {
    const client = new HttpClient({});
    try {
      const before = forwarded.length;
      await client.json({ url: `${target.url}/x` });
      assert.equal(forwarded.length, before);
      client.setProxyConfiguration({ proxy: proxyUrl });
      await client.json({ url: `${target.url}/x` });
      assert.equal(forwarded.length, before + 1);
    } finally {
      await client.close();
    }
  });
});
