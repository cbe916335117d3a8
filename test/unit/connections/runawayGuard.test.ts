/**
 * A snapshot carrying runaway sessions and card alerts passes the guard every other
 * window runs on a mirrored snapshot; a malformed or oversized list does not.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isConnectionSnapshot } from '../../../src/connections/snapshotGuard';
import { MAX_LISTED_RUNAWAYS, type RunawaySession } from '../../../src/shared/runawaySessions';
import { snapshot } from '../quota/builders';

const runaway: RunawaySession = {
  id: '3f2a9c1e-0000-4000-8000-000000000001',
  startedAt: 1,
  keepAlive: true,
  region: 'us-west-2',
  expiresAt: 5,
  tags: 'client=acme',
  runningMs: 3,
};

describe('the snapshot guard with runaways and alerts', () => {
  test('well-formed: accepted; absent: still accepted', () => {
    const base = snapshot({ kind: 'browserbase' });
    assert.ok(isConnectionSnapshot(base));
    assert.ok(isConnectionSnapshot({ ...base, runaways: { thresholdMinutes: 30, sessions: [runaway], more: 0, readAt: 2 }, alerts: ['The queue is filling'] }));
  });

  test('malformed fields, a missing tag line or a list longer than a snapshot ever sends: refused', () => {
    const base = snapshot({ kind: 'browserbase' });
    const { tags: _tags, ...untagged } = runaway;
    for (const runaways of [
      { thresholdMinutes: '30', sessions: [], more: 0, readAt: 2 },
      { thresholdMinutes: 30, sessions: [untagged], more: 0, readAt: 2 },
      { thresholdMinutes: 30, sessions: [{ ...runaway, id: '' }], more: 0, readAt: 2 },
      { thresholdMinutes: 30, sessions: Array.from({ length: MAX_LISTED_RUNAWAYS + 1 }, () => runaway), more: 0, readAt: 2 },
    ]) {
      assert.equal(isConnectionSnapshot({ ...base, runaways }), false, JSON.stringify(runaways).slice(0, 120));
    }
    assert.equal(isConnectionSnapshot({ ...base, alerts: [3] }), false);
  });
});
