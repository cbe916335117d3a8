// Tried as a person would: the Browserbase sessions panel. Opened from the usage panel's Browserbase
// section; lists the project's sessions as the local Browserbase serves them; builds a query from
// rows (a bad key path is refused under its row, the preview shows the exact q and its URL form);
// launches a keep-alive session tagged with awkward text, double-clicking, and confirms once; finds it
// again by its tags; saves the query and finds it in the Command Palette; breaks the usage down by
// client; sorts; releases the session. Runs after the chart steps, with their Browserbase connection.
import { clearNotifications } from './connections.mjs';
import { openPanel, pickColorTheme, THEMES, webviewFrame } from './charts.mjs';
import { expectVisible, pickQuickInputItem, reloadWindowAndShowTab, runCommandFromPalette, waitFor } from '../support.mjs';

const BROWSERBASE = 'local-browserbase';
const BROWSERBASE_KEY = 'bb-sandbox-key';
const PROJECT = 'proj_sandbox';
const TAGS = [
  { key: 'client', path: ['client'], value: 'e2e-tagged' },
  { key: 'order > status', path: ['order', 'status'], value: 'it\'s "new" [α]: \\ok' },
];
const SAVED_NAME = 'E2E tagged';

/** @type {{ sessionId?: string }} */
const shared = {};

/** @param {import('playwright-core').Page} page */
const sessionsFrame = (page) => webviewFrame(page, 'main.surface-sessions #results-section', 'the Browserbase sessions panel');

/**
 * The project's sessions straight from the local Browserbase.
 * @param {string} sandboxUrl
 * @returns {Promise<{ id: string, status: string, projectId: string, proxyBytes: number, userMetadata?: Record<string, any> | null }[]>}
 */
export async function servedSessions(sandboxUrl) {
  const response = await fetch(`${sandboxUrl}/browserbase/v1/sessions`, { headers: { 'X-BB-API-Key': BROWSERBASE_KEY }, signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`GET /browserbase/v1/sessions answered ${response.status}`);
  return (await response.json()).filter((/** @type {{ projectId: string }} */ s) => s.projectId === PROJECT);
}

/** @param {string} sandboxUrl */
async function sessionCreates(sandboxUrl) {
  const response = await fetch(`${sandboxUrl}/__sandbox/requests`, { signal: AbortSignal.timeout(10_000) });
  const requests = /** @type {{ method: string, path: string }[]} */ (await response.json());
  return requests.filter((r) => r.method === 'POST' && r.path === '/browserbase/v1/sessions').length;
}

/** @param {any} metadata @param {string[]} path */
const at = (metadata, path) => path.reduce((node, key) => (node && typeof node === 'object' ? node[key] : undefined), metadata);

/** @param {import('playwright-core').Frame} frame */
const rowIds = (frame) => frame.locator('.results-body [data-session]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-session')));

/**
 * Waits for the results of the latest find, and checks they are exactly `expected` (ids, any order).
 * @param {import('playwright-core').Frame} frame
 * @param {string[]} expected
 * @param {string} what
 */
async function expectRows(frame, expected, what) {
  let shown = /** @type {(string | null)[]} */ ([]);
  await waitFor(
    async () => {
      if ((await frame.locator('#results-status[aria-busy]').count()) > 0) return false;
      shown = await rowIds(frame);
      return shown.length === expected.length && expected.every((id) => shown.includes(id));
    },
    { timeoutMs: 15_000, message: () => `${what}: the table shows ${shown.length} row(s), the server has ${expected.length}` },
  );
}

/**
 * Replaces the builder's rows with `conditions` (typed as a person types them).
 * @param {import('playwright-core').Frame} frame
 * @param {{ key: string, value: string }[]} conditions
 */
async function setConditions(frame, conditions) {
  const rows = frame.locator('.rows-condition .condition-row');
  while ((await rows.count()) > 1) await rows.last().locator('.remove-row').click();
  for (let i = 0; i < conditions.length; i++) {
    if (i > 0) await frame.locator('.rows-condition vscode-button.add-row').click();
    const row = rows.nth(i);
    await row.locator('.row-key input').fill(conditions[i]?.key ?? '');
    await row.locator('.row-value input').fill(conditions[i]?.value ?? '');
  }
}

