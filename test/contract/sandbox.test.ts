// Tests of the sandbox itself (docs/sandbox.md), with plain fetch, so the provider contract tests
// can trust what it serves.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Sandbox, SandboxOptions } from '../../sandbox/server';
import { startSandbox } from '../../sandbox/server';
import { useSandbox } from '../support/sandbox';

const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);
const FIVE_MIN = 5 * 60 * 1000;

/** A sandbox on a clock the test moves, closed when the callback ends. */
async function withClock(options: SandboxOptions, run: (sandbox: Sandbox, clock: { ms: number }) => Promise<void>): Promise<void> {
  const clock = { ms: T0 };
  const sandbox = await startSandbox({ ...options, now: () => clock.ms });
  try {
    await run(sandbox, clock);
  } finally {
    await sandbox.close();
  }
}

function basic(user: string): string {
  return 'Basic ' + Buffer.from(user).toString('base64');
}

async function getJson(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown; headers: Headers }> {
  const res = await fetch(url, { headers });
  const raw = await res.text();
  return { status: res.status, headers: res.headers, body: raw === '' ? undefined : (JSON.parse(raw) as unknown) };
}

type Json = Record<string, unknown>;

const ctx = useSandbox();

describe('browserless', () => {
  const bl = (path: string, init: RequestInit = {}): Promise<Response> => fetch(ctx.sandbox.baseUrl('browserless') + path, init);
  const token = (): string => ctx.sandbox.tokens.browserless;

  test('v2 accepts query, Bearer and Basic("T:"); the query token comes first, even a wrong or empty one', async () => {
    assert.equal((await bl(`/pressure?token=${token()}`)).status, 200);
    assert.equal((await bl('/pressure', { headers: { authorization: `Bearer ${token()}` } })).status, 200);
    assert.equal((await bl('/pressure', { headers: { authorization: basic(`${token()}:`) } })).status, 200);
    assert.equal((await bl(`/pressure?token=${token()}`, { headers: { authorization: 'Bearer wrong' } })).status, 200);
    assert.equal((await bl('/pressure?token=wrong', { headers: { authorization: `Bearer ${token()}` } })).status, 401);
    assert.equal((await bl('/pressure?token=', { headers: { authorization: `Bearer ${token()}` } })).status, 401);
  });

  test('v2 rejects a missing, wrong or lower-case bearer token with 401 text/plain', async () => {
    for (const res of [await bl('/pressure'), await bl('/metrics?token=nope'), await bl('/pressure', { headers: { authorization: `bearer ${token()}` } })]) {
      assert.equal(res.status, 401);
      assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
      assert.equal(await res.text(), 'Bad or missing authentication.');
    }
  });

  test('v1 takes query, Basic and cookie but refuses Bearer; a bad token is 403 text/plain on any path, before routing', async () => {
    const v1 = (path: string, headers: Record<string, string> = {}): Promise<Response> => fetch(ctx.sandbox.baseUrl('browserless-v1') + path, { headers });
    assert.equal((await v1(`/pressure?token=${token()}`)).status, 200);
    assert.equal((await v1('/pressure', { authorization: basic(`${token()}:`) })).status, 200);
    assert.equal((await v1('/pressure', { cookie: `browserless_token=${token()}` })).status, 200);
    for (const res of [await v1('/pressure', { authorization: `Bearer ${token()}` }), await v1('/no-such-route'), await v1('/metrics?token=wrong')]) {
      assert.equal(res.status, 403);
      assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
      assert.equal(await res.text(), 'Unauthorized');
    }
    assert.equal((await v1(`/no-such-route?token=${token()}`)).status, 404);
    // v1's routes look at neither Accept nor Content-Type.
    assert.equal((await v1(`/metrics?token=${token()}`, { accept: 'application/json; charset=utf-8', 'content-type': 'application/json' })).status, 200);
  });

  test('v2 Accept: split on commas, untrimmed; an element containing */* matches; parameters do not', async () => {
    const q = `?token=${token()}`;
    const status = async (path: string, accept: string): Promise<number> => (await bl(path + q, { headers: { accept } })).status;
    assert.equal(await status('/metrics', 'application/json'), 200);
    assert.equal(await status('/metrics', '*/*'), 200);
    assert.equal(await status('/metrics', 'text/plain, */*'), 200);
    assert.equal(await status('/metrics', 'text/html;q=0.9,*/*;q=0.8'), 200);
    assert.equal(await status('/metrics', 'application/json, text/plain'), 200);
    assert.equal(await status('/metrics', 'APPLICATION/JSON'), 200);
    assert.equal(await status('/metrics', 'application/json; charset=utf-8'), 404);
    assert.equal(await status('/metrics', 'text/plain, application/json'), 404, 'the second element keeps its leading space');
    assert.equal(await status('/metrics', 'text/plain'), 404);
    assert.equal(await status('/pressure', 'text/*'), 404);
    assert.equal(await status('/pressure', 'text/plain'), 200);
  });

  test('a GET with any Content-Type finds no route on the open-source server (404); the hosted mount answers 400 to application/json', async () => {
    const q = `?token=${token()}`;
    for (const type of ['application/json', 'text/plain', 'application/json; charset=utf-8']) {
      assert.equal((await bl('/pressure' + q, { headers: { 'content-type': type } })).status, 404, type);
    }
    const hosted = (path: string, headers: Record<string, string>): Promise<Response> => fetch(ctx.sandbox.baseUrl('browserless-hosted') + path, { headers });
    assert.equal((await hosted('/metrics' + q, {})).status, 200);
    assert.equal((await hosted('/metrics' + q, { 'content-type': 'application/json' })).status, 400);
    assert.equal((await hosted('/metrics' + q, { 'content-type': 'Application/JSON; charset=utf-8' })).status, 400);
    // Checked after the route and before the token, as on the other mounts.
    assert.equal((await hosted('/metrics', { 'content-type': 'application/json' })).status, 400);
    assert.equal((await hosted('/metrics', {})).status, 401);
  });

  test('pressure has integer percents, follows setState, and reports full/cpu reasons', async () => {
    const sb = ctx.sandbox;
    const read = async (): Promise<Json> => ((await getJson(`${sb.baseUrl('browserless')}/pressure?token=${token()}`)).body as { pressure: Json }).pressure;
    const live = await read();
    for (const key of ['cpu', 'memory', 'running', 'queued', 'maxConcurrent', 'maxQueued', 'recentlyRejected', 'date']) {
      assert.ok(Number.isInteger(live[key]), `${key} is an integer`);
    }
    try {
      sb.setState({ browserless: { running: 2, maxConcurrent: 2, queued: 1, maxQueued: 1, cpu: 44, memory: 5 } });
      const full = await read();
      assert.deepEqual(
        { running: full.running, queued: full.queued, isAvailable: full.isAvailable, reason: full.reason, message: full.message, cpu: full.cpu },
        { running: 2, queued: 1, isAvailable: false, reason: 'full', message: 'Concurrency and queue are full', cpu: 44 },
      );
      sb.setState({ browserless: { queued: 0, cpu: 99 } });
      assert.equal((await read()).reason, 'cpu');
      const textRes = await bl(`/pressure?token=${token()}`, { headers: { accept: 'text/plain' } });
      assert.equal(textRes.status, 503);
      assert.match(await textRes.text(), /CPU/);
      sb.setState({ browserless: { cpu: null } });
      assert.equal((await read()).cpu, null);
    } finally {
      sb.setState({ browserless: null });
    }
    assert.equal((await read()).maxConcurrent, 10);
  });

  test('the unwrapped and no-pressure variants', async () => {
    const unwrapped = await getJson(`${ctx.sandbox.baseUrl('browserless-v2-unwrapped')}/pressure?token=${token()}`);
    assert.equal(unwrapped.status, 200);
    assert.equal(typeof (unwrapped.body as Json).running, 'number');
    assert.equal((unwrapped.body as Json).pressure, undefined);
    assert.equal((await fetch(`${ctx.sandbox.baseUrl('browserless-v2-nopressure')}/pressure?token=${token()}`)).status, 404);
    assert.equal((await fetch(`${ctx.sandbox.baseUrl('browserless-v2-nopressure')}/metrics?token=${token()}`)).status, 200);
  });

  test('/metrics: 5-minute periods from start, pre-seeded, new ones appear, deterministic by seed', async () => {
    await withClock({ seed: 7 }, async (sb, clock) => {
      const url = `${sb.baseUrl('browserless')}/metrics?token=${sb.tokens.browserless}`;
      const first = (await getJson(url)).body as Json[];
      assert.equal(first.length, 36);
      assert.equal(first.at(-1)?.date, T0);
      assert.equal(first[0]?.date, T0 - 35 * FIVE_MIN);
      for (const p of first) {
        for (const key of ['cpu', 'memory'] as const)
          assert.ok(typeof p[key] === 'number' && (p[key] as number) >= 0 && (p[key] as number) <= 1, `${key} fraction`);
        const times = p.sessionTimes as number[];
        assert.equal(
          p.totalTime,
          times.reduce((a, b) => a + b, 0),
        );
        assert.equal(
          p.units,
          times.reduce((a, t) => a + Math.ceil(t / 30_000), 0),
        );
      }
      clock.ms += FIVE_MIN - 1;
      assert.equal(((await getJson(url)).body as Json[]).length, 36);
      clock.ms += 1;
      const later = (await getJson(url)).body as Json[];
      assert.equal(later.length, 37);
      assert.deepEqual(later.slice(0, 36), first, 'history does not change');
      await withClock({ seed: 7 }, async (twin) => {
        assert.deepEqual((await getJson(`${twin.baseUrl('browserless')}/metrics?token=${twin.tokens.browserless}`)).body, first);
      });
      await withClock({ seed: 8 }, async (other) => {
        assert.notDeepEqual((await getJson(`${other.baseUrl('browserless')}/metrics?token=${other.tokens.browserless}`)).body, first);
      });
      sb.setState({ browserless: { negativeRunning: true } });
      const bug = ((await getJson(url)).body as Json[]).at(-1);
      assert.equal(bug?.running, -1);
      assert.equal(bug?.maxConcurrent, 0);
    });
  });

  test('/metrics/total sums the periods; with no history meanTime and estimatedMonthlyUnits are null', async () => {
    await withClock({ browserlessHistoryPeriods: 0 }, async (sb, clock) => {
      const base = sb.baseUrl('browserless');
      const q = `?token=${sb.tokens.browserless}`;
      assert.deepEqual((await getJson(base + '/metrics' + q)).body, []);
      const empty = (await getJson(base + '/metrics/total' + q)).body as Json;
      assert.equal(empty.meanTime, null);
      assert.equal(empty.estimatedMonthlyUnits, null);
      assert.equal(empty.minutesOfMetricsAvailable, 0);
      clock.ms += 3 * FIVE_MIN;
      const periods = (await getJson(base + '/metrics' + q)).body as Json[];
      const total = (await getJson(base + '/metrics/total' + q)).body as Json;
      assert.equal(periods.length, 3);
      const units = periods.reduce((a, p) => a + (p.units as number), 0);
      assert.equal(total.units, units);
      assert.equal(
        total.successful,
        periods.reduce((a, p) => a + (p.successful as number), 0),
      );
      assert.equal(total.minutesOfMetricsAvailable, 15);
      assert.equal(total.minTime, 0);
      assert.equal(total.estimatedMonthlyUnits, Math.round(units / (3 / 8640)));
      assert.equal('cpu' in total, false);
    });
  });

  test('v1 /metrics: periods dated by their start; the period still open comes last with every field', async () => {
    await withClock({}, async (sb, clock) => {
      clock.ms += 60_000;
      const q = `?token=${sb.tokens.browserless}`;
      const list = (await getJson(`${sb.baseUrl('browserless-v1')}/metrics${q}`)).body as Json[];
      const v2 = (await getJson(`${sb.baseUrl('browserless')}/metrics${q}`)).body as Json[];
      assert.equal(list.length, 37);
      assert.equal('unauthorized' in (list[0] ?? {}), false);
      // The same periods as v2, each dated five minutes earlier: v1 keeps the date it set when the period opened.
      assert.deepEqual(
        list.slice(0, -1).map((p) => p.date),
        v2.map((p) => (p.date as number) - FIVE_MIN),
      );
      const { unauthorized: _u, ...lastV2 } = v2.at(-1) as Json;
      assert.deepEqual(list.at(-2), { ...lastV2, date: (lastV2.date as number) - FIVE_MIN });
      const open = list.at(-1) as Json;
      assert.equal(open.date, T0, 'the open period started when the last one was saved');
      assert.deepEqual(Object.keys(open).sort(), Object.keys(list[0] ?? {}).sort(), 'every field of a finished period, cpu and memory included');
      assert.ok(typeof open.cpu === 'number' && open.cpu >= 0 && open.cpu <= 1);
      const times = open.sessionTimes as number[];
      assert.equal(
        open.totalTime,
        times.reduce((a, b) => a + b, 0),
      );
      assert.equal((await fetch(`${sb.baseUrl('browserless-v1')}/metrics/all${q}`)).status, 404);
      assert.equal((await fetch(`${sb.baseUrl('browserless-v1-all')}/metrics/all${q}`)).status, 200);
      assert.equal((await fetch(`${sb.baseUrl('browserless-v1-all')}/metrics/total${q}`)).status, 404);
    });
  });
});

