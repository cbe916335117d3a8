/**
 * A connection that reads a team Prometheus is shown like the provider it reads: the same descriptor,
 * figures and quota rules, with the exporter's quota settings, its word on the connection as the
 * connection's error, and PromQL panels as figures with their thresholds.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildSnapshot } from '../../../src/connections/snapshotBuilder';
import { effectiveConfig, upstreamError } from '../../../src/connections/teamPrometheus';
import { BROWSERBASE_SERIES } from '../../../src/providers/browserbase/descriptor';
import type { UpstreamHealth } from '../../../src/providers/prometheusQuery/normalize';
import type { ConnectionConfig } from '../../../src/shared/connections';
import type { Sample } from '../../../src/shared/samples';
import { statusFigure } from '../../../src/statusbar/formatStatusBar';
import { sample } from '../quota/builders';

const NOW = Date.UTC(2025, 10, 15, 12);
const TEAM: ConnectionConfig = {
  id: 'team-bb',
  kind: 'prometheusQuery',
  label: 'Browserbase (team)',
  baseUrl: 'http://127.0.0.1:9090',
  exportedConnection: 'bb',
  exportedKind: 'browserbase',
};
const UPSTREAM: UpstreamHealth = { up: true, errors: {}, quota: { monthlyBrowserMinutes: 6000, billingCycleDay: 1 }, usageScope: 'billingCycle' };

function build(config: ConnectionConfig, latest: Sample[]) {
  return buildSnapshot({ config, latest, previous: [], history: [], health: 'ok', notes: [], tokenSource: 'notNeeded', now: NOW });
}

describe('team Prometheus connections', () => {
  test('an exporter connection shows as its provider, with the exporter’s quota settings', () => {
    const direct: ConnectionConfig = { ...TEAM, kind: 'browserbase', projectId: 'p', quota: UPSTREAM.quota, usageScope: 'billingCycle' };
    const latest = [
      sample(BROWSERBASE_SERIES.usage.browserMinutes, 5400, NOW, { unit: 'minutes' }),
      sample(BROWSERBASE_SERIES.sessions.running, 2, NOW),
      sample(BROWSERBASE_SERIES.project.concurrencyLimit, 3, NOW),
    ];
    const team = build(effectiveConfig(TEAM, UPSTREAM), latest);
    const same = build(direct, latest);
    assert.equal(team.kind, 'browserbase');
    assert.equal(team.via, 'prometheus');
    assert.equal(same.via, undefined);
    assert.deepEqual(team.figures, same.figures, 'the same figures, values, limits and levels as a direct connection');
    assert.deepEqual(team.quotas, same.quotas);
    assert.equal(team.figures.find((figure) => figure.id === 'browserMinutes')?.limit, 6000);
    assert.equal(team.figures.find((figure) => figure.id === 'browserMinutes')?.level, 'critical');
  });

  test('the connection’s own settings win over the exporter’s', () => {
    const own = effectiveConfig({ ...TEAM, quota: { monthlyBrowserMinutes: 9000 }, usageScope: 'lifetime' }, UPSTREAM);
    assert.deepEqual(own.quota, { monthlyBrowserMinutes: 9000, billingCycleDay: 1 });
    assert.equal(own.usageScope, 'lifetime');
    assert.equal(effectiveConfig(TEAM, undefined), TEAM);
  });

  test('the exporter reporting the connection down is the connection’s error, with the kinds of failure', () => {
    assert.equal(upstreamError(TEAM, UPSTREAM), undefined);
    assert.equal(upstreamError(TEAM, undefined), undefined);
    const down = upstreamError(TEAM, { ...UPSTREAM, up: false, errors: { auth: 3, timeout: 0 } });
    assert.equal(down?.kind, 'server');
    assert.match(down?.message ?? '', /reports “bb” down \(failed polls since it started: auth ×3\); its log says why/);
  });

  test('PromQL panels: one figure each, the highest series against the threshold', () => {
    const panels: ConnectionConfig = {
      id: 'team-panels',
      kind: 'prometheusQuery',
      label: 'Team panels',
      baseUrl: 'http://127.0.0.1:9090',
      queries: [
        { title: 'Scrape errors', query: 'sum(rate(errors[5m]))', unit: 'count', threshold: 10 },
        { title: 'Up', query: 'up' },
      ],
      quota: { warnPercent: 50, criticalPercent: 80 },
    };
    const latest = [
      sample('Scrape errors', 6, NOW, { labels: { job: 'a' } }),
      sample('Scrape errors', 2, NOW, { labels: { job: 'b' } }),
      // No longer returned by the query: not current, does not count.
      sample('Scrape errors', 50, NOW - 60_000, { labels: { job: 'gone' } }),
      sample('Up', 1, NOW, { unit: 'none' }),
    ];
    const snapshot = build(panels, latest);
    assert.equal(snapshot.kind, 'prometheusQuery');
    const errors = snapshot.figures.find((figure) => figure.id === 'query:Scrape errors');
    assert.deepEqual(
      { value: errors?.value, limit: errors?.limit, level: errors?.level, source: errors?.source, chart: errors?.chart },
      { value: 6, limit: 10, level: 'warning', source: 'PromQL', chart: { key: 'Scrape errors', dataset: 'Scrape errors{job=a}' } },
    );
    const up = snapshot.figures.find((figure) => figure.id === 'query:Up');
    assert.deepEqual([up?.value, up?.limit, up?.level], [1, null, 'ok']);
    assert.equal(statusFigure(snapshot)?.id, 'query:Scrape errors', 'the status bar shows the panel past its threshold');
    assert.equal(snapshot.level, 'warning');
  });
});
