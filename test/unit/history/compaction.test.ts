/**
 * Compaction reads a day file as a stream: the same buckets as summarizing the whole file at once
 * (revisions, flags, damage, a torn tail, lines cut across chunks), and a day far larger than the
 * heap allows to load is compacted in a process with a small heap.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { summarizeDay } from '../../../src/history/compaction';
import { downsample } from '../../../src/history/downsample';
import { describeSample, encodeDescriptor, encodeFullRecord, encodeHeader, parseSegment, payloadOf } from '../../../src/history/format';
import { DAY_MS } from '../../../src/history/paths';
import { largeValue } from './fixtures/compactLargeDay';
import { withFolder } from './support';

const FIXTURE = join(__dirname, 'fixtures', 'compactLargeDay.ts');
const DAY = Date.UTC(2024, 4, 1);
const BUCKET = 15 * 60_000;

/** A day file with forward series, revised values, flags, NaN, a damaged line and a torn last line. */
function awkwardDay(): string {
  const lines = [encodeHeader('full', DAY)];
  for (let id = 0; id < 6; id++) lines.push(encodeDescriptor({ ...describeSample({ series: `s${id}`, unit: 'count', labels: { n: String(id) } }), id }));
  for (let step = 0; step < 400; step++) {
    for (let id = 0; id < 6; id++) {
      const value = step === 50 && id === 2 ? Number.NaN : (step * (id + 1)) % 37;
      const flags = step % 97 === 0 ? (['lowConfidence'] as const) : undefined;
      lines.push(encodeFullRecord(id, step * 10_000, payloadOf(value, flags, undefined)));
    }
    if (step % 40 === 3) lines.push(encodeFullRecord(1, (step - 2) * 10_000, payloadOf(-5, ['invalidNegative'], -5)));
    if (step === 120) lines.push('[1,2,3,4,5,6,7]\n');
  }
  return `${lines.join('')}[0,1,`;
}

describe('streaming compaction', () => {
  test('gives the same buckets as summarizing the whole file, whatever the chunk size or batch size', async () => {
    await withFolder(async (folder) => {
      const file = join(folder, 'day.jsonl');
      const text = awkwardDay();
      await writeFile(file, text);
      const whole = parseSegment(await readFile(file), 'full');
      const expected = downsample(whole.records, BUCKET).map(({ descriptor, ...rest }) => ({ key: descriptor.descriptorKey, ...rest }));
      for (const limits of [{}, { chunkBytes: 97 }, { chunkBytes: 4096, batchRecords: 50 }]) {
        const summary = await summarizeDay(file, Buffer.byteLength(text), BUCKET, limits);
        assert.deepEqual(
          summary.buckets.map(({ descriptor, ...rest }) => ({ key: descriptor.descriptorKey, ...rest })),
          expected,
          JSON.stringify(limits),
        );
        assert.deepEqual(summary.badLines, whole.badLines);
        assert.equal(summary.badLineCount, 1);
      }
    });
  });

  test('a day file bigger than the heap could load is compacted in a process with a 64 MB heap', async () => {
    await withFolder(async (folder) => {
      const result = spawnSync(process.execPath, ['--max-old-space-size=64', '--import', 'tsx', FIXTURE, folder, '30'], {
        encoding: 'utf8',
        env: { ...process.env, NODE_OPTIONS: '' },
      });
      assert.equal(result.status, 0, `compaction must finish within the heap: ${result.stderr.slice(0, 400)}`);
      const outcome = JSON.parse(result.stdout.trim()) as {
        written: { bytes: number; steps: number };
        result: { downsampled: number };
        buckets: number;
        s0: { count: number; min: number; max: number; last: number };
        s5: { count: number; min: number; max: number; last: number };
        warnings: string[];
      };
      assert.ok(outcome.written.bytes > 30 * 1024 * 1024);
      assert.equal(outcome.result.downsampled, 1);
      const perBucket = BUCKET / 500;
      // s0 is revised every 50 steps: the revisions (1000 higher) win, as a whole-file summary has it.
      const revisedMax = Math.max(
        ...Array.from({ length: perBucket }, (_unused, step) => (step % 50 === 10 ? largeValue(0, step) + 1000 : largeValue(0, step))),
      );
      assert.deepEqual(outcome.s0, { bucketMs: BUCKET, count: perBucket, min: 0, max: revisedMax, last: largeValue(0, perBucket - 1) });
      assert.deepEqual(outcome.s5, { bucketMs: BUCKET, count: perBucket, min: 0, max: 99, last: largeValue(5, perBucket - 1) });
      assert.equal(outcome.buckets, 2 * Math.ceil((outcome.written.steps * 500) / BUCKET));
      assert.ok(outcome.warnings.some((line) => /unreadable line .*set aside/.test(line)));
      assert.ok(outcome.written.steps * 500 < DAY_MS);
    });
  });
});
