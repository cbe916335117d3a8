/**
 * Reads one sample line (`name{labels} value [timestamp] [# exemplar]`) of a Prometheus 0.0.4 or
 * OpenMetrics 1.0 exposition. The scanner is lenient: whatever it can read unambiguously it reads,
 * and the rules the line breaks (OpenMetrics' exact spacing, commas, exemplar rules) are collected
 * in `problems` so the caller can flag them and still keep the value. Only a line whose value cannot
 * be known sets `error`.
 *
 * Speed: one pass over the line's code units, no regular expressions, no per-line substrings on the
 * common path. The sample name, label names and label values are compared in place with the
 * previous line's and reused when equal, so a typical line allocates only its label object and what
 * changed. Every loop adds the code units or items it visits to `work`, which tests use to prove the
 * parser linear in every dimension.
 */
import {
  BACKSLASH,
  CHAR_CLASS,
  COMMA,
  EQUALS,
  HASH,
  LABEL_CHAR,
  LABEL_START,
  LBRACE,
  LOWER_N,
  NAME_CHAR,
  NAME_START,
  QUOTE,
  RBRACE,
  SPACE,
  TAB,
  codePointLength,
  describeChar,
  quoteToken,
  skipBlanks,
} from './chars';
import { KIND_INTEGER, KIND_SPECIAL, scanNumber, scanned } from './numbers';

/** Label positions per line whose names and values are cached between lines. */
const LABEL_CACHE_SIZE = 32;
const EXEMPLAR_LABEL_LIMIT = 128;

export const EMPTY_LABELS: Readonly<Record<string, string>> = Object.freeze({});

/** Spacing and punctuation OpenMetrics fixes exactly; each is reported once per line. */
const STYLE_LEADING_SPACE = 1;
const STYLE_SPACING = 2;
const STYLE_TRAILING_SPACE = 4;
const STYLE_SPACE_IN_LABELS = 8;
const STYLE_SPACE_BEFORE_LABELS = 16;
const STYLE_TRAILING_COMMA = 32;
const STYLE_MISSING_COMMA = 64;

const STYLE_MESSAGES: readonly (readonly [number, string])[] = [
  [STYLE_LEADING_SPACE, 'leading whitespace is not allowed in OpenMetrics'],
  [STYLE_SPACING, 'OpenMetrics requires exactly one space between tokens'],
  [STYLE_TRAILING_SPACE, 'trailing whitespace is not allowed in OpenMetrics'],
  [STYLE_SPACE_IN_LABELS, 'OpenMetrics allows no whitespace inside a label set'],
  [STYLE_SPACE_BEFORE_LABELS, 'OpenMetrics allows no space between the metric name and its labels'],
  [STYLE_TRAILING_COMMA, 'trailing comma in the label set is not allowed in OpenMetrics'],
];

const MISSING_COMMA = 'labels must be separated by commas (Prometheus reads the line anyway, and so does Live Usage)';

export class LineScanner {
  /** Code units and items visited so far (see the file comment). */
  work = 0;

  // ---- results of the last scanSample ------------------------------------------------------
  /** Why the line could not be read; set when scanSample returns false. */
  error = '';
  /** Rules the line breaks although it was read (its value is kept). */
  readonly problems: string[] = [];
  name = '';
  /** The name is the previous line's: the caller may reuse what it resolved the name to. */
  sameName = false;
  labels: Readonly<Record<string, string>> = EMPTY_LABELS;
  value = 0;
  valueKind = KIND_INTEGER;
  hasTimestamp = false;
  timestampMs = 0;
  timestampStart = 0;
  timestampEnd = 0;
  /** An exemplar followed the value (anything wrong with it is in `problems`). */
  hasExemplar = false;

  // ---- state kept between lines --------------------------------------------------------------
  /** Where the previous sample's name sits in the text; length -1 disables the comparison. */
  private previousNameStart = 0;
  private previousNameLength = -1;
  private previousName = '';
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
  /** How many leading entries of `keys` are known to be pairwise different. */
  private distinctKeys = 0;
  private style = 0;
  private pos = 0;
  /** Metric name given inside the braces (`{"my.metric", a="b"}`), else undefined. */
  private bracedName: string | undefined = undefined;

  constructor(
    private readonly text: string,
    private readonly codes: Uint16Array,
    private readonly om: boolean,
  ) {}

