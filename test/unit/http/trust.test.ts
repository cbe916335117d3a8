import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { after, before, describe, test } from 'node:test';
import { buildTrust, defaultCertificates, LINUX_BUNDLES, loadSystemCertificates, splitPem, usableCertificates } from '../../../src/http/trust';
import { makePki, type Pki } from '../../support/pki';

describe('trust: where system certificates come from', () => {
  let folder: string;
  let pki: Pki;
  before(() => {
    folder = mkdtempSync(join(tmpdir(), 'live-usage-trust-unit-'));
    pki = makePki(folder);
  });
  after(() => rmSync(folder, { recursive: true, force: true }));

  /** A file system of the given files only. */
  const fakeFiles = (files: Record<string, string>) => ({
    readFile: async (file: string) => {
      const text = files[file];
      if (text === undefined) throw Object.assign(new Error(`ENOENT ${file}`), { code: 'ENOENT' });
      return text;
    },
    readdir: async (dir: string) =>
      Object.keys(files)
        .filter((file) => file.startsWith(`${dir}/`))
        .map((file) => file.slice(dir.length + 1)),
  });

  test('splitPem finds every certificate of a bundle and ignores what is between them', () => {
    assert.deepEqual(splitPem(`# comment\n${pki.ca}\nnoise\n${pki.expired}`), [pki.ca.trim(), pki.expired.trim()]);
    assert.deepEqual(splitPem('no certificates here'), []);
  });

  test('usable: no duplicates (however spaced), no expired or unreadable ones, none already known', async () => {
    const spaced = pki.ca.replace(/\n/g, '\r\n');
    const broken = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----';
    assert.deepEqual(await usableCertificates([pki.ca, spaced, pki.expired, broken]), [pki.ca]);
    assert.deepEqual(await usableCertificates([pki.ca], Date.parse('2020-01-01T12:00:00Z')), [pki.ca]);
    assert.deepEqual(await usableCertificates([pki.expired], Date.parse('2020-01-01T12:00:00Z')), [pki.expired], 'valid then');
    assert.deepEqual(await usableCertificates([pki.ca], Date.now(), [spaced]), []);
  });

  test('order: VS Code, then Node, then the Linux files; the first with any certificate answers', async () => {
    const files = fakeFiles({ '/store/bundle.pem': pki.ca });
    const env = { SSL_CERT_FILE: '/store/bundle.pem' };
    const all = { host: async () => [pki.ca], node: () => [pki.ca], env, platform: 'linux' as const, ...files };
    assert.equal((await loadSystemCertificates(all)).source, 'VS Code');
    assert.equal((await loadSystemCertificates({ ...all, host: async () => [] })).source, 'Node');
    assert.equal(
      (
        await loadSystemCertificates({
          ...all,
          host: async () => Promise.reject(new Error('gone')),
          node: () => {
            throw new Error('no store');
          },
        })
      ).source,
      'files',
    );
    assert.deepEqual(await loadSystemCertificates({ env, platform: 'darwin', ...files }), { certificates: [], source: 'none' }, 'the files are Linux only');
  });

  test('the Linux files: SSL_CERT_FILE, else the first distribution bundle there is; then each SSL_CERT_DIR folder', async () => {
    const [first, second] = LINUX_BUNDLES;
    const files = fakeFiles({ [second ?? '']: pki.ca, '/dir-a/x.pem': pki.ca, '/dir-b/1a2b3c4d.0': pki.ca });
    const fromBundle = await loadSystemCertificates({ env: {}, platform: 'linux', ...files });
    assert.deepEqual(fromBundle, { certificates: [pki.ca.trim()], source: 'files' }, `${first} is missing, so ${second} is read`);
    const named = await loadSystemCertificates({ env: { SSL_CERT_FILE: '/missing.pem', SSL_CERT_DIR: '/dir-a:/dir-b' }, platform: 'linux', ...files });
    assert.deepEqual(named.certificates, [pki.ca.trim()], 'the folders are read; the same CA twice is one');
    assert.deepEqual((await loadSystemCertificates({ env: { SSL_CERT_FILE: '/missing.pem' }, platform: 'linux', ...files })).source, 'none');
  });

  test("Node's defaults: its bundled roots and NODE_EXTRA_CA_CERTS, which a context given its own list would otherwise lose", async () => {
    const files = fakeFiles({ '/extra.pem': pki.ca });
    const defaults = await defaultCertificates({ env: { NODE_EXTRA_CA_CERTS: '/extra.pem' }, ...files });
    assert.equal(defaults.length, tls.rootCertificates.length + 1);
    assert.equal(defaults.at(-1), pki.ca.trim());
  });

  test('buildTrust: off means no context (Node decides); on, one context over the defaults and the new system certificates', async () => {
    const files = fakeFiles({ '/store.pem': `${pki.ca}\n${tls.rootCertificates[0] ?? ''}` });
    assert.equal((await buildTrust(false, { env: { SSL_CERT_FILE: '/store.pem' }, platform: 'linux', ...files })).secureContext, undefined);
    const on = await buildTrust(true, { env: { SSL_CERT_FILE: '/store.pem' }, platform: 'linux', ...files });
    assert.ok(on.secureContext);
    assert.deepEqual(on.systemCertificates.certificates, [pki.ca.trim()], 'a system certificate Node already has is not added twice');
    assert.equal(on.ca?.length, tls.rootCertificates.length + 1);
    const nothingNew = await buildTrust(true, {
      env: { SSL_CERT_FILE: '/store.pem' },
      platform: 'linux',
      ...fakeFiles({ '/store.pem': tls.rootCertificates[0] ?? '' }),
    });
    assert.equal(nothingNew.secureContext, undefined, 'no context when the system adds nothing');
  });
});
