// The workbench opens on the workspace and the extension activates in code-server's remote Node host.
import { expectVisible, extensionErrors, remoteExtensionHostLogs, waitFor } from '../support.mjs';

/** @type {import('../support.mjs').E2eStep} */
export const workbenchLoadsAndExtensionActivates = {
  name: 'workbench-loads-and-extension-activates',
  timeoutMs: 90_000,
  async run({ page, server, paths, extensionId, note }) {
    await page.goto(server.workbenchUrl(), { waitUntil: 'domcontentloaded' });
    await expectVisible(page.locator('.monaco-workbench .part.statusbar'), 'the workbench (status bar)', 60_000);
    await expectVisible(page.locator('.monaco-workbench .part.sidebar .explorer-folders-view'), 'the Explorer on the workspace folder', 30_000);

    // The remote extension host writes one line per activation; a failed activate() logs an error.
    const activation = new RegExp(`ExtensionService#_doActivateExtension ${extensionId.replace(/\./g, '\\.')}\\b`, 'i');
    const log = await waitFor(() => remoteExtensionHostLogs(paths.userDataDir).find((entry) => activation.test(entry.text)), {
      timeoutMs: 45_000,
      message: () => {
        const logs = remoteExtensionHostLogs(paths.userDataDir);
        return `"${extensionId}" to be activated in the remote extension host log (${logs.length === 0 ? 'no remoteexthost.log yet' : logs.map((entry) => entry.path).join(', ')})`;
      },
    });
    note(
      `activation logged in ${log.path.slice(paths.userDataDir.length + 1)}: ${log.text
        .split('\n')
        .find((line) => activation.test(line))
        ?.trim()}`,
    );
    // Give a failing activate() a moment to reach the log before reading it for errors.
    await page.waitForTimeout(1000);
    const errors = remoteExtensionHostLogs(paths.userDataDir).flatMap((entry) => extensionErrors(entry.text, extensionId));
    if (errors.length > 0) throw new Error(`the extension host logged errors:\n${errors.join('\n')}`);
  },
};
