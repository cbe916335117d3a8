// Entry point that VS Code's extension host loads for `--extensionTestsPath`: runs every compiled
// `*.test.js` beside it with mocha and rejects when a test fails (VS Code then exits with code 1).
import Mocha from 'mocha';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

export function run(): Promise<void> {
  const mocha = new Mocha({
    ui: 'tdd',
    reporter: 'spec',
    // The output goes through VS Code's log forwarding, which shows escape codes literally.
    color: false,
    timeout: 30_000,
  });
  // lifecycle.test.js deactivates the extension the other suites use, so it runs last.
  const last = (name: string) => (name === 'lifecycle.test.js' ? 1 : 0);
  const files = readdirSync(__dirname)
    .filter((name) => name.endsWith('.test.js'))
    .sort((a, b) => last(a) - last(b) || a.localeCompare(b));
  for (const file of files) mocha.addFile(join(__dirname, file));

  return new Promise((resolve, reject) => {
    if (files.length === 0) {
      reject(new Error(`no *.test.js files in ${__dirname}`));
      return;
    }
    try {
      mocha.run((failures) => {
        if (failures > 0) reject(new Error(`${failures} integration test(s) failed`));
        else resolve();
      });
    } catch (error) {
      reject(error instanceof Error ? error : new Error(String(error)));
    }
  });
}
