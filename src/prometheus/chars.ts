/**
 * Character classes and small scanning helpers shared by the exposition scanner. The scanner reads
 * the text as UTF-16 code units from a Uint16Array (see codeUnitsOf), so everything here works on
 * code unit numbers, never on substrings.
 */

export const TAB = 9;
export const LF = 10;
export const CR = 13;
export const SPACE = 32;
export const QUOTE = 34;
export const HASH = 35;
export const PLUS = 43;
export const COMMA = 44;
export const MINUS = 45;
export const DOT = 46;
export const ZERO = 48;
export const NINE = 57;
export const EQUALS = 61;
export const UPPER_E = 69;
export const BACKSLASH = 92;
export const LOWER_E = 101;
export const LOWER_N = 110;
export const LBRACE = 123;
export const RBRACE = 125;

export const NAME_START = 1;
export const NAME_CHAR = 2;
export const LABEL_START = 4;
export const LABEL_CHAR = 8;

/** ASCII classes for metric names `[a-zA-Z_:][a-zA-Z0-9_:]*` and label names `[a-zA-Z_][a-zA-Z0-9_]*`. */
export const CHAR_CLASS = ((): Uint8Array => {
  const table = new Uint8Array(128);
  for (let c = 0; c < 128; c++) {
    const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
    const digit = c >= ZERO && c <= NINE;
    if (letter) table[c] = NAME_START | NAME_CHAR | LABEL_START | LABEL_CHAR;
    else if (digit) table[c] = NAME_CHAR | LABEL_CHAR;
    else if (c === 58) table[c] = NAME_START | NAME_CHAR;
  }
  return table;
})();

export function skipBlanks(codes: Uint16Array, p: number, end: number): number {
  while (p < end) {
    const c = codes[p]!;
    if (c !== SPACE && c !== TAB) break;
    p++;
  }
  return p;
}

export function trimEndBlanks(codes: Uint16Array, start: number, end: number): number {
  while (end > start) {
    const c = codes[end - 1]!;
    if (c !== SPACE && c !== TAB) break;
    end--;
  }
  return end;
}

export function isBlank(codes: Uint16Array, start: number, end: number): boolean {
  return skipBlanks(codes, start, end) === end;
}

/**
 * The code units of a string. Node's utf16le encoder copies a flat string at memory speed (both
 * one-byte and two-byte strings, lone surrogates included); elsewhere a loop does the same.
 */
export function codeUnitsOf(text: string): Uint16Array {
  if (typeof Buffer !== 'undefined') {
    const bytes = Buffer.from(text, 'utf16le');
    // Small buffers come from a shared pool and may start at an odd offset; those are copied below.
    if ((bytes.byteOffset & 1) === 0) return new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.length >> 1);
  }
  const codes = new Uint16Array(text.length);
  for (let i = 0; i < text.length; i++) codes[i] = text.charCodeAt(i);
  return codes;
}

export function describeChar(c: number): string {
  if (c < 0) return 'end of line';
  return JSON.stringify(String.fromCharCode(c));
}

/** The token at p (up to the next blank), quoted and shortened, for an error message. */
export function quoteToken(text: string, codes: Uint16Array, p: number, end: number): string {
  let q = p;
  while (q < end && q - p < 40) {
    const c = codes[q]!;
    if (c === SPACE || c === TAB) break;
    q++;
  }
  return JSON.stringify(text.slice(p, q));
}

/** How many code points (not UTF-16 units) a string has: surrogate pairs count once. */
export function codePointLength(value: string): number {
  let length = value.length;
  for (let i = 0; i < value.length - 1; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        length--;
        i++;
      }
    }
  }
  return length;
}
