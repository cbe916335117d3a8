// Tried as a person would: runaway Browserbase sessions. The local Browserbase starts two keep-alive
// sessions that began 47 and 52 minutes ago; after a refresh each gets one notification (Release, Open
// Live Debugger, Ignore) and the status bar tooltip lists them. One is released from its notification
// (the server then has it COMPLETED); the other is ignored, and after a reload of the window it is not
// notified again. Runs after the sessions steps, with their Browserbase connection.
import { clearNotifications } from './connections.mjs';
import { expectVisible, notificationToasts, readStatusTooltip, runCommandFromPalette, statusItem, waitFor } from '../support.mjs';

const BROWSERBASE_KEY = 'bb-sandbox-key';
const RELEASED_TAG = 'e2e-runaway-release';
const IGNORED_TAG = 'e2e-runaway-ignore';

/**
 * @param {string} sandboxUrl
 * @param {string} client
 * @returns {Promise<{ id: string, status: string }>}
 */
async function servedSession(sandboxUrl, client) {
  const url = `${sandboxUrl}/browserbase/v1/sessions?q=${encodeURIComponent(`user_metadata['client']:'${client}'`)}`;
  const response = await fetch(url, { headers: { 'X-BB-API-Key': BROWSERBASE_KEY }, signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
  const [session] = await response.json();
  if (!session) throw new Error(`the local Browserbase has no session tagged client=${client}`);
  return session;
}

/**
 * The toast whose message mentions `text`, once it shows.
 * @param {import('playwright-core').Page} page
 * @param {string} text
 */
async function toastAbout(page, text, timeoutMs = 30_000) {
  let toasts = /** @type {Awaited<ReturnType<typeof notificationToasts>>} */ ([]);
  return waitFor(
    async () => {
      toasts = await notificationToasts(page);
      return toasts.find((toast) => toast.message.includes(text));
    },
    { timeoutMs, message: () => `a notification mentioning ${text} (toasts: ${JSON.stringify(toasts)})` },
  );
}

/**
 * Clicks `button` on the toast that mentions `text`.
 * @param {import('playwright-core').Page} page
 * @param {string} text
 * @param {string} button
 */
async function clickToastButton(page, text, button) {
  const toast = page.locator('.notifications-toasts .notification-toast', { hasText: text });
  await toast.first().hover();
  await toast.first().locator('.monaco-button', { hasText: button }).click();
}

/** @type {import('../support.mjs').E2eStep} */
export const runawayReleasedFromNotification = {
  name: 'runaway-session-released-from-its-notification',
  timeoutMs: 150_000,
  async run({ page, sandbox, note, screenshot }) {
    await clearNotifications(page);
    await sandbox.state({
      browserbase: {
        longRunning: [
          { minutes: 47, keepAlive: true, userMetadata: { client: RELEASED_TAG, job: 'nightly-crawl' } },
          { minutes: 52, keepAlive: true, userMetadata: { client: IGNORED_TAG } },
        ],
      },
    });
    const released = await servedSession(sandbox.url, RELEASED_TAG);
    const ignored = await servedSession(sandbox.url, IGNORED_TAG);
    await runCommandFromPalette(page, 'Live Usage: Refresh');

    const toast = await toastAbout(page, released.id);
    note(`notification: "${toast.message}" [${toast.buttons.join(' | ')}]`);
    for (const button of ['Release', 'Open Live Debugger', 'Ignore']) {
      if (!toast.buttons.includes(button)) throw new Error(`the runaway notification has no "${button}" button: ${toast.buttons.join(', ')}`);
    }
    if (!/has run for 47 min.*past the 30 min runaway threshold \(keep-alive; client=e2e-runaway-release, job=nightly-crawl\)/.test(toast.message))
      throw new Error(`the notification does not say how long, the threshold and the tags: ${toast.message}`);
    await toastAbout(page, ignored.id);
    await screenshot('runaway-session-released-from-its-notification-1-notifications');

    const tooltip = await readStatusTooltip(page, /runaway Browserbase sessions?.*e2e-runaway-release/);
    note(`tooltip: ${tooltip.slice(tooltip.indexOf('runaway') - 2, tooltip.indexOf('runaway') + 300)}`);
    if (!tooltip.includes(released.id.slice(0, 8)) || !tooltip.includes(ignored.id.slice(0, 8)))
      throw new Error(`the tooltip does not list both runaways: ${tooltip}`);
    await screenshot('runaway-session-released-from-its-notification-2-tooltip');
    await page.mouse.move(700, 300);

    await clickToastButton(page, released.id, 'Release');
    const done = await toastAbout(page, `session ${released.id} released`);
    note(`after Release: "${done.message}"`);
    const after = await servedSession(sandbox.url, RELEASED_TAG);
    if (after.status !== 'COMPLETED') throw new Error(`the released session is ${after.status} on the server, not COMPLETED`);
    await clickToastButton(page, ignored.id, 'Ignore');
    await screenshot('runaway-session-released-from-its-notification-3-released');

    // The ignored one is still running; a reload must not notify it again.
    await clearNotifications(page);
    await runCommandFromPalette(page, 'Developer: Reload Window').catch(() => {});
    await page.waitForLoadState('load');
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    // The palette lists Live Usage's commands once the extension is back: its status bar item says so.
    // A palette opened a moment before can still miss them (seen once in three runs): asked again, closed first.
    await expectVisible(statusItem(page), 'the Live Usage status bar item after the reload', 60_000);
    await runCommandFromPalette(page, 'Live Usage: Refresh').catch(async (error) => {
      note(`Refresh was not offered at the first try (${String(error).split('\n')[0]}); asked again`);
      await page.keyboard.press('Escape');
      await runCommandFromPalette(page, 'Live Usage: Refresh');
    });
    const listed = await readStatusTooltip(page, /runaway Browserbase sessions?\b.*e2e-runaway-ignore/, 40_000);
    if (listed.includes(released.id.slice(0, 8))) throw new Error(`the released session is still listed as a runaway: ${listed}`);
    await page.mouse.move(700, 300);
    await page.waitForTimeout(3000);
    const again = (await notificationToasts(page)).filter((entry) => entry.message.includes(ignored.id));
    if (again.length > 0) throw new Error(`the ignored runaway was notified again after the reload: ${again[0]?.message}`);
    note('after a reload: listed in the tooltip, not notified again');
    await screenshot('runaway-session-released-from-its-notification-4-after-reload');
    await sandbox.state({ browserbase: null });
    // Leave the workbench settled for the next steps: the direct connection has read the reset server.
    await page.mouse.move(700, 300);
    await runCommandFromPalette(page, 'Live Usage: Refresh');
    let settled = '';
    await waitFor(
      async () => {
        settled = await readStatusTooltip(page, /Local Browserbase/);
        await page.mouse.move(700, 300);
        return !settled.includes('runaway');
      },
      { timeoutMs: 40_000, message: () => `the status bar to list no runaway after the reset: ${settled}` },
    );
    await clearNotifications(page);
  },
};
