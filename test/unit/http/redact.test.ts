import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { REDACTED, redactSecrets, redactText, redactThenCut, redactTruncated, redactUrl, secretForms, StreamRedactor } from '../../../src/http/redact';

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

describe('wire forms of a token', () => {
  const token = "tok~en!with'(odd) chars/+=&";

  test('the URLSearchParams (form) encoding is masked, as Browserless query auth sends it', () => {
    const url = new URL('https://example.test/pressure');
    url.searchParams.set('token', token);
    const formEncoded = url.search.slice('?token='.length);
    assert.notEqual(formEncoded, encodeURIComponent(token), 'the two encodings differ for this token');
    const shown = redactSecrets(`you sent token=${formEncoded}`, [token]);
    assert.ok(!shown.includes(formEncoded), shown);
    assert.ok(shown.includes(REDACTED));
  });

  test('JSON-escaped, fully percent-encoded and lower-case percent-encoded forms are masked', () => {
    const quoted = 'ab"cd\\ef-0123456789';
    const echoes = [
      JSON.stringify({ message: `bad ${quoted}` }),
      `bad ${[...token].map((char) => `%${char.charCodeAt(0).toString(16).padStart(2, '0')}`).join('')}`,
      `bad ${encodeURIComponent(token).toLowerCase()}`,
    ];
    for (const echo of echoes) {
      const shown = redactSecrets(echo, [token, quoted]);
      assert.ok(shown.includes(REDACTED), `not masked: ${echo}`);
      for (const form of secretForms(token).concat(secretForms(quoted))) {
        assert.ok(!shown.toLowerCase().includes(form.toLowerCase()), `${form} survives in ${shown}`);
      }
    }
  });

  test('a server that changes the case of the token does not get it through', () => {
    const shown = redactSecrets(`TOKEN ${token.toUpperCase()} and ${token.toLowerCase()}`, [token]);
    assert.equal(shown, `TOKEN ${REDACTED} and ${REDACTED}`);
  });

  test('Basic forms: token plus colon, padded or not, standard and URL-safe base64', () => {
    const basic = Buffer.from(`${token}:`);
    const echoes = [basic.toString('base64'), basic.toString('base64').replace(/=+$/, ''), basic.toString('base64url')];
    for (const echo of echoes) assert.equal(redactSecrets(`Basic ${echo}`, [token]), `Basic ${REDACTED}`);
  });
});

describe('redact before cutting', () => {
  const token = 'tok-SECRET-0123456789abc';

  test('a token that straddles the cut is masked whole before the text is shortened', () => {
    const text = `${'x'.repeat(285)} ${token} tail`;
    const shown = redactThenCut(text, 300, [token]);
    assert.ok(shown.length <= 300);
    for (let index = 0; index + 8 <= token.length; index++) assert.ok(!shown.includes(token.slice(index, index + 8)), shown);
  });

  test('text already cut by a byte cap loses any unfinished form at its end', () => {
    for (let keep = 1; keep < token.length; keep++) {
      const cut = `${'y'.repeat(40)} ${token.slice(0, keep)}`;
      const shown = redactTruncated(cut, [token]);
      assert.equal(shown, `${'y'.repeat(40)} …`, `${keep} character(s) of the token kept`);
    }
  });
});

describe('StreamRedactor', () => {
  const streamed = (pieces: readonly string[], secrets: readonly string[]): string => {
    const redactor = new StreamRedactor(secrets);
    return pieces.map((piece) => redactor.push(piece)).join('') + redactor.end();
  };

  test('property: any text cut anywhere gives exactly what redacting it whole gives', () => {
    const secret = fc.string({ unit: fc.constantFrom(...'aB3-_.~%/+= :x'), minLength: 4, maxLength: 24 });
    fc.assert(
      fc.property(secret, fc.array(fc.string({ maxLength: 30 }), { maxLength: 6 }), fc.array(fc.nat(), { maxLength: 12 }), (token, fillers, cuts) => {
        const forms = secretForms(token);
        // The text: fillers with forms of the token (and pieces of them) between.
        const text = fillers.map((filler, i) => filler + (forms[i % forms.length] ?? '') + (forms[(i + 3) % forms.length] ?? '').slice(0, 3)).join('');
        const points = [...new Set(cuts.map((cut) => cut % (text.length + 1)))].sort((a, b) => a - b);
        const pieces = [...points, text.length].map((end, i) => text.slice(i === 0 ? 0 : points[i - 1], end));
        assert.equal(streamed(pieces, [token]), redactSecrets(text, [token]));
      }),
      { numRuns: 300 },
    );
  });

  test('one character at a time, and with no secret at all', () => {
    const text = `a ${'tok-abcdef'} b ${encodeURIComponent('tok-abcdef')} c TOK-ABCDEF`;
    assert.equal(streamed([...text], ['tok-abcdef']), `a ${REDACTED} b ${REDACTED} c ${REDACTED}`);
    assert.equal(streamed(['abc', 'def'], []), 'abcdef');
  });

  test('holds back no more than the longest form less one character', () => {
    const redactor = new StreamRedactor(['tok-abcdef']);
    const longest = Math.max(...secretForms('tok-abcdef').map((form) => form.length));
    const out = redactor.push('z'.repeat(1000));
    assert.equal(out.length, 1000 - (longest - 1));
    assert.equal(redactor.end(), 'z'.repeat(longest - 1));
  });
});
