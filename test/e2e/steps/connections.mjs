// Tried as a person would: connections and tokens added through the Command Palette, the values the
// local provider servers serve in the status bar, its tooltip and the usage panel, a quota crossing
// (colour and notification), and what a rejected token, a rate limit and a server error look like.
// The steps run in this order and build on each other (the connections the first two add stay).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  answerInputBox,
  expectVisible,
  extensionErrors,
  extensionLog,
  notificationToasts,
  pickQuickInputItem,
  readStatusTooltip,
  remoteExtensionHostLogs,
  runCommandFromPalette,
  statusItem,
  waitFor,
  waitForStatusItem,
} from '../support.mjs';

const BROWSERLESS_TOKEN = 'bl-sandbox-token';
const BROWSERBASE_KEY = 'bb-sandbox-key';
const BROWSERLESS_NAME = 'Local Browserless';
const BROWSERBASE_NAME = 'Local Browserbase';

/**
 * Browserless pressure pinned to known figures (docs/sandbox.md, `setState`). CPU, memory and recent
 * rejections are pinned too, so a random peak of the generated wave cannot raise a quota of its own.
 */
const CALM = { running: 3, maxConcurrent: 10, queued: 0, maxQueued: 10, cpu: 30, memory: 40, recentlyRejected: 0 };

/** @param {import('playwright-core').Page} page */
export async function clearNotifications(page) {
  if ((await page.locator('.notifications-toasts .notification-toast').count()) === 0) return;
  await runCommandFromPalette(page, 'Notifications: Clear All Notifications');
  await page
    .locator('.notifications-toasts .notification-toast')
    .first()
    .waitFor({ state: 'hidden', timeout: 5000 })
    .catch(() => {});
}

/** @param {import('playwright-core').Page} page */
async function refresh(page) {
  await page.mouse.move(700, 300); // close a tooltip left open by the previous check
  await runCommandFromPalette(page, 'Live Usage: Refresh');
}

/**
 * Starts a step from a known state whatever the previous one left: no faults, Browserless at 3 of 10,
 * a successful poll (which also resets the poller's backoff).
 * @param {import('playwright-core').Page} page
 * @param {import('../support.mjs').SandboxProcess} sandbox
 */
async function backToNormal(page, sandbox) {
  await sandbox.clearFaults();
  await sandbox.state({ browserless: CALM });
  await clearNotifications(page);
  const healthy = (/** @type {Awaited<ReturnType<typeof import('../support.mjs').readStatusItem>>} */ shown) =>
    /\bBL 3\/10\b/.test(shown.text) && !shown.icons.some((icon) => icon === 'key' || icon === 'error' || icon === 'warning');
  const now = await waitForStatusItem(page, () => true, 'the status bar item');
  if (healthy(now)) return;
  await refresh(page);
  // A Retry-After of the previous step may hold the refresh back a few seconds.
  await waitForStatusItem(page, healthy, 'the status bar item to show "BL 3/10" without warning, error or key icons before the step', 40_000);
}

/** The usage panel's webview document (two iframes deep). @param {import('playwright-core').Page} page */
function panelFrame(page) {
  return page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
}

/**
 * What a person reads in the usage panel: its text, whitespace collapsed. The checks below look for
 * words and figures, not for a particular markup, so they hold while the panel's layout evolves.
 * @param {import('playwright-core').Page} page
 */
