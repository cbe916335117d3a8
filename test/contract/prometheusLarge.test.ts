/**
 * A large exposition over real HTTP through the Prometheus and Cerebras clients: the body goes to
 * the parser worker and its samples come back part by part, and the reading is the same as reading
 * the body in one piece on the calling thread.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { HttpClient } from '../../src/http/httpClient';
import { parsePrometheusText } from '../../src/prometheus/parsePrometheusText';
import { INLINE_LIMIT } from '../../src/prometheus/readExposition';
import { CerebrasClient } from '../../src/providers/cerebras/cerebrasClient';
import { normalizeCerebras } from '../../src/providers/cerebras/normalize';
import { normalizeExposition } from '../../src/providers/prometheus/normalize';
import { PrometheusClient } from '../../src/providers/prometheus/prometheusClient';
import { configureParseWorker, parseWorker, shutdownParseWorker } from '../../src/worker/workerHost';
import { generateExposition } from '../../bench/parserBench';
import { parseWorkerBundle } from '../support/parseWorkerBundle';

const body = generateExposition(2 * 1024 * 1024, 11);
const openMetricsBody = `${body.replaceAll(/ (\d{13})\n/g, '\n').replaceAll(/\n\n/g, '\n')}# EOF\n`;

let server: Server;
let base: string;
let http: HttpClient;

before(async () => {
  await configureParseWorker({ file: await parseWorkerBundle() });
  server = createServer((request, response) => {
    const openMetrics = request.url === '/openmetrics';
    response.writeHead(200, { 'content-type': openMetrics ? 'application/openmetrics-text; version=1.0.0; charset=utf-8' : 'text/plain; version=0.0.4' });
    response.end(openMetrics ? openMetricsBody : body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  http = new HttpClient();
});

after(async () => {
  await http.close();
  await new Promise((resolve) => server.close(resolve));
  await shutdownParseWorker();
});

// The series cap (tested on its own) would keep only the first 1,000 series: here every one is compared.
const ALL_SERIES = { maxSeries: Number.MAX_SAFE_INTEGER };

describe('large expositions through the worker', () => {
  test('the body is over the in-thread limit, so the worker reads it', () => {
    assert.ok(body.length > 10 * INLINE_LIMIT);
  });

  test('Prometheus client: same samples, families and issues as reading it in one piece', async () => {
    const reading = await new PrometheusClient(http, { baseUrl: `${base}/metrics` }).scrape(ALL_SERIES);
    assert.equal(parseWorker().running, true);
    const whole = parsePrometheusText(body, { contentType: 'text/plain' });
    assert.equal(reading.format, 'prometheus');
    assert.equal(reading.familyCount, whole.families.length);
    assert.deepEqual(reading.issues, whole.issues);
    assert.deepEqual(reading.samples, normalizeExposition(whole, { at: reading.fetchedAt, typeLabel: true }));
  });

  test('Prometheus client, OpenMetrics content: read as OpenMetrics, flags reported in a note, values kept', async () => {
    const reading = await new PrometheusClient(http, { baseUrl: `${base}/openmetrics` }).scrape(ALL_SERIES);
    const whole = parsePrometheusText(openMetricsBody, { format: 'openmetrics' });
    assert.equal(reading.format, 'openmetrics');
    assert.deepEqual(reading.samples, normalizeExposition(whole, { at: reading.fetchedAt, typeLabel: true }));
    // The generated counters are written 0.0.4-style (no _total suffix), which OpenMetrics flags.
    assert.ok((whole.flags ?? []).length > 0);
    const first = whole.flags![0]!;
    assert.ok(reading.notes?.includes(`The exposition breaks format rules; its values were kept (first at line ${first.line}: ${first.message}).`));
  });

  test('Cerebras client: a large body reads the same through the worker', async () => {
    const client = new CerebrasClient(http, { baseUrl: base, organizationId: 'org_big' });
    // The client asks for /api/v1/metrics/organizations/org_big: the server answers every path with the body.
    const reading = await client.metrics(ALL_SERIES);
    assert.equal(reading.offered, true);
    const expected = normalizeCerebras(
      body,
      parsePrometheusText(body, { format: 'prometheus' }),
      reading.fetchedAt,
      `${base}/api/v1/metrics/organizations/org_big`,
    );
    assert.deepEqual(reading, expected);
  });
});
