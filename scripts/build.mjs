// Builds one Node bundle for the extension host and one browser bundle per webview surface.
import * as esbuild from 'esbuild';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

const production = process.argv.includes('--production');
const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
const watch = process.argv.includes('--watch');

/** @type {esbuild.BuildOptions} */
const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
};

/**
 * Keeps `require('./parseWorker')` (src/worker/parserModule.ts) a require of the worker's own bundle:
 * the parser ships once, in dist/parseWorker.js, loaded on the host's thread only when first needed.
 * @type {esbuild.Plugin}
 */
const lazyParser = {
  name: 'lazy-parser',
  setup: (build) => build.onResolve({ filter: /^\.\/parseWorker$/ }, () => ({ path: './parseWorker.js', external: true })),
};

/** @type {esbuild.BuildOptions[]} */
const targets = [
  {
    ...common,
    // parseWorker: the worker thread that reads large bodies off the host's thread (src/worker/).
    entryPoints: {
      extension: 'src/extension.ts',
      parseWorker: 'src/worker/parseWorker.ts',
    },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node18',
    // undici stays external: bundled it would be ~0.5 MB minified. It ships in the .vsix instead.
    external: ['vscode', 'undici'],
    plugins: [lazyParser],
  },
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
  for (const result of results) {
    for (const [file, output] of Object.entries(result.metafile.outputs)) {
      if (file.endsWith('.map')) continue;
      console.log(`${file.padEnd(32)} ${(output.bytes / 1024).toFixed(1).padStart(8)} KB`);
    }
  }
}
