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
