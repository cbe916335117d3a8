/**
 * Numbers as the exposition formats write them (Go ParseFloat syntax without hex, binary, octal or
 * `_` separators, as prometheus/common refuses those).
 *
 * Numbers with at most 15 significant digits and a power-of-ten exponent of at most 22 are built
 * from their digits: mantissa and power are then both exact doubles, so one multiplication or
 * division gives the correctly rounded result, identical to Number(). Anything else falls back to
 * Number() on the validated token.
 */
import { DOT, LOWER_E, MINUS, NINE, PLUS, SPACE, TAB, UPPER_E, ZERO } from './chars';

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

/** Below this a mantissa can take one more digit and stay an exact integer double (< 2^53). */
const MANTISSA_LIMIT = 9e14;

export const KIND_INTEGER = 0;
export const KIND_DECIMAL = 1;
export const KIND_SPECIAL = 2;

/**
 * What the last scanNumber call found: `end` is the index after the token, or -1 when it was not a
 * number; `kind` is one of the KIND_ constants. One shared object, so the hot path allocates
 * nothing to return two results.
 */
export const scanned = { end: -1, kind: KIND_INTEGER };

/**
 * Reads a number (decimal, exponent, `[+-]Inf`, `[+-]Infinity`, `NaN`, any case) in `codes` (the
 * code units of `text`) that must end at `end` or at a blank. `shift` multiplies by 10^shift exactly
 * (OpenMetrics seconds to milliseconds).
 */
export function scanNumber(text: string, codes: Uint16Array, start: number, end: number, shift: number): number {
  let p = start;
  let c = codes[p]!;
  let negative = false;
  if (c === MINUS || c === PLUS) {
    negative = c === MINUS;
    p++;
    c = p < end ? codes[p]! : -1;
  }
  let mantissa = 0;
  let digits = 0;
  let exponent = 0;
  let exact = true;
  let kind = KIND_INTEGER;
  while (c >= ZERO && c <= NINE) {
    if (mantissa < MANTISSA_LIMIT) mantissa = mantissa * 10 + (c - ZERO);
    else exact = false;
    digits++;
    c = ++p < end ? codes[p]! : -1;
  }
  if (c === DOT) {
    kind = KIND_DECIMAL;
    c = ++p < end ? codes[p]! : -1;
    while (c >= ZERO && c <= NINE) {
      if (mantissa < MANTISSA_LIMIT) {
        mantissa = mantissa * 10 + (c - ZERO);
        exponent--;
      } else exact = false;
      digits++;
      c = ++p < end ? codes[p]! : -1;
    }
  }
  if (digits === 0) {
    if (kind === KIND_INTEGER) return scanSpecial(codes, p, end, negative, p > start);
    scanned.end = -1;
    return 0;
  }
  if (c === LOWER_E || c === UPPER_E) {
    kind = KIND_DECIMAL;
    c = ++p < end ? codes[p]! : -1;
    let exponentNegative = false;
    if (c === MINUS || c === PLUS) {
      exponentNegative = c === MINUS;
      c = ++p < end ? codes[p]! : -1;
    }
    let value = 0;
    let exponentDigits = 0;
    while (c >= ZERO && c <= NINE) {
      if (value < 100000) value = value * 10 + (c - ZERO);
      exponentDigits++;
      c = ++p < end ? codes[p]! : -1;
    }
    if (exponentDigits === 0) {
      scanned.end = -1;
      return 0;
    }
    exponent += exponentNegative ? -value : value;
  }
  if (p < end && c !== SPACE && c !== TAB) {
    scanned.end = -1;
    return 0;
  }
  scanned.end = p;
  scanned.kind = kind;
  const scale = exponent + shift;
  if (exact && scale >= -22 && scale <= 22) {
    const value = scale === 0 ? mantissa : scale > 0 ? mantissa * POW10[scale]! : mantissa / POW10[-scale]!;
    return negative ? -value : value;
  }
  return Number(text.slice(start, p)) * (shift === 0 ? 1 : POW10[shift]!);
}

/** `inf`, `infinity` (optionally signed) and unsigned `nan`, case-insensitively, as Go's ParseFloat. */
function scanSpecial(codes: Uint16Array, p: number, end: number, negative: boolean, signed: boolean): number {
  let q = p;
  while (q < end) {
    const c = codes[q]!;
    if (c === SPACE || c === TAB) break;
    q++;
  }
  const length = q - p;
  scanned.end = -1;
  if (length === 3 || length === 8) {
    if (lowerIs(codes, p, 'inf') && (length === 3 || lowerIs(codes, p + 3, 'inity'))) {
      scanned.end = q;
      scanned.kind = KIND_SPECIAL;
      return negative ? -Infinity : Infinity;
    }
    if (length === 3 && !signed && lowerIs(codes, p, 'nan')) {
      scanned.end = q;
      scanned.kind = KIND_SPECIAL;
      return NaN;
    }
  }
  return 0;
}

/** Whether the code units at p spell `word` (given in lower case), ignoring ASCII case. */
function lowerIs(codes: Uint16Array, p: number, word: string): boolean {
  for (let i = 0; i < word.length; i++) {
    if ((codes[p + i]! | 0x20) !== word.charCodeAt(i)) return false;
  }
  return true;
}

/** Code units of short strings (label values) for scanNumber; reused so checks allocate nothing. */
let scratch = new Uint16Array(64);

/**
 * The value of a whole string under the exposition's number rules (used for `le` and `quantile`
 * label values), or undefined when it is not a number.
 */
export function parsePrometheusNumber(value: string): number | undefined {
  const length = value.length;
  if (length === 0) return undefined;
  if (scratch.length < length) scratch = new Uint16Array(Math.max(length, scratch.length * 2));
  for (let i = 0; i < length; i++) scratch[i] = value.charCodeAt(i);
  const parsed = scanNumber(value, scratch, 0, length, 0);
  return scanned.end === length ? parsed : undefined;
}

/**
 * An OpenMetrics timestamp (seconds) cut to whole nanoseconds, as a string that is equal for two
 * timestamps exactly when the OpenMetrics reference parser reads them as the same instant. Plain
 * decimals are cut digit by digit (a double would blur nanoseconds at today's epoch); exponent
 * forms, which the reference reads as floats, use their double value.
 */
export function nanosecondKey(text: string, start: number, end: number): string {
  let p = start;
  let sign = '';
  const first = text.charCodeAt(p);
  if (first === MINUS || first === PLUS) {
    if (first === MINUS) sign = '-';
    p++;
  }
  const dot = text.indexOf('.', p);
  const integerEnd = dot === -1 || dot > end ? end : dot;
  for (let i = p; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === LOWER_E || c === UPPER_E) return `f${Number(text.slice(start, end))}`;
  }
  let integer = text.slice(p, integerEnd).replace(/^0+/, '');
  if (integer === '') integer = '0';
  const fraction = integerEnd < end ? text.slice(integerEnd + 1, Math.min(end, integerEnd + 10)).padEnd(9, '0') : '000000000';
  const zero = integer === '0' && fraction === '000000000';
  return `${zero ? '' : sign}${integer}.${fraction}`;
}
