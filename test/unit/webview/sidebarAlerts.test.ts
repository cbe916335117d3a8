/**
 * Sidebar cards with what issue 14 adds to a snapshot: a Browserbase card lists its runaway sessions
 * (short id, how long, keep-alive, tags for the eye; the whole id, the threshold and the same facts in
 * words for screen readers), the rest counted; a Browserless card shows its alerts; a disabled
 * connection shows neither.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RunawaySession } from '../../../src/shared/runawaySessions';
import { cardModel } from '../../../webview/sidebar/cards';
import { snapshot } from '../quota/builders';

const NOW = Date.UTC(2026, 10, 23, 12);
const runaway = (id: string, minutes: number, keepAlive: boolean, tags: string): RunawaySession => ({
  id,
  startedAt: NOW - minutes * 60_000,
  keepAlive,
  region: 'us-west-2',
  tags,
  runningMs: minutes * 60_000 + 1_000,
});

describe('alerts and runaway sessions on a card', () => {
  test('a Browserbase card lists its runaways, in words for screen readers too, and counts the rest', () => {
    const id = '3f2a9c1e-0000-4000-8000-000000000001';
    const card = cardModel(
      snapshot({
        kind: 'browserbase',
        runaways: {
          thresholdMinutes: 30,
          sessions: [runaway(id, 47, true, 'client=acme'), runaway('5b1c0d2e-0000-4000-8000-000000000002', 95, false, '')],
          more: 3,
          readAt: NOW,
        },
      }),
      undefined,
      NOW,
    );
    assert.equal(card.runaways?.heading, '5 runaway sessions, running over 30 min');
    assert.deepEqual(
      card.runaways?.sessions.map((session) => session.text),
      ['3f2a9c1e… · 47 min · keep-alive · client=acme', '5b1c0d2e… · 1 h 35 min'],
    );
    assert.equal(card.runaways?.sessions[0]?.spoken, `Session ${id}, running for 47 min, over the 30 min threshold, keep-alive, tags client=acme`);
    assert.equal(card.runaways?.more, 'and 3 more');
  });

  test('a Browserless card shows its alerts; none, or a disabled connection: nothing', () => {
    const alerts = ['The queue is filling: 8 of 10 places taken.'];
    assert.deepEqual(cardModel(snapshot({ kind: 'browserless', alerts }), undefined, NOW).alerts, alerts);
    assert.deepEqual(cardModel(snapshot({ kind: 'browserless' }), undefined, NOW).alerts, []);
    const disabled = cardModel(
      snapshot({
        kind: 'browserbase',
        health: 'disabled',
        alerts,
        runaways: { thresholdMinutes: 30, sessions: [runaway('a', 40, false, '')], more: 0, readAt: NOW },
      }),
      undefined,
      NOW,
    );
    assert.deepEqual(disabled.alerts, []);
    assert.equal(disabled.runaways, undefined);
    assert.equal(
      cardModel(snapshot({ kind: 'browserbase', runaways: { thresholdMinutes: 30, sessions: [], more: 0, readAt: NOW } }), undefined, NOW).runaways,
      undefined,
    );
  });
});
