// Builds the production bundles and packs them into live-usage.vsix with @vscode/vsce.
// The .vsix holds only what runs: dist/, media/, the manifest, README/CHANGELOG/LICENSE and undici.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

function run(command, args) {
  const result = spawnSync(command, args, { stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const { name, version } = JSON.parse(readFileSync('package.json', 'utf8'));
const out = process.env.VSIX_OUT ?? `${name}-${version}.vsix`;
mkdirSync(dirname(out), { recursive: true });
run(process.execPath, ['scripts/build.mjs', '--production']);
run(process.execPath, ['node_modules/@vscode/vsce/vsce', 'package', '--out', out, '--skip-license', '--no-rewrite-relative-links']);
console.log(`packaged ${out} (${(statSync(out).size / 1024).toFixed(1)} KB)`);
