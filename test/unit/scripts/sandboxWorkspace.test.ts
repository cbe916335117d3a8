// The workspace that "Run Extension (against the sandbox)" opens connects to the same mounts as the
// demo, so the two ways of trying the extension cannot drift apart.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

test('sandbox/workspace settings are the demo connections on port 4100', async () => {
  // A .mjs without types: imported by a path the type checker does not follow.
  const demoScript = '../../../scripts/demo.mjs';
  const demo = (await import(demoScript)) as { demoConnections(base: string): unknown[] };
  const settings = JSON.parse(readFileSync(path.resolve(__dirname, '../../../sandbox/workspace/.vscode/settings.json'), 'utf8')) as Record<string, unknown>;
  assert.deepEqual(settings['liveUsage.connections'], demo.demoConnections('http://127.0.0.1:4100'));
});
