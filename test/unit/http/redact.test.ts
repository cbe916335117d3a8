import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { REDACTED, redactText, redactUrl } from '../../../src/http/redact';

describe('redactUrl', () => {
  test('masks a token query parameter and keeps the rest', () => {
    const shown = redactUrl('https://production-sfo.browserless.io/pressure?token=abc123secret&x=1');
    assert.equal(shown, `https://production-sfo.browserless.io/pressure?token=${REDACTED}&x=1`);
  });

  test('masks other credential-like parameters and userinfo', () => {
    const shown = redactUrl('http://user:pass@host.example/a?apiKey=k1k1k1&api_key=k2k2&access_token=t&q=ok');
    assert.ok(!shown.includes('pass'));
    assert.ok(!shown.includes('k1k1k1'));
    assert.ok(!shown.includes('k2k2'));
    assert.ok(shown.includes('q=ok'));
  });

  test('never throws on something that is not a URL', () => {
    assert.equal(redactUrl('not a url ?token=zzzz'), `not a url ?token=${REDACTED}`);
  });
});

describe('redactText', () => {
  test('masks a secret in its raw, URL-encoded and Basic forms', () => {
    const secret = 'sk live/with+odd=chars';
    const basic = Buffer.from(`${secret}:`).toString('base64');
    const text = `raw ${secret} encoded ${encodeURIComponent(secret)} basic ${basic}`;
    const shown = redactText(text, [secret]);
    assert.ok(!shown.includes(secret));
    assert.ok(!shown.includes(encodeURIComponent(secret)));
    assert.ok(!shown.includes(basic));
    assert.equal(shown.split(REDACTED).length - 1, 3);
  });

  test('ignores absent and too-short secrets instead of masking every letter', () => {
    assert.equal(redactText('abc', [undefined, 'a']), 'abc');
  });

  test('property: no token survives in a URL built with it, whatever its characters', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 8, maxLength: 64, unit: 'grapheme' }), (token) => {
        const url = new URL('https://example.test/metrics');
        url.searchParams.set('token', token);
        const message = `GET ${url.toString()} failed; server said: bad token ${token}`;
        const shown = redactText(redactUrl(url), [token]);
        const shownMessage = redactText(message, [token]);
        assert.ok(!shown.includes(url.searchParams.toString().slice('token='.length)) || token.trim() === '');
        assert.ok(!shownMessage.includes(token));
      }),
      { numRuns: 300 },
    );
  });
});
