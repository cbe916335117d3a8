import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { parseSegment } from '../../../src/history/format';
import { connectionPaths } from '../../../src/history/paths';
import { crashBatch, SAMPLES_PER_BATCH } from './fixtures/appendForever';
import { capturingLog, HOUR, namesIn, openStore, withFolder } from './support';

const CHILD = join(__dirname, 'fixtures', 'appendForever.ts');
const ROUNDS = 4;
const BATCH_STRIDE = 100_000;

interface RoundOutcome {
  readonly reported: number[];
  readonly stderr: string;
  readonly killedAfterMs: number;
  readonly readsWhileWriting: number;
}

/** Runs the child until a random moment after it starts appending, then SIGKILLs it. */
async function killedChild(folder: string, firstBatch: number, baseTime: number, onWhileRunning: () => Promise<void>): Promise<RoundOutcome> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, folder, String(firstBatch), String(baseTime)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  while (!stdout.includes('ready\n')) {
    if (child.exitCode !== null) throw new Error(`child exited early: ${stderr}`);
    await delay(5);
  }
  // Until the first append is through, then anywhere in the next 150 ms.
  while (!stdout.includes('ok ')) await delay(1);
  const killedAfterMs = 5 + Math.floor(Math.random() * 150);
  const deadline = Date.now() + killedAfterMs;
  let readsWhileWriting = 0;
  while (Date.now() < deadline) {
    await onWhileRunning();
    readsWhileWriting++;
  }
  child.kill('SIGKILL');
  await exited;
  const reported = [...stdout.matchAll(/^ok (\d+)$/gm)].map((match) => Number(match[1]));
  return { reported, stderr, killedAfterMs, readsWhileWriting };
}

describe('HistoryStore: a writer killed with SIGKILL', () => {
  test('loses no append it reported, never corrupts earlier data, and the store reopens cleanly', async (t) => {
    await withFolder(async (folder) => {
      const baseTime = Date.now() - HOUR;
      const clock = { now: Date.now() };
      const readerLog = capturingLog();
      const reader = await openStore(folder, clock, readerLog);
      const all = { from: baseTime, to: baseTime + (ROUNDS + 1) * BATCH_STRIDE * SAMPLES_PER_BATCH };
      const reportedByRound: number[][] = [];

      for (let round = 0; round < ROUNDS; round++) {
        const firstBatch = round * BATCH_STRIDE;
        let seen = 0;
        // Another window reading while the child appends: counts only grow and every sample is whole.
        const outcome = await killedChild(folder, firstBatch, baseTime, async () => {
          clock.now = Date.now();
          const samples = await reader.query('crash', all);
          assert.ok(samples.length >= seen, 'a reader never sees samples disappear');
          seen = samples.length;
        });
        const context = `round ${round}, killed ${outcome.killedAfterMs} ms in, after ${outcome.reported.length} appends`;
        t.diagnostic(context);
        assert.equal(outcome.stderr, '', `the child logged no warnings (${context})`);
        assert.ok(outcome.reported.length > 0, context);
        assert.ok(outcome.readsWhileWriting > 0, context);
        reportedByRound.push(outcome.reported);

        // Every batch ever reported, from this round and the earlier ones, is there in full.
        clock.now = Date.now();
        const byValue = new Map((await reader.query('crash', all)).map((sample) => [sample.value, sample]));
        for (const [earlier, reported] of reportedByRound.entries()) {
          for (const batch of reported) {
            for (const expected of crashBatch(batch, baseTime)) {
              assert.deepEqual(byValue.get(expected.value), expected, `batch ${batch} of round ${earlier} (${context})`);
            }
          }
        }
        // Beyond the last reported batch, only the one in flight can have left anything.
        const last = Math.max(...outcome.reported);
        for (const sample of byValue.values()) {
          const batch = Math.floor((sample.value ?? 0) / 1000);
          if (batch >= firstBatch && batch < firstBatch + BATCH_STRIDE) assert.ok(batch <= last + 1, `batch ${batch} was never started (${context})`);
        }
      }
      assert.deepEqual(readerLog.warnings, [], 'a reader never took a torn tail for damage');

      // The next writer (this process) repairs whatever tail the last kill left and appends cleanly.
      const writerLog = capturingLog();
      clock.now = Date.now();
      const writer = await openStore(folder, clock, writerLog);
      const extra = crashBatch(ROUNDS * BATCH_STRIDE, baseTime);
      assert.equal((await writer.append('crash', extra)).written, SAMPLES_PER_BATCH);
      assert.deepEqual(writerLog.warnings, [], 'no file was set aside: nothing was corrupt');
      const fullFolder = connectionPaths(folder, 'crash').full;
      for (const name of await namesIn(fullFolder)) {
        assert.match(name, /^\d{4}-\d{2}-\d{2}\.jsonl$/, 'only day files');
        const parsed = parseSegment(await readFile(join(fullFolder, name)), 'full');
        assert.deepEqual(parsed.badLines, [], name);
        assert.equal(parsed.tornTail, false, name);
      }
      const total = reportedByRound.flat().length;
      assert.ok((await writer.query('crash', all)).length >= (total + 1) * SAMPLES_PER_BATCH);
      await writer.close();
      await reader.close();
    });
  });
});
