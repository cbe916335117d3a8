/**
 * The real NorthflankClient over real HTTP against the sandbox's Northflank API: cursor pagination
 * over 120 services, range and single metrics with several types and one series per container,
 * units read from each response, the rate-limit budget on every result, and every fault.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { HttpClient } from '../../src/http/httpClient';
import type { RequestLimits } from '../../src/providers/clientSupport';
import { NorthflankClient, type NorthflankConfig } from '../../src/providers/northflank';
import type { Sample } from '../../src/shared/samples';
import { ROOMY_TIMEOUTS, faultMatrix } from '../support/faultMatrix';
import { rejectsWith } from '../support/providerFaults';
import { useSandbox } from '../support/sandbox';
import { NORTHFLANK_PROJECT, NORTHFLANK_SERVICE_COUNT } from '../../sandbox/providers/northflank';

const PROJECT = NORTHFLANK_PROJECT;
const ctx = useSandbox({ port: 0 });
let http: HttpClient;

before(() => {
  http = new HttpClient();
});
after(async () => {
  await http.close();
});

function client(overrides: Partial<NorthflankConfig> = {}): NorthflankClient {
  return new NorthflankClient(http, {
    baseUrl: ctx.sandbox.baseUrl('northflank'),
    token: ctx.sandbox.tokens.northflank,
    projectId: PROJECT,
    resourceId: 'api',
    timeouts: ROOMY_TIMEOUTS,
    ...overrides,
  });
}

function lastRequest(pathEnd: string) {
  const request = ctx.sandbox.requests.filter((r) => r.path.endsWith(pathEnd)).at(-1);
  assert.ok(request, `a request to ${pathEnd} reached the sandbox`);
  return { ...request, params: new URLSearchParams(request.query) };
}

function byContainer(samples: readonly Sample[], series: string): Map<string, Sample[]> {
  const map = new Map<string, Sample[]>();
  for (const sample of samples.filter((s) => s.series === series)) {
    const container = sample.labels?.container ?? '';
    map.set(container, [...(map.get(container) ?? []), sample]);
  }
  return map;
}

describe('Northflank: pickers and pagination', () => {
  test('listProjects: every project, with the rate-limit budget', async () => {
    const result = await client().listProjects();
    assert.ok(result.projects.some((p) => p.id === PROJECT));
    assert.equal(result.pages, 1);
    assert.equal(result.complete, true);
    assert.equal(result.rateLimit?.limit, 1000);
    assert.ok((result.rateLimit?.remaining ?? 1000) < 1000);
    assert.ok((result.rateLimit?.resetAt ?? 0) > Date.now());
    assert.deepEqual(ctx.sandbox.requests.at(-1)?.auth, ['bearer']);
  });

  test('listServices walks 120 services across pages of 100 by cursor', async () => {
    ctx.sandbox.clearRequests();
    const result = await client().listServices();
    assert.equal(NORTHFLANK_SERVICE_COUNT, 120);
    assert.equal(result.services.length, 120);
    assert.equal(new Set(result.services.map((s) => s.id)).size, 120);
    assert.ok(result.services.some((s) => s.id === 'api') && result.services.some((s) => s.id === 'worker'));
    assert.equal(result.pages, 2);
    assert.equal(result.complete, true);
    const pages = ctx.sandbox.requests.map((r) => new URLSearchParams(r.query));
    assert.equal(pages.length, 2);
    assert.equal(pages[0]?.get('per_page'), '100');
    assert.equal(pages[0]?.get('cursor'), null);
    assert.equal(pages[1]?.get('per_page'), '100');
    assert.ok(pages[1]?.get('cursor'), 'the second page asks by cursor');
  });

  test('the page cap stops early and says so', async () => {
    const result = await client({ maxPages: 1 }).listServices();
    assert.equal(result.services.length, 100);
    assert.equal(result.complete, false);
    assert.match(result.notes?.[0] ?? '', /stopped after 1 pages/);
  });

  test('services of another project, and an empty project', async () => {
    assert.deepEqual(
      (await client().listServices({ projectId: 'sandbox-staging' })).services.map((s) => s.id),
      ['api-staging'],
    );
    const empty = await client().listServices({ projectId: 'empty-project' });
    assert.deepEqual(empty.services, []);
    assert.equal(empty.complete, true);
  });

  test('the budget counts down with every call', async () => {
    const first = await client().listProjects();
    const second = await client().listProjects();
    assert.equal((first.rateLimit?.remaining ?? 0) - 1, second.rateLimit?.remaining);
  });

  test('an unknown project is notFound with the server message', async () => {
    const error = await rejectsWith(client().listServices({ projectId: 'nope' }), 'notFound');
    assert.match(error.message, /Project not found/);
    assert.equal(error.rateLimit?.limit, 1000);
  });
});

describe('Northflank: metrics', () => {
  const types = ['cpu', 'memory', 'networkIngress', 'requests', 'tcpConnectionsOpen'];

  test('range by duration: several types in one call, one series per container, units from the response', async () => {
    const reading = await client().metrics({ queryType: 'range', metricTypes: types, duration: 600 });
    const sent = lastRequest('/services/api/metrics');
    assert.equal(sent.params.get('queryType'), 'range');
    assert.deepEqual(sent.params.getAll('metricTypes'), types);
    assert.equal(sent.params.get('duration'), '600');
    assert.deepEqual(Object.fromEntries(Object.entries(reading.metricInfo).map(([type, info]) => [type, info.unit])), {
      cpu: 'vcpu',
      memory: 'megabytes',
      networkIngress: 'kilobitsPerSecond',
      requests: 'requestsPerSecond',
      tcpConnectionsOpen: 'count',
    });
    for (const type of types) {
      const series = byContainer(reading.samples, `northflank.${type}`);
      assert.equal(series.size, 2, `${type}: two containers`);
      for (const [container, points] of series) {
        assert.match(container, /^api-/);
        assert.ok(points.length >= 59 && points.length <= 61, `${type}/${container}: ${points.length} points`);
        assert.ok(points.every((p) => p.value !== null && p.value >= 0));
        assert.ok(
          points.every((p, i) => i === 0 || p.at - (points[i - 1]?.at ?? 0) === 10_000),
          'ascending, 10 s apart',
        );
      }
    }
    assert.equal(reading.rateLimit?.limit, 1000);
  });

  test('range by start and end: every point inside the window', async () => {
    const endTime = new Date(Math.floor(Date.now() / 10_000) * 10_000 - 60_000);
    const startTime = new Date(endTime.getTime() - 5 * 60_000);
    const reading = await client().metrics({ queryType: 'range', metricTypes: ['cpu', 'memory'], startTime, endTime });
    const sent = lastRequest('/services/api/metrics');
    assert.equal(sent.params.get('startTime'), startTime.toISOString());
    assert.equal(sent.params.get('endTime'), endTime.toISOString());
    assert.equal(sent.params.get('duration'), null);
    assert.ok(reading.samples.length > 0);
    assert.ok(reading.samples.every((s) => s.at >= startTime.getTime() && s.at <= endTime.getTime()));
    assert.equal(byContainer(reading.samples, 'northflank.cpu').get([...byContainer(reading.samples, 'northflank.cpu').keys()][0] ?? '')?.length, 31);
  });

  test('duration with one bound', async () => {
    const endTime = new Date(Date.now() - 120_000);
    const reading = await client().metrics({ queryType: 'range', metricTypes: ['requests'], duration: 300, endTime });
    assert.ok(reading.samples.every((s) => s.at <= endTime.getTime() && s.at >= endTime.getTime() - 300_000));
  });

  test('single at a time: one point per container and type', async () => {
    const time = new Date(Date.now() - 30_000);
    const reading = await client().metrics({ queryType: 'single', metricTypes: types, time });
    const sent = lastRequest('/services/api/metrics');
    assert.equal(sent.params.get('queryType'), 'single');
    assert.equal(sent.params.get('time'), time.toISOString());
    assert.equal(reading.samples.length, types.length * 2);
    const expectedAt = Math.floor(time.getTime() / 10_000) * 10_000;
    assert.ok(reading.samples.every((s) => s.at === expectedAt));
  });

  test('single without a time still sends queryType', async () => {
    const reading = await client({ resourceId: 'worker' }).metrics({ queryType: 'single', metricTypes: ['cpu'] });
    assert.equal(lastRequest('/services/worker/metrics').params.get('queryType'), 'single');
    assert.equal(reading.samples.length, 1, 'the worker has one container');
  });

  test('an addon reports CPU in percent and disk per volume; a job has its own route', async () => {
    const addon = await client({ resourceKind: 'addon', resourceId: 'postgres' }).metrics({ queryType: 'single', metricTypes: ['cpu', 'diskUsage'] });
    assert.equal(addon.metricInfo.cpu?.unit, 'percent');
    const disk = addon.samples.filter((s) => s.series === 'northflank.diskUsage');
    assert.deepEqual(disk.map((s) => s.labels?.volume).sort(), ['postgres-data-0', 'postgres-data-1']);
    assert.ok(disk.every((s) => s.unit === 'megabytes' && s.labels?.container));
    const job = await client({ resourceKind: 'job', resourceId: 'nightly-report' }).metrics({ queryType: 'single', metricTypes: ['memory'] });
    assert.equal(job.samples.length, 1);
    assert.ok(lastRequest('/jobs/nightly-report/metrics'));
  });

  test('pinned values come through exactly (per-container series, same unit)', async () => {
    ctx.sandbox.setState({ northflank: { metrics: { cpu: 0.75 } } });
    try {
      const reading = await client().metrics({ queryType: 'single', metricTypes: ['cpu'] });
      assert.deepEqual(
        reading.samples.map((s) => s.value),
        [0.75, 0.75],
      );
    } finally {
      ctx.sandbox.setState({ northflank: null });
    }
  });

  test('an unknown metric type: refused by the server, reason in the error', async () => {
    const error = await rejectsWith(client().metrics({ queryType: 'single', metricTypes: ['gpu'] }), 'request');
    assert.equal(error.status, 400);
    assert.match(error.message, /metricTypes/);
  });

  test('duration with both bounds: refused before sending', async () => {
    const before = ctx.sandbox.requests.length;
    const error = await rejectsWith(
      client().metrics({ queryType: 'range', metricTypes: ['cpu'], duration: 60, startTime: new Date(Date.now() - 600_000), endTime: new Date() }),
      'request',
    );
    assert.equal(error.where, 'duration');
    assert.equal(ctx.sandbox.requests.length, before);
  });

  test('an unknown service is notFound', async () => {
    const error = await rejectsWith(client({ resourceId: 'ghost' }).metrics({ queryType: 'single', metricTypes: ['cpu'] }), 'notFound');
    assert.match(error.message, /Service not found/);
  });
});

describe('Northflank error bodies', () => {
  test('top-level { status, message, code } reaches the error', async () => {
    ctx.sandbox.injectFault({
      route: '/northflank/v1/projects',
      fault: {
        kind: 'status',
        status: 403,
        body: JSON.stringify({ status: 403, code: 'forbidden', message: 'Token lacks Project > Services > General > Read' }),
      },
      times: 1,
    });
    const error = await rejectsWith(client().listProjects(), 'auth');
    assert.match(error.message, /Token lacks Project > Services > General > Read/);
  });

  test('nested { error: { status, message } } reaches the error', async () => {
    const body = JSON.stringify({ error: { status: 503, message: 'Metrics backend is restarting', id: 'req-1', details: {} } });
    ctx.sandbox.injectFault({ route: '/northflank/v1/projects', fault: { kind: 'status', status: 503, body }, times: 1 });
    const error = await rejectsWith(client().listProjects(), 'server');
    assert.match(error.message, /HTTP 503\): Metrics backend is restarting/);
    assert.equal(error.serverMessage, 'Metrics backend is restarting');
  });

  test('a fault on the second page fails the whole list (no silent half list)', async () => {
    const route = `/northflank/v1/projects/${PROJECT}/services`;
    // Counted faults apply in order: page 1 answers normally (zero latency), page 2 gets the 500.
    ctx.sandbox.injectFault({ route, fault: { kind: 'latency', ms: 0 }, times: 1 });
    ctx.sandbox.injectFault({ route, fault: { kind: 'status', status: 500 }, times: 1 });
    const before = ctx.sandbox.requests.length;
    await rejectsWith(client().listServices(), 'server');
    const sent = ctx.sandbox.requests.slice(before).map((r) => new URLSearchParams(r.query));
    assert.equal(sent.length, 2);
    assert.ok(sent[1]?.get('cursor'), 'the failing request was the second page');
  });
});

const limitsClient = (limits: RequestLimits, token?: string) => client({ ...limits, ...(token === undefined ? {} : { token }) });
const echoingAuthBody = (token: string) => JSON.stringify({ error: { status: 401, message: `Invalid token ${token}`, id: 'sandbox' } });

describe('Northflank faults: GET …/services/api/metrics', () => {
  faultMatrix({
    sandbox: () => ctx.sandbox,
    route: `/northflank/v1/projects/${PROJECT}/services/api/metrics`,
    token: () => ctx.sandbox.tokens.northflank,
    call: (limits, token) => limitsClient(limits, token).metrics({ queryType: 'range', metricTypes: ['cpu', 'memory'], duration: 300 }),
    wrongShapeWhere: /^data\.cpu\.(metricInfo|values)/,
    echoingAuthBody,
  });
});

describe('Northflank faults: GET /v1/projects (paginated)', () => {
  faultMatrix({
    sandbox: () => ctx.sandbox,
    route: '/northflank/v1/projects',
    token: () => ctx.sandbox.tokens.northflank,
    call: (limits, token) => limitsClient(limits, token).listProjects(),
    wrongShapeWhere: /^pagination\.|^data\.projects/,
    echoingAuthBody,
  });
});
