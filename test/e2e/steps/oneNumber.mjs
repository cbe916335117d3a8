// One truth per number, as a person sees it: with an allocation set on Local Browserbase (through Edit
// Connection, as a person would), the status bar, the sidebar card, the panel's quota table and the
// last point of the "Browser minutes used this cycle" chart show the same number of minutes, labelled
// with the same source, and the chart carries the allocation's lines. The screenshot
// `one-number-everywhere-1-same-minutes.png` shows all four at once; the allocation is cleared again
// before the step ends (the step's own end screenshot shows the connection back without it).
import { chartTable, openPanel, openSidebar, readTable } from './charts.mjs';
import { clearNotifications } from './connections.mjs';
import { answerInputBox, expectVisible, pickQuickInputItem, readStatusItem, runCommandFromPalette, waitFor } from '../support.mjs';

const BROWSERBASE = 'local-browserbase';
const BROWSERBASE_NAME = 'Local Browserbase';
const CHART_ID = `${BROWSERBASE}/browserMinutes`;

/**
 * Sets (or with '' clears) the connection's monthly browser minutes through Edit Connection.
 * @param {import('playwright-core').Page} page
 * @param {string} minutes
 */
async function setAllocation(page, minutes) {
  await page.mouse.move(700, 300);
  await runCommandFromPalette(page, 'Live Usage: Edit Connection…');
  await pickQuickInputItem(page, /^\s*$/, BROWSERBASE_NAME); // the connection picker has no title
  await pickQuickInputItem(page, `Edit ${BROWSERBASE_NAME}`, 'Monthly browser minutes budget');
  await answerInputBox(page, /^\s*$/, minutes);
}

/** "18,307" or "18.3k" as a number; NaN when there is none. @param {string | undefined} text */
function numberIn(text) {
  const match = /(\d[\d,.]*)(k?)/i.exec(text ?? '');
  if (!match) return Number.NaN;
  return Number((match[1] ?? '').replace(/,/g, '')) * (match[2] ? 1000 : 1);
}

/**
 * What each surface shows for the Browserbase minutes.
 * @param {import('playwright-core').Page} page
 * @param {import('playwright-core').Frame} sidebar
 * @param {import('playwright-core').Frame} panel
 */
async function readSurfaces(page, sidebar, panel) {
  const status = (await readStatusItem(page)).text;
  const statusMatch = /\bBB (\S+)\/(\S+) min\b/.exec(status);
  const cardItem = sidebar.locator(`article.card[data-connection="${BROWSERBASE}"] li[data-quota="browserMinutes"]`);
  const card = ((await cardItem.locator('.value').textContent()) ?? '').trim();
  const cardSource = (
    (await cardItem
      .locator('.source')
      .textContent()
      .catch(() => '')) ?? ''
  ).trim();
  const row = panel.locator(`section.connection[data-connection="${BROWSERBASE}"] tr[data-quota="browserMinutes"]`);
  const table = ((await row.locator('td.quota-value').textContent()) ?? '').trim();
  const tableSource = ((await row.locator('td.quota-source').textContent()) ?? '').trim();
  const chart = await readTable(panel.locator(`.chart-card[data-chart-id="${CHART_ID}"]`));
  const newest = Math.max(...chart.rows.keys());
  const point = chart.rows.get(newest)?.['quota:browserMinutes'];
  return {
    status,
    statusValue: numberIn(statusMatch?.[1]),
    statusLimit: numberIn(statusMatch?.[2]),
    card,
    cardSource,
    table,
    tableSource,
    point: point ?? Number.NaN,
  };
}

