import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { matchesNoProxyPattern, resolveProxy } from '../../../src/http/proxy';

const https = new URL('https://api.browserbase.com/v1/sessions');
const http = new URL('http://localhost:3000/pressure');

describe('resolveProxy', () => {
  test('the http.proxy setting wins over the environment', () => {
    const proxy = resolveProxy(https, { proxy: 'http://setting:8080', env: { HTTPS_PROXY: 'http://env:3128' } });
    assert.equal(proxy, 'http://setting:8080');
  });

  test('HTTPS_PROXY for https targets, HTTP_PROXY for http targets, lower-case forms too', () => {
    assert.equal(resolveProxy(https, { env: { https_proxy: 'http://s:1', http_proxy: 'http://p:2' } }), 'http://s:1');
    assert.equal(resolveProxy(http, { env: { HTTPS_PROXY: 'http://s:1', HTTP_PROXY: 'http://p:2' } }), 'http://p:2');
    assert.equal(resolveProxy(https, { env: { HTTP_PROXY: 'http://p:2' } }), 'http://p:2');
  });

  test('no proxy configured means direct', () => {
    assert.equal(resolveProxy(https, { env: {} }), undefined);
    assert.equal(resolveProxy(https, { proxy: '  ', env: {} }), undefined);
  });

  test('http.noProxy and NO_PROXY bypass the proxy', () => {
    assert.equal(resolveProxy(https, { proxy: 'http://p:1', noProxy: ['browserbase.com'] }), undefined);
    assert.equal(resolveProxy(http, { env: { HTTP_PROXY: 'http://p:1', NO_PROXY: 'example.org, localhost' } }), undefined);
    assert.equal(resolveProxy(https, { env: { HTTPS_PROXY: 'http://p:1', no_proxy: 'example.org' } }), 'http://p:1');
  });
});

describe('matchesNoProxyPattern', () => {
  const cases: [string, string, boolean][] = [
    ['https://api.example.com/x', '*', true],
    ['https://api.example.com/x', 'example.com', true],
    ['https://api.example.com/x', '.example.com', true],
    ['https://example.com/x', '.example.com', true],
    ['https://badexample.com/x', 'example.com', false],
    ['https://api.example.com/x', '*.example.com', true],
    ['https://api.example.com/x', 'example.com:443', true],
    ['https://api.example.com/x', 'example.com:8443', false],
    ['http://127.0.0.1:4100/x', '127.0.0.1', true],
    ['http://127.0.0.1:4100/x', '127.0.0.1:4100', true],
    ['http://127.0.0.1:4100/x', '127.0.0.1:80', false],
    ['http://[::1]:4100/x', '[::1]:4100', true],
    ['http://[::1]:4100/x', '::1', true],
    ['https://api.example.com/x', 'https://example.com', true],
    ['https://api.example.com/x', '', false],
  ];
  for (const [url, pattern, expected] of cases) {
    test(`${url} vs "${pattern}" -> ${expected}`, () => {
      assert.equal(matchesNoProxyPattern(new URL(url), pattern), expected);
    });
  }
});
