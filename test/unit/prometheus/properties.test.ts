/**
 * Property-based tests: (a) random valid expositions, written by the small serializer below, parse
 * back to exactly the model that produced them; (b) garbage and mutated expositions never make the
 * parser throw, and every reported line number points into the input.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { parsePrometheusText } from '../../../src/prometheus/parsePrometheusText';
import type { MetricFamily, MetricType, ParseResult, PromSample } from '../../../src/prometheus/types';

type Format = 'prometheus' | 'openmetrics';

interface GeneratedSample {
  readonly suffix: string;
  readonly labels: readonly (readonly [string, string])[];
  readonly value: number;
  readonly timestampMs?: number;
}

interface GeneratedFamily {
  readonly base: string;
  readonly type: MetricType;
  /** Whether a TYPE line is written (families without one are untyped/unknown). */
  readonly declared: boolean;
  readonly help?: string;
  readonly unit?: string;
  readonly samples: readonly GeneratedSample[];
}

interface Exposition {
  readonly format: Format;
  readonly families: readonly GeneratedFamily[];
}

const UNITS = ['seconds', 'bytes', 'ratio', 'celsius'];

// ---- arbitraries ------------------------------------------------------------------------------

const metricNameArb = fc.stringMatching(/^[a-zA-Z_:][a-zA-Z0-9_:]{0,10}$/);
const plainNameArb = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,10}$/);
const labelNameArb = fc
  .oneof({ weight: 8, arbitrary: plainNameArb }, { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf') })
  .filter((name) => name !== '__name__' && name !== 'le' && name !== 'quantile');

/** Label values and HELP texts: any code points, with the escape-worthy ones made common. */
const nastyStringArb = fc.string({
  unit: fc.oneof(
    { weight: 4, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
    { weight: 1, arbitrary: fc.constantFrom('"', '\\', '\n', '\\n', '\r', '\t', ' ', '{', '}', ',', '=', '#', 'é', '日', '😀', '\u0000') },
  ),
  maxLength: 12,
});

type Labels = readonly (readonly [string, string])[];

const labelsArb: fc.Arbitrary<Labels> = fc.uniqueArray(fc.tuple(labelNameArb, nastyStringArb), { maxLength: 4, selector: ([name]) => name });

/** Values that are prefixes or near-copies of each other, as neighbouring series usually have. */
const similarValueArb = fc.oneof(fc.constantFrom('', 'a', 'ab', 'abc', 'abd', 'a"', 'a\\', 'a\n', 'GET', 'GETS', 'POST'), nastyStringArb);

/**
 * Label sets of one family: mostly the same names in the same order with similar values (what
 * exporters write, and what the parser's reuse of the previous line's names and values sees),
 * sometimes unrelated ones.
 */
function familyLabelsArb(names: readonly string[]): fc.Arbitrary<Labels> {
  const shared = fc.tuple(...names.map(() => similarValueArb)).map((values): Labels => names.map((name, i) => [name, values[i]!] as const));
  return fc.oneof({ weight: 3, arbitrary: shared }, { weight: 1, arbitrary: labelsArb });
}

/** Any double, with NaN, ±Inf, -0 and integers frequent. */
const valueArb = fc.oneof(
  fc.double(),
  fc.constantFrom(NaN, Infinity, -Infinity, -0, 0),
  fc.integer({ min: -1e6, max: 1e6 }),
  fc.double({ min: -1e3, max: 1e3, noNaN: true }).map((v) => Math.round(v * 1000) / 1000),
);
const countArb = fc.oneof(fc.nat({ max: 1e9 }), fc.constant(0));
const nonNegativeArb = fc.oneof(countArb, fc.double({ min: 0, max: 1e12, noNaN: true }));
const timestampArb = fc.option(fc.integer({ min: -1e13, max: 1e13 }), { nil: undefined });
const leArb = fc.oneof(
  fc.double({ noNaN: true, min: -1e6, max: 1e6 }).map((v) => String(v)),
  fc.constantFrom('+Inf', '-Inf', '0.5', '1e-05', '1.0'),
);
const quantileArb = fc.double({ min: 0, max: 1, noNaN: true }).map((v) => String(v));

function samplesFor(type: MetricType, format: Format, stateLabel: string, labelSets: fc.Arbitrary<Labels>): fc.Arbitrary<GeneratedSample[]> {
  const sample = (suffix: fc.Arbitrary<string>, value: fc.Arbitrary<number>, extra?: fc.Arbitrary<readonly [string, string]>): fc.Arbitrary<GeneratedSample> =>
    fc
      .record({ suffix, labels: extra ? fc.tuple(labelSets, extra).map(([labels, more]) => [...labels, more]) : labelSets, value, timestampMs: timestampArb })
      .map((s) => (s.timestampMs === undefined ? { suffix: s.suffix, labels: s.labels, value: s.value } : s));
  const list = (arb: fc.Arbitrary<GeneratedSample>): fc.Arbitrary<GeneratedSample[]> => fc.array(arb, { maxLength: 8 });
  switch (type) {
    case 'counter':
      return list(
        format === 'openmetrics'
          ? fc.oneof(sample(fc.constant('_total'), nonNegativeArb), sample(fc.constant('_created'), nonNegativeArb))
          : sample(fc.constantFrom('', '_total', '_created'), valueArb),
      );
    case 'histogram':
      return list(
        fc.oneof(
          sample(
            fc.constant('_bucket'),
            countArb,
            leArb.map((le) => ['le', le] as const),
          ),
          sample(fc.constant('_count'), countArb),
          sample(fc.constantFrom('_sum', '_created'), valueArb),
        ),
      );
    case 'gaugehistogram':
      return list(
        fc.oneof(
          sample(
            fc.constant('_bucket'),
            countArb,
            leArb.map((le) => ['le', le] as const),
          ),
          sample(fc.constant('_gcount'), countArb),
          sample(fc.constant('_gsum'), valueArb),
        ),
      );
    case 'summary':
      return list(
        fc.oneof(
          sample(
            fc.constant(''),
            valueArb,
            quantileArb.map((q) => ['quantile', q] as const),
          ),
          sample(fc.constant('_count'), countArb),
          sample(fc.constantFrom('_sum', '_created'), valueArb),
        ),
      );
    case 'stateset':
      return list(
        sample(
          fc.constant(''),
          fc.constantFrom(0, 1),
          nastyStringArb.map((state) => [stateLabel, state] as const),
        ),
      );
    case 'info':
      return list(sample(fc.constant('_info'), fc.constant(1)));
    default:
      return list(sample(fc.constant(''), valueArb));
  }
}

const OPENMETRICS_TYPES: MetricType[] = ['counter', 'gauge', 'histogram', 'summary', 'unknown', 'gaugehistogram', 'stateset', 'info'];
const PROMETHEUS_TYPES: MetricType[] = ['counter', 'gauge', 'histogram', 'summary', 'untyped'];

/** HELP texts that survive the format: 0.0.4 drops leading blanks and empty HELP lines; a final CR is a line ending. */
function helpArb(format: Format): fc.Arbitrary<string | undefined> {
  const text = nastyStringArb.filter((help) => !help.endsWith('\r') && (format === 'openmetrics' ? help !== '' : help !== '' && !/^[ \t]/.test(help)));
  return fc.option(text, { nil: undefined });
}

/**
 * One family. Names are `<random>_<index>` (plus `_total` or `_<unit>` for some): the index makes
 * names unique and stops one family's suffixed sample names from being another family's name.
 */
function familyArb(format: Format, index: number): fc.Arbitrary<GeneratedFamily> {
  const types = format === 'openmetrics' ? OPENMETRICS_TYPES : PROMETHEUS_TYPES;
  return fc
    .record({
      random: metricNameArb,
      plain: plainNameArb,
      type: fc.constantFrom(...types),
      declared: fc.boolean(),
      help: helpArb(format),
      unit: fc.option(fc.constantFrom(...UNITS), { nil: undefined }),
      totalSuffix: fc.boolean(),
      labelNames: fc.uniqueArray(labelNameArb, { maxLength: 4 }),
    })
    .chain(({ random, plain, type, declared, help, unit, totalSuffix, labelNames }) => {
      const stateset = type === 'stateset';
      // A stateset's label is named after the family, so its name must also be a label name.
      let base = `${stateset ? plain : random}_${index}`;
      const withUnit = format === 'openmetrics' && unit !== undefined && type !== 'stateset' && type !== 'info';
      if (withUnit) base += `_${unit}`;
      else if (totalSuffix && type === 'gauge') base += '_total';
      const untyped = type === 'untyped' || type === 'unknown';
      return samplesFor(type, format, base, familyLabelsArb(labelNames.filter((name) => name !== base))).map((samples): GeneratedFamily => ({
        base,
        type,
        declared: untyped ? declared : true,
        ...(help === undefined ? {} : { help }),
        ...(withUnit ? { unit } : {}),
        samples,
      }));
    });
}

const expositionArb: fc.Arbitrary<Exposition> = fc
  .constantFrom<Format>('prometheus', 'openmetrics')
  .chain((format) =>
    fc
      .integer({ min: 0, max: 8 })
      .chain((count) => fc.tuple(...Array.from({ length: count }, (_, i) => familyArb(format, i))).map((families): Exposition => ({ format, families }))),
  );

interface Layout {
  /** Drives the per-line choices: blank lines, comments, blanks between tokens, number spellings. */
  readonly seed: number;
  readonly crlf: 'never' | 'always' | 'random';
  readonly finalNewline: boolean;
}

const layoutArb: fc.Arbitrary<Layout> = fc.record({
  seed: fc.integer(),
  crlf: fc.constantFrom<Layout['crlf']>('never', 'always', 'random'),
  finalNewline: fc.boolean(),
});

// ---- serializer ---------------------------------------------------------------------------------

function escapeLabelValue(value: string): string {
  return value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');
}

function escapeHelp(help: string): string {
  return help.replaceAll('\\', '\\\\').replaceAll('\n', '\\n');
}

function formatValue(value: number, pick: (n: number) => number): string {
  if (Number.isNaN(value)) return ['NaN', 'nan', 'NAN'][pick(3)]!;
  if (value === Infinity) return ['+Inf', 'Inf', 'inf', '+infinity', 'Infinity'][pick(5)]!;
  if (value === -Infinity) return ['-Inf', '-inf', '-Infinity'][pick(3)]!;
  if (Object.is(value, -0)) return '-0';
  return String(value);
}

/** Integer milliseconds written as OpenMetrics seconds with exactly three decimals. */
function formatSeconds(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  const abs = Math.abs(ms);
  return `${sign}${Math.floor(abs / 1000)}.${String(abs % 1000).padStart(3, '0')}`;
}

interface Serialized {
  readonly text: string;
  readonly expected: MetricFamily[];
}

function serialize(exposition: Exposition, layout: Layout): Serialized {
  let state = layout.seed >>> 0;
  const pick = (n: number): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state >>> 8) % n;
  };
  const om = exposition.format === 'openmetrics';
  const lines: string[] = [];
  const endings: string[] = [];
  const push = (line: string): number => {
    lines.push(line);
    endings.push(layout.crlf === 'always' || (layout.crlf === 'random' && pick(2) === 0) ? '\r\n' : '\n');
    return lines.length;
  };
  const gap = (): string => (om ? ' ' : [' ', '  ', '\t', ' \t '][pick(4)]!);
  const maybeNoise = (): void => {
    if (om) return;
    const roll = pick(8);
    if (roll === 0) push('');
    else if (roll === 1) push('# just a comment');
    else if (roll === 2) push(' \t');
  };

  const expected: MetricFamily[] = [];
  for (const family of exposition.families) {
    maybeNoise();
    if (family.declared) push(`# TYPE ${family.base} ${family.type}`);
    if (family.unit !== undefined) push(`# UNIT ${family.base} ${family.unit}`);
    if (family.help !== undefined) push(`# HELP ${family.base}${om ? ' ' : gap()}${escapeHelp(family.help)}`);
    const samples: PromSample[] = [];
    // OpenMetrics keeps only the first value of a series repeated at one instant: write each series once.
    const written = new Set<string>();
    for (const sample of family.samples) {
      const name = family.base + sample.suffix;
      const series = JSON.stringify([name, [...sample.labels].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))]);
      if (om && written.has(series)) continue;
      written.add(series);
      maybeNoise();
      let line = name;
      if (sample.labels.length > 0 || pick(6) === 0) {
        const pairs = sample.labels.map(([key, value]) => `${key}="${escapeLabelValue(value)}"`);
        line += `{${pairs.join(',')}${!om && pairs.length > 0 && pick(4) === 0 ? ',' : ''}}`;
      }
      line += gap() + formatValue(sample.value, pick);
      if (sample.timestampMs !== undefined) line += gap() + (om ? formatSeconds(sample.timestampMs) : String(sample.timestampMs));
      const lineNumber = push(line);
      const labels: Record<string, string> = {};
      for (const [key, value] of sample.labels) Object.defineProperty(labels, key, { value, enumerable: true, writable: true, configurable: true });
      samples.push(
        sample.timestampMs === undefined
          ? { name, labels, value: sample.value, line: lineNumber }
          : { name, labels, value: sample.value, timestampMs: sample.timestampMs, line: lineNumber },
      );
    }
    // A family with no metadata and no samples writes no line at all, so it cannot come back.
    if (!family.declared && family.help === undefined && family.unit === undefined && samples.length === 0) continue;
    const type: MetricType = family.declared ? family.type : om ? 'unknown' : 'untyped';
    expected.push({
      name: family.base,
      type,
      ...(family.help === undefined ? {} : { help: family.help }),
      ...(family.unit === undefined ? {} : { unit: family.unit }),
      samples,
    });
  }
  maybeNoise();
  if (om) push('# EOF');
  let text = lines.map((line, i) => line + endings[i]).join('');
  if (!layout.finalNewline && text.endsWith('\n')) text = text.slice(0, text.endsWith('\r\n') ? -2 : -1);
  return { text, expected };
}

