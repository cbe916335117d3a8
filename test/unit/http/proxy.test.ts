import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { chooseProxy, matchesNoProxyPattern, proxySecrets, resolveProxy } from '../../../src/http/proxy';

const https = new URL('https://api.browserbase.com/v1/sessions');
const http = new URL('http://localhost:3000/pressure');

describe('resolveProxy', () => {
  const value = (target: URL, configuration: Parameters<typeof resolveProxy>[1]) => resolveProxy(target, configuration)?.value;

  test('the http.proxy setting wins over the environment', () => {
    assert.deepEqual(resolveProxy(https, { proxy: 'http://setting:8080', env: { HTTPS_PROXY: 'http://env:3128' } }), {
      value: 'http://setting:8080',
      source: 'the http.proxy setting',
    });
  });

  test('HTTPS_PROXY for https targets, HTTP_PROXY for http targets, lower-case forms too', () => {
    assert.equal(value(https, { env: { https_proxy: 'http://s:1', http_proxy: 'http://p:2' } }), 'http://s:1');
    assert.equal(value(http, { env: { HTTPS_PROXY: 'http://s:1', HTTP_PROXY: 'http://p:2' } }), 'http://p:2');
    assert.deepEqual(resolveProxy(https, { env: { HTTP_PROXY: 'http://p:2' } }), { value: 'http://p:2', source: 'HTTP_PROXY' });
  });

  test('no proxy configured means direct', () => {
    assert.equal(resolveProxy(https, { env: {} }), undefined);
    assert.equal(resolveProxy(https, { proxy: '  ', env: {} }), undefined);
  });

  test('http.noProxy and NO_PROXY bypass the proxy', () => {
    assert.equal(resolveProxy(https, { proxy: 'http://p:1', noProxy: ['browserbase.com'] }), undefined);
    assert.equal(resolveProxy(http, { env: { HTTP_PROXY: 'http://p:1', NO_PROXY: 'example.org, localhost' } }), undefined);
    assert.equal(value(https, { env: { HTTPS_PROXY: 'http://p:1', no_proxy: 'example.org' } }), 'http://p:1');
  });
});

describe('chooseProxy', () => {
  test('a setting that is not a proxy URL is invalid, naming the setting and never repeating the value', () => {
    for (const proxy of ['http://', 'ftp://proxy:21', 'not a url with spaces', 'http://user:hunter22@:3128']) {
      const choice = chooseProxy(https, { proxy });
      assert.equal(choice.kind, 'invalid', proxy);
      if (choice.kind !== 'invalid') continue;
      assert.match(choice.problem, /^the http\.proxy setting /);
      assert.match(choice.problem, /proxy URL such as http:\/\/proxy\.example\.com:3128/);
      assert.ok(!choice.problem.includes('hunter22'));
    }
    const fromEnvironment = chooseProxy(https, { env: { HTTPS_PROXY: 'http://' } });
    assert.equal(fromEnvironment.kind === 'invalid' && fromEnvironment.source, 'HTTPS_PROXY');
  });

  test('host:port without a scheme is an http proxy, as curl reads it', () => {
    assert.deepEqual(chooseProxy(https, { proxy: 'proxy.corp:3128' }), {
      kind: 'proxy',
      url: 'http://proxy.corp:3128/',
      host: 'proxy.corp:3128',
      source: 'the http.proxy setting',
    });
  });

  test('the host shown never carries the credentials of the URL', () => {
    const choice = chooseProxy(https, { proxy: 'http://user:pass-1234@proxy.corp:3128' });
    assert.equal(choice.kind === 'proxy' && choice.host, 'proxy.corp:3128');
  });
});

describe('proxySecrets', () => {
  test('http.proxyAuthorization in all its parts, and the password of a proxy URL', () => {
    const secrets = proxySecrets({
      proxyAuthorization: `Basic ${Buffer.from('alice:wonder-land').toString('base64')}`,
      env: { HTTPS_PROXY: 'http://bob:b0b-pass@proxy:3128' },
    });
    for (const expected of ['alice:wonder-land', 'wonder-land', Buffer.from('alice:wonder-land').toString('base64'), 'b0b-pass', 'bob:b0b-pass']) {
      assert.ok(secrets.includes(expected), `${expected} missing from ${JSON.stringify(secrets)}`);
    }
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
    ['http://10.1.2.3:4100/x', '10.0.0.0/8', true],
    ['http://10.1.2.3:4100/x', '10.1.2.0/24', true],
    ['http://11.1.2.3:4100/x', '10.0.0.0/8', false],
    ['http://192.168.7.9/x', '192.168.0.0/16', true],
    ['http://[fd00::1]:4100/x', 'fd00::/8', true],
    ['http://[fe80::1]:4100/x', 'fd00::/8', false],
    ['http://api.example.com/x', '10.0.0.0/8', false],
    ['http://127.0.0.1:4100/x', '127.0.0.0/8', true],
    ['https://10.0.0.5/x', '10.0.0.5', true],
    ['https://110.0.0.5/x', '10.0.0.5', false],
    ['https://api.example.com/x', ' .example.com ', true],
    ['https://example.com.evil.test/x', 'example.com', false],
  ];
  for (const [url, pattern, expected] of cases) {
    test(`${url} vs "${pattern}" -> ${expected}`, () => {
      assert.equal(matchesNoProxyPattern(new URL(url), pattern), expected);
    });
  }
});
