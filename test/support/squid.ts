/**
 * Debian's squid as a real forward proxy for tests: started on 127.0.0.1 with its own configuration in
 * a temporary folder (no system service), Debian's default rules (CONNECT only to SSL ports), plus the
 * SSL ports a test names and, optionally, a second port that wants a password. Stopped by its process
 * id. `SQUID` is undefined where squid is not installed: tests skip, saying so.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { listen } from './httpServers';

export const SQUID = ['/usr/sbin/squid', '/usr/local/sbin/squid', '/usr/bin/squid'].find((path) => existsSync(path));
export const SQUID_MISSING = 'squid is not installed (apt-get install squid, or scripts/setup-system.sh --with-browser)';
const NCSA_AUTH = '/usr/lib/squid/basic_ncsa_auth';

/** A port nothing listens on (just released). */
export async function freePort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function accepting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

export interface SquidOptions {
  /** Ports squid lets a CONNECT tunnel reach, besides 443. */
  readonly sslPorts: readonly number[];
  /** A user and password for a second port that requires them (Basic). */
  readonly user?: { readonly name: string; readonly password: string };
}

export interface Squid {
  readonly url: string;
  /** The port that requires the user's password, when one was given. */
  readonly authUrl?: string;
  /** What squid logged so far (it logs a tunnel when it closes). */
  accessLog(): string;
  stop(): Promise<void>;
}

export async function startSquid(options: SquidOptions): Promise<Squid> {
  assert.ok(SQUID, SQUID_MISSING);
  const folder = mkdtempSync(join(tmpdir(), 'live-usage-squid-'));
  // Started as root, squid drops to its own user (proxy on Debian), which must write its logs here.
  chmodSync(folder, 0o777);
  const port = await freePort();
  const authPort = options.user ? await freePort() : undefined;
  const auth: string[] = [];
  if (options.user && authPort !== undefined) {
    const hashed = spawnSync('openssl', ['passwd', '-apr1', options.user.password], { encoding: 'utf8' }).stdout.trim();
    writeFileSync(join(folder, 'passwords'), `${options.user.name}:${hashed}\n`);
    auth.push(
      `http_port 127.0.0.1:${authPort}`,
      `auth_param basic program ${NCSA_AUTH} ${join(folder, 'passwords')}`,
      'auth_param basic realm live-usage-test',
      `acl authPort localport ${authPort}`,
      'acl authenticated proxy_auth REQUIRED',
    );
  }
  writeFileSync(
    join(folder, 'squid.conf'),
    [
      `http_port 127.0.0.1:${port}`,
      ...auth,
      `pid_filename ${join(folder, 'squid.pid')}`,
      `cache_log ${join(folder, 'cache.log')}`,
      `access_log stdio:${join(folder, 'access.log')}`,
      `coredump_dir ${folder}`,
      'cache deny all',
      'pinger_enable off',
      'shutdown_lifetime 0 seconds',
      `acl SSL_ports port 443 ${options.sslPorts.join(' ')}`,
      'acl Safe_ports port 80 443 1025-65535',
      'acl CONNECT method CONNECT',
      'http_access deny !Safe_ports',
      'http_access deny CONNECT !SSL_ports',
      ...(authPort === undefined ? [] : ['http_access allow authPort authenticated', 'http_access deny authPort']),
      'http_access allow localhost',
      'http_access deny all',
      '',
    ].join('\n'),
  );
  const squid = spawn(SQUID, ['-N', '-f', join(folder, 'squid.conf')], { stdio: 'ignore' });
  const ready = async () => (await accepting(port)) && (authPort === undefined || (await accepting(authPort)));
  for (let attempt = 0; attempt < 200 && !(await ready()); attempt++) await delay(50);
  const log = (name: string) => {
    try {
      return readFileSync(join(folder, name), 'utf8');
    } catch {
      return '';
    }
  };
  const stop = async () => {
    if (squid.exitCode === null) {
      const exited = new Promise((resolve) => squid.once('exit', resolve));
      squid.kill('SIGTERM');
      await Promise.race([exited, delay(5000)]);
      if (squid.exitCode === null) squid.kill('SIGKILL');
    }
    rmSync(folder, { recursive: true, force: true });
  };
  if (!(await ready())) {
    const reason = log('cache.log').slice(-2000);
    await stop();
    assert.fail(`squid did not start: ${reason}`);
  }
  return {
    url: `http://127.0.0.1:${port}`,
    ...(authPort === undefined ? {} : { authUrl: `http://127.0.0.1:${authPort}` }),
    accessLog: () => log('access.log'),
    stop,
  };
}
