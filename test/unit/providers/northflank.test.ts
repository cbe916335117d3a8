import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { ProviderError } from '../../../src/http/errors';
import { HttpClient } from '../../../src/http/httpClient';
import { extractServerMessage } from '../../../src/http/statusErrors';
import {
  metricsInfo,
  metricsQueryParams,
  metricsQueryProblems,
  metricsSamples,
  metricValue,
  readMetrics,
  MetricsResponseSchema,
  NorthflankClient,
  northflankUnit,
  type NorthflankConfig,
} from '../../../src/providers/northflank';
import { parseResponse } from '../../../src/providers/validate';
import { nfMetric, nfMetricsBody, nfPage, nfProject, nfSeries, nfService, nfTypicalMetrics } from '../../support/northflankBuilders';
import { stubHttp } from '../../support/stubHttp';

const NOW = Date.parse('2025-06-02T10:30:00.000Z');
const TOKEN = 'nf_SECRET_token_456';
const config: NorthflankConfig = { baseUrl: 'https://api.northflank.com', token: TOKEN, projectId: 'sandbox-project', resourceId: 'api', now: () => NOW };

describe('Northflank units', () => {
  test('documented units map to ours', () => {
    assert.equal(northflankUnit('pct'), 'percent');
    assert.equal(northflankUnit('vCPU'), 'vcpu');
    assert.equal(northflankUnit('mb'), 'megabytes');
    assert.equal(northflankUnit('kbps'), 'kilobitsPerSecond');
    assert.equal(northflankUnit('rps'), 'requestsPerSecond');
    assert.equal(northflankUnit('count'), 'count');
  });

  test('anything else is kept verbatim, not guessed (Mb is not mb)', () => {
    assert.equal(northflankUnit('GiB'), 'raw:GiB');
    assert.equal(northflankUnit('Mb'), 'raw:Mb');
    assert.equal(northflankUnit('PCT'), 'raw:PCT');
    assert.equal(northflankUnit('toString'), 'raw:toString');
  });
});

