// Integration tests inside a real VS Code extension host (`npm run test:integration`).
// Builds the extension (dist/) and the mocha suite (test/integration/suite/*.ts -> out/integration/suite/),
// then runs it with @vscode/test-electron's runTests(). Which VS Code runs it:
//   - env LIVE_USAGE_VSCODE_EXECUTABLE=path: that desktop VS Code executable;
//   - else, when a display is available and Microsoft's update server answers: a downloaded stable
//     VS Code (cached in .cache/vscode-test);
//   - else (these machines, headless CI): code-server-shim.mjs, which runs the same suite in
//     code-server's extension host driven by headless Chromium.
// Usage: node test/integration/run.mjs [--build-only]
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import testElectron from '@vscode/test-electron';
import { ensureCodeServer } from '../../scripts/code-server.mjs';

const { downloadAndUnzipVSCode, runTests } = testElectron;

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..', '..');
const suiteSource = join(here, 'suite');
const suiteOut = join(repoRoot, 'out', 'integration', 'suite');
const runDir = join(repoRoot, '.e2e', 'integration');
const shim = join(here, 'code-server-shim.mjs');

/** Bundles each suite file on its own; `vscode` and `mocha` are resolved at run time. */
export async function buildSuite() {
  rmSync(suiteOut, { recursive: true, force: true });
  const entryPoints = readdirSync(suiteSource)
    .filter((name) => name.endsWith('.ts'))
    .map((name) => join(suiteSource, name));
  await esbuild.build({
    entryPoints,
    outdir: suiteOut,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node18',
    sourcemap: 'inline',
    external: ['vscode', 'mocha'],
    // scripts/prometheus.mjs looks at import.meta.url only to know whether it was run directly.
    logOverride: { 'empty-import-meta': 'silent' },
    logLevel: 'warning',
  });
  return join(suiteOut, 'index.js');
}

function buildExtension() {
  const result = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: repoRoot, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`scripts/build.mjs failed (exit ${result.status ?? result.signal})`);
}

/** @returns {Promise<{ executable: string, why: string }>} */
async function chooseVSCode() {
  if (process.env.LIVE_USAGE_VSCODE_EXECUTABLE) {
    return { executable: resolve(process.env.LIVE_USAGE_VSCODE_EXECUTABLE), why: 'LIVE_USAGE_VSCODE_EXECUTABLE' };
  }
  const display = process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
  if (!display) return { executable: shim, why: 'no display for a desktop VS Code' };
  const reachable = await fetch('https://update.code.visualstudio.com/api/releases/stable', { signal: AbortSignal.timeout(5000) }).then(
    (response) => response.ok,
    () => false,
  );
  if (!reachable) return { executable: shim, why: 'no desktop VS Code can be downloaded here' };
  const executable = await downloadAndUnzipVSCode({ version: 'stable', cachePath: join(repoRoot, '.cache', 'vscode-test') });
  return { executable, why: 'downloaded stable VS Code' };
}

async function main() {
  const started = Date.now();
  buildExtension();
  const testsPath = await buildSuite();
  console.log(`built the suite into ${testsPath}`);
  if (process.argv.includes('--build-only')) return 0;

  rmSync(runDir, { recursive: true, force: true });
  const workspace = join(runDir, 'workspace');
  mkdirSync(workspace, { recursive: true });
  const { executable, why } = await chooseVSCode();
  console.log(`running in ${executable === shim ? 'code-server (test/integration/code-server-shim.mjs)' : executable}: ${why}`);
  if (executable === shim) await ensureCodeServer(); // the cold install (about 3 minutes) happens here, once
  try {
    await runTests({
      vscodeExecutablePath: executable,
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: testsPath,
      launchArgs: [workspace, `--user-data-dir=${join(runDir, 'user-data')}`, `--extensions-dir=${join(runDir, 'extensions')}`],
    });
    console.log(`integration tests passed (${((Date.now() - started) / 1000).toFixed(0)} s)`);
    return 0;
  } catch (error) {
    console.error(`integration tests failed: ${error instanceof Error ? error.message : error}`);
    return 1;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(
    (code) => process.exit(code),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
