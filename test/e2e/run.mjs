// End-to-end checks in a real VS Code: packages the extension, starts the local provider servers
// (sandbox/, on a free 127.0.0.1 port), installs the extension into code-server on 127.0.0.1 with no
// connection configured, opens the workbench in headless Chromium and runs the steps of
// ./steps/index.mjs (they add connections through the UI and drive the sandbox through ctx.sandbox).
//
// Usage: npm run test:e2e [-- step-name-part ...]    (no arguments: every step)
// Env:   LIVE_USAGE_VSIX=file        test that package instead of running `npm run package`
//        LIVE_USAGE_CHROMIUM=path    another Chromium (default /usr/bin/chromium)
//        LIVE_USAGE_CODE_SERVER_CACHE=dir   where code-server is installed (default .cache/code-server)
// Output: one "ok - name" / "not ok - name: reason" line per step, then "N passed, N failed".
//         Screenshots in artifacts/e2e/<step>.png (some steps save more, <step>-<n>-<what>.png),
//         the VS Code logs in artifacts/e2e/logs/, the sandbox's output in artifacts/e2e/sandbox.log.
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { ensureCodeServer, startCodeServer } from '../../scripts/code-server.mjs';
import { steps as allSteps } from './steps/index.mjs';
import { EXTENSION_ID, launchBrowser, startSandboxProcess } from './support.mjs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const runDir = join(repoRoot, '.e2e', 'e2e');
const artifactsDir = join(repoRoot, 'artifacts', 'e2e');
const DEFAULT_STEP_TIMEOUT_MS = 60_000;

const filters = process.argv.slice(2);
const steps = filters.length === 0 ? allSteps : allSteps.filter((step) => filters.some((part) => step.name.includes(part)));

/** @param {unknown} error */
function reason(error) {
  const text = error instanceof Error ? error.message : String(error);
  // Playwright appends a multi-line call log; the first lines say what went wrong.
  return text.split('\n').slice(0, 6).join('\n    ');
}

/** @param {string} message */
function note(message) {
  console.log(`# ${message.split('\n').join('\n# ')}`);
}

/**
 * @template T
 * @param {Promise<T>} promise
 * @param {number} ms
 * @param {string} what
 * @returns {Promise<T>}
 */
function withTimeout(promise, ms, what) {
  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms / 1000} s`)), ms);
  });
  return /** @type {Promise<T>} */ (Promise.race([promise, timeout])).finally(() => clearTimeout(timer));
}

/** @returns {string} the .vsix to test */
function packageExtension() {
  if (process.env.LIVE_USAGE_VSIX) return resolve(process.env.LIVE_USAGE_VSIX);
  const vsix = join(runDir, 'live-usage-e2e.vsix');
  const result = spawnSync('npm', ['run', '--silent', 'package'], {
    cwd: repoRoot,
    env: { ...process.env, VSIX_OUT: vsix },
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
  });
  if (result.status !== 0 || !existsSync(vsix)) {
    throw new Error(`npm run package failed (exit ${result.status}):\n${`${result.stdout}${result.stderr}`.trim()}`);
  }
  return vsix;
}

/** @type {(() => Promise<void>)[]} */
const cleanups = [];
let cleaningUp;
/** Closes the browser and stops code-server (each at most once), newest first. */
function cleanup() {
  cleaningUp ??= (async () => {
    for (const task of cleanups.reverse()) {
      try {
        await withTimeout(task(), 20_000, 'cleanup');
      } catch (error) {
        console.error(`cleanup: ${reason(error)}`);
      }
    }
  })();
  return cleaningUp;
}

for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
  process.once(signal, () => {
    console.log(`\n# ${signal}: stopping the browser and code-server`);
    void cleanup().finally(() => process.exit(130));
  });
}

