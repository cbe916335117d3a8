/**
 * File primitives for state shared between VS Code windows (separate processes) through a folder:
 * whole-file atomic replace, exclusive create that is atomic *with its content*, and safe file names.
 */
import { randomBytes, createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';

const TEMP_SUFFIX = '.tmp';

/** Temp files start with a dot so listings (leases, snapshots) can skip them by name. */
function tempPathFor(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`);
}

export function isTempName(name: string): boolean {
  return name.startsWith('.') && name.endsWith(TEMP_SUFFIX);
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : undefined;
}

export function isNotFound(error: unknown): boolean {
  return errorCode(error) === 'ENOENT';
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Replaces `target` so that a reader sees the old content or the new one, never a mix: the content
 * goes to a temp file in the same folder, then `rename` swaps it in (atomic on one file system).
 */
export async function writeFileAtomic(target: string, content: string): Promise<void> {
  const temp = tempPathFor(target);
  await fs.writeFile(temp, content, { flag: 'wx' });
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await fs.rename(temp, target);
        return;
      } catch (error) {
        // Windows refuses to replace a file another process has open for a moment (a reader).
        const code = errorCode(error);
        if (attempt >= 5 || (code !== 'EPERM' && code !== 'EBUSY' && code !== 'EACCES')) throw error;
        await delay(10 * (attempt + 1));
      }
    }
  } catch (error) {
    await fs.unlink(temp).catch(() => undefined);
    throw error;
  }
}

/**
 * Creates `target` with `content` only if it does not exist; returns false when it does. `link` is
 * atomic and the file appears complete, so no other process can read it half written. File systems
 * without hard links fall back to an O_EXCL create (readers then treat an unreadable file as young).
 */
export async function createExclusive(target: string, content: string): Promise<boolean> {
  const temp = tempPathFor(target);
  await fs.writeFile(temp, content, { flag: 'wx' });
  try {
    await fs.link(temp, target);
    return true;
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    try {
      await fs.writeFile(target, content, { flag: 'wx' });
      return true;
    } catch (fallbackError) {
      if (errorCode(fallbackError) === 'EEXIST') return false;
      throw fallbackError;
    }
  } finally {
    await fs.unlink(temp).catch(() => undefined);
  }
}

export async function readJsonFile(target: string): Promise<unknown> {
  try {
    return JSON.parse(await fs.readFile(target, 'utf8')) as unknown;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    if (error instanceof SyntaxError) return undefined;
    throw error;
  }
}

const SAFE_CHARACTER = /[a-z0-9_-]/;
const MAX_NAME_LENGTH = 100;

/**
 * A file-name-safe, injective encoding of a connection id. Upper case is escaped too, because
 * Windows and macOS folders are case-insensitive and `Prod` and `prod` are different connections;
 * the `c-` prefix keeps names like `con` or `nul` away from Windows' reserved device names.
 */
export function fileNameFor(key: string): string {
  let encoded = '';
  for (const byte of Buffer.from(key, 'utf8')) {
    const character = String.fromCharCode(byte);
    encoded += byte < 0x80 && SAFE_CHARACTER.test(character) ? character : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  if (encoded.length > MAX_NAME_LENGTH) {
    encoded = `${encoded.slice(0, 40)}~${createHash('sha256').update(key).digest('hex').slice(0, 32)}`;
  }
  return `c-${encoded}`;
}