/**
 * The VS Code modal dialog with `title`, its button `button` clicked.
 * @param {import('playwright-core').Page} page
 * @param {RegExp} title
 * @param {string} button
 */
export async function answerDialog(page, title, button) {
  const dialog = page.locator('.monaco-dialog-box');
  await expectVisible(dialog, 'the confirmation dialog');
  const text = await dialog.innerText();
  if (!title.test(text)) throw new Error(`the dialog says "${text}", expected ${title}`);
  await dialog.locator('.monaco-button', { hasText: button }).click();
  await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
  return text;
}

/** @type {import('../support.mjs').E2eStep} */
export const sessionsPanelOpens = {
  name: 'sessions-panel-opens-from-usage-panel',
  timeoutMs: 90_000,
  async run({ page, sandbox, note, screenshot }) {
    await clearNotifications(page);
    const panel = await openPanel(page);
    const open = panel.locator(`section.connection[data-connection="${BROWSERBASE}"] vscode-button.open-sessions`);
    await open.scrollIntoViewIfNeeded();
    await open.click();
    const frame = await sessionsFrame(page);
    const served = await servedSessions(sandbox.url);
    await expectRows(
      frame,
      served.map((s) => s.id),
      'every session of the project',
    );
    const totals = await frame.locator('#totals').innerText();
    if (Number(await frame.locator('#totals [data-sessions]').getAttribute('data-sessions')) !== served.length)
      throw new Error(`totals say "${totals}", the server has ${served.length}`);
    note(`${served.length} sessions listed; totals: ${totals}`);
    await screenshot('sessions-panel-opens-from-usage-panel-1-all-sessions');
  },
};

/** @type {import('../support.mjs').E2eStep} */
export const sessionsQueryBuilder = {
  name: 'sessions-query-builder-with-live-preview',
  async run({ page, sandbox, note, screenshot }) {
    const frame = await sessionsFrame(page);
    // A key path with an empty part is refused under its row, and nothing can be sent.
    await setConditions(frame, [{ key: 'workflow >', value: 'checkout' }]);
    const message = frame.locator('.rows-condition .row-message').first();
    await waitFor(async () => /Key part 2 of 2 is empty/.test(await message.innerText()), {
      timeoutMs: 5000,
      message: 'the row to say its key part 2 is empty',
    });
    if (!(await frame.locator('#find').evaluate((button) => /** @type {any} */ (button).disabled)))
      throw new Error('Find sessions is enabled with a bad key path');
    note(`bad key path: "${await message.innerText()}"`);
    await screenshot('sessions-query-builder-with-live-preview-1-bad-key');

    await setConditions(frame, [
      { key: 'workflow > name', value: 'checkout' },
      { key: 'client', value: 'acme' },
    ]);
    const q = "user_metadata['workflow']['name']:'checkout'";
    const url = `GET /v1/sessions?${new URLSearchParams({ q }).toString()}`;
    await waitFor(async () => (await frame.locator('#preview-q').innerText()) === q, { timeoutMs: 5000, message: `the preview to show q ${q}` });
    const shownUrl = await frame.locator('#preview-url').innerText();
    if (shownUrl.replace(/\s+/g, '') !== url.replace(/\s+/g, '')) throw new Error(`the preview shows ${shownUrl}, expected ${url}`);
    const local = await frame.locator('.local-conditions').innerText();
    if (!/client = "acme"/.test(local)) throw new Error(`the preview does not say client is checked here: ${local}`);
    note(`preview: q=${q}; ${shownUrl}; checked here: ${local}`);
    await frame.locator('#find').click();
    const served = await servedSessions(sandbox.url);
    const expected = served.filter((s) => at(s.userMetadata, ['workflow', 'name']) === 'checkout' && at(s.userMetadata, ['client']) === 'acme');
    await expectRows(
      frame,
      expected.map((s) => s.id),
      'workflow > name = checkout and client = acme',
    );
    note(`${expected.length} session(s) match both conditions, as on the server`);
    await screenshot('sessions-query-builder-with-live-preview-2-results');
  },
};

