import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { makeConnectionId, parseConnections } from '../../../src/connections/parseConnections';

const browserless = { id: 'bl', kind: 'browserless', baseUrl: 'http://localhost:3000' };

describe('parseConnections', () => {
  test('absent setting means no connections and no problems', () => {
    assert.deepEqual(parseConnections(undefined), { connections: [], problems: [], issues: [] });
  });

  test('a valid entry is kept, with the label defaulting to the id', () => {
    const { connections, problems } = parseConnections([browserless]);
    assert.deepEqual(problems, []);
    assert.equal(connections[0]?.label, 'bl');
    assert.equal(connections[0]?.kind, 'browserless');
  });

  test('a bad entry is skipped with its name and field; the others survive', () => {
    const { connections, problems } = parseConnections([
      browserless,
      { id: 'bad url', kind: 'browserless', baseUrl: 'ftp://x' },
      { id: 'nokind', baseUrl: 'http://x' },
      { id: 'bb', kind: 'browserbase', baseUrl: 'https://api.browserbase.com' },
      'nonsense',
    ]);
    assert.deepEqual(
      connections.map((connection) => connection.id),
      ['bl'],
    );
    assert.equal(problems.length, 4);
    assert.match(problems[0] ?? '', /"bad url".*id/);
    assert.match(problems[1] ?? '', /"nokind".*kind/);
    assert.match(problems[2] ?? '', /"bb".*projectId/);
    assert.match(problems[3] ?? '', /#5/);
  });

  test('duplicate ids keep the first', () => {
    const { connections, problems } = parseConnections([browserless, { ...browserless, label: 'again' }]);
    assert.equal(connections.length, 1);
    assert.match(problems[0] ?? '', /already uses this id/);
  });

  test('Browserless v1 with a Bearer token is refused with the reason', () => {
    const { problems } = parseConnections([{ ...browserless, browserlessVersion: 'v1', authMode: 'bearer' }]);
    assert.match(problems[0] ?? '', /v1 does not accept Bearer tokens/);
  });

  test('quota thresholds are range-checked and ordered', () => {
    assert.match(parseConnections([{ ...browserless, quota: { warnPercent: 150 } }]).problems[0] ?? '', /quota\.warnPercent/);
    assert.match(parseConnections([{ ...browserless, quota: { warnPercent: 95, criticalPercent: 90 } }]).problems[0] ?? '', /must not be above/);
  });

  test('a poll interval under 5 s is refused', () => {
    assert.match(parseConnections([{ ...browserless, pollIntervalSeconds: 1 }]).problems[0] ?? '', /pollIntervalSeconds/);
  });

  test('a team Prometheus connection reads an exporter connection or PromQL panels, with bearer or basic auth', () => {
    const team = { id: 'team-bb', kind: 'prometheusQuery', baseUrl: 'https://prometheus.example.com' };
    const exported = parseConnections([{ ...team, exportedConnection: 'bb', exportedKind: 'browserbase' }]);
    assert.deepEqual(exported.problems, []);
    assert.equal(exported.connections[0]?.exportedKind, 'browserbase');
    const panels = parseConnections([{ ...team, queries: [{ title: 'Errors', query: 'sum(rate(errors_total[5m]))', unit: 'count', threshold: 5 }] }]);
    assert.deepEqual(panels.problems, []);
    const problem = (entry: object) => parseConnections([{ ...team, ...entry }]).problems[0] ?? '';
    assert.match(problem({}), /exportedConnection .* or queries .* is required/);
    assert.match(problem({ exportedConnection: 'bb' }), /exportedConnection and exportedKind go together/);
    assert.match(problem({ exportedConnection: 'bb"} or vector(1)', exportedKind: 'browserbase' }), /exportedConnection: the exporter’s connection id/);
    assert.match(problem({ exportedConnection: 'bb', exportedKind: 'prometheus' }), /exportedKind/);
    assert.match(problem({ exportedConnection: 'bb', exportedKind: 'browserbase', authMode: 'query' }), /authMode: a Prometheus server takes bearer or basic/);
    assert.match(problem({ exportedConnection: 'bb', exportedKind: 'browserbase', authMode: 'basic' }), /username is required/);
    assert.match(
      problem({ exportedConnection: 'bb', exportedKind: 'browserbase', queries: [{ title: 'x', query: 'up' }] }),
      /not both; add another connection for the panels/,
    );
    const twice = [
      { title: 'Up', query: 'up' },
      { title: 'Up', query: 'up == 0' },
    ];
    assert.match(problem({ queries: twice }), /queries\[1\]\.title: another panel has this title/);
    assert.match(problem({ queries: [{ title: 'x', query: 'up', unit: 'parsecs' }] }), /queries\[0\]\.unit/);
  });

  test('a wrong type names the field by its JSON path and the type expected', () => {
    const cases: [unknown, RegExp][] = [
      [{ ...browserless, pollIntervalSeconds: '30' }, /liveUsage\.connections\[0\]\.pollIntervalSeconds: expected a number, got a string/],
      [{ ...browserless, quota: { warnPercent: true } }, /liveUsage\.connections\[0\]\.quota\.warnPercent: expected a number, got a boolean/],
      [{ ...browserless, quota: [] }, /liveUsage\.connections\[0\]\.quota: expected an object, got a list/],
      [{ ...browserless, enabled: 'no' }, /liveUsage\.connections\[0\]\.enabled: expected true or false, got a string/],
      [{ ...browserless, label: 7 }, /liveUsage\.connections\[0\]\.label: expected a string, got a number/],
      [{ ...browserless, kind: 'browserles' }, /liveUsage\.connections\[0\]\.kind: expected one of "browserless", "browserbase"/],
      [{ ...browserless, quota: { billingCycleDay: 1.5 } }, /liveUsage\.connections\[0\]\.quota\.billingCycleDay: expected a whole number/],
      [{ ...browserless, pollIntervalSeconds: 2 }, /liveUsage\.connections\[0\]\.pollIntervalSeconds: must be at least 5/],
      [{ id: 'x', kind: 'browserless' }, /liveUsage\.connections\[0\]\.baseUrl: required, expected a string/],
    ];
    for (const [entry, expected] of cases) {
      const problem = parseConnections([entry]).problems[0] ?? '';
      assert.match(problem, expected);
      assert.doesNotMatch(problem, /Invalid input/);
    }
  });

  test('a quota of 0 is accepted where the schema allows it (an allowance of none); a zero limit is refused with the reason', () => {
    const bb = { id: 'bb', kind: 'browserbase', baseUrl: 'https://api.browserbase.com', projectId: 'proj_1' };
    const accepted = parseConnections([{ ...bb, quota: { monthlyBrowserMinutes: 0, monthlyProxyGigabytes: 0 } }]);
    assert.deepEqual(accepted.problems, []);
    assert.equal(accepted.connections[0]?.quota?.monthlyBrowserMinutes, 0);
    const nf = { id: 'nf', kind: 'northflank', baseUrl: 'https://api.northflank.com', projectId: 'p', resourceId: 's' };
    for (const field of ['cpuLimitVcpu', 'memoryLimitMegabytes', 'p95LatencySeconds']) {
      assert.match(parseConnections([{ ...nf, quota: { [field]: 0 } }]).problems[0] ?? '', new RegExp(`quota\\.${field}: must be greater than 0`));
    }
  });

  test('the schema in package.json and the parser agree on which quotas may be 0', () => {
    const manifest = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')) as {
      contributes: {
        configuration: {
          properties: Record<string, { items: { properties: { quota: { properties: Record<string, { minimum?: number; exclusiveMinimum?: number }> } } } }>;
        };
      };
    };
    const quota = manifest.contributes.configuration.properties['liveUsage.connections']?.items.properties.quota.properties ?? {};
    const bb = { id: 'bb', kind: 'browserbase', baseUrl: 'https://api.browserbase.com', projectId: 'proj_1' };
    for (const [field, rule] of Object.entries(quota)) {
      if (rule.minimum === undefined && rule.exclusiveMinimum === undefined) continue;
      const schemaAllowsZero = rule.minimum !== undefined && rule.minimum <= 0;
      const parserAllowsZero = parseConnections([{ ...bb, quota: { [field]: 0 } }]).problems.length === 0;
      assert.equal(
        parserAllowsZero,
        schemaAllowsZero,
        `quota.${field}: schema ${schemaAllowsZero ? 'allows' : 'refuses'} 0, the parser ${parserAllowsZero ? 'allows' : 'refuses'} it`,
      );
    }
  });

  test('user:pass@ in a base URL is refused, pointing at the token command, and the credentials are not repeated', () => {
    const { connections, problems } = parseConnections([{ ...browserless, baseUrl: 'https://alice:s3cr3t-pass@production-sfo.browserless.io' }]);
    assert.equal(connections.length, 0);
    assert.match(problems[0] ?? '', /baseUrl.*user name or password/);
    assert.match(problems[0] ?? '', /Set Token/);
    assert.doesNotMatch(problems[0] ?? '', /alice|s3cr3t/);
  });

  test('provider ids that could not be one URL path segment are refused with the field', () => {
    const { problems } = parseConnections([{ id: 'nf', kind: 'northflank', baseUrl: 'https://api.northflank.com', projectId: '../x', resourceId: 's' }]);
    assert.match(problems[0] ?? '', /liveUsage\.connections\[0\]\.projectId: .*letters, digits/);
  });

  test('a setting that is not a list says so', () => {
    assert.deepEqual(parseConnections({ id: 'x' }).problems, ['liveUsage.connections must be a list of connections']);
  });
});

describe('makeConnectionId', () => {
  test('derives a readable id and avoids ones taken', () => {
    assert.equal(makeConnectionId('Prod Browserless (SFO)', new Set()), 'prod-browserless-sfo');
    assert.equal(makeConnectionId('Prod', new Set(['prod', 'prod-2'])), 'prod-3');
    assert.equal(makeConnectionId('***', new Set()), 'connection');
  });
});
