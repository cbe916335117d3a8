/* global document, getComputedStyle, window, CSSStyleRule -- used inside page.evaluate callbacks, which run in the webviews */
// What a newcomer sees, looked at in a light, a dark and a high-contrast theme: the walkthrough the
// first start opens, the status bar's hover laid out for its width, the side bar's cards, the usage
// panel opened on a range that fits its history with colours that stand out from their background,
// and the sessions table at 1440 px with the side bar open. Each check leaves screenshots in
// artifacts/e2e/ (first-look-*.png); the panel step also saves the theme colours the webviews see
// (theme-colours.json), the tables the palette's unit test checks contrast against. Cut-outs for the
// README and the walkthrough go to artifacts/e2e/docs/ (copied into media/screenshots/ by hand).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openSidebar, panelFrame, pickColorTheme, THEMES, webviewFrame } from './charts.mjs';
import { expectVisible, readStatusTooltip, runCommandFromPalette, statusItem, waitFor } from '../support.mjs';

const BROWSERLESS = 'local-browserless';
const BROWSERBASE = 'local-browserbase';

/** @param {import('playwright-core').Page} page */
const sidebarFrame = (page) => webviewFrame(page, 'main.surface-sidebar .cards', 'the Live Usage side bar view');
/** @param {import('playwright-core').Page} page */
const sessionsFrame = (page) => webviewFrame(page, 'main.surface-sessions #results-section', 'the Browserbase sessions panel');

/**
 * WCAG contrast of two CSS colours, computed in the page (the colours are what the page resolves).
 * @param {import('playwright-core').Frame} frame
 * @param {string[]} colours
 * @param {string} background
 * @returns {Promise<number[]>}
 */
function contrasts(frame, colours, background) {
  return frame.evaluate(
    ([list, behind]) => {
      const probe = document.createElement('div');
      document.body.append(probe);
      const rgba = (/** @type {string} */ colour) => {
        probe.style.color = colour;
        const parts = (getComputedStyle(probe).color.match(/[\d.]+/g) ?? []).map(Number);
        return { r: parts[0] ?? 0, g: parts[1] ?? 0, b: parts[2] ?? 0, a: parts[3] ?? 1 };
      };
      const channel = (/** @type {number} */ value) => {
        const c = value / 255;
        return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      };
      const luminance = (/** @type {{ r: number, g: number, b: number }} */ c) => 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
      const base = rgba(behind);
      const result = list.map((colour) => {
        const top = rgba(colour);
        const seen = { r: top.r * top.a + base.r * (1 - top.a), g: top.g * top.a + base.g * (1 - top.a), b: top.b * top.a + base.b * (1 - top.a) };
        const [hi, lo] = [luminance(seen), luminance(base)].sort((a, b) => b - a);
        return (hi + 0.05) / (lo + 0.05);
      });
      probe.remove();
      return result;
    },
    [colours, background],
  );
}

/**
 * Closes the editor in front, by its tab's close button, as a person would.
 * @param {import('playwright-core').Page} page
 */
async function closeActiveEditor(page) {
  const active = page.locator('.tabs-container .tab.active').first();
  const label = await active.getAttribute('aria-label');
  await active.hover();
  await active.locator('.tab-actions .action-label').first().click();
  if (label) await page.locator(`.tabs-container .tab[aria-label="${label.replace(/"/g, '\\"')}"]`).waitFor({ state: 'detached', timeout: 10_000 });
}

/**
 * A cut-out of the workbench for the README and the walkthrough: the union of the given parts' boxes.
 * @param {import('playwright-core').Page} page
 * @param {string} artifacts
 * @param {string} name
 * @param {import('playwright-core').Locator[]} parts
 */
async function docsShot(page, artifacts, name, parts) {
  const boxes = (await Promise.all(parts.map((part) => part.first().boundingBox()))).filter((box) => box !== null);
  if (boxes.length === 0) return;
  const left = Math.min(...boxes.map((box) => box.x));
  const top = Math.min(...boxes.map((box) => box.y));
  const right = Math.max(...boxes.map((box) => box.x + box.width));
  const bottom = Math.max(...boxes.map((box) => box.y + box.height));
  mkdirSync(join(artifacts, 'docs'), { recursive: true });
  await page.screenshot({ path: join(artifacts, 'docs', `${name}.png`), clip: { x: left, y: top, width: right - left, height: bottom - top } });
}

