import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  QUOTA_NOTIFIER_STATE_KEY,
  QuotaNotifier,
  quotaNotificationMessage,
  snoozeForAnHour,
  snoozeUntilTomorrow,
  type QuotaNotifierOptions,
  type QuotaNotifierStore,
} from '../../../src/quota/quotaNotifier';
import type { QuotaLevel, QuotaStatus } from '../../../src/shared/snapshot';
import { HOUR, MINUTE, quota } from './builders';

/** A Memento stand-in that, like the real one, hands back what was stored (as JSON would). */
class MemoryStore implements QuotaNotifierStore {
  readonly data = new Map<string, string>();
  writes = 0;
  get<T>(key: string): T | undefined {
    const raw = this.data.get(key);
    return raw === undefined ? undefined : (JSON.parse(raw) as T);
  }
  async update(key: string, value: unknown): Promise<void> {
    this.writes++;
    this.data.set(key, JSON.stringify(value));
  }
}

const START = Date.UTC(2025, 10, 15, 9);
const connection = { id: 'bb-prod', label: 'prod', kind: 'browserbase' as const };

function setup(options: QuotaNotifierOptions = {}, store = new MemoryStore()) {
  const clock = { now: START };
  const notifier = new QuotaNotifier(store, () => clock.now, options);
  return { store, clock, notifier };
}

function minutes(level: QuotaLevel, value: number | null = level === 'ok' ? 100 : level === 'warning' ? 4_800 : 5_520): QuotaStatus {
  return quota({ id: 'browserMinutes', label: 'Browser minutes', unit: 'minutes', value, limit: 6_000, ratio: value === null ? null : value / 6_000, level });
}

const levels = (notifications: readonly { level: string }[]) => notifications.map((notification) => notification.level);

describe('QuotaNotifier crossings', () => {
  test('notifies once per upward crossing and re-arms at ok', () => {
    const { notifier, clock } = setup({ repeatCooldownMs: 0 });
    assert.deepEqual(levels(notifier.evaluate(connection, [minutes('ok')])), []);
    assert.deepEqual(levels(notifier.evaluate(connection, [minutes('warning')])), ['warning']);
    assert.deepEqual(levels(notifier.evaluate(connection, [minutes('warning')])), [], 'staying at warning');
    assert.deepEqual(levels(notifier.evaluate(connection, [minutes('critical')])), ['critical'], 'escalation');
    assert.deepEqual(levels(notifier.evaluate(connection, [minutes('warning')])), [], 'easing to warning is no crossing');
    assert.deepEqual(levels(notifier.evaluate(connection, [minutes('critical')])), [], 'back to critical without passing ok');
    assert.deepEqual(levels(notifier.evaluate(connection, [minutes('ok')])), []);
    clock.now += MINUTE;
    assert.deepEqual(levels(notifier.evaluate(connection, [minutes('warning')])), ['warning'], 're-armed by ok');
  });

  test('straight from ok to critical is one notification', () => {
    const { notifier } = setup();
    assert.deepEqual(levels(notifier.evaluate(connection, [minutes('critical')])), ['critical']);
    assert.deepEqual(levels(notifier.evaluate(connection, [minutes('critical')])), []);
  });

  test('"no value yet" does not re-arm a rule', () => {
    const { notifier } = setup({ repeatCooldownMs: 0 });
    notifier.evaluate(connection, [minutes('critical')]);
    assert.deepEqual(levels(notifier.evaluate(connection, [minutes('ok', null)])), []);
    assert.deepEqual(levels(notifier.evaluate(connection, [minutes('critical')])), []);
  });

  test('rules and connections are tracked separately', () => {
    const { notifier } = setup();
    const queue = quota({ id: 'queue', label: 'Queue', value: 1, limit: 10, ratio: 0.1, level: 'warning' });
    const first = notifier.evaluate(connection, [minutes('warning'), queue]);
    assert.deepEqual(
      first.map((notification) => notification.ruleId),
      ['browserMinutes', 'queue'],
    );
    const other = notifier.evaluate({ id: 'bb-staging', label: 'staging' }, [minutes('warning')]);
    assert.deepEqual(
      other.map((notification) => notification.connectionId),
      ['bb-staging'],
    );
  });

  test('a threshold crossed again soon after a notification waits for the cooldown; escalation does not', () => {
    const { notifier, clock } = setup({ repeatCooldownMs: 15 * MINUTE });
    assert.deepEqual(levels(notifier.evaluate(connection, [minutes('warning')])), ['warning']);
    clock.now += MINUTE;
    notifier.evaluate(connection, [minutes('ok')]);
    clock.now += MINUTE;
    assert.deepEqual(levels(notifier.evaluate(connection, [minutes('warning')])), [], 'flapping within the cooldown');
    assert.deepEqual(levels(notifier.evaluate(connection, [minutes('critical')])), ['critical'], 'escalation is never held back');
    notifier.evaluate(connection, [minutes('ok')]);
    clock.now += 16 * MINUTE;
    assert.deepEqual(levels(notifier.evaluate(connection, [minutes('warning')])), ['warning'], 'after the cooldown');
  });

  test('the default cooldown holds back a repeat within 15 minutes', () => {
    const { notifier, clock } = setup();
    notifier.evaluate(connection, [minutes('warning')]);
    notifier.evaluate(connection, [minutes('ok')]);
    clock.now += 14 * MINUTE;
    assert.deepEqual(levels(notifier.evaluate(connection, [minutes('warning')])), []);
    clock.now += 2 * MINUTE;
    assert.deepEqual(levels(notifier.evaluate(connection, [minutes('warning')])), ['warning'], 'still warning once the cooldown is over');
  });
});

