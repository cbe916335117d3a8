/**
 * Parser for the Prometheus text exposition format (0.0.4) and OpenMetrics 1.0 text.
 *
 * Design constraints, because scrape bodies can be megabytes and are parsed on every poll:
 * - One pass over the text's UTF-16 code units, copied once into a Uint16Array (in V8, indexing a
 *   typed array in a hot loop costs a fraction of String#charCodeAt); indexOf finds line ends. No
 *   regular expressions and no per-line substrings on the hot path. Names, label names and label
 *   values are compared in place with the ones of the previous line and reused when equal, so a
 *   typical line allocates only its label object, its sample object and the values that changed.
 * - Numbers with at most 15 significant digits and a power-of-ten exponent of at most 22 are built
 *   from their digits: mantissa and power are then both exact doubles, so one multiplication or
 *   division gives the correctly rounded result, identical to Number(). Anything else falls back
 *   to Number() on the validated token.
 * - A bad line never throws: it becomes a ParseIssue with its 1-based line number and is skipped.
 */
import type { MetricFamily, MetricType, ParseIssue, ParseOptions, ParseResult, PromSample } from './types';

const TAB = 9;
const LF = 10;
const CR = 13;
const SPACE = 32;
const QUOTE = 34;
const HASH = 35;
const PLUS = 43;
const COMMA = 44;
const MINUS = 45;
const DOT = 46;
const ZERO = 48;
const NINE = 57;
const EQUALS = 61;
const UPPER_E = 69;
const BACKSLASH = 92;
const LOWER_E = 101;
const LOWER_N = 110;
const LBRACE = 123;
const RBRACE = 125;

const NAME_START = 1;
const NAME_CHAR = 2;
const LABEL_START = 4;
const LABEL_CHAR = 8;

