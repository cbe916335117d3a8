/* global document, getComputedStyle, window -- used inside frame.evaluate callbacks, which run in the webviews */
// Accessibility, checked by a machine: axe-core runs inside each webview (the side bar, the usage panel
// with a chart's table open, the sessions panel with results and usage by tag, and again with usage by
// tag over this billing cycle, its cost table and Export CSV) in a light, a dark and a high-contrast
// theme, with the WCAG 2.0 A and AA, WCAG 2.1 AA and best-practice rules, and any violation fails the
// step with its rule, where it is and what is wrong. Runs after the sessions steps and the headroom and
// cost steps, which leave both connections, results with a runaway session's mark, the launch form's
// headroom and usage by tag on screen; the step checks that they are there.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chartTable, openPanel, openSidebar, pickColorTheme, THEMES, webviewFrame } from './charts.mjs';
import { pickOption } from './headroomAndCost.mjs';
import { runCommandFromPalette, waitFor, waitForQuickInput } from '../support.mjs';

const BROWSERLESS = 'local-browserless';
const RULE_SETS = ['wcag2a', 'wcag2aa', 'wcag21aa', 'best-practice'];

/** axe-core's browser build, read once. */
let axeSource = '';
function axeScript() {
  axeSource ||= readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  return axeSource;
}

/** @param {import('playwright-core').Page} page */
export const sessionsFrame = (page) => webviewFrame(page, 'main.surface-sessions #results-section', 'the Browserbase sessions panel');

/**
 * The violations axe finds in one webview's document, one line each.
 *
 * A webview's page is transparent: VS Code paints the editor (or side bar) behind the frame. axe
 * cannot see through the frame, so it would measure every text colour against white and report
 * light text in the dark themes as failing. For the check the page is given the background VS Code
 * really draws behind it (read from the theme variable it would show), then given back its own.
 * @param {import('playwright-core').Frame} frame
 * @param {'--vscode-editor-background' | '--vscode-sideBar-background'} backgroundVariable
 * @returns {Promise<string[]>}
 */
export async function axeViolations(frame, backgroundVariable) {
  if (!(await frame.evaluate(() => 'axe' in window))) {
    // The page's CSP allows only its own nonce'd scripts; the DevTools protocol's evaluate is not
    // subject to it, a script tag would be.
    await frame.evaluate(axeScript());
  }
  return frame.evaluate(async ([variable, ruleSets]) => {
    const background = getComputedStyle(document.documentElement).getPropertyValue(variable).trim();
    if (!background) throw new Error(`the page has no ${variable}`);
    const targets = [document.documentElement, document.body];
    for (const element of targets) element.style.backgroundColor = background;
    try {
      const axe = /** @type {any} */ (window).axe;
      const result = await axe.run(document, { runOnly: { type: 'tag', values: ruleSets }, resultTypes: ['violations'] });
      return result.violations.flatMap((/** @type {any} */ violation) =>
        violation.nodes.map(
          (/** @type {any} */ node) =>
            `${violation.id} (${violation.impact}) at ${JSON.stringify(node.target)}: ${(node.failureSummary ?? violation.help).replace(/\s+/g, ' ').trim()}`,
        ),
      );
    } finally {
      for (const element of targets) element.style.backgroundColor = '';
    }
  }, /** @type {const} */ ([backgroundVariable, RULE_SETS]));
}

/**
 * What usage by tag counts: the matching sessions (`results`) or this billing cycle (`cycle`).
 * @param {import('playwright-core').Frame} frame
 */
const scopeOf = (frame) => frame.locator('#breakdown-scope').evaluate((select) => /** @type {any} */ (select).value);

