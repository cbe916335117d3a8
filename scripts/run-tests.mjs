// Runs the fast test suites (unit and contract) with Node's built-in runner and tsx for TypeScript.
// Usage: node scripts/run-tests.mjs [folder-or-file ...]   (default: test/unit test/contract)
//        npm run test:unit -- test/unit/shared/usageByTag.test.ts   (one file)
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const folders = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['test/unit', 'test/contract'];

function collect(folder) {
  if (!statSync(folder).isDirectory()) return [folder];
  const files = [];
  for (const name of readdirSync(folder)) {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) files.push(...collect(path));
    else if (name.endsWith('.test.ts')) files.push(path);
  }
  return files;
}

const files = folders.flatMap(collect).sort();
if (files.length === 0) {
  console.error('no test files found in', folders.join(', '));
  process.exit(1);
}
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=3', ...files], {
  stdio: 'inherit',
  env: { ...process.env, NODE_OPTIONS: '' },
});
process.exit(result.status ?? 1);