// ---- properties ---------------------------------------------------------------------------------

function lineCount(text: string): number {
  return text.split('\n').length;
}

function assertWellFormed(result: ParseResult, text: string): void {
  assert.equal(typeof result, 'object');
  assert.ok(Array.isArray(result.families));
  assert.ok(Array.isArray(result.issues));
  assert.equal(typeof result.sawEof, 'boolean');
  const lines = lineCount(text);
  for (const issue of result.issues) {
    assert.ok(Number.isInteger(issue.line) && issue.line >= 1 && issue.line <= lines, `issue line ${issue.line} outside 1..${lines}`);
    assert.equal(typeof issue.message, 'string');
    assert.ok(issue.message.length > 0);
    assert.ok(issue.text.length <= 200);
  }
  for (const family of result.families) {
    for (const sample of family.samples) {
      assert.ok(sample.line >= 1 && sample.line <= lines, `sample line ${sample.line} outside 1..${lines}`);
      assert.equal(typeof sample.value, 'number');
    }
  }
}

const RUNS = 300;

describe('property: valid expositions round-trip', () => {
  test('serialize -> parse gives back exactly the generated families (NaN, -0 and all)', () => {
    fc.assert(
      fc.property(expositionArb, layoutArb, (exposition, layout) => {
        const { text, expected } = serialize(exposition, layout);
        const result = parsePrometheusText(text, { format: exposition.format });
        assert.deepEqual(result.issues, [], `issues for:\n${text}`);
        // deepStrictEqual compares numbers with Object.is: NaN equals NaN, -0 differs from 0.
        assert.deepEqual(result.families, expected);
        assert.equal(result.sawEof, exposition.format === 'openmetrics');
      }),
      { numRuns: RUNS },
    );
  });

  test('auto mode follows the Content-Type', () => {
    fc.assert(
      fc.property(expositionArb, layoutArb, (exposition, layout) => {
        const { text } = serialize(exposition, layout);
        const contentType = exposition.format === 'openmetrics' ? 'application/openmetrics-text; version=1.0.0; charset=utf-8' : 'text/plain; version=0.0.4';
        assert.deepEqual(parsePrometheusText(text, { contentType }), parsePrometheusText(text, { format: exposition.format }));
      }),
      { numRuns: 100 },
    );
  });

  test('auto mode without a Content-Type never keeps fewer samples than the lenient 0.0.4 reading', () => {
    const count = (result: ParseResult): number => result.families.reduce((sum, family) => sum + family.samples.length, 0);
    fc.assert(
      fc.property(
        fc.oneof(
          expositionArb.chain((exposition) => layoutArb.map((layout) => serialize(exposition, layout).text)),
          mutatedArb,
        ),
        (text) => {
          assert.ok(count(parsePrometheusText(text)) >= count(parsePrometheusText(text, { format: 'prometheus' })), text);
        },
      ),
      { numRuns: 200 },
    );
  });
});

