// Tried as a person would: the sessions panel before a launch and for the bill. The launch form shows
// the project's running sessions against its concurrency as the local Browserbase serves them; once a
// keep-alive session has run 40 minutes and the project is full, Launch still asks, its confirmation
// warns of the 429, and after declining the form shows the warning too; that session is marked as a
// runaway in the table and listed on the Browserbase card. Usage by tag over this billing cycle shows
// the cost per client recomputed here from the server's sessions (billed minutes, share, projection),
// and exports it as CSV through the save dialog. Runs after the sessions steps, with their panel open.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { clearNotifications } from './connections.mjs';
import { openSidebar, pickColorTheme, THEMES, webviewFrame } from './charts.mjs';
import { answerDialog } from './sessions.mjs';
import { runCommandFromPalette, waitFor, waitForQuickInput } from '../support.mjs';

const BROWSERBASE_KEY = 'bb-sandbox-key';
const PROJECT = 'proj_sandbox';
const RUNAWAY_CLIENT = 'e2e-headroom';
const MINUTE_MS = 60_000;

/** @param {import('playwright-core').Page} page */
const sessionsFrame = (page) => webviewFrame(page, 'main.surface-sessions #results-section', 'the Browserbase sessions panel');
/** @param {import('playwright-core').Page} page */
const sidebarFrame = (page) => webviewFrame(page, 'main.surface-sidebar .cards', 'the Live Usage side bar view');

/**
 * @typedef {{ id: string, status: string, projectId: string, startedAt?: string | null, endedAt?: string | null, proxyBytes: number, keepAlive: boolean, userMetadata?: Record<string, unknown> | null }} ServedSession
 */

/**
 * @param {string} sandboxUrl
 * @param {string} path
 */
