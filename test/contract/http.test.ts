/**
 * The HTTP layer against real servers on 127.0.0.1: every failure mode a provider can produce, TLS,
 * and a real forwarding proxy. Provider-specific behaviour is tested with the sandbox elsewhere.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ProviderError } from '../../src/http/errors';
import { classifyTransportError, HttpClient } from '../../src/http/httpClient';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

interface TestServer {
  readonly url: string;
  readonly received: { method: string; url: string; headers: IncomingMessage['headers'] }[];
  connections: number;
  handle(handler: Handler): void;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

function track(server: Server): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return sockets;
}

async function startServer(): Promise<TestServer> {
  let handler: Handler = (_request, response) => response.end();
  const received: TestServer['received'] = [];
  const server = createServer((request, response) => {
    received.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers });
    handler(request, response);
  });
  const sockets = track(server);
  const state: TestServer = {
    url: '',
    received,
    connections: 0,
    handle(next) {
      handler = next;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  server.on('connection', () => state.connections++);
  const port = await listen(server);
  return Object.assign(state, { url: `http://127.0.0.1:${port}` });
}

async function rejection(promise: Promise<unknown>): Promise<ProviderError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ProviderError, `expected a ProviderError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the request to fail');
}

const json =
  (body: unknown, status = 200, headers: Record<string, string> = {}): Handler =>
  (_request, response) => {
    response.writeHead(status, { 'content-type': 'application/json', ...headers });
    response.end(JSON.stringify(body));
  };

describe('HttpClient against a real server', () => {
  let server: TestServer;
  let client: HttpClient;
  const TOKEN = 'tok-SECRET-0123456789';

  before(async () => {
    server = await startServer();
    // Roomy defaults: only the tests about a deadline shorten it, against a fault that cannot meet it.
    client = new HttpClient({ userAgent: 'live-usage-test', timeouts: { connectMs: 10_000, headersMs: 10_000, bodyMs: 10_000, totalMs: 30_000 } });
  });
  after(async () => {
    await client.close();
    await server.close();
  });

  test('GET sends exactly Accept: application/json, no content type, and parses the body', async () => {
    server.handle(json({ ok: true }));
    const response = await client.json({ url: `${server.url}/pressure` });
    assert.deepEqual(response.body, { ok: true });
    const last = server.received.at(-1);
    assert.equal(last?.headers.accept, 'application/json');
    assert.equal(last?.headers['content-type'], undefined);
    assert.equal(last?.headers['user-agent'], 'live-usage-test');
  });

  test('query parameters, repeated values and a JSON body on POST', async () => {
    server.handle(json({ created: true }, 201));
    const response = await client.json({
      method: 'POST',
      url: `${server.url}/v1/sessions`,
      query: { metricTypes: ['cpu', 'memory'], q: "user_metadata['a']:'b'", skip: undefined },
      json: { userMetadata: { a: 'b' } },
    });
    assert.equal(response.status, 201);
    const last = server.received.at(-1);
    assert.equal(last?.method, 'POST');
    assert.equal(last?.headers['content-type'], 'application/json');
    const url = new URL(last?.url ?? '', server.url);
    assert.deepEqual(url.searchParams.getAll('metricTypes'), ['cpu', 'memory']);
    assert.equal(url.searchParams.get('q'), "user_metadata['a']:'b'");
    assert.ok(!url.searchParams.has('skip'));
  });

  test('each auth placement reaches the server where it should', async () => {
    server.handle(json({}));
    await client.json({ url: `${server.url}/a`, auth: { kind: 'bearer', token: TOKEN } });
    assert.equal(server.received.at(-1)?.headers.authorization, `Bearer ${TOKEN}`);
    await client.json({ url: `${server.url}/a`, auth: { kind: 'basic', token: TOKEN } });
    assert.equal(server.received.at(-1)?.headers.authorization, `Basic ${Buffer.from(`${TOKEN}:`).toString('base64')}`);
    await client.json({ url: `${server.url}/a`, auth: { kind: 'header', name: 'X-BB-API-Key', token: TOKEN } });
    assert.equal(server.received.at(-1)?.headers['x-bb-api-key'], TOKEN);
    await client.json({ url: `${server.url}/a`, auth: { kind: 'query', name: 'token', token: TOKEN } });
    assert.equal(new URL(server.received.at(-1)?.url ?? '', server.url).searchParams.get('token'), TOKEN);
  });

  test('401 is an auth error whose message, url and fields never contain a query token', async () => {
    server.handle((request, response) => {
      response.writeHead(401, { 'content-type': 'text/plain' });
      response.end(`Bad or missing authentication. You sent ${request.url}`);
    });
    const error = await rejection(client.json({ url: `${server.url}/metrics`, auth: { kind: 'query', name: 'token', token: TOKEN } }));
    assert.equal(error.kind, 'auth');
    assert.equal(error.status, 401);
    assert.match(error.message, /rejected the token \(HTTP 401\): Bad or missing authentication/);
    for (const text of [error.message, error.url ?? '', error.serverMessage ?? '', JSON.stringify(error), String(error.stack)]) {
      assert.ok(!text.includes(TOKEN), `token leaked into: ${text}`);
    }
  });

  test('403 is an auth error too', async () => {
    server.handle(json({ message: 'Forbidden' }, 403));
    const error = await rejection(client.json({ url: `${server.url}/x` }));
    assert.equal(error.kind, 'auth');
    assert.equal(error.serverMessage, 'Forbidden');
  });

  test('404 is notOffered on an optional route and notFound otherwise', async () => {
    server.handle((_request, response) => {
      response.writeHead(404, { 'content-type': 'text/plain' });
      response.end('Not Found');
    });
    assert.equal((await rejection(client.json({ url: `${server.url}/pressure`, optionalRoute: true }))).kind, 'notOffered');
    assert.equal((await rejection(client.json({ url: `${server.url}/v1/sessions/nope` }))).kind, 'notFound');
  });

  test('429 carries the parsed Retry-After and rate-limit budget', async () => {
    server.handle(
      json({ statusCode: 429, error: 'Too Many Requests', message: "You've exceeded your max concurrent sessions limit" }, 429, {
        'retry-after': '12',
        'x-ratelimit-limit': '5',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': '12',
      }),
    );
    const error = await rejection(client.json({ url: `${server.url}/v1/sessions` }));
    assert.equal(error.kind, 'rateLimited');
    assert.equal(error.retryAfterMs, 12_000);
    assert.equal(error.rateLimit?.remaining, 0);
    assert.match(error.message, /retry after 12 s/);
    assert.equal(error.isTransient, true);
  });

  test('5xx is a server error with the server message; other 4xx a request error', async () => {
    server.handle(json({ error: { status: 503, message: 'maintenance' } }, 503));
    const serverError = await rejection(client.json({ url: `${server.url}/x` }));
    assert.equal(serverError.kind, 'server');
    assert.equal(serverError.serverMessage, 'maintenance');
    server.handle(json({ statusCode: 400, error: 'Bad Request', message: "body must have required property 'projectId'" }, 400));
    const requestError = await rejection(client.json({ url: `${server.url}/x` }));
    assert.equal(requestError.kind, 'request');
    assert.equal(requestError.isTransient, false);
    assert.match(requestError.message, /projectId/);
  });

  test('a token echoed in an error body is redacted from the server message', async () => {
    server.handle(json({ message: `token ${TOKEN} is not valid` }, 401));
    const error = await rejection(client.json({ url: `${server.url}/x`, auth: { kind: 'bearer', token: TOKEN } }));
    assert.ok(!error.message.includes(TOKEN));
    assert.match(error.message, /\[redacted\] is not valid/);
  });

  test('malformed JSON, empty body, wrong content type and HTML are bad responses', async () => {
    server.handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"pressure": {"running": 1,');
    });
    const malformed = await rejection(client.json({ url: `${server.url}/x` }));
    assert.equal(malformed.kind, 'badResponse');
    assert.match(malformed.message, /malformed JSON/);
    server.handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('');
    });
    assert.match((await rejection(client.json({ url: `${server.url}/x` }))).message, /empty body/);
    server.handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end('{}');
    });
    assert.match((await rejection(client.json({ url: `${server.url}/x` }))).message, /text\/plain where JSON was expected/);
    server.handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end('<!doctype html><title>Sign in</title>');
    });
    const html = await rejection(client.text({ url: `${server.url}/x` }));
    assert.equal(html.kind, 'badResponse');
    assert.match(html.message, /web page/);
  });

  test('an oversized body is refused, whether announced by content-length or streamed', async () => {
    server.handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(64 * 1024) });
      response.end('['.padEnd(64 * 1024 - 1, ' ') + ']');
    });
    const announced = await rejection(client.json({ url: `${server.url}/x`, maxBytes: 1024 }));
    assert.equal(announced.kind, 'badResponse');
    assert.equal(announced.where, 'body size');
    server.handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      for (let index = 0; index < 64; index++) response.write('          '.repeat(100));
      response.end();
    });
    const streamed = await rejection(client.json({ url: `${server.url}/x`, maxBytes: 4096 }));
    assert.equal(streamed.kind, 'badResponse');
    assert.match(streamed.message, /more than the 4 KB response limit/);
  });

  test('a server that never answers times out in the headers phase', async () => {
    server.handle(() => {
      // Never answer.
    });
    const error = await rejection(client.json({ url: `${server.url}/x`, timeouts: { headersMs: 200 } }));
    assert.equal(error.kind, 'timeout');
    assert.equal(error.phase, 'headers');
  });

  test('a body that stalls times out in the body phase', async () => {
    server.handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('[1,');
    });
    const error = await rejection(client.json({ url: `${server.url}/x`, timeouts: { bodyMs: 200 } }));
    assert.equal(error.kind, 'timeout');
    assert.equal(error.phase, 'body');
  });

  test('a slow drip that keeps each gap short still hits the total deadline', async () => {
    server.handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('[');
      const timer = setInterval(() => response.write('1,'), 50);
      response.on('close', () => clearInterval(timer));
    });
    const error = await rejection(client.json({ url: `${server.url}/x`, timeouts: { bodyMs: 10_000, totalMs: 400 } }));
    assert.equal(error.kind, 'timeout');
    assert.equal(error.phase, 'total');
  });

  test('a caller abort is a cancellation, not an error state', async () => {
    server.handle(() => {
      // Never answer.
    });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await rejection(client.json({ url: `${server.url}/x`, signal: controller.signal }));
    assert.equal(error.kind, 'cancelled');
    assert.equal(error.isTransient, false);
  });

  test('a body cut short of its content-length is a network error, not data', async () => {
    server.handle((request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      response.write('[1,2,3');
      setTimeout(() => request.socket.destroy(), 20);
    });
    const error = await rejection(client.json({ url: `${server.url}/x` }));
    assert.equal(error.kind, 'network');
    assert.match(error.message, /before the response was complete/);
  });

  test('a connection reset before answering is a network error', async () => {
    server.handle((request) => request.socket.destroy());
    const error = await rejection(client.json({ url: `${server.url}/x` }));
    assert.equal(error.kind, 'network');
    assert.match(error.message, /closed the connection without answering/);
  });

  test('a refused connection says so in plain words', async () => {
    const closed = await startServer();
    const url = closed.url;
    await closed.close();
    const error = await rejection(client.json({ url: `${url}/x` }));
    assert.equal(error.kind, 'network');
    assert.equal(error.code, 'ECONNREFUSED');
    assert.match(error.message, /refused the connection/);
  });

  test('keep-alive: sequential requests reuse connections', async () => {
    const fresh = await startServer();
    const local = new HttpClient();
    try {
      fresh.handle(json({ n: 1 }));
      for (let index = 0; index < 10; index++) await local.json({ url: `${fresh.url}/x` });
      // undici opens a second socket early on; without keep-alive this would be 10.
      assert.ok(fresh.connections <= 2, `${fresh.connections} connections for 10 requests`);
    } finally {
      await local.close();
      await fresh.close();
    }
  });

  test('a URL that is not http(s) is refused before sending', async () => {
    assert.equal((await rejection(client.json({ url: 'ftp://127.0.0.1/x' }))).kind, 'request');
    assert.equal((await rejection(client.json({ url: 'not a url' }))).kind, 'request');
  });

  test('a closed client refuses new requests', async () => {
    const local = new HttpClient();
    await local.close();
    assert.equal((await rejection(local.json({ url: `${server.url}/x` }))).kind, 'cancelled');
  });
});

describe('classifyTransportError', () => {
  const context = () => ({
    host: 'api.example.test',
    url: 'https://api.example.test/x',
    deadline: new AbortController().signal,
    secrets: [],
    bodyStarted: false,
    timeouts: { connectMs: 1000, headersMs: 1000, bodyMs: 1000, totalMs: 1000 },
  });
  const withCode = (code: string) => Object.assign(new Error(`getaddrinfo ${code}`), { code });

  test('DNS failures are named as such', () => {
    const error = classifyTransportError(withCode('ENOTFOUND'), context());
    assert.equal(error.kind, 'network');
    assert.match(error.message, /could not be resolved \(DNS lookup failed\)/);
  });

  test('the code is found on a nested cause', () => {
    const wrapped = Object.assign(new Error('fetch failed'), { cause: withCode('EAI_AGAIN') });
    assert.match(classifyTransportError(wrapped, context()).message, /DNS/);
  });

  test('TLS failures mention the certificate and the strict-SSL setting', () => {
    const error = classifyTransportError(withCode('CERT_HAS_EXPIRED'), context());
    assert.match(error.message, /TLS certificate of api\.example\.test could not be verified \(CERT_HAS_EXPIRED\)/);
    assert.match(error.message, /http\.proxyStrictSSL/);
  });

  test('an unknown error keeps its (redacted) text', () => {
    const error = classifyTransportError(new Error('boom token=abcdef'), context());
    assert.equal(error.kind, 'network');
    assert.ok(!error.message.includes('abcdef'));
  });
});

describe('TLS against a real HTTPS server with a self-signed certificate', () => {
  let folder: string;
  let url: string;
  let close: () => Promise<void>;

  before(async () => {
    folder = mkdtempSync(join(tmpdir(), 'live-usage-tls-'));
    const result = spawnSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        join(folder, 'key.pem'),
        '-out',
        join(folder, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    assert.equal(result.status, 0, 'openssl must be available to make a test certificate');
    const server = createHttpsServer({ key: readFileSync(join(folder, 'key.pem')), cert: readFileSync(join(folder, 'cert.pem')) }, (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"secure":true}');
    });
    const sockets = track(server);
    const port = await listen(server);
    url = `https://127.0.0.1:${port}/x`;
    close = async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    };
  });
  after(async () => {
    await close();
    rmSync(folder, { recursive: true, force: true });
  });

  test('an unverifiable certificate is reported in plain words', async () => {
    const client = new HttpClient();
    try {
      const error = await rejection(client.json({ url }));
      assert.equal(error.kind, 'network');
      assert.match(error.message, /TLS certificate of 127\.0\.0\.1:\d+ could not be verified/);
    } finally {
      await client.close();
    }
  });

  test('with http.proxyStrictSSL off the same server is reachable', async () => {
    const client = new HttpClient({ proxy: { strictSSL: false } });
    try {
      assert.deepEqual((await client.json({ url })).body, { secure: true });
    } finally {
      await client.close();
    }
  });
});

describe('through a real proxy on 127.0.0.1', () => {
  let target: TestServer;
  let proxyUrl: string;
  let tunnels: string[];
  let requireAuth: string | undefined;
  let closeProxy: () => Promise<void>;

  before(async () => {
    target = await startServer();
    target.handle(json({ via: 'target' }));
    tunnels = [];
    const proxy = createServer((_request, response) => {
      response.writeHead(405);
      response.end();
    });
    // undici's ProxyAgent tunnels every request (http and https) with CONNECT.
    proxy.on('connect', (request: IncomingMessage, clientSocket: Socket, head: Buffer) => {
      if (requireAuth && request.headers['proxy-authorization'] !== requireAuth) {
        clientSocket.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\n\r\n');
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

  test('the http.proxy setting routes requests through the proxy', async () => {
    const client = new HttpClient({ proxy: { proxy: proxyUrl } });
    try {
      const before = tunnels.length;
      assert.deepEqual((await client.json({ url: `${target.url}/x` })).body, { via: 'target' });
      assert.equal(tunnels.length, before + 1);
      assert.equal(tunnels.at(-1), new URL(target.url).host);
    } finally {
      await client.close();
    }
  });

  test('HTTP_PROXY from the environment is honoured, and NO_PROXY bypasses it', async () => {
    const viaEnvironment = new HttpClient({ proxy: { env: { HTTP_PROXY: proxyUrl } } });
    const bypassed = new HttpClient({ proxy: { env: { HTTP_PROXY: proxyUrl, NO_PROXY: '127.0.0.1' } } });
    try {
      const before = tunnels.length;
      await viaEnvironment.json({ url: `${target.url}/x` });
      assert.equal(tunnels.length, before + 1);
      await bypassed.json({ url: `${target.url}/x` });
      assert.equal(tunnels.length, before + 1, 'NO_PROXY target must not go through the proxy');
    } finally {
      await viaEnvironment.close();
      await bypassed.close();
    }
  });

  test('a proxy that demands credentials fails in plain words; credentials in the proxy URL work and are never shown', async () => {
    requireAuth = `Basic ${Buffer.from('user:proxy-pass-123').toString('base64')}`;
    const withoutCredentials = new HttpClient({ proxy: { proxy: proxyUrl } });
    const withCredentials = new HttpClient({ proxy: { proxy: proxyUrl.replace('http://', 'http://user:proxy-pass-123@') } });
    try {
      const error = await rejection(withoutCredentials.json({ url: `${target.url}/x` }));
      assert.equal(error.kind, 'network');
      assert.match(error.message, /proxy/i);
      assert.deepEqual((await withCredentials.json({ url: `${target.url}/x` })).body, { via: 'target' });
    } finally {
      requireAuth = undefined;
      await withoutCredentials.close();
      await withCredentials.close();
    }
  });

  test('changing the proxy settings takes effect on the next request', async () => {
    const client = new HttpClient({});
    try {
      const before = tunnels.length;
      await client.json({ url: `${target.url}/x` });
      assert.equal(tunnels.length, before);
      client.setProxyConfiguration({ proxy: proxyUrl });
      await client.json({ url: `${target.url}/x` });
      assert.equal(tunnels.length, before + 1);
    } finally {
      await client.close();
    }
  });
});
