// `npm run size`: builds the host bundles as they ship (production, in memory) and prints each one's
// size against its budget and the sources that weigh most in it, from esbuild's metafile.
// `npm run size -- 40` lists 40 sources a bundle (default 15).
import * as esbuild from 'esbuild';
import { hostBuildOptions, hostBundleProblems, inputsOf } from './hostBundles.mjs';

// The extension bundle's budget (what activation loads); the others are loaded on first use.
const BUDGETS_KB = { 'src/extension.ts': 300, 'src/worker/parseWorker.ts': 60, 'src/commands/palette.ts': undefined };
const top = Number(process.argv[2] ?? 15);

const result = await esbuild.build({ ...hostBuildOptions({ production: true }), write: false });
const kb = (bytes) => (bytes / 1024).toFixed(1).padStart(7);
let over = false;
for (const [entryPoint, budget] of Object.entries(BUDGETS_KB)) {
  const output = Object.entries(result.metafile.outputs).find(([, candidate]) => candidate.entryPoint === entryPoint);
  if (!output) throw new Error(`no bundle was built from ${entryPoint}`);
  const [file, { bytes }] = output;
  const verdict = budget === undefined ? 'loaded on first use' : bytes / 1024 <= budget ? `budget ${budget} KB: met` : `budget ${budget} KB: MISSED`;
  over ||= budget !== undefined && bytes / 1024 > budget;
  console.log(`\n${file.replace(/^.*?dist\//, 'dist/')} ${kb(bytes)} KB  ${verdict}`);
  // Grouped by folder first: where a reduction would have to come from.
  const inputs = Object.entries(inputsOf(result.metafile, entryPoint));
  const folders = new Map();
  for (const [path, { bytesInOutput }] of inputs) {
    const folder = path.split('/').slice(0, 2).join('/');
    folders.set(folder, (folders.get(folder) ?? 0) + bytesInOutput);
  }
  console.log(
    `  by folder: ${[...folders]
      .sort((a, b) => b[1] - a[1])
      .map(([folder, bytes]) => `${folder} ${kb(bytes).trim()}`)
      .join(', ')}`,
  );
  for (const [path, { bytesInOutput }] of inputs.sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput).slice(0, top))
    console.log(`  ${kb(bytesInOutput)}  ${path}`);
}
const problems = hostBundleProblems(result.metafile);
for (const problem of problems) console.error(problem);
if (over || problems.length > 0) process.exitCode = 1;
