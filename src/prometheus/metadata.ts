/**
 * Comment lines: `# HELP`, `# TYPE`, `# UNIT` and `# EOF`, plus plain comments (ignored in 0.0.4,
 * not allowed in OpenMetrics). Metadata carries no values, so a metadata line that breaks a rule is
 * reported and ignored (an issue) unless what it says is still clear (a flag, e.g. a UNIT on an info
 * metric).
 */
import { CHAR_CLASS, NAME_CHAR, NAME_START, QUOTE, SPACE, TAB, describeChar, skipBlanks, trimEndBlanks } from './chars';
import { TYPES, type Family } from './families';
import type { LineScanner } from './lineScanner';

/** What the parser offers the metadata reader. */
export interface MetadataHost {
  readonly text: string;
  readonly codes: Uint16Array;
  readonly om: boolean;
  readonly scanner: LineScanner;
  /** Where the current line starts (a comment may follow leading blanks in 0.0.4). */
  readonly lineStart: number;
  work: number;
  issue(message: string): void;
  flag(message: string): void;
  existingFamily(name: string): Family | undefined;
  /** The family named `name`, created (untyped or unknown) when there is none yet. */
  metadataFamily(name: string): Family;
  /** A TYPE line set the family's type: names may now resolve differently. */
  typed(family: Family): void;
  /** The family metadata or samples last spoke of (OpenMetrics keeps families together). */
  current(family: Family): void;
  /** `# EOF`: in OpenMetrics the exposition ends here. */
  endOfFile(): void;
}

export function readComment(host: MetadataHost, start: number, end: number): void {
  const { text, codes, om } = host;
  const afterHash = start + 1;
  const keywordStart = skipBlanks(codes, afterHash, end);
  let keywordEnd = keywordStart;
  while (keywordEnd < end) {
    const c = codes[keywordEnd]!;
    if (c === SPACE || c === TAB) break;
    keywordEnd++;
  }
  host.work += keywordEnd - start;
  const keywordLength = keywordEnd - keywordStart;
  let keyword = '';
  if (keywordLength === 3 && text.startsWith('EOF', keywordStart)) keyword = 'EOF';
  else if (keywordLength === 4) {
    if (text.startsWith('HELP', keywordStart)) keyword = 'HELP';
    else if (text.startsWith('TYPE', keywordStart)) keyword = 'TYPE';
    else if (text.startsWith('UNIT', keywordStart)) keyword = 'UNIT';
  }
  if (keyword === '') {
    if (om) host.issue('OpenMetrics allows only # HELP, # TYPE, # UNIT and # EOF comments');
    return;
  }
  if (om && (start !== host.lineStart || keywordStart !== afterHash + 1 || codes[afterHash]! !== SPACE)) {
    return host.issue(`OpenMetrics requires exactly "# ${keyword}"`);
  }

  if (keyword === 'EOF') {
    const rest = skipBlanks(codes, keywordEnd, end);
    if (rest < end) {
      if (om) host.issue('unexpected text after # EOF on the same line');
      return;
    }
    if (om && keywordEnd !== end) return host.issue('trailing whitespace is not allowed in OpenMetrics');
    return host.endOfFile();
  }

  // Metric name.
  let p = keywordEnd;
  if (p < end) {
    p = skipBlanks(codes, p, end);
    if (om && (p - keywordEnd !== 1 || codes[keywordEnd]! !== SPACE)) return host.issue('OpenMetrics requires exactly one space between tokens');
  }
  if (p === end) {
    // prometheus/common ignores a bare `# HELP` or `# TYPE`: it is just a comment.
    if (om) host.issue(`# ${keyword} without a metric name`);
    return;
  }
  let name: string;
  const nameStart = p;
  let c = codes[p]!;
  if (c === QUOTE) {
    const quoted = host.scanner.quotedString(p, end, 'metric name');
    if (quoted === null) return host.issue(host.scanner.error);
    name = quoted;
    p = host.scanner.quotedEnd;
  } else {
    if (!(c < 128 && (CHAR_CLASS[c]! & NAME_START) !== 0)) return host.issue(`invalid metric name in # ${keyword} line`);
    p++;
    while (p < end && (c = codes[p]!) < 128 && (CHAR_CLASS[c]! & NAME_CHAR) !== 0) p++;
    name = text.slice(nameStart, p);
  }
  host.work += p - nameStart;
  let rest = p;
  if (p < end) {
    c = codes[p]!;
    if (c !== SPACE && c !== TAB) return host.issue(`invalid metric name in # ${keyword} line: unexpected ${describeChar(c)}`);
    rest = skipBlanks(codes, p, end);
    if (om) {
      if (c !== SPACE) return host.issue('OpenMetrics requires exactly one space between tokens');
      // OpenMetrics HELP text starts right after the single space; further blanks are part of it.
      if (keyword === 'HELP') rest = p + 1;
      else if (rest - p !== 1) return host.issue('OpenMetrics requires exactly one space between tokens');
    }
  } else if (om && keyword !== 'TYPE') {
    // `# HELP name ` (with the space) is an empty HELP; without the space the line is cut short.
    return host.issue(`# ${keyword} ${name} must be followed by a space and its text (which may be empty)`);
  }
  host.work += end - rest;

  if (keyword === 'HELP') help(host, name, rest, end);
  else if (keyword === 'TYPE') type(host, name, rest, end);
  else unit(host, name, rest, end);
}

