/**
 * `npm run bench`: every benchmark section, one after another. Each section prints its own table
 * with our figures beside a peer or a target; nothing here asserts, because timings depend on the
 * machine. A section that cannot measure (a build fails, a browser is missing, a child crashes) says
 * why and the run goes on to the next section, then exits non-zero: no figure is ever left over from
 * an earlier run. (A function rather than top-level await: tsx runs this file as CommonJS.)
 * `npm run bench -- parser sizes` runs only the named sections.
 */
import { runActivationBench } from './activationBench';
import { runComputeBench } from './computeBench';
import { runHistoryBench } from './historyBench';
import { runLimitsBench } from './limitsBench';
import { runParserBench } from './parserBench';
import { runPollingBench } from './pollingBench';
import { runSizeBench } from './sizeBench';
import { runTeamBench } from './teamBench';
import { runWebviewBench } from './webviewBench';

const SECTIONS: Record<string, () => Promise<void>> = {
  parser: runParserBench,
  compute: runComputeBench,
  sizes: runSizeBench,
  activation: runActivationBench,
  polling: runPollingBench,
  history: runHistoryBench,
  webview: runWebviewBench,
  limits: runLimitsBench,
  team: runTeamBench,
};

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((name) => !(name in SECTIONS));
  if (unknown.length > 0) {
    console.error(`unknown section(s): ${unknown.join(', ')}; known: ${Object.keys(SECTIONS).join(', ')}`);
    process.exitCode = 2;
    return;
  }
  const failed: string[] = [];
  for (const [name, run] of Object.entries(SECTIONS)) {
    if (wanted.length > 0 && !wanted.includes(name)) continue;
    try {
      await run();
    } catch (error) {
      failed.push(name);
      console.error(`\n## ${name}: COULD NOT MEASURE\n\n${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (failed.length > 0) {
    console.error(`\nbench: ${failed.length} section(s) could not measure: ${failed.join(', ')}`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
