/**
 * Cost per tag this cycle against the sandbox's Browserbase API: the cycle's sessions the service
 * reads add up, per client, to what the server's own session list gives when each session is rounded
 * up to a whole minute (at least one), and in total to the cycle minutes the billing feed counts.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { sessionHost } from '../../src/browserbase/sessionHost';
import { BrowserbaseSessionService } from '../../src/browserbase/sessionService';
import { feedsFor } from '../../src/connections/feeds';
import { HttpClient } from '../../src/http/httpClient';
import { BROWSERBASE_SERIES } from '../../src/providers/browserbase/descriptor';
import { billingCycle } from '../../src/quota/ruleSupport';
import type { ConnectionConfig } from '../../src/shared/connections';
import { costPerTag } from '../../src/shared/costPerTag';
import { ROOMY_TIMEOUTS } from '../support/faultMatrix';
import { useSandbox } from '../support/sandbox';

const ctx = useSandbox({ port: 0 });
const http = new HttpClient();
after(() => http.close());

interface RawSession {
  id: string;
  projectId: string;
  status: string;
  startedAt: string;
  endedAt?: string;
  userMetadata: Record<string, unknown>;
}

describe('cost per tag this cycle', () => {
  test("per client and in total, the minutes match the server's own sessions and the billing feed", async () => {
    // A cycle that started at least a day ago, whatever today's date: the sandbox's sessions are from the last twelve hours.
    const billingCycleDay = Math.min(28, new Date(Date.now() - 2 * 24 * 60 * 60_000).getUTCDate());
    const config: ConnectionConfig = {
      id: 'bb',
      kind: 'browserbase',
      label: 'BB',
      baseUrl: ctx.sandbox.baseUrl('browserbase'),
      projectId: 'proj_sandbox',
      quota: { billingCycleDay },
    };
    const token = ctx.sandbox.tokens.browserbase;
    const service = new BrowserbaseSessionService(
      sessionHost({ connections: () => [config] }, { resolve: async () => ({ token }) }, http, { timeouts: ROOMY_TIMEOUTS }),
    );
    // A running session's minutes grow between two reads: release it, so every figure is final.
    for (const running of (await service.find(config.id, { conditions: [], status: 'RUNNING' })).sessions) await service.release(config.id, running.id);

    const raw = (await (await fetch(`${config.baseUrl}/v1/sessions`, { headers: { 'X-BB-API-Key': token } })).json()) as RawSession[];
    const cycle = billingCycle(Date.now(), billingCycleDay);
    const expected = new Map<string, number>();
    for (const session of raw) {
      const started = Date.parse(session.startedAt);
      if (session.projectId !== config.projectId || started < cycle.start || started >= cycle.end) continue;
      const ended = Date.parse(session.endedAt ?? '');
      const client = typeof session.userMetadata.client === 'string' ? session.userMetadata.client : '(no value)';
      expected.set(client, (expected.get(client) ?? 0) + Math.max(1, Math.ceil((ended - started) / 60_000)));
    }
    assert.ok(expected.size >= 4, `the sandbox's sessions of this cycle cover several clients: ${[...expected.keys()].join(', ')}`);

    const read = await service.cycleSessions(config.id);
    assert.deepEqual(read.cycle, cycle);
    const report = costPerTag(read.sessions, ['client'], read.cycle, read.at);
    assert.deepEqual(new Map(report.buckets.map((bucket) => [bucket.label, bucket.minutes])), expected);
    assert.equal(report.buckets.reduce((sum, bucket) => sum + (bucket.share ?? 0), 0).toFixed(6), '1.000000');

    const billing = feedsFor(config, token, http).find((feed) => feed.name === 'billing');
    const counted = (await billing?.run(AbortSignal.timeout(10_000)))?.samples.find((sample) => sample.series === BROWSERBASE_SERIES.cycle.browserMinutes);
    assert.equal(report.totals.minutes, counted?.value, 'the same minutes the quota counts for this cycle');
  });
});
