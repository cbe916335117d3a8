import assert from 'node:assert/strict';
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