function help(host: MetadataHost, name: string, start: number, end: number): void {
  if (start >= end && !host.om) return; // prometheus/common ignores a HELP line without text
  const text = host.scanner.unescape(start, end, false, 'HELP');
  const existing = host.existingFamily(name);
  if (existing?.helped) return host.issue(`second HELP line for ${name}`);
  if (host.om && existing !== undefined && existing.samples.length > 0) return host.issue(`HELP for ${name} comes after its samples`);
  const family = existing ?? host.metadataFamily(name);
  family.helped = true;
  // OpenMetrics: an empty HELP is the same as none.
  family.help = text === '' || text === null ? undefined : text;
  host.current(family);
}

function type(host: MetadataHost, name: string, start: number, end: number): void {
  if (start >= end) return host.issue(`# TYPE line for ${name} has no type`);
  const last = host.om ? end : trimEndBlanks(host.codes, start, end);
  const word = host.text.slice(start, last);
  const lower = word.toLowerCase();
  const type = Object.hasOwn(TYPES, lower) ? TYPES[lower] : undefined;
  if (type === undefined) return host.issue(`unknown metric type ${JSON.stringify(word)}`);
  if (host.om && (type === 'untyped' || word !== lower || word === 'gauge_histogram')) {
    return host.issue(`${JSON.stringify(word)} is not an OpenMetrics type`);
  }
  const existing = host.existingFamily(name);
  if (existing !== undefined) {
    if (existing.typed) return host.issue(`second TYPE line for ${name}`);
    if (existing.samples.length > 0) return host.issue(`TYPE for ${name} comes after its samples`);
  }
  const family = existing ?? host.metadataFamily(name);
  family.type = type;
  family.typed = true;
  if (host.om && family.unit !== undefined && (type === 'info' || type === 'stateset')) host.flag(`${type} metrics have no unit, yet ${name} has one`);
  host.typed(family);
  host.current(family);
}

function unit(host: MetadataHost, name: string, start: number, end: number): void {
  const om = host.om;
  const last = om ? end : trimEndBlanks(host.codes, start, end);
  const unit = host.text.slice(start, last);
  if (om && unit !== '' && !name.endsWith(`_${unit}`)) return host.issue(`unit ${unit} must be the suffix of the metric name ${name}`);
  const existing = host.existingFamily(name);
  if (existing?.united) return host.issue(`second UNIT line for ${name}`);
  if (om && existing !== undefined && existing.samples.length > 0) return host.issue(`UNIT for ${name} comes after its samples`);
  const family = existing ?? host.metadataFamily(name);
  family.united = true;
  family.unit = unit === '' ? undefined : unit;
  if (om && family.unit !== undefined && (family.type === 'info' || family.type === 'stateset'))
    host.flag(`${family.type} metrics have no unit, yet ${name} has one`);
  host.current(family);
}
