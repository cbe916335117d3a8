/**
 * Where a connection's history lives on disk, and the UTC day arithmetic that names its files.
 * Plain Node: no `vscode`.
 */
import { join } from 'node:path';

export const DAY_MS = 86_400_000;

/** The same rule the `liveUsage.connections` setting enforces on `id`. */
const CONNECTION_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** Names Windows refuses for a file or folder whatever the case or extension. */
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/i;

/** Refuses an id that could leave the history folder or name something the OS will not create. */
export function assertConnectionId(id: string): void {
  if (typeof id !== 'string' || !CONNECTION_ID.test(id)) {
    throw new TypeError(
      `Not a valid connection id for history: ${JSON.stringify(id)} (letters, digits, - and _, at most 64, starting with a letter or digit).`,
    );
  }
}

/**
 * The folder name of a connection. Ids are case-sensitive but the default file systems of macOS and
 * Windows are not, so `Prod` and `prod` would share a folder (and two writers would corrupt each
 * other's files): an upper-case letter is written as `+` and the letter. `+` never appears in an id,
 * so the mapping is reversible. A Windows device name (`con`, `nul`, …) gets a trailing `+`.
 */
export function connectionFolderName(id: string): string {
  assertConnectionId(id);
  const escaped = id.replace(/[A-Z]/g, (letter) => `+${letter.toLowerCase()}`);
  return WINDOWS_RESERVED.test(escaped) ? `${escaped}+` : escaped;
}

/** The id a folder name stands for, or undefined for a folder that is not a connection's. */
export function connectionIdOfFolder(name: string): string | undefined {
  const id = name.replace(/\+$/, '').replace(/\+([a-z])/g, (_match, letter: string) => letter.toUpperCase());
  // Only a name this module could have produced counts, so stray folders are never taken for ids.
  return CONNECTION_ID.test(id) && connectionFolderName(id) === name ? id : undefined;
}

export type Tier = 'full' | 'agg';

export interface ConnectionPaths {
  readonly root: string;
  readonly full: string;
  readonly agg: string;
}

export function connectionPaths(storeRoot: string, id: string): ConnectionPaths {
  const root = join(storeRoot, connectionFolderName(id));
  return { root, full: join(root, 'full'), agg: join(root, 'agg') };
}

/** Start (epoch ms) of the UTC day holding `at`. */
export function dayStartOf(at: number): number {
  return Math.floor(at / DAY_MS) * DAY_MS;
}

/** `YYYY-MM-DD` of the UTC day starting at `dayStart`. */
export function dayName(dayStart: number): string {
  return new Date(dayStart).toISOString().slice(0, 10);
}

const SEGMENT_NAME = /^(\d{4}-\d{2}-\d{2})\.jsonl$/;
const SET_ASIDE_NAME = /^(\d{4}-\d{2}-\d{2})\.jsonl\.corrupt-/;
const TEMPORARY_NAME = /\.tmp-\d+-[0-9a-f]+$/;

export function segmentFileName(dayStart: number): string {
  return `${dayName(dayStart)}.jsonl`;
}

/** The day start a segment file name stands for, or undefined for any other file. */
export function dayOfSegmentFile(name: string): number | undefined {
  const match = SEGMENT_NAME.exec(name);
  return match?.[1] === undefined ? undefined : parseDay(match[1]);
}

/** The day of a file set aside as corrupt, so retention can delete it with its day. */
export function dayOfSetAsideFile(name: string): number | undefined {
  const match = SET_ASIDE_NAME.exec(name);
  return match?.[1] === undefined ? undefined : parseDay(match[1]);
}

export function isTemporaryFile(name: string): boolean {
  return TEMPORARY_NAME.test(name);
}

/** A file-name-safe timestamp (no `:`, which Windows refuses). */
export function fileStamp(at: number): string {
  return new Date(at).toISOString().replace(/[:.]/g, '-');
}

function parseDay(text: string): number | undefined {
  const at = Date.parse(`${text}T00:00:00.000Z`);
  return Number.isFinite(at) && dayName(at) === text ? at : undefined;
}
