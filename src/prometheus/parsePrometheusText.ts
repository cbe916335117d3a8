/**
 * Parser for the Prometheus text exposition format (0.0.4) and OpenMetrics 1.0 text: the public
 * entry points. The work is split by responsibility:
 * - chars.ts, numbers.ts: character classes and number scanning (the tokenizer's pieces);
 * - lineScanner.ts: one sample line, leniently, with the rules it breaks;
 * - metadata.ts: HELP, TYPE, UNIT and EOF lines;
 * - parser.ts: lines to families; typeChecks.ts and openMetricsRules.ts: the per-sample and
 *   cross-line rules, reported as flags that never cost a value.
 * The parser never throws: an unreadable line becomes an issue with its 1-based line number.
 * Its work is linear in the text (lines, line length, labels per line, escapes, families).
 */
import { CR, LF } from './chars';
import { ExpositionParser } from './parser';
import type { ExpositionFormat, ParseOptions, ParseResult } from './types';

export { parsePrometheusNumber } from './numbers';

/** The format a Content-Type names, or undefined when it names neither (or is missing). */
export function formatOfContentType(contentType: string | undefined): ExpositionFormat | undefined {
  if (contentType === undefined) return undefined;
  const mediaType = contentType.split(';', 1)[0]!.trim().toLowerCase();
  if (mediaType === 'application/openmetrics-text') return 'openmetrics';
  if (mediaType === 'text/plain') return 'prometheus';
  return undefined;
}

/** Whether the last line of the body (ignoring one final newline) is `# EOF`. */
function endsWithEof(text: string): boolean {
  let end = text.length;
  if (end > 0 && text.charCodeAt(end - 1) === LF) end--;
  if (end > 0 && text.charCodeAt(end - 1) === CR) end--;
  return end >= 5 && text.startsWith('# EOF', end - 5) && (end === 5 || text.charCodeAt(end - 6) === LF);
}

function sampleCount(result: ParseResult): number {
  let count = 0;
  for (const family of result.families) count += family.samples.length;
  return count;
}

function problemCount(result: ParseResult): number {
  return result.issues.length + (result.flags?.length ?? 0);
}

/**
 * Parses a Prometheus 0.0.4 or OpenMetrics 1.0 text exposition. Never throws: unreadable lines are
 * skipped and listed in `issues`, broken rules whose values were kept are listed in `flags`.
 *
 * With format 'auto' (the default) the Content-Type decides, as it does for Prometheus itself: a
 * `text/plain` body is 0.0.4 even when it ends in `# EOF` (that line is then just a comment). Only
 * a body whose Content-Type names no format and whose last line is `# EOF` is also read as
 * OpenMetrics, and that reading is taken when it keeps at least as many samples with no more
 * problems; otherwise the lenient 0.0.4 reading wins, so the guess never costs a value.
 */
export function parsePrometheusText(text: string, options?: ParseOptions): ParseResult {
  const format = options?.format ?? 'auto';
  if (format === 'openmetrics') return new ExpositionParser(text, true).run();
  if (format === 'prometheus') return new ExpositionParser(text, false).run();
  const named = formatOfContentType(options?.contentType);
  if (named !== undefined) return new ExpositionParser(text, named === 'openmetrics').run();
  const prometheus = new ExpositionParser(text, false).run();
  if (!endsWithEof(text)) return prometheus;
  const openMetrics = new ExpositionParser(text, true).run();
  return sampleCount(openMetrics) >= sampleCount(prometheus) && problemCount(openMetrics) <= problemCount(prometheus) ? openMetrics : prometheus;
}

/**
 * Test support: the units of work (code units and items visited) one parse takes. Tests compare it
 * at n and 4n to prove the parser linear; timings would depend on the machine.
 */
export function parseWork(text: string, format: 'prometheus' | 'openmetrics'): number {
  const parser = new ExpositionParser(text, format === 'openmetrics');
  parser.run();
  return parser.totalWork;
}