/** @type {import('../support.mjs').E2eStep} */
export const noAxeViolations = {
  name: 'no-axe-violations-in-any-theme',
  timeoutMs: 240_000,
  async run({ page, note, screenshot }) {
    /** @type {string[]} */
    const failures = [];
    let index = 0;
    for (const theme of THEMES) {
      index++;
      await pickColorTheme(page, theme.name);
      /** @type {[string, () => Promise<import('playwright-core').Frame>, '--vscode-editor-background' | '--vscode-sideBar-background'][]} */
      const surfaces = [
        [
          'side bar',
          async () => {
            await openSidebar(page);
            const frame = await webviewFrame(page, 'main.surface-sidebar .cards', 'the Live Usage side bar view');
            // Listed until the next poll reads the server the headroom step reset: checked when it is there.
            if (index === 1)
              note(`side bar: ${(await frame.locator('.card-runaways li').count()) > 0 ? 'a card lists runaway sessions' : 'no card lists runaways now'}`);
            return frame;
          },
          '--vscode-sideBar-background',
        ],
        [
          'usage panel',
          async () => {
            const frame = await openPanel(page);
            // With a chart's table view open: the table is part of what a screen reader reads.
            await chartTable(frame, `${BROWSERLESS}/outcomes`);
            return frame;
          },
          '--vscode-editor-background',
        ],
        [
          'sessions panel',
          async () => {
            const tab = page.locator('.tabs-container .tab', { hasText: 'Browserbase Sessions' });
            if ((await tab.count()) > 0) await tab.first().click();
            else await runCommandFromPalette(page, 'Live Usage: Open Browserbase Sessions');
            const frame = await sessionsFrame(page);
            if ((await scopeOf(frame)) !== 'results') await pickOption(frame, '#breakdown-scope', /Matching sessions/, 'results');
            await waitFor(async () => (await frame.locator('.results-body [data-session]').count()) > 0, { message: 'the sessions panel to list results' });
            await waitFor(async () => (await frame.locator('.breakdown-table tbody tr').count()) > 0, { message: 'usage by tag to be drawn' });
            // What issue 14 added must be on the page while axe looks: a runaway row's mark and the headroom.
            const marks = await frame.locator('.results-body .runaway-mark').count();
            if (marks === 0) throw new Error('no runaway mark in the results: the headroom step leaves its runaway row listed for this check');
            const headroom = (await frame.locator('#launch-headroom').innerText()).replace(/\s+/g, ' ').trim();
            if (!headroom.startsWith('Headroom:')) throw new Error(`the launch form shows no headroom: "${headroom}"`);
            return frame;
          },
          '--vscode-editor-background',
        ],
        [
          'sessions panel over this billing cycle',
          async () => {
            const frame = await sessionsFrame(page);
            await frame.locator('#usage-section').scrollIntoViewIfNeeded();
            await pickOption(frame, '#breakdown-scope', /This billing cycle/, 'cycle');
            await waitFor(async () => (await frame.locator('.cycle-table tbody tr').count()) > 0 && (await frame.locator('#export-cycle-csv').count()) > 0, {
              timeoutMs: 20_000,
              message: 'cost per tag this billing cycle and its Export CSV',
            });
            return frame;
          },
          '--vscode-editor-background',
        ],
      ];
      for (const [surface, open, background] of surfaces) {
        /** @type {string[]} */
        let found;
        try {
          const frame = await open();
          await waitFor(async () => (await frame.locator('body').getAttribute('class'))?.includes(theme.body), { message: `the ${surface} in ${theme.name}` });
          found = await axeViolations(frame, background);
        } catch (error) {
          // One surface that cannot be checked does not hide what the others have.
          found = [`not checked: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}`];
        }
        note(`${theme.name}, ${surface}: ${found.length === 0 ? 'no violations' : `${found.length} violation(s)`}`);
        for (const line of found) {
          // Every one printed here: the runner shows only the first lines of a failure.
          note(`  ${line}`);
          failures.push(`${theme.name}, ${surface}: ${line}`);
        }
      }
      await screenshot(`no-axe-violations-in-any-theme-${index}-${theme.file}`);
    }
    await pickColorTheme(page, THEMES[0]?.name ?? 'Light Modern');
    // The keyboard walk after this one starts from usage by tag over the matching sessions.
    const frame = await sessionsFrame(page);
    if ((await scopeOf(frame)) !== 'results') await pickOption(frame, '#breakdown-scope', /Matching sessions/, 'results');
    if (failures.length > 0) throw new Error(`${failures.length} axe violation(s):\n${failures.join('\n')}`);
  },
};

