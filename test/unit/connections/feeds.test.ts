/**
 * The pace of each connection's feeds: provider defaults, the connection's override for its live
 * feed, slower feeds never sped up by it, and never under the provider's floor (a setting of 5 s for
 * Cerebras must not spend its organization's 6 requests a minute).
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { feedsFor } from '../../../src/connections/feeds';
import { HttpClient } from '../../../src/http/httpClient';
import type { ConnectionConfig } from '../../../src/shared/connections';

const http = new HttpClient();
after(() => http.close());

const intervals = (config: ConnectionConfig) => Object.fromEntries(feedsFor(config, 'token', http).map((feed) => [feed.name, feed.intervalMs / 1000]));

const browserless: ConnectionConfig = { id: 'bl', kind: 'browserless', label: 'BL', baseUrl: 'http://127.0.0.1:1' };
const browserbase: ConnectionConfig = { id: 'bb', kind: 'browserbase', label: 'BB', baseUrl: 'http://127.0.0.1:1', projectId: 'p' };
const cerebras: ConnectionConfig = { id: 'cb', kind: 'cerebras', label: 'CB', baseUrl: 'http://127.0.0.1:1', organizationId: 'o' };
const northflank: ConnectionConfig = { id: 'nf', kind: 'northflank', label: 'NF', baseUrl: 'http://127.0.0.1:1', projectId: 'p', resourceId: 'api' };

describe('feed intervals', () => {
  test('provider defaults', () => {
    assert.deepEqual(intervals(browserless), { pressure: 15, metrics: 300, total: 900 });
    assert.deepEqual(intervals(browserbase), { usage: 180, sessions: 60, project: 1800, billing: 300 });
    assert.deepEqual(intervals(cerebras), { metrics: 60 });
  });

  test('the override sets the live feed; slower feeds keep their default unless it is slower still', () => {
    assert.deepEqual(intervals({ ...browserless, pollIntervalSeconds: 5 }), { pressure: 5, metrics: 300, total: 900 });
    assert.deepEqual(intervals({ ...browserless, pollIntervalSeconds: 600 }), { pressure: 600, metrics: 600, total: 900 });
  });

  test('never under the provider floor, whatever the setting says', () => {
    assert.deepEqual(intervals({ ...cerebras, pollIntervalSeconds: 5 }), { metrics: 30 });
    assert.deepEqual(intervals({ ...browserbase, pollIntervalSeconds: 5 }), { usage: 30, sessions: 60, project: 1800, billing: 300 });
    assert.deepEqual(intervals({ ...northflank, pollIntervalSeconds: 10 }), { metrics: 30 });
  });
});
