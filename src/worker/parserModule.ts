/**
 * The parser for the host's own thread (small bodies), loaded from dist/parseWorker.js on first use.
 * A plain require that esbuild keeps external (scripts/build.mjs), as for the Browserbase sessions
 * feature: the extension's bundle stays small, and the parser ships once, in the worker's bundle.
 */
import type * as ParseWorkerModule from './parseWorker';

let loaded: typeof ParseWorkerModule | undefined;

export function parserModule(): typeof ParseWorkerModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= require('./parseWorker') as typeof ParseWorkerModule;
  return loaded;
}
