/**
 * The HTTP layer through a real forward proxy: Debian's squid, started here on 127.0.0.1 with its own
 * configuration in a temporary folder (no system service), with Debian's default rules (CONNECT only
 * to SSL ports). Plain http must go as absolute-form requests, https through CONNECT; squid's own
 * errors (refused destination, unreachable target, authentication) are named as the proxy's.
 * Skipped, saying so, only when squid is not installed (scripts/setup-system.sh installs it).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { HttpClient } from '../../src/http/httpClient';
import { listen, rejection } from '../support/httpServers';
import { freePort, SQUID, SQUID_MISSING, startSquid, type Squid } from '../support/squid';

const skip = SQUID ? false : SQUID_MISSING;

describe('through squid, a real forward proxy', { skip }, () => {
  let folder: string;
  let squid: Squid;
  let proxyUrl: string;
  let authProxyUrl: string;
  let httpTarget: string;
  let httpsTarget: string;
  /** An https server on a port squid's rules do not count as an SSL port. */
  let httpsElsewhere: string;
  const closers: (() => Promise<void>)[] = [];
  const authorization = `Basic ${Buffer.from('alice:squid-pass-42').toString('base64')}`;

  before(async () => {
    folder = mkdtempSync(join(tmpdir(), 'live-usage-squid-test-'));
    const http = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"via":"squid"}');
    });
    httpTarget = `http://127.0.0.1:${await listen(http)}`;
    closers.push(() => new Promise((resolve) => http.close(() => resolve())));

    const made = spawnSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'].concat([
        '-keyout',
        join(folder, 'key.pem'),
        '-out',
        join(folder, 'cert.pem'),
      ]),
      { stdio: 'ignore' },
    );
    assert.equal(made.status, 0, 'openssl must be available to make a test certificate');
    const tls = { key: readFileSync(join(folder, 'key.pem')), cert: readFileSync(join(folder, 'cert.pem')) };
    const secure = (label: string) =>
      createHttpsServer(tls, (_request, response) => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ via: label }));
      });
    const https = secure('tunnel');
    const httpsPort = await listen(https);
    httpsTarget = `https://127.0.0.1:${httpsPort}`;
    const elsewhere = secure('elsewhere');
    httpsElsewhere = `https://127.0.0.1:${await listen(elsewhere)}`;
    for (const server of [https, elsewhere]) {
      closers.push(
        () =>
          new Promise((resolve) => {
            server.closeAllConnections();
            server.close(() => resolve());
          }),
      );
    }
    // Debian's default rules, plus this test's own SSL port and a second port that wants a password.
    squid = await startSquid({ sslPorts: [httpsPort], user: { name: 'alice', password: 'squid-pass-42' } });
    proxyUrl = squid.url;
    authProxyUrl = squid.authUrl ?? '';
  });

  after(async () => {
    await squid?.stop();
    for (const close of closers) await close();
    rmSync(folder, { recursive: true, force: true });
  });

  const accessLog = () => squid.accessLog();

  test('a plain http target goes as an absolute-form request, which squid serves', async () => {
    const client = new HttpClient({ proxy: { proxy: proxyUrl } });
    try {
      assert.deepEqual((await client.json({ url: `${httpTarget}/pressure` })).body, { via: 'squid' });
      assert.match(accessLog(), new RegExp(`GET ${httpTarget.replaceAll('.', '\\.')}/pressure`));
      assert.doesNotMatch(accessLog(), new RegExp(`CONNECT ${httpTarget.slice('http://'.length).replaceAll('.', '\\.')}`));
    } finally {
      await client.close();
    }
  });

  test('an https target goes through a CONNECT tunnel', async () => {
    const client = new HttpClient({ proxy: { proxy: proxyUrl, strictSSL: false } });
    try {
      assert.deepEqual((await client.json({ url: `${httpsTarget}/x` })).body, { via: 'tunnel' });
    } finally {
      await client.close();
    }
    // squid logs a tunnel when it closes.
    const tunnel = new RegExp(`CONNECT ${httpsTarget.slice('https://'.length).replaceAll('.', '\\.')}`);
    for (let attempt = 0; attempt < 100 && !tunnel.test(accessLog()); attempt++) await delay(50);
    assert.match(accessLog(), tunnel);
  });

  test("a tunnel squid's rules refuse is reported as the proxy's refusal, not the server's", async () => {
    const client = new HttpClient({ proxy: { proxy: proxyUrl, strictSSL: false } });
    try {
      const error = await rejection(client.json({ url: `${httpsElsewhere}/x` }));
      assert.equal(error.kind, 'network');
      assert.match(error.message, /^The proxy 127\.0\.0\.1:\d+ \(from the http\.proxy setting\) refused to connect to 127\.0\.0\.1:\d+ \(HTTP 403\)/);
    } finally {
      await client.close();
    }
  });

  test('a target squid cannot reach is reported as such, with what squid said', async () => {
    const client = new HttpClient({ proxy: { proxy: proxyUrl } });
    try {
      const error = await rejection(client.json({ url: `http://127.0.0.1:${await freePort()}/x` }));
      assert.equal(error.kind, 'network');
      assert.match(error.message, /^The proxy 127\.0\.0\.1:\d+ \(from the http\.proxy setting\) could not reach 127\.0\.0\.1:\d+ \(HTTP 50[234]\)/);
      assert.match(error.message, /the proxy said: ERR_CONNECT_FAIL/);
    } finally {
      await client.close();
    }
  });

  test('squid asking for a password: 407 in plain words without http.proxyAuthorization, served with it', async () => {
    const without = new HttpClient({ proxy: { proxy: authProxyUrl, strictSSL: false } });
    const withAuthorization = new HttpClient({ proxy: { proxy: authProxyUrl, proxyAuthorization: authorization, strictSSL: false } });
    try {
      for (const target of [`${httpTarget}/x`, `${httpsTarget}/x`]) {
        const error = await rejection(without.json({ url: target }));
        assert.match(error.message, /requires authentication \(HTTP 407\): set VS Code's http\.proxyAuthorization setting/);
      }
      assert.deepEqual((await withAuthorization.json({ url: `${httpTarget}/x` })).body, { via: 'squid' });
      assert.deepEqual((await withAuthorization.json({ url: `${httpsTarget}/x` })).body, { via: 'tunnel' });
    } finally {
      await without.close();
      await withAuthorization.close();
    }
  });
});
