/**
 * The read-usage answer: a quota's projection as a date, each figure's reading time from the series it
 * shows, runaway sessions with what to do about them, and for a connection without a working token
 * what the person must do, never the token.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BROWSERBASE_SERIES } from '../../../src/providers/browserbase/descriptor';
import { PROVIDER_NAMES, TOKEN_ENVIRONMENT_VARIABLES } from '../../../src/providers/registry';
import { connectionReport } from '../../../src/tools/usageReport';
import type { Figure } from '../../../src/shared/snapshot';
import { quota, sample, snapshot } from '../quota/builders';

const figure = (fields: Omit<Figure, 'short'>): Figure => ({ short: 'min', ...fields });

const NOW = Date.UTC(2025, 10, 15, 12);
const PROVIDERS = { PROVIDER_NAMES, TOKEN_ENVIRONMENT_VARIABLES };

describe('the read-usage answer', () => {
  test('a quota that runs out says when; a figure says when its value was read', () => {
    const report = connectionReport(
      snapshot({
        kind: 'browserbase',
        lastSuccessAt: NOW - 10_000,
        latest: [sample(BROWSERBASE_SERIES.cycle.browserMinutes, 5_520, NOW - 90_000, { unit: 'minutes' })],
        quotas: [
          quota({
            id: 'browserMinutes',
            label: 'Browser minutes',
            unit: 'minutes',
            value: 5_520,
            limit: 6_000,
            ratio: 0.92,
            level: 'critical',
            exhaustedAt: Date.UTC(2025, 10, 20),
            from: { series: BROWSERBASE_SERIES.cycle.browserMinutes },
          }),
        ],
        figures: [
          figure({
            id: 'browserMinutes',
            label: 'Browser minutes',
            quota: 'browserMinutes',
            value: 5_520,
            limit: 6_000,
            unit: 'minutes',
            ratio: 0.92,
            level: 'critical',
          }),
        ],
        level: 'critical',
      }),
      NOW,
      PROVIDERS,
    );
    assert.equal(report.quotas[0]?.runsOutAt, '2025-11-20T00:00:00.000Z');
    assert.equal(report.quotas[0]?.summary, '5,520 of 6,000 browser minutes used (92 %)');
    assert.deepEqual(
      { readAt: report.figures[0]?.readAt, ageSeconds: report.figures[0]?.ageSeconds, percent: report.figures[0]?.percentOfLimit },
      { readAt: new Date(NOW - 90_000).toISOString(), ageSeconds: 90, percent: 92 },
    );
    assert.equal(report.lastReadAgo, '10 s ago');
  });

  test('runaway sessions are listed with what releases them', () => {
    const report = connectionReport(
      snapshot({
        kind: 'browserbase',
        runaways: {
          thresholdMinutes: 30,
          sessions: [{ id: 'a', startedAt: NOW - 47 * 60_000, keepAlive: true, region: 'us-west-2', tags: 'client=acme', runningMs: 47 * 60_000 }],
          more: 2,
          readAt: NOW,
        },
      }),
      NOW,
      PROVIDERS,
    );
    assert.equal(report.runawaySessions?.count, 3);
    assert.deepEqual(report.runawaySessions?.sessions[0], { sessionId: 'a', runningMinutes: 47, keepAlive: true, tags: 'client=acme' });
    assert.match(report.runawaySessions?.note ?? '', /releaseBrowserbaseSession/);
  });

  test('a rejected token: the server said so, and what the person does', () => {
    const report = connectionReport(
      snapshot({
        kind: 'northflank',
        label: 'API',
        health: 'authNeeded',
        tokenSource: 'secretStorage',
        error: { kind: 'auth', message: 'HTTP 401 Unauthorized' },
      }),
      NOW,
      PROVIDERS,
    );
    assert.equal(report.state, 'needs a token');
    assert.equal(
      report.whatToDo,
      'The server rejected its token (HTTP 401 Unauthorized). Ask the user to run the command "Live Usage: Set Token…" and pick "API" (or start VS Code with NORTHFLANK_API_TOKEN or NF_API_TOKEN set). The token is kept in VS Code\'s secret storage; never ask for it in chat.',
    );
  });
});