describe('browserbase', () => {
  const key = (): Record<string, string> => ({ 'x-bb-api-key': ctx.sandbox.tokens.browserbase });
  const bb = (path: string): string => ctx.sandbox.baseUrl('browserbase') + path;
  const post = (path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> =>
    fetch(bb(path), { method: 'POST', headers: { ...key(), 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const sessions = async (query = ''): Promise<Json[]> => {
    const res = await getJson(bb('/v1/sessions' + query), key());
    assert.equal(res.status, 200);
    return res.body as Json[];
  };

  test('X-BB-API-Key is required; errors are {statusCode, error, message}', async () => {
    const attempts: Record<string, string>[] = [{}, { 'x-bb-api-key': 'wrong' }, { authorization: `Bearer ${ctx.sandbox.tokens.browserbase}` }];
    for (const headers of attempts) {
      const res = await getJson(bb('/v1/projects'), headers);
      assert.equal(res.status, 401);
      const body = res.body as Json;
      assert.equal(body.statusCode, 401);
      assert.equal(body.error, 'Unauthorized');
      assert.equal(typeof body.message, 'string');
    }
  });

  test('projects, project concurrency and usage', async () => {
    const projects = (await getJson(bb('/v1/projects'), key())).body as Json[];
    assert.ok(Array.isArray(projects) && projects.some((p) => p.id === 'proj_sandbox'));
    const project = (await getJson(bb('/v1/projects/proj_sandbox'), key())).body as Json;
    assert.equal(project.concurrency, 3);
    const usage = (await getJson(bb('/v1/projects/proj_sandbox/usage'), key())).body as Json;
    assert.ok(Number.isInteger(usage.browserMinutes) && Number.isInteger(usage.proxyBytes));
    assert.equal((await getJson(bb('/v1/projects/nope/usage'), key())).status, 404);
  });

  test('usage grows while sessions run', async () => {
    await withClock({}, async (sb, clock) => {
      const read = async (): Promise<Json> =>
        (await getJson(`${sb.baseUrl('browserbase')}/v1/projects/proj_sandbox/usage`, { 'x-bb-api-key': sb.tokens.browserbase })).body as Json;
      const before = await read();
      clock.ms += 10 * 60_000;
      const after = await read();
      assert.ok((after.browserMinutes as number) >= (before.browserMinutes as number) + 10, 'a running session adds its minutes');
      assert.ok((after.proxyBytes as number) >= (before.proxyBytes as number));
    });
  });

  test('list: about 20 seeded sessions with varied fields, filtered by status', async () => {
    const all = await sessions();
    assert.ok(all.length >= 20);
    const statuses = new Set(all.map((s) => s.status));
    for (const s of ['RUNNING', 'COMPLETED', 'ERROR', 'TIMED_OUT', 'PENDING']) assert.ok(statuses.has(s), s);
    assert.ok(new Set(all.map((s) => s.region)).size >= 2);
    for (const s of all) {
      for (const k of ['id', 'createdAt', 'updatedAt', 'projectId', 'startedAt', 'expiresAt', 'status', 'proxyBytes', 'keepAlive', 'region', 'userMetadata'])
        assert.ok(k in s, k);
      assert.equal('endedAt' in s, s.status !== 'RUNNING' && s.status !== 'PENDING');
    }
    const running = await sessions('?status=RUNNING');
    assert.ok(running.length > 0 && running.every((s) => s.status === 'RUNNING'));
    assert.equal((await getJson(bb('/v1/sessions?status=DONE'), key())).status, 400);
  });

  test('q filters on nested user_metadata by string equality', async () => {
    const all = await sessions();
    const q = (expr: string): Promise<Json[]> => sessions('?q=' + encodeURIComponent(expr));
    const checkout = await q("user_metadata['workflow']['name']:'checkout'");
    const expected = all.filter((s) => ((s.userMetadata as Json).workflow as Json | undefined)?.name === 'checkout').map((s) => s.id);
    assert.ok(expected.length > 1 && expected.length < all.length);
    assert.deepEqual(
      checkout.map((s) => s.id),
      expected,
    );
    const acme = await q("user_metadata['client']:'acme'");
    assert.ok(acme.length > 0 && acme.every((s) => (s.userMetadata as Json).client === 'acme'));
    assert.deepEqual(await q("user_metadata['retries']:'3'"), [], 'numbers never match');
    assert.deepEqual(await q("user_metadata['client']:'ACME'"), [], 'case-sensitive equality');
  });

  test("q escapes: \\' and \\\\ inside quotes", async () => {
    const q = (expr: string): Promise<Json[]> => sessions('?q=' + encodeURIComponent(expr));
    const quote = await q("user_metadata['client']:'o\\'reilly'");
    assert.equal(quote.length, 1);
    assert.equal((quote[0]?.userMetadata as Json).client, "o'reilly");
    const backslash = await q("user_metadata['path']:'C:\\\\exports\\\\daily'");
    assert.equal(backslash.length, 1);
    assert.equal((backslash[0]?.userMetadata as Json).path, 'C:\\exports\\daily');
  });

  test('a malformed q is a 400 with a Browserbase error body', async () => {
    for (const bad of [
      "user_metadata['client']:acme",
      "metadata['client']:'acme'",
      "user_metadata['client':'acme'",
      "user_metadata['client']:'a\\b'",
      "user_metadata['a']:'x' AND user_metadata['b']:'y'",
      "user_metadata['client']:'open",
    ]) {
      const res = await getJson(bb('/v1/sessions?q=' + encodeURIComponent(bad)), key());
      assert.equal(res.status, 400, bad);
      assert.deepEqual(Object.keys(res.body as Json).sort(), ['error', 'message', 'statusCode']);
      assert.equal((res.body as Json).statusCode, 400);
    }
  });

  test('create up to the concurrency, then 429 with retry-after and x-ratelimit-*; release frees a slot', async () => {
    const sb = await startSandbox();
    const url = sb.baseUrl('browserbase');
    const headers = { 'x-bb-api-key': sb.tokens.browserbase, 'content-type': 'application/json' };
    const create = (body: unknown): Promise<Response> => fetch(`${url}/v1/sessions`, { method: 'POST', headers, body: JSON.stringify(body) });
    try {
      const created: Json[] = [];
      for (let i = 0; i < 2; i++) {
        const res = await create({
          projectId: 'proj_sandbox',
          userMetadata: { client: 'acme', run: { id: `r${i}` } },
          keepAlive: true,
          region: 'eu-central-1',
        });
        assert.equal(res.status, 201);
        created.push((await res.json()) as Json);
      }
      const session = created[0] ?? {};
      assert.equal(session.status, 'RUNNING');
      assert.equal(session.region, 'eu-central-1');
      assert.equal(typeof session.connectUrl, 'string');
      assert.deepEqual(session.userMetadata, { client: 'acme', run: { id: 'r0' } });
      const limited = await create({ projectId: 'proj_sandbox' });
      assert.equal(limited.status, 429);
      assert.ok(Number(limited.headers.get('retry-after')) > 0);
      assert.equal(limited.headers.get('x-ratelimit-limit'), '3');
      assert.equal(limited.headers.get('x-ratelimit-remaining'), '0');
      assert.ok(limited.headers.get('x-ratelimit-reset') !== null);
      assert.match(((await limited.json()) as Json).message as string, /max concurrent sessions limit \(limit 3, currently 3\)/);

      const found = await getJson(`${url}/v1/sessions?q=${encodeURIComponent("user_metadata['run']['id']:'r1'")}`, headers);
      assert.deepEqual(
        (found.body as Json[]).map((s) => s.id),
        [created[1]?.id],
      );
      const debug = (await getJson(`${url}/v1/sessions/${String(session.id)}/debug`, headers)).body as Json;
      assert.equal(typeof debug.debuggerFullscreenUrl, 'string');
      assert.ok(Array.isArray(debug.pages) && debug.pages.length === 1);

      const release = await fetch(`${url}/v1/sessions/${String(session.id)}`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ projectId: 'proj_sandbox', status: 'REQUEST_RELEASE' }),
      });
      assert.equal(release.status, 200);
      const released = (await release.json()) as Json;
      assert.equal(released.status, 'COMPLETED');
      assert.equal(typeof released.endedAt, 'string');
      assert.equal((await create({})).status, 201);
      assert.equal((await getJson(`${url}/v1/sessions/nope`, headers)).status, 404);
    } finally {
      await sb.close();
    }
  });

  test('create validates metadata size and arrays, and needs a JSON content type', async () => {
    const tooBig = await post('/v1/sessions', { userMetadata: { note: 'x'.repeat(520) } });
    assert.equal(tooBig.status, 400);
    assert.equal((await post('/v1/sessions', { userMetadata: { tags: ['a'] } })).status, 400);
    assert.equal((await post('/v1/sessions', { region: 'mars-1' })).status, 400);
    const wrongType = await fetch(bb('/v1/sessions'), { method: 'POST', headers: { ...key(), 'content-type': 'text/plain' }, body: '{}' });
    assert.equal(wrongType.status, 415);
  });
});

describe('northflank', () => {
  const nf = (path: string, token = ctx.sandbox.tokens.northflank): Promise<{ status: number; body: unknown; headers: Headers }> =>
    getJson(ctx.sandbox.baseUrl('northflank') + path, { authorization: `Bearer ${token}` });

  test('Bearer token required; errors are {error: {status, message}}', async () => {
    const res = await nf('/v1/projects', 'wrong');
    assert.equal(res.status, 401);
    const error = (res.body as { error: Json }).error;
    assert.equal(error.status, 401);
    assert.equal(typeof error.message, 'string');
    assert.equal((await getJson(ctx.sandbox.baseUrl('northflank') + '/v1/projects')).status, 401);
  });

  test('rate-limit headers count down per token', async () => {
    const a = await nf('/v1/projects');
    const b = await nf('/v1/projects');
    assert.equal(a.headers.get('x-ratelimit-limit'), '1000');
    assert.equal(Number(a.headers.get('x-ratelimit-remaining')) - 1, Number(b.headers.get('x-ratelimit-remaining')));
    const reset = Number(b.headers.get('x-ratelimit-reset'));
    assert.ok(reset > 0 && reset <= 3600);
  });

  test('beyond the hourly limit: 429 with retry-after until the window resets', async () => {
    await withClock({ northflankRequestsPerHour: 2 }, async (sb, clock) => {
      const get = (): Promise<Response> => fetch(`${sb.baseUrl('northflank')}/v1/projects`, { headers: { authorization: `Bearer ${sb.tokens.northflank}` } });
      assert.equal((await get()).status, 200);
      assert.equal((await get()).headers.get('x-ratelimit-remaining'), '0');
      clock.ms += 1000;
      const limited = await get();
      assert.equal(limited.status, 429);
      assert.equal(limited.headers.get('retry-after'), '3599');
      clock.ms += 3600_000;
      assert.equal((await get()).status, 200);
    });
  });

  test('services paginate with per_page and cursor: 120 in total', async () => {
    const ids: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await nf(`/v1/projects/sandbox-project/services?per_page=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      assert.equal(res.status, 200);
      const body = res.body as { data: { services: Json[] }; pagination: { hasNextPage: boolean; cursor: string | null; count: number } };
      assert.equal(body.pagination.count, body.data.services.length);
      ids.push(...body.data.services.map((s) => s.id as string));
      cursor = body.pagination.hasNextPage ? body.pagination.cursor : null;
      pages++;
    } while (cursor !== null);
    assert.equal(pages, 3);
    assert.equal(new Set(ids).size, 120);
    assert.deepEqual(ids.slice(0, 2), ['api', 'worker']);
    const page2 = (await nf('/v1/projects/sandbox-project/services?per_page=50&page=3')).body as { pagination: Json };
    assert.deepEqual(page2.pagination, { hasNextPage: false, cursor: null, count: 20 });
    const exact = (await nf('/v1/projects/sandbox-project/services?per_page=60&page=2')).body as { pagination: Json };
    assert.deepEqual(exact.pagination, { hasNextPage: false, cursor: null, count: 60 });
    assert.equal((await nf('/v1/projects/sandbox-project/services?per_page=101')).status, 400);
    const projects = (await nf('/v1/projects?per_page=1')).body as { data: { projects: Json[] }; pagination: Json };
    assert.equal(projects.data.projects[0]?.id, 'sandbox-project');
    assert.equal(projects.pagination.hasNextPage, true);
  });

  test('range metrics: several metricTypes, one series per container, a unit per metric, resolution 10', async () => {
    const types = ['cpu', 'memory', 'networkIngress', 'requests', 'tcpConnectionsOpen', 'diskUsage'];
    const query = `queryType=range&duration=60&${types.map((t) => `metricTypes=${t}`).join('&')}`;
    const res = await nf(`/v1/projects/sandbox-project/services/api/metrics?${query}`);
    assert.equal(res.status, 200);
    const data = (res.body as { data: Record<string, { metricInfo: Json; values: { metadata: Json; data: { value: number; ts: string }[] }[] }> }).data;
    assert.deepEqual(Object.keys(data).sort(), [...types].sort());
    const units = Object.fromEntries(types.map((t) => [t, data[t]?.metricInfo.metricUnit]));
    assert.deepEqual(units, { cpu: 'vCPU', memory: 'mb', networkIngress: 'kbps', requests: 'rps', tcpConnectionsOpen: 'count', diskUsage: 'mb' });
    assert.equal(data.cpu?.metricInfo.metricResolution, 10);
    assert.equal(data.cpu?.values.length, 2);
    assert.notEqual(data.cpu?.values[0]?.metadata.containerId, data.cpu?.values[1]?.metadata.containerId);
    const points = data.cpu?.values[0]?.data ?? [];
    assert.ok(points.length >= 6 && points.length <= 7, `${points.length} points in 60 s`);
    assert.equal(Date.parse(points[1]?.ts ?? '') - Date.parse(points[0]?.ts ?? ''), 10_000);

    const single = await nf('/v1/projects/sandbox-project/services/worker/metrics?queryType=single&metricTypes=cpu');
    const series = (single.body as { data: { cpu: { values: { data: unknown[] }[] } } }).data.cpu.values;
    assert.equal(series.length, 1);
    assert.equal(series[0]?.data.length, 1);
    const addon = await nf('/v1/projects/sandbox-project/addons/postgres/metrics?queryType=single&metricTypes=cpu&metricTypes=diskUsage');
    const addonData = (addon.body as { data: { cpu: { metricInfo: Json }; diskUsage: { values: { metadata: Json }[] } } }).data;
    assert.equal(addonData.cpu.metricInfo.metricUnit, 'pct');
    assert.ok(addonData.diskUsage.values.every((v) => typeof v.metadata.volumeId === 'string'));
    assert.equal((await nf('/v1/projects/sandbox-project/jobs/nightly-report/metrics?queryType=single')).status, 200);
    assert.equal((await nf('/v1/projects/sandbox-project/services/api/metrics?metricTypes=gpu')).status, 400);
    assert.equal((await nf('/v1/projects/sandbox-project/services/nope/metrics')).status, 404);
  });

  test('startTime/endTime select the window; setState pins a metric', async () => {
    await withClock({}, async (sb) => {
      const get = (q: string): Promise<{ body: unknown }> =>
        getJson(`${sb.baseUrl('northflank')}/v1/projects/sandbox-project/services/api/metrics?${q}`, { authorization: `Bearer ${sb.tokens.northflank}` });
      const start = new Date(T0 - 120_000).toISOString();
      const end = new Date(T0 - 60_000).toISOString();
      const body = (await get(`queryType=range&metricTypes=memory&startTime=${start}&endTime=${end}`)).body as {
        data: { memory: { values: { data: { ts: string }[] }[] } };
      };
      const ts = body.data.memory.values[0]?.data.map((p) => p.ts) ?? [];
      assert.equal(ts[0], start);
      assert.equal(ts.at(-1), end);
      assert.equal(ts.length, 7);
      sb.setState({ northflank: { metrics: { cpu: 1.75 } } });
      const pinned = (await get('queryType=single&metricTypes=cpu')).body as { data: { cpu: { values: { data: { value: number }[] }[] } } };
      assert.ok(pinned.data.cpu.values.every((v) => v.data[0]?.value === 1.75));
    });
  });
});

describe('cerebras', () => {
  const path = (org: string): string => `/api/v1/metrics/organizations/${org}`;

  test('auth, unknown organization and the empty organization', async () => {
    await withClock({}, async (sb) => {
      const base = sb.baseUrl('cerebras');
      const wrong = await getJson(base + path('org_sandbox'), { authorization: 'Bearer wrong' });
      assert.equal(wrong.status, 401);
      assert.equal(typeof (wrong.body as Json).message, 'string');
      const auth = { authorization: `Bearer ${sb.tokens.cerebras}` };
      assert.equal((await fetch(base + path('org_other'), { headers: auth })).status, 404);
      const empty = await fetch(base + path('org_empty'), { headers: auth });
      assert.equal(empty.status, 200);
      assert.equal(await empty.text(), '');
    });
  });

  test('0.0.4 text: gauges even for _total, percentile and statistic labels, blank lines, no EOF', async () => {
    await withClock({}, async (sb) => {
      const res = await fetch(sb.baseUrl('cerebras') + path('org_sandbox'), { headers: { authorization: `Bearer ${sb.tokens.cerebras}` } });
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
      const body = await res.text();
      for (const family of [
        'inference_endpoint_status',
        'requests_count_total',
        'requests_success_total',
        'requests_failure_total',
        'input_tokens_total',
        'output_tokens_total',
        'cache_reads_total',
        'cache_rate',
        'queue_time_seconds',
        'e2e_latency_seconds',
        'ttft_seconds',
        'tpot',
        'latency_generation_seconds',
      ]) {
        assert.match(body, new RegExp(`^# TYPE ${family} gauge$`, 'm'), family);
      }
      assert.match(body, /^queue_time_seconds\{[^}]*percentile="p95"[^}]*\} /m);
      assert.match(body, /^ttft_seconds\{[^}]*statistic="p99"[^}]*\} /m);
      assert.match(body, /^requests_count_total\{endpoint="llama-3\.3-70b",organization_id="org_sandbox"\} \d+$/m);
      assert.match(body, /\n\n# HELP/);
      assert.doesNotMatch(body, /# EOF/);
    });
  });

  test('6 requests per minute per organization, then 429 with retry-after', async () => {
    await withClock({}, async (sb, clock) => {
      const get = (org: string): Promise<Response> => fetch(sb.baseUrl('cerebras') + path(org), { headers: { authorization: `Bearer ${sb.tokens.cerebras}` } });
      for (let i = 0; i < 6; i++) assert.equal((await get('org_sandbox')).status, 200);
      clock.ms += 20_000;
      const limited = await get('org_sandbox');
      assert.equal(limited.status, 429);
      assert.equal(limited.headers.get('retry-after'), '40');
      assert.equal((await get('org_empty')).status, 200, 'the limit is per organization');
      clock.ms += 40_000;
      assert.equal((await get('org_sandbox')).status, 200);
    });
  });
});

