/**
 * A depth limit on JSON text from servers, applied before JSON.parse. Parsing is fine with deep input,
 * but everything after it is not: JSON.stringify, structured cloning to a webview and any recursive
 * walk overflow the stack past a few thousand levels, and a body of millions of `[` makes the parser
 * build millions of arrays. One pass over the text, constant memory, no parse.
 */

export interface DepthLimitedJson {
  /** The text, with every container deeper than the limit replaced by a marker string. */
  readonly text: string;
  /** How many containers were replaced. */
  readonly pruned: number;
}

export class UnclosedDeepJson extends Error {
  constructor(readonly maxDepth: number) {
    super(`nested deeper than ${maxDepth} levels and never closes`);
  }
}

export const DEFAULT_MAX_JSON_DEPTH = 64;

export function depthMarker(maxDepth: number): string {
  return `[nested deeper than ${maxDepth} levels: not read]`;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

/**
 * Replaces each object or array that starts deeper than `maxDepth` (the top level is depth 1) by a
 * marker string, so the rest of the document is read as sent. Throws UnclosedDeepJson when a replaced
 * part never closes: that body is malformed, and parsing it would be the expensive part. Other
 * malformations are left for JSON.parse to report.
 */
export function limitJsonDepth(text: string, maxDepth: number): DepthLimitedJson {
  let depth = 0;
  let inString = false;
  let skipFrom = -1;
  let skipDepth = 0;
  let copiedUpTo = 0;
  let pruned = 0;
  const parts: string[] = [];
  const marker = JSON.stringify(depthMarker(maxDepth));
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === BACKSLASH) index++;
      else if (code === QUOTE) inString = false;
      continue;
    }
    if (code === QUOTE) {
      inString = true;
    } else if (code === OPEN_OBJECT || code === OPEN_ARRAY) {
      depth++;
      if (depth > maxDepth && skipFrom < 0) {
        skipFrom = index;
        skipDepth = depth;
      }
    } else if (code === CLOSE_OBJECT || code === CLOSE_ARRAY) {
      if (skipFrom >= 0 && depth === skipDepth) {
        parts.push(text.slice(copiedUpTo, skipFrom), marker);
        copiedUpTo = index + 1;
        skipFrom = -1;
        pruned++;
      }
      depth--;
    }
  }
  if (skipFrom >= 0) throw new UnclosedDeepJson(maxDepth);
  if (pruned === 0) return { text, pruned };
  parts.push(text.slice(copiedUpTo));
  return { text: parts.join(''), pruned };
}