async function served(sandboxUrl, path) {
  const response = await fetch(`${sandboxUrl}/browserbase/v1${path}`, { headers: { 'X-BB-API-Key': BROWSERBASE_KEY }, signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`GET ${path} answered ${response.status}`);
  return response.json();
}

/**
 * The project's running sessions and concurrency, straight from the local Browserbase.
 * @param {string} sandboxUrl
 */
async function servedHeadroom(sandboxUrl) {
  const sessions = /** @type {ServedSession[]} */ (await served(sandboxUrl, '/sessions'));
  const project = /** @type {{ concurrency: number }} */ (await served(sandboxUrl, `/projects/${PROJECT}`));
  return { running: sessions.filter((s) => s.projectId === PROJECT && s.status === 'RUNNING').length, limit: project.concurrency, sessions };
}

/**
 * @param {import('playwright-core').Frame} frame
 * @param {RegExp} expected
 * @param {string} what
 */
async function expectHeadroom(frame, expected, what) {
  let text = '';
  await waitFor(
    async () => {
      text = (await frame.locator('#launch-headroom').innerText()).replace(/\s+/g, ' ').trim();
      return expected.test(text);
    },
    { timeoutMs: 15_000, message: () => `${what}: the launch form says "${text}", expected ${expected}` },
  );
  return text;
}

/**
 * Screenshots in light and dark: `shoot(index, file)` takes each after the theme is applied.
 * @param {import('playwright-core').Page} page
 * @param {(index: number, file: string) => Promise<void>} shoot
 */
async function inLightAndDark(page, shoot) {
  const [light, dark] = THEMES;
  if (!light || !dark) throw new Error('no light and dark themes to look in');
  for (const [index, theme] of [light, dark].entries()) {
    if (index > 0) await pickColorTheme(page, theme.name);
    const frame = await sessionsFrame(page);
    await waitFor(async () => (await frame.locator('body').getAttribute('class'))?.includes(theme.body), { message: `the sessions panel in ${theme.name}` });
    await page.waitForTimeout(400);
    await shoot(index + 1, theme.file);
  }
  await pickColorTheme(page, light.name);
}

/**
 * Picks an option of a vscode-single-select by mouse, as a person would.
 * @param {import('playwright-core').Frame} frame
 * @param {string} selector
 * @param {RegExp} label
 * @param {string} value
 */
export async function pickOption(frame, selector, label, value) {
  const select = frame.locator(selector);
  await select.click();
  await select.getByRole('option', { name: label }).click();
  await waitFor(async () => (await select.evaluate((element) => /** @type {any} */ (element).value)) === value, {
    timeoutMs: 5000,
    message: `${selector} to show ${label}`,
  });
}

/** @type {import('../support.mjs').E2eStep} */
export const launchFormShowsHeadroom = {
  name: 'launch-form-shows-headroom-and-warns-before-429',
  timeoutMs: 150_000,
  async run({ page, sandbox, note, screenshot }) {
    await clearNotifications(page);
    let frame = await sessionsFrame(page);
    const before = await servedHeadroom(sandbox.url);
    const room = before.limit - before.running;
    const first = await expectHeadroom(
      frame,
      new RegExp(`^Headroom: ${before.running} of ${before.limit} concurrent sessions running: room for ${room} more\\.$`),
      'as the panel opened',
    );
    note(`${first} (the server runs ${before.running} of ${before.limit})`);

    // A keep-alive session that has run 40 minutes, and a project allowing no more than run now.
    await sandbox.state({ browserbase: { longRunning: [{ minutes: 40, keepAlive: true, userMetadata: { client: RUNAWAY_CLIENT } }] } });
    const filled = await servedHeadroom(sandbox.url);
    await sandbox.state({ browserbase: { concurrency: filled.running } });
    const runaway = filled.sessions.find((s) => s.userMetadata?.client === RUNAWAY_CLIENT);
    if (!runaway) throw new Error('the local Browserbase did not start the 40-minute session');

    // Launch asks anyway; its confirmation warns first. Declined, the form keeps the warning.
    await frame.locator('#launch').scrollIntoViewIfNeeded();
    await frame.locator('#launch').click();
    const dialog = await answerDialog(page, /Warning: Browserbase will most likely refuse this launch with HTTP 429/, 'Cancel');
    note(`confirmation: ${dialog.replace(/\s+/g, ' ').slice(0, 260)}…`);
    if (!dialog.includes(`${filled.running} of ${filled.running} concurrent sessions running: no room.`))
      throw new Error(`the confirmation does not name the full project's headroom: ${dialog}`);
    const full = await expectHeadroom(
      frame,
      new RegExp(`^Headroom: ${filled.running} of ${filled.running} concurrent sessions? running: no room\\. .*HTTP 429.* You can still launch\\.$`),
      'after the project filled',
    );
    note(full);
    if (await frame.locator('#launch').evaluate((button) => /** @type {any} */ (button).disabled)) throw new Error('the warning blocks Launch');
    await inLightAndDark(page, async (index, file) => {
      await (await sessionsFrame(page)).locator('#launch-section').scrollIntoViewIfNeeded();
      await screenshot(`launch-form-shows-headroom-and-warns-before-429-${index}-${file}`);
    });

    // Every session again: the 40-minute one is marked as a runaway, in words for screen readers.
    frame = await sessionsFrame(page);
    const rows = frame.locator('.rows-condition .condition-row');
    while ((await rows.count()) > 1) await rows.last().locator('.remove-row').click();
    await rows.first().locator('.row-key input').fill('');
    await rows.first().locator('.row-value input').fill('');
    await frame.locator('#find').click();
    const row = frame.locator(`.results-body [data-session="${runaway.id}"]`);
    await row.waitFor({ timeout: 15_000 });
    const spoken = ((await row.locator('.runaway-mark .sr-only').textContent()) ?? '').trim();
    if (spoken !== ', Runaway: running for 40 min, over the 30 min threshold, keep-alive') throw new Error(`the runaway row says "${spoken}"`);
    if (!(await row.locator('.runaway-mark .codicon-warning').isVisible())) throw new Error('the runaway mark has no visible icon');
    const marked = await frame.locator('.results-body .runaway-mark').count();
    if (marked !== 1) throw new Error(`${marked} rows are marked as runaways, the server runs one past 30 min`);
    note(`the runaway row: "${(await row.locator('.cell-status').innerText()).replace(/\s+/g, ' ')}" (read as "${spoken.slice(2)}")`);
    await row.scrollIntoViewIfNeeded();
    await page.waitForTimeout(300);
    await screenshot('launch-form-shows-headroom-and-warns-before-429-3-runaway-row');

    // The Browserbase card lists it after the next poll.
    await runCommandFromPalette(page, 'Live Usage: Refresh');
    await openSidebar(page);
    const card = (await sidebarFrame(page)).locator('.card-runaways');
    await waitFor(async () => (await card.locator(`[data-session="${runaway.id}"]`).count()) > 0, {
      timeoutMs: 30_000,
      message: 'the Browserbase card to list the runaway session',
    });
    note(`the card: "${(await card.innerText()).replace(/\s+/g, ' ')}"`);
    await screenshot('launch-form-shows-headroom-and-warns-before-429-4-card');

    await sandbox.state({ browserbase: null });
    await clearNotifications(page);
  },
};

/**
 * Cost per client over the cycle as Browserbase bills it, from the server's sessions at `at`: each
 * session of the project started in [start, end) rounded up to whole minutes, at least one.
 * @param {ServedSession[]} sessions
 * @param {number} start
 * @param {number} end
 * @param {number} at
 */
function expectedCost(sessions, start, end, at) {
  /** @type {Map<string, { sessions: number, minutes: number }>} */
  const perClient = new Map();
  let total = 0;
  for (const s of sessions) {
    const started = s.startedAt ? Date.parse(s.startedAt) : NaN;
    if (s.projectId !== PROJECT || !(started >= start && started < end)) continue;
    const ended = s.endedAt ? Date.parse(s.endedAt) : ['COMPLETED', 'ERROR', 'TIMED_OUT'].includes(s.status) ? NaN : at;
    const minutes = Number.isNaN(ended) ? 0 : Math.max(1, Math.ceil(Math.max(0, ended - started) / MINUTE_MS));
    const client = typeof s.userMetadata?.client === 'string' ? s.userMetadata.client : '';
    const entry = perClient.get(client) ?? { sessions: 0, minutes: 0 };
    entry.sessions++;
    entry.minutes += minutes;
    perClient.set(client, entry);
    total += minutes;
  }
  const scale = (end - start) / (Math.min(at, end) - start);
  return { perClient, total, projected: (/** @type {number} */ minutes) => Math.round(minutes * scale) };
}

/** @type {import('../support.mjs').E2eStep} */
export const costPerTagThisCycle = {
  name: 'cost-per-tag-this-cycle-matches-the-server',
  timeoutMs: 120_000,
  async run({ page, sandbox, paths, note, screenshot }) {
    const frame = await sessionsFrame(page);
    await frame.locator('#usage-section').scrollIntoViewIfNeeded();
    await pickOption(frame, '#breakdown-scope', /This billing cycle/, 'cycle');
    const summary = frame.locator('#cycle-summary');
    await summary.waitFor({ timeout: 20_000 });
    await waitFor(async () => (await frame.locator('#breakdown-key').evaluate((select) => /** @type {any} */ (select).value)) === 'client', {
      timeoutMs: 10_000,
      message: 'the cycle to be broken down by client',
    });
    const attribute = async (/** @type {string} */ name) => Number(await summary.getAttribute(name));
    const [start, end, at] = [await attribute('data-cycle-start'), await attribute('data-cycle-end'), await attribute('data-at')];
    const expected = expectedCost(/** @type {ServedSession[]} */ (await served(sandbox.url, '/sessions')), start, end, at);
    if ((await attribute('data-minutes')) !== expected.total)
      throw new Error(`the cycle totals ${await attribute('data-minutes')} billed minutes, the server's sessions ${expected.total}`);

    const shown = await frame.locator('.cycle-table tbody tr').evaluateAll((rows) =>
      rows.map((row) => ({
        value: row.getAttribute('data-value') ?? '',
        sessions: Number(row.querySelector('[data-sessions]')?.getAttribute('data-sessions')),
        minutes: Number(row.querySelector('[data-minutes]')?.getAttribute('data-minutes')),
        share: Number(row.querySelector('[data-share]')?.getAttribute('data-share')),
        projected: Number(row.querySelector('[data-projected]')?.getAttribute('data-projected')),
        text: (row.textContent ?? '').replace(/\s+/g, ' ').trim(),
      })),
    );
    if (shown.length !== expected.perClient.size) throw new Error(`${shown.length} clients shown, the server's cycle has ${expected.perClient.size}`);
    for (const row of shown) {
      const want = expected.perClient.get(row.value);
      if (!want || want.sessions !== row.sessions || want.minutes !== row.minutes)
        throw new Error(`client "${row.value}": ${row.sessions} sessions, ${row.minutes} min shown; the server's: ${JSON.stringify(want)}`);
      if (Math.abs(row.share - want.minutes / expected.total) > 1e-9) throw new Error(`client "${row.value}": share ${row.share}`);
      if (row.projected !== expected.projected(want.minutes))
        throw new Error(`client "${row.value}": projected ${row.projected} min, expected ${expected.projected(want.minutes)}`);
    }
    note(`${(await summary.innerText()).replace(/\s+/g, ' ')}; ${shown.map((row) => row.text).join(' | ')}`);
    await inLightAndDark(page, async (index, file) => {
      await (await sessionsFrame(page)).locator('#usage-section').scrollIntoViewIfNeeded();
      await page.waitForTimeout(300);
      await screenshot(`cost-per-tag-this-cycle-matches-the-server-${index}-${file}`);
    });

    // Export CSV: the save dialog proposes a file in the workspace; Enter accepts it.
    const fileName = `live-usage-local-browserbase-cost-by-client-${new Date(start).toISOString().slice(0, 10)}.csv`;
    const file = join(paths.workspace, fileName);
    rmSync(file, { force: true });
    await (await sessionsFrame(page)).locator('#export-cycle-csv').click();
    const dialog = await waitForQuickInput(page, /^\s*Export live-usage-/);
    let proposed = '';
    await waitFor(
      async () => {
        proposed = await dialog.locator('input').first().inputValue();
        return proposed.endsWith(fileName);
      },
      { timeoutMs: 10_000, message: () => `the save dialog to propose ${fileName} (it proposes "${proposed}")` },
    );
    await page.keyboard.press('Enter');
    await waitFor(() => existsSync(file), { timeoutMs: 15_000, message: `the export to be written to ${file}` });
    const lines = readFileSync(file, 'utf8').trimEnd().split('\r\n');
    if (!lines[0]?.startsWith('tag key,tag value,tagged,sessions,billed minutes,share of minutes (%),projected minutes at cycle end'))
      throw new Error(`the CSV header reads "${lines[0]}"`);
    const csvMinutes = lines.slice(1).reduce((sum, line) => sum + Number(line.split(',')[4]), 0);
    if (lines.length - 1 !== expected.perClient.size || csvMinutes !== expected.total)
      throw new Error(`the CSV has ${lines.length - 1} rows and ${csvMinutes} minutes; the panel ${expected.perClient.size} and ${expected.total}`);
    note(`exported ${fileName}: ${lines.length - 1} rows, ${csvMinutes} billed minutes, as shown`);
    rmSync(file, { force: true });
    await pickOption(await sessionsFrame(page), '#breakdown-scope', /Matching sessions/, 'results');
  },
};

export const headroomAndCostSteps = [launchFormShowsHeadroom, costPerTagThisCycle];
