/**
 * History that cannot be written pauses, says why in plain words, and never stops anything else:
 * a folder that cannot be created, a read-only folder, a full disk. Appends resume by themselves once
 * the disk takes them again.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { describeHistoryStatus, describeStorageError, GuardedHistory } from '../../../src/history/historyGuard';
import type { HistoryStore } from '../../../src/history/historyStore';
import { capturingLog, gauge, NOON, openStore, withFolder } from './support';

const FIXTURE = join(__dirname, 'fixtures', 'guardedReadOnly.ts');
const OPTIONS = { fullResolutionDays: 7, downsampledDays: 30 };

/** A real ENOSPC, as the kernel reports it. */
async function realDiskFull(): Promise<NodeJS.ErrnoException | undefined> {
  try {
    await writeFile('/dev/full', 'x');
  } catch (error) {
    return error as NodeJS.ErrnoException;
  }
  return undefined;
}

describe('describeStorageError', () => {
  test('names the failure in plain words, with the code and the path', async () => {
    const full = await realDiskFull();
    if (full) assert.match(describeStorageError(full), /^the disk is full \(ENOSPC/);
    const cases: [Partial<NodeJS.ErrnoException>, RegExp][] = [
      [{ code: 'EACCES', syscall: 'mkdir', path: '/x/history' }, /^no permission to create \/x\/history \(EACCES\)$/],
      [{ code: 'EACCES', syscall: 'open', path: '/x/a.jsonl' }, /^no permission to write \/x\/a\.jsonl \(EACCES\)$/],
      [{ code: 'EROFS', syscall: 'open', path: '/x/a.jsonl' }, /^the file system is read-only \(EROFS, \/x\/a\.jsonl\)$/],
      [{ code: 'ENOTDIR', syscall: 'mkdir', path: '/x/history/p' }, /is a file, not a folder/],
      [{ code: 'ENOENT', syscall: 'mkdir', path: '/gone/history' }, /could not be created: a folder above it is missing/],
      [{ code: 'EFBIG', syscall: 'write' }, /file size limit/],
    ];
    for (const [fields, expected] of cases) assert.match(describeStorageError(Object.assign(new Error('raw'), fields)), expected);
  });
});

describe('GuardedHistory', () => {
  test('a history folder that cannot be created pauses history with the reason; append, query and compact go on without it', async () => {
    await withFolder(async (folder) => {
      const blocked = join(folder, 'history');
      await writeFile(blocked, 'a file where the folder should be');
      const log = capturingLog();
      const history = await GuardedHistory.open(blocked, { ...OPTIONS, log });
      const status = history.status();
      assert.equal(status.state, 'paused');
      assert.match(status.state === 'paused' ? status.reason : '', /is a file, not a folder|already exists and is not a folder/);
      assert.equal(await history.append('c', [gauge('s', NOON, 1)]), undefined);
      assert.deepEqual(await history.query('c', { from: 0, to: NOON }), []);
      assert.deepEqual(await history.latest('c'), []);
      assert.equal(await history.compact(), undefined);
      assert.match(describeHistoryStatus(history.status()) ?? '', /^History paused: .*; live values keep updating/);
      assert.equal(log.warnings.filter((line) => /History paused/.test(line)).length, 1, 'said once, not on every append');
      await history.close();
    });
  });

  test('a read-only history folder pauses history with "no permission", and nothing throws', async () => {
    await withFolder(async (folder) => {
      const readOnly = join(folder, 'readonly');
      await mkdir(readOnly);
      await chmod(readOnly, 0o555);
      await chmod(folder, 0o755);
      // root may write anywhere: the child drops to nobody to see what a normal user sees.
      const asOther = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
      const result = spawnSync(process.execPath, ['--import', 'tsx', FIXTURE, readOnly], {
        encoding: 'utf8',
        env: { ...process.env, TSX_DISABLE_CACHE: '1', NODE_OPTIONS: '' },
        ...asOther,
      });
      assert.equal(result.status, 0, result.stderr);
      const outcome = JSON.parse(result.stdout.trim()) as {
        status: { state: string; reason?: string };
        appended: unknown;
        queried: number;
        warnings: string[];
      };
      assert.equal(outcome.status.state, 'paused');
      assert.match(outcome.status.reason ?? '', /^no permission to (create|write) .*readonly.* \(EACCES\)$/);
      assert.equal(outcome.appended, null);
      assert.equal(outcome.queried, 0);
      assert.doesNotMatch(outcome.warnings.join('\n'), /ENOENT/);
    });
  });

  test('a full disk pauses history with the reason; once the disk takes writes again, the next append after the retry time resumes it', async () => {
    const full = await realDiskFull();
    await withFolder(async (folder) => {
      const clock = { now: NOON };
      let failing: Error | undefined = full ?? Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' });
      const real = await openStore(folder, clock);
      const flaky = new Proxy(real, {
        get(target, property, receiver) {
          if (property === 'append') {
            return async (...args: Parameters<HistoryStore['append']>) => {
              if (failing) throw failing;
              return target.append(...args);
            };
          }
          const value: unknown = Reflect.get(target, property, receiver);
          return typeof value === 'function' ? (value as (...rest: unknown[]) => unknown).bind(target) : value;
        },
      });
      const log = capturingLog();
      const changes: string[] = [];
      const history = await GuardedHistory.open(folder, { ...OPTIONS, log, now: () => clock.now, retryMs: 60_000 }, async () => flaky);
      history.onDidChangeStatus((status) => void changes.push(status.state));
      assert.equal(await history.append('c', [gauge('s', NOON, 1)]), undefined);
      assert.match(describeHistoryStatus(history.status()) ?? '', /^History paused: the disk is full \(ENOSPC/);
      failing = undefined;
      clock.now += 30_000;
      assert.equal(await history.append('c', [gauge('s', clock.now, 2)]), undefined, 'not tried again before the retry time');
      clock.now += 31_000;
      assert.equal((await history.append('c', [gauge('s', clock.now, 3)]))?.written, 1);
      assert.equal(history.status().state, 'recording');
      assert.equal(describeHistoryStatus(history.status()), undefined);
      assert.deepEqual(changes, ['paused', 'recording']);
      assert.ok(log.infos.some((line) => /History recording again/.test(line)));
      await history.close();
    });
  });
});
