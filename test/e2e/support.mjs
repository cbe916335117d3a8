// Helpers shared by the end-to-end steps: the browser, the Command Palette, the extension host log.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The extension's id as VS Code knows it: `<publisher>.<name>` from package.json. */
export const EXTENSION_ID = 'live-usage.live-usage';

/** Flags for Debian's Chromium in a container: no sandbox, no GPU, no calls home. */
export const CHROMIUM_ARGS = Object.freeze([
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]);

/** @returns {string} the Chromium binary: env LIVE_USAGE_CHROMIUM, else Debian's /usr/bin/chromium */
export function chromiumPath() {
  const path = process.env.LIVE_USAGE_CHROMIUM || '/usr/bin/chromium';
  if (!existsSync(path)) throw new Error(`Chromium not found at ${path}: apt-get install -y chromium (or set LIVE_USAGE_CHROMIUM)`);
  return path;
}

/**
 * Launches headless Chromium with a fresh profile and lets only requests to 127.0.0.1 through.
 * @param {import('playwright-core').BrowserType} chromium
 * @param {string} profileDir
 * @returns {Promise<{ context: import('playwright-core').BrowserContext, blocked: string[] }>}
 */
export async function launchBrowser(chromium, profileDir) {
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: chromiumPath(),
    headless: true,
    args: [...CHROMIUM_ARGS],
    viewport: { width: 1440, height: 900 },
    deviceScaleFactor: 1,
    // The runner closes the browser itself on Ctrl-C, after stopping code-server.
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
  /** @type {string[]} */
  const blocked = [];
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if ((url.protocol === 'http:' || url.protocol === 'https:' || url.protocol === 'ws:') && url.hostname !== '127.0.0.1') {
      blocked.push(url.href);
      return route.abort('blockedbyclient');
    }
    return route.continue();
  });
  return { context, blocked };
}

/**
 * Polls until `check` returns a truthy value, and returns it.
 * @template T
 * @param {() => T | Promise<T>} check
 * @param {{ timeoutMs?: number, intervalMs?: number, message?: string | (() => string) }} [options]
 * @returns {Promise<NonNullable<T>>}
 */
export async function waitFor(check, { timeoutMs = 30_000, intervalMs = 250, message = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return /** @type {NonNullable<T>} */ (value);
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${typeof message === 'function' ? message() : message}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * Waits for an element to be visible and fails with a sentence a person understands.
 * @param {import('playwright-core').Locator} locator
 * @param {string} description  e.g. 'the Output panel'
 * @param {number} [timeoutMs]
 */
export async function expectVisible(locator, description, timeoutMs = 15_000) {
  try {
    await locator.first().waitFor({ state: 'visible', timeout: timeoutMs });
  } catch {
    throw new Error(`${description} did not show within ${timeoutMs / 1000} s`);
  }
}

/**
 * Every remote extension host log in a code-server user-data-dir
 * (`logs/<session>/exthost<N>/remoteexthost.log`), oldest session first.
 * @param {string} userDataDir
 * @returns {{ path: string, text: string }[]}
 */
export function remoteExtensionHostLogs(userDataDir) {
  const logsDir = join(userDataDir, 'logs');
  if (!existsSync(logsDir)) return [];
  const logs = [];
  for (const session of readdirSync(logsDir).sort()) {
    const sessionDir = join(logsDir, session);
    let entries;
    try {
      entries = readdirSync(sessionDir);
    } catch {
      continue; // a file, not a session folder
    }
    for (const entry of entries.filter((name) => name.startsWith('exthost')).sort()) {
      const path = join(sessionDir, entry, 'remoteexthost.log');
      if (existsSync(path)) logs.push({ path, text: readFileSync(path, 'utf8') });
    }
  }
  return logs;
}

/**
 * Lines of the remote extension host logs that report an error about the extension.
 * @param {string} text
 * @param {string} extensionId
 */
export function extensionErrors(text, extensionId) {
  const id = extensionId.toLowerCase();
  return text
    .split('\n')
    .filter((line) => /\[error\]/i.test(line) && line.toLowerCase().includes(id));
}

/**
 * Runs a command through the Command Palette (F1), the way a person does.
 * @param {import('playwright-core').Page} page
 * @param {string} title  as shown in the palette, e.g. "Live Usage: Show Log"
 */
export async function runCommandFromPalette(page, title) {
  await page.locator('.monaco-workbench').click({ position: { x: 700, y: 400 } }).catch(() => {});
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(`>${title}`);
  // Enter runs the focused row: make sure that is the command asked for, not a near match.
  const focused = page.locator('.quick-input-widget .monaco-list-row.focused');
  await waitFor(async () => ((await focused.count()) > 0 ? ((await focused.first().textContent()) ?? '').includes(title) : false), {
    timeoutMs: 10_000,
    message: `"${title}" to be the focused entry of the Command Palette`,
  });
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
}

/**
 * What every step receives.
 * @typedef {object} E2eContext
 * @property {import('playwright-core').Page} page                 the workbench page
 * @property {import('playwright-core').BrowserContext} browser    its browser context (fresh profile)
 * @property {import('../../scripts/code-server.mjs').RunningCodeServer} server
 * @property {{ root: string, userDataDir: string, extensionsDir: string, workspace: string, artifacts: string }} paths
 * @property {string} extensionId
 * @property {(name: string) => Promise<string>} screenshot  saves artifacts/e2e/<name>.png, returns the path
 * @property {(message: string) => void} note                 a detail line, printed as "# message"
 */

/**
 * One named check. The runner takes a screenshot named after it when it ends, passed or failed.
 * @typedef {object} E2eStep
 * @property {string} name          kebab-case; also the screenshot's file name
 * @property {number} [timeoutMs]   default 60 s
 * @property {(context: E2eContext) => Promise<void>} run
 */
