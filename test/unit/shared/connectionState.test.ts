/** The one word a card shows: fetching problems first, then the worst quota level, with a reason. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connectionState } from '../../../src/shared/connectionState';
import type { ConnectionSnapshot } from '../../../src/shared/snapshot';
import { snapshot } from '../quota/builders';

const base: ConnectionSnapshot = snapshot({ id: 'c', label: 'C', kind: 'browserless' });
const now = 1_000_000;

test('ok, warning and critical come from the quotas, naming the worst rule', () => {
  assert.equal(connectionState(base, now).kind, 'ok');
  const quotas = [
    { id: 'q', label: 'Queue', value: 8, limit: 10, unit: 'count' as const, ratio: 0.8, level: 'warning' as const, detail: '8 waiting' },
    { id: 'c', label: 'Concurrent sessions', value: 9, limit: 10, unit: 'count' as const, ratio: 0.9, level: 'critical' as const },
  ];
  const critical = connectionState({ ...base, quotas, level: 'critical' }, now);
  assert.deepEqual([critical.kind, critical.text, critical.reason], ['critical', 'Critical', 'Concurrent sessions']);
  const warning = connectionState({ ...base, quotas: quotas.slice(0, 1), level: 'warning' }, now);
  assert.deepEqual([warning.kind, warning.reason], ['warning', 'Queue: 8 waiting']);
});

test('fetching problems win over quota levels, with their reason', () => {
  const auth = connectionState({ ...base, health: 'authNeeded', error: { kind: 'auth', message: 'HTTP 401: Bad or missing authentication' } }, now);
  assert.equal(auth.text, 'Token needed');
  assert.match(auth.reason ?? '', /HTTP 401/);
  const error = connectionState({ ...base, health: 'error', level: 'critical', error: { kind: 'server', message: 'HTTP 500', retryAt: now + 30_000 } }, now);
  assert.deepEqual([error.kind, error.reason], ['error', 'HTTP 500; retrying in 30 s']);
  const stale = connectionState({ ...base, health: 'stale', lastSuccessAt: now - 600_000 }, now);
  assert.deepEqual([stale.kind, stale.reason], ['stale', 'Last updated 10 min ago']);
  assert.equal(connectionState({ ...base, health: 'loading' }, now).kind, 'loading');
  assert.equal(connectionState({ ...base, health: 'disabled' }, now).kind, 'disabled');
});
