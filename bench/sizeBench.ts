/**
 * Bundle and package sizes: the minified extension bundle (target ≤ 300 KB), the parser worker's
 * bundle (≤ 60 KB, loaded on first use), the palette flows' bundle (loaded on first command), each
 * webview bundle, and the .vsix. Builds the production bundles first.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

// The budget the product set for the extension host bundle; activation cost is measured separately (activation section).
const EXTENSION_TARGET_KB = 300;
const WEBVIEW_TARGET_KB = 350;
const WORKER_TARGET_KB = 60;

function kilobytes(path: string): number {
  return statSync(path).size / 1024;
}

function run(args: string[], env: Record<string, string> = {}): void {
  const result = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, ...env } });
  if (result.status !== 0)
    throw new Error(`${args.join(' ')} failed (exit ${String(result.status)}):\n${(result.stderr || result.stdout).trim().slice(-2000)}`);
}

export async function runSizeBench(): Promise<void> {
  const vsix = join('.tmp', 'bench.vsix');
  // A figure from an earlier run must never pass for this one.
  rmSync(vsix, { force: true });
  run(['scripts/package.mjs'], { VSIX_OUT: vsix });
  if (!existsSync(vsix)) throw new Error(`packaging reported success but wrote no ${vsix}`);
  const rows: [string, string, string, string][] = [];
  const extensionKb = kilobytes('dist/extension.js');
  rows.push(['dist/extension.js (minified)', extensionKb.toFixed(1), `≤ ${EXTENSION_TARGET_KB}`, extensionKb <= EXTENSION_TARGET_KB ? 'met' : 'MISSED']);
  // The parser and its worker: loaded on the first Prometheus/Cerebras poll, not at activation.
  const workerKb = kilobytes('dist/parseWorker.js');
  rows.push(['dist/parseWorker.js (minified, lazy)', workerKb.toFixed(1), `≤ ${WORKER_TARGET_KB}`, workerKb <= WORKER_TARGET_KB ? 'met' : 'MISSED']);
  // The Command Palette flows: loaded when one of them first runs (CONTRIBUTING.md, "Where host code goes").
  rows.push(['dist/palette.js (minified, lazy)', kilobytes('dist/palette.js').toFixed(1), 'loaded on first command', '']);
  for (const file of readdirSync('dist/webview').filter((name) => name.endsWith('.js'))) {
    const size = kilobytes(join('dist/webview', file));
    rows.push([`dist/webview/${file} (minified)`, size.toFixed(1), `≤ ${WEBVIEW_TARGET_KB}`, size <= WEBVIEW_TARGET_KB ? 'met' : 'MISSED']);
  }
  const undiciKb = readdirSync('node_modules/undici/lib', { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .reduce((sum, entry) => sum + kilobytes(join(entry.parentPath, entry.name)), 0);
  rows.push(['undici runtime shipped beside it (lib/)', undiciKb.toFixed(1), 'loaded on first request', '']);
  rows.push(['.vsix', kilobytes(vsix).toFixed(1), '', '']);
  console.log('\n## Sizes (KB)\n');
  console.log(`${'artifact'.padEnd(44)} ${'KB'.padStart(8)}  ${'target'.padEnd(24)} result`);
  for (const [name, size, target, result] of rows) console.log(`${name.padEnd(44)} ${size.padStart(8)}  ${target.padEnd(24)} ${result}`);
}
