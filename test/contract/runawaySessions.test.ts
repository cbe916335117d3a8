/**
 * Runaway Browserbase sessions from a real poll: the running-sessions feed against the sandbox keeps
 * this project's running sessions (no URL or key of theirs), and the snapshot built from it lists the
 * ones past the threshold, keep-alive included, as the sandbox's clock moves on.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { feedsFor } from '../../src/connections/feeds';
import { buildSnapshot } from '../../src/connections/snapshotBuilder';
import { HttpClient } from '../../src/http/httpClient';
import type { ConnectionConfig } from '../../src/shared/connections';
import { useSandbox } from '../support/sandbox';

const MINUTE = 60_000;
let now = Date.UTC(2025, 10, 15, 12);
const ctx = useSandbox({ port: 0, now: () => now });
const http = new HttpClient();
after(() => http.close());

async function pollRunning(config: ConnectionConfig) {
  const feed = feedsFor(config, ctx.sandbox.tokens.browserbase, http).find((candidate) => candidate.name === 'sessions');
  assert.ok(feed, 'a Browserbase connection has a running-sessions feed');
  return feed.run(AbortSignal.timeout(10_000));
}

function snapshotAt(config: ConnectionConfig, reading: Awaited<ReturnType<typeof pollRunning>>, at: number) {
  assert.ok(reading.running, 'the reading carries the running sessions');
  return buildSnapshot({
    config,
    latest: [...reading.samples],
    previous: [],
    history: [],
    health: 'ok',
    notes: [],
    tokenSource: 'secretStorage',
    now: at,
    running: { sessions: reading.running, readAt: reading.fetchedAt },
  });
}

describe('runaway sessions from the running-sessions feed', () => {
  test('a keep-alive session running for 45 minutes is a runaway at 30; the 12-minute one becomes one later', async () => {
    const config: ConnectionConfig = { id: 'bb', kind: 'browserbase', label: 'BB', baseUrl: ctx.sandbox.baseUrl('browserbase'), projectId: 'proj_sandbox' };
    ctx.sandbox.setState({ browserbase: { longRunning: [{ minutes: 45, keepAlive: true, userMetadata: { client: 'acme', job: 'nightly' } }] } });
    const reading = await pollRunning(config);
    // Two running in proj_sandbox (the seeded keep-alive one, 12 minutes old, and the added one); the staging project's is left out.
    assert.equal(reading.running?.length, 2);
    assert.equal(reading.samples.find((sample) => sample.series === 'browserbase.sessions.running')?.value, 2);
    const kept = JSON.stringify(reading);
    assert.ok(!/signingKey|connectUrl|wss?:/.test(kept), 'no connect URL or signing key is kept');

    const first = snapshotAt(config, reading, now);
    assert.equal(first.runaways?.sessions.length, 1);
    const [runaway] = first.runaways?.sessions ?? [];
    assert.equal(runaway?.keepAlive, true);
    assert.equal(runaway?.tags, 'client=acme, job=nightly');
    assert.equal(runaway?.runningMs, 45 * MINUTE);

    now += 20 * MINUTE;
    const later = snapshotAt(config, await pollRunning(config), now);
    assert.deepEqual(
      later.runaways?.sessions.map((session) => Math.round(session.runningMs / MINUTE)),
      [65, 32],
    );
    const stricter = snapshotAt({ ...config, runawaySessionMinutes: 60 }, await pollRunning(config), now);
    assert.equal(stricter.runaways?.sessions.length, 1, 'the connection’s own threshold decides');

    ctx.sandbox.setState({ browserbase: null });
    assert.equal((await pollRunning(config)).running?.length, 1, 'a reset takes the added session out again');
  });
});
