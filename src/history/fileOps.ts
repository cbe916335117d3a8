/**
 * The few file operations history needs, each with the property it relies on: appends of whole
 * buffers to a file the caller has verified, replacements that are atomic, and renames that survive
 * Windows refusing to replace a file another window is reading at that moment.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { copyFile, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';

export function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

export async function readIfExists(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

export async function listIfExists(folder: string): Promise<string[]> {
  try {
    return await readdir(folder);
  } catch (error) {
    if (isMissing(error)) return [];
    throw error;
  }
}

export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if (isMissing(error)) return false;
    throw error;
  }
}

export async function unlinkIfExists(path: string): Promise<boolean> {
  try {
    await unlink(path);
    return true;
  } catch (error) {
    if (isMissing(error)) return false;
    throw error;
  }
}

/** Identity of a file as last seen: a different inode or size means someone else changed it. */
export interface FileIdentity {
  readonly ino: number;
  readonly size: number;
}

export async function identityOf(path: string): Promise<FileIdentity | undefined> {
  try {
    const { ino, size } = await stat(path);
    return { ino, size };
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

/**
 * Appends `data` with O_APPEND, but only if the file is still what the caller last saw (undefined:
 * absent or empty). Whole lines go in one write call, so a kill leaves at most one torn line at the
 * end; a write that fails part way is truncated back, so a failed append leaves the file as it was.
 * Returns undefined, writing nothing, when the file changed underneath.
 */
export async function appendIfUnchanged(path: string, data: Buffer, expected: FileIdentity | undefined): Promise<FileIdentity | undefined> {
  const handle = await open(path, 'a');
  try {
    const { ino, size } = await handle.stat();
    const unchanged = expected === undefined ? size === 0 : expected.ino === ino && expected.size === size;
    if (!unchanged) return undefined;
    let written = 0;
    try {
      // A regular file takes the whole buffer in one call; the loop only matters for a short write
      // (a full disk, a file size limit), which the next write call then fails.
      while (written < data.length) {
        const { bytesWritten } = await handle.write(data, written, data.length - written);
        written += bytesWritten;
      }
    } catch (error) {
      // All or nothing: what part of the batch got in is taken back out, so no half of it stays.
      if (written > 0) await handle.truncate(size).catch(() => undefined);
      throw error;
    }
    return { ino, size: size + data.length };
  } finally {
    await handle.close();
  }
}

function temporaryPath(path: string): string {
  return `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
}

const RENAME_RETRY_CODES = new Set(['EPERM', 'EACCES', 'EBUSY']);

/** Windows refuses to replace a file that another process has open for a moment: retry briefly. */
export async function renameWithRetry(from: string, to: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await rename(from, to);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      if (attempt >= 8 || !RENAME_RETRY_CODES.has(code) || process.platform !== 'win32') throw error;
      await delay(15 * (attempt + 1));
    }
  }
}

/**
 * Replaces `path` with `data` so that a reader (or a crash) sees either the old file or the new one,
 * never a mix: write a temporary file, flush it, rename it over. The flush makes the rename mean
 * "the data is there" even after a power cut.
 */
export async function writeAtomically(path: string, data: Buffer | string): Promise<FileIdentity> {
  const temporary = temporaryPath(path);
  try {
    const handle = await open(temporary, 'wx');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await renameWithRetry(temporary, path);
  } catch (error) {
    await unlinkIfExists(temporary).catch(() => undefined);
    throw error;
  }
  const identity = await identityOf(path);
  if (identity === undefined) throw new Error(`${path} vanished right after it was written`);
  return identity;
}

/**
 * Keeps a copy of a file beside it without ever leaving the original path empty, and never over an
 * earlier copy (a second one within the same millisecond gets a suffix). Returns the copy's path.
 */
export async function copyAside(path: string, asidePath: string): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const target = attempt === 0 ? asidePath : `${asidePath}-${attempt}`;
    try {
      await copyFile(path, target, constants.COPYFILE_EXCL);
      return target;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 100) throw error;
    }
  }
}

/**
 * Undoes an append: cuts `path` back to `size`, but only while it is still the file that append wrote
 * (same inode, no shorter than that), so another window's replacement is never touched.
 */
export async function truncateIfSame(path: string, identity: FileIdentity, size: number): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    const current = await handle.stat();
    if (current.ino === identity.ino && current.size >= size) await handle.truncate(size);
  } finally {
    await handle.close();
  }
}