describe('Northflank metrics normalization', () => {
  test('one sample per point, per container, unit from each response', () => {
    const body = parseResponse(MetricsResponseSchema(), nfTypicalMetrics(), 'metrics');
    const samples = metricsSamples(body);
    assert.equal(samples.length, 9);
    const cpu = samples.filter((s) => s.series === 'northflank.cpu');
    assert.deepEqual(
      cpu.map((s) => [s.labels?.container, s.value, s.unit, s.at]),
      [
        ['api-6f8d9c7b5-x2k4p', 0.12, 'vcpu', Date.parse('2025-06-02T10:00:00.000Z')],
        ['api-6f8d9c7b5-x2k4p', 0.18, 'vcpu', Date.parse('2025-06-02T10:00:10.000Z')],
        ['api-6f8d9c7b5-q7m1z', 0.09, 'vcpu', Date.parse('2025-06-02T10:00:00.000Z')],
        ['api-6f8d9c7b5-q7m1z', null, 'vcpu', Date.parse('2025-06-02T10:00:10.000Z')],
      ],
    );
    assert.ok(samples.filter((s) => s.series === 'northflank.memory').every((s) => s.unit === 'megabytes'));
    const disk = samples.find((s) => s.series === 'northflank.diskUsage');
    assert.deepEqual(disk?.labels, { container: 'api-6f8d9c7b5-x2k4p', volume: 'vol-data-01' });
    assert.equal(disk?.unit, 'percent');
  });

  test('negative or infinite memory, CPU and network values are withheld and flagged', () => {
    const body = parseResponse(
      MetricsResponseSchema(),
      {
        data: {
          memory: { metricInfo: { metricUnit: 'mb' }, values: [{ metadata: { containerId: 'c1' }, data: [{ value: -50, ts: '2025-06-02T10:00:00.000Z' }] }] },
          cpu: { metricInfo: { metricUnit: 'vCPU' }, values: [{ metadata: { containerId: 'c1' }, data: [{ value: 0.5, ts: '2025-06-02T10:00:00.000Z' }] }] },
        },
      },
      'metrics',
    );
    const [memory, cpu] = metricsSamples(body);
    assert.deepEqual([memory?.value, memory?.flags, memory?.rawValue], [null, ['outOfRange'], -50]);
    assert.equal(cpu?.value, 0.5);
  });

  test('units are never hard-coded per metric', () => {
    const body = parseResponse(
      MetricsResponseSchema(),
      nfMetricsBody({
        cpu: nfMetric('cpu', 'pct', [nfSeries('c1', [{ value: 50, ts: '2025-06-02T10:00:00Z' }])]),
        networkIngress: nfMetric('networkIngress', 'pct', [nfSeries('c1', [{ value: 1, ts: '2025-06-02T10:00:00Z' }])]),
        bandwidthVolume: nfMetric('bandwidthVolume', 'GB', [nfSeries('c1', [{ value: 2, ts: '2025-06-02T10:00:00Z' }])]),
      }),
      'metrics',
    );
    assert.deepEqual(
      metricsSamples(body).map((s) => [s.series, s.unit]),
      [
        ['northflank.cpu', 'percent'],
        ['northflank.networkIngress', 'percent'],
        ['northflank.bandwidthVolume', 'raw:GB'],
      ],
    );
  });

  test('metric info summarises unit and resolution', () => {
    const info = metricsInfo(parseResponse(MetricsResponseSchema(), nfTypicalMetrics(), 'metrics'));
    assert.deepEqual(info.cpu, { unit: 'vcpu', metricUnit: 'vCPU', resolution: 10 });
    assert.deepEqual(Object.keys(info), ['cpu', 'memory', 'diskUsage']);
  });

  test('an empty data object is valid and gives no samples', () => {
    assert.deepEqual(metricsSamples(parseResponse(MetricsResponseSchema(), { data: {} }, 'metrics')), []);
  });

  test('values: numeric strings are read as numbers (the official client types them string | number); other values are left out with a note, the rest kept', () => {
    assert.deepEqual(['198', '0.25', '-1', '1e3', ' 7 ', '.5', 12, null, undefined].map(metricValue), [198, 0.25, -1, 1000, 7, 0.5, 12, null, null]);
    for (const refused of ['abc', '', 'NaN', 'Infinity', '0x10', '1_000', '12px', true, {}, [1]])
      assert.equal(metricValue(refused), undefined, JSON.stringify(refused));

    const body = nfTypicalMetrics() as { data: Record<string, { values: { data: { value: unknown }[] }[] }> };
    const memory = body.data.memory?.values[1]?.data;
    const cpu = body.data.cpu?.values[0]?.data;
    assert.ok(memory && memory.length >= 2 && cpu && cpu.length >= 2);
    memory[0]!.value = '198';
    memory[1]!.value = 'n/a';
    cpu[0]!.value = { nested: 1 };
    cpu[1]!.value = true;
    const parsed = parseResponse(MetricsResponseSchema(), body, 'Northflank service metrics');
    const all = readMetrics(parseResponse(MetricsResponseSchema(), nfTypicalMetrics(), 'm')).samples;
    const read = readMetrics(parsed);
    assert.equal(read.samples.length, all.length - 3, 'only the three odd values are left out');
    assert.ok(read.samples.some((sample) => sample.series === 'northflank.memory' && sample.value === 198));
    assert.deepEqual(read.notes, [
      '2 cpu value(s) were not numbers (the first: an object) and were left out; the other values are shown.',
      '1 memory value(s) were not numbers (the first: "n/a") and were left out; the other values are shown.',
    ]);
  });

  test('a wrong shape names the field', () => {
    assert.throws(() => parseResponse(MetricsResponseSchema(), nfMetricsBody({ cpu: { metricInfo: {}, values: [] } }), 'm'), {
      where: 'data.cpu.metricInfo.metricUnit',
    });
    assert.throws(
      () => parseResponse(MetricsResponseSchema(), nfMetricsBody({ cpu: nfMetric('cpu', 'pct', [nfSeries('c', [{ value: 1, ts: 'not a time' }])]) }), 'm'),
      { where: 'data.cpu.values[0].data[0].ts' },
    );
  });
});