/** @type {import('../support.mjs').E2eStep} */
export const walkthroughOnFirstRun = {
  name: 'first-run-opens-get-started-walkthrough',
  timeoutMs: 90_000,
  async run({ page, note, screenshot }) {
    // The first start after installing opens it by itself.
    const title = page.getByText('Get Started with Live Usage').first();
    await expectVisible(title, 'the Get Started with Live Usage walkthrough', 30_000);
    for (const step of ['Add a connection', 'Keep the token safe', 'Read the status bar', 'Open the usage panel', 'Find sessions by tag']) {
      await expectVisible(page.getByText(step, { exact: true }).first(), `the walkthrough step "${step}"`);
    }
    await page.getByText('Read the status bar', { exact: true }).first().click();
    // The step's page (media/walkthrough/status-bar.md) is drawn in a webview of its own, its picture included.
    await waitFor(
      async () => {
        for (const frame of page.frames()) {
          const shown = await frame
            .evaluate(() => ({ text: document.body?.innerText ?? '', pictures: [...document.images].filter((image) => image.naturalWidth > 0).length }))
            .catch(() => undefined);
          if (shown && /figure worth a glance/.test(shown.text) && shown.pictures > 0) return true;
        }
        return false;
      },
      { timeoutMs: 20_000, message: 'the walkthrough step’s page and its screenshot' },
    );
    note('the walkthrough opened on the first start, with its five steps and each step’s page');
    let index = 0;
    for (const theme of THEMES) {
      index++;
      if (index > 1) await pickColorTheme(page, theme.name);
      await page.waitForTimeout(1500);
      await screenshot(`first-run-opens-get-started-walkthrough-${index}-${theme.file}`);
    }
    await pickColorTheme(page, THEMES[0]?.name ?? 'Light Modern');
    const welcome = page.locator('.tabs-container .tab', { hasText: 'Welcome' });
    if ((await welcome.count()) > 0) await welcome.first().click();
    await closeActiveEditor(page);
  },
};

/** @type {import('../support.mjs').E2eStep} */
export const statusTooltipFits = {
  name: 'status-bar-tooltip-fits-its-width',
  timeoutMs: 90_000,
  async run({ page, paths, note, screenshot }) {
    const text = await readStatusTooltip(page, /Local Browserless.*Local Browserbase/);
    const hover = page.locator('.monaco-hover').filter({ hasText: 'Live Usage' }).first();
    if ((await hover.locator('table').count()) > 0) throw new Error('the hover is a table again');
    if (/\(Browserless\)|\(Browserbase\)/.test(text)) throw new Error(`the hover repeats a provider the name already says: ${text}`);
    // Each connection's first line holds its name, state and age, unbroken.
    const heads = await hover.locator('p').evaluateAll((paragraphs) =>
      paragraphs
        .map((paragraph) => {
          const range = document.createRange();
          range.selectNodeContents(paragraph);
          const lines = new Set([...range.getClientRects()].map((rect) => Math.round(rect.top)));
          return { text: (paragraph.textContent ?? '').trim(), lines: lines.size, width: paragraph.getBoundingClientRect().width };
        })
        .filter((entry) => /^Local /.test(entry.text)),
    );
    note(`hover: ${text.slice(0, 240)}…`);
    note(`blocks: ${heads.map((entry) => `${entry.lines} lines at ${Math.round(entry.width)} px`).join('; ')}`);
    if (heads.length !== 2) throw new Error(`expected one block per connection, found ${heads.length}`);
    await screenshot('status-bar-tooltip-fits-its-width-1-hover');
    await docsShot(page, paths.artifacts, 'status-bar', [hover, statusItem(page)]);
    // The hover is VS Code's own widget, in the theme's colours; its text is ours.
    let index = 1;
    for (const theme of THEMES.slice(1)) {
      index++;
      await pickColorTheme(page, theme.name);
      await readStatusTooltip(page, /Local Browserless.*Local Browserbase/);
      await screenshot(`status-bar-tooltip-fits-its-width-${index}-${theme.file}`);
    }
    await pickColorTheme(page, THEMES[0]?.name ?? 'Light Modern');
    await page.mouse.move(700, 300);
  },
};

