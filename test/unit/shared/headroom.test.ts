/**
 * Headroom in words: room left, no room (with the 429 warning and the oldest session to release), and
 * each part that could not be read said as such, never as a number.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { describeHeadroom, type Headroom } from '../../../src/shared/headroom';

const NOW = Date.UTC(2025, 10, 15, 12);
const base: Headroom = { running: 1, limit: 3, readAt: NOW, oldest: [] };
const oldest = { id: '3f2a9c1e-0000-4000-8000-000000000001', startedAt: NOW - 47 * 60_000, keepAlive: true, region: 'us-west-2', tags: '' };

describe('headroom in words', () => {
  test('room left: how many run of how many, and how many more fit', () => {
    assert.deepEqual(describeHeadroom(base, NOW), { text: '1 of 3 concurrent sessions running: room for 2 more.', full: false });
  });

  test('at or over the limit: a warning that Browserbase will refuse with 429, naming the oldest session to release', () => {
    const view = describeHeadroom({ ...base, running: 3, oldest: [oldest] }, NOW);
    assert.equal(view.full, true);
    assert.equal(view.text, '3 of 3 concurrent sessions running: no room.');
    assert.equal(
      view.warning,
      'Browserbase will most likely refuse this launch with HTTP 429: the project already runs 3 of its 3 concurrent sessions. Release one first, e.g. 3f2a9c1e-0000-4000-8000-000000000001 (running for 47 min, keep-alive).',
    );
    assert.equal(describeHeadroom({ ...base, running: 4, limit: 3 }, NOW).full, true, 'over the limit (a lowered plan) is full too');
    assert.match(describeHeadroom({ ...base, running: 1, limit: 1 }, NOW).warning ?? '', /1 of its 1 concurrent sessions\. Release one first\.$/);
  });

  test('what could not be read is said, with why, and never warns', () => {
    const problem = 'Browserbase project: HTTP 500';
    assert.deepEqual(describeHeadroom({ ...base, limit: null, problem }, NOW), {
      text: "1 session running; the project's concurrency limit could not be read (Browserbase project: HTTP 500).",
      full: false,
    });
    assert.match(describeHeadroom({ ...base, running: null }, NOW).text, /^The project allows 3 concurrent sessions; how many run now could not be read\.$/);
    assert.equal(
      describeHeadroom({ ...base, running: null, limit: null, problem }, NOW).text,
      "The project's headroom could not be read (Browserbase project: HTTP 500).",
    );
  });
});