describe('QuotaNotifier snooze and silence', () => {
  test('a snoozed rule stays quiet until the snooze ends, then notifies if still past the threshold', async () => {
    const { notifier, clock } = setup();
    await notifier.snooze(connection.id, 'browserMinutes', snoozeForAnHour(clock.now));
    assert.deepEqual(levels(notifier.evaluate(connection, [minutes('critical')])), []);
    clock.now += HOUR - 1;
    assert.deepEqual(levels(notifier.evaluate(connection, [minutes('critical')])), []);
    assert.equal(notifier.snoozedUntil(connection.id, 'browserMinutes'), START + HOUR);
    clock.now += 1;
    assert.deepEqual(levels(notifier.evaluate(connection, [minutes('critical')])), ['critical']);
    assert.equal(notifier.snoozedUntil(connection.id, 'browserMinutes'), undefined);
  });

  test('a snooze covers only its own rule', async () => {
    const { notifier } = setup();
    await notifier.snooze(connection.id, 'queue', START + HOUR);
    assert.deepEqual(levels(notifier.evaluate(connection, [minutes('warning')])), ['warning']);
  });

  test('"don\'t show again" silences the rule until unsilenced', async () => {
    const { notifier, clock } = setup({ repeatCooldownMs: 0 });
    await notifier.silence(connection.id, 'browserMinutes');
    assert.equal(notifier.isSilenced(connection.id, 'browserMinutes'), true);
    assert.deepEqual(levels(notifier.evaluate(connection, [minutes('warning')])), []);
    assert.deepEqual(levels(notifier.evaluate(connection, [minutes('critical')])), []);
    await notifier.unsilence(connection.id, 'browserMinutes');
    clock.now += MINUTE;
    assert.deepEqual(levels(notifier.evaluate(connection, [minutes('critical')])), ['critical']);
  });

  test('snoozeUntilTomorrow is the next local midnight', () => {
    const now = new Date(2025, 10, 15, 17, 30).getTime();
    const until = new Date(snoozeUntilTomorrow(now));
    assert.deepEqual([until.getFullYear(), until.getMonth(), until.getDate(), until.getHours(), until.getMinutes()], [2025, 10, 16, 0, 0]);
    const lateDecember = new Date(snoozeUntilTomorrow(new Date(2025, 11, 31, 23, 59).getTime()));
    assert.deepEqual([lateDecember.getFullYear(), lateDecember.getMonth(), lateDecember.getDate()], [2026, 0, 1]);
  });
});

