/**
 * The HTTP layer against real servers on 127.0.0.1: every failure mode a provider can produce,
 * redaction of echoed tokens, depth limits, and TLS. Proxies are in proxy.test.ts and squid.test.ts;
 * provider-specific behaviour is tested with the sandbox elsewhere.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { HttpClient, type Auth } from '../../src/http/httpClient';
import { classifyTransportError } from '../../src/http/transportErrors';
import { secretForms } from '../../src/http/redact';
import { json, listen, rejection, startServer, track, type TestServer } from '../support/httpServers';

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

  const AUTH_MODES = (token: string): Auth[] => [
    { kind: 'bearer', token },
    { kind: 'basic', token },
    { kind: 'header', name: 'X-BB-API-Key', token },
    { kind: 'query', name: 'token', token },
  ];

  function slices(text: string): string[] {
    const result: string[] = [];
    for (let index = 0; index + 8 <= text.length; index++) result.push(text.slice(index, index + 8));
    return result;
  }

  function assertNoSlice(texts: readonly string[], token: string): void {
    for (const form of secretForms(token)) {
      for (const slice of slices(form)) {
        for (const text of texts) assert.ok(!text.includes(slice), `"${slice}" of ${form} survives in ${text}`);
      }
    }
  }

  test('a token echoed near the 300-character cut of a server message is masked whole, in every auth mode', async () => {
    const token = 'tok-SECRET-0123456789abc';
    server.handle(json({ message: `${'x'.repeat(285)} ${token}` }, 500));
    for (const auth of AUTH_MODES(token)) {
      const error = await rejection(client.json({ url: `${server.url}/x`, auth }));
      assert.equal(error.kind, 'server');
      assertNoSlice([error.message, error.serverMessage ?? '', JSON.stringify(error)], token);
    }
  });

  test('a token whose tail the 4 KB error-body cap cuts off leaves no fragment', async () => {
    const token = 'tok-SECRET-0123456789abc';
    for (let cut = 1; cut < token.length; cut += 5) {
      server.handle((_request, response) => {
        response.writeHead(500, { 'content-type': 'text/plain' });
        response.end(`${'z'.repeat(4096 - cut)}${token} and more`);
      });
      const error = await rejection(client.json({ url: `${server.url}/x`, auth: { kind: 'bearer', token } }));
      assertNoSlice([error.message, error.serverMessage ?? ''], token);
    }
  });

  test('a token whose URLSearchParams form differs from encodeURIComponent is masked when echoed', async () => {
    const token = "tilde~bang!quote'paren(s)-0123";
    server.handle((request, response) => {
      response.writeHead(401, { 'content-type': 'text/plain' });
      response.end(`Unknown key ${(request.url ?? '').split('token=')[1] ?? ''}`);
    });
    const error = await rejection(client.json({ url: `${server.url}/metrics`, auth: { kind: 'query', name: 'token', token } }));
    assert.match(error.message, /Unknown key \[redacted\]/);
    assertNoSlice([error.message, error.serverMessage ?? '', error.url ?? ''], token);
  });

  test('a token echoed in a successful body or a header is masked before anyone reads it', async () => {
    const token = 'tok-SECRET-0123456789abc';
    server.handle((request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'x-echo': String(request.headers.authorization) });
      response.end(JSON.stringify({ label: `auth was ${String(request.headers.authorization)}`, token }));
    });
    for (const auth of AUTH_MODES(token).slice(0, 2)) {
      const response = await client.json({ url: `${server.url}/x`, auth });
      assertNoSlice([JSON.stringify(response.body), JSON.stringify(response.headers)], token);
      assert.match(JSON.stringify(response.body), /\[redacted\]/);
    }
  });

  test('only 2xx answers are data: a 302 carrying JSON is an error that names the redirect, never read as values', async () => {
    const token = 'tok-SECRET-0123456789abc';
    server.handle(json({ pressure: { running: 3 } }, 302, { location: `https://login.example.test/sso?token=${token}&next=%2Fpressure` }));
    const error = await rejection(client.json({ url: `${server.url}/pressure`, auth: { kind: 'bearer', token } }));
    assert.equal(error.kind, 'badResponse');
    assert.equal(error.status, 302);
    assert.match(error.message, /redirect/i);
    assert.match(error.message, /login\.example\.test/);
    assert.match(error.message, /base URL/);
    assert.ok(!error.message.includes(token));
    server.handle(json({ running: 1 }, 304));
    assert.equal((await rejection(client.json({ url: `${server.url}/pressure` }))).status, 304);
  });

  test('JSON nested deeper than the limit is cut at the limit with a marker; the rest of the body is read as sent', async () => {
    const deep = '{"a":'.repeat(10_000) + '"bottom"' + '}'.repeat(10_000);
    server.handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(`[{"id":"one","meta":${deep}},{"id":"two","meta":{"client":"acme"}}]`);
    });
    const limited = new HttpClient({ maxJsonDepth: 16 });
    try {
      const response = await limited.json({ url: `${server.url}/v1/sessions` });
      const [first, second] = response.body as [Record<string, unknown>, Record<string, unknown>];
      assert.deepEqual(second, { id: 'two', meta: { client: 'acme' } });
      assert.equal(response.prunedJsonDepth, 1);
      let level: unknown = first.meta;
      let depth = 2;
      while (typeof level === 'object' && level !== null) {
        level = (level as Record<string, unknown>).a;
        depth++;
      }
      assert.equal(depth, 16);
      assert.match(String(level), /nested deeper than 16 levels/);
      assert.doesNotThrow(() => JSON.stringify(response.body));
    } finally {
      await limited.close();
    }
  });

  test('a body of endless opening brackets is refused in plain words without being parsed', async () => {
    server.handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('['.repeat(2_000_000));
    });
    const error = await rejection(client.json({ url: `${server.url}/x` }));
    assert.equal(error.kind, 'badResponse');
    assert.match(error.message, /nested deeper than \d+ levels and never closes/);
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

  test('a URL with a user name or password is refused before sending, pointing at the token command, without repeating them', async () => {
    const before = server.received.length;
    const error = await rejection(client.json({ url: `${server.url.replace('http://', 'http://alice:s3cr3t-pw@')}/x` }));
    assert.equal(error.kind, 'request');
    assert.match(error.message, /user name or password.*Set Token/);
    assert.doesNotMatch(error.message, /alice|s3cr3t-pw/);
    assert.equal(server.received.length, before);
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

  test('TLS failures say what is wrong with the certificate, what was trusted, and the settings that change it', () => {
    const expired = classifyTransportError(withCode('CERT_HAS_EXPIRED'), context());
    assert.match(expired.message, /^The TLS certificate of api\.example\.test has expired \(CERT_HAS_EXPIRED\)\./);
    assert.match(expired.message, /http\.proxyStrictSSL/);
    const unknownAuthority = (systemCertificates: 'off' | 'none found' | { count: number; from: string }) =>
      classifyTransportError(withCode('UNABLE_TO_VERIFY_LEAF_SIGNATURE'), { ...context(), trust: { systemCertificates } }).message;
    assert.match(unknownAuthority('off'), /signed by a certificate authority this machine does not trust .*http\.systemCertificates is off: turn it on/);
    assert.match(unknownAuthority('none found'), /no system certificates beyond them were found/);
    assert.match(unknownAuthority({ count: 140, from: 'the system files' }), /and the system's 140 \(from the system files\) were trusted/);
    assert.match(classifyTransportError(withCode('ERR_TLS_CERT_ALTNAME_INVALID'), context()).message, /is for another host name/);
  });

  test('every failure names the part that failed, in plain words: the server, DNS, TLS or the proxy', () => {
    const proxy = { host: 'proxy.corp:3128', source: 'the http.proxy setting' as const };
    const cases: [string, boolean, RegExp][] = [
      ['ECONNREFUSED', false, /^The server api\.example\.test refused the connection/],
      ['ECONNRESET', false, /^The server api\.example\.test closed the connection/],
      ['EHOSTUNREACH', false, /^The server api\.example\.test is unreachable/],
      ['UND_ERR_CONNECT_TIMEOUT', false, /^The server api\.example\.test did not accept a connection/],
      ['UND_ERR_HEADERS_TIMEOUT', false, /^The server api\.example\.test did not start answering/],
      ['ENOTFOUND', false, /DNS lookup failed/],
      ['CERT_HAS_EXPIRED', false, /TLS certificate/],
      ['ECONNREFUSED', true, /^The proxy proxy\.corp:3128 \(from the http\.proxy setting\) refused the connection/],
      ['ENOTFOUND', true, /^The host name of the proxy proxy\.corp:3128 .*DNS/],
      ['UND_ERR_CONNECT_TIMEOUT', true, /^The proxy proxy\.corp:3128 .*did not accept a connection/],
    ];
    for (const [code, viaProxy, expected] of cases) {
      assert.match(classifyTransportError(withCode(code), { ...context(), ...(viaProxy ? { proxy } : {}) }).message, expected, code);
    }
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
      assert.match(error.message, /TLS certificate of 127\.0\.0\.1:\d+ is self-signed \(DEPTH_ZERO_SELF_SIGNED_CERT\)/);
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
