// Smoke test inside a real extension host: the extension is installed, activates and registers its commands.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'live-usage.live-usage';

suite('Live Usage extension', () => {
  test('is present and activates', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not installed in this extension host`);
    await extension.activate();
    assert.equal(extension.isActive, true);
  });

  test('registers the Show Log command', async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('liveUsage.showLog'), 'liveUsage.showLog is not registered');
  });

  test('Show Log runs without an error', async () => {
    await vscode.commands.executeCommand('liveUsage.showLog');
  });
});
