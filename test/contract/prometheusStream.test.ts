/**
 * The exposition read as a stream over real HTTP: the body reaches the parser in the pieces it
 * arrives in, however they cut lines and UTF-8 characters, within the byte cap, cancellable mid-way,
 * and with the token redacted even when an echo of it straddles two pieces.
 */
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { after, before, beforeEach, describe, test } from 'node:test';
import { HttpClient } from '../../src/http/httpClient';
import { REDACTED } from '../../src/http/redact';
import { parsePrometheusText } from '../../src/prometheus/parsePrometheusText';
import { INLINE_LIMIT, readExposition } from '../../src/prometheus/readExposition';
import { CerebrasClient } from '../../src/providers/cerebras/cerebrasClient';
import { normalizeExposition } from '../../src/providers/prometheus/normalize';
import { PrometheusClient } from '../../src/providers/prometheus/prometheusClient';
import { configureParseWorker, parseWorker, shutdownParseWorker } from '../../src/worker/workerHost';
import { parseWorkerBundle } from '../support/parseWorkerBundle';
import { rejection, startServer, type TestServer } from '../support/httpServers';

let bundle: string;
let server: TestServer;
let http: HttpClient;

before(async () => {
  bundle = await parseWorkerBundle();
  await configureParseWorker({ file: bundle });
  server = await startServer();
  http = new HttpClient();
});

after(async () => {
  await http.close();
  await server.close();
  await shutdownParseWorker();
});

beforeEach(async () => {
  // Each test starts without a worker, so "the worker ran" means this test's body went there.
  await configureParseWorker({ file: bundle });
});

const ALL_SERIES = { maxSeries: Number.MAX_SAFE_INTEGER };

/** Writes `pieces` one at a time, each only once the previous one has been handed to the socket. */
async function writeInPieces(response: ServerResponse, pieces: readonly Buffer[], end = true): Promise<void> {
  for (const piece of pieces) {
    await new Promise<void>((resolve, reject) => response.write(piece, (error) => (error ? reject(error) : resolve())));
    // A turn between writes, so the pieces leave as separate packets rather than one.
    await new Promise((resolve) => setImmediate(resolve));
  }
  if (end) response.end();
}

/** Cuts `bytes` at every offset in `cuts`. */
function cutAt(bytes: Buffer, cuts: readonly number[]): Buffer[] {
  const pieces: Buffer[] = [];
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    pieces.push(bytes.subarray(from, cut));
    from = cut;
  }
  return pieces;
}

/** An exposition of about `lines` series whose label values hold two- and four-byte UTF-8 characters. */
function unicodeExposition(lines: number): string {
  const rows = Array.from({ length: lines }, (_, i) => `requests_total{model="modèle-${i}",region="東京",mood="🙂${i % 7}"} ${i}`);
  return `# HELP requests_total Requêtes servies.\n# TYPE requests_total counter\n${rows.join('\n')}\n`;
}

function clientFor(path = '/metrics', extra: Partial<ConstructorParameters<typeof PrometheusClient>[1]> = {}): PrometheusClient {
  return new PrometheusClient(http, { baseUrl: `${server.url}${path}`, ...extra });
}

