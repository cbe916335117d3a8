// The extension host's bundles and the rules that keep them apart, shared by the build
// (scripts/build.mjs), the size report (scripts/bundle-report.mjs) and the tests that run the built files.
//   dist/extension.js  what activation loads: every registration, the services, polling, the views.
//   dist/parseWorker.js the parser and its worker thread, loaded on the first body that needs it.
//   dist/palette.js    the Command Palette flows and the language model tools' bodies (src/commands/palette.ts),
//                      loaded when one first runs.
// CONTRIBUTING.md ("Where host code goes") says which code belongs where and why.

/** The sibling bundles the host's code `require`s by a relative name, and their files beside it. */
const SIBLINGS = { './parseWorker': './parseWorker.js', './palette': './palette.js' };

/**
 * Keeps `require('./parseWorker')` (src/worker/parserModule.ts) and `require('./palette')`
 * (src/commands/lazyCommands.ts) requires of the sibling bundles instead of inlining them.
 * @type {import('esbuild').Plugin}
 */
const siblingBundles = {
  name: 'sibling-bundles',
  setup: (build) => build.onResolve({ filter: /^\.\/(parseWorker|palette)$/ }, (args) => ({ path: SIBLINGS[args.path], external: true })),
};

/**
 * One copy of the `vscode` API's names for the whole bundle. An external module imported as a
 * namespace gets its own-keys copied (esbuild's __toESM) once per importing file; the API has ~400
 * names and a dozen files import it, which cost ~3 ms of activation. Every `import * as vscode` now
 * reads one module that re-exports the API, so the copy happens once.
 * @type {import('esbuild').Plugin}
 */
const oneVscodeNamespace = {
  name: 'one-vscode-namespace',
  setup: (build) => {
    build.onResolve({ filter: /^vscode$/ }, (args) =>
      args.namespace === 'vscode-api' ? { path: 'vscode', external: true } : { path: 'vscode', namespace: 'vscode-api' },
    );
    build.onLoad({ filter: /^vscode$/, namespace: 'vscode-api' }, () => ({ contents: "export * from 'vscode';", loader: 'js' }));
  },
};

/**
 * The palette flows and the language model tools' bodies: in dist/palette.js, never in
 * dist/extension.js (which activation loads; the tools' registrations, languageModelTools.ts, stay there).
 */
const PALETTE_FLOWS =
  /^src\/(commands\/(palette|connectionCommands|teamConnectionCommands|browserbaseCommands|costPerTagCommand|addConnectionSteps)|tools\/(toolInvocations|browserbaseTools|toolInput|toolAnswers|usageReport))\.ts$/;

/**
 * The only sources dist/palette.js may carry: its own flows and pure helpers (no state, no class the
 * main bundle also has, no schema library). Anything stateful (the log and its known tokens, the
 * token store, settings, the HTTP client, error classes) is lent through CommandHost instead.
 */
const PALETTE_ALLOWED = [
  PALETTE_FLOWS,
  /^src\/connections\/connectionFields\.ts$/,
  /^src\/http\/externalUrl\.ts$/,
  // The export through VS Code's save dialog: one function, also used by the sessions panel.
  /^src\/commands\/saveTextFile\.ts$/,
  /^src\/shared\/(format|samples|metadataQuery|usageByTag|headroom|runawaySessions|costPerTag|exportData|figures)\.ts$/,
  // A quota in the status bar's words (the read-usage tool's), and the id shapes the tools check input against.
  /^src\/quota\/(describeQuota|series)\.ts$/,
  /^src\/providers\/idShapes\.ts$/,
  // The `vscode` API itself, re-exported once (oneVscodeNamespace): no state of ours.
  /^vscode-api:vscode$/,
];

/**
 * What every bundle of the project is built with (the host's, the exporter's, the webviews').
 * @param {boolean} production
 * @returns {import('esbuild').BuildOptions}
 */
export function bundleDefaults(production) {
  return { bundle: true, minify: production, sourcemap: production ? false : 'linked', legalComments: 'none', logLevel: 'warning', metafile: true };
}

/**
 * esbuild options of the host bundles (dist/extension.js, dist/parseWorker.js, dist/palette.js).
 * @param {{ production: boolean, outdir?: string }} options
 * @returns {import('esbuild').BuildOptions}
 */
export function hostBuildOptions({ production, outdir = 'dist' }) {
  return {
    ...bundleDefaults(production),
    entryPoints: {
      extension: 'src/extension.ts',
      // The worker thread that reads large bodies off the host's thread (src/worker/).
      parseWorker: 'src/worker/parseWorker.ts',
      palette: 'src/commands/palette.ts',
    },
    outdir,
    platform: 'node',
    format: 'cjs',
    target: 'node18',
    // undici stays external: bundled it would be ~0.5 MB minified. It ships in the .vsix instead.
    external: ['vscode', 'undici'],
    plugins: [siblingBundles, oneVscodeNamespace],
  };
}

/** The inputs of the output built from `entryPoint`, by source path. */
export function inputsOf(metafile, entryPoint) {
  const output = Object.values(metafile.outputs).find((candidate) => candidate.entryPoint === entryPoint);
  if (!output) throw new Error(`no bundle was built from ${entryPoint}`);
  return output.inputs;
}

/**
 * Why the host bundles break the palette's rules, one line each (none when they keep them): the
 * palette bundle carries only allowed sources, and the extension bundle none of the palette's flows.
 * @param {import('esbuild').Metafile} metafile
 * @returns {string[]}
 */
export function hostBundleProblems(metafile) {
  const problems = [];
  for (const path of Object.keys(inputsOf(metafile, 'src/commands/palette.ts'))) {
    if (!PALETTE_ALLOWED.some((pattern) => pattern.test(path)))
      problems.push(`dist/palette.js must not carry ${path}: lend what it is used for through CommandHost (src/commands/commandHost.ts)`);
  }
  for (const path of Object.keys(inputsOf(metafile, 'src/extension.ts'))) {
    if (PALETTE_FLOWS.test(path)) problems.push(`dist/extension.js must not carry ${path}: it is loaded from dist/palette.js on first use`);
  }
  return problems;
}