/** ASCII classes for metric names `[a-zA-Z_:][a-zA-Z0-9_:]*` and label names `[a-zA-Z_][a-zA-Z0-9_]*`. */
const CHAR_CLASS = ((): Uint8Array => {
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

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

/** Below this a mantissa can take one more digit and stay an exact integer double (< 2^53). */
const MANTISSA_LIMIT = 9e14;

const KIND_INTEGER = 0;
const KIND_DECIMAL = 1;
const KIND_SPECIAL = 2;

/** Results of scanNumber, kept outside the call so the hot path allocates nothing to return them. */
let scanEnd = -1;
let scanKind = KIND_INTEGER;

/**
 * Reads a Go-ParseFloat-style number (decimal, exponent, `[+-]Inf`, `[+-]Infinity`, `NaN`, any
 * case) in `codes` (the code units of `text`) that must end at `end` or at a blank. `shift` multiplies by 10^shift exactly (OpenMetrics
 * seconds to milliseconds). Sets scanEnd to the index after the token, or -1 when it is not a
 * number; hex, binary, octal and `_` separators are refused as prometheus/common does.
 */
function scanNumber(text: string, codes: Uint16Array, start: number, end: number, shift: number): number {
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
    scanEnd = -1;
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
      scanEnd = -1;
      return 0;
    }
    exponent += exponentNegative ? -value : value;
  }
  if (p < end && c !== SPACE && c !== TAB) {
    scanEnd = -1;
    return 0;
  }
  scanEnd = p;
  scanKind = kind;
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
  scanEnd = -1;
  if (length === 3 || length === 8) {
    if (lowerIs(codes, p, 'inf') && (length === 3 || lowerIs(codes, p + 3, 'inity'))) {
      scanEnd = q;
      scanKind = KIND_SPECIAL;
      return negative ? -Infinity : Infinity;
    }
    if (length === 3 && !signed && lowerIs(codes, p, 'nan')) {
      scanEnd = q;
      scanKind = KIND_SPECIAL;
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
  return scanEnd === length ? parsed : undefined;
}

/** Code units of short strings (label values) for scanNumber; reused so checks allocate nothing. */
let scratch = new Uint16Array(64);

const TYPES: Readonly<Record<string, MetricType>> = {
  counter: 'counter',
  gauge: 'gauge',
  histogram: 'histogram',
  summary: 'summary',
  untyped: 'untyped',
  unknown: 'unknown',
  gaugehistogram: 'gaugehistogram',
  gauge_histogram: 'gaugehistogram',
  stateset: 'stateset',
  info: 'info',
};

/** What a sample is within its family; decides the per-type checks. */
const ROLE_PLAIN = 0;
const ROLE_BUCKET = 1;
const ROLE_COUNT = 2;
const ROLE_SUM = 3;
const ROLE_CREATED = 4;
const ROLE_TOTAL = 5;
const ROLE_GCOUNT = 6;
const ROLE_GSUM = 7;
const ROLE_INFO = 8;

const SUFFIXES: readonly (readonly [string, number])[] = [
  ['_bucket', ROLE_BUCKET],
  ['_count', ROLE_COUNT],
  ['_sum', ROLE_SUM],
  ['_created', ROLE_CREATED],
  ['_total', ROLE_TOTAL],
  ['_gcount', ROLE_GCOUNT],
  ['_gsum', ROLE_GSUM],
  ['_info', ROLE_INFO],
];

/** Which suffixed sample names belong to a family of each type (the bare name always does). */
function typeAllows(type: MetricType, role: number): boolean {
  switch (type) {
    case 'counter':
      return role === ROLE_TOTAL || role === ROLE_CREATED;
    case 'histogram':
      return role === ROLE_BUCKET || role === ROLE_COUNT || role === ROLE_SUM || role === ROLE_CREATED;
    case 'gaugehistogram':
      return role === ROLE_BUCKET || role === ROLE_GCOUNT || role === ROLE_GSUM;
    case 'summary':
      return role === ROLE_COUNT || role === ROLE_SUM || role === ROLE_CREATED;
    case 'info':
      return role === ROLE_INFO;
    default:
      return false;
  }
}

const EMPTY_LABELS: Readonly<Record<string, string>> = Object.freeze({});

class Family {
  type: MetricType;
  typed = false;
  help: string | undefined = undefined;
  helped = false;
  unit: string | undefined = undefined;
  united = false;
  readonly samples: PromSample[] = [];

  constructor(
    readonly name: string,
    type: MetricType,
  ) {
    this.type = type;
  }
}

/** Label positions per line whose names and values are cached between lines. */
const LABEL_CACHE_SIZE = 32;
const ISSUE_TEXT_LIMIT = 200;

class Parser {
  private readonly families: Family[] = [];
  private readonly byName = new Map<string, Family>();
  readonly issues: ParseIssue[] = [];
  sawEof = false;
  /** Set in 'prometheus' mode when a `# UNIT` or `# EOF` line shows the body is OpenMetrics. */
  sawOpenMetricsMarker = false;
  private stopped = false;

  /**
   * Where the previous sample's name sits in the text, and what it resolved to: a line repeating
   * it reuses all three without a substring or a lookup. Length -1 disables the shortcut.
   */
  private previousNameStart = 0;
  private previousNameLength = -1;
  private previousName = '';
  private previousFamily: Family | null = null;
  private previousRole = ROLE_PLAIN;
  /** Sample name to family and role; cleared whenever metadata may change how names resolve. */
  private readonly nameCache = new Map<string, { readonly name: string; readonly family: Family; readonly role: number }>();
  /** The family the previous sample or metadata line belonged to (OpenMetrics grouping checks). */
  private currentFamily: Family | null = null;

  /**
   * The label names of the current (then previous) label set by position, and where each sits in
   * the text; the same for values. Length -1 means nothing cached at that position.
   */
  private readonly keys: string[] = new Array<string>(LABEL_CACHE_SIZE).fill('');
  private readonly keyStarts = new Int32Array(LABEL_CACHE_SIZE);
  private readonly keyLengths = new Int32Array(LABEL_CACHE_SIZE).fill(-1);
  private readonly values: string[] = new Array<string>(LABEL_CACHE_SIZE).fill('');
  private readonly valueStarts = new Int32Array(LABEL_CACHE_SIZE);
  private readonly valueLengths = new Int32Array(LABEL_CACHE_SIZE).fill(-1);
  private readonly exemplarKeys: string[] = [];
  /** How many leading entries of `keys` are known to be pairwise different. */
  private distinctKeys = 0;
  private lastLe = '';
  private lastQuantile = '';

  private lineStart = 0;
  private lineEnd = 0;
  private line = 0;
  private error = '';
  private pos = 0;
  /** Metric name given inside the braces (`{"my.metric", a="b"}`), else undefined. */
  private bracedName: string | undefined = undefined;

  /** `text` as UTF-16 code units: indexing this is much cheaper than charCodeAt in hot loops. */
  private readonly codes: Uint16Array;

  constructor(
    private readonly text: string,
    private readonly om: boolean,
  ) {
    this.codes = codeUnitsOf(text);
  }

  run(): ParseResult {
    const text = this.text;
    const codes = this.codes;
    const length = text.length;
    let pos = 0;
    let line = 0;
    while (pos < length) {
      line++;
      const newline = text.indexOf('\n', pos);
      const next = newline === -1 ? length : newline + 1;
      let end = newline === -1 ? length : newline;
      if (end > pos && codes[end - 1]! === CR) end--;
      this.lineStart = pos;
      this.lineEnd = end;
      this.line = line;
      if (this.sawEof && !this.om && !isBlank(codes, pos, end)) this.sawEof = false;
      const c = codes[pos]!;
      if (c === HASH) this.comment(pos, end);
      else if (pos === end) this.blankLine();
      else this.sampleLine(pos, end);
      if (this.stopped) {
        if (next < length) {
          this.line = line + 1;
          const after = text.indexOf('\n', next);
          this.lineStart = next;
          this.lineEnd = after === -1 ? length : after;
          this.issue('text after # EOF; the exposition must end at # EOF');
        }
        break;
      }
      pos = next;
    }
    if (this.om && !this.sawEof) {
      this.line = Math.max(1, line);
      this.lineStart = this.lineEnd = length;
      this.issue('missing # EOF at the end of the OpenMetrics exposition');
    }
    return { families: this.families.map(publicFamily), issues: this.issues, sawEof: this.sawEof };
  }

  private issue(message: string): void {
    const start = this.lineStart;
    const end = Math.min(this.lineEnd, start + ISSUE_TEXT_LIMIT);
    this.issues.push({ line: this.line, message, text: this.text.slice(start, end) });
  }

  private blankLine(): void {
    if (this.om) this.issue('blank lines are not allowed in OpenMetrics');
  }

  // ---- samples ------------------------------------------------------------------------------

  private sampleLine(start: number, end: number): void {
    const text = this.text;
    const codes = this.codes;
    const om = this.om;
    let p = start;
    let c = codes[p]!;
    if (c === SPACE || c === TAB) {
      p = skipBlanks(codes, p, end);
      if (p === end) return this.blankLine();
      if (om) return this.issue('leading whitespace is not allowed in OpenMetrics');
      c = codes[p]!;
      if (c === HASH) return this.comment(p, end);
    }

    let name: string | undefined;
    let sameName = false;
    let family: Family | null = null;
    let role = ROLE_PLAIN;
    const nameStart = p;
    if (c < 128 && (CHAR_CLASS[c]! & NAME_START) !== 0) {
      // Compare with the previous sample's name in place while scanning; what follows a line (CR,
      // LF, or undefined past the end of the text) is never a name character, so the comparison
      // needs no bound check.
      const previousStart = this.previousNameStart;
      const previousLength = this.previousNameLength;
      let i = 0;
      while (i < previousLength && codes[p + i]! === codes[previousStart + i]!) i++;
      p += i;
      c = codes[p]!;
      if (i === previousLength && !(c < 128 && (CHAR_CLASS[c]! & NAME_CHAR) !== 0)) {
        sameName = true;
        name = this.previousName;
        family = this.previousFamily;
        role = this.previousRole;
      } else {
        if (i === 0) c = codes[++p]!;
        while (c < 128 && (CHAR_CLASS[c]! & NAME_CHAR) !== 0) c = codes[++p]!;
        name = text.slice(nameStart, p);
      }
      if (p >= end) c = -1;
    } else if (c !== LBRACE) {
      return this.issue(`invalid metric name: unexpected ${describeChar(c)} at the start of the line`);
    }
    const braced = name === undefined;
    let labels = EMPTY_LABELS;
    let afterName = p;
    if (c === SPACE || c === TAB) {
      p = skipBlanks(codes, p, end);
      c = p < end ? codes[p]! : -1;
      if (c === LBRACE && om) return this.issue('OpenMetrics allows no space between the metric name and its labels');
    }
    if (c === LBRACE) {
      this.bracedName = undefined;
      const parsed = this.labelSet(p, end, false);
      if (parsed === null) return this.issue(this.error);
      labels = parsed;
      if (this.bracedName !== undefined) {
        if (name !== undefined) return this.issue('the metric name is given twice (before and inside the braces)');
        name = this.bracedName;
      }
      p = this.pos;
      afterName = p;
    } else if (p === afterName && p < end) {
      return this.issue(`invalid character ${describeChar(c)} in metric name`);
    }
    if (name === undefined) return this.issue('invalid metric name: the label set names no metric');

    // Value.
    p = skipBlanks(codes, afterName, end);
    if (p === end) return this.issue('missing value after the metric name');
    if (om && (p - afterName !== 1 || codes[afterName]! !== SPACE)) return this.issue('OpenMetrics requires exactly one space before the value');
    const value = scanNumber(text, codes, p, end, 0);
    if (scanEnd < 0) return this.issue(`invalid value ${quoteToken(text, codes, p, end)}: expected a float, NaN, +Inf or -Inf`);
    const valueKind = scanKind;
    p = scanEnd;

    // Optional timestamp, then an optional exemplar.
    let timestampMs: number | undefined;
    let hasExemplar = false;
    if (p < end) {
      const blanks = p;
      p = skipBlanks(codes, p, end);
      if (om && (p - blanks !== 1 || codes[blanks]! !== SPACE || p === end)) {
        return this.issue(p === end ? 'trailing whitespace is not allowed in OpenMetrics' : 'OpenMetrics requires exactly one space between tokens');
      }
      if (p < end && codes[p]! !== HASH) {
        const timestamp = scanNumber(text, codes, p, end, om ? 3 : 0);
        if (scanEnd < 0) return this.issue(`invalid timestamp ${quoteToken(text, codes, p, end)}`);
        if (scanKind === KIND_SPECIAL) return this.issue(`invalid timestamp ${quoteToken(text, codes, p, end)}: it must be a finite number`);
        if (!om && scanKind !== KIND_INTEGER) return this.issue(`invalid timestamp ${quoteToken(text, codes, p, end)}: expected integer milliseconds`);
        timestampMs = timestamp;
        p = scanEnd;
        if (p < end) {
          const gap = p;
          p = skipBlanks(codes, p, end);
          if (om && (p - gap !== 1 || codes[gap]! !== SPACE || p === end)) {
            return this.issue(p === end ? 'trailing whitespace is not allowed in OpenMetrics' : 'OpenMetrics requires exactly one space between tokens');
          }
          if (p < end && codes[p]! !== HASH) return this.issue(`unexpected text ${quoteToken(text, codes, p, end)} after the timestamp`);
        }
      }
      if (p < end) {
        if (!this.exemplar(p, end)) return this.issue(this.error);
        hasExemplar = true;
      }
    }

    // Family.
    if (family === null) {
      const cached = this.nameCache.get(name);
      if (cached !== undefined) {
        // The first copy of the name, so repeated names share one string instead of one per line.
        name = cached.name;
        family = cached.family;
        role = cached.role;
      } else {
        family = this.familyOfSample(name);
        role = roleIn(family, name);
        this.nameCache.set(name, { name, family, role });
      }
    }
    const type = family.type;
    if (type !== 'gauge' && type !== 'untyped' && type !== 'unknown') {
      const problem = this.typeProblem(family, role, labels, value, valueKind);
      if (problem !== undefined) return this.issue(problem);
    }
    if (om && family !== this.currentFamily && family.samples.length > 0) {
      return this.issue(`samples of ${family.name} are interleaved with another family; OpenMetrics requires them together`);
    }
    if (om && hasExemplar && !exemplarAllowed(type, role)) {
      return this.issue('exemplars are only allowed on counter _total and histogram _bucket samples');
    }
    if (!sameName) {
      this.previousNameStart = nameStart;
      this.previousNameLength = braced ? -1 : name.length;
      this.previousName = name;
      this.previousFamily = family;
      this.previousRole = role;
    }
    this.currentFamily = family;
    family.samples.push(timestampMs === undefined ? { name, labels, value, line: this.line } : { name, labels, value, timestampMs, line: this.line });
  }

  /** Type rules that prometheus/common or OpenMetrics enforce; undefined when the sample is fine. */
  private typeProblem(family: Family, role: number, labels: Readonly<Record<string, string>>, value: number, valueKind: number): string | undefined {
    switch (family.type) {
      case 'histogram':
      case 'gaugehistogram':
        if (role === ROLE_BUCKET) {
          const le = labels.le;
          if (le === undefined) return `histogram bucket of ${family.name} has no le label`;
          if (le !== this.lastLe) {
            if (parsePrometheusNumber(le) === undefined) return `le label value "${le}" of ${family.name} is not a number`;
            this.lastLe = le;
          }
          if (!(value >= 0)) return `bucket count of histogram ${family.name} must be a non-negative number`;
        } else if (role === ROLE_COUNT || role === ROLE_GCOUNT) {
          if (!(value >= 0)) return `count of histogram ${family.name} must be a non-negative number`;
        }
        if (this.om && (role === ROLE_BUCKET || role === ROLE_COUNT || role === ROLE_GCOUNT) && valueKind !== KIND_INTEGER && !Number.isInteger(value)) {
          return `OpenMetrics histogram counts must be integers`;
        }
        return undefined;
      case 'summary':
        if (role === ROLE_PLAIN) {
          const quantile = labels.quantile;
          if (quantile === undefined) return `summary ${family.name} sample has no quantile label`;
          if (quantile !== this.lastQuantile) {
            const q = parsePrometheusNumber(quantile);
            if (q === undefined) return `quantile label value "${quantile}" of ${family.name} is not a number`;
            if (this.om && !(q >= 0 && q <= 1)) return `quantile ${quantile} of ${family.name} is outside [0, 1]`;
            this.lastQuantile = quantile;
          }
        } else if (role === ROLE_COUNT && !(value >= 0)) {
          return `count of summary ${family.name} must be a non-negative number`;
        }
        return undefined;
      case 'counter':
        if (this.om && (role === ROLE_TOTAL || role === ROLE_PLAIN) && !(value >= 0))
          return `counter ${family.name} must be a non-negative number, not ${value}`;
        return undefined;
      default:
        return undefined;
    }
  }

  /** The family a sample name belongs to: its own name, else a typed family whose suffix it carries. */
  private familyOfSample(name: string): Family {
    const exact = this.byName.get(name);
    if (exact !== undefined) return exact;
    for (const [suffix, role] of SUFFIXES) {
      if (name.length > suffix.length && name.endsWith(suffix)) {
        const base = this.byName.get(name.slice(0, name.length - suffix.length));
        if (base !== undefined && typeAllows(base.type, role)) return base;
      }
    }
    return this.newFamily(name, this.om ? 'unknown' : 'untyped');
  }

  private newFamily(name: string, type: MetricType): Family {
    const family = new Family(name, type);
    this.families.push(family);
    this.byName.set(name, family);
    return family;
  }

  /**
   * Parses `{name="value",...}` starting at the brace. Returns the labels (this.pos after the
   * closing brace) or null with this.error set.
   *
   * Label names and values are compared in place with the ones at the same position in the
   * previous label set and reused when equal. Duplicate names need no check while every name so
   * far repeated the previous set, whose first `distinctKeys` names are known to differ.
   * Exemplar label sets skip all of this.
   */
  private labelSet(start: number, end: number, exemplar: boolean): Record<string, string> | null {
    const text = this.text;
    const codes = this.codes;
    const om = this.om;
    const keys = exemplar ? this.exemplarKeys : this.keys;
    const keyStarts = this.keyStarts;
    const keyLengths = this.keyLengths;
    const values = this.values;
    const valueStarts = this.valueStarts;
    const valueLengths = this.valueLengths;
    const labels: Record<string, string> = {};
    let count = 0;
    let repeated = !exemplar;
    let p = start + 1;
    let c = p < end ? codes[p]! : -1;
    let afterComma = false;
    for (;;) {
      if (c === SPACE || c === TAB) {
        if (om) return this.labelFail('OpenMetrics allows no whitespace inside a label set');
        p = skipBlanks(codes, p, end);
        c = p < end ? codes[p]! : -1;
      }
      if (c === RBRACE) {
        if (afterComma && om) return this.labelFail('trailing comma in the label set is not allowed in OpenMetrics');
        p++;
        break;
      }
      const cacheable = !exemplar && count < LABEL_CACHE_SIZE;
      let key: string;
      if (c >= 0 && c < 128 && (CHAR_CLASS[c]! & LABEL_START) !== 0) {
        const keyStart = p;
        let matched = false;
        if (cacheable) {
          // Past the line end sit CR, LF or NaN, never label-name characters: no bound check needed.
          const previousStart = keyStarts[count]!;
          const previousLength = keyLengths[count]!;
          let i = 0;
          while (i < previousLength && codes[p + i]! === codes[previousStart + i]!) i++;
          p += i;
          c = codes[p]!;
          matched = i === previousLength && !(c < 128 && (CHAR_CLASS[c]! & LABEL_CHAR) !== 0);
          if (!matched && i === 0) c = codes[++p]!;
        } else c = codes[++p]!;
        if (matched) key = keys[count]!;
        else {
          while (c < 128 && (CHAR_CLASS[c]! & LABEL_CHAR) !== 0) c = codes[++p]!;
          key = text.slice(keyStart, p);
          if (key === '__name__') return this.labelFail('label name __name__ is reserved');
          repeated = false;
          if (cacheable) {
            keys[count] = key;
            keyStarts[count] = keyStart;
            keyLengths[count] = p - keyStart;
          }
        }
        if (p >= end) c = -1;
      } else if (c === QUOTE) {
        const quoted = this.quotedString(p, end, 'label name');
        if (quoted === null) return this.labelFail(this.error);
        p = this.pos;
        c = p < end ? codes[p]! : -1;
        if (c === SPACE || c === TAB) {
          p = skipBlanks(codes, p, end);
          c = p < end ? codes[p]! : -1;
        }
        if (!exemplar && (c === COMMA || c === RBRACE)) {
          // A quoted string alone is the metric name (the UTF-8 names extension of prometheus/common).
          if (this.bracedName !== undefined) return this.labelFail('the label set names more than one metric');
          this.bracedName = quoted;
          if (c === COMMA) {
            c = ++p < end ? codes[p]! : -1;
            afterComma = true;
          }
          continue;
        }
        if (quoted === '__name__') return this.labelFail('label name __name__ is reserved');
        key = quoted;
        repeated = false;
        if (cacheable) keyLengths[count] = -1;
      } else if (c === -1) {
        return this.labelFail('the label set is not closed with }');
      } else {
        return this.labelFail(`invalid label name: unexpected ${describeChar(c)}`);
      }

      if (!repeated || count >= this.distinctKeys) {
        for (let i = 0; i < count; i++) {
          if (keys[i] === key) return this.labelFail(`duplicate label name ${key}`);
        }
      }
      keys[count] = key;

      if (c === SPACE || c === TAB) {
        if (om) return this.labelFail('OpenMetrics allows no whitespace inside a label set');
        p = skipBlanks(codes, p, end);
        c = p < end ? codes[p]! : -1;
      }
      if (c !== EQUALS) return this.labelFail(`expected = after label name ${key}, found ${describeChar(c)}`);
      c = ++p < end ? codes[p]! : -1;
      if (c === SPACE || c === TAB) {
        if (om) return this.labelFail('OpenMetrics allows no whitespace inside a label set');
        p = skipBlanks(codes, p, end);
        c = p < end ? codes[p]! : -1;
      }
      if (c !== QUOTE) return this.labelFail(`label value of ${key} is not quoted`);

      const valueStart = ++p;
      let value: string | undefined;
      if (cacheable) {
        // A cached value has no quote or backslash, so a match up to its length followed by the
        // closing quote is the same value.
        const previousStart = valueStarts[count]!;
        const previousLength = valueLengths[count]!;
        let i = 0;
        while (i < previousLength && codes[p + i]! === codes[previousStart + i]!) i++;
        p += i;
        if (i === previousLength && p < end && codes[p]! === QUOTE) value = values[count]!;
      }
      if (value === undefined) {
        let escaped = false;
        for (;;) {
          if (p >= end) return this.labelFail(`label value of ${key} is not terminated by a quote`);
          c = codes[p]!;
          if (c === QUOTE) break;
          if (c === BACKSLASH) {
            escaped = true;
            p += 2;
          } else p++;
        }
        if (escaped) {
          const unescaped = this.unescape(valueStart, p, !om, 'label value');
          if (unescaped === null) return this.labelFail(this.error);
          value = unescaped;
          if (cacheable) valueLengths[count] = -1;
        } else {
          value = text.slice(valueStart, p);
          if (cacheable) {
            values[count] = value;
            valueStarts[count] = valueStart;
            valueLengths[count] = p - valueStart;
          }
        }
      }
      p++;

      if (key === '__proto__') Object.defineProperty(labels, key, { value, enumerable: true, writable: true, configurable: true });
      else labels[key] = value;
      count++;

      c = p < end ? codes[p]! : -1;
      if (c === SPACE || c === TAB) {
        if (om) return this.labelFail('OpenMetrics allows no whitespace inside a label set');
        p = skipBlanks(codes, p, end);
        c = p < end ? codes[p]! : -1;
      }
      if (c === COMMA) {
        c = ++p < end ? codes[p]! : -1;
        afterComma = true;
        continue;
      }
      if (c === RBRACE) {
        p++;
        break;
      }
      return this.labelFail(c === -1 ? 'the label set is not closed with }' : `expected , or } after the value of ${key}, found ${describeChar(c)}`);
    }
    if (!exemplar) this.distinctKeys = count;
    this.pos = p;
    return labels;
  }

  /** Like fail, and the cached label names may now hold a partial, unchecked set. */
  private labelFail(message: string): null {
    this.distinctKeys = 0;
    return this.fail(message);
  }

  /** ` # {labels} value [timestamp]` after a sample: validated, then dropped. */
  private exemplar(start: number, end: number): boolean {
    const text = this.text;
    const codes = this.codes;
    const om = this.om;
    let p = start + 1;
    const gap = p;
    p = skipBlanks(codes, p, end);
    if (om && (p - gap !== 1 || codes[gap]! !== SPACE)) return this.failed('OpenMetrics requires exactly one space after the exemplar #');
    if (p >= end || codes[p]! !== LBRACE) return this.failed('exemplar must start with a label set: # {labels} value');
    const labels = this.labelSet(p, end, true);
    if (labels === null) return false;
    if (om) {
      let size = 0;
      for (const key in labels) size += [...key].length + [...labels[key]!].length;
      if (size > 128) return this.failed('exemplar labels are longer than 128 characters');
    }
    p = this.pos;
    const beforeValue = p;
    p = skipBlanks(codes, p, end);
    if (p === beforeValue || p === end) return this.failed('exemplar has no value');
    if (om && p - beforeValue !== 1) return this.failed('OpenMetrics requires exactly one space between tokens');
    scanNumber(text, codes, p, end, 0);
    if (scanEnd < 0) return this.failed(`invalid exemplar value ${quoteToken(text, codes, p, end)}`);
    p = scanEnd;
    if (p < end) {
      const beforeTimestamp = p;
      p = skipBlanks(codes, p, end);
      if (p === end) return om ? this.failed('trailing whitespace is not allowed in OpenMetrics') : true;
      if (om && p - beforeTimestamp !== 1) return this.failed('OpenMetrics requires exactly one space between tokens');
      scanNumber(text, codes, p, end, 0);
      if (scanEnd < 0 || scanKind === KIND_SPECIAL) return this.failed(`invalid exemplar timestamp ${quoteToken(text, codes, p, end)}`);
      p = skipBlanks(codes, scanEnd, end);
      if (p < end) return this.failed(`unexpected text ${quoteToken(text, codes, p, end)} after the exemplar`);
    }
    return true;
  }

  // ---- strings ------------------------------------------------------------------------------

  /** A double-quoted string at start (label or metric name); this.pos ends after the closing quote. */
  private quotedString(start: number, end: number, what: string): string | null {
    const text = this.text;
    const codes = this.codes;
    let p = start + 1;
    let escaped = false;
    for (;;) {
      if (p >= end) return this.fail(`${what} is not terminated by a quote`);
      const c = codes[p]!;
      if (c === QUOTE) break;
      if (c === BACKSLASH) {
        escaped = true;
        p += 2;
      } else p++;
    }
    const value = escaped ? this.unescape(start + 1, p, !this.om, what) : text.slice(start + 1, p);
    if (value === null) return null;
    if (value.length === 0) return this.fail(`${what} is empty`);
    this.pos = p + 1;
    return value;
  }

  /**
   * Resolves `\\`, `\"` and `\n`. Other escapes are an error when `strict` (prometheus/common), and
   * are kept verbatim otherwise (OpenMetrics parsers accept them).
   */
  private unescape(start: number, end: number, strict: boolean, what: string): string | null {
    const text = this.text;
    const codes = this.codes;
    let out = '';
    let chunk = start;
    for (let p = start; p < end; p++) {
      if (codes[p]! !== BACKSLASH) continue;
      out += text.slice(chunk, p);
      const next = codes[p + 1]!;
      if (next === LOWER_N) out += '\n';
      else if (next === BACKSLASH) out += '\\';
      else if (next === QUOTE) out += '"';
      else if (strict) return this.fail(`invalid escape sequence \\${text.charAt(p + 1)} in ${what}`);
      else out += '\\' + text.charAt(p + 1);
      p++;
      chunk = p + 1;
    }
    return out + text.slice(chunk, end);
  }

  private fail(message: string): null {
    this.error = message;
    return null;
  }

  private failed(message: string): false {
    this.error = message;
    return false;
  }

  // ---- comments and metadata ----------------------------------------------------------------

  private comment(start: number, end: number): void {
    const text = this.text;
    const codes = this.codes;
    const om = this.om;
    const afterHash = start + 1;
    const keywordStart = skipBlanks(codes, afterHash, end);
    let keywordEnd = keywordStart;
    while (keywordEnd < end) {
      const c = codes[keywordEnd]!;
      if (c === SPACE || c === TAB) break;
      keywordEnd++;
    }
    const keywordLength = keywordEnd - keywordStart;
    let keyword = '';
    if (keywordLength === 3 && text.startsWith('EOF', keywordStart)) keyword = 'EOF';
    else if (keywordLength === 4) {
      if (text.startsWith('HELP', keywordStart)) keyword = 'HELP';
      else if (text.startsWith('TYPE', keywordStart)) keyword = 'TYPE';
      else if (text.startsWith('UNIT', keywordStart)) keyword = 'UNIT';
    }
    if (keyword === '') {
      if (om) this.issue('OpenMetrics allows only # HELP, # TYPE, # UNIT and # EOF comments');
      return;
    }
    if (om && (start !== this.lineStart || keywordStart !== afterHash + 1 || codes[afterHash]! !== SPACE)) {
      return this.issue(`OpenMetrics requires exactly "# ${keyword}"`);
    }

    if (keyword === 'EOF') {
      const rest = skipBlanks(codes, keywordEnd, end);
      if (rest < end) {
        if (om) this.issue('unexpected text after # EOF on the same line');
        return;
      }
      if (om && keywordEnd !== end) return this.issue('trailing whitespace is not allowed in OpenMetrics');
      this.sawEof = true;
      if (om) this.stopped = true;
      else this.sawOpenMetricsMarker = true;
      return;
    }
    if (keyword === 'UNIT' && !om) this.sawOpenMetricsMarker = true;

    // Metric name.
    let p = keywordEnd;
    if (p < end) {
      p = skipBlanks(codes, p, end);
      if (om && (p - keywordEnd !== 1 || codes[keywordEnd]! !== SPACE)) return this.issue('OpenMetrics requires exactly one space between tokens');
    }
    if (p === end) {
      // prometheus/common ignores a bare `# HELP` or `# TYPE`: it is just a comment.
      if (om) this.issue(`# ${keyword} without a metric name`);
      return;
    }
    let name: string;
    const nameStart = p;
    let c = codes[p]!;
    if (c === QUOTE) {
      const quoted = this.quotedString(p, end, 'metric name');
      if (quoted === null) return this.issue(this.error);
      name = quoted;
      p = this.pos;
    } else {
      if (!(c < 128 && (CHAR_CLASS[c]! & NAME_START) !== 0)) return this.issue(`invalid metric name in # ${keyword} line`);
      p++;
      while (p < end && (c = codes[p]!) < 128 && (CHAR_CLASS[c]! & NAME_CHAR) !== 0) p++;
      name = text.slice(nameStart, p);
    }
    let rest = p;
    if (p < end) {
      c = codes[p]!;
      if (c !== SPACE && c !== TAB) return this.issue(`invalid metric name in # ${keyword} line: unexpected ${describeChar(c)}`);
      rest = skipBlanks(codes, p, end);
      if (om && rest - p !== 1 && keyword !== 'HELP') return this.issue('OpenMetrics requires exactly one space between tokens');
      if (om && keyword === 'HELP' && codes[p]! !== SPACE) return this.issue('OpenMetrics requires exactly one space between tokens');
      // OpenMetrics HELP text starts right after the single space; further blanks are part of it.
      if (om && keyword === 'HELP') rest = p + 1;
    }

    if (keyword === 'HELP') this.help(name, rest, end);
    else if (keyword === 'TYPE') this.type(name, rest, end);
    else this.unit(name, rest, end);
  }

  private help(name: string, start: number, end: number): void {
    if (start >= end && !this.om) return; // prometheus/common ignores a HELP line without text
    const help = this.unescape(start, end, false, 'HELP');
    const family = this.byName.get(name) ?? this.metadataFamily(name);
    if (family.helped) return this.issue(`second HELP line for ${name}`);
    if (this.om && family.samples.length > 0) return this.issue(`HELP for ${name} comes after its samples`);
    family.helped = true;
    // OpenMetrics: an empty HELP is the same as none.
    family.help = help === '' || help === null ? undefined : help;
    this.currentFamily = family;
  }

  private type(name: string, start: number, end: number): void {
    if (start >= end) return this.issue(`# TYPE line for ${name} has no type`);
    const last = this.om ? end : trimEndBlanks(this.codes, start, end);
    const word = this.text.slice(start, last);
    const lower = word.toLowerCase();
    const type = Object.hasOwn(TYPES, lower) ? TYPES[lower] : undefined;
    if (type === undefined) return this.issue(`unknown metric type ${JSON.stringify(word)}`);
    if (this.om && (type === 'untyped' || word !== lower || word === 'gauge_histogram')) {
      return this.issue(`${JSON.stringify(word)} is not an OpenMetrics type`);
    }
    const existing = this.byName.get(name);
    if (existing !== undefined) {
      if (existing.typed) return this.issue(`second TYPE line for ${name}`);
      if (existing.samples.length > 0) return this.issue(`TYPE for ${name} comes after its samples`);
    }
    const family = existing ?? this.metadataFamily(name);
    family.type = type;
    family.typed = true;
    this.forgetNames();
    this.currentFamily = family;
  }

  private unit(name: string, start: number, end: number): void {
    const last = this.om ? end : trimEndBlanks(this.codes, start, end);
    const unit = this.text.slice(start, last);
    if (this.om && unit !== '' && !name.endsWith(`_${unit}`)) return this.issue(`unit ${unit} must be the suffix of the metric name ${name}`);
    const family = this.byName.get(name) ?? this.metadataFamily(name);
    if (family.united) return this.issue(`second UNIT line for ${name}`);
    if (this.om && family.samples.length > 0) return this.issue(`UNIT for ${name} comes after its samples`);
    family.united = true;
    family.unit = unit === '' ? undefined : unit;
    this.currentFamily = family;
  }

  /** A family created or retyped by metadata can claim names that resolved elsewhere before. */
  private forgetNames(): void {
    this.nameCache.clear();
    this.previousNameLength = -1;
  }

  private metadataFamily(name: string): Family {
    const family = this.newFamily(name, this.om ? 'unknown' : 'untyped');
    this.forgetNames();
    return family;
  }
}

function exemplarAllowed(type: MetricType, role: number): boolean {
  return (type === 'counter' && role === ROLE_TOTAL) || ((type === 'histogram' || type === 'gaugehistogram') && role === ROLE_BUCKET);
}

function roleIn(family: Family, name: string): number {
  if (name === family.name) return ROLE_PLAIN;
  for (const [suffix, role] of SUFFIXES) {
    if (name.length === family.name.length + suffix.length && name.endsWith(suffix)) return role;
  }
  return ROLE_PLAIN;
}

function publicFamily(family: Family): MetricFamily {
  // Optional fields are left out rather than set to undefined, so results compare structurally.
  const result: { -readonly [K in keyof MetricFamily]: MetricFamily[K] } = { name: family.name, type: family.type, samples: family.samples };
  if (family.help !== undefined) result.help = family.help;
  if (family.unit !== undefined) result.unit = family.unit;
  return result;
}

function skipBlanks(codes: Uint16Array, p: number, end: number): number {
  while (p < end) {
    const c = codes[p]!;
    if (c !== SPACE && c !== TAB) break;
    p++;
  }
  return p;
}

function trimEndBlanks(codes: Uint16Array, start: number, end: number): number {
  while (end > start) {
    const c = codes[end - 1]!;
    if (c !== SPACE && c !== TAB) break;
    end--;
  }
  return end;
}

function isBlank(codes: Uint16Array, start: number, end: number): boolean {
  return skipBlanks(codes, start, end) === end;
}

/**
 * The code units of a string. Node's utf16le encoder copies a flat string at memory speed (both
 * one-byte and two-byte strings, lone surrogates included); elsewhere a loop does the same.
 */
function codeUnitsOf(text: string): Uint16Array {
  if (typeof Buffer !== 'undefined') {
    const bytes = Buffer.from(text, 'utf16le');
    // Small buffers come from a shared pool and may start at an odd offset; those are copied below.
    if ((bytes.byteOffset & 1) === 0) return new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.length >> 1);
  }
  const codes = new Uint16Array(text.length);
  for (let i = 0; i < text.length; i++) codes[i] = text.charCodeAt(i);
  return codes;
}

function describeChar(c: number): string {
  if (c < 0) return 'end of line';
  return JSON.stringify(String.fromCharCode(c));
}

/** The token at p (up to the next blank), quoted and shortened, for an error message. */
function quoteToken(text: string, codes: Uint16Array, p: number, end: number): string {
  let q = p;
  while (q < end && q - p < 40) {
    const c = codes[q]!;
    if (c === SPACE || c === TAB) break;
    q++;
  }
  return JSON.stringify(text.slice(p, q));
}

/** Whether the last line of the body (ignoring one final newline) is `# EOF`. */
function endsWithEof(text: string): boolean {
  let end = text.length;
  if (end > 0 && text.charCodeAt(end - 1) === LF) end--;
  if (end > 0 && text.charCodeAt(end - 1) === CR) end--;
  return end >= 5 && text.startsWith('# EOF', end - 5) && (end === 5 || text.charCodeAt(end - 6) === LF);
}

/**
 * Parses a Prometheus 0.0.4 or OpenMetrics 1.0 text exposition. Never throws: unreadable lines are
 * skipped and listed in `issues`. With format 'auto' (the default) the body is read as lenient
 * 0.0.4 text unless it has a `# EOF` or `# UNIT` line, in which case OpenMetrics rules apply.
 */
export function parsePrometheusText(text: string, options?: ParseOptions): ParseResult {
  const format = options?.format ?? 'auto';
  if (format === 'openmetrics' || (format === 'auto' && endsWithEof(text))) return new Parser(text, true).run();
  const parser = new Parser(text, false);
  const result = parser.run();
  // The markers can sit anywhere; finding one mid-parse means the whole body is OpenMetrics, which
  // changes timestamps and family types of earlier lines, so it is read again (rare: OpenMetrics
  // bodies normally end with # EOF, which is checked up front).
  if (format === 'auto' && parser.sawOpenMetricsMarker) return new Parser(text, true).run();
  return result;
}
