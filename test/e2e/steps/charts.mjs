/* global document, getComputedStyle -- used inside page.evaluate callbacks, which run in the webview */
// Tried as a person would: the sidebar overview and the usage panel's charts. Opens the Live Usage
// side bar and the panel, checks the chart data (read through each chart's table view) against what
// the local provider servers served, switches ranges, reads a chart from the keyboard, exports a
// chart, survives a window reload, follows a light, a dark and a high-contrast theme, and shows the
// welcome once no connection is left. Runs after the connection steps and uses the two connections
// they add (local-browserless, local-browserbase) with the sandbox's Browserless values pinned calm.
// The last step removes both connections: keep it last.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { expectVisible, reloadWindowAndShowTab, runCommandFromPalette, waitFor, waitForQuickInput } from '../support.mjs';

const BROWSERLESS = 'local-browserless';
const BROWSERBASE = 'local-browserbase';
const BROWSERLESS_TOKEN = 'bl-sandbox-token';
const OUTCOMES = ['successful', 'error', 'timedout', 'rejected'];
/** The themes by the names the Color Theme picker shows (ids `Light Modern`, `Dark Modern`, `Default High Contrast`). */
export const THEMES = [
  { name: 'Light Modern', workbench: 'vs', body: 'vscode-light', file: 'light' },
  { name: 'Dark Modern', workbench: 'vs-dark', body: 'vscode-dark', file: 'dark' },
  { name: 'Dark High Contrast', workbench: 'hc-black', body: 'vscode-high-contrast', file: 'high-contrast' },
];

/**
 * The frame of a webview whose document has `selector` (the sidebar and the panel each sit two
 * iframes deep, and both may be open at once). Looked up afresh each time: VS Code replaces a
 * webview's frame when it is hidden and shown again.
 * @param {import('playwright-core').Page} page
 * @param {string} selector
 * @param {string} what
 * @returns {Promise<import('playwright-core').Frame>}
 */
export async function webviewFrame(page, selector, what, timeoutMs = 20_000) {
  return waitFor(
    async () => {
      for (const frame of page.frames()) {
        if (frame.isDetached()) continue;
        if (
          (await frame
            .locator(selector)
            .count()
            .catch(() => 0)) > 0
        )
          return frame;
      }
      return undefined;
    },
    { timeoutMs, message: what },
  );
}

/** @param {import('playwright-core').Page} page */
const sidebarFrame = (page) => webviewFrame(page, 'main.surface-sidebar .cards, main.surface-sidebar .welcome', 'the Live Usage side bar view');
/** @param {import('playwright-core').Page} page */
export const panelFrame = (page) => webviewFrame(page, 'main.surface-panel #connections', 'the usage panel');

/** @param {import('playwright-core').Page} page */
export async function openSidebar(page) {
  const item = page.locator('.activitybar .action-item [aria-label^="Live Usage"]').first();
  await expectVisible(item, 'the Live Usage activity bar item');
  // Clicking an already selected container closes the side bar: only click when it is not shown.
  if ((await page.locator('.sidebar .composite.title', { hasText: 'Live Usage' }).count()) === 0) await item.click();
  return sidebarFrame(page);
}

/** @param {import('playwright-core').Page} page */
export async function openPanel(page) {
  const existing = page.locator('.tabs-container .tab', { hasText: 'Live Usage' });
  if ((await existing.count()) > 0) await existing.first().click();
  else await runCommandFromPalette(page, 'Live Usage: Open Usage Panel');
  return panelFrame(page);
}

/**
 * Picks a range in the panel's range picker (a vscode-single-select), by mouse as a person would.
 * @param {import('playwright-core').Frame} frame
 * @param {string} label  e.g. "Last hour"
 * @param {string} value  e.g. "1h"
 */
