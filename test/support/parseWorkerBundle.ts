/**
 * The parser worker as the extension ships it: built once per test process with esbuild into a temp
 * folder (removed at exit), so worker tests run the real bundle rather than the TypeScript source.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as esbuild from 'esbuild';

let folder: string | undefined;
let built: Promise<string> | undefined;

function tempFolder(): string {
  if (folder === undefined) {
    folder = mkdtempSync(path.join(tmpdir(), 'live-usage-worker-'));
    const created = folder;
    process.once('exit', () => rmSync(created, { recursive: true, force: true }));
  }
  return folder;
}

/** Path of dist-style parseWorker.js built from src/worker/parseWorker.ts. */
export function parseWorkerBundle(): Promise<string> {
  built ??= (async () => {
    const outfile = path.join(tempFolder(), 'parseWorker.js');
    await esbuild.build({
      entryPoints: [path.join(__dirname, '../../src/worker/parseWorker.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node18',
      outfile,
      logLevel: 'warning',
    });
    return outfile;
  })();
  return built;
}

/** A small worker script written for a test (a worker that hangs, crashes or exits). */
export function workerScript(name: string, code: string): string {
  const dir = path.join(tempFolder(), 'scripts');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.js`);
  writeFileSync(file, code);
  return file;
}
