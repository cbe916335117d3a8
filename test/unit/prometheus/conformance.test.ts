/**
 * Table-driven cases modelled on the kinds of inputs in the prometheus/common expfmt tests and the
 * Prometheus server's text parser tests (written here from scratch, not copied): each input yields
 * issues (skipped lines) and flags (broken rules, values kept) on exactly the listed lines, and
 * parsing never throws. The OpenMetrics suite's cases are in openMetricsSuite.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parsePrometheusText } from '../../../src/prometheus/parsePrometheusText';
import type { ParseResult } from '../../../src/prometheus/types';

interface Case {
  readonly name: string;
  readonly text: string;
  /** Lines with an issue (skipped); empty for an input that must parse cleanly. */
  readonly issues: readonly number[];
  /** Lines with a flag (a rule broken, the value kept). */
  readonly flags?: readonly number[];
  /** Optional extra check on the result. */
  readonly check?: (result: ParseResult) => void;
}

function lines(...rows: string[]): string {
  return `${rows.join('\n')}\n`;
}

function values(result: ParseResult, familyName: string): number[] {
  return result.families.find((f) => f.name === familyName)?.samples.map((s) => s.value) ?? [];
}

const prometheusCases: Case[] = [
  { name: 'only blank lines', text: '\n\n', issues: [], check: (r) => assert.deepEqual(r.families, []) },
  {
    name: 'minimal lines, an empty label set and a stray HELP',
    text: lines('', 'minimal_metric 1.234', 'another_metric -3e3 103948', '# Even that:', 'no_labels{} 3', '# HELP line for a metric that never appears.'),
    issues: [],
    check: (r) => {
      assert.deepEqual(values(r, 'minimal_metric'), [1.234]);
      assert.equal(r.families.find((f) => f.name === 'another_metric')!.samples[0]!.timestampMs, 103948);
    },
  },
  {
    name: 'counters and gauges with docstrings, odd whitespace and escapes',
    text: lines(
      '# A normal comment.',
      '#',
      '# TYPE name counter',
      'name{labelname="val1",basename="basevalue"} NaN',
      'name {labelname="val2",basename="base\\"v\\\\al\\nue"} 0.23 1234567890',
      '# HELP name two-line\\n doc  str\\\\ing',
      '',
      ' # HELP  name2  \tdoc str"ing 2',
      '  #    TYPE    name2 gauge',
      'name2{labelname="val2"\t,basename   =   "basevalue2"\t\t} +Inf 54321',
      'name2{ labelname = "val1" , }-Inf',
    ),
    issues: [],
    check: (r) => {
      assert.deepEqual(
        r.families.map((f) => [f.name, f.type, f.help]),
        [
          ['name', 'counter', 'two-line\n doc  str\\ing'],
          ['name2', 'gauge', 'doc str"ing 2'],
        ],
      );
      assert.equal(r.families[0]!.samples[1]!.labels.basename, 'base"v\\al\nue');
    },
  },
  { name: 'missing final newline is accepted', text: '\nbla 3.14\nblubber 42', issues: [] },
  { name: 'invalid escape in a label value', text: lines('metric{label="\\t"} 3.14'), issues: [1] },
  { name: 'raw newline in a label value', text: lines('', 'metric{label="new', 'line"} 3.14'), issues: [2, 3] },
  { name: 'label name with a symbol', text: lines('metric{@="bla"} 3.14'), issues: [1] },
  { name: 'reserved __name__ label', text: lines('metric{__name__="bla"} 3.14'), issues: [1] },
  { name: 'label name followed by junk', text: lines('metric{label+="bla"} 3.14'), issues: [1] },
  { name: 'unquoted label value', text: lines('metric{label=bla} 3.14'), issues: [1] },
  { name: 'non-numeric quantile', text: lines('', '# TYPE metric summary', 'metric{quantile="bla"} 3.14'), issues: [], flags: [3] },
  { name: 'junk after a label value', text: lines('metric{label="bla"+} 3.14'), issues: [1] },
  { name: 'float timestamp', text: lines('metric{label="bla"} 3.14 2.72'), issues: [1] },
  { name: 'text after the timestamp', text: lines('metric{label="bla"} 3.14 2 3'), issues: [1] },
  { name: 'non-numeric value', text: lines('metric{label="bla"} blubb'), issues: [1] },
  { name: 'second HELP', text: lines('', '# HELP metric one', '# HELP metric two'), issues: [3] },
  { name: 'second TYPE', text: lines('', '# TYPE metric counter', '# TYPE metric untyped'), issues: [3] },
  { name: 'TYPE after samples', text: lines('', 'metric 4.12', '# TYPE metric counter'), issues: [3] },
  { name: 'unknown type', text: lines('', '# TYPE metric bla'), issues: [2] },
  { name: 'invalid name in TYPE', text: lines('', '# TYPE met-ric'), issues: [2] },
  { name: 'invalid metric name', text: lines('@invalidmetric{label="bla"} 3.14 2'), issues: [1] },
  { name: 'label set without a metric name', text: lines('{label="bla"} 3.14 2'), issues: [1] },
  { name: 'non-numeric le', text: lines('', '# TYPE metric histogram', 'metric_bucket{le="bla"} 3.14'), issues: [], flags: [3] },
  { name: 'underscore in a value', text: lines('foo 1_2'), issues: [1] },
  { name: 'hex float value', text: lines('foo 0x1p-3'), issues: [1] },
  { name: 'hex float with capital P', text: lines('foo 0x1P-3'), issues: [1] },
  { name: 'binary literal', text: lines('foo 0B1'), issues: [1] },
  { name: 'octal literal', text: lines('foo 0o1'), issues: [1] },
  { name: 'hex float le', text: lines('', '# TYPE metric histogram', 'metric_bucket{le="0x1p-3"} 3.14'), issues: [], flags: [3] },
  { name: 'hex float quantile', text: lines('', '# TYPE metric summary', 'metric{quantile="0x1p-3"} 3.14'), issues: [], flags: [3] },
  { name: 'duplicate label name', text: lines('metric{label="bla",label="bla"} 3.14'), issues: [1] },
  { name: 'two quoted metric names', text: lines('{"one.name","another.name"} 3.14'), issues: [1] },
  { name: 'quoted name closed by a dot', text: lines('{"metric.name".label="bla"} 3.14'), issues: [1] },
  { name: 'invalid escape in a quoted metric name', text: lines('', '# TYPE "metric.name\\t" counter', '{"metric.name\\t",label="bla"} 3.14'), issues: [2, 3] },
  { name: 'negative histogram count', text: lines('# TYPE h histogram', 'h_bucket{le="+Inf"} 2', 'h_sum 1', 'h_count -2'), issues: [], flags: [4] },
  { name: 'negative histogram bucket', text: lines('# TYPE h histogram', 'h_bucket{le="1"} -412.456', 'h_bucket{le="+Inf"} 2'), issues: [], flags: [2] },
  { name: 'empty braces without a name', text: lines('{} 3.14'), issues: [1] },
  {
    // prometheus/common refuses these; Prometheus' own text parser reads them, and so does Live Usage.
    name: 'labels without commas between them',
    text: lines('metric{a="1" b="2"} 3', 'metric{a="3"b="4"} 5'),
    issues: [],
    flags: [1, 2],
    check: (r) =>
      assert.deepEqual(
        r.families[0]!.samples.map((s) => s.labels),
        [
          { a: '1', b: '2' },
          { a: '3', b: '4' },
        ],
      ),
  },
  {
    name: 'gauge histogram with float counts is fine in 0.0.4',
    text: lines('# TYPE g gauge_histogram', 'g_bucket{le="1"} 1524.8', 'g_bucket{le="+Inf"} 2693'),
    issues: [],
  },
];