describe('the exposition read as a stream', () => {
  for (const [size, lines] of [
    ['small (parsed on the calling thread)', 40],
    ['large (parsed by the worker)', 3000],
  ] as const) {
    test(`${size}: pieces cut mid-line and inside UTF-8 characters read the same as the whole body`, async () => {
      const text = unicodeExposition(lines);
      const bytes = Buffer.from(text);
      assert.equal(text.length > INLINE_LIMIT, lines > 1000);
      // Every cut falls one byte into a multi-byte character, so no cut is at a line's end either.
      const cuts: number[] = [];
      const step = Math.max(64, Math.floor(bytes.length / 40));
      for (let at = step; at < bytes.length; at += step) {
        let cut = at;
        while (cut < bytes.length && bytes[cut]! < 0xc0) cut++;
        if (cut + 1 < bytes.length && cut + 1 > (cuts.at(-1) ?? 0)) cuts.push(cut + 1);
      }
      assert.ok(cuts.length > 10);
      server.handle((_request, response) => {
        response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
        void writeInPieces(response, cutAt(bytes, cuts));
      });
      const reading = await clientFor('/metrics').scrape(ALL_SERIES);
      const expected = normalizeExposition(parsePrometheusText(text), { at: reading.fetchedAt, typeLabel: true });
      assert.deepEqual(reading.samples, expected);
      assert.equal(reading.samples.length, lines);
      assert.ok(!JSON.stringify(reading).includes('\ufffd'), 'a character was broken at a cut');
      assert.equal(parseWorker().running, lines > 1000);
    });
  }

  test('byte pieces cut inside a character reach the worker whole (its decoder streams)', async () => {
    const text = unicodeExposition(3000);
    const bytes = Buffer.from(text);
    async function* pieces(): AsyncGenerator<Uint8Array> {
      // 1,000-byte slices: most of them end inside a multi-byte character.
      for (let at = 0; at < bytes.length; at += 1000) yield bytes.subarray(at, at + 1000);
    }
    const job = parseWorker().run({ job: 'exposition', options: { format: 'auto' } }, pieces());
    let samples = 0;
    for (let next = await job.next(); next.done !== true; next = await job.next()) {
      for (const [, chunk] of (next.value as { chunks: [number, { labels: Record<string, string> }[]][] }).chunks) {
        for (const sample of chunk) {
          assert.ok(!Object.values(sample.labels).some((value) => value.includes('\ufffd')), JSON.stringify(sample.labels));
          samples++;
        }
      }
    }
    assert.equal(samples, 3000);
  });

  test('a body over the cap is stopped while it streams, with the cap in the message', async () => {
    let closedEarly = false;
    server.handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.on('close', () => (closedEarly = !response.writableFinished));
      // No Content-Length: only reading finds the size. The server would go on for 4 MB.
      const line = Buffer.from(`${'x'.repeat(90)} 1\n`);
      void writeInPieces(
        response,
        Array.from({ length: 1000 }, () => Buffer.concat(Array.from({ length: 44 }, () => line))),
      ).catch(() => undefined);
    });
    const error = await rejection(clientFor('/metrics', { maxBytes: 256 * 1024 }).scrape());
    assert.equal(error.kind, 'badResponse');
    assert.equal(error.where, 'body size');
    assert.match(error.message, /more than the 256 KB response limit/);
    for (let i = 0; i < 1000 && !closedEarly; i++) await new Promise((resolve) => setImmediate(resolve));
    assert.equal(closedEarly, true, 'the connection was not closed when the cap was passed');
  });

  test('an abort mid-stream cancels the read, closes the connection, and the next read works', async () => {
    const text = unicodeExposition(3000);
    let closed = false;
    let sentFirst!: () => void;
    const firstSent = new Promise<void>((resolve) => (sentFirst = resolve));
    server.handle((request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      if (request.url === '/whole') return void response.end(text);
      response.on('close', () => (closed = true));
      // Past the in-thread limit, then silence: the read is in the worker's hands when it is aborted.
      void writeInPieces(response, [Buffer.from(text.slice(0, INLINE_LIMIT + 4096))], false).then(sentFirst);
    });
    const controller = new AbortController();
    const pending = clientFor('/metrics').scrape({ signal: controller.signal });
    await firstSent;
    while (!parseWorker().running) await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    const error = await rejection(pending);
    assert.equal(error.kind, 'cancelled');
    for (let i = 0; i < 1000 && !closed; i++) await new Promise((resolve) => setImmediate(resolve));
    assert.equal(closed, true, 'the connection stayed open after the abort');
    const reading = await clientFor('/whole').scrape(ALL_SERIES);
    assert.equal(reading.samples.length, 3000);
  });

  for (const [size, lines] of [
    ['small', 20],
    ['large', 3000],
  ] as const) {
    test(`${size} body: a token echoed across a piece boundary is redacted (Prometheus and Cerebras)`, async () => {
      const token = 'tok-7f3a9c2e5b1d8046';
      server.handle((request, response) => {
        const echoed = (request.headers.authorization ?? '').replace(/^Bearer /, '');
        const head = Buffer.from(`# HELP echo_info Called with ${echoed}.\n# TYPE echo_info gauge\necho_info{key="${echoed}"} 1\n`);
        const rest = Buffer.from(unicodeExposition(lines));
        const body = Buffer.concat([head, rest]);
        // Two cuts inside the echoed token, one in each place it appears.
        const first = head.indexOf(echoed) + 5;
        const second = head.lastIndexOf(echoed) + 11;
        response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
        void writeInPieces(response, cutAt(body, [first, second]));
      });
      const reading = await clientFor('/metrics', { token }).scrape(ALL_SERIES);
      const cerebras = await new CerebrasClient(http, { baseUrl: server.url, organizationId: 'org_1', token }).metrics();
      for (const shown of [JSON.stringify(reading), JSON.stringify(cerebras)]) {
        assert.ok(!shown.includes(token), 'the token reached the reading');
        assert.ok(!shown.includes(token.slice(0, 8)) && !shown.includes(token.slice(-8)), 'part of the token reached the reading');
      }
      const echo = reading.samples.find((sample) => sample.labels?.key !== undefined);
      assert.equal(echo?.labels?.key, REDACTED);
      assert.equal(reading.samples.length, lines + 1);
    });
  }

  test('readExposition takes string pieces cut mid-line and reads them as the whole text', async () => {
    const text = unicodeExposition(2000);
    async function* pieces(): AsyncGenerator<string> {
      for (let at = 0; at < text.length; at += 777) yield text.slice(at, at + 777);
    }
    assert.deepEqual(await readExposition(pieces()), parsePrometheusText(text));
    assert.equal(parseWorker().running, true);
  });
});
