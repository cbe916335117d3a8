/**
 * The history store when the disk says no: a write that fails part way leaves nothing of its batch
 * (all or nothing, across days too), and real failures (a file size limit, /dev/full, a file where the
 * folder should be) come back in plain words.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseSegment } from '../../../src/history/format';
import { connectionPaths } from '../../../src/history/paths';
import { limitBatch } from './fixtures/appendUnderLimit';
import { DAY, NOON, withFolder } from './support';

const FIXTURE = join(__dirname, 'fixtures', 'appendUnderLimit.ts');

/** Runs the fixture under an 8 KiB file size limit: the first batch fits, the second (hundreds of KB) is cut part way through its write. */
function appendUnderLimit(folder: string, mode?: 'twoDays'): { first: { written: number }; failure?: string } {
  const result = spawnSync(
    'bash',
    ['-c', 'ulimit -f 8 && exec "$0" --import tsx "$@"', process.execPath, FIXTURE, folder, String(NOON), ...(mode ? [mode] : [])],
    { encoding: 'utf8', env: { ...process.env, TSX_DISABLE_CACHE: '1', NODE_OPTIONS: '' } },
  );
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout.trim()) as { first: { written: number }; failure?: string };
}

async function recordsOf(file: string): Promise<(number | null)[]> {
  const parsed = parseSegment(await readFile(file), 'full');
  assert.equal(parsed.tornTail, false, 'no torn line is left behind');
  assert.deepEqual(parsed.badLines, []);
  return parsed.records.map((record) => record.value);
}

describe('an append that fails leaves no half-written batch', () => {
  test('a write cut short by the file size limit is undone: the file holds the earlier batch, whole, and nothing of the failed one', async () => {
    await withFolder(async (folder) => {
      const outcome = appendUnderLimit(folder);
      assert.equal(outcome.first.written, 10);
      assert.equal(outcome.failure, 'EFBIG', 'the second append must fail');
      const file = join(connectionPaths(folder, 'limited').full, '2024-05-10.jsonl');
      assert.deepEqual(
        await recordsOf(file),
        limitBatch(1, NOON, 10).map((sample) => sample.value),
      );
    });
  });

  test('a batch over two days whose second day fails takes its first day back out', async () => {
    await withFolder(async (folder) => {
      const outcome = appendUnderLimit(folder, 'twoDays');
      assert.equal(outcome.failure, 'EFBIG');
      const paths = connectionPaths(folder, 'limited');
      assert.deepEqual(
        await recordsOf(join(paths.full, '2024-05-09.jsonl')),
        limitBatch(1, NOON - DAY, 10).map((sample) => sample.value),
        "the day before keeps only its earlier batch: the failed batch's part of it is undone",
      );
      assert.deepEqual(await recordsOf(join(paths.full, '2024-05-10.jsonl')), []);
    });
  });
});