describe('Northflank metrics query', () => {
  const start = new Date('2025-06-02T10:00:00.000Z');
  const end = new Date('2025-06-02T10:20:00.000Z');

  test('range: repeated metricTypes, ISO times, queryType always sent', () => {
    assert.deepEqual(metricsQueryParams({ queryType: 'range', metricTypes: ['cpu', 'memory', 'cpu'], startTime: start, endTime: end }), {
      queryType: 'range',
      metricTypes: ['cpu', 'memory'],
      startTime: '2025-06-02T10:00:00.000Z',
      endTime: '2025-06-02T10:20:00.000Z',
    });
    assert.deepEqual(metricsQueryParams({ queryType: 'range', metricTypes: ['cpu'], duration: 1200, endTime: end, containerName: 'api-0' }), {
      queryType: 'range',
      metricTypes: ['cpu'],
      endTime: '2025-06-02T10:20:00.000Z',
      duration: 1200,
      containerName: 'api-0',
    });
  });

  test('single: time as ISO, or nothing for now', () => {
    assert.deepEqual(metricsQueryParams({ queryType: 'single', metricTypes: ['requests'], time: end }), {
      queryType: 'single',
      metricTypes: ['requests'],
      time: '2025-06-02T10:20:00.000Z',
    });
    assert.deepEqual(metricsQueryParams({ queryType: 'single', metricTypes: ['requests'] }), { queryType: 'single', metricTypes: ['requests'] });
  });

  test('valid queries have no problems', () => {
    assert.deepEqual(metricsQueryProblems({ queryType: 'range', metricTypes: ['cpu'], duration: 600 }), []);
    assert.deepEqual(metricsQueryProblems({ queryType: 'range', metricTypes: ['cpu'], duration: 600, startTime: start }), []);
    assert.deepEqual(metricsQueryProblems({ queryType: 'range', metricTypes: ['cpu'], startTime: start, endTime: end }), []);
    assert.deepEqual(metricsQueryProblems({ queryType: 'single', metricTypes: ['cpu'] }), []);
  });

  test('duration with both start and end is refused', () => {
    const [problem] = metricsQueryProblems({ queryType: 'range', metricTypes: ['cpu'], duration: 600, startTime: start, endTime: end });
    assert.equal(problem?.path, 'duration');
    assert.match(problem?.message ?? '', /at most one of startTime and endTime/);
  });

  test('other mistakes are refused with the field named', () => {
    const paths = (query: Parameters<typeof metricsQueryProblems>[0]) => metricsQueryProblems(query).map((p) => p.path);
    assert.deepEqual(paths({ queryType: 'range', metricTypes: [] }), ['metricTypes']);
    assert.deepEqual(paths({ queryType: 'range', metricTypes: ['cpu', ' '] }), ['metricTypes[1]']);
    assert.deepEqual(paths({ queryType: 'range', metricTypes: ['cpu'], duration: 0 }), ['duration']);
    assert.deepEqual(paths({ queryType: 'range', metricTypes: ['cpu'], duration: 1.5 }), ['duration']);
    assert.deepEqual(paths({ queryType: 'range', metricTypes: ['cpu'], startTime: end, endTime: start }), ['endTime']);
    assert.deepEqual(paths({ queryType: 'range', metricTypes: ['cpu'], startTime: new Date('nope') }), ['startTime']);
    assert.deepEqual(paths({ queryType: 'single', metricTypes: ['cpu'], time: new Date(Number.NaN) }), ['time']);
    assert.deepEqual(paths({ queryType: 'other', metricTypes: ['cpu'] } as never), ['queryType']);
  });
});

