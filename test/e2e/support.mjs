// Helpers shared by the end-to-end steps: the browser, the local provider servers, the Command
// Palette, quick inputs, the status bar item, and the extension host logs.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { killProcessTree } from '../../scripts/code-server.mjs';

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
 * @param {{ timeoutMs?: number, intervalMs?: number, message?: string | (() => string | Promise<string>) }} [options]
 * @returns {Promise<NonNullable<T>>}
 */
export async function waitFor(check, { timeoutMs = 30_000, intervalMs = 250, message = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return /** @type {NonNullable<T>} */ (value);
    if (Date.now() > deadline) {
      const what = typeof message === 'function' ? await Promise.resolve(message()).catch(() => 'condition') : message;
      throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * Reloads the window the way a person does (Developer: Reload Window, which shuts it down properly
 * and keeps webview state), then brings the editor tab titled `tabTitle` back to the front.
 * @param {import('playwright-core').Page} page
 * @param {string} tabTitle
 */
export async function reloadWindowAndShowTab(page, tabTitle) {
  await runCommandFromPalette(page, 'Developer: Reload Window').catch(() => {
    // The palette closes as the page unloads.
  });
  await page.waitForLoadState('load');
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  const tab = page.locator('.tabs-container .tab', { hasText: tabTitle });
  await expectVisible(tab, `the "${tabTitle}" tab after the reload`, 60_000);
  await tab.first().click();
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
  return text.split('\n').filter((line) => /\[error\]/i.test(line) && line.toLowerCase().includes(id));
}

/**
 * Runs a command through the Command Palette (F1), the way a person does.
 * @param {import('playwright-core').Page} page
 * @param {string} title  as shown in the palette, e.g. "Live Usage: Show Log"
 */
export async function runCommandFromPalette(page, title) {
  await page
    .locator('.monaco-workbench')
    .click({ position: { x: 700, y: 400 } })
    .catch(() => {});
  const input = page.locator('.quick-input-widget input');
  // A webview that is still loading (one restored after a reload) keeps keys it has focus on instead of
  // forwarding them to the workbench: take focus back from it and ask again.
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('F1');
    const opened = await input.waitFor({ state: 'visible', timeout: attempt < 3 ? 3_000 : 10_000 }).then(
      () => true,
      () => false,
    );
    if (opened) break;
    if (attempt === 3) throw new Error(`the Command Palette did not open to run "${title}"`);
    await page.evaluate(() => /** @type {{ activeElement?: { blur?: () => void } }} */ (globalThis.document).activeElement?.blur?.());
  }
  await input.fill(`>${title}`);
  // Enter runs the focused row: make sure that is the command asked for, not a near match.
  const focused = page.locator('.quick-input-widget .monaco-list-row.focused');
  await waitFor(async () => ((await focused.count()) > 0 ? ((await focused.first().textContent()) ?? '').includes(title) : false), {
    timeoutMs: 10_000,
    message: `"${title}" to be the focused entry of the Command Palette`,
  });
  await page.keyboard.press('Enter');
  // The palette closes; a command may open its own prompt in the same widget right away.
  const widget = page.locator('.quick-input-widget');
  await waitFor(
    async () => {
      if (!(await widget.isVisible())) return true;
      const closing = ((await widget.getAttribute('class')) ?? '').includes('quick-input-widget-closing');
      return !closing && !((await input.inputValue().catch(() => '>')) ?? '').startsWith('>');
    },
    { timeoutMs: 10_000, message: `the Command Palette to close after running "${title}"` },
  );
}

/**
 * The local provider servers (docs/sandbox.md), started as a child process on a free 127.0.0.1 port,
 * with their HTTP controls (`/__sandbox/...`) as methods.
 * @typedef {object} SandboxProcess
 * @property {string} url       `http://127.0.0.1:PORT` (no trailing slash)
 * @property {number} pid
 * @property {(patch: Record<string, unknown>) => Promise<void>} state   POST /__sandbox/state, e.g. `{ browserless: { running: 3 } }`
 * @property {(route: string, fault: Record<string, unknown>, times?: number) => Promise<void>} fault  POST /__sandbox/faults (no `times`: until cleared)
 * @property {() => Promise<void>} clearFaults  DELETE /__sandbox/faults
 * @property {() => Promise<void>} stop  ends the process tree; safe to call twice
 */

/**
 * Starts `sandbox/main.ts` (through tsx) on port 0 and reads the port it got from its first line.
 * @param {{ cwd: string, logFile: string, timeoutMs?: number }} options
 * @returns {Promise<SandboxProcess>}
 */
export async function startSandboxProcess({ cwd, logFile, timeoutMs = 30_000 }) {
  const log = createWriteStream(logFile, { flags: 'a' });
  // detached: its own process group, so a Ctrl-C in the terminal reaches it only through stop().
  const child = spawn(process.execPath, ['--import', 'tsx', 'sandbox/main.ts', '--port', '0'], {
    cwd,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    try {
      if (child.pid && child.exitCode === null) await killProcessTree(child.pid);
    } finally {
      log.end();
    }
  };
  const url = await new Promise((resolveUrl, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`the sandbox did not start within ${timeoutMs / 1000} s:\n${output}`)), timeoutMs);
    const onData = (/** @type {Buffer} */ chunk) => {
      output += chunk.toString();
      const match = /Sandbox listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        child.stdout.off('data', onData);
        resolveUrl(match[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (/** @type {Buffer} */ chunk) => (output += chunk.toString()));
    child.on('error', (error) => (clearTimeout(timer), reject(error)));
    child.on('exit', (code, signal) => (clearTimeout(timer), reject(new Error(`the sandbox exited (${code ?? signal}) before listening:\n${output}`))));
  }).catch(async (error) => {
    await stop();
    throw error;
  });

  /** @param {string} method @param {string} path @param {unknown} [body] */
  const control = async (method, path, body) => {
    const response = await fetch(`${url}/__sandbox/${path}`, {
      method,
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) throw new Error(`${method} /__sandbox/${path} answered ${response.status}: ${await response.text()}`);
  };
  return {
    url: /** @type {string} */ (url),
    pid: /** @type {number} */ (child.pid),
    state: (patch) => control('POST', 'state', patch),
    fault: (route, fault, times) => control('POST', 'faults', { route, fault, ...(times === undefined ? {} : { times }) }),
    clearFaults: () => control('DELETE', 'faults'),
    stop,
  };
}

/**
 * What every step receives.
 * @typedef {object} E2eContext
 * @property {import('playwright-core').Page} page                 the workbench page
 * @property {import('playwright-core').BrowserContext} browser    its browser context (fresh profile)
 * @property {import('../../scripts/code-server.mjs').RunningCodeServer} server
 * @property {SandboxProcess} sandbox   the local provider servers the connections point at
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

// ---------------------------------------------------------------------------------------------
// Quick inputs (the pickers and input boxes a command shows), the status bar item, notifications.

/** @param {string} text */
function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Waits until the quick input shows the prompt titled `title` (exactly that title when a string), so an
 * answer never goes to the previous prompt while the next one is on its way.
 * @param {import('playwright-core').Page} page
 * @param {string | RegExp} title
 */
export async function waitForQuickInput(page, title, timeoutMs = 15_000) {
  const pattern = typeof title === 'string' ? new RegExp(`^\\s*${escapeRegExp(title)}\\s*$`) : title;
  const widget = page.locator('.quick-input-widget');
  await waitFor(
    async () => {
      if (!(await widget.isVisible())) return false;
      return pattern.test(
        (await widget
          .locator('.quick-input-title')
          .textContent()
          .catch(() => '')) ?? '',
      );
    },
    { timeoutMs, message: `the prompt "${title}"` },
  ).catch(async (error) => {
    const shown = (await widget.isVisible()) ? `"${await widget.locator('.quick-input-title').textContent()}"` : 'no prompt';
    throw new Error(`${error instanceof Error ? error.message : error} (showing ${shown})`);
  });
  return widget;
}

/**
 * Picks the row of a quick pick titled `title` whose text matches `item`, by clicking it.
 * @param {import('playwright-core').Page} page
 * @param {string | RegExp} title
 * @param {string | RegExp} item
 */
export async function pickQuickInputItem(page, title, item) {
  const widget = await waitForQuickInput(page, title);
  const row = widget.locator('.monaco-list-row').filter({ hasText: item });
  await waitFor(async () => (await row.count()) > 0, {
    timeoutMs: 15_000,
    message: async () => `an entry "${item}" under "${title}" (entries: ${(await widget.locator('.monaco-list-row').allTextContents()).join(' | ')})`,
  });
  await row.first().click();
}

/**
 * Answers the input box titled `title`: replaces its text with `value` (typed key by key when
 * `masked`, after checking that the box hides what is typed) and presses Enter.
 * @param {import('playwright-core').Page} page
 * @param {string | RegExp} title
 * @param {string} value
 * @param {{ masked?: boolean }} [options]
 */
export async function answerInputBox(page, title, value, { masked = false } = {}) {
  const widget = await waitForQuickInput(page, title);
  const input = widget.locator('input').first();
  const type = await input.getAttribute('type');
  if (masked && type !== 'password') throw new Error(`the input "${title}" shows what is typed (type=${type}), a token must be masked`);
  await input.fill('');
  if (masked) await input.pressSequentially(value, { delay: 10 });
  else await input.fill(value);
  // Validation runs as one types; Enter is ignored while a validation message is shown.
  await page.waitForTimeout(150);
  await page.keyboard.press('Enter');
}

/** @param {import('playwright-core').Page} page @param {string} extensionId */
export function statusItem(page, extensionId = EXTENSION_ID) {
  return page.locator(`.part.statusbar [id="${extensionId}.liveUsage.status"]`);
}

/**
 * What the Live Usage status bar item shows: its text, its icons (codicon names), its background.
 * @param {import('playwright-core').Page} page
 * @returns {Promise<{ text: string, icons: string[], classes: string[], background: string, errorBackground: string, warningBackground: string, ariaLabel: string }>}
 */
export async function readStatusItem(page) {
  return statusItem(page).evaluate((element) => {
    const view = /** @type {Window} */ (element.ownerDocument.defaultView);
    /** The colour a theme variable resolves to, as getComputedStyle reports colours. */
    const resolve = (/** @type {string} */ variable) => {
      const probe = element.ownerDocument.createElement('div');
      probe.style.backgroundColor = `var(${variable})`;
      element.appendChild(probe);
      const colour = view.getComputedStyle(probe).backgroundColor;
      probe.remove();
      return colour;
    };
    return {
      text: (element.textContent ?? '').replace(/\s+/g, ' ').trim(),
      icons: [...element.querySelectorAll('.codicon')].flatMap((icon) =>
        [...icon.classList].filter((name) => name.startsWith('codicon-')).map((name) => name.slice(8)),
      ),
      classes: [...element.classList],
      background: view.getComputedStyle(element).backgroundColor,
      errorBackground: resolve('--vscode-statusBarItem-errorBackground'),
      warningBackground: resolve('--vscode-statusBarItem-warningBackground'),
      ariaLabel: element.querySelector('a')?.getAttribute('aria-label') ?? element.getAttribute('aria-label') ?? '',
    };
  });
}

/**
 * Waits until the status bar item satisfies `check`, and returns what it shows.
 * @param {import('playwright-core').Page} page
 * @param {(item: Awaited<ReturnType<typeof readStatusItem>>) => boolean} check
 * @param {string} what  e.g. 'the status bar item to show "BL 3/10"'
 */
export async function waitForStatusItem(page, check, what, timeoutMs = 30_000) {
  /** @type {Awaited<ReturnType<typeof readStatusItem>> | undefined} */
  let last;
  return waitFor(
    async () => {
      last = await readStatusItem(page).catch(() => undefined);
      return last && check(last) ? last : undefined;
    },
    { timeoutMs, intervalMs: 300, message: () => `${what}; it shows "${last?.text}" (icons ${last?.icons.join(', ')}, background ${last?.background})` },
  );
}

/**
 * Hovers the status bar item until its tooltip shows and matches `expected`; returns the tooltip text
 * and leaves it open (for a screenshot).
 * @param {import('playwright-core').Page} page
 * @param {RegExp} expected
 */
export async function readStatusTooltip(page, expected, timeoutMs = 20_000) {
  const hover = page.locator('.monaco-hover').filter({ hasText: 'Live Usage' });
  let last = '';
  await waitFor(
    async () => {
      // A hover shows what the tooltip was when it opened: move away and back for a fresh one.
      await page.mouse.move(700, 300);
      await page.waitForTimeout(200);
      await statusItem(page).hover();
      try {
        await hover.first().waitFor({ state: 'visible', timeout: 3000 });
      } catch {
        return false;
      }
      last = ((await hover.first().textContent()) ?? '').replace(/\s+/g, ' ');
      return expected.test(last);
    },
    { timeoutMs, intervalMs: 500, message: () => `the status bar tooltip to match ${expected}; it reads "${last}"` },
  );
  // Left open for a screenshot: after its fade-in, not half transparent.
  await waitFor(
    async () =>
      Number(
        await hover
          .first()
          .evaluate((element) => element.ownerDocument.defaultView?.getComputedStyle(element).opacity ?? '1')
          .catch(() => '1'),
      ) === 1,
    { timeoutMs: 5000, intervalMs: 100, message: 'the tooltip to finish fading in' },
  );
  return last;
}

/**
 * The notification toasts on screen: message, button labels, and the labels the toast cuts short.
 * @param {import('playwright-core').Page} page
 * @returns {Promise<{ message: string, buttons: string[], cut: string[], icon: string }[]>}
 */
export async function notificationToasts(page) {
  return page.locator('.notifications-toasts .notification-toast').evaluateAll((toasts) =>
    toasts.map((toast) => ({
      message: (toast.querySelector('.notification-list-item-message')?.textContent ?? '').trim(),
      buttons: [...toast.querySelectorAll('.monaco-button')].map((button) => (button.textContent ?? '').trim()),
      // A label wider than its button is drawn with an ellipsis.
      cut: [...toast.querySelectorAll('.monaco-button')]
        .filter((button) => button.scrollWidth > button.clientWidth + 1 || [...button.children].some((child) => child.scrollWidth > child.clientWidth + 1))
        .map((button) => (button.textContent ?? '').trim()),
      icon: [...(toast.querySelector('.notification-list-item-icon')?.classList ?? [])].find((name) => name.startsWith('codicon-') && name !== 'codicon') ?? '',
    })),
  );
}

/**
 * The extension's own log (the "Live Usage" output channel, a log channel written to
 * `logs/<session>/exthost<N>/<extension id>/Live Usage.log`), all sessions concatenated.
 * @param {string} userDataDir
 * @param {string} [extensionId]
 */
export function extensionLog(userDataDir, extensionId = EXTENSION_ID) {
  const logsDir = join(userDataDir, 'logs');
  if (!existsSync(logsDir)) return '';
  let text = '';
  for (const session of readdirSync(logsDir).sort()) {
    let hosts;
    try {
      hosts = readdirSync(join(logsDir, session))
        .filter((name) => name.startsWith('exthost'))
        .sort();
    } catch {
      continue;
    }
    for (const host of hosts) {
      const file = join(logsDir, session, host, extensionId, 'Live Usage.log');
      if (existsSync(file)) text += readFileSync(file, 'utf8');
    }
  }
  return text;
}
