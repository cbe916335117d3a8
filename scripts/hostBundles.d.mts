// Types of scripts/hostBundles.mjs for the TypeScript tests that build and run the host bundles.
import type { BuildOptions, Metafile } from 'esbuild';

export function bundleDefaults(production: boolean): BuildOptions;
export function hostBuildOptions(options: { readonly production: boolean; readonly outdir?: string }): BuildOptions;
export function inputsOf(metafile: Metafile, entryPoint: string): Metafile['outputs'][string]['inputs'];
export function hostBundleProblems(metafile: Metafile): string[];