describe('QuotaNotifier persistence', () => {
  test('a crossing notified before a reload is not notified again after it', async () => {
    const first = setup();
    assert.equal(first.notifier.evaluate(connection, [minutes('critical')]).length, 1);
    await first.notifier.flush();
    const second = setup({}, first.store);
    assert.deepEqual(levels(second.notifier.evaluate(connection, [minutes('critical')])), []);
    second.clock.now += HOUR;
    second.notifier.evaluate(connection, [minutes('ok')]);
    assert.deepEqual(levels(second.notifier.evaluate(connection, [minutes('warning')])), ['warning'], 'a real ok reading re-arms as before');
  });

  test('a warning notified before a reload still escalates to critical after it', async () => {
    const first = setup();
    first.notifier.evaluate(connection, [minutes('warning')]);
    await first.notifier.flush();
    const second = setup({}, first.store);
    assert.deepEqual(levels(second.notifier.evaluate(connection, [minutes('critical')])), ['critical']);
  });

  test('snoozes and silences survive a reload; forgetConnection clears them', async () => {
    const first = setup();
    await first.notifier.snooze(connection.id, 'browserMinutes', START + HOUR);
    await first.notifier.silence(connection.id, 'queue');
    const second = setup({}, first.store);
    assert.equal(second.notifier.snoozedUntil(connection.id, 'browserMinutes'), START + HOUR);
    assert.equal(second.notifier.isSilenced(connection.id, 'queue'), true);
    assert.deepEqual(levels(second.notifier.evaluate(connection, [minutes('critical')])), []);
    await second.notifier.forgetConnection(connection.id);
    const third = setup({}, first.store);
    assert.equal(third.notifier.isSilenced(connection.id, 'queue'), false);
    assert.deepEqual(levels(third.notifier.evaluate(connection, [minutes('critical')])), ['critical']);
  });

  test('nothing is written while nothing changes', async () => {
    const { notifier, store } = setup();
    notifier.evaluate(connection, [minutes('ok')]);
    notifier.evaluate(connection, [minutes('ok')]);
    await notifier.flush();
    assert.equal(store.writes, 0);
    notifier.evaluate(connection, [minutes('warning')]);
    notifier.evaluate(connection, [minutes('warning')]);
    await notifier.flush();
    assert.equal(store.writes, 1);
  });

  test('malformed stored state is ignored, not trusted', () => {
    const store = new MemoryStore();
    store.data.set(
      QUOTA_NOTIFIER_STATE_KEY,
      JSON.stringify({ 'bb-prod': { browserMinutes: { notified: 'bogus', silenced: 'yes', snoozedUntil: 'later' } }, other: 5 }),
    );
    const { notifier } = setup({}, store);
    assert.equal(notifier.isSilenced(connection.id, 'browserMinutes'), false);
    assert.deepEqual(levels(notifier.evaluate(connection, [minutes('warning')])), ['warning']);
    const garbage = new MemoryStore();
    garbage.data.set(QUOTA_NOTIFIER_STATE_KEY, '"not an object"');
    assert.doesNotThrow(() => setup({}, garbage));
  });

  test('a failing store is reported and does not break evaluation', async () => {
    const errors: unknown[] = [];
    const failing: QuotaNotifierStore = { get: () => undefined, update: () => Promise.reject(new Error('disk full')) };
    const { notifier } = setup({ onPersistError: (error) => errors.push(error) }, failing as MemoryStore);
    assert.equal(notifier.evaluate(connection, [minutes('warning')]).length, 1);
    await notifier.flush();
    assert.equal(errors.length, 1);
    assert.equal(notifier.evaluate(connection, [minutes('warning')]).length, 0, 'memory stays authoritative');
  });
});

describe('notification messages', () => {
  test('plain words with the numbers, the provider and the projection', () => {
    const status = { ...minutes('critical'), detail: 'at this rate the budget runs out on 28 Nov', exhaustedAt: Date.UTC(2025, 10, 28) };
    assert.equal(
      quotaNotificationMessage(connection, status),
      'Browserbase (prod): 5,520 of 6,000 browser minutes used (92 %); at this rate the budget runs out on 28 Nov.',
    );
    const [notification] = setup().notifier.evaluate(connection, [status]);
    assert.equal(notification?.message, quotaNotificationMessage(connection, status));
  });

  test('a label that already names the provider is not doubled; other units read naturally', () => {
    const concurrency = quota({ id: 'concurrency', label: 'Concurrent sessions', value: 9, limit: 10, ratio: 0.9, level: 'critical' });
    assert.equal(
      quotaNotificationMessage({ id: 'x', label: 'Browserless EU', kind: 'browserless' }, concurrency),
      'Browserless EU: 9 of 10 concurrent sessions running (90 %).',
    );
    const cpu = quota({
      id: 'cpu',
      label: 'CPU',
      unit: 'vcpu',
      value: 0.45,
      limit: 0.5,
      ratio: 0.9,
      level: 'critical',
      detail: 'container web-1: 0.45 vCPU of 0.5 vCPU',
    });
    assert.equal(quotaNotificationMessage({ id: 'y', label: 'api' }, cpu), 'api: CPU 0.45 vCPU of 0.5 vCPU (90 %); container web-1: 0.45 vCPU of 0.5 vCPU.');
  });
});