async function selectRange(frame, label, value) {
  const select = frame.locator('#range');
  await select.click();
  await frame.getByRole('option', { name: label }).click();
  await waitFor(async () => (await select.evaluate((element) => element.value)) === value, { timeoutMs: 5000, message: `the range picker to show ${label}` });
  // The page is busy until the host's snapshot for the new range has been drawn.
  await waitFor(async () => (await frame.locator('main#app[aria-busy]').count()) === 0, {
    timeoutMs: 20_000,
    message: `the panel to draw the ${label} snapshot`,
  });
}

/**
 * A chart card of the panel, its table view open, and the rows of that table.
 * @param {import('playwright-core').Frame} frame
 * @param {string} chartId
 */
export async function chartTable(frame, chartId) {
  const card = frame.locator(`.chart-card[data-chart-id="${chartId}"]`);
  await card.scrollIntoViewIfNeeded();
  const toggle = card.locator('vscode-button.toggle-table');
  if ((await toggle.getAttribute('aria-pressed')) !== 'true') await toggle.click();
  await card.locator('table.data-table').waitFor({ state: 'visible', timeout: 10_000 });
  return card;
}

/**
 * What a chart's table shows: the window and, per row time, the exact value of each series.
 * @param {import('playwright-core').Locator} card
 * @returns {Promise<{ from: number, to: number, rows: Map<number, Record<string, number | null>> }>}
 */
export async function readTable(card) {
  const table = await card.evaluate((element) => {
    /** @type {[number, Record<string, number | null>][]} */
    const rows = [];
    for (const row of element.querySelectorAll('table.data-table tbody tr')) {
      /** @type {Record<string, number | null>} */
      const values = {};
      for (const cell of row.querySelectorAll('td[data-series-key]')) {
        const raw = cell.getAttribute('data-value');
        values[cell.getAttribute('data-series-key') ?? ''] = raw === null || raw === '' ? null : Number(raw);
      }
      rows.push([Number(row.getAttribute('data-at')), values]);
    }
    return { from: Number(element.getAttribute('data-from')), to: Number(element.getAttribute('data-to')), rows };
  });
  return { from: table.from, to: table.to, rows: new Map(table.rows) };
}

/**
 * The 5-minute windows the local Browserless serves, straight from its /metrics route.
 * @param {string} sandboxUrl
 * @returns {Promise<{ date: number, successful: number, error: number, timedout: number, rejected: number }[]>}
 */