describe('NorthflankClient (stubbed transport)', () => {
  const rateLimit = { limit: 1000, remaining: 871, resetAt: NOW + 1_800_000 };

  test('metrics: path, bearer auth, params, samples and rate limit', async () => {
    const stub = stubHttp([{ body: nfTypicalMetrics(), rateLimit }]);
    const reading = await new NorthflankClient(stub.client, config).metrics({
      queryType: 'range',
      metricTypes: ['cpu', 'memory', 'diskUsage'],
      duration: 1200,
    });
    const request = stub.requests[0];
    assert.equal(String(request?.url), 'https://api.northflank.com/v1/projects/sandbox-project/services/api/metrics');
    assert.deepEqual(request?.auth, { kind: 'bearer', token: TOKEN });
    assert.deepEqual(request?.query, { queryType: 'range', metricTypes: ['cpu', 'memory', 'diskUsage'], duration: 1200 });
    assert.equal(reading.samples.length, 9);
    assert.equal(reading.fetchedAt, NOW);
    assert.deepEqual(reading.rateLimit, rateLimit);
    assert.equal(reading.metricInfo.memory?.unit, 'megabytes');
  });

  test('metrics: a value that is not a number costs that value only, with a note on the reading', async () => {
    const body = nfTypicalMetrics() as { data: Record<string, { values: { data: { value: unknown }[] }[] }> };
    const point = body.data.memory?.values[0]?.data[0];
    assert.ok(point);
    point.value = 'unavailable';
    const reading = await new NorthflankClient(stubHttp([{ body }]).client, config).metrics({
      queryType: 'range',
      metricTypes: ['cpu', 'memory', 'diskUsage'],
    });
    assert.equal(reading.samples.length, 8);
    assert.ok(reading.notes?.includes('1 memory value(s) were not numbers (the first: "unavailable") and were left out; the other values are shown.'));
  });

  test('jobs and addons use their sibling routes', async () => {
    for (const [resourceKind, segment] of [
      ['job', 'jobs'],
      ['addon', 'addons'],
    ] as const) {
      const stub = stubHttp([{ body: { data: {} } }]);
      await new NorthflankClient(stub.client, { ...config, resourceKind, resourceId: 'db-1' }).metrics({ queryType: 'single', metricTypes: ['cpu'] });
      assert.equal(String(stub.requests[0]?.url), `https://api.northflank.com/v1/projects/sandbox-project/${segment}/db-1/metrics`);
    }
  });

  test('a bad query, a missing resource or token is refused before sending', async () => {
    const stub = stubHttp([{ body: { data: {} } }]);
    const start = new Date('2025-06-02T10:00:00Z');
    const end = new Date('2025-06-02T10:10:00Z');
    await assert.rejects(
      new NorthflankClient(stub.client, config).metrics({ queryType: 'range', metricTypes: ['cpu'], duration: 60, startTime: start, endTime: end }),
      {
        kind: 'request',
        where: 'duration',
      },
    );
    await assert.rejects(
      new NorthflankClient(stub.client, { ...config, resourceId: undefined }).metrics({ queryType: 'single', metricTypes: ['cpu'] }),
      /service id/,
    );
    await assert.rejects(new NorthflankClient(stub.client, { ...config, token: '' }).listProjects(), { kind: 'auth' });
    assert.equal(stub.requests.length, 0);
  });

  test('listServices follows the cursor with per_page=100 and keeps the newest budget', async () => {
    const pages = [
      { body: nfPage('services', [nfService(1), nfService(2)], { hasNextPage: true, cursor: 'c2' }), rateLimit: { limit: 1000, remaining: 10 } },
      { body: nfPage('services', [nfService(3)], { hasNextPage: true, cursor: 'c3' }) },
      { body: nfPage('services', [nfService(4)], { hasNextPage: false }), rateLimit: { limit: 1000, remaining: 8 } },
    ];
    const stub = stubHttp(pages);
    const result = await new NorthflankClient(stub.client, config).listServices();
    assert.deepEqual(
      result.services.map((s) => s.id),
      ['svc-1', 'svc-2', 'svc-3', 'svc-4'],
    );
    assert.equal(result.complete, true);
    assert.equal(result.pages, 3);
    assert.deepEqual(result.rateLimit, { limit: 1000, remaining: 8 });
    assert.deepEqual(
      stub.requests.map((r) => r.query),
      [{ per_page: 100 }, { per_page: 100, cursor: 'c2' }, { per_page: 100, cursor: 'c3' }],
    );
    assert.equal(String(stub.requests[0]?.url), 'https://api.northflank.com/v1/projects/sandbox-project/services');
  });

  test('listServices can target another project than the configured one', async () => {
    const stub = stubHttp([{ body: nfPage('services', [], { hasNextPage: false }) }]);
    await new NorthflankClient(stub.client, config).listServices({ projectId: 'other-one' });
    assert.equal(String(stub.requests[0]?.url), 'https://api.northflank.com/v1/projects/other-one/services');
  });

  test('ids that could leave their path segment are refused before any request', async () => {
    const stub = stubHttp([{ body: { data: {} } }]);
    for (const resourceId of ['..', 'db/1', 'db 1', '%2e%2e']) {
      await assert.rejects(new NorthflankClient(stub.client, { ...config, resourceId }).metrics({ queryType: 'single', metricTypes: ['cpu'] }), {
        kind: 'request',
      });
    }
    await assert.rejects(new NorthflankClient(stub.client, config).listServices({ projectId: '../teams' }), { kind: 'request' });
    assert.equal(stub.requests.length, 0);
  });

  test('the page cap stops a server that always says "more"', async () => {
    let n = 0;
    const stub = stubHttp(() => ({ body: nfPage('projects', [nfProject(++n)], { hasNextPage: true, cursor: `c${n}` }) }));
    const result = await new NorthflankClient(stub.client, { ...config, maxPages: 4 }).listProjects();
    assert.equal(stub.requests.length, 4);
    assert.equal(result.projects.length, 4);
    assert.equal(result.complete, false);
    assert.match(result.notes?.[0] ?? '', /stopped after 4 pages/);
  });

  test('a repeated or missing cursor ends the walk instead of looping', async () => {
    const repeated = stubHttp(() => ({ body: nfPage('projects', [nfProject(1)], { hasNextPage: true, cursor: 'same' }) }));
    const first = await new NorthflankClient(repeated.client, config).listProjects();
    assert.equal(repeated.requests.length, 2);
    assert.equal(first.complete, false);
    assert.match(first.notes?.[0] ?? '', /repeated a page cursor/);
    const missing = stubHttp([{ body: nfPage('projects', [nfProject(1)], { hasNextPage: true }) }]);
    const second = await new NorthflankClient(missing.client, config).listProjects();
    assert.equal(missing.requests.length, 1);
    assert.match(second.notes?.[0] ?? '', /sent no cursor/);
  });

  test('absent pagination means one page', async () => {
    const stub = stubHttp([{ body: nfPage('projects', [nfProject(1), nfProject(2)], undefined) }]);
    const result = await new NorthflankClient(stub.client, config).listProjects();
    assert.equal(result.projects.length, 2);
    assert.equal(result.complete, true);
  });

  test('a wrong item on a later page names the page and the field', async () => {
    const stub = stubHttp([
      { body: nfPage('projects', [nfProject(1)], { hasNextPage: true, cursor: 'c2' }) },
      { body: nfPage('projects', [nfProject(2, { name: 7 })], { hasNextPage: false }) },
    ]);
    await assert.rejects(new NorthflankClient(stub.client, config).listProjects(), (error: unknown) => {
      assert.ok(error instanceof ProviderError);
      assert.equal(error.where, 'data.projects[0].name');
      assert.match(error.message, /page 2/);
      return true;
    });
  });
});