/** @type {import('../support.mjs').E2eStep} */
export const sessionsLaunchTagged = {
  name: 'sessions-launch-tagged-session',
  timeoutMs: 90_000,
  async run({ page, sandbox, note, screenshot }) {
    const frame = await sessionsFrame(page);
    // Own tags over Browserbase's limit are refused in the form, with the reason, before anything is sent.
    await frame.locator('input[name="tag-source"][value="own"]').click();
    const own = frame.locator('.rows-tag .condition-row').first();
    await own.locator('.row-key input').fill('note');
    await own.locator('.row-value input').fill('x'.repeat(600));
    // Said under the tag's row, and Launch stays disabled.
    const refusal = own.locator('.row-message');
    await waitFor(async () => /512/.test(await refusal.innerText().catch(() => '')), {
      timeoutMs: 5000,
      message: 'the launch form to refuse metadata over 512 characters',
    });
    if (!(await frame.locator('#launch').evaluate((button) => /** @type {any} */ (button).disabled)))
      throw new Error('Launch is enabled with metadata over the limit');
    note(`own tags over the limit: "${await refusal.innerText()}"`);
    await screenshot('sessions-launch-tagged-session-0-refused');
    await own.locator('.row-value input').fill('');
    await own.locator('.row-key input').fill('');
    await frame.locator('input[name="tag-source"][value="query"]').click();

    await setConditions(frame, TAGS);
    // Tags taken from the query's conditions, kept alive so it can be released later.
    await waitFor(async () => /client = "e2e-tagged"/.test(await frame.locator('.query-tags').innerText()), {
      timeoutMs: 5000,
      message: 'the launch form to take the query’s tags',
    });
    await frame.locator('#launch-keep-alive').click();
    const before = await sessionCreates(sandbox.url);
    await frame.locator('#launch').scrollIntoViewIfNeeded();
    await frame.locator('#launch').dblclick();
    await page.waitForTimeout(500);
    const dialogs = await page.locator('.monaco-dialog-box').count();
    if (dialogs !== 1) throw new Error(`${dialogs} confirmation dialogs after a double click`);
    await screenshot('sessions-launch-tagged-session-1-confirm');
    note(`confirmation: ${(await answerDialog(page, /billed Browserbase browser/, 'Start Session')).replace(/\s+/g, ' ')}`);
    const launched = frame.locator('.launched');
    await launched.waitFor({ timeout: 15_000 });
    const sessionId = await launched.getAttribute('data-session');
    const connectUrl = await launched.locator('.connect-url').innerText();
    if (!sessionId || !/^wss?:\/\//.test(connectUrl)) throw new Error(`launched ${sessionId} with connect URL ${connectUrl}`);
    shared.sessionId = sessionId;
    const created = (await sessionCreates(sandbox.url)) - before;
    if (created !== 1) throw new Error(`a double click created ${created} sessions`);
    const session = (await servedSessions(sandbox.url)).find((s) => s.id === sessionId);
    for (const tag of TAGS)
      if (at(session?.userMetadata, tag.path) !== tag.value)
        throw new Error(`the served session has ${JSON.stringify(session?.userMetadata)}, not ${tag.key} = ${tag.value}`);
    note(`one session started: ${sessionId}, metadata ${JSON.stringify(session?.userMetadata)}`);
    await screenshot('sessions-launch-tagged-session-2-started');
  },
};

/** @type {import('../support.mjs').E2eStep} */
export const sessionsFindAgain = {
  name: 'sessions-find-again-by-tag-and-save',
  async run({ page, note, screenshot }) {
    const frame = await sessionsFrame(page);
    const sessionId = shared.sessionId;
    if (!sessionId) throw new Error('no session was launched by the previous step');
    await frame.locator('vscode-button.find-tagged').click();
    await expectRows(frame, [sessionId], 'the launched session, found by its tags');
    note(`found by ${await frame.locator('#preview-q').innerText()} plus the quoted tag checked locally`);
    await frame.locator('#results-section').scrollIntoViewIfNeeded();
    await screenshot('sessions-find-again-by-tag-and-save-1-found');

    await frame.locator('#save-name input').fill(SAVED_NAME);
    await frame.locator('#save-query').click();
    await waitFor(async () => (await frame.locator('#saved vscode-option', { hasText: SAVED_NAME }).count()) > 0, {
      timeoutMs: 10_000,
      message: 'the saved query to be listed',
    });
    await clearNotifications(page);
    // The same saved query from the Command Palette, without the panel.
    await runCommandFromPalette(page, 'Live Usage: Find Browserbase Sessions by Metadata…');
    await pickQuickInputItem(page, 'Find Browserbase sessions', new RegExp(SAVED_NAME));
    const item = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: sessionId });
    await expectVisible(item, 'the launched session in the Command Palette’s result list');
    note(`the saved query "${SAVED_NAME}" runs from the Command Palette and lists ${sessionId}`);
    await screenshot('sessions-find-again-by-tag-and-save-2-palette');
    await page.keyboard.press('Escape');
  },
};

