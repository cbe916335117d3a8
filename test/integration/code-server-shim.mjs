#!/usr/bin/env node
// Stands in for a desktop VS Code executable so that @vscode/test-electron's runTests() works unchanged
// on machines that cannot download VS Code: it takes the arguments runTests passes
// (--extensionDevelopmentPath=… --extensionTestsPath=… --user-data-dir=… --extensions-dir=… [folder]),
// starts code-server with the smoke-test driver, opens the workbench in headless Chromium with the
// `payload` URL parameter that tells it to run the tests, prints the extension host's output, stops
// everything and exits with the suite's exit code.
import { appendFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { format } from 'node:util';
import { chromium } from 'playwright-core';
import { startCodeServer } from '../../scripts/code-server.mjs';
import { launchBrowser } from '../e2e/support.mjs';

const TIMEOUT_MS = Number(process.env.LIVE_USAGE_INTEGRATION_TIMEOUT_MS) || 5 * 60_000;
const VERBOSE = Boolean(process.env.LIVE_USAGE_INTEGRATION_VERBOSE);

/**
 * The workbench's own start-up messages arrive through the same channel as the extension host's
 * console. These are hidden (unless LIVE_USAGE_INTEGRATION_VERBOSE is set; automation.log keeps all).
 */
const WORKBENCH_NOISE = [
  /^Ignoring fetching additional builtin extensions/,
  /^Updating additional builtin extensions cache/,
  /^Resolv(ing|ed) connection token/,
  /^Creating a socket/,
  /^\[(reconnection-grace-time|Service Worker|AgentHost|AccountPolicyGate)\b/,
  /^No search provider registered for scheme/,
];

/**
 * @param {string[]} argv
 * @returns {{ developmentPaths: string[], testsPath?: string, userDataDir?: string, extensionsDir?: string, folder?: string }}
 */
function parseArguments(argv) {
  /** @type {ReturnType<typeof parseArguments>} */
  const parsed = { developmentPaths: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = /** @type {string} */ (argv[i]);
    if (!arg.startsWith('--')) {
      parsed.folder ??= resolve(arg);
      continue;
    }
    const equals = arg.indexOf('=');
    const name = equals === -1 ? arg.slice(2) : arg.slice(2, equals);
    const takesValue = ['extensionDevelopmentPath', 'extensionTestsPath', 'user-data-dir', 'extensions-dir'].includes(name);
    if (!takesValue) continue; // desktop-only flags such as --no-sandbox or --skip-welcome
    const value = resolve(equals === -1 ? (argv[++i] ?? '') : arg.slice(equals + 1));
    if (name === 'extensionDevelopmentPath') parsed.developmentPaths.push(value);
    else if (name === 'extensionTestsPath') parsed.testsPath = value;
    else if (name === 'user-data-dir') parsed.userDataDir = value;
    else parsed.extensionsDir = value;
  }
  return parsed;
}

/** @type {(() => Promise<void>)[]} */
const cleanups = [];
let cleaningUp;
function cleanup() {
  cleaningUp ??= (async () => {
    for (const task of cleanups.reverse()) {
      await task().catch((error) => console.error(`[shim] cleanup: ${error instanceof Error ? error.message : error}`));
    }
  })();
  return cleaningUp;
}

/** @returns {Promise<number>} the suite's exit code */
async function main() {
  const args = parseArguments(process.argv.slice(2));
  if (!args.testsPath || args.developmentPaths.length === 0) {
    console.error(
      '[shim] usage: code-server-shim.mjs --extensionDevelopmentPath=DIR --extensionTestsPath=FILE [--user-data-dir=DIR] [--extensions-dir=DIR] [FOLDER]',
    );
    return 2;
  }
  const userDataDir = args.userDataDir ?? resolve('.e2e', 'integration', 'user-data');
  const extensionsDir = args.extensionsDir ?? join(dirname(userDataDir), 'extensions');
  const server = await startCodeServer({
    userDataDir,
    extensionsDir,
    workspace: args.folder,
    smokeTestDriver: true,
    logFile: join(dirname(userDataDir), 'code-server.log'),
  });
  cleanups.push(() => server.stop());
  console.log(`[shim] code-server ${server.url} (pid ${server.pid}), log ${server.logFile}`);

  const profileDir = join(dirname(userDataDir), 'browser-profile');
  rmSync(profileDir, { recursive: true, force: true });
  const { context } = await launchBrowser(chromium, profileDir);
  cleanups.push(() => context.close());
  const page = context.pages()[0] ?? (await context.newPage());

  /** @type {(code: number) => void} */
  let finish = () => {};
  const exited = new Promise((resolveExit) => {
    finish = resolveExit;
  });
  // The workbench's smoke-test driver reports through these two functions on `window`:
  // everything the extension host logs (mocha's reporter included), then the suite's exit code.
  const automationLog = join(dirname(userDataDir), 'automation.log');
  writeFileSync(automationLog, '');
  await page.exposeFunction('codeAutomationLog', (/** @type {string} */ level, /** @type {unknown} */ message) => {
    // The log service passes [format, ...args], as console.log takes them (mocha's reporter uses %s, %d).
    const text = Array.isArray(message) ? format(...message) : String(message);
    appendFileSync(automationLog, `[${level}] ${text}\n`);
    if (!VERBOSE && level !== 'error' && WORKBENCH_NOISE.some((pattern) => pattern.test(text))) return;
    if (level === 'error') process.stderr.write(`${text}\n`);
    else process.stdout.write(`${text}\n`);
  });
  await page.exposeFunction('codeAutomationExit', (/** @type {number} */ code, /** @type {{ relativePath: string, contents: string }[]} */ logs) => {
    // Keep the workbench's logs beside the user-data-dir for a post-mortem.
    const logsDir = join(dirname(userDataDir), 'workbench-logs');
    for (const log of Array.isArray(logs) ? logs : []) {
      const file = join(logsDir, log.relativePath);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, log.contents);
    }
    finish(Number(code));
  });
  page.on('pageerror', (error) => console.error(`[shim] page error: ${error.message}`));

  // The remote authority is the page's host:port; paths are the server's own (same machine).
  const authority = `127.0.0.1:${server.port}`;
  /** @param {string} path */
  const remote = (path) => `vscode-remote://${authority}${encodeURI(path)}`;
  const payload = [...args.developmentPaths.map((path) => ['extensionDevelopmentPath', remote(path)]), ['extensionTestsPath', remote(args.testsPath)]];
  await page.goto(server.workbenchUrl({ payload: JSON.stringify(payload) }), { waitUntil: 'domcontentloaded' });

  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  const timedOut = new Promise((resolveTimeout) => {
    timer = setTimeout(() => resolveTimeout('timeout'), TIMEOUT_MS);
  });
  const result = await Promise.race([exited, timedOut]);
  clearTimeout(timer);
  if (result === 'timeout') {
    console.error(`[shim] the test run did not finish within ${TIMEOUT_MS / 1000} s (LIVE_USAGE_INTEGRATION_TIMEOUT_MS); server log: ${server.logFile}`);
    await page.screenshot({ path: join(dirname(userDataDir), 'timeout.png') }).catch(() => {});
    return 1;
  }
  return /** @type {number} */ (result);
}

// runTests forwards Ctrl-C as SIGINT to this process.
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
  process.once(signal, () => {
    console.error(`[shim] ${signal}: stopping the browser and code-server`);
    void cleanup().finally(() => process.exit(130));
  });
}

let exitCode = 1;
try {
  exitCode = await main();
} catch (error) {
  console.error(`[shim] ${error instanceof Error ? (error.stack ?? error.message) : error}`);
} finally {
  await cleanup();
}
process.exit(exitCode);
