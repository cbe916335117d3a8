// Smoke test inside a real extension host: the extension is installed, activates and registers its commands.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { paletteLoaded } from '../../support/paletteLoaded';

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

  // The first suite to run (index.ts): no palette command has run yet in this extension host.
  test('activation does not load the palette flows (dist/palette.js)', async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
    assert.equal(paletteLoaded(), false, 'dist/palette.js was loaded before any palette command ran');
  });

  test('Show Log runs without an error', async () => {
    await vscode.commands.executeCommand('liveUsage.showLog');
  });
});