/** @type {import('../support.mjs').E2eStep} */
export const sessionsUsageByTag = {
  name: 'sessions-usage-by-tag-and-sort',
  async run({ page, sandbox, note, screenshot }) {
    const frame = await sessionsFrame(page);
    await setConditions(frame, [{ key: '', value: '' }]);
    await frame.locator('#find').click();
    const served = await servedSessions(sandbox.url);
    await expectRows(
      frame,
      served.map((s) => s.id),
      'every session again',
    );
    // Per client, as many sessions as the server has.
    /** @type {Map<string, number>} */
    const perClient = new Map();
    for (const s of served) {
      const client = at(s.userMetadata, ['client']);
      const label = typeof client === 'string' ? client : '(no value)';
      perClient.set(label, (perClient.get(label) ?? 0) + 1);
    }
    await frame.locator('#usage-section').scrollIntoViewIfNeeded();
    const key = await frame.locator('#breakdown-key').evaluate((select) => /** @type {any} */ (select).value);
    if (key !== 'client') throw new Error(`the breakdown is by ${key}, expected client`);
    /** @type {(string | number)[][]} */
    let shown = [];
    // Drawn in the task after the table: wait for it to cover the new result.
    await waitFor(
      async () => {
        shown = await frame
          .locator('.breakdown-table tbody tr')
          .evaluateAll((rows) =>
            rows.map((row) => [row.querySelector('th')?.textContent ?? '', Number(row.querySelector('[data-sessions]')?.getAttribute('data-sessions'))]),
          );
        return shown.length === perClient.size && shown.every(([label, count]) => perClient.get(String(label)) === count);
      },
      { timeoutMs: 10_000, message: () => `usage by client ${JSON.stringify(shown)} to match the server's ${JSON.stringify([...perClient])}` },
    );
    if (!(await frame.locator('.breakdown-chart canvas').isVisible())) throw new Error('no usage-by-tag chart');
    note(`usage by client: ${shown.map(([label, count]) => `${label} ${count}`).join(', ')}`);
    await screenshot('sessions-usage-by-tag-and-sort-1-breakdown');

    // Sorted by proxy bytes, largest first, from a click on the header.
    await frame.locator('#results-section').scrollIntoViewIfNeeded();
    await frame.locator('.sort-button[data-column="proxy"]').click();
    const bytes = await frame.locator('.results-body [data-session]').evaluateAll((rows) => rows.map((row) => Number(row.getAttribute('data-proxy-bytes'))));
    if (bytes.some((value, i) => i > 0 && value > (bytes[i - 1] ?? 0))) throw new Error(`not sorted by proxy, largest first: ${bytes.join(', ')}`);
    const sortState = await frame.locator('[role=columnheader]:has(.sort-button[data-column="proxy"])').getAttribute('aria-sort');
    if (sortState !== 'descending') throw new Error(`the Proxy header says aria-sort=${sortState}`);
    note(`sorted by proxy: ${bytes.slice(0, 5).join(', ')}…`);
    await screenshot('sessions-usage-by-tag-and-sort-2-sorted');
  },
};

