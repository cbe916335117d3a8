/**
 * A private certificate authority for TLS tests, made with openssl in a temporary folder: the CA, a
 * server certificate it signed for 127.0.0.1 and 127.0.0.2, and a certificate that expired in 2020.
 * The CA is in no trust store until a test puts it in one.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Pki {
  /** PEM of the CA. */
  readonly ca: string;
  /** The server's key and certificate (signed by the CA), for https.createServer. */
  readonly server: { readonly key: Buffer; readonly cert: Buffer };
  /** PEM of a certificate the CA signed that expired on 2 January 2020. */
  readonly expired: string;
}

function openssl(args: readonly string[], cwd: string): void {
  const result = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  assert.equal(result.status, 0, `openssl ${args[0]} failed (openssl must be installed): ${result.stderr}`);
}

export function makePki(folder: string): Pki {
  mkdirSync(join(folder, 'db'), { recursive: true });
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=Live Usage Test CA', '-keyout', 'ca.key', '-out', 'ca.pem'], folder);
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1,IP:127.0.0.2',
      '-addext',
      'basicConstraints=critical,CA:FALSE',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-keyout',
      'server.key',
      '-out',
      'server.pem',
    ],
    folder,
  );
  writeFileSync(join(folder, 'db', 'index.txt'), '');
  writeFileSync(join(folder, 'db', 'serial'), '1000\n');
  writeFileSync(
    join(folder, 'ca.cnf'),
    [
      '[ca]',
      'default_ca = test',
      '[test]',
      'database = db/index.txt',
      'serial = db/serial',
      'new_certs_dir = db',
      'default_md = sha256',
      'policy = any',
      '[any]',
      'commonName = supplied',
      '',
    ].join('\n'),
  );
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=expired', '-keyout', 'expired.key', '-out', 'expired.csr'], folder);
  openssl(
    [
      'ca',
      '-batch',
      '-config',
      'ca.cnf',
      '-cert',
      'ca.pem',
      '-keyfile',
      'ca.key',
      '-in',
      'expired.csr',
      '-out',
      'expired.pem',
      '-startdate',
      '20200101000000Z',
      '-enddate',
      '20200102000000Z',
      '-notext',
    ],
    folder,
  );
  const read = (name: string) => readFileSync(join(folder, name));
  return { ca: read('ca.pem').toString('utf8'), server: { key: read('server.key'), cert: read('server.pem') }, expired: read('expired.pem').toString('utf8') };
}
