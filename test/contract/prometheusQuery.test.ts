/**
 * The Prometheus query API client over real HTTP against a stub server on 127.0.0.1: what it sends
 * (paths, parameters, bearer or basic credentials) and how it reads every answer: vectors, matrices
 * and scalars with Prometheus' special values, the server's own error messages, and hostile bodies
 * (wrong shapes, runaway result sizes) refused with the field at fault and never a token.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { HttpClient } from '../../src/http/httpClient';
import { MAX_SERIES, PrometheusQueryClient, type PrometheusQueryTarget } from '../../src/providers/prometheusQuery/client';
import { assertNoSecret, rejectsWith } from '../support/providerFaults';

interface Seen {
  readonly path: string;
  readonly query: URLSearchParams;
  readonly authorization?: string;
}

const TOKEN = 'prom-secret-token-123';

describe('Prometheus query API client', () => {
  let server: Server;
  let base = '';
  let answer: { status: number; body: string } = { status: 200, body: '{}' };
  const seen: Seen[] = [];
  const http = new HttpClient();
  const json = (status: number, body: unknown) => (answer = { status, body: JSON.stringify(body) });
  const vector = (result: unknown[]) => json(200, { status: 'success', data: { resultType: 'vector', result } });

  before(async () => {
    server = createServer((req: IncomingMessage, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      seen.push({ path: url.pathname, query: url.searchParams, ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) });
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(answer.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/prom`;
  });
  after(async () => {
    await http.close();
    await new Promise((resolve) => server.close(resolve));
  });

  const client = (target: Partial<PrometheusQueryTarget> = {}) => new PrometheusQueryClient(http, { baseUrl: base, ...target });

  test('an instant query: path under the base URL, the expression, the time, and the vector read', async () => {
    vector([
      { metric: { __name__: 'live_usage_up', connection: 'bl' }, value: [1700000000.5, '1'] },
      { metric: { connection: 'nan' }, value: [1700000000.5, 'NaN'] },
      { metric: { connection: 'inf' }, value: [1700000000.5, '+Inf'] },
    ]);
    seen.length = 0;
    const result = await client().query('live_usage_up', { time: 1_700_000_000_500 });
    assert.equal(seen[0]?.path, '/prom/api/v1/query');
    assert.equal(seen[0]?.query.get('query'), 'live_usage_up');
    assert.equal(seen[0]?.query.get('time'), '1700000000.5');
    assert.equal(seen[0]?.authorization, undefined, 'no credentials without a token');
    assert.equal(result.series, 3);
    assert.deepEqual(result.points[0], { name: 'live_usage_up', labels: { connection: 'bl' }, at: 1_700_000_000_500, value: 1 });
    assert.ok(Number.isNaN(result.points[1]?.value));
    assert.equal(result.points[2]?.value, Infinity);
  });

  test('a range query: start, end and a step that keeps every series under 11,000 points; matrices and scalars', async () => {
    json(200, {
      status: 'success',
      data: {
        resultType: 'matrix',
        result: [
          {
            metric: { __name__: 'x' },
            values: [
              [1, '1'],
              [2, '2.5'],
            ],
          },
        ],
      },
      warnings: ['result may be incomplete'],
    });
    seen.length = 0;
    const day = 24 * 60 * 60 * 1000;
    const result = await client().queryRange('x', { start: 0, end: 30 * day, stepMs: 15_000 });
    assert.equal(seen[0]?.path, '/prom/api/v1/query_range');
    assert.equal(seen[0]?.query.get('start'), '0');
    assert.equal(seen[0]?.query.get('end'), String((30 * day) / 1000));
    assert.equal(seen[0]?.query.get('step'), '236s', '30 days in at most 11,000 steps');
    assert.deepEqual(
      result.points.map((point) => [point.at, point.value]),
      [
        [1000, 1],
        [2000, 2.5],
      ],
    );
    assert.deepEqual(result.warnings, ['result may be incomplete']);
    json(200, { status: 'success', data: { resultType: 'scalar', result: [5, '42'] } });
    assert.deepEqual((await client().query('42')).points, [{ name: '', labels: {}, at: 5000, value: 42 }]);
  });

  test('bearer and basic credentials', async () => {
    vector([]);
    seen.length = 0;
    await client({ token: TOKEN }).query('up');
    await client({ token: TOKEN, authMode: 'basic', username: 'grafana' }).query('up');
    assert.equal(seen[0]?.authorization, `Bearer ${TOKEN}`);
    assert.equal(seen[1]?.authorization, `Basic ${Buffer.from(`grafana:${TOKEN}`).toString('base64')}`);
  });

  test('the server’s own error message for a refused query; auth failures without the token', async () => {
    json(400, { status: 'error', errorType: 'bad_data', error: '1:5: parse error: unexpected <op:*>' });
    const refused = await rejectsWith(client().query('up *'), 'request');
    assert.match(refused.message, /parse error: unexpected <op:\*>/);
    json(200, { status: 'error', errorType: 'execution', error: 'query timed out' });
    assert.match((await rejectsWith(client().query('up'), 'request')).message, /refused the query: query timed out/);
    json(401, { status: 'error', error: `bad token ${TOKEN}` });
    const denied = await rejectsWith(client({ token: TOKEN }).query('up'), 'auth');
    assertNoSecret(denied, TOKEN);
    json(503, { status: 'error', error: 'shutting down' });
    await rejectsWith(client().query('up'), 'server');
  });

  test('hostile answers are refused with the field at fault', async () => {
    json(200, { status: 'success', data: { resultType: 'vector', result: [{ value: [1, '1'] }] } });
    assert.match((await rejectsWith(client().query('up'), 'badResponse')).message, /data\.result|metric/);
    vector([{ metric: {}, value: [1, 'one'] }]);
    assert.match((await rejectsWith(client().query('up'), 'badResponse')).message, /value that is not a number at data\.result\[0\]\.value/);
    vector([{ metric: {}, value: ['1', '1'] }]);
    assert.match((await rejectsWith(client().query('up'), 'badResponse')).message, /expected \[time, "value"\]/);
    json(200, { status: 'success', data: { resultType: 'string', result: [1, 'hello'] } });
    await rejectsWith(client().query('"hello"'), 'badResponse');
    json(200, { status: 'fine' });
    await rejectsWith(client().query('up'), 'badResponse');
    vector(Array.from({ length: MAX_SERIES + 1 }, (_, index) => ({ metric: { i: String(index) }, value: [1, '1'] })));
    assert.match((await rejectsWith(client().query('up'), 'badResponse')).message, /more than 10000/);
  });

  test('a base URL that is not http(s) is refused before any request', () => {
    assert.throws(() => client({ baseUrl: 'file:///etc/passwd' }), /must start with http:\/\/ or https:\/\//);
  });
});