describe('prometheus', () => {
  test('0.0.4 exposition with counters, gauges, a histogram and a summary', async () => {
    const res = await fetch(ctx.sandbox.baseUrl('prometheus') + '/metrics');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const body = await res.text();
    for (const type of ['counter', 'gauge', 'histogram', 'summary']) assert.match(body, new RegExp(`^# TYPE \\S+ ${type}$`, 'm'));
    const buckets = [...body.matchAll(/^http_request_duration_seconds_bucket\{le="([^"]+)"\} (\d+)$/gm)].map((m) => Number(m[2]));
    assert.equal(buckets.length, 12);
    assert.ok(
      buckets.every((v, i) => i === 0 || v >= (buckets[i - 1] ?? 0)),
      'cumulative buckets',
    );
    const count = Number(/^http_request_duration_seconds_count (\d+)$/m.exec(body)?.[1]);
    assert.equal(buckets.at(-1), count);
    assert.match(body, /^rpc_duration_seconds\{service="billing",quantile="0\.99"\} /m);
    assert.match(body, /note="quoted \\"name\\"\\\\path\\nsecond line"/);
    assert.doesNotMatch(body, /# EOF/);
  });

  test('counters grow with time', async () => {
    await withClock({}, async (sb, clock) => {
      const read = async (): Promise<number> =>
        Number(/^http_requests_total\{method="GET",code="200"[^}]*\} (\d+)$/m.exec(await (await fetch(sb.baseUrl('prometheus') + '/metrics')).text())?.[1]);
      const a = await read();
      clock.ms += 60_000;
      assert.equal((await read()) - a, 750);
    });
  });

  test('OpenMetrics variant: # UNIT, _total samples under the bare family name, # EOF last', async () => {
    const res = await fetch(ctx.sandbox.baseUrl('prometheus') + '/metrics-openmetrics');
    assert.match(res.headers.get('content-type') ?? '', /^application\/openmetrics-text/);
    const body = await res.text();
    assert.ok(body.endsWith('# EOF\n'));
    assert.match(body, /^# UNIT http_request_duration_seconds seconds$/m);
    assert.match(body, /^# TYPE http_requests counter$/m);
    assert.match(body, /^http_requests_total\{/m);
    assert.doesNotMatch(body, /\n\n/);
  });

  test('a configured token is required as Bearer', async () => {
    const sb = await startSandbox({ tokens: { prometheus: 'prom-secret' } });
    try {
      assert.equal((await fetch(sb.baseUrl('prometheus') + '/metrics')).status, 401);
      assert.equal((await fetch(sb.baseUrl('prometheus') + '/metrics', { headers: { authorization: 'Bearer prom-secret' } })).status, 200);
    } finally {
      await sb.close();
    }
  });
});

describe('faults', () => {
  const pressureUrl = (): string => `${ctx.sandbox.baseUrl('browserless')}/pressure?token=${ctx.sandbox.tokens.browserless}`;

  test('status faults use each provider error style; times: 1 affects only the next request', async () => {
    const sb = ctx.sandbox;
    sb.injectFault({ route: '/browserless', fault: { kind: 'status', status: 500 }, times: 1 });
    const bl = await fetch(pressureUrl());
    assert.equal(bl.status, 500);
    assert.match(bl.headers.get('content-type') ?? '', /^text\/plain/);
    assert.equal(await bl.text(), 'Internal Server Error');
    assert.equal((await fetch(pressureUrl())).status, 200);

    sb.injectFault({ route: '/browserbase/v1/projects', fault: { kind: 'status', status: 503 }, times: 1 });
    assert.deepEqual((await getJson(sb.baseUrl('browserbase') + '/v1/projects')).body, {
      statusCode: 503,
      error: 'Service Unavailable',
      message: 'Service Unavailable',
    });
    sb.injectFault({ route: '/northflank', fault: { kind: 'status', status: 502 }, times: 1 });
    assert.equal(((await getJson(sb.baseUrl('northflank') + '/v1/projects')).body as { error: Json }).error.status, 502);
    sb.injectFault({ route: '/cerebras', fault: { kind: 'status', status: 403 }, times: 1 });
    assert.equal(typeof ((await getJson(sb.baseUrl('cerebras') + '/api/v1/metrics/organizations/org_sandbox')).body as Json).message, 'string');
    sb.injectFault({ route: '/browserless/pressure', fault: { kind: 'status', status: 401, body: 'custom', headers: { 'x-extra': 'yes' } }, times: 1 });
    const custom = await fetch(pressureUrl());
    assert.equal(await custom.text(), 'custom');
    assert.equal(custom.headers.get('x-extra'), 'yes');
  });

  test('route faults last until cleared and match whole path segments', async () => {
    const sb = ctx.sandbox;
    sb.injectFault({ route: '/browserless', fault: { kind: 'status', status: 502 } });
    assert.equal((await fetch(pressureUrl())).status, 502);
    assert.equal((await fetch(pressureUrl())).status, 502);
    assert.equal(
      (await fetch(`${sb.baseUrl('browserless-v1')}/pressure?token=${sb.tokens.browserless}`)).status,
      200,
      '/browserless does not cover /browserless-v1',
    );
    sb.clearFaults();
    assert.equal((await fetch(pressureUrl())).status, 200);
  });

  test('rateLimit: 429 with retry-after and the provider rate-limit headers', async () => {
    const sb = ctx.sandbox;
    sb.injectFault({ route: '/northflank', fault: { kind: 'rateLimit', retryAfterSeconds: 17 }, times: 1 });
    const res = await fetch(sb.baseUrl('northflank') + '/v1/projects');
    assert.equal(res.status, 429);
    assert.equal(res.headers.get('retry-after'), '17');
    assert.equal(res.headers.get('x-ratelimit-remaining'), '0');
    sb.injectFault({ route: '/browserless', fault: { kind: 'rateLimit', retryAfterSeconds: 3 }, times: 1 });
    const bl = await fetch(pressureUrl());
    assert.equal(bl.status, 429);
    assert.equal(bl.headers.get('retry-after'), '3');
  });

  test('latency delays a normal answer', async () => {
    ctx.sandbox.injectFault({ route: '/browserless/pressure', fault: { kind: 'latency', ms: 150 }, times: 1 });
    const started = performance.now();
    const res = await fetch(pressureUrl());
    assert.equal(res.status, 200);
    assert.ok(performance.now() - started >= 140);
    assert.ok('pressure' in ((await res.json()) as Json));
  });

  test('malformedJson, wrongShape and html answer 200 with bodies a client must reject', async () => {
    const sb = ctx.sandbox;
    sb.injectFault({ route: '/browserless/pressure', fault: { kind: 'malformedJson' }, times: 1 });
    const malformed = await fetch(pressureUrl());
    assert.equal(malformed.status, 200);
    assert.match(malformed.headers.get('content-type') ?? '', /json/);
    const raw = await malformed.text();
    assert.throws(() => JSON.parse(raw));

    sb.injectFault({ route: '/browserless/pressure', fault: { kind: 'wrongShape' }, times: 1 });
    const wrong = (await (await fetch(pressureUrl())).json()) as { pressure: Json };
    assert.equal(typeof wrong.pressure.running, 'string');
    sb.injectFault({ route: '/browserless/metrics', fault: { kind: 'wrongShape' }, times: 1 });
    const metrics = (await (await fetch(`${sb.baseUrl('browserless')}/metrics?token=${sb.tokens.browserless}`)).json()) as unknown;
    assert.equal(Array.isArray(metrics), false);

    sb.injectFault({ route: '/cerebras', fault: { kind: 'html' }, times: 1 });
    const html = await fetch(sb.baseUrl('cerebras') + '/api/v1/metrics/organizations/org_sandbox');
    assert.equal(html.status, 200);
    assert.match(html.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(await html.text(), /<form/);
  });

  test('truncated: content-length promises more than arrives, then the socket closes', async () => {
    ctx.sandbox.injectFault({ route: '/browserless/pressure', fault: { kind: 'truncated' }, times: 1 });
    await assert.rejects(async () => {
      const res = await fetch(pressureUrl());
      assert.equal(res.status, 200);
      await res.text();
    });
  });

  test('oversized: a valid body of exactly the requested size', async () => {
    const sb = ctx.sandbox;
    sb.injectFault({ route: '/browserless/pressure', fault: { kind: 'oversized', bytes: 300_000 }, times: 1 });
    const res = await fetch(pressureUrl());
    assert.equal(res.headers.get('content-length'), '300000');
    const body = await res.text();
    assert.equal(body.length, 300_000);
    assert.ok('pressure' in (JSON.parse(body) as Json));
    sb.injectFault({ route: '/prometheus', fault: { kind: 'oversized', bytes: 100_000 }, times: 1 });
    const prom = await (await fetch(sb.baseUrl('prometheus') + '/metrics')).text();
    assert.equal(Buffer.byteLength(prom), 100_000);
    assert.match(prom, /^# HELP http_requests_total/);
  });

  test('slowDrip: the real body a few bytes at a time; a short client timeout gives up', async () => {
    const sb = ctx.sandbox;
    sb.injectFault({ route: '/browserless/pressure', fault: { kind: 'slowDrip', chunkDelayMs: 5, chunkBytes: 40 }, times: 1 });
    const started = performance.now();
    const whole = (await (await fetch(pressureUrl())).json()) as Json;
    assert.ok('pressure' in whole);
    assert.ok(performance.now() - started >= 15, 'took several chunk delays');

    sb.injectFault({ route: '/browserless/pressure', fault: { kind: 'slowDrip', chunkDelayMs: 100, chunkBytes: 2 } });
    await assert.rejects(async () => {
      const res = await fetch(pressureUrl(), { signal: AbortSignal.timeout(250) });
      assert.equal(res.status, 200, 'headers arrive before the body');
      await res.text();
    }, /abort|timeout/i);
  });

  // close() must destroy the hung socket itself: were it to wait for the answer that never comes, it
  // would never resolve, and the test's own timeout would fail it.
  test('hang: no headers ever; the client times out and close() still ends', { timeout: 30_000 }, async () => {
    const sb = await startSandbox();
    const url = `${sb.baseUrl('browserless')}/pressure?token=${sb.tokens.browserless}`;
    sb.injectFault({ route: '/browserless', fault: { kind: 'hang' } });
    await assert.rejects(fetch(url, { signal: AbortSignal.timeout(150) }), /abort|timeout/i);
    const pending = fetch(url).then(
      () => 'answered',
      () => 'failed',
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    await sb.close();
    assert.equal(await pending, 'failed', 'close() left the hung request open');
  });

  test('reset: the socket is destroyed without an answer', async () => {
    ctx.sandbox.injectFault({ route: '/browserless/pressure', fault: { kind: 'reset' }, times: 1 });
    await assert.rejects(fetch(pressureUrl()));
    assert.equal((await fetch(pressureUrl())).status, 200);
  });
});

describe('control endpoints and request log', () => {
  test('faults and state over HTTP', async () => {
    const sb = ctx.sandbox;
    const post = (path: string, body: unknown): Promise<Response> =>
      fetch(sb.url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal((await post('/__sandbox/faults', { route: '/cerebras', fault: { kind: 'status', status: 418 }, times: 1 })).status, 201);
    assert.equal((await fetch(sb.baseUrl('cerebras') + '/api/v1/metrics/organizations/org_sandbox')).status, 418);
    assert.equal((await post('/__sandbox/faults', { route: '/cerebras', fault: { kind: 'explode' } })).status, 400);
    assert.equal((await post('/__sandbox/faults', { route: '/cerebras', fault: { kind: 'latency' } })).status, 400);
    await post('/__sandbox/faults', { route: '/prometheus', fault: { kind: 'status', status: 500 } });
    assert.equal((await fetch(sb.baseUrl('prometheus') + '/metrics')).status, 500);
    assert.equal((await fetch(sb.url + '/__sandbox/faults', { method: 'DELETE' })).status, 204);
    assert.equal((await fetch(sb.baseUrl('prometheus') + '/metrics')).status, 200);

    assert.equal((await post('/__sandbox/state', { browserless: { running: 7, maxConcurrent: 8 } })).status, 204);
    const pressure = ((await getJson(`${sb.baseUrl('browserless')}/pressure?token=${sb.tokens.browserless}`)).body as { pressure: Json }).pressure;
    assert.equal(pressure.running, 7);
    assert.equal((await fetch(sb.url + '/__sandbox/state', { method: 'DELETE' })).status, 204);
    const info = (await getJson(sb.url + '/__sandbox/info')).body as { baseUrls: Record<string, string> };
    assert.equal(info.baseUrls.cerebras, sb.baseUrl('cerebras'));
  });

  test('the request log keeps paths and drops credentials', async () => {
    const sb = ctx.sandbox;
    sb.clearRequests();
    await fetch(`${sb.baseUrl('browserless')}/metrics?token=${sb.tokens.browserless}&x=1`);
    await fetch(`${sb.baseUrl('northflank')}/v1/projects`, { headers: { authorization: `Bearer ${sb.tokens.northflank}` } });
    await fetch(`${sb.baseUrl('browserbase')}/v1/projects`, { headers: { 'x-bb-api-key': sb.tokens.browserbase } });
    const log = (await getJson(sb.url + '/__sandbox/requests')).body as Json[];
    assert.deepEqual(
      log.map((r) => [r.method, r.path, r.auth]),
      [
        ['GET', '/browserless/metrics', ['query']],
        ['GET', '/northflank/v1/projects', ['bearer']],
        ['GET', '/browserbase/v1/projects', ['x-bb-api-key']],
      ],
    );
    assert.equal(log[0]?.query, 'token=REDACTED&x=1');
    const serialized = JSON.stringify(sb.requests);
    for (const secret of Object.values(sb.tokens)) assert.equal(serialized.includes(secret as string), false);
  });
});