async function main() {
  rmSync(runDir, { recursive: true, force: true });
  rmSync(artifactsDir, { recursive: true, force: true });
  mkdirSync(runDir, { recursive: true });
  mkdirSync(artifactsDir, { recursive: true });
  const paths = {
    root: runDir,
    userDataDir: join(runDir, 'user-data'),
    extensionsDir: join(runDir, 'extensions'),
    workspace: join(runDir, 'workspace'),
    artifacts: artifactsDir,
  };
  mkdirSync(paths.workspace, { recursive: true });
  writeFileSync(join(paths.workspace, 'README.md'), '# e2e workspace\n\nOpened by test/e2e/run.mjs.\n');

  let passed = 0;
  let failed = 0;
  const started = Date.now();
  try {
    /** @type {import('./support.mjs').E2eContext} */
    let context;
    try {
      const install = await ensureCodeServer();
      note(`code-server ${install.version} (${relative(repoRoot, install.cacheDir) || install.cacheDir})`);
      const vsix = packageExtension();
      note(`testing ${relative(repoRoot, vsix)}`);
      const sandbox = await startSandboxProcess({ cwd: repoRoot, logFile: join(runDir, 'sandbox.log') });
      cleanups.push(() => sandbox.stop());
      note(`local provider servers on ${sandbox.url} (pid ${sandbox.pid})`);
      const server = await startCodeServer({
        userDataDir: paths.userDataDir,
        extensionsDir: paths.extensionsDir,
        workspace: paths.workspace,
        vsix,
        logFile: join(runDir, 'code-server.log'),
      });
      cleanups.push(() => server.stop());
      note(`code-server on ${server.url} (pid ${server.pid})`);

      const { context: browser, blocked } = await launchBrowser(chromium, join(runDir, 'browser-profile'));
      cleanups.push(async () => {
        if (blocked.length > 0) note(`blocked ${blocked.length} request(s) not to 127.0.0.1, e.g. ${blocked.slice(0, 3).join(', ')}`);
        await browser.close();
      });
      const page = browser.pages()[0] ?? (await browser.newPage());
      page.on('pageerror', (error) => note(`page error: ${error.message}`));
      context = {
        page,
        browser,
        server,
        sandbox,
        paths,
        extensionId: EXTENSION_ID,
        note,
        async screenshot(name) {
          const file = join(artifactsDir, `${name}.png`);
          await page.screenshot({ path: file, timeout: 15_000 });
          return file;
        },
      };
    } catch (error) {
      failed++;
      console.log(`not ok - setup: ${reason(error)}`);
      for (const step of steps) {
        failed++;
        console.log(`not ok - ${step.name}: not run, the setup failed`);
      }
      return { passed, failed };
    }

    for (const step of steps) {
      const stepStarted = Date.now();
      let failure;
      try {
        await withTimeout(step.run(context), step.timeoutMs ?? DEFAULT_STEP_TIMEOUT_MS, step.name);
      } catch (error) {
        failure = error;
      }
      try {
        await context.screenshot(step.name);
      } catch (error) {
        note(`no screenshot for ${step.name}: ${reason(error)}`);
      }
      const seconds = ((Date.now() - stepStarted) / 1000).toFixed(1);
      if (failure === undefined) {
        passed++;
        console.log(`ok - ${step.name} (${seconds} s)`);
      } else {
        failed++;
        console.log(`not ok - ${step.name}: ${reason(failure)}`);
        // Close whatever the failed step left open (palette, dialog) so the next step starts clean.
        await context.page.keyboard.press('Escape').catch(() => {});
        await context.page.keyboard.press('Escape').catch(() => {});
      }
    }
    return { passed, failed };
  } finally {
    await cleanup();
    // Keep what a person needs to see why something failed.
    if (existsSync(join(paths.userDataDir, 'logs'))) cpSync(join(paths.userDataDir, 'logs'), join(artifactsDir, 'logs'), { recursive: true });
    for (const log of ['code-server.log', 'sandbox.log']) {
      if (existsSync(join(runDir, log))) copyFileSync(join(runDir, log), join(artifactsDir, log));
    }
    note(`took ${((Date.now() - started) / 1000).toFixed(0)} s; screenshots and logs in ${relative(repoRoot, artifactsDir)}/`);
  }
}

if (steps.length === 0) {
  console.log(`no step matches ${filters.join(', ')}; steps: ${allSteps.map((step) => step.name).join(', ')}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}
const { passed, failed } = await main().catch((error) => {
  console.log(`not ok - setup: ${reason(error)}`);
  return { passed: 0, failed: 1 };
});
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
