/**
 * `npm run bench`: every benchmark section, one after another. Each section prints its own table
 * with our figures beside a peer or a target; nothing here asserts, because timings depend on the
 * machine. (A function rather than top-level await: tsx runs this file as CommonJS.)
 * `npm run bench -- parser sizes` runs only the named sections.
 */
import { runActivationBench } from './activationBench';
import { runHistoryBench } from './historyBench';
import { runLimitsBench } from './limitsBench';
import { runParserBench } from './parserBench';
import { runPollingBench } from './pollingBench';
import { runSizeBench } from './sizeBench';
import { runWebviewBench } from './webviewBench';

const SECTIONS: Record<string, () => Promise<void>> = {
  parser: runParserBench,
  sizes: runSizeBench,
  activation: runActivationBench,
  polling: runPollingBench,
  history: runHistoryBench,
  webview: runWebviewBench,
  limits: runLimitsBench,
};

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  for (const [name, run] of Object.entries(SECTIONS)) {
    if (wanted.length > 0 && !wanted.includes(name)) continue;
    await run();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
