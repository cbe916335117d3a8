/**
 * The line-by-line driver: splits the text into lines, hands sample lines to the LineScanner and
 * comment lines to the metadata reader, files each sample under its family, and applies the type
 * rules and (OpenMetrics) the cross-line rules.
 *
 * Two lists come out besides the families. `issues` are lines that were skipped, because their value
 * could not be known or their metadata was refused. `flags` are rules the exposition breaks whose
 * values were kept all the same: Prometheus keeps such samples, and so does Live Usage. Both lists
 * are bounded, so a hostile body cannot make them grow without limit.
 */
import { CR, HASH, codeUnitsOf, isBlank, skipBlanks } from './chars';
import { exemplarAllowed, Family, publicFamily, roleIn, SUFFIXES, typeAllows } from './families';
import { readComment, type MetadataHost } from './metadata';
import { LineScanner } from './lineScanner';
import { nanosecondKey } from './numbers';
import { OpenMetricsRules, type LineRef } from './openMetricsRules';
import { TypeChecker } from './typeChecks';
import type { ParseIssue, ParseResult } from './types';

const ISSUE_TEXT_LIMIT = 200;
/** At most this many issues and this many flags are listed; one more entry counts the rest. */
export const LISTED_PROBLEMS_LIMIT = 1000;

interface ResolvedName {
  readonly name: string;
  readonly family: Family;
  readonly role: number;
}

class ProblemList {
  readonly list: ParseIssue[] = [];
  unlisted = 0;

  add(problem: ParseIssue): void {
    if (this.list.length < LISTED_PROBLEMS_LIMIT) this.list.push(problem);
    else this.unlisted++;
  }

  finish(what: string, line: number): ParseIssue[] {
    // Rules checked at the end of a histogram run report lines already passed: keep line order.
    this.list.sort((a, b) => a.line - b.line);
    if (this.unlisted > 0) this.list.push({ line, message: `…and ${this.unlisted} more ${what} not listed`, text: '' });
    return this.list;
  }
}

export class ExpositionParser implements MetadataHost {
  readonly codes: Uint16Array;
  readonly scanner: LineScanner;
  /** Code units and items visited, for the linearity tests (see LineScanner). */
  work = 0;
  lineStart = 0;

  private readonly families: Family[] = [];
  private readonly byName = new Map<string, Family>();
  private readonly issues = new ProblemList();
  private readonly flags = new ProblemList();
  private readonly types: TypeChecker;
  private readonly rules: OpenMetricsRules | undefined;
  private sawEof = false;
  private stopped = false;
  private lineEnd = 0;
  private line = 0;
  /** Sample name to family and role; cleared whenever metadata may change how names resolve. */
  private readonly nameCache = new Map<string, ResolvedName>();
  /** What the previous sample line's name resolved to (valid while the scanner says sameName). */
  private previous: ResolvedName | undefined = undefined;
  /** The family the previous sample or metadata line belonged to (OpenMetrics grouping checks). */
  private currentFamily: Family | undefined = undefined;

  constructor(
    readonly text: string,
    readonly om: boolean,
  ) {
    this.codes = codeUnitsOf(text);
    this.scanner = new LineScanner(text, this.codes, om);
    this.types = new TypeChecker(om, (message) => this.flag(message));
    this.rules = om ? new OpenMetricsRules((where, message) => this.flagAt(where, message)) : undefined;
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
      this.work += next - pos;
      this.lineStart = pos;
      this.lineEnd = end;
      this.line = line;
      if (this.sawEof && !this.om && !isBlank(codes, pos, end)) this.sawEof = false;
      const c = codes[pos]!;
      if (c === HASH) readComment(this, pos, end);
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
    this.rules?.finish();
    if (this.om && !this.sawEof) {
      this.line = Math.max(1, line);
      this.lineStart = this.lineEnd = length;
      this.issue('missing # EOF at the end of the OpenMetrics exposition');
    }
    const last = Math.max(1, this.line);
    return {
      families: this.families.map(publicFamily),
      issues: this.issues.finish('skipped lines', last),
      flags: this.flags.finish('broken rules', last),
      sawEof: this.sawEof,
      format: this.om ? 'openmetrics' : 'prometheus',
    };
  }

  /** Everything the parser visited: its own line splitting, the scanner's and the rules' work. */
  get totalWork(): number {
    return this.work + this.scanner.work + (this.rules?.work ?? 0);
  }

