/**
 * One notification per runaway session, ever: not again at the next poll, not after a reload (the
 * state is persisted and read back), per connection; old ids are forgotten after a week and a hostile
 * list cannot grow the stored state without bound. The message names the session, how long it ran
 * against the threshold, keep-alive, tags and when it times out.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RUNAWAY_NOTIFIER_STATE_KEY, RunawayNotifier, runawayMessage } from '../../../src/browserbase/runawayNotifier';
import type { QuotaNotifierStore } from '../../../src/quota/quotaNotifier';
import type { RunawaySession } from '../../../src/shared/runawaySessions';

class MemoryStore implements QuotaNotifierStore {
  readonly data = new Map<string, string>();
  get<T>(key: string): T | undefined {
    const raw = this.data.get(key);
    return raw === undefined ? undefined : (JSON.parse(raw) as T);
  }
  async update(key: string, value: unknown): Promise<void> {
    this.data.set(key, JSON.stringify(value));
  }
}

const NOW = Date.UTC(2025, 10, 15, 12);
const MINUTE = 60_000;
const runaway = (id: string, extra: Partial<RunawaySession> = {}): RunawaySession => ({
  id,
  startedAt: NOW - 47 * MINUTE,
  keepAlive: true,
  region: 'us-west-2',
  expiresAt: NOW + 4 * 60 * MINUTE,
  tags: 'client=acme',
  runningMs: 47 * MINUTE,
  ...extra,
});
const ids = (sessions: readonly RunawaySession[]) => sessions.map((session) => session.id);

describe('which runaways are notified', () => {
  test('each session once: the next poll, another session, another connection', () => {
    const clock = { now: NOW };
    const notifier = new RunawayNotifier(new MemoryStore(), () => clock.now);
    assert.deepEqual(ids(notifier.evaluate('bb', [runaway('a')])), ['a']);
    clock.now += MINUTE;
    assert.deepEqual(ids(notifier.evaluate('bb', [runaway('a'), runaway('b')])), ['b']);
    assert.deepEqual(ids(notifier.evaluate('bb', [runaway('a'), runaway('b')])), []);
    assert.deepEqual(ids(notifier.evaluate('bb-staging', [runaway('a')])), ['a'], 'per connection');
    assert.deepEqual(ids(notifier.evaluate('bb', [])), []);
  });

  test('a reload reads back what was notified: nothing repeats', async () => {
    const store = new MemoryStore();
    const first = new RunawayNotifier(store, () => NOW);
    first.evaluate('bb', [runaway('a')]);
    await first.flush();
    assert.ok(store.data.has(RUNAWAY_NOTIFIER_STATE_KEY));
    const afterReload = new RunawayNotifier(store, () => NOW + MINUTE);
    assert.ok(afterReload.wasNotified('bb', 'a'));
    assert.deepEqual(ids(afterReload.evaluate('bb', [runaway('a'), runaway('c')])), ['c']);
  });

  test('stored state from an older or broken version is read leniently', () => {
    const store = new MemoryStore();
    store.data.set(RUNAWAY_NOTIFIER_STATE_KEY, JSON.stringify({ bb: { a: NOW, b: 'yesterday' }, broken: [1, 2], other: 'x' }));
    const notifier = new RunawayNotifier(store, () => NOW);
    assert.ok(notifier.wasNotified('bb', 'a'));
    assert.deepEqual(ids(notifier.evaluate('bb', [runaway('b')])), ['b']);
  });

  test('ids are forgotten after a week, and at most 500 are kept per connection', async () => {
    const store = new MemoryStore();
    const clock = { now: NOW };
    const notifier = new RunawayNotifier(store, () => clock.now);
    notifier.evaluate('bb', [runaway('old')]);
    clock.now += 8 * 24 * 60 * MINUTE;
    notifier.evaluate(
      'bb',
      Array.from({ length: 600 }, (_, index) => runaway(`s${index}`)),
    );
    await notifier.flush();
    const stored = store.get<Record<string, Record<string, number>>>(RUNAWAY_NOTIFIER_STATE_KEY)?.bb ?? {};
    assert.equal(Object.keys(stored).length, 500);
    assert.ok(!('old' in stored));
  });

  test('forgetting a removed connection', async () => {
    const store = new MemoryStore();
    const notifier = new RunawayNotifier(store, () => NOW);
    notifier.evaluate('bb', [runaway('a')]);
    await notifier.forgetConnection('bb');
    assert.equal(notifier.wasNotified('bb', 'a'), false);
    assert.deepEqual(store.get(RUNAWAY_NOTIFIER_STATE_KEY), {});
  });

  test('a store that refuses to write is reported, and the notifier still remembers in memory', async () => {
    const errors: unknown[] = [];
    const failing: QuotaNotifierStore = { get: () => undefined, update: () => Promise.reject(new Error('disk full')) };
    const notifier = new RunawayNotifier(
      failing,
      () => NOW,
      (error) => errors.push(error),
    );
    notifier.evaluate('bb', [runaway('a')]);
    await notifier.flush();
    assert.equal(errors.length, 1);
    assert.deepEqual(ids(notifier.evaluate('bb', [runaway('a')])), []);
  });
});

describe('the notification text', () => {
  test('names the connection and session, how long it ran past the threshold, what it is and when it times out', () => {
    const message = runawayMessage({ id: 'bb', label: 'prod', kind: 'browserbase' }, runaway('3f2a9c1e-0000-4000-8000-000000000001'), 30, {
      timeZone: 'UTC',
    });
    assert.equal(
      message,
      'Browserbase (prod): session 3f2a9c1e-0000-4000-8000-000000000001 has run for 47 min, past the 30 min runaway threshold (keep-alive; client=acme). It is billed until you release it or it times out at 16:00.',
    );
  });

  test('without tags or an expiry it still reads', () => {
    const message = runawayMessage({ id: 'bb', label: 'Browserbase staging' }, runaway('x', { keepAlive: false, tags: '', expiresAt: undefined }), 45);
    assert.equal(
      message,
      'Browserbase staging: session x has run for 47 min, past the 45 min runaway threshold. It is billed until you release it or it times out.',
    );
  });
});