/** @type {import('../support.mjs').E2eStep} */
export const sessionsRelease = {
  name: 'sessions-release-keep-alive-session',
  async run({ page, sandbox, note, screenshot }) {
    const frame = await sessionsFrame(page);
    const sessionId = shared.sessionId;
    if (!sessionId) throw new Error('no session was launched');
    const row = frame.locator(`.results-body [data-session="${sessionId}"]`);
    await row.scrollIntoViewIfNeeded();
    await row.locator('button[data-action="release"]').click();
    await answerDialog(page, /Release Browserbase session/, 'Release');
    await waitFor(async () => !/RUNNING/.test(await row.locator('.cell-status').innerText()), {
      timeoutMs: 10_000,
      message: 'the released session’s row to stop saying RUNNING',
    });
    const served = (await servedSessions(sandbox.url)).find((s) => s.id === sessionId);
    if (served?.status === 'RUNNING') throw new Error('the server still runs the released session');
    note(`released: the row says ${await row.locator('.cell-status').innerText()}, the server ${served?.status}`);
    await screenshot('sessions-release-keep-alive-session-1-released');
    await clearNotifications(page);
  },
};

/** @type {import('../support.mjs').E2eStep} */
export const sessionsFollowThemes = {
  name: 'sessions-panel-follows-dark-and-high-contrast-themes',
  timeoutMs: 90_000,
  async run({ page, note, screenshot }) {
    let index = 0;
    for (const theme of THEMES.slice(1)) {
      index++;
      await pickColorTheme(page, theme.name);
      const frame = await sessionsFrame(page);
      await waitFor(async () => (await frame.locator('body').getAttribute('class'))?.includes(theme.body), {
        message: `the sessions page to take the ${theme.body} class`,
      });
      await frame.locator('#usage-section').scrollIntoViewIfNeeded();
      await page.waitForTimeout(400);
      note(`${theme.name}: sessions panel redrawn`);
      await screenshot(`sessions-panel-follows-dark-and-high-contrast-themes-${index}-${theme.file}`);
    }
    await pickColorTheme(page, THEMES[0]?.name ?? 'Light Modern');
  },
};

/** @type {import('../support.mjs').E2eStep} */
export const sessionsRestoredAfterReload = {
  name: 'sessions-panel-restored-after-reload',
  timeoutMs: 90_000,
  async run({ page, sandbox, note, screenshot }) {
    const frame = await sessionsFrame(page);
    await setConditions(frame, [{ key: 'workflow > name', value: 'search' }]);
    await frame.locator('#find').click();
    const served = await servedSessions(sandbox.url);
    const expected = served.filter((s) => at(s.userMetadata, ['workflow', 'name']) === 'search').map((s) => s.id);
    await expectRows(frame, expected, 'workflow > name = search');
    await reloadWindowAndShowTab(page, 'Browserbase Sessions');
    const restored = await sessionsFrame(page);
    // The query the person was building is back, and runs again.
    await waitFor(
      async () =>
        (await restored
          .locator('.rows-condition .row-value input')
          .first()
          .inputValue()
          .catch(() => '')) === 'search',
      { timeoutMs: 20_000, message: 'the restored builder to hold the query' },
    );
    await expectRows(restored, expected, 'the restored query’s results');
    note(`after the reload the panel holds workflow > name = search and lists its ${expected.length} session(s)`);
    await screenshot('sessions-panel-restored-after-reload-1-restored');
  },
};

export const sessionSteps = [
  sessionsPanelOpens,
  sessionsQueryBuilder,
  sessionsLaunchTagged,
  sessionsFindAgain,
  sessionsUsageByTag,
  sessionsRelease,
  sessionsRestoredAfterReload,
  sessionsFollowThemes,
];