async function servedBrowserlessWindows(sandboxUrl) {
  const response = await fetch(`${sandboxUrl}/browserless/metrics`, {
    headers: { authorization: `Bearer ${BROWSERLESS_TOKEN}` },
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) throw new Error(`GET /browserless/metrics answered ${response.status}`);
  return response.json();
}

/**
 * Checks the "Sessions by outcome" table against the windows the server served: every row is a
 * served window (its time, or the start of the history bucket holding it), with the same counts, and
 * every served window in the chart's range up to the newest row is there.
 * @param {import('playwright-core').Frame} frame
 * @param {string} sandboxUrl
 * @param {number | undefined} bucketMs  the history bucket of the range (undefined: single readings)
 */
async function expectOutcomesMatchServer(frame, sandboxUrl, bucketMs) {
  const card = await chartTable(frame, `${BROWSERLESS}/outcomes`);
  let problem = 'no rows yet';
  let compared = 0;
  await waitFor(
    async () => {
      const { from, to, rows } = await readTable(card);
      const served = await servedBrowserlessWindows(sandboxUrl);
      const newestRow = Math.max(...rows.keys());
      /** @type {Map<number, { count: number, sums: Record<string, number> }>} */
      const expected = new Map();
      for (const window of served) {
        const at = bucketMs ? Math.floor(window.date / bucketMs) * bucketMs : window.date;
        // The extension polls /metrics every 5 minutes: a window newer than its newest row may not be
        // fetched yet, and the newest bucket may still lack one of its windows.
        if (window.date < from || window.date > to || at > newestRow || (bucketMs && at === newestRow)) continue;
        const entry = expected.get(at) ?? { count: 0, sums: Object.fromEntries(OUTCOMES.map((name) => [name, 0])) };
        entry.count++;
        for (const name of OUTCOMES) entry.sums[name] += window[name];
        expected.set(at, entry);
      }
      if (rows.size === 0 || expected.size === 0) {
        problem = `${rows.size} table rows, ${expected.size} served windows in range`;
        return false;
      }
      for (const [at, { count, sums }] of expected) {
        const row = rows.get(at);
        if (!row) {
          problem = `no row at ${new Date(at).toISOString()} for a served window`;
          return false;
        }
        for (const name of OUTCOMES) {
          // Bucket values are means of the windows in the bucket.
          const want = sums[name] / count;
          const got = row[`browserless.metrics.${name}{}`];
          if (got === null || got === undefined || Math.abs(got - want) > 1e-9) {
            problem = `${name} at ${new Date(at).toISOString()}: table ${got}, server ${want}`;
            return false;
          }
        }
      }
      const extra = [...rows.keys()].filter((at) => !expected.has(at) && at >= from && !(bucketMs && at === newestRow));
      if (extra.length > 0) {
        problem = `table rows the server never served: ${extra.map((at) => new Date(at).toISOString()).join(', ')}`;
        return false;
      }
      compared = expected.size;
      return true;
    },
    { timeoutMs: 20_000, intervalMs: 1000, message: () => `the outcomes table to match /browserless/metrics (${problem})` },
  );
  return compared;
}

/**
 * Waits until every drawn chart of the panel has been redrawn in the theme `bodyClass`.
 * @param {import('playwright-core').Frame} frame
 * @param {string} bodyClass
 */
async function expectChartsDrawnIn(frame, bodyClass) {
  let seen = '';
  await waitFor(
    async () => {
      const themes = await frame.locator('.chart-area[data-theme]').evaluateAll((areas) => areas.map((area) => area.getAttribute('data-theme')));
      seen = [...new Set(themes)].join(', ');
      return themes.length > 0 && themes.every((theme) => theme === bodyClass);
    },
    { timeoutMs: 15_000, message: () => `the charts to be redrawn in ${bodyClass} (drawn in: ${seen || 'none'})` },
  );
}

/**
 * Switches the colour theme the way a person does: Command Palette, "Preferences: Color Theme", the
 * theme's name, Enter.
 * @param {import('playwright-core').Page} page
 * @param {string} name
 */
export async function pickColorTheme(page, name) {
  const widget = page.locator('.quick-input-widget');
  const input = widget.locator('input').first();
  await page.mouse.move(700, 300);
  await page.keyboard.press('F1');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill('>Preferences: Color Theme');
  // "Preferences: Browse Color Themes in Marketplace" matches too, and may come first.
  const command = widget.locator('.monaco-list-row', { hasText: 'Preferences: Color Theme' });
  await command.first().waitFor({ state: 'visible', timeout: 10_000 });
  await command.first().click();
  await waitFor(async () => /Color Theme/.test(`${await input.getAttribute('placeholder')} ${await input.getAttribute('aria-label')}`), {
    timeoutMs: 10_000,
    message: 'the color theme picker',
  });
  await input.fill(name);
  // "Dark Modern" is also the end of other names, "Light High Contrast" of others: pick the exact one.
  const row = widget
    .locator('.monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`) }) });
  await row.first().waitFor({ state: 'visible', timeout: 10_000 });
  await row.first().click();
  await widget.waitFor({ state: 'hidden', timeout: 10_000 });
}

/**
 * Removes a connection through "Live Usage: Remove Connection…" and its confirmation.
 * @param {import('playwright-core').Page} page
 * @param {string} name
 */
export async function removeConnection(page, name) {
  await runCommandFromPalette(page, 'Live Usage: Remove Connection…').catch(() => {
    // With one connection left there is no picker: the palette closes straight into the dialog.
  });
  const dialog = page.locator('.monaco-dialog-box');
  const picker = page.locator('.quick-input-widget');
  await waitFor(
    async () => (await dialog.isVisible()) || ((await picker.isVisible()) && (await picker.locator('.monaco-list-row', { hasText: name }).count()) > 0),
    {
      timeoutMs: 10_000,
      message: `the picker or the confirmation to remove ${name}`,
    },
  );
  if (!(await dialog.isVisible())) {
    // Typed, as a person narrowing the list would, then Enter on the one row left.
    await picker.locator('input').first().fill(name);
    const focused = picker.locator('.monaco-list-row.focused');
    await waitFor(
      async () =>
        (
          (await focused
            .first()
            .textContent()
            .catch(() => '')) ?? ''
        ).includes(name),
      { timeoutMs: 10_000, message: `${name} to be the focused entry` },
    );
    await page.keyboard.press('Enter');
  }
  await expectVisible(dialog, `the confirmation to remove ${name}`);
  const text = (await dialog.textContent()) ?? '';
  if (!text.includes(name)) throw new Error(`the confirmation is about something else: "${text}"`);
  await dialog.locator('.monaco-button', { hasText: /^\s*Remove\s*$/ }).click();
  await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
}

/**
 * Closes the bottom panel (the Output of an earlier step), so the screenshots show the charts.
 * @param {import('playwright-core').Page} page
 */
export async function closeBottomPanel(page) {
  const panel = page.locator('.part.panel.bottom, .part.panel');
  if (
    !(await panel
      .first()
      .isVisible()
      .catch(() => false))
  )
    return;
  await runCommandFromPalette(page, 'View: Hide Panel').catch(() => runCommandFromPalette(page, 'View: Close Panel'));
  await panel.first().waitFor({ state: 'hidden', timeout: 5000 });
}

/** @type {import('../support.mjs').E2eStep} */
export const sidebarShowsCards = {
  name: 'sidebar-cards-show-connections',
  async run({ page, note }) {
    await page.keyboard.press('Escape');
    await closeBottomPanel(page).catch((error) => note(`could not close the bottom panel: ${error instanceof Error ? error.message.split('\n')[0] : error}`));
    const frame = await openSidebar(page);
    const browserless = frame.locator(`article.card[data-connection="${BROWSERLESS}"]`);
    const browserbase = frame.locator(`article.card[data-connection="${BROWSERBASE}"]`);
    await expectVisible(browserless, 'the card of Local Browserless');
    await expectVisible(browserbase, 'the card of Local Browserbase');
    const concurrency = browserless.locator('li[data-quota="concurrency"] .value');
    await waitFor(async () => ((await concurrency.textContent()) ?? '').trim() === '3 / 10 (30 %)', {
      message: async () => `the Browserless card to show "3 / 10 (30 %)" concurrent sessions (shows "${await concurrency.textContent()}")`,
    });
    const state = ((await browserless.locator('.state').textContent()) ?? '').trim();
    if (state !== 'OK') throw new Error(`the Browserless card's state reads "${state}"`);
    const sessions = ((await browserbase.locator('li[data-quota="sessions"] .value').textContent()) ?? '').trim();
    if (!/^1 \/ 3\b/.test(sessions)) throw new Error(`the Browserbase card shows "${sessions}" running sessions, the sandbox runs 1 of 3 in proj_sandbox`);
    const sparkline = browserless.locator('canvas.sparkline');
    await waitFor(async () => /^running sessions, last hour: now 3\b/.test((await sparkline.getAttribute('aria-label')) ?? ''), {
      message: async () => `the sparkline's description to end at 3 running (reads "${await sparkline.getAttribute('aria-label')}")`,
    });
    const actions = await browserless.locator('vscode-toolbar-button').evaluateAll((buttons) => buttons.map((button) => button.getAttribute('label')));
    for (const wanted of ['Refresh Local Browserless', 'Open Local Browserless in the usage panel', 'Set the token of Local Browserless']) {
      if (!actions.includes(wanted)) throw new Error(`the card has no "${wanted}" action (has ${actions.join(', ')})`);
    }
    note(`Browserless card: ${state}, concurrency ${await concurrency.textContent()}, sparkline "${await sparkline.getAttribute('aria-label')}"`);
    note(`Browserbase card: running sessions ${sessions}`);
  },
};

/** @type {import('../support.mjs').E2eStep} */
export const sidebarOpensPanelAtConnection = {
  name: 'sidebar-opens-panel-at-connection',
  async run({ page }) {
    const sidebar = await sidebarFrame(page);
    await sidebar.locator(`article.card[data-connection="${BROWSERBASE}"] vscode-toolbar-button.open-panel`).click();
    await expectVisible(page.locator('.tabs-container .tab', { hasText: 'Live Usage' }), 'the "Live Usage" editor tab');
    const panel = await panelFrame(page);
    await waitFor(
      () =>
        panel.evaluate(
          (id) => document.activeElement?.closest('section.connection')?.getAttribute('data-connection') === id && document.activeElement?.tagName === 'H2',
          BROWSERBASE,
        ),
      { timeoutMs: 15_000, message: 'the panel to scroll to Local Browserbase and focus its heading' },
    );
  },
};

/** @type {import('../support.mjs').E2eStep} */
export const panelDataMatchesServer = {
  name: 'usage-panel-chart-tables-match-served-data',
  timeoutMs: 90_000,
  async run({ page, sandbox, note, screenshot }) {
    const frame = await openPanel(page);
    await selectRange(frame, 'Last hour', '1h');
    const compared = await expectOutcomesMatchServer(frame, sandbox.url, undefined);
    note(`last hour: ${compared} five-minute windows of /browserless/metrics match the "Sessions by outcome" table exactly`);

    // The live values: the sandbox serves 3 running, 0 queued (pinned by the connection steps).
    const concurrency = await chartTable(frame, `${BROWSERLESS}/concurrency`);
    await waitFor(
      async () => {
        const { rows } = await readTable(concurrency);
        const newest = rows.get(Math.max(...rows.keys()));
        return newest?.['browserless.pressure.running{}'] === 3 && newest?.['browserless.pressure.queued{}'] === 0;
      },
      { message: 'the newest row of the concurrency table to read 3 running, 0 queued' },
    );
    const lines = await concurrency.locator('.chart-note').textContent();
    note(`concurrency chart note: ${lines?.trim()}`);
    await concurrency.scrollIntoViewIfNeeded();
    await screenshot('usage-panel-chart-tables-match-served-data-1-tables');
  },
};

/** @type {import('../support.mjs').E2eStep} */
export const panelSwitchesRanges = {
  name: 'usage-panel-switches-ranges',
  timeoutMs: 120_000,
  async run({ page, sandbox, note, screenshot }) {
    const frame = await panelFrame(page);
    const ranges = [
      { label: 'Last 24 hours', value: '24h', bucketMs: 60_000, note: /1-minute/ },
      { label: 'Last 7 days', value: '7d', bucketMs: 5 * 60_000, note: /5-minute/ },
      { label: 'Last 30 days', value: '30d', bucketMs: 15 * 60_000, note: /15-minute/ },
    ];
    let index = 0;
    for (const range of ranges) {
      index++;
      await selectRange(frame, range.label, range.value);
      const card = frame.locator(`.chart-card[data-chart-id="${BROWSERLESS}/outcomes"]`);
      await waitFor(async () => range.note.test((await card.locator('.chart-note').textContent()) ?? ''), {
        message: async () => `the outcomes chart to say it shows ${range.note.source} buckets (says "${await card.locator('.chart-note').textContent()}")`,
      });
      const compared = await expectOutcomesMatchServer(frame, sandbox.url, range.bucketMs);
      note(`${range.label}: ${compared} bucket(s) match the served windows`);
      await frame.locator(`section.connection[data-connection="${BROWSERLESS}"]`).scrollIntoViewIfNeeded();
      await screenshot(`usage-panel-switches-ranges-${index}-${range.value}`);
    }
    // The billing cycle is offered because a Browserbase connection exists.
    await selectRange(frame, 'Billing cycle', 'cycle');
    const minutes = frame.locator(`.chart-card[data-chart-id="${BROWSERBASE}/browserMinutes"]`);
    await minutes.scrollIntoViewIfNeeded();
    await expectVisible(minutes.locator('canvas'), 'the Browserbase browser-minutes chart over the billing cycle');
    // The range's start (a chart's own axis starts where the history does, later in a fresh cycle).
    const from = Number(await frame.locator(`section.connection[data-connection="${BROWSERBASE}"]`).getAttribute('data-range-from'));
    const start = new Date(from);
    if (start.getUTCDate() !== 1 || start.getUTCHours() !== 0)
      throw new Error(`the billing cycle starts at ${start.toISOString()}, not on the 1st (the default cycle day)`);
    await screenshot(`usage-panel-switches-ranges-${index + 1}-cycle`);
    await selectRange(frame, 'Last 24 hours', '24h');
  },
};

/** @type {import('../support.mjs').E2eStep} */
export const panelKeyboardAndExport = {
  name: 'usage-panel-keyboard-and-export',
  timeoutMs: 90_000,
  async run({ page, paths, note }) {
    const frame = await panelFrame(page);
    // The last hour has single readings; a 24-hour chart's newest point is a 1-minute mean.
    await selectRange(frame, 'Last hour', '1h');
    const card = frame.locator(`.chart-card[data-chart-id="${BROWSERLESS}/concurrency"]`);
    await card.scrollIntoViewIfNeeded();
    const area = card.locator('.chart-area');
    await area.focus();
    await page.keyboard.press('End');
    const readout = card.locator('.chart-readout');
    await waitFor(async () => /running: 3\b.*queued: 0\b/.test((await readout.textContent()) ?? ''), {
      message: async () => `the keyboard readout of the newest point to say 3 running, 0 queued (says "${await readout.textContent()}")`,
    });
    note(`End on the concurrency chart reads: ${await readout.textContent()}`);
    await page.keyboard.press('+');
    await expectVisible(card.locator('vscode-button.reset-zoom'), 'the "Reset zoom" button after zooming in with +');
    const summary = card.locator('.sr-only[id$="-summary"]');
    if (!/\(zoomed\)/.test((await summary.textContent()) ?? '')) throw new Error('the chart description does not say it is zoomed');

    // New data arrives (a refresh): the chart updates in place, keeping its zoom and the page its scroll.
    const windowEnd = await card.getAttribute('data-to');
    const scrolled = await frame.evaluate(() => document.scrollingElement?.scrollTop ?? 0);
    await frame.locator('#refresh-all').click();
    await waitFor(async () => (await card.getAttribute('data-to')) !== windowEnd, { timeoutMs: 30_000, message: 'a new snapshot after Refresh all' });
    if (!(await card.locator('vscode-button.reset-zoom').isVisible()) || !/\(zoomed\)/.test((await summary.textContent()) ?? ''))
      throw new Error('new data reset the zoom');
    const scrolledAfter = await frame.evaluate(() => document.scrollingElement?.scrollTop ?? 0);
    if (Math.abs(scrolledAfter - scrolled) > 1) throw new Error(`new data moved the page from ${scrolled} to ${scrolledAfter} px`);
    note(`after new data the chart is still zoomed and the page still at ${scrolledAfter} px`);
    await area.focus();
    await page.keyboard.press('0');
    await card.locator('vscode-button.reset-zoom').waitFor({ state: 'hidden', timeout: 5000 });
    // Ctrl + wheel over the chart zooms in around the pointer; the page does not scroll.
    const box = await card.locator('canvas').boundingBox();
    if (!box) throw new Error('the concurrency chart has no canvas on screen');
    const pageTop = await frame.evaluate(() => document.scrollingElement?.scrollTop ?? 0);
    await page.mouse.move(box.x + box.width * 0.7, box.y + box.height / 2);
    await page.keyboard.down('Control');
    await page.mouse.wheel(0, -120);
    await page.keyboard.up('Control');
    await expectVisible(card.locator('vscode-button.reset-zoom'), 'the "Reset zoom" button after Ctrl + wheel');
    const pageTopAfter = await frame.evaluate(() => document.scrollingElement?.scrollTop ?? 0);
    if (Math.abs(pageTopAfter - pageTop) > 1) throw new Error(`Ctrl + wheel scrolled the page from ${pageTop} to ${pageTopAfter} px`);
    note('Ctrl + wheel zoomed the chart in without scrolling the page');
    await area.focus();
    await page.keyboard.press('0');
    await card.locator('vscode-button.reset-zoom').waitFor({ state: 'hidden', timeout: 5000 });
    // Tab from the chart reaches the next chart's controls: nothing is mouse-only.
    await area.focus();
    await page.keyboard.press('Shift+Tab');
    const focused = await frame.evaluate(
      () => document.activeElement?.closest('.chart-card')?.getAttribute('data-chart-id') ?? document.activeElement?.tagName,
    );
    note(`Shift+Tab from the chart lands in ${focused}`);

    // Export as CSV: the save dialog proposes a file in the workspace; Enter accepts it.
    await selectRange(frame, 'Last 24 hours', '24h');
    const file = join(paths.workspace, 'live-usage-local-browserless-outcomes-24h.csv');
    rmSync(file, { force: true });
    await frame.locator(`.chart-card[data-chart-id="${BROWSERLESS}/outcomes"] vscode-button.export-csv`).click();
    const dialog = await waitForQuickInput(page, /^\s*Export live-usage-/);
    // The dialog shows the folder first and fills in the proposed name a moment later.
    let proposed = '';
    await waitFor(
      async () => {
        proposed = await dialog.locator('input').first().inputValue();
        return proposed.endsWith('live-usage-local-browserless-outcomes-24h.csv');
      },
      { timeoutMs: 10_000, message: () => `the save dialog to propose live-usage-local-browserless-outcomes-24h.csv (it proposes "${proposed}")` },
    );
    await page.keyboard.press('Enter');
    await waitFor(() => existsSync(file), { timeoutMs: 15_000, message: `the export to be written to ${file}` });
    const csv = readFileSync(file, 'utf8').split('\r\n');
    if (
      csv[0] !==
      'time,epoch_ms,successful (count),successful min (count),successful max (count),error (count),error min (count),error max (count),timed out (count),timed out min (count),timed out max (count),rejected (count),rejected min (count),rejected max (count)'
    ) {
      throw new Error(`the CSV header reads "${csv[0]}"`);
    }
    if (csv.length < 10) throw new Error(`the CSV has only ${csv.length} lines`);
    note(`exported ${csv.length - 2} rows; first: ${csv[1]}`);
  },
};

/** @type {import('../support.mjs').E2eStep} */
export const panelRestoredAfterReload = {
  name: 'usage-panel-restored-after-reload',
  timeoutMs: 90_000,
  async run({ page, note }) {
    const before = await panelFrame(page);
    await selectRange(before, 'Last 7 days', '7d');
    await reloadWindowAndShowTab(page, 'Live Usage');
    const frame = await panelFrame(page);
    await waitFor(
      async () =>
        (await frame
          .locator('#range')
          .evaluate((element) => element.value)
          .catch(() => '')) === '7d',
      {
        timeoutMs: 20_000,
        message: 'the restored panel to keep the range "Last 7 days"',
      },
    );
    await expectVisible(frame.locator(`.chart-card[data-chart-id="${BROWSERLESS}/concurrency"] canvas`), 'the concurrency chart in the restored panel', 30_000);
    note('the panel came back after the reload with its range (7 d) and its charts');
    await selectRange(frame, 'Last 24 hours', '24h');
  },
};

/** @type {import('../support.mjs').E2eStep} */
export const chartsFollowThemes = {
  name: 'charts-follow-light-dark-and-high-contrast-themes',
  timeoutMs: 120_000,
  async run({ page, note, screenshot }) {
    await closeBottomPanel(page).catch(() => {});
    await openSidebar(page);
    const panel = await openPanel(page);
    // The last hour shows single readings: the most detail for a fresh connection.
    await selectRange(panel, 'Last hour', '1h');
    await panel.locator(`section.connection[data-connection="${BROWSERLESS}"] .quotas-box`).scrollIntoViewIfNeeded();
    let index = 0;
    for (const theme of THEMES) {
      index++;
      await pickColorTheme(page, theme.name);
      await waitFor(async () => (await page.locator('.monaco-workbench').getAttribute('class'))?.split(/\s+/).includes(theme.workbench), {
        timeoutMs: 20_000,
        message: `the workbench to switch to ${theme.name}`,
      });
      const frame = await panelFrame(page);
      await waitFor(async () => (await frame.locator('body').getAttribute('class'))?.includes(theme.body), {
        message: `the panel's page to take the ${theme.body} class`,
      });
      await expectChartsDrawnIn(frame, theme.body);
      const sidebar = await sidebarFrame(page);
      await waitFor(async () => (await sidebar.locator('body').getAttribute('class'))?.includes(theme.body), {
        message: `the side bar's page to take the ${theme.body} class`,
      });
      // Colours come from the theme: the first series is drawn in the theme's charts.blue.
      const colours = await frame.evaluate(() => ({
        blue: getComputedStyle(document.documentElement).getPropertyValue('--vscode-charts-blue').trim(),
        foreground: getComputedStyle(document.documentElement).getPropertyValue('--vscode-foreground').trim(),
      }));
      note(`${theme.name}: charts redrawn; charts.blue ${colours.blue}, foreground ${colours.foreground}`);
      await page.waitForTimeout(300);
      await screenshot(`charts-follow-light-dark-and-high-contrast-themes-${index}-${theme.file}`);
    }
    await pickColorTheme(page, THEMES[0]?.name ?? 'Light Modern');
  },
};

/** @type {import('../support.mjs').E2eStep} */
export const sidebarWelcome = {
  name: 'sidebar-welcome-when-no-connections',
  timeoutMs: 90_000,
  async run({ page, note, screenshot }) {
    // Removed the way a person removes them; tokens and history of both go too (so this step runs last).
    const sidebar = await openSidebar(page);
    await removeConnection(page, 'Local Browserless');
    await sidebar.locator(`article.card[data-connection="${BROWSERLESS}"]`).waitFor({ state: 'detached', timeout: 15_000 });
    await removeConnection(page, 'Local Browserbase');

    const welcome = sidebar.locator('.welcome');
    await expectVisible(welcome, 'the welcome in the side bar view');
    const add = welcome.locator('vscode-button', { hasText: 'Add connection' });
    await expectVisible(add, 'the "Add connection" button');
    if ((await sidebar.locator('article.card').count()) > 0) throw new Error('the side bar still shows connection cards');
    const panel = await openPanel(page);
    await expectVisible(panel.locator('.welcome'), 'the welcome in the usage panel');
    await screenshot('sidebar-welcome-when-no-connections-1-welcome');
    await add.click();
    await waitForQuickInput(page, 'Add Connection: provider');
    note('"Add connection" in the side bar starts the Add Connection steps');
    await page.keyboard.press('Escape');
  },
};

export const chartSteps = [
  sidebarShowsCards,
  sidebarOpensPanelAtConnection,
  panelDataMatchesServer,
  panelSwitchesRanges,
  panelKeyboardAndExport,
  panelRestoredAfterReload,
  chartsFollowThemes,
];