/** @type {import('../support.mjs').E2eStep} */
export const sidebarLooksNative = {
  name: 'sidebar-cards-in-light-dark-and-high-contrast',
  timeoutMs: 120_000,
  async run({ page, paths, note, screenshot }) {
    await openSidebar(page);
    let index = 0;
    for (const theme of THEMES) {
      index++;
      await pickColorTheme(page, theme.name);
      const frame = await sidebarFrame(page);
      await waitFor(async () => (await frame.locator('body').getAttribute('class'))?.includes(theme.body), { message: `the side bar in ${theme.name}` });
      const card = frame.locator(`article.card[data-connection="${BROWSERLESS}"]`);
      await expectVisible(card, 'the Browserless card');
      // A long name ends in an ellipsis, and the whole name is on hover.
      const title = await card.locator('h2').evaluate((heading) => {
        const text = /** @type {HTMLElement} */ (heading.querySelector('.title-text'));
        const style = getComputedStyle(text);
        return {
          hover: heading.getAttribute('title'),
          overflow: style.overflow,
          ellipsis: style.textOverflow,
          icon: heading.querySelector('vscode-icon') !== null,
        };
      });
      if (title.ellipsis !== 'ellipsis' || title.overflow !== 'hidden' || !title.hover?.includes('Local Browserless') || !title.icon)
        throw new Error(`the card title does not ellipsize with the name on hover: ${JSON.stringify(title)}`);
      // The headline is the number the sparkline ends on.
      const headline = ((await card.locator('li.headline .value').textContent()) ?? '').trim();
      const line = (await card.locator('canvas.sparkline').getAttribute('aria-label')) ?? '';
      const now = /now ([\d.,]*\d)/.exec(line)?.[1];
      if (!now || !headline.startsWith(`${now} `)) throw new Error(`the card reads "${headline}" but its sparkline ends on ${now} ("${line}")`);
      // Thin scrollbars in the theme's slider colour.
      const scrollbar = await frame.evaluate(() => {
        for (const sheet of document.styleSheets) {
          for (const rule of sheet.cssRules) if (rule instanceof CSSStyleRule && rule.selectorText === '::-webkit-scrollbar') return rule.style.width;
        }
        return '';
      });
      if (scrollbar !== '10px') throw new Error(`the side bar has no thin scrollbar rule (${scrollbar || 'none'})`);
      note(`${theme.name}: "${headline}" / sparkline "${line}"`);
      if (theme.file === 'light') await docsShot(page, paths.artifacts, 'sidebar', [page.locator('.part.sidebar')]);
      const box = await page.locator('.part.sidebar').boundingBox();
      await page.screenshot({
        path: join(paths.artifacts, `sidebar-cards-in-light-dark-and-high-contrast-${index}-${theme.file}.png`),
        ...(box ? { clip: box } : {}),
      });
    }
    await pickColorTheme(page, THEMES[0]?.name ?? 'Light Modern');
    await screenshot('sidebar-cards-in-light-dark-and-high-contrast');
  },
};

