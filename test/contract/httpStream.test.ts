/**
 * HttpClient.stream against a real server on 127.0.0.1: a body handed over as it arrives, redacted
 * exactly as a whole body would be even when an echoed token is split between packets, read within
 * its byte cap, and its connection closed when the reader stops early or the cap is passed.
 */
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { HttpClient, type HttpStreamResponse } from '../../src/http/httpClient';
import { redactSecrets } from '../../src/http/redact';
import { rejection, startServer, type TestServer } from '../support/httpServers';

const TOKEN = 'tok-STREAM-0123456789';

/** Writes the pieces one by one, each after the previous has left, so the client sees them apart. */
async function writeApart(response: ServerResponse, pieces: readonly string[]): Promise<void> {
  for (const piece of pieces) {
    await new Promise<void>((resolve) => response.write(piece, () => resolve()));
    await nextTurn();
  }
  response.end();
}

async function readAll(response: HttpStreamResponse): Promise<string[]> {
  const pieces: string[] = [];
  for await (const piece of response.body) pieces.push(piece);
  return pieces;
}

describe('HttpClient.stream', () => {
  let server: TestServer;
  let client: HttpClient;

  before(async () => {
    server = await startServer();
    client = new HttpClient({ timeouts: { connectMs: 10_000, headersMs: 10_000, bodyMs: 10_000, totalMs: 30_000 } });
  });
  after(async () => {
    await client.close();
    await server.close();
  });

  test('hands the body over in pieces, an echoed token masked even when it is split between them', async () => {
    const basic = Buffer.from(`${TOKEN}:`).toString('base64');
    const whole = `[{"a":"${TOKEN}"},{"b":"${encodeURIComponent(TOKEN)}"},{"c":"${basic}"},{"d":"${'x'.repeat(5000)}${TOKEN.toLowerCase()}"}]`;
    // Cut inside each echo, and one piece per character around the first.
    const cuts = [5, 6, 7, 8, 9, 10, 11, 12, 30, 60, 70, 5010, whole.length - 8];
    const pieces = cuts.map((cut, i) => whole.slice(i === 0 ? 0 : cuts[i - 1], cut)).concat(whole.slice(cuts.at(-1)));
    server.handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      void writeApart(response, pieces);
    });
    const response = await client.stream({ url: `${server.url}/metrics`, expect: 'json', auth: { kind: 'query', name: 'token', token: TOKEN } });
    const received = await readAll(response);
    assert.ok(received.length > 3, `the body came in ${received.length} piece(s)`);
    assert.equal(received.join(''), redactSecrets(whole, [TOKEN]));
    assert.equal(received.join('').match(/\[redacted\]/g)?.length, 4);
    for (const piece of received) assert.ok(!piece.toLowerCase().includes(TOKEN.toLowerCase().slice(0, 8)), `a piece shows the token: ${piece.slice(0, 80)}`);
    assert.equal(response.bytesRead(), Buffer.byteLength(whole));
    assert.match(response.url, /token=\[redacted\]/);
  });

  test('multi-byte characters split between packets are decoded whole', async () => {
    const whole = JSON.stringify({ note: 'Grüße 日本 😀'.repeat(200) });
    const bytes = Buffer.from(whole);
    server.handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      void (async () => {
        for (let at = 0; at < bytes.length; at += 7) {
          await new Promise<void>((resolve) => response.write(bytes.subarray(at, at + 7), () => resolve()));
        }
        response.end();
      })();
    });
    assert.equal((await readAll(await client.stream({ url: `${server.url}/x`, expect: 'json' }))).join(''), whole);
  });

  test('past the byte cap the next piece throws a body-size error and the connection is closed', async () => {
    let closed = false;
    server.handle((request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      request.socket.once('close', () => (closed = true));
      void writeApart(
        response,
        Array.from({ length: 50 }, () => 'y'.repeat(10_000)),
      );
    });
    const response = await client.stream({ url: `${server.url}/big`, expect: 'json', maxBytes: 100_000 });
    const error = await rejection(readAll(response));
    assert.equal(error.kind, 'badResponse');
    assert.equal(error.where, 'body size');
    assert.match(error.message, /more than the 98 KB response limit/);
    for (let i = 0; i < 100 && !closed; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.ok(closed, 'the connection was closed');
  });

  test('a declared length over the cap fails before any of the body is read', async () => {
    server.handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': '5000000' });
      response.end('[]');
    });
    const error = await rejection(client.stream({ url: `${server.url}/declared`, expect: 'json', maxBytes: 1000 }));
    assert.equal(error.where, 'body size');
  });

  test('a reader that stops early closes the connection; the client goes on', async () => {
    let closed = false;
    server.handle((request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      request.socket.once('close', () => (closed = true));
      // Never ends on its own: only the client closing the connection stops it.
      const timer = setInterval(() => response.write('z'.repeat(1000)), 5);
      response.on('close', () => clearInterval(timer));
    });
    const response = await client.stream({ url: `${server.url}/endless`, expect: 'json' });
    for await (const piece of response.body) {
      assert.ok(piece.length > 0);
      break;
    }
    for (let i = 0; i < 100 && !closed; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.ok(closed, 'the connection was closed');
    server.handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('[1]');
    });
    assert.deepEqual(await readAll(await client.stream({ url: `${server.url}/after`, expect: 'json' })), ['[1]']);
  });

  test('a body that stalls mid-way is a body timeout; a non-JSON answer is refused before its body', async () => {
    server.handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('[1,');
    });
    const slow = new HttpClient({ timeouts: { bodyMs: 200 } });
    try {
      const error = await rejection(readAll(await slow.stream({ url: `${server.url}/stall`, expect: 'json' })));
      assert.equal(error.kind, 'timeout');
      assert.equal(error.phase, 'body');
    } finally {
      await slow.close();
    }
    server.handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end('<html>login</html>');
    });
    assert.equal((await rejection(client.stream({ url: `${server.url}/login`, expect: 'json' }))).where, 'content-type');
  });
});