async function panelText(page) {
  const text = await panelFrame(page)
    .locator('body')
    .innerText({ timeout: 3000 })
    .catch(() => '');
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * Waits until the panel's text matches every pattern (and none of `absent`); returns the text.
 * @param {import('playwright-core').Page} page
 * @param {RegExp[]} patterns
 * @param {string} what
 * @param {{ absent?: RegExp[], timeoutMs?: number }} [options]
 */
async function waitForPanelText(page, patterns, what, { absent = [], timeoutMs = 20_000 } = {}) {
  let last = '';
  return waitFor(
    async () => {
      last = await panelText(page);
      return patterns.every((pattern) => pattern.test(last)) && !absent.some((pattern) => pattern.test(last)) ? last : undefined;
    },
    { timeoutMs, message: () => `the usage panel to show ${what}; it reads "${last.slice(0, 400)}${last.length > 400 ? '…' : ''}"` },
  );
}

/** "3 of 10", "3/10" or the quota row "Concurrent sessions 3 10 30 %". @param {number} running */
function concurrency(running) {
  return new RegExp(`\\b${running}\\s*(?:of|/)\\s*10\\b|Concurrent sessions ${running} 10 ${running * 10} %`);
}

/** @param {import('../support.mjs').E2eContext['paths']} paths */
function userSettings(paths) {
  return JSON.parse(readFileSync(join(paths.userDataDir, 'User', 'settings.json'), 'utf8'));
}

/** @param {import('../support.mjs').E2eContext['paths']} paths @param {string} label */
function configuredConnection(paths, label) {
  const connections = userSettings(paths)['liveUsage.connections'];
  return Array.isArray(connections) ? connections.find((connection) => connection?.label === label) : undefined;
}

/** Waits for the "Added …" toast of the Add Connection command and returns its message. @param {import('playwright-core').Page} page @param {string} name */
async function waitForAddedToast(page, name) {
  let toasts = [];
  const toast = await waitFor(
    async () => {
      toasts = await notificationToasts(page);
      return toasts.find((entry) => entry.message.startsWith(`Added ${name}.`));
    },
    { timeoutMs: 30_000, message: () => `the "Added ${name}." notification (toasts: ${JSON.stringify(toasts)})` },
  );
  // What was read, in words: "Read /pressure, /metrics and /metrics/total: 3 of 10 concurrent sessions running…", not counts.
  if (!/ Read .+: .+ \(\d+ series in all\)/.test(toast.message) || /value\(s\)/.test(toast.message))
    throw new Error(`adding ${name} did not say what it read in words: "${toast.message}"`);
  return toast.message;
}

/** @type {import('../support.mjs').E2eStep} */
export const addBrowserlessThroughTheUi = {
  name: 'add-browserless-connection-through-ui',
  timeoutMs: 90_000,
  async run({ page, sandbox, paths, note }) {
    await sandbox.state({ browserless: CALM });
    // Nothing configured yet: the item invites to add a connection.
    await waitForStatusItem(page, (item) => /no connections yet/i.test(item.ariaLabel), 'the status bar item to say there are no connections yet');

    await runCommandFromPalette(page, 'Live Usage: Add Connection…');
    // Every step says where it is: the count follows from the provider.
    await pickQuickInputItem(page, 'Add Connection: provider', /^\s*Browserless/);
    await answerInputBox(page, 'Add Connection (2/6): base URL', `${sandbox.url}/browserless`);
    await pickQuickInputItem(page, 'Add Connection (3/6): server generation', /^\s*v2/);
    await pickQuickInputItem(page, 'Add Connection (4/6): where the token goes', 'Authorization: Bearer');
    await answerInputBox(page, 'Add Connection (5/6): token for Browserless', BROWSERLESS_TOKEN, { masked: true });
    await answerInputBox(page, 'Add Connection (6/6): name', BROWSERLESS_NAME);

    note(await waitForAddedToast(page, BROWSERLESS_NAME));
    const item = await waitForStatusItem(
      page,
      (shown) => /\bBL 3\/10\b/.test(shown.text),
      'the status bar item to show "BL 3/10" (3 of 10 running, as the sandbox serves)',
    );
    note(`status bar: "${item.text}" (icons ${item.icons.join(', ')})`);
    if (item.icons.includes('warning') || item.icons.includes('error') || item.icons.includes('key')) {
      throw new Error(`a healthy connection below its limits shows the icons ${item.icons.join(', ')}`);
    }

    // Settings hold the connection, never the token.
    const saved = configuredConnection(paths, BROWSERLESS_NAME);
    if (!saved) throw new Error(`settings.json has no connection named ${BROWSERLESS_NAME}: ${JSON.stringify(userSettings(paths))}`);
    if (saved.baseUrl !== `${sandbox.url}/browserless` || saved.browserlessVersion !== 'v2' || saved.authMode !== 'bearer') {
      throw new Error(`the saved connection is not what was entered: ${JSON.stringify(saved)}`);
    }
    if (readFileSync(join(paths.userDataDir, 'User', 'settings.json'), 'utf8').includes(BROWSERLESS_TOKEN))
      throw new Error('the token was written to settings.json');

    const tooltip = await readStatusTooltip(page, /Local Browserless.*\bok\b.*3 of 10 concurrent sessions running/);
    note(`tooltip: ${tooltip}`);
  },
};

/** @type {import('../support.mjs').E2eStep} */
export const addBrowserbaseThroughTheUi = {
  name: 'add-browserbase-connection-through-ui',
  timeoutMs: 90_000,
  async run({ page, sandbox, paths, note }) {
    await page.mouse.move(700, 300);
    await clearNotifications(page);
    await runCommandFromPalette(page, 'Live Usage: Add Connection…');
    await pickQuickInputItem(page, 'Add Connection: provider', /^\s*Browserbase/);
    await answerInputBox(page, 'Add Connection (2/5): base URL', `${sandbox.url}/browserbase`);
    await answerInputBox(page, 'Add Connection (3/5): token for Browserbase', BROWSERBASE_KEY, { masked: true });
    // The project list comes from the server, fetched with the key just typed.
    await pickQuickInputItem(page, 'Add Connection (4/5): project', /proj_sandbox(?!_)/);
    await answerInputBox(page, 'Add Connection (5/5): name', BROWSERBASE_NAME);

    note(await waitForAddedToast(page, BROWSERBASE_NAME));
    const saved = configuredConnection(paths, BROWSERBASE_NAME);
    if (saved?.projectId !== 'proj_sandbox') throw new Error(`the saved Browserbase connection has project ${saved?.projectId}, not proj_sandbox`);
    const item = await waitForStatusItem(
      page,
      (shown) => /\bBL 3\/10\b/.test(shown.text) && /\bBB [\d.,]+K? min\b/.test(shown.text),
      'the status bar item to show Browserless "3/10" and Browserbase browser minutes',
    );
    note(`status bar: "${item.text}"`);
    const tooltip = await readStatusTooltip(page, /Local Browserbase.*\bok\b.*browser minutes/);
    note(`tooltip: ${tooltip}`);
    // proj_sandbox runs one session; the other running one belongs to proj_sandbox_staging.
    if (!/1 of 3 concurrent sessions running/.test(tooltip)) throw new Error(`the tooltip does not show the project's 1 of 3 running sessions: ${tooltip}`);
  },
};

/** @type {import('../support.mjs').E2eStep} */
export const panelShowsServedValues = {
  name: 'usage-panel-shows-served-values',
  async run({ page, note, screenshot }) {
    await page.mouse.move(700, 300);
    await clearNotifications(page);
    // Room for the panel: hide the Output that Show Log opened (a later step opens it again).
    if (await page.locator('.monaco-workbench .part.panel').isVisible()) await runCommandFromPalette(page, 'View: Hide Panel');
    await statusItem(page).click();
    await expectVisible(page.locator('.tabs-container .tab', { hasText: 'Live Usage' }), 'the "Live Usage" editor tab');
    const text = await waitForPanelText(
      page,
      [/Local Browserless/, concurrency(3), /Local Browserbase[\s\S]*Browser minutes [\d.,]+K? ?min/],
      'both connections with Browserless 3 of 10 and Browserbase browser minutes',
      { absent: [/HTTP (?:401|403|500)/, /token needed/i] },
    );
    note(`panel: ${text.slice(0, 300)}…`);
    // Where the panel marks up a value with its series, it must be the served one exactly.
    const running = panelFrame(page).locator('[data-series="browserless.pressure.running"]');
    if ((await running.count()) > 0) {
      const shown = ((await running.first().textContent()) ?? '').trim();
      if (shown !== '3') throw new Error(`the panel's browserless.pressure.running reads "${shown}", the sandbox serves 3`);
    }
    await screenshot('usage-panel-shows-served-values-1-browserless');
    // Show the Browserbase section for the final screenshot: through the panel's jump links if it has
    // them (as a person would), else by scrolling to the last mention of the name.
    const jump = panelFrame(page).getByRole('navigation').getByText(BROWSERBASE_NAME, { exact: true });
    if ((await jump.count()) > 0) await jump.first().click();
    else
      await panelFrame(page)
        .getByText(BROWSERBASE_NAME)
        .last()
        .scrollIntoViewIfNeeded()
        .catch(() => {});
    await page.waitForTimeout(300);
  },
};

/** @type {import('../support.mjs').E2eStep} */
export const quotaCrossingWarns = {
  name: 'quota-crossing-turns-status-red-and-notifies',
  async run({ page, sandbox, note, screenshot }) {
    await sandbox.state({ browserless: { ...CALM, running: 9 } }); // 9 of 10 = 90 %: critical
    await refresh(page);
    const item = await waitForStatusItem(
      page,
      (shown) => /\bBL 9\/10\b/.test(shown.text) && shown.icons.includes('warning') && shown.background === shown.errorBackground,
      'the status bar item to show "BL 9/10" with the warning icon on the error background',
    );
    if (!item.classes.includes('has-background-color')) throw new Error(`the item has no background class: ${item.classes.join(' ')}`);
    note(`status bar: "${item.text}", background ${item.background} (statusBarItem.errorBackground ${item.errorBackground})`);

    let toasts = [];
    const toast = await waitFor(
      async () => {
        toasts = await notificationToasts(page);
        return toasts.find((entry) => entry.message.includes(BROWSERLESS_NAME) && entry.message.includes('90 %'));
      },
      { timeoutMs: 15_000, message: () => `a notification about ${BROWSERLESS_NAME} at 90 % (toasts: ${JSON.stringify(toasts)})` },
    );
    note(`notification: "${toast.message}" [${toast.buttons.join(' | ')}] (${toast.icon})`);
    for (const button of ['Open Panel', 'Snooze…', "Don't Show Again"]) {
      if (!toast.buttons.includes(button)) throw new Error(`the notification has no "${button}" button: ${toast.buttons.join(', ')}`);
    }
    if (toast.cut.length > 0) throw new Error(`the notification cuts its button labels short: ${toast.cut.join(', ')}`);
    if (toast.icon !== 'codicon-error') throw new Error(`a critical crossing should be an error notification, it shows ${toast.icon}`);

    await waitForPanelText(page, [concurrency(9), /critical/i], 'Browserless at 9 of 10, critical');
    await screenshot('quota-crossing-turns-status-red-and-notifies-1-toast');
    await readStatusTooltip(page, /Concurrent sessions 90 % \(critical\)/);
  },
};

/** @type {import('../support.mjs').E2eStep} */
export const rejectedTokenAsksForToken = {
  name: 'rejected-token-shows-key-then-set-token-recovers',
  timeoutMs: 90_000,
  async run({ page, sandbox, note, screenshot }) {
    await backToNormal(page, sandbox);
    await sandbox.fault('/browserless', { kind: 'status', status: 401 });
    await refresh(page);
    const item = await waitForStatusItem(page, (shown) => shown.icons.includes('key') && /\bBL\b/.test(shown.text), 'the key icon on the status bar item');
    note(`status bar: "${item.text}" (icons ${item.icons.join(', ')})`);
    const tooltip = await readStatusTooltip(page, /Local Browserless.*token needed.*HTTP 401/);
    note(`tooltip: ${tooltip.slice(0, 200)}…`);
    await waitForPanelText(page, [/token needed/i, /HTTP 401/], 'that the token was rejected');
    await screenshot('rejected-token-shows-key-then-set-token-recovers-1-key');

    // The server takes the token again; the person enters it again through Set Token.
    await sandbox.clearFaults();
    await page.mouse.move(700, 300);
    await runCommandFromPalette(page, 'Live Usage: Set Token…');
    await pickQuickInputItem(page, /^\s*$/, BROWSERLESS_NAME); // the connection picker has no title
    await answerInputBox(page, `Token for ${BROWSERLESS_NAME}`, BROWSERLESS_TOKEN, { masked: true });
    const recovered = await waitForStatusItem(
      page,
      (shown) => /\bBL 3\/10\b/.test(shown.text) && !shown.icons.includes('key') && !shown.icons.includes('error'),
      'the status bar item to show "BL 3/10" again, without the key icon, after Set Token',
      20_000,
    );
    note(`after Set Token: "${recovered.text}"`);
    await waitForPanelText(page, [concurrency(3)], 'Browserless at 3 of 10 again, without the 401', { absent: [/HTTP 401/, /token needed/i] });
  },
};

/** @type {import('../support.mjs').E2eStep} */
export const rateLimitShowsRetryAfter = {
  name: 'rate-limit-shows-error-and-retry-after',
  timeoutMs: 120_000,
  async run({ page, sandbox, paths, note, screenshot }) {
    await backToNormal(page, sandbox);
    await sandbox.fault('/browserless', { kind: 'rateLimit', retryAfterSeconds: 5 });
    await refresh(page);
    await runCommandFromPalette(page, 'Live Usage: Show Log'); // the log line below shows in the screenshot
    const item = await waitForStatusItem(
      page,
      (shown) => shown.icons.includes('error') && !/\bBL 3\/10\b/.test(shown.text),
      'the error icon on the status bar item',
    );
    note(`status bar: "${item.text}" (icons ${item.icons.join(', ')})`);
    const tooltip = await readStatusTooltip(page, /Local Browserless.*error.*HTTP 429.*retry after 5 s/i);
    const readAt = Date.now();
    note(`tooltip: ${tooltip.slice(0, 220)}…`);
    // The retry the tooltip announces is the real one: the feed's backoff (2 × 15 s ± 10 %), later than the 5 s asked for.
    const retryIn = Number(/retrying in (\d+) s/.exec(tooltip)?.[1]);
    if (!(retryIn >= 15 && retryIn <= 35)) throw new Error(`the tooltip announces a retry in ${retryIn} s, not the feed's backoff of about 30 s: ${tooltip}`);
    const log = await waitFor(
      () =>
        extensionLog(paths.userDataDir)
          .split('\n')
          .find((line) => /Local Browserless: .*\(rateLimited\).*retry after 5 s.*no sooner than 5 s from now, as the server asked/.test(line)),
      {
        timeoutMs: 10_000,
        message: 'the Live Usage log to say the server asked to wait 5 s',
      },
    );
    note(`log: ${log.trim()}`);
    await screenshot('rate-limit-shows-error-and-retry-after-1-tooltip');

    // Once the server stops limiting, the retry it asked for brings the values back by itself.
    await sandbox.clearFaults();
    await page.mouse.move(700, 300);
    // Retry-After is the earliest retry; the live feed's own backoff (15 s interval × 2 ± 10 %) decides it.
    const recovered = await waitForStatusItem(
      page,
      (shown) => /\bBL 3\/10\b/.test(shown.text) && !shown.icons.includes('error'),
      'the values back once the server stops limiting, without a manual refresh',
      45_000,
    );
    note(`values back by themselves ${((Date.now() - readAt) / 1000).toFixed(0)} s after the tooltip was read: "${recovered.text}"`);
  },
};

/** @type {import('../support.mjs').E2eStep} */
export const serverErrorShowsError = {
  name: 'server-error-shows-error-state',
  timeoutMs: 60_000,
  async run({ page, sandbox, paths, extensionId, note, screenshot }) {
    await backToNormal(page, sandbox);
    await sandbox.fault('/browserless', { kind: 'status', status: 500 });
    await refresh(page);
    const item = await waitForStatusItem(
      page,
      (shown) => shown.icons.includes('error') && !/\bBL 3\/10\b/.test(shown.text),
      'the error icon on the status bar item',
    );
    note(`status bar: "${item.text}" (icons ${item.icons.join(', ')})`);
    if (item.background !== 'rgba(0, 0, 0, 0)') note(`(background ${item.background}: a failing fetch keeps the quota colour only)`);
    const tooltip = await readStatusTooltip(page, /Local Browserless.*error.*HTTP 500/);
    note(`tooltip: ${tooltip.slice(0, 200)}…`);
    await waitForPanelText(page, [/HTTP 500/], 'the server error');
    await screenshot('server-error-shows-error-state-1-tooltip');

    await sandbox.clearFaults();
    await refresh(page);
    await waitForStatusItem(
      page,
      (shown) => /\bBL 3\/10\b/.test(shown.text) && shown.icons.includes('pulse'),
      'the status bar item back to normal after the server recovers and Refresh',
    );
    await waitForPanelText(page, [concurrency(3)], 'Browserless at 3 of 10 again, without the error', { absent: [/HTTP 500/] });

    // Nothing the person typed as a token reached settings or a log; the extension logged no error.
    const files = [join(paths.userDataDir, 'User', 'settings.json')];
    const texts = [readFileSync(files[0], 'utf8'), extensionLog(paths.userDataDir), ...remoteExtensionHostLogs(paths.userDataDir).map((entry) => entry.text)];
    for (const secret of [BROWSERLESS_TOKEN, BROWSERBASE_KEY]) {
      if (texts.some((text) => text.includes(secret))) throw new Error(`the token ${secret} appears in settings.json or a log`);
    }
    const errors = remoteExtensionHostLogs(paths.userDataDir).flatMap((entry) => extensionErrors(entry.text, extensionId));
    if (errors.length > 0) throw new Error(`the extension host logged errors:\n${errors.join('\n')}`);
    const ownErrors = extensionLog(paths.userDataDir)
      .split('\n')
      .filter((line) => /\[error\]/.test(line));
    if (ownErrors.length > 0) throw new Error(`the Live Usage log has errors:\n${ownErrors.join('\n')}`);
  },
};

export const connectionSteps = [
  addBrowserlessThroughTheUi,
  addBrowserbaseThroughTheUi,
  panelShowsServedValues,
  quotaCrossingWarns,
  rejectedTokenAsksForToken,
  rateLimitShowsRetryAfter,
  serverErrorShowsError,
];
