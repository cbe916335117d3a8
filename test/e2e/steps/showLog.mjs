// "Live Usage: Show Log" is in the Command Palette and opens the Output panel on the extension's channel.
import { expectVisible, runCommandFromPalette, waitFor } from '../support.mjs';

/** @type {import('../support.mjs').E2eStep} */
export const showLogOpensOutputChannel = {
  name: 'show-log-opens-output-channel',
  async run({ page }) {
    await runCommandFromPalette(page, 'Live Usage: Show Log');
    const panel = page.locator('.monaco-workbench .part.panel');
    await expectVisible(panel, 'the panel');
    // The Output tab is the selected one in the panel's tab bar.
    await expectVisible(panel.locator('.composite-bar .action-item.checked', { hasText: /^\s*Output\s*$/ }), 'the Output tab (selected)');
    // The Output view names the shown channel in its channel picker.
    const picker = panel.locator('select.monaco-select-box, .monaco-select-box');
    await waitFor(
      async () => {
        for (const candidate of await picker.all()) {
          const text =
            (await candidate.evaluate((element) => /** @type {HTMLSelectElement} */ (element).selectedOptions?.[0]?.textContent ?? element.textContent)) ?? '';
          if (text.trim() === 'Live Usage') return true;
        }
        return false;
      },
      { timeoutMs: 15_000, message: 'the Output panel to show the "Live Usage" channel' },
    );
  },
};
