/**
 * Usage of a result set: billed minutes (at least one per session), totals, the breakdown by one
 * metadata key, over ten thousand sessions too (its speed is measured by `npm run bench -- compute`).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { sessionDurationMs } from '../../../src/providers/browserbase/normalize';
import type { Session } from '../../../src/providers/browserbase/schemas';
import { billedMinutes, metadataKeyPaths, NO_VALUE_LABEL, usageByTag, usageDurationMs, usageTotals, type UsageSession } from '../../../src/shared/usageByTag';
import { bbRunningSession, bbSession } from '../../support/browserbaseBuilders';

const NOW = Date.parse('2025-06-02T12:00:00.000Z');
const at = (minutes: number) => new Date(Date.parse('2025-06-02T10:00:00.000Z') + minutes * 60_000).toISOString();
const finished = (minutes: number, metadata: unknown, proxyBytes = 0) =>
  bbSession({ startedAt: at(0), endedAt: at(minutes), proxyBytes, userMetadata: metadata }) as UsageSession;

describe('billed minutes', () => {
  test('whole minutes, at least one per session', () => {
    assert.equal(billedMinutes(0), 1);
    assert.equal(billedMinutes(5_000), 1);
    assert.equal(billedMinutes(60_000), 1);
    assert.equal(billedMinutes(60_001), 2);
    assert.equal(billedMinutes(30 * 60_000), 30);
  });

  test('durations follow the client rule exactly (running, finished, unknown)', () => {
    const iso = fc.oneof(
      fc.constant(undefined),
      fc.constant(null),
      fc.constant('not a date'),
      fc.integer({ min: 0, max: 4e12 }).map((ms) => new Date(ms).toISOString()),
    );
    fc.assert(
      fc.property(
        fc.constantFrom('RUNNING', 'PENDING', 'COMPLETED', 'ERROR', 'TIMED_OUT', 'NEW_STATUS'),
        iso,
        iso,
        fc.integer({ min: 0, max: 4e12 }),
        (status, startedAt, endedAt, now) => {
          const session = { status, startedAt, endedAt, proxyBytes: 0 };
          assert.equal(usageDurationMs(session, now), sessionDurationMs(session as Pick<Session, 'status' | 'startedAt' | 'endedAt'>, now));
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('usage totals and breakdown', () => {
  const sessions: UsageSession[] = [
    finished(0.5, { client: 'acme', workflow: { name: 'checkout' } }, 1000),
    finished(10, { client: 'acme', workflow: { name: 'search' } }, 2000),
    finished(3.2, { client: 'globex' }, 500),
    finished(1, { retries: 3 }),
    finished(2, {}),
    bbRunningSession({ startedAt: at(100), userMetadata: { client: 'globex' }, proxyBytes: 7 }) as UsageSession,
    bbSession({ status: 'COMPLETED', startedAt: at(0), endedAt: null, userMetadata: { client: 'initech' } }) as UsageSession,
  ];

  test('totals: sessions, billed minutes, proxy bytes; unknown durations counted, not guessed', () => {
    assert.deepEqual(usageTotals(sessions, NOW), {
      sessions: 7,
      // 1 + 10 + 4 + 1 + 2 + 20 (running since 10:00 + 100 min, now 12:00) = 38
      minutes: 38,
      durationMs: (0.5 + 10 + 3.2 + 1 + 2 + 20) * 60_000,
      proxyBytes: 3507,
      unknownDurations: 1,
      running: 1,
    });
  });

  test('by client: biggest first, "(no value)" last (numbers are not tag values), buckets add up', () => {
    const { buckets, totals } = usageByTag(sessions, ['client'], NOW);
    assert.deepEqual(
      buckets.map((b) => [b.label, b.sessions, b.minutes, b.proxyBytes, b.unknownDurations, b.running]),
      [
        ['globex', 2, 24, 507, 0, 1],
        ['acme', 2, 11, 3000, 0, 0],
        ['initech', 1, 0, 0, 1, 0],
        [NO_VALUE_LABEL, 2, 3, 0, 0, 0],
      ],
    );
    assert.equal(buckets.at(-1)?.value, null);
    assert.equal(
      buckets.reduce((sum, b) => sum + b.minutes, 0),
      totals.minutes,
    );
    assert.deepEqual(
      usageByTag(sessions, ['client'], NOW, 'value').buckets.map((b) => b.label),
      ['acme', 'globex', 'initech', NO_VALUE_LABEL],
    );
    assert.deepEqual(
      usageByTag(sessions, ['client'], NOW, 'proxyBytes').buckets.map((b) => b.label),
      ['acme', 'globex', 'initech', NO_VALUE_LABEL],
    );
    assert.deepEqual(
      usageByTag(sessions, ['workflow', 'name'], NOW).buckets.map((b) => [b.label, b.minutes]),
      [
        ['search', 10],
        ['checkout', 1],
        [NO_VALUE_LABEL, 27],
      ],
    );
  });

  test('the keys to break down by, most common first', () => {
    assert.deepEqual(metadataKeyPaths(sessions), [
      { path: ['client'], sessions: 5 },
      { path: ['workflow', 'name'], sessions: 2 },
    ]);
  });

  test('buckets always add up to the totals', () => {
    const session = fc
      .tuple(fc.nat({ max: 500 }), fc.option(fc.constantFrom('a', 'b', "o'reilly", ''), { nil: undefined }), fc.nat({ max: 1e6 }), fc.boolean())
      .map(([minutes, client, proxyBytes, running]) =>
        running
          ? { status: 'RUNNING', startedAt: at(-minutes), proxyBytes, userMetadata: client === undefined ? {} : { client } }
          : { status: 'COMPLETED', startedAt: at(0), endedAt: at(minutes / 7), proxyBytes, userMetadata: client === undefined ? {} : { client } },
      );
    fc.assert(
      fc.property(fc.array(session, { maxLength: 40 }), (list) => {
        const { buckets, totals } = usageByTag(list, ['client'], NOW);
        assert.deepEqual(totals, usageTotals(list, NOW));
        for (const field of ['sessions', 'minutes', 'durationMs', 'proxyBytes', 'running'] as const) {
          assert.equal(
            buckets.reduce((sum, b) => sum + b[field], 0),
            totals[field],
            field,
          );
        }
        assert.ok(totals.minutes >= totals.sessions, 'every session bills at least a minute');
      }),
    );
  });

  test('10,000 sessions: every one counted, one bucket per client', () => {
    const many: UsageSession[] = Array.from({ length: 10_000 }, (_, i) => ({
      status: i % 10 === 0 ? 'RUNNING' : 'COMPLETED',
      startedAt: at(i % 300),
      ...(i % 10 === 0 ? {} : { endedAt: at((i % 300) + (i % 17)) }),
      proxyBytes: i * 13,
      userMetadata: { client: `client-${i % 40}`, workflow: { name: `wf-${i % 7}` }, env: i % 2 ? 'prod' : 'staging' },
    }));
    const result = usageByTag(many, ['client'], NOW);
    assert.equal(result.buckets.length, 40);
    assert.equal(result.totals.sessions, 10_000);
    assert.deepEqual(result.totals, usageTotals(many, NOW));
    assert.equal(
      result.buckets.reduce((sum, bucket) => sum + bucket.sessions, 0),
      10_000,
    );
    assert.deepEqual(
      metadataKeyPaths(many).map((entry) => entry.path.join('.')),
      ['client', 'env', 'workflow.name'],
    );
  });
});