/**
 * Where focus is inside a webview: the element the page's document says is active, with the control
 * inside its shadow root (a vscode-textfield's input), and which row of which list it is in.
 * @param {import('playwright-core').Frame} frame
 */
function focused(frame) {
  return frame.evaluate(() => {
    const element = document.activeElement;
    if (!element || element === document.body) return { tag: 'body', id: '', classes: '', column: '', value: '', list: '', row: -1, inner: '' };
    const row = element.closest('.condition-row');
    let inner = element;
    while (inner.shadowRoot?.activeElement) inner = inner.shadowRoot.activeElement;
    return {
      tag: element.tagName.toLowerCase(),
      id: element.id,
      classes: element.className && typeof element.className === 'string' ? element.className : '',
      column: element.getAttribute('data-column') ?? '',
      value: element.getAttribute('value') ?? '',
      list: row?.closest('.rows-condition') ? 'condition' : row?.closest('.rows-tag') ? 'tag' : '',
      row: row ? [...(row.parentElement?.children ?? [])].indexOf(row) : -1,
      inner: inner.tagName.toLowerCase(),
    };
  });
}

/** @param {Awaited<ReturnType<typeof focused>>} at */
const describeFocus = (at) =>
  `${at.tag}${at.id ? `#${at.id}` : ''}${at.classes ? `.${at.classes.trim().split(/\s+/).join('.')}` : ''}${at.list ? ` (${at.list} row ${at.row + 1})` : ''}`;

/**
 * Presses Tab (or Shift+Tab) until focus is on what `wanted` accepts; fails after `limit` presses.
 * @param {import('playwright-core').Page} page
 * @param {import('playwright-core').Frame} frame
 * @param {(at: Awaited<ReturnType<typeof focused>>) => boolean} wanted
 * @param {string} what
 */
