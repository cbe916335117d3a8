/**
 * http.systemCertificates against a real HTTPS server on 127.0.0.1 whose certificate authority is only
 * in a system-style trust store: a temporary SSL_CERT_FILE or SSL_CERT_DIR handed to the loader, as
 * OpenSSL reads them on Linux, or VS Code's own loader. Node's bundled authorities never include it.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { HttpClient } from '../../src/http/httpClient';
import type { CertificateSources } from '../../src/http/trust';
import { listen, rejection, track } from '../support/httpServers';
import { makePki, type Pki } from '../support/pki';

describe('system certificates (http.systemCertificates)', () => {
  let folder: string;
  let pki: Pki;
  let url: string;
  let bundle: string;
  let certs: string;
  let close: () => Promise<void>;
  const clients: HttpClient[] = [];

  before(async () => {
    folder = mkdtempSync(join(tmpdir(), 'live-usage-trust-'));
    pki = makePki(folder);
    const server = createHttpsServer(pki.server, (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"trusted":true}');
    });
    const sockets = track(server);
    url = `https://127.0.0.1:${await listen(server)}/pressure`;
    close = async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    };
    // A bundle as distributions ship them (the CA among others), and a folder of hashed links.
    bundle = join(folder, 'system-bundle.pem');
    writeFileSync(bundle, `# system trust store\n${pki.expired}\n${pki.ca}`);
    certs = join(folder, 'certs');
    mkdirSync(certs);
    writeFileSync(join(certs, 'company-ca.pem'), pki.ca);
    assert.equal(spawnSync('openssl', ['rehash', certs]).status, 0, 'openssl rehash makes the hashed links OpenSSL looks up');
  });
  after(async () => {
    for (const client of clients) await client.close();
    await close();
    rmSync(folder, { recursive: true, force: true });
  });

  /** The loader sees only what the test gives it: no VS Code, no Node store, this environment. */
  const client = (systemCertificates: boolean, sources: Partial<CertificateSources> = {}): HttpClient => {
    const created = new HttpClient({
      proxy: { systemCertificates },
      certificates: { env: {}, platform: 'linux', readFile: async () => '', ...sources },
    });
    clients.push(created);
    return created;
  };
  const files = { readFile: undefined, readdir: undefined } as const;

  test('a CA only in SSL_CERT_FILE is trusted while system certificates are on', async () => {
    const response = await client(true, { ...files, env: { SSL_CERT_FILE: bundle } }).json({ url });
    assert.deepEqual(response.body, { trusted: true });
  });

  test('the same CA found through SSL_CERT_DIR, a folder of hashed links', async () => {
    const response = await client(true, { ...files, env: { SSL_CERT_FILE: join(folder, 'nothing-here.pem'), SSL_CERT_DIR: certs } }).json({ url });
    assert.deepEqual(response.body, { trusted: true });
  });

  test('with http.systemCertificates off, a TLS error names the certificate problem and the setting', async () => {
    const error = await rejection(client(false, { ...files, env: { SSL_CERT_FILE: bundle } }).json({ url }));
    assert.equal(error.kind, 'network');
    assert.equal(error.code, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    assert.match(
      error.message,
      /^The TLS certificate of 127\.0\.0\.1:\d+ is signed by a certificate authority this machine does not trust \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\)\. Only Node's bundled certificate authorities were trusted, because http\.systemCertificates is off: turn it on/,
    );
  });

  test('on, with a store that lacks the CA: the error says which authorities were trusted', async () => {
    const other = join(folder, 'other-bundle.pem');
    writeFileSync(other, pki.expired);
    const none = await rejection(client(true, { ...files, env: { SSL_CERT_FILE: other } }).json({ url }));
    assert.match(none.message, /does not trust .*no system certificates beyond them were found/);
  });

  test("VS Code's own loader comes first; when it fails, the files answer", async () => {
    const fromVsCode = client(true, { host: async () => [pki.ca], env: {} });
    assert.deepEqual((await fromVsCode.json({ url })).body, { trusted: true });
    const failing = client(true, {
      ...files,
      host: async () => {
        throw new Error('moved');
      },
      env: { SSL_CERT_FILE: bundle },
    });
    assert.deepEqual((await failing.json({ url })).body, { trusted: true });
    const nothingFromVsCode = await rejection(client(true, { host: async () => [pki.expired], env: {} }).json({ url }));
    assert.match(nothingFromVsCode.message, /does not trust/);
  });

  test('a change of the setting applies to the next request', async () => {
    const changing = client(true, { ...files, env: { SSL_CERT_FILE: bundle } });
    assert.deepEqual((await changing.json({ url })).body, { trusted: true });
    changing.setProxyConfiguration({ systemCertificates: false, env: { SSL_CERT_FILE: bundle } });
    assert.match((await rejection(changing.json({ url }))).message, /http\.systemCertificates is off/);
    changing.setProxyConfiguration({ systemCertificates: true, env: { SSL_CERT_FILE: bundle } });
    assert.deepEqual((await changing.json({ url })).body, { trusted: true });
  });
});
