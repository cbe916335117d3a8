/**
 * Runaway sessions: what a poll keeps of the running sessions (this project's, RUNNING, oldest first,
 * bounded, no URLs or keys), which of them are runaways at a given time (the threshold inclusive,
 * keep-alive ones too, none past its own expiry), and the tags shown beside one.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  DEFAULT_RUNAWAY_MINUTES,
  describeTags,
  findRunaways,
  MAX_KEPT_RUNNING,
  MAX_LISTED_RUNAWAYS,
  runawayThresholdMinutes,
  formatRunningFor,
  runningSessionsOf,
  shortSessionId,
  type ListedSession,
} from '../../../src/shared/runawaySessions';

const NOW = Date.UTC(2025, 10, 15, 12);
const MINUTE = 60_000;
const iso = (at: number) => new Date(at).toISOString();

/** Browserbase ids are UUIDs; tests name sessions and read the names back. */
const ids = new Map<string, string>();
const uuidOf = (name: string) => {
  if (!ids.has(name)) ids.set(name, `00000000-0000-4000-8000-${ids.size.toString(16).padStart(12, '0')}`);
  return ids.get(name) as string;
};
const nameOf = (id: string) => [...ids].find(([, uuid]) => uuid === id)?.[0] ?? id;
const names = (sessions: readonly { id: string }[]) => sessions.map((session) => nameOf(session.id));

function listed(name: string, minutesAgo: number, extra: Partial<ListedSession> = {}): ListedSession & { connectUrl: string; signingKey: string } {
  return {
    id: uuidOf(name),
    status: 'RUNNING',
    projectId: 'proj',
    startedAt: iso(NOW - minutesAgo * MINUTE),
    expiresAt: iso(NOW - minutesAgo * MINUTE + 6 * 60 * MINUTE),
    keepAlive: false,
    region: 'us-west-2',
    userMetadata: { client: 'acme' },
    connectUrl: 'wss://connect.example/?signingKey=secret-key',
    signingKey: 'secret-key',
    ...extra,
  };
}

describe('the running sessions a poll keeps', () => {
  test("only this project's RUNNING sessions with a start, oldest first, and none of their URLs or keys", () => {
    const kept = runningSessionsOf(
      [
        listed('young', 5),
        listed('other-project', 90, { projectId: 'someone-else' }),
        listed('old', 45, { keepAlive: true }),
        listed('finished', 50, { status: 'COMPLETED' }),
        listed('ended-but-running', 50, { endedAt: iso(NOW - MINUTE) }),
        listed('no-start', 70, { startedAt: null }),
      ],
      'proj',
    );
    assert.deepEqual(names(kept), ['old', 'young']);
    assert.deepEqual(kept[0], {
      id: uuidOf('old'),
      startedAt: NOW - 45 * MINUTE,
      keepAlive: true,
      region: 'us-west-2',
      expiresAt: NOW - 45 * MINUTE + 6 * 60 * MINUTE,
      tags: 'client=acme',
    });
    assert.ok(!JSON.stringify(kept).includes('secret-key'));
  });

  test('a session whose id is not a Browserbase id is left out; a long region is cut', () => {
    const kept = runningSessionsOf([{ ...listed('odd', 40), id: '../x' }, listed('long', 40, { region: 'r'.repeat(500) })], 'proj');
    assert.deepEqual(names(kept), ['long']);
    assert.equal(kept[0]?.region.length, 40);
  });

  test('a list far longer than any concurrency keeps a bounded number', () => {
    const many = Array.from({ length: MAX_KEPT_RUNNING + 50 }, (_, index) => listed(`s${index}`, index));
    const kept = runningSessionsOf(many, 'proj');
    assert.equal(kept.length, MAX_KEPT_RUNNING);
    assert.equal(nameOf(kept[0]?.id ?? ''), `s${MAX_KEPT_RUNNING + 49}`, 'the oldest are the ones kept');
  });
});

describe('runaways', () => {
  const running = runningSessionsOf([listed('a', 29), listed('b', 30, { keepAlive: true }), listed('c', 200)], 'proj');

  test('at the threshold or beyond, keep-alive included, oldest first, with how long each has run', () => {
    const found = findRunaways(running, 30, NOW, NOW - 20_000);
    assert.deepEqual(
      found.sessions.map((session) => [nameOf(session.id), session.runningMs / MINUTE, session.keepAlive]),
      [
        ['c', 200, false],
        ['b', 30, true],
      ],
    );
    assert.equal(found.thresholdMinutes, 30);
    assert.equal(found.readAt, NOW - 20_000);
    assert.equal(found.more, 0);
  });

  test('time moving on makes a young session a runaway; a session past its own expiry is not one', () => {
    assert.deepEqual(names(findRunaways(running, 30, NOW + MINUTE, NOW).sessions), ['c', 'b', 'a']);
    // c started 200 minutes ago and expires after 360: 161 minutes later Browserbase has ended it.
    assert.deepEqual(names(findRunaways(running, 30, NOW + 161 * MINUTE, NOW).sessions), ['b', 'a']);
  });

  test('beyond the listed number, the rest are counted', () => {
    const many = runningSessionsOf(
      Array.from({ length: MAX_LISTED_RUNAWAYS + 3 }, (_, index) => listed(`s${index}`, 40 + index)),
      'proj',
    );
    const found = findRunaways(many, 30, NOW, NOW);
    assert.equal(found.sessions.length, MAX_LISTED_RUNAWAYS);
    assert.equal(found.more, 3);
  });

  test('the threshold: the setting within 1 to 360 minutes, else 30', () => {
    assert.equal(runawayThresholdMinutes(undefined), DEFAULT_RUNAWAY_MINUTES);
    assert.equal(runawayThresholdMinutes(5), 5);
    assert.equal(runawayThresholdMinutes(0), DEFAULT_RUNAWAY_MINUTES);
    assert.equal(runawayThresholdMinutes(Number.NaN), DEFAULT_RUNAWAY_MINUTES);
    assert.equal(runawayThresholdMinutes(1000), 360);
  });
});

describe('tags beside a session', () => {
  test('every string as key path = value, nested keys joined, other values left out', () => {
    assert.equal(
      describeTags({ client: 'acme', workflow: { name: 'checkout', step: 'pay' }, retries: 3 }),
      'client=acme, workflow > name=checkout, workflow > step=pay',
    );
    assert.equal(describeTags(null), '');
    assert.equal(describeTags(['a']), '');
  });

  test('long metadata is cut short, never a wall of text', () => {
    const text = describeTags(Object.fromEntries(Array.from({ length: 100 }, (_, index) => [`key${index}`, 'x'.repeat(20)])));
    assert.ok(text.length <= 160, `${text.length} characters`);
    assert.ok(text.endsWith('…'));
  });

  test("a session's age in whole minutes once past one, seconds before", () => {
    assert.equal(formatRunningFor(47 * MINUTE + 1_000), '47 min');
    assert.equal(formatRunningFor(59_400), '59 s');
    assert.equal(formatRunningFor(-5), '0 s');
  });

  test('a short id form for toasts and tooltips', () => {
    assert.equal(shortSessionId('3f2a9c1e-0000-4000-8000-000000000001'), '3f2a9c1e…');
    assert.equal(shortSessionId('short'), 'short');
  });
});
