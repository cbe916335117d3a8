/** Time ticks at round local times and their labels, with the zone pinned to UTC. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bucketName, formatBucket, formatDateTime, formatTick, tickStep, timeTicks } from '../../../src/shared/timeAxis';

const UTC = () => 0;
const HOUR = 3_600_000;
const start = Date.UTC(2024, 10, 27, 13, 7, 30);

describe('timeTicks', () => {
  test('a day at about eight ticks: every three hours, on the hour', () => {
    const { step, ticks } = timeTicks(start, start + 24 * HOUR, 8, UTC);
    assert.equal(step, 3 * HOUR);
    assert.equal(new Date(ticks[0] as number).toISOString(), '2024-11-27T15:00:00.000Z');
    assert.ok(ticks.every((tick) => tick % (3 * HOUR) === 0));
    assert.equal(ticks.length, 8);
  });

  test('an hour: every ten minutes', () => {
    const { step, ticks } = timeTicks(start, start + HOUR, 6, UTC);
    assert.equal(step, 10 * 60_000);
    assert.equal(new Date(ticks[0] as number).toISOString(), '2024-11-27T13:10:00.000Z');
  });

  test('follows the zone: ticks on local hours in UTC+5:30', () => {
    const { ticks } = timeTicks(start, start + 6 * HOUR, 6, () => 330);
    assert.ok(ticks.every((tick) => (tick + 330 * 60_000) % HOUR === 0));
  });

  test('thirty days: weekly ticks on Mondays', () => {
    const { step, ticks } = timeTicks(start, start + 30 * 24 * HOUR, 5, UTC);
    assert.equal(step, 7 * 24 * HOUR);
    assert.ok(ticks.every((tick) => new Date(tick).getUTCDay() === 1 && tick % (24 * HOUR) === 0));
  });

  test('nothing for an empty or backwards range; a long span picks a coarse step', () => {
    assert.deepEqual(timeTicks(5, 5, 8, UTC).ticks, []);
    assert.ok(tickStep(400 * 24 * HOUR, 5) >= 14 * 24 * HOUR);
  });
});

describe('labels', () => {
  const options = { timeZone: 'UTC', locale: 'en-GB' };
  test('clock times, and the date at midnight or for day steps', () => {
    assert.equal(formatTick(Date.UTC(2024, 10, 27, 15), HOUR, options, UTC), '15:00');
    assert.equal(formatTick(Date.UTC(2024, 10, 28), HOUR, options, UTC), '28 Nov');
    assert.equal(formatTick(Date.UTC(2024, 10, 28, 12), 24 * HOUR, options, UTC), '28 Nov');
  });

  test('tooltip and table forms', () => {
    assert.equal(formatDateTime(start, options), '27 Nov, 13:07:30');
    assert.equal(formatBucket(Date.UTC(2024, 10, 27, 14), 15 * 60_000, options), '27 Nov, 14:00–14:15');
    assert.equal(bucketName(15 * 60_000), '15-minute');
    assert.equal(bucketName(HOUR), '1-hour');
  });
});