describe('Northflank error bodies reach the ProviderError', () => {
  test('extractServerMessage reads both documented shapes', () => {
    assert.equal(extractServerMessage(JSON.stringify({ error: { status: 404, message: 'Service not found', id: 'x', details: {} } })), 'Service not found');
    assert.equal(extractServerMessage(JSON.stringify({ status: 403, message: 'Insufficient permissions', code: 'forbidden' })), 'Insufficient permissions');
  });

  let server: Server;
  let base: string;
  const http = new HttpClient({ timeouts: { totalMs: 5000 } });
  const bodies: Record<string, { status: number; body: unknown; headers?: Record<string, string> }> = {
    nested: { status: 404, body: { error: { status: 404, message: 'Service api-x not found', id: 'e1' } } },
    flat: { status: 403, body: { status: 403, code: 'forbidden', message: 'Token lacks View Instance Metrics' } },
    limited: {
      status: 429,
      body: { error: { status: 429, message: 'Too many requests' } },
      headers: { 'retry-after': '30', 'x-ratelimit-limit': '1000', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '30' },
    },
  };

  before(async () => {
    server = createServer((request, response) => {
      const key = (request.url ?? '').split('/')[1] ?? '';
      const answer = bodies[key];
      response.writeHead(answer?.status ?? 500, { 'content-type': 'application/json', ...answer?.headers });
      response.end(JSON.stringify(answer?.body ?? {}));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await http.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  test('{ error: { status, message } }', async () => {
    await assert.rejects(new NorthflankClient(http, { ...config, baseUrl: `${base}/nested` }).listProjects(), (error: unknown) => {
      assert.ok(error instanceof ProviderError);
      assert.equal(error.kind, 'notFound');
      assert.match(error.message, /Service api-x not found/);
      assert.equal(error.serverMessage, 'Service api-x not found');
      return true;
    });
  });

  test('top-level { status, message, code }', async () => {
    await assert.rejects(new NorthflankClient(http, { ...config, baseUrl: `${base}/flat` }).listProjects(), (error: unknown) => {
      assert.ok(error instanceof ProviderError);
      assert.equal(error.kind, 'auth');
      assert.match(error.message, /Token lacks View Instance Metrics/);
      assert.ok(!JSON.stringify(error).includes(TOKEN));
      return true;
    });
  });

  test('429 carries retryAfterMs and the exhausted budget', async () => {
    await assert.rejects(new NorthflankClient(http, { ...config, baseUrl: `${base}/limited` }).listProjects(), (error: unknown) => {
      assert.ok(error instanceof ProviderError);
      assert.equal(error.kind, 'rateLimited');
      assert.equal(error.retryAfterMs, 30_000);
      assert.equal(error.rateLimit?.remaining, 0);
      assert.equal(error.rateLimit?.limit, 1000);
      return true;
    });
  });
});