/** @type {import('../support.mjs').E2eStep} */
export const oneNumberEverywhere = {
  name: 'one-number-everywhere',
  timeoutMs: 150_000,
  async run({ page, note, screenshot }) {
    await page.keyboard.press('Escape');
    let sidebar = await openSidebar(page);
    const cardValue = sidebar.locator(`article.card[data-connection="${BROWSERBASE}"] li[data-quota="browserMinutes"] .value`);
    await expectVisible(cardValue, 'the browser minutes on the Local Browserbase card');
    // An allocation the current use is about 80 % of: the warning level, with the allocation's lines in reach on the chart.
    const used = numberIn(await cardValue.textContent());
    if (!(used > 0)) throw new Error(`the card shows "${await cardValue.textContent()}" browser minutes`);
    const allocation = Math.ceil(used / 0.8);
    await setAllocation(page, String(allocation));
    try {
      const item = await waitFor(
        async () => {
          const shown = await readStatusItem(page);
          return new RegExp(`\\bBB \\S+/${allocation} min\\b`).test(shown.text) ? shown : undefined;
        },
        { timeoutMs: 30_000, message: `the status bar to show Browserbase minutes against the ${allocation}-minute allocation` },
      );
      if (item.background !== item.warningBackground) note(`(status bar background ${item.background}, warning ${item.warningBackground})`);

      const panel = await openPanel(page);
      await panel.getByRole('navigation').getByText(BROWSERBASE_NAME, { exact: true }).click();
      await chartTable(panel, CHART_ID);
      sidebar = await openSidebar(page);
      // A poll may land between two reads: read until all four agree, as they must between polls.
      let last;
      const agreed = await waitFor(
        async () => {
          last = await readSurfaces(page, sidebar, panel);
          const numbers = [last.statusValue, numberIn(last.card), numberIn(last.table), last.point];
          return numbers.every((value) => value === numbers[0] && Number.isFinite(value)) ? last : undefined;
        },
        { timeoutMs: 30_000, message: () => `the same minutes on every surface; they read ${JSON.stringify(last)}` },
      );
      if (agreed.statusLimit !== allocation) throw new Error(`the status bar's allocation is ${agreed.statusLimit}, not ${allocation}`);
      if (!/ min \/ [\d,]+ min/.test(agreed.card)) throw new Error(`the card does not read "N min / M min": "${agreed.card}"`);
      if (!/^[\d,]+ min$/.test(agreed.table)) throw new Error(`the quota table does not read "N min": "${agreed.table}"`);
      if (!agreed.tableSource || agreed.tableSource !== agreed.cardSource) {
        throw new Error(`the card (${agreed.cardSource}) and the table (${agreed.tableSource}) name different sources`);
      }
      const chartCard = panel.locator(`.chart-card[data-chart-id="${CHART_ID}"]`);
      const legend = ((await chartCard.locator('.legend').textContent()) ?? '').trim();
      if (!legend.includes(`used this cycle (${agreed.tableSource})`)) throw new Error(`the chart's line is "${legend}", not the figure's source`);
      const notes = ((await chartCard.locator('.chart-note').textContent()) ?? '').trim();
      if (!/Unit: minutes/.test(notes)) throw new Error(`the chart's unit is not minutes: "${notes}"`);
      const thresholds = ((await chartCard.locator('p.sr-only').textContent()) ?? '').trim();
      if (!new RegExp(`allocation ${allocation.toLocaleString('en-GB')} min`).test(thresholds))
        throw new Error(`the chart names no allocation line: "${thresholds}"`);
      note(
        `status bar "${agreed.status}"; card "${agreed.card}" (${agreed.cardSource}); quota table "${agreed.table}" (${agreed.tableSource}); chart's latest point ${agreed.point} min`,
      );

      // The screenshot: the card in the side bar, the quota table and the chart in the panel, the status bar below.
      await chartCard.locator('vscode-button.toggle-table').click();
      // The warning that crossing 75 % raised would cover the chart.
      await clearNotifications(page);
      await panel.locator(`section.connection[data-connection="${BROWSERBASE}"] .quotas-box`).evaluate((element) => {
        element.scrollIntoView({ block: 'start' });
        // The table's caption and column names too, below the panel's toolbar.
        element.ownerDocument.defaultView?.scrollBy(0, -90);
      });
      await expectVisible(chartCard.locator('canvas'), 'the browser minutes chart');
      await page.mouse.move(700, 300);
      await page.waitForTimeout(500);
      await screenshot('one-number-everywhere-1-same-minutes');
    } finally {
      await page.keyboard.press('Escape');
      // The connection as the other steps know it: no allocation.
      await setAllocation(page, '')
        .catch(async () => {
          await page.keyboard.press('Escape');
          await setAllocation(page, '');
        })
        .catch((error) => note(`could not clear the allocation: ${error instanceof Error ? error.message.split('\n')[0] : error}`));
    }
  },
};