async function tabTo(page, frame, wanted, what, { backwards = false, limit = 40 } = {}) {
  /** @type {string[]} */
  const passed = [];
  for (let press = 0; press <= limit; press++) {
    const at = await focused(frame);
    if (wanted(at)) return at;
    passed.push(describeFocus(at));
    await page.keyboard.press(backwards ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`${limit} presses of ${backwards ? 'Shift+Tab' : 'Tab'} did not reach ${what}; passed ${passed.slice(-12).join(' → ')}`);
}

/**
 * Waits until focus is on what `wanted` accepts, and says where it is otherwise.
 * @param {import('playwright-core').Frame} frame
 * @param {(at: Awaited<ReturnType<typeof focused>>) => boolean} wanted
 * @param {string} what
 */
async function expectFocus(frame, wanted, what) {
  let at = await focused(frame);
  await waitFor(
    async () => {
      at = await focused(frame);
      return wanted(at);
    },
    { timeoutMs: 5000, intervalMs: 100, message: () => `focus on ${what}; it is on ${describeFocus(at)}` },
  );
  return at;
}

/**
 * Replaces the focused field's text. Not with Ctrl+A: VS Code takes that from a webview and selects
 * all through the host a moment later, after the first letters typed.
 * @param {import('playwright-core').Page} page
 * @param {string} text
 */
async function typeReplacing(page, text) {
  await page.keyboard.press('End');
  await page.keyboard.press('Shift+Home');
  await page.keyboard.press('Delete');
  await page.keyboard.type(text);
}

const KEYBOARD_TAG = 'e2e-keyboard';

/** @type {import('../support.mjs').E2eStep} */
export const keyboardOnlyWalk = {
  name: 'keyboard-only-query-sort-launch-and-export',
  timeoutMs: 150_000,
  async run({ page, sandbox, note, screenshot }) {
    const tab = page.locator('.tabs-container .tab', { hasText: 'Browserbase Sessions' });
    if ((await tab.count()) > 0) await tab.first().click();
    else await runCommandFromPalette(page, 'Live Usage: Open Browserbase Sessions');
    const frame = await sessionsFrame(page);
    // The one pointer action: into the first condition's key field. Everything after is keys.
    await frame.locator('.rows-condition .condition-row .row-key').first().focus();
    await expectFocus(frame, (at) => at.list === 'condition' && at.row === 0 && at.inner === 'input', 'the first condition’s key field');

    // Build a query: client = acme, then a second condition added and removed again.
    await typeReplacing(page, 'client');
    await page.keyboard.press('Tab');
    await typeReplacing(page, 'acme');
    await tabTo(page, frame, (at) => at.classes.includes('add-row') && at.tag === 'vscode-button', 'Add condition');
    await page.keyboard.press('Enter');
    await expectFocus(frame, (at) => at.list === 'condition' && at.row === 1 && at.classes.includes('row-key'), 'the new condition’s key field');
    note('Add condition: focus on the new row’s key field');
    await page.keyboard.type('env');
    await page.keyboard.press('Tab');
    await page.keyboard.type('prod');
    await page.keyboard.press('Tab');
    await expectFocus(frame, (at) => at.list === 'condition' && at.row === 1 && at.classes.includes('remove-row'), 'the second row’s remove button');
    await page.keyboard.press('Enter');
    await expectFocus(
      frame,
      (at) => at.list === 'condition' && at.row === 0 && at.classes.includes('row-key'),
      'the first row’s key field after removing the second',
    );
    note('Remove condition: focus on the previous row’s key field');
    await tabTo(page, frame, (at) => at.id === 'find', 'Find sessions');
    await page.keyboard.press('Enter');
    await waitFor(
      async () => (await frame.locator('#results-status[aria-busy]').count()) === 0 && (await frame.locator('.results-body [data-session]').count()) > 0,
      {
        timeoutMs: 15_000,
        message: 'the sessions of client = acme',
      },
    );
    await expectFocus(frame, (at) => at.id === 'find', 'Find sessions, after finding');

    // Sort by proxy bytes with Enter on its header: focus stays on that header, and Enter again reverses.
    await tabTo(page, frame, (at) => at.column === 'proxy', 'the Proxy column header');
    await page.keyboard.press('Enter');
    await expectFocus(frame, (at) => at.column === 'proxy', 'the Proxy header after sorting');
    const header = frame.locator('[role=columnheader]:has(.sort-button[data-column="proxy"])');
    const first = await header.getAttribute('aria-sort');
    await page.keyboard.press('Enter');
    await expectFocus(frame, (at) => at.column === 'proxy', 'the Proxy header after sorting again');
    const second = await header.getAttribute('aria-sort');
    if (first === second || first === 'none' || second === 'none') throw new Error(`Enter twice on Proxy sorted ${first}, then ${second}`);
    note(`sorted by Proxy ${first}, then ${second}, focus kept on the header`);
    // The first column's focus ring is drawn inside its header, where the table's scrolling box cannot cut it.
    const ring = await frame.locator('.sort-button[data-column="id"]').evaluate((button) => {
      button.focus();
      const style = getComputedStyle(button);
      return { offset: Number.parseFloat(style.outlineOffset), width: Number.parseFloat(style.outlineWidth), style: style.outlineStyle };
    });
    if (ring.style === 'none' || ring.width <= 0 || ring.offset + ring.width > 0)
      throw new Error(`the first header's focus ring is drawn outside it: ${JSON.stringify(ring)}`);
    await screenshot('keyboard-only-query-sort-launch-and-export-1-sorted');

    // Launch with own tags: the arrow keys choose "Own tags", its rows appear, Launch asks the host once.
    // The checked radio is the group's one tab stop, "Use the query's conditions" unless an earlier step left "Own tags".
    await tabTo(page, frame, (at) => at.tag === 'input' && (at.value === 'query' || at.value === 'own'), 'the tag source radios', { limit: 60 });
    const start = await focused(frame);
    await page.keyboard.press(start.value === 'own' ? 'ArrowLeft' : 'ArrowRight');
    if (start.value === 'own') await page.keyboard.press('ArrowRight');
    await expectFocus(frame, (at) => at.value === 'own', 'the Own tags radio');
    await frame.locator('.rows-tag').waitFor({ state: 'visible', timeout: 5000 });
    note('the arrow keys chose Own tags, and its rows appeared');
    await page.keyboard.press('Tab');
    await expectFocus(frame, (at) => at.list === 'tag' && at.row === 0 && at.classes.includes('row-key'), 'the first own tag’s key field');
    await typeReplacing(page, 'client');
    await page.keyboard.press('Tab');
    await typeReplacing(page, KEYBOARD_TAG);
    await tabTo(page, frame, (at) => at.id === 'launch', 'Launch session');
    await page.keyboard.press('Enter');
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 10_000 });
    // The host's modal, answered from the keyboard: Tab to Start Session, Enter.
    await waitFor(
      async () => {
        const label = await page.evaluate(() => /** @type {any} */ (globalThis).document.activeElement?.textContent ?? '');
        if (/Start Session/.test(label)) return true;
        await page.keyboard.press('Tab');
        return false;
      },
      { timeoutMs: 10_000, intervalMs: 150, message: 'the dialog’s Start Session button to take focus' },
    );
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
    const launched = frame.locator('.launched');
    await launched.waitFor({ timeout: 15_000 });
    await expectFocus(frame, (at) => at.id === 'launch', 'Launch session, after the dialog closed');
    const sessionId = (await launched.getAttribute('data-session')) ?? '';
    const served = await fetch(`${sandbox.url}/browserbase/v1/sessions/${encodeURIComponent(sessionId)}`, {
      headers: { 'X-BB-API-Key': 'bb-sandbox-key' },
      signal: AbortSignal.timeout(10_000),
    }).then((response) => response.json());
    // Released again straight away (on the server, not through the panel): later steps count the project's running sessions.
    const released = await fetch(`${sandbox.url}/browserbase/v1/sessions/${encodeURIComponent(sessionId)}`, {
      method: 'POST',
      headers: { 'X-BB-API-Key': 'bb-sandbox-key', 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'REQUEST_RELEASE' }),
      signal: AbortSignal.timeout(10_000),
    });
    if (!released.ok) throw new Error(`releasing ${sessionId} answered ${released.status}`);
    if (served?.userMetadata?.client !== KEYBOARD_TAG)
      throw new Error(`the launched session has ${JSON.stringify(served?.userMetadata)}, not client = ${KEYBOARD_TAG}`);
    note(`launched ${sessionId} tagged client = ${KEYBOARD_TAG}; focus back on Launch`);
    await screenshot('keyboard-only-query-sort-launch-and-export-2-launched');

    // Export a chart from the usage panel: Enter on CSV, Enter in the save dialog, focus back on CSV.
    const panel = await openPanel(page);
    const card = await chartTable(panel, `${BROWSERLESS}/outcomes`);
    await card.locator('vscode-button.toggle-table').focus();
    await tabTo(page, panel, (at) => at.classes.includes('export-csv'), 'Export as CSV', { limit: 5 });
    await page.keyboard.press('Enter');
    const save = await waitForQuickInput(page, /^\s*Export live-usage-/);
    await waitFor(async () => (await save.locator('input').first().inputValue()).endsWith('.csv'), {
      timeoutMs: 10_000,
      message: 'the save dialog’s proposed name',
    });
    const proposed = await save.locator('input').first().inputValue();
    rmSync(proposed, { force: true });
    await page.keyboard.press('Enter');
    await waitFor(() => existsSync(proposed), { timeoutMs: 15_000, message: `the export to be written (${proposed})` });
    await expectFocus(panel, (at) => at.classes.includes('export-csv'), 'Export as CSV, after the save dialog closed');
    note(`exported ${proposed.split('/').pop()}; focus back on the CSV button`);
  },
};
