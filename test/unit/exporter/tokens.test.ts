/**
 * The exporter's tokens: from the connection's own variable or its mounted file first, then the
 * provider's variables; a missing or unreadable token leaves one connection without a token and says
 * why; ambiguous variables stop the exporter.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { resolveTokens, tokenVariableOf, type TokenEnvironment } from '../../../src/exporter/tokens';
import type { ConnectionConfig } from '../../../src/shared/connections';

const BB: ConnectionConfig = { id: 'bb-prod', kind: 'browserbase', label: 'BB', baseUrl: 'https://api.browserbase.com', projectId: 'p' };
const CB: ConnectionConfig = { id: 'cb', kind: 'cerebras', label: 'CB', baseUrl: 'https://cloud.cerebras.ai', organizationId: 'org_x' };

function environment(env: Record<string, string>, files: Record<string, string> = {}): TokenEnvironment {
  return {
    env,
    readFile: (path) => {
      const text = files[path];
      if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
      return text;
    },
  };
}

describe('exporter tokens', () => {
  test('variable names from connection ids', () => {
    assert.equal(tokenVariableOf('bb-prod'), 'LIVE_USAGE_TOKEN_BB_PROD');
    assert.equal(tokenVariableOf('Team_1'), 'LIVE_USAGE_TOKEN_TEAM_1');
  });

  test('the connection’s own variable wins over the provider’s, a file works like a value', () => {
    const own = resolveTokens([BB], environment({ LIVE_USAGE_TOKEN_BB_PROD: ' own ', BROWSERBASE_API_KEY: 'shared' }));
    assert.deepEqual(own.tokens.get('bb-prod'), { token: 'own', variable: 'LIVE_USAGE_TOKEN_BB_PROD' });
    const file = resolveTokens(
      [BB],
      environment({ LIVE_USAGE_TOKEN_BB_PROD_FILE: '/run/secrets/bb', BROWSERBASE_API_KEY: 'shared' }, { '/run/secrets/bb': 'from-file\n' }),
    );
    assert.deepEqual(file.tokens.get('bb-prod'), { token: 'from-file', variable: 'LIVE_USAGE_TOKEN_BB_PROD' });
    const shared = resolveTokens([BB], environment({ BROWSERBASE_API_KEY_FILE: '/s' }, { '/s': 'shared-file' }));
    assert.deepEqual(shared.tokens.get('bb-prod'), { token: 'shared-file', variable: 'BROWSERBASE_API_KEY' });
    assert.deepEqual(own.fatal, []);
  });

  test('no token: a problem for that connection only, naming the variables to set', () => {
    const resolved = resolveTokens([BB, CB], environment({ CEREBRAS_API_KEY: 'cb-key' }));
    assert.equal(resolved.tokens.get('cb')?.token, 'cb-key');
    const problem = resolved.tokens.get('bb-prod')?.problem ?? '';
    assert.match(problem, /LIVE_USAGE_TOKEN_BB_PROD or LIVE_USAGE_TOKEN_BB_PROD_FILE, then BROWSERBASE_API_KEY or BROWSERBASE_API_KEY_FILE/);
    assert.deepEqual(resolved.fatal, []);
  });

  test('an unreadable or empty secret file says so, without reading anything else', () => {
    const missing = resolveTokens([BB], environment({ LIVE_USAGE_TOKEN_BB_PROD_FILE: '/run/secrets/none' }));
    assert.match(missing.tokens.get('bb-prod')?.problem ?? '', /\/run\/secrets\/none, which cannot be read \(ENOENT\)/);
    const empty = resolveTokens([BB], environment({ LIVE_USAGE_TOKEN_BB_PROD_FILE: '/e' }, { '/e': '  \n' }));
    assert.match(empty.tokens.get('bb-prod')?.problem ?? '', /empty file/);
    // The provider's variable still stands in when the connection's own file is unusable.
    const fallback = resolveTokens([BB], environment({ LIVE_USAGE_TOKEN_BB_PROD_FILE: '/e', BROWSERBASE_API_KEY: 'k' }, { '/e': '' }));
    assert.equal(fallback.tokens.get('bb-prod')?.token, 'k');
  });

  test('ambiguity stops the exporter: a value and a file, or two ids that share a variable', () => {
    const both = resolveTokens([BB], environment({ LIVE_USAGE_TOKEN_BB_PROD: 'a', LIVE_USAGE_TOKEN_BB_PROD_FILE: '/f' }, { '/f': 'b' }));
    assert.match(both.fatal.join('\n'), /both LIVE_USAGE_TOKEN_BB_PROD and LIVE_USAGE_TOKEN_BB_PROD_FILE are set/);
    const twins = resolveTokens([BB, { ...BB, id: 'bb_prod' }], environment({}));
    assert.match(twins.fatal.join('\n'), /"bb-prod" and "bb_prod" would both read LIVE_USAGE_TOKEN_BB_PROD/);
  });
});