  /** Where the last quotedString ended (after its closing quote). */
  get quotedEnd(): number {
    return this.pos;
  }

  /** Metadata can change what a name resolves to: the next line's name is looked up afresh. */
  forgetName(): void {
    this.previousNameLength = -1;
  }

  /** Reads the sample line [start, end); false (with `error`) when its value cannot be known. */
  scanSample(start: number, end: number): boolean {
    const text = this.text;
    const codes = this.codes;
    const om = this.om;
    this.problems.length = 0;
    this.style = 0;
    this.hasTimestamp = false;
    this.hasExemplar = false;
    this.sameName = false;
    let p = start;
    let c = codes[p]!;
    if (c === SPACE || c === TAB) {
      p = skipBlanks(codes, p, end);
      this.style |= STYLE_LEADING_SPACE;
      c = codes[p]!;
    }

    let name: string | undefined;
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
        this.sameName = true;
        name = this.previousName;
      } else {
        if (i === 0) c = codes[++p]!;
        while (c < 128 && (CHAR_CLASS[c]! & NAME_CHAR) !== 0) c = codes[++p]!;
        name = text.slice(nameStart, p);
      }
      this.work += p - nameStart;
      if (p >= end) c = -1;
    } else if (c !== LBRACE) {
      return this.fail(`invalid metric name: unexpected ${describeChar(c)} at the start of the line`);
    }
    const braced = name === undefined;
    let labels = EMPTY_LABELS;
    let afterName = p;
    if (c === SPACE || c === TAB) {
      p = skipBlanks(codes, p, end);
      c = p < end ? codes[p]! : -1;
      if (c === LBRACE) this.style |= STYLE_SPACE_BEFORE_LABELS;
    }
    if (c === LBRACE) {
      this.bracedName = undefined;
      const parsed = this.labelSet(p, end, false);
      if (parsed === null) return false;
      labels = parsed;
      if (this.bracedName !== undefined) {
        if (name !== undefined) return this.fail('the metric name is given twice (before and inside the braces)');
        name = this.bracedName;
      }
      p = this.pos;
      afterName = p;
    } else if (p === afterName && p < end) {
      return this.fail(`invalid character ${describeChar(c)} in metric name`);
    }
    if (name === undefined) return this.fail('invalid metric name: the label set names no metric');

    // Value.
    p = skipBlanks(codes, afterName, end);
    if (p === end) return this.fail('missing value after the metric name');
    if (p - afterName !== 1 || codes[afterName]! !== SPACE) this.style |= STYLE_SPACING;
    const value = scanNumber(text, codes, p, end, 0);
    if (scanned.end < 0) return this.fail(`invalid value ${quoteToken(text, codes, p, end)}: expected a float, NaN, +Inf or -Inf`);
    this.work += scanned.end - afterName;
    this.valueKind = scanned.kind;
    this.value = value;
    p = scanned.end;

    // Optional timestamp, then an optional exemplar.
    if (p < end) {
      const blanks = p;
      p = skipBlanks(codes, p, end);
      this.work += p - blanks;
      if (p === end) this.style |= STYLE_TRAILING_SPACE;
      else if (p - blanks !== 1 || codes[blanks]! !== SPACE) this.style |= STYLE_SPACING;
      if (p < end && codes[p]! !== HASH) {
        const timestamp = scanNumber(text, codes, p, end, om ? 3 : 0);
        if (scanned.end < 0) return this.fail(`invalid timestamp ${quoteToken(text, codes, p, end)}`);
        if (scanned.kind === KIND_SPECIAL) return this.fail(`invalid timestamp ${quoteToken(text, codes, p, end)}: it must be a finite number`);
        if (!om && scanned.kind !== KIND_INTEGER) return this.fail(`invalid timestamp ${quoteToken(text, codes, p, end)}: expected integer milliseconds`);
        this.hasTimestamp = true;
        this.timestampMs = timestamp;
        this.timestampStart = p;
        this.timestampEnd = scanned.end;
        this.work += scanned.end - p;
        p = scanned.end;
        if (p < end) {
          const gap = p;
          p = skipBlanks(codes, p, end);
          this.work += p - gap;
          if (p === end) this.style |= STYLE_TRAILING_SPACE;
          else if (p - gap !== 1 || codes[gap]! !== SPACE) this.style |= STYLE_SPACING;
          if (p < end && codes[p]! !== HASH) return this.fail(`unexpected text ${quoteToken(text, codes, p, end)} after the timestamp`);
        }
      }
      if (p < end) {
        this.hasExemplar = true;
        const problem = this.exemplar(p, end);
        if (problem !== undefined) this.problems.push(`exemplar ignored: ${problem}`);
      }
    }

    if (!this.sameName) {
      this.previousNameStart = nameStart;
      this.previousNameLength = braced ? -1 : name.length;
      this.previousName = name;
    }
    this.name = name;
    this.labels = labels;
    this.reportStyle();
    return true;
  }

  private reportStyle(): void {
    const style = this.style;
    if (style === 0) return;
    if (this.om) {
      for (const [bit, message] of STYLE_MESSAGES) if ((style & bit) !== 0) this.problems.push(message);
    }
    if ((style & STYLE_MISSING_COMMA) !== 0) this.problems.push(MISSING_COMMA);
  }

  private fail(message: string): false {
    this.error = message;
    return false;
  }

  /**
   * Parses `{name="value",...}` starting at the brace. Returns the labels (this.pos after the
   * closing brace) or null with this.error set.
   *
   * Label names and values are compared in place with the ones at the same position in the
   * previous label set and reused when equal. Duplicate names need no check while every name so
   * far repeated the previous set, whose first `distinctKeys` names are known to differ; otherwise
   * the label object itself answers (a hash lookup), so a line with many labels stays linear.
   * Exemplar label sets skip the reuse.
   */
  private labelSet(start: number, end: number, exemplar: boolean): Record<string, string> | null {
    const text = this.text;
    const codes = this.codes;
    const keys = this.keys;
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
        this.style |= STYLE_SPACE_IN_LABELS;
        p = skipBlanks(codes, p, end);
        c = p < end ? codes[p]! : -1;
      }
      if (c === RBRACE) {
        if (afterComma) this.style |= STYLE_TRAILING_COMMA;
        p++;
        break;
      }
      const cacheable = !exemplar && count < LABEL_CACHE_SIZE;
      const keyStart = p;
      let key: string;
      if (c >= 0 && c < 128 && (CHAR_CLASS[c]! & LABEL_START) !== 0) {
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
      } else if (c === COMMA) {
        return this.labelFail('unexpected comma: a label is missing before it');
      } else {
        return this.labelFail(`invalid label name: unexpected ${describeChar(c)}`);
      }

      if ((!repeated || count >= this.distinctKeys) && Object.hasOwn(labels, key)) return this.labelFail(`duplicate label name ${key}`);

      if (c === SPACE || c === TAB) {
        this.style |= STYLE_SPACE_IN_LABELS;
        p = skipBlanks(codes, p, end);
        c = p < end ? codes[p]! : -1;
      }
      if (c !== EQUALS) return this.labelFail(`expected = after label name ${key}, found ${describeChar(c)}`);
      c = ++p < end ? codes[p]! : -1;
      if (c === SPACE || c === TAB) {
        this.style |= STYLE_SPACE_IN_LABELS;
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
          const unescaped = this.unescape(valueStart, p, !this.om, 'label value');
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
        this.style |= STYLE_SPACE_IN_LABELS;
        p = skipBlanks(codes, p, end);
        c = p < end ? codes[p]! : -1;
      }
      afterComma = c === COMMA;
      if (afterComma) {
        c = ++p < end ? codes[p]! : -1;
        continue;
      }
      if (c === RBRACE) {
        p++;
        break;
      }
      if (c === QUOTE || (c >= 0 && c < 128 && (CHAR_CLASS[c]! & LABEL_START) !== 0)) {
        // Prometheus' own text parser reads the next label without the comma; so does Live Usage.
        this.style |= STYLE_MISSING_COMMA;
        continue;
      }
      return this.labelFail(c === -1 ? 'the label set is not closed with }' : `expected , or } after the value of ${key}, found ${describeChar(c)}`);
    }
    if (!exemplar) this.distinctKeys = Math.min(count, LABEL_CACHE_SIZE);
    // Every code unit of the set was visited a bounded number of times, plus one lookup per label.
    this.work += p - start + count;
    this.pos = p;
    return labels;
  }

  /** Like fail, and the cached label names may now hold a partial, unchecked set. */
  private labelFail(message: string): null {
    this.distinctKeys = 0;
    this.error = message;
    return null;
  }

  /**
   * ` # {labels} value [timestamp]` after a sample: checked, then dropped (Live Usage stores no
   * exemplars). Returns what is wrong with it, or undefined.
   */
  private exemplar(start: number, end: number): string | undefined {
    const text = this.text;
    const codes = this.codes;
    const om = this.om;
    let p = start + 1;
    const gap = p;
    p = skipBlanks(codes, p, end);
    this.work += p - start;
    if (p - gap !== 1 || codes[gap]! !== SPACE) this.style |= STYLE_SPACING;
    if (p >= end || codes[p]! !== LBRACE) return 'it must start with a label set: # {labels} value';
    const labels = this.labelSet(p, end, true);
    if (labels === null) return this.error;
    if (om) {
      let size = 0;
      for (const key in labels) {
        size += codePointLength(key) + codePointLength(labels[key]!);
        this.work += key.length + labels[key]!.length;
      }
      if (size > EXEMPLAR_LABEL_LIMIT) return `its labels are longer than ${EXEMPLAR_LABEL_LIMIT} characters`;
    }
    p = this.pos;
    const beforeValue = p;
    p = skipBlanks(codes, p, end);
    if (p === beforeValue || p === end) return 'it has no value';
    if (p - beforeValue !== 1 || codes[beforeValue]! !== SPACE) this.style |= STYLE_SPACING;
    scanNumber(text, codes, p, end, 0);
    if (scanned.end < 0) return `invalid value ${quoteToken(text, codes, p, end)}`;
    this.work += scanned.end - beforeValue;
    p = scanned.end;
    if (p < end) {
      const beforeTimestamp = p;
      p = skipBlanks(codes, p, end);
      if (p === end) {
        this.style |= STYLE_TRAILING_SPACE;
        return undefined;
      }
      if (p - beforeTimestamp !== 1 || codes[beforeTimestamp]! !== SPACE) this.style |= STYLE_SPACING;
      scanNumber(text, codes, p, end, 0);
      if (scanned.end < 0 || scanned.kind === KIND_SPECIAL) return `invalid timestamp ${quoteToken(text, codes, p, end)}`;
      this.work += scanned.end - beforeTimestamp;
      p = skipBlanks(codes, scanned.end, end);
      if (p < end) return `unexpected text ${quoteToken(text, codes, p, end)} after it`;
      if (p !== scanned.end) this.style |= STYLE_TRAILING_SPACE;
    }
    return undefined;
  }

  /** A double-quoted string at start (label or metric name); this.pos ends after the closing quote. */
  quotedString(start: number, end: number, what: string): string | null {
    const text = this.text;
    const codes = this.codes;
    let p = start + 1;
    let escaped = false;
    for (;;) {
      if (p >= end) {
        this.error = `${what} is not terminated by a quote`;
        return null;
      }
      const c = codes[p]!;
      if (c === QUOTE) break;
      if (c === BACKSLASH) {
        escaped = true;
        p += 2;
      } else p++;
    }
    this.work += p - start;
    const value = escaped ? this.unescape(start + 1, p, !this.om, what) : text.slice(start + 1, p);
    if (value === null) return null;
    if (value.length === 0) {
      this.error = `${what} is empty`;
      return null;
    }
    this.pos = p + 1;
    return value;
  }

  /**
   * Resolves `\\`, `\"` and `\n`. Other escapes are an error when `strict` (prometheus/common), and
   * are kept verbatim otherwise (OpenMetrics parsers accept them). Returns null with `error` set.
   */
  unescape(start: number, end: number, strict: boolean, what: string): string | null {
    const text = this.text;
    const codes = this.codes;
    const parts: string[] = [];
    let chunk = start;
    this.work += end - start;
    for (let p = start; p < end; p++) {
      if (codes[p]! !== BACKSLASH) continue;
      if (p > chunk) parts.push(text.slice(chunk, p));
      const next = p + 1 < end ? codes[p + 1]! : -1;
      if (next === LOWER_N) parts.push('\n');
      else if (next === BACKSLASH) parts.push('\\');
      else if (next === QUOTE) parts.push('"');
      else if (strict) {
        this.error = `invalid escape sequence \\${text.charAt(p + 1)} in ${what}`;
        return null;
      } else parts.push(next === -1 ? '\\' : '\\' + text.charAt(p + 1));
      p++;
      chunk = p + 1;
    }
    if (chunk < end) parts.push(text.slice(chunk, end));
    return parts.join('');
  }
}
