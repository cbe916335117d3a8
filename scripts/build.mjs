// Builds the extension host's bundles (scripts/hostBundles.mjs), the team exporter, and one browser
// bundle per webview surface.
import * as esbuild from 'esbuild';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { bundleDefaults, hostBuildOptions, hostBundleProblems } from './hostBundles.mjs';

const production = process.argv.includes('--production');
const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
const watch = process.argv.includes('--watch');

const common = bundleDefaults(production);

/**
 * The team exporter's bundle loads the parser from the parseWorker.js beside it (built with the host's).
 * @type {esbuild.Plugin}
 */
const lazyParser = {
  name: 'lazy-parser',
  setup: (build) => build.onResolve({ filter: /^\.\/parseWorker$/ }, () => ({ path: './parseWorker.js', external: true })),
};

/** @type {esbuild.BuildOptions[]} */
const targets = [
  // dist/extension.js, dist/parseWorker.js and dist/palette.js: scripts/hostBundles.mjs.
  hostBuildOptions({ production }),
  {
    ...common,
    // The team exporter (package.json `bin`): undici included, the parser in the parseWorker.js beside
    // it, so `npx live-usage-exporter` and the container need nothing installed but those two files.
    // Neither the exporter nor its use of them is in the .vsix (.vscodeignore lists what is).
    entryPoints: { exporter: 'src/exporter/main.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
    define: { LIVE_USAGE_VERSION: JSON.stringify(version) },
    plugins: [lazyParser],
  },
  {
    ...common,
    entryPoints: {
      sidebar: 'webview/sidebar/main.ts',
      panel: 'webview/panel/main.ts',
      sessions: 'webview/sessions/main.ts',
    },
    outdir: 'dist/webview',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  },
];

if (!watch) rmSync('dist', { recursive: true, force: true });
if (!existsSync('dist')) mkdirSync('dist');

// The codicon font the webviews' icons use, beside the bundles: a webview may only load files under
// its localResourceRoots (dist/webview and media).
mkdirSync('dist/webview', { recursive: true });
for (const file of ['codicon.css', 'codicon.ttf']) copyFileSync(`node_modules/@vscode/codicons/dist/${file}`, `dist/webview/${file}`);

if (watch) {
  const contexts = await Promise.all(targets.map((options) => esbuild.context(options)));
  await Promise.all(contexts.map((context) => context.watch()));
  console.log('watching for changes…');
} else {
  const results = await Promise.all(targets.map((options) => esbuild.build(options)));
  chmodSync('dist/exporter.js', 0o755);
  const problems = hostBundleProblems(results[0].metafile);
  if (problems.length > 0) {
    console.error(problems.join('\n'));
    process.exit(1);
  }
  for (const result of results) {
    for (const [file, output] of Object.entries(result.metafile.outputs)) {
      if (file.endsWith('.map')) continue;
      console.log(`${file.padEnd(32)} ${(output.bytes / 1024).toFixed(1).padStart(8)} KB`);
    }
  }
}