function run(cases: readonly Case[], format: 'openmetrics' | 'prometheus'): void {
  for (const { name, text, issues, flags = [], check } of cases) {
    test(`${issues.length === 0 && flags.length === 0 ? 'parses' : 'catches'}: ${name}`, () => {
      const result = parsePrometheusText(text, { format });
      assert.deepEqual(
        result.issues.map((issue) => issue.line),
        issues,
        `issues: ${JSON.stringify(result.issues)}`,
      );
      assert.deepEqual(
        (result.flags ?? []).map((flag) => flag.line),
        flags,
        `flags: ${JSON.stringify(result.flags)}`,
      );
      for (const problem of [...result.issues, ...(result.flags ?? [])]) assert.ok(problem.message.length > 0);
      check?.(result);
    });
  }
}

describe('prometheus/common expfmt-style cases', () => run(prometheusCases, 'prometheus'));

describe('auto mode', () => {
  test('0.0.4 cases read the same in auto mode, with or without a text/plain Content-Type', () => {
    for (const { text } of prometheusCases) {
      const explicit = parsePrometheusText(text, { format: 'prometheus' });
      assert.deepEqual(parsePrometheusText(text), explicit, text);
      assert.deepEqual(parsePrometheusText(text, { contentType: 'text/plain; version=0.0.4; charset=utf-8' }), explicit, text);
    }
  });
});
