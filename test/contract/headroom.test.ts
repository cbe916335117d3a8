/**
 * The project's headroom read from the sandbox's Browserbase API: running sessions of this project
 * against its concurrency, the oldest ones to release, each part that fails said in words while the
 * other still counts, and nothing started by reading it.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { sessionHost } from '../../src/browserbase/sessionHost';
import { BrowserbaseSessionService } from '../../src/browserbase/sessionService';
import { HttpClient } from '../../src/http/httpClient';
import type { ConnectionConfig } from '../../src/shared/connections';
import { describeHeadroom } from '../../src/shared/headroom';
import { ROOMY_TIMEOUTS } from '../support/faultMatrix';
import { rejectsWith } from '../support/providerFaults';
import { useSandbox } from '../support/sandbox';

const ctx = useSandbox({ port: 0 });
const http = new HttpClient();
after(() => http.close());

function service(withToken = true): { service: BrowserbaseSessionService; config: ConnectionConfig } {
  const token = withToken ? ctx.sandbox.tokens.browserbase : undefined;
  const config: ConnectionConfig = {
    id: 'bb',
    kind: 'browserbase',
    label: 'Sandbox BB',
    baseUrl: ctx.sandbox.baseUrl('browserbase'),
    projectId: 'proj_sandbox',
  };
  return {
    config,
    service: new BrowserbaseSessionService(
      sessionHost({ connections: () => [config] }, { resolve: async () => ({ token }) }, http, { timeouts: ROOMY_TIMEOUTS }),
    ),
  };
}

describe("the project's headroom", () => {
  test("this project's running sessions against its concurrency, oldest first; reading it starts nothing", async () => {
    const { service: sessions, config } = service();
    ctx.sandbox.setState({ browserbase: { longRunning: [{ minutes: 50, keepAlive: false, userMetadata: { job: 'crawl' } }] } });
    try {
      ctx.sandbox.clearRequests();
      const headroom = await sessions.headroom(config.id);
      assert.equal(headroom.running, 2, 'the seeded keep-alive session and the added one; the staging project’s is not counted');
      assert.equal(headroom.limit, 3);
      assert.equal(headroom.problem, undefined);
      assert.deepEqual(
        headroom.oldest.map((session) => session.tags),
        ['job=crawl', 'client=acme, workflow > name=checkout, workflow > step=payment, env=prod'],
      );
      assert.deepEqual(ctx.sandbox.requests.map((request) => request.method).sort(), ['GET', 'GET']);
      assert.equal(describeHeadroom(headroom, Date.now()).text, '2 of 3 concurrent sessions running: room for 1 more.');

      ctx.sandbox.setState({ browserbase: { concurrency: 2 } });
      const full = describeHeadroom(await sessions.headroom(config.id), Date.now());
      assert.equal(full.full, true);
      assert.match(
        full.warning ?? '',
        /refuse this launch with HTTP 429: the project already runs 2 of its 2 concurrent sessions\. Release one first, e\.g\. [0-9a-f-]{36} \(running for 50 min\)\./,
      );
    } finally {
      ctx.sandbox.setState({ browserbase: null });
    }
  });

  test('a part that fails is said, the other still counts', async () => {
    const { service: sessions, config } = service();
    ctx.sandbox.injectFault({ route: '/browserbase/v1/projects', fault: { kind: 'status', status: 500 } });
    const headroom = await sessions.headroom(config.id);
    assert.equal(headroom.running, 1);
    assert.equal(headroom.limit, null);
    assert.match(headroom.problem ?? '', /HTTP 500/);
    assert.match(describeHeadroom(headroom, Date.now()).text, /^1 session running; the project's concurrency limit could not be read \(.*HTTP 500.*\)\.$/);
  });

  test('without an API key: refused before any request, naming the connection and the command', async () => {
    const { service: sessions, config } = service(false);
    ctx.sandbox.clearRequests();
    const error = await rejectsWith(sessions.headroom(config.id), 'auth');
    assert.match(error.message, /No Browserbase API key is set for Sandbox BB \(Live Usage: Set Token…\)/);
    assert.equal(ctx.sandbox.requests.length, 0);
  });
});
