/**
 * Activation cost: time to load the production bundle and run `activate()` against a stand-in
 * `vscode` module (every API call answers with an inert object). Target: under 30 ms, with nothing
 * heavy loaded at start-up. The peer figure is what loading undici eagerly would add.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** The top-level names of the `vscode` API, read from its type declarations. */
function vscodeApiNames(): string[] {
  const declarations = readFileSync('node_modules/@types/vscode/index.d.ts', 'utf8');
  const names = new Set<string>();
  for (const match of declarations.matchAll(/^\s{1,8}export (?:declare )?(?:class|enum|namespace|const|function|let) ([A-Za-z_]+)/gm))
    names.add(match[1] ?? '');
  names.delete('');
  if (names.size < 100) throw new Error(`read only ${names.size} names from @types/vscode: the stand-in would not be faithful`);
  return [...names];
}

const CHILD = `
const Module = require('module');
const { performance } = require('perf_hooks');
const inert = new Proxy(function () {}, {
  get: (_target, property) => (property === 'then' ? undefined : property === Symbol.toPrimitive ? () => '' : inert),
  apply: () => inert,
  construct: () => inert,
  set: () => true,
});
// Every name @types/vscode exports answers with the inert object, so a name the bundle starts reading
// (an enum such as ColorThemeKind) cannot crash the stand-in. Plain own properties, because the
// bundle's CommonJS interop copies the module's own keys.
const api = {};
for (const name of JSON.parse(process.argv[2])) api[name] = inert;
const originalLoad = Module._load;
Module._load = function (request, ...rest) {
  if (request === 'vscode') return api;
  return originalLoad.call(this, request, ...rest);
};
// 'warm': the Node built-ins a VS Code extension host has already loaded before any extension (its
// networking patches http, https, net and tls through @vscode/proxy-agent; crypto, fs, path, os and
// module come with them), so only what Live Usage itself adds is timed. 'cold' times them too.
if (process.argv[3] === 'warm') for (const name of ['http', 'https', 'net', 'tls', 'crypto', 'fs', 'path', 'os', 'module']) require('node:' + name);
const context = { subscriptions: [], secrets: inert, globalState: inert, globalStorageUri: inert, extensionUri: inert, extension: { packageJSON: { version: '0' } } };
const t0 = performance.now();
const extension = require(process.argv[1]);
const t1 = performance.now();
extension.activate(context);
const t2 = performance.now();
const undiciLoaded = Object.keys(require.cache).some((path) => path.includes('node_modules/undici'));
const t3 = performance.now();
require('undici');
const t4 = performance.now();
console.log(JSON.stringify({ load: t1 - t0, activate: t2 - t1, undiciLoaded, undici: t4 - t3 }));
process.exit(0);
`;

export async function runActivationBench(): Promise<void> {
  const build = spawnSync(process.execPath, ['scripts/build.mjs', '--production'], { stdio: 'ignore' });
  if (build.status !== 0) throw new Error('production build failed');
  type Run = { load: number; activate: number; undiciLoaded: boolean; undici: number };
  const runs: Run[] = [];
  const warmRuns: Run[] = [];
  const names = JSON.stringify(vscodeApiNames());
  // Alternating cold and warm processes, so a busy spell of the machine weighs on both alike.
  for (let index = 0; index < 14; index++) {
    const mode = index % 2 === 0 ? 'cold' : 'warm';
    const result = spawnSync(process.execPath, ['-e', CHILD, `${process.cwd()}/dist/extension.js`, names, mode], { encoding: 'utf8' });
    const line = result.stdout.trim().split('\n').at(-1) ?? '';
    if (result.status !== 0 || !line.startsWith('{')) {
      throw new Error(`loading and activating the bundle failed (exit ${String(result.status)}):\n${(result.stderr || result.stdout).trim().slice(-2000)}`);
    }
    (mode === 'cold' ? runs : warmRuns).push(JSON.parse(line) as Run);
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
  const load = median(runs.map((run) => run.load));
  const activate = median(runs.map((run) => run.activate));
  const undici = median(runs.map((run) => run.undici));
  const warm = median(warmRuns.map((run) => run.load + run.activate));
  console.log('\n## Activation (median of 7 fresh processes, production bundle)\n');
  console.log(`${'measure'.padEnd(46)} ${'ms'.padStart(8)}  target`);
  console.log(`${'load dist/extension.js'.padEnd(46)} ${load.toFixed(1).padStart(8)}`);
  console.log(`${'activate()'.padEnd(46)} ${activate.toFixed(1).padStart(8)}  < 30 ${activate < 30 ? 'met' : 'MISSED'}`);
  console.log(`${'load + activate, fresh Node process'.padEnd(46)} ${(load + activate).toFixed(1).padStart(8)}`);
  console.log(
    `${"load + activate, the host's built-ins loaded".padEnd(46)} ${warm.toFixed(1).padStart(8)}  < 30 ${warm < 30 ? 'met' : 'MISSED'} (what an extension host pays)`,
  );
  console.log(
    `${'peer: undici loaded eagerly (avoided)'.padEnd(46)} ${undici.toFixed(1).padStart(8)}  ${runs.some((run) => run.undiciLoaded) ? 'LOADED at activation' : 'not loaded at activation'}`,
  );
}
