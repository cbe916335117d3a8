/**
 * Small hand-written type guards for the checks that run often and on much data: a snapshot another
 * window published (connections/snapshotGuard.ts, on every mirrored poll) and a session's metadata
 * read back from its column (sessionColumns.ts). What a page sends is checked with its protocol's
 * zod/mini schema instead (pageMessages.ts).
 */

export type Guard<T> = (value: unknown) => value is T;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export const isString = (value: unknown): value is string => typeof value === 'string';
export const isNumber = (value: unknown): value is number => typeof value === 'number';
export const isBoolean = (value: unknown): value is boolean => typeof value === 'boolean';
export const isNumberOrNull = (value: unknown): value is number | null => value === null || typeof value === 'number';
export const isFiniteNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
/** A whole number from 0: counts, ids of requests, byte totals. */
export const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/** An identifier a webview may name: a connection, chart or session id, never anything long or odd. */
export function isId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= 200;
}

export function optional<T>(guard: Guard<T>): Guard<T | undefined> {
  return (value): value is T | undefined => value === undefined || guard(value);
}

export function nullish<T>(guard: Guard<T>): Guard<T | null | undefined> {
  return (value): value is T | null | undefined => value === undefined || value === null || guard(value);
}

export function oneOf<T extends string>(values: readonly T[]): Guard<T> {
  return (value): value is T => typeof value === 'string' && (values as readonly string[]).includes(value);
}

/** An array of `guard`'s type, at most `max` long. */
export function arrayOf<T>(guard: Guard<T>, max = Infinity): Guard<T[]> {
  return (value): value is T[] => {
    if (!Array.isArray(value) || value.length > max) return false;
    // A plain loop: chart series carry tens of thousands of numbers.
    for (let index = 0; index < value.length; index++) if (!guard(value[index])) return false;
    return true;
  };
}

/** Deepest nesting a webview may send: the deepest real message (a saved query) has six levels. */
export const MAX_WEBVIEW_MESSAGE_DEPTH = 16;
/**
 * Deepest nesting the host may send a page: snapshots have under ten levels, session metadata up to
 * the server JSON limit (setting liveUsage.limits.maxJsonDepth, at most 512) plus its rows.
 */
export const MAX_HOST_MESSAGE_DEPTH = 600;

/**
 * True when no object or array in `value` sits deeper than `maxDepth` (the value itself is level 1).
 * Iterative, and it stops at the first level too deep: a hostile message can neither overflow the
 * stack nor make the walk long.
 */
export function withinDepth(value: unknown, maxDepth: number): boolean {
  if (typeof value !== 'object' || value === null) return true;
  const pending: [object, number][] = [[value, 1]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [node, depth] = next;
    if (depth > maxDepth) return false;
    const children = Array.isArray(node) ? node : Object.values(node);
    for (const child of children) if (typeof child === 'object' && child !== null) pending.push([child, depth + 1]);
  }
  return true;
}