/** @type {import('../support.mjs').E2eStep} */
export const panelFitsAndStandsOut = {
  name: 'usage-panel-fits-its-history-in-every-theme',
  timeoutMs: 150_000,
  async run({ page, paths, note, screenshot }) {
    // Opened afresh (no range picked before): the range fits the history there is, and says so.
    const existing = page.locator('.tabs-container .tab', { hasText: /^\s*Live Usage\s*$/ });
    if ((await existing.count()) > 0) {
      await existing.first().click();
      await closeActiveEditor(page);
    }
    await runCommandFromPalette(page, 'Live Usage: Open Usage Panel');
    const frame = await panelFrame(page);
    const rangeNote = frame.locator('#range-note');
    await waitFor(async () => /fits the history there is/.test((await rangeNote.textContent()) ?? ''), {
      message: async () => `the toolbar to say the range fits the history (says "${await rangeNote.textContent()}")`,
    });
    note(`opened on ${await frame.locator('#range').evaluate((element) => /** @type {any} */ (element).value)}: ${(await rangeNote.textContent())?.trim()}`);

    /** @type {Record<string, Record<string, string>>} */
    const tables = {};
    let index = 0;
    for (const theme of THEMES) {
      index++;
      await pickColorTheme(page, theme.name);
      const panel = await panelFrame(page);
      await waitFor(async () => (await panel.locator('body').getAttribute('class'))?.includes(theme.body), { message: `the panel in ${theme.name}` });
      const card = panel.locator(`.chart-card[data-chart-id="${BROWSERLESS}/outcomes"]`);
      await card.scrollIntoViewIfNeeded();
      await waitFor(async () => (await card.locator('.chart-area[data-theme]').getAttribute('data-theme')) === theme.body, {
        message: `the outcomes chart to be redrawn in ${theme.name}`,
      });
      // Every series of the legend (drawn in the chart's colours) stands out from the chart's background.
      const swatches = await card.locator('.legend line').evaluateAll((lines) => lines.map((line) => line.getAttribute('stroke') ?? ''));
      const background = await panel.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--vscode-editor-background').trim());
      const ratios = await contrasts(panel, swatches, background);
      note(`${theme.name}: series ${swatches.map((colour, i) => `${colour} ${ratios[i]?.toFixed(2)}:1`).join(', ')} on ${background}`);
      const weak = swatches.filter((_, i) => (ratios[i] ?? 0) < 3);
      if (weak.length > 0) throw new Error(`${theme.name}: series colours under 3:1 on ${background}: ${weak.join(', ')}`);
      tables[theme.name] = await panel.evaluate(() => {
        const style = getComputedStyle(document.documentElement);
        const names = [
          '--vscode-editor-background',
          '--vscode-sideBar-background',
          '--vscode-foreground',
          '--vscode-editorWidget-border',
          '--vscode-contrastBorder',
          '--vscode-charts-blue',
          '--vscode-charts-orange',
          '--vscode-charts-green',
          '--vscode-charts-purple',
          '--vscode-charts-yellow',
          '--vscode-charts-red',
          '--vscode-editorWarning-foreground',
          '--vscode-editorError-foreground',
          // The fallbacks of the status and level text colours (webview/common/textColours.ts).
          '--vscode-testing-iconPassed',
          '--vscode-errorForeground',
        ];
        return Object.fromEntries(names.map((name) => [name, style.getPropertyValue(name).trim()]).filter(([, value]) => value !== ''));
      });
      await panel.locator(`section.connection[data-connection="${BROWSERLESS}"]`).scrollIntoViewIfNeeded();
      await page.waitForTimeout(300);
      await screenshot(`usage-panel-fits-its-history-in-every-theme-${index}-${theme.file}`);
      if (theme.file === 'light') await docsShot(page, paths.artifacts, 'usage-panel', [page.locator('.part.editor')]);
      if (theme.file === 'dark') await docsShot(page, paths.artifacts, 'usage-panel-dark', [page.locator('.part.editor')]);
      const browserbase = panel.locator(`section.connection[data-connection="${BROWSERBASE}"]`);
      await browserbase.scrollIntoViewIfNeeded();
      await page.waitForTimeout(300);
      await screenshot(`usage-panel-fits-its-history-in-every-theme-${index}-${theme.file}-browserbase`);
    }
    writeFileSync(join(paths.artifacts, 'theme-colours.json'), `${JSON.stringify(tables, null, 2)}\n`);
    await pickColorTheme(page, THEMES[0]?.name ?? 'Light Modern');
  },
};