/** Characters that matter to the grammar, so random strings hit its branches often. */
const grammarCharArb = fc.constantFrom(
  '#',
  ' ',
  '\t',
  '{',
  '}',
  '"',
  '\\',
  '=',
  ',',
  '\n',
  '\r',
  '.',
  '-',
  '+',
  'e',
  'E',
  'a',
  '_',
  ':',
  '0',
  '1',
  '9',
  'HELP ',
  'TYPE ',
  'UNIT ',
  'EOF',
  'NaN',
  'Inf',
  'le',
  'quantile',
  'counter',
  'histogram',
  'summary',
  'gauge',
  '# ',
  '\u00e9',
  '\ud83d\ude00',
);

const garbageArb = fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.string({ unit: grammarCharArb, maxLength: 120 }));

/** A valid exposition with a few characters inserted, deleted or replaced. */
const mutatedArb = fc
  .tuple(expositionArb, layoutArb, fc.array(fc.tuple(fc.nat(), fc.nat({ max: 3 }), grammarCharArb), { minLength: 1, maxLength: 6 }))
  .map(([exposition, layout, edits]) => {
    let text = serialize(exposition, layout).text;
    for (const [where, kind, insert] of edits) {
      const at = text.length === 0 ? 0 : where % text.length;
      if (kind === 0) text = text.slice(0, at) + insert + text.slice(at);
      else if (kind === 1) text = text.slice(0, at) + text.slice(at + 1);
      else text = text.slice(0, at) + insert + text.slice(at + 1);
    }
    return text;
  });

describe('property: bad input never throws', () => {
  for (const format of ['auto', 'prometheus', 'openmetrics'] as const) {
    test(`garbage strings (${format})`, () => {
      fc.assert(
        fc.property(garbageArb, (text) => assertWellFormed(parsePrometheusText(text, { format }), text)),
        { numRuns: RUNS },
      );
    });

    test(`mutated valid expositions (${format})`, () => {
      fc.assert(
        fc.property(mutatedArb, (text) => assertWellFormed(parsePrometheusText(text, { format }), text)),
        { numRuns: RUNS },
      );
    });
  }
});
