/**
 * The exporter's connections file: the settings schema, read by the extension's parser, and refused
 * whole when anything is wrong, each problem naming the entry and the field; tokens never come from it.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConnectionsFileError, parseConnectionsFile } from '../../../src/exporter/connectionsFile';

const GOOD = [
  { id: 'bl', kind: 'browserless', baseUrl: 'https://production-sfo.browserless.io', authMode: 'query' },
  { id: 'bb', kind: 'browserbase', label: 'Browserbase', baseUrl: 'https://api.browserbase.com', projectId: 'p', quota: { monthlyBrowserMinutes: 6000 } },
];

function problemsOf(document: unknown): string[] {
  try {
    parseConnectionsFile(typeof document === 'string' ? document : JSON.stringify(document));
  } catch (error) {
    assert.ok(error instanceof ConnectionsFileError, String(error));
    return [...error.problems];
  }
  assert.fail('the file was accepted');
}

describe('exporter connections file', () => {
  test('a list, or a settings.json excerpt, in the extension’s schema', () => {
    const list = parseConnectionsFile(JSON.stringify(GOOD));
    assert.deepEqual(
      list.map((config) => [config.id, config.kind, config.label]),
      [
        ['bl', 'browserless', 'bl'],
        ['bb', 'browserbase', 'Browserbase'],
      ],
    );
    assert.equal(parseConnectionsFile(JSON.stringify({ 'liveUsage.connections': GOOD })).length, 2);
    assert.equal(parseConnectionsFile(JSON.stringify({ connections: GOOD })).length, 2);
  });

  test('a bad entry names the entry and the field, with the extension’s message', () => {
    const problems = problemsOf([...GOOD, { id: 'nf', kind: 'northflank', baseUrl: 'ftp://x', projectId: 'p', resourceId: 's' }, { kind: 'cerebras' }]);
    assert.deepEqual(problems, [
      'connection "nf": connections[2].baseUrl: must start with http:// or https://',
      'connection #4: connections[3].id: required, expected a string',
    ]);
    assert.deepEqual(problemsOf([{ id: 'cb', kind: 'cerebras', baseUrl: 'https://cloud.cerebras.ai' }]), [
      'connection "cb": organizationId (org_…) is required',
    ]);
  });

  test('a token in the file is refused, and said where it belongs instead', () => {
    const problems = problemsOf([{ ...GOOD[1], token: 'bb_live_secret' }]);
    assert.equal(problems.length, 1);
    assert.match(
      problems[0] ?? '',
      /^connection "bb": token: tokens are never read from the connections file; set LIVE_USAGE_TOKEN_BB or LIVE_USAGE_TOKEN_BB_FILE$/,
    );
    assert.ok(!problems.join('').includes('bb_live_secret'));
    const inUrl = problemsOf([{ ...GOOD[0], baseUrl: 'https://production-sfo.browserless.io/?token=abc123' }]);
    assert.match(inUrl.join('\n'), /connection "bl": baseUrl: carries a credential \(token\)/);
    assert.ok(!inUrl.join('').includes('abc123'));
    const userinfo = problemsOf([{ ...GOOD[0], baseUrl: 'https://user:pw@host.example' }]);
    assert.match(userinfo.join('\n'), /connection "bl": connections\[0\]\.baseUrl: contains a user name or password/);
    assert.ok(!userinfo.join('').includes('pw@'));
  });

  test('unknown fields are named, not ignored', () => {
    assert.deepEqual(problemsOf([{ ...GOOD[0], pollIntervalSecond: 30 }]), ['connection "bl": pollIntervalSecond: not a connection field']);
    assert.deepEqual(problemsOf([{ ...GOOD[1], quota: { monthlyMinutes: 1 } }]), ['connection "bb": quota.monthlyMinutes: not a quota field']);
  });

  test('kinds the exporter does not poll, an empty list, and text that is not JSON', () => {
    assert.match(problemsOf([{ id: 'p', kind: 'prometheus', baseUrl: 'http://localhost:9090/metrics' }]).join(''), /connection "p": kind: .*scrape config/);
    assert.deepEqual(problemsOf([]), ['lists no connections']);
    assert.match(problemsOf('[{"id": "x",]').join(''), /^not valid JSON: /);
    assert.match(problemsOf({ something: [] }).join(''), /must be a JSON list/);
  });
});