  issue(message: string): void {
    this.issues.add(this.problem(this.line, this.lineStart, this.lineEnd, message));
  }

  flag(message: string): void {
    this.flags.add(this.problem(this.line, this.lineStart, this.lineEnd, message));
  }

  private flagAt(where: LineRef, message: string): void {
    this.flags.add(this.problem(where.line, where.start, where.end, message));
  }

  private problem(line: number, start: number, end: number, message: string): ParseIssue {
    return { line, message, text: this.text.slice(start, Math.min(end, start + ISSUE_TEXT_LIMIT)) };
  }

  private blankLine(): void {
    if (this.om) this.issue('blank lines are not allowed in OpenMetrics');
  }

  // ---- samples ------------------------------------------------------------------------------

  private sampleLine(start: number, end: number): void {
    const scanner = this.scanner;
    const first = skipBlanks(this.codes, start, end);
    if (first === end) return this.blankLine();
    if (this.codes[first]! === HASH) {
      // 0.0.4 allows blanks before a comment; OpenMetrics does not.
      if (this.om) return this.issue('leading whitespace is not allowed in OpenMetrics');
      return readComment(this, first, end);
    }
    if (!scanner.scanSample(start, end)) return this.issue(scanner.error);
    let resolved = scanner.sameName ? this.previous : undefined;
    if (resolved === undefined) {
      resolved = this.nameCache.get(scanner.name);
      if (resolved === undefined) {
        const family = this.familyOfSample(scanner.name);
        resolved = { name: scanner.name, family, role: roleIn(family, scanner.name) };
        this.nameCache.set(resolved.name, resolved);
      }
      this.previous = resolved;
    }
    // The first copy of the name, so repeated names share one string instead of one per line.
    const { name, family, role } = resolved;
    for (const problem of scanner.problems) this.flag(problem);
    const labels = scanner.labels;
    const value = scanner.value;
    if (family.type !== 'gauge' && family.type !== 'untyped' && family.type !== 'unknown') this.types.check(family, role, labels, value, scanner.valueKind);
    if (this.om) {
      if (scanner.hasExemplar && !exemplarAllowed(family.type, role)) this.flag('exemplars are only allowed on counter _total and histogram _bucket samples');
      const continued = family === this.currentFamily;
      if (!continued && family.samples.length > 0) {
        this.flag(`samples of ${family.name} are interleaved with another family; OpenMetrics requires them together`);
      }
      const timestampKey = scanner.hasTimestamp ? nanosecondKey(this.text, scanner.timestampStart, scanner.timestampEnd) : undefined;
      const where: LineRef = { line: this.line, start: this.lineStart, end: this.lineEnd };
      const sample = { name, role, labels, value, hasTimestamp: scanner.hasTimestamp, timestampMs: scanner.timestampMs, timestampKey };
      if (!this.rules!.sample(family, sample, where, continued)) {
        this.currentFamily = family;
        return this.issue(`repeats a series of ${family.name} at the same instant; the first value is kept, as OpenMetrics parsers do`);
      }
    }
    this.currentFamily = family;
    family.samples.push(
      scanner.hasTimestamp ? { name, labels, value, timestampMs: scanner.timestampMs, line: this.line } : { name, labels, value, line: this.line },
    );
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
    return this.newFamily(name);
  }

  private newFamily(name: string): Family {
    const family = new Family(name, this.om ? 'unknown' : 'untyped');
    this.families.push(family);
    this.byName.set(name, family);
    this.rules?.claim(family, { line: this.line, start: this.lineStart, end: this.lineEnd });
    return family;
  }

  // ---- MetadataHost -------------------------------------------------------------------------

  existingFamily(name: string): Family | undefined {
    return this.byName.get(name);
  }

  metadataFamily(name: string): Family {
    const family = this.newFamily(name);
    this.forgetNames();
    return family;
  }

  typed(family: Family): void {
    this.forgetNames();
    this.rules?.claim(family, { line: this.line, start: this.lineStart, end: this.lineEnd });
  }

  current(family: Family): void {
    this.currentFamily = family;
  }

  endOfFile(): void {
    this.sawEof = true;
    if (this.om) this.stopped = true;
  }

  /** A family created or retyped by metadata can claim names that resolved elsewhere before. */
  private forgetNames(): void {
    this.nameCache.clear();
    this.previous = undefined;
    this.scanner.forgetName();
  }
}