/** @type {import('../support.mjs').E2eStep} */
export const sessionsTableReads = {
  name: 'sessions-table-reads-at-1440-with-the-side-bar-open',
  timeoutMs: 150_000,
  async run({ page, paths, note, screenshot }) {
    await openSidebar(page);
    const tab = page.locator('.tabs-container .tab', { hasText: 'Browserbase Sessions' });
    if ((await tab.count()) > 0) await tab.first().click();
    else await runCommandFromPalette(page, 'Live Usage: Open Browserbase Sessions');
    const frame = await sessionsFrame(page);
    // Every session again.
    const rows = frame.locator('.rows-condition .condition-row');
    while ((await rows.count()) > 1) await rows.last().locator('.remove-row').click();
    await rows.first().locator('.row-key input').fill('');
    await rows.first().locator('.row-value input').fill('');
    await frame.locator('#find').click();
    await waitFor(async () => (await frame.locator('.results-body [data-session]').count()) > 5, { message: 'the sessions to be listed' });

    const fit = await frame.locator('.results-table-wrap').evaluate((wrap) => ({ scroll: wrap.scrollWidth, client: wrap.clientWidth }));
    if (fit.scroll > fit.client + 1) throw new Error(`the sessions table scrolls sideways at 1440 px with the side bar open (${fit.scroll} > ${fit.client})`);
    // Metadata as key = value chips; more than a few behind a button the keyboard reaches.
    const chip = ((await frame.locator('.cell-metadata .chip').first().textContent()) ?? '').trim();
    if (!/^[^=]+ = .+$/.test(chip)) throw new Error(`a metadata chip reads "${chip}"`);
    const more = frame.locator('.cell-metadata button.more-chips').first();
    await more.focus();
    await page.keyboard.press('Enter');
    if ((await more.getAttribute('aria-expanded')) !== 'true') throw new Error('Enter on "+N more" did not show every tag');
    const durations = await frame.locator('.results-body .cell-duration').allTextContents();
    const odd = durations.filter((text) => !/^(—|\d+ ms|[\d.]+ s|\d+ min( \d+ s)?|\d+ h( \d+ min)?|\d+ d( \d+ h)?)$/.test(text.trim()));
    if (odd.length > 0) throw new Error(`durations not in the one format: ${odd.join(', ')}`);
    note(`no sideways scroll (${fit.scroll} ≤ ${fit.client} px); chips like "${chip}"; durations like ${durations.slice(0, 4).join(', ')}`);

    // A query fixing client: usage by tag moves to a key the query leaves open, and its axis names its unit.
    await rows.first().locator('.row-key input').fill('client');
    await rows.first().locator('.row-value input').fill('acme');
    await frame.locator('#find').click();
    const key = frame.locator('#breakdown-key');
    await waitFor(async () => ((await key.evaluate((select) => /** @type {any} */ (select).value)) ?? '') !== 'client', {
      timeoutMs: 15_000,
      message: 'usage by tag to leave client, which the query fixes',
    });
    const axis = (await frame.locator('.breakdown-chart').getAttribute('data-axis')) ?? '';
    if (!/\(.+\)/.test(axis)) throw new Error(`the usage-by-tag axis names no unit: "${axis}"`);
    note(`client = acme: usage by ${await key.evaluate((select) => /** @type {any} */ (select).value)}, axis "${axis}"`);
    await frame.evaluate(() => window.scrollTo(0, 0));
    await page.waitForTimeout(300);
    await docsShot(page, paths.artifacts, 'sessions', [page.locator('.part.editor')]);

    let index = 0;
    for (const theme of THEMES) {
      index++;
      await pickColorTheme(page, theme.name);
      const themed = await sessionsFrame(page);
      await waitFor(async () => (await themed.locator('body').getAttribute('class'))?.includes(theme.body), { message: `the sessions panel in ${theme.name}` });
      await themed.locator('#results-section').scrollIntoViewIfNeeded();
      await page.waitForTimeout(400);
      await screenshot(`sessions-table-reads-at-1440-with-the-side-bar-open-${index}-${theme.file}`);
      await themed.locator('#usage-section').scrollIntoViewIfNeeded();
      await page.waitForTimeout(400);
      await screenshot(`sessions-table-reads-at-1440-with-the-side-bar-open-${index}-${theme.file}-usage`);
    }
    await pickColorTheme(page, THEMES[0]?.name ?? 'Light Modern');
    await frame.evaluate(() => window.scrollTo(0, 0));
  },
};
