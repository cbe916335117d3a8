/**
 * Table-driven cases modelled on the kinds of inputs in the OpenMetrics parser test suite and the
 * prometheus/common expfmt tests (written here from scratch, not copied): each input either parses
 * cleanly or yields issues on exactly the listed lines, and parsing never throws.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parsePrometheusText } from '../../../src/prometheus/parsePrometheusText';
import type { ParseResult } from '../../../src/prometheus/types';

interface Case {
  readonly name: string;
  readonly text: string;
  /** Lines with an issue; empty for an input that must parse cleanly. */
  readonly issues: readonly number[];
  /** Optional extra check on the result. */
  readonly check?: (result: ParseResult) => void;
}

function lines(...rows: string[]): string {
  return `${rows.join('\n')}\n`;
}

function values(result: ParseResult, familyName: string): number[] {
  return result.families.find((f) => f.name === familyName)?.samples.map((s) => s.value) ?? [];
}

const openMetricsCases: Case[] = [
  // Valid inputs.
  { name: 'counter with _total', text: lines('# TYPE jobs counter', 'jobs_total 12', '# EOF'), issues: [] },
  {
    name: 'counter with _created and a float value',
    text: lines('# TYPE jobs counter', '# HELP jobs Jobs run.', 'jobs_total 1.5', 'jobs_created 1700000000.25', '# EOF'),
    issues: [],
    check: (r) => assert.deepEqual(values(r, 'jobs'), [1.5, 1700000000.25]),
  },
  { name: 'gauge going negative', text: lines('# TYPE temp_celsius gauge', '# UNIT temp_celsius celsius', 'temp_celsius -12.5', '# EOF'), issues: [] },
  {
    name: 'NaN and infinities in a gauge',
    text: lines('# TYPE g gauge', 'g{k="a"} NaN', 'g{k="b"} +Inf', 'g{k="c"} -Inf', 'g{k="d"} iNf', 'g{k="e"} -infinity', '# EOF'),
    issues: [],
    check: (r) => assert.deepEqual(values(r, 'g'), [NaN, Infinity, -Infinity, Infinity, -Infinity]),
  },
  {
    name: 'histogram with every sample kind and infinite/exponent le values',
    text: lines(
      '# TYPE lat_seconds histogram',
      '# UNIT lat_seconds seconds',
      'lat_seconds_bucket{le="-Inf"} 0',
      'lat_seconds_bucket{le="1e-05"} 0',
      'lat_seconds_bucket{le="0.5"} 2',
      'lat_seconds_bucket{le="1.0e+06"} 7.0',
      'lat_seconds_bucket{le="+Inf"} 9',
      'lat_seconds_count 9',
      'lat_seconds_sum 12.25',
      'lat_seconds_created 1700000000',
      '# EOF',
    ),
    issues: [],
    check: (r) => assert.equal(r.families[0]!.samples.length, 8),
  },
  {
    name: 'summary with NaN quantiles (no observations)',
    text: lines('# TYPE rpc summary', 'rpc{quantile="0"} NaN', 'rpc{quantile="0.5"} NaN', 'rpc{quantile="1"} NaN', 'rpc_sum 0', 'rpc_count 0', '# EOF'),
    issues: [],
  },
  { name: 'gauge histogram', text: lines('# TYPE q gaugehistogram', 'q_bucket{le="+Inf"} 4', 'q_gcount 4', 'q_gsum 3.5', '# EOF'), issues: [] },
  { name: 'stateset', text: lines('# TYPE mode stateset', 'mode{mode="on"} 1', 'mode{mode="off"} 0', '# EOF'), issues: [] },
  { name: 'info', text: lines('# TYPE runtime info', 'runtime_info{version="20.1",arch="x64"} 1', '# EOF'), issues: [] },
  { name: 'unknown type declared', text: lines('# TYPE thing unknown', 'thing 3', '# EOF'), issues: [] },
  { name: 'no TYPE at all', text: lines('thing 3', '# EOF'), issues: [], check: (r) => assert.equal(r.families[0]!.type, 'unknown') },
  { name: 'empty exposition', text: lines('# EOF'), issues: [], check: (r) => assert.deepEqual(r.families, []) },
  { name: 'no newline after # EOF', text: 'a 1\n# EOF', issues: [] },
  { name: 'empty label set', text: lines('a{} 1', '# EOF'), issues: [] },
  {
    name: 'label escaping, unknown escapes kept',
    text: lines('# TYPE e counter', 'e_total{p="q\\"u\\no\\\\te",z="x\\zy"} 1', '# EOF'),
    issues: [],
    check: (r) => assert.deepEqual(r.families[0]!.samples[0]!.labels, { p: 'q"u\no\\te', z: 'x\\zy' }),
  },
  {
    name: 'HELP escaping, unknown escapes kept',
    text: lines('# TYPE e counter', '# HELP e a\\\\b\\nc\\"d\\fe', 'e_total 1', '# EOF'),
    issues: [],
    check: (r) => assert.equal(r.families[0]!.help, 'a\\b\nc"d\\fe'),
  },
  {
    name: 'timestamps in seconds, with and without fractions',
    text: lines('a 1 0', 'b 1 1700000000', 'c 1 1700000000.5', 'd 1 17e8', '# EOF'),
    issues: [],
    check: (r) =>
      assert.deepEqual(
        r.families.map((f) => f.samples[0]!.timestampMs),
        [0, 1.7e12, 1700000000500, 1.7e12],
      ),
  },
  {
    name: 'exemplars on counter and bucket, with and without timestamps',
    text: lines(
      '# TYPE c counter',
      'c_total 3 # {trace_id="t1"} 1',
      'c_total 4 1700000000 # {trace_id="t2"} 0.25 1700000000.5',
      '# TYPE h histogram',
      'h_bucket{le="+Inf"} 1 # {} -1.5',
      'h_count 1',
      '# EOF',
    ),
    issues: [],
  },
  { name: 'unicode in label values and HELP', text: lines('# HELP u Grüße 😀', 'u{w="日本"} 1', '# EOF'), issues: [] },

  // Invalid inputs.
  { name: 'blank line', text: lines('a 1', '', 'b 1', '# EOF'), issues: [2] },
  { name: 'no # EOF', text: lines('a 1'), issues: [1] },
  { name: 'text after # EOF', text: lines('a 1', '# EOF', 'b 1'), issues: [3] },
  { name: 'blank line after # EOF', text: lines('a 1', '# EOF', ''), issues: [3] },
  { name: '# EOF with trailing space', text: lines('a 1', '# EOF '), issues: [2, 2] },
  { name: '#EOF without a space is not the end marker', text: lines('a 1', '#EOF'), issues: [2, 2] },
  { name: 'plain comment', text: lines('# hello', 'a 1', '# EOF'), issues: [1] },
  { name: 'trailing comma in labels', text: lines('a{x="1",} 1', '# EOF'), issues: [1] },
  { name: 'leading comma in labels', text: lines('a{,x="1"} 1', '# EOF'), issues: [1] },
  { name: 'double comma in labels', text: lines('a{x="1",,y="2"} 1', '# EOF'), issues: [1] },
  { name: 'missing comma in labels', text: lines('a{x="1"y="2"} 1', '# EOF'), issues: [1] },
  { name: 'label name starting with a digit', text: lines('a{0x="1"} 1', '# EOF'), issues: [1] },
  { name: 'duplicate label name', text: lines('a{x="1",x="2"} 1', '# EOF'), issues: [1] },
  { name: 'unquoted label value', text: lines('a{x=1} 1', '# EOF'), issues: [1] },
  { name: 'single-quoted label value', text: lines("a{x='1'} 1", '# EOF'), issues: [1] },
  { name: 'value with a comma', text: lines('a 1,5', '# EOF'), issues: [1] },
  { name: 'hex value', text: lines('a 0x10', '# EOF'), issues: [1] },
  { name: 'value with underscores', text: lines('a 1_000', '# EOF'), issues: [1] },
  { name: 'missing value', text: lines('a', '# EOF'), issues: [1] },
  { name: 'NaN timestamp', text: lines('a 1 NaN', '# EOF'), issues: [1] },
  { name: 'infinite timestamp', text: lines('a 1 -Inf', '# EOF'), issues: [1] },
  { name: 'timestamp with underscores', text: lines('a 1 1_000', '# EOF'), issues: [1] },
  { name: 'two timestamps', text: lines('a 1 1 2', '# EOF'), issues: [1] },
  { name: 'NaN counter', text: lines('# TYPE c counter', 'c_total NaN', '# EOF'), issues: [2] },
  { name: 'negative counter', text: lines('# TYPE c counter', 'c_total -1', '# EOF'), issues: [2] },
  { name: 'NaN bucket', text: lines('# TYPE h histogram', 'h_bucket{le="+Inf"} NaN', '# EOF'), issues: [2] },
  { name: 'negative bucket', text: lines('# TYPE h histogram', 'h_bucket{le="+Inf"} -1', '# EOF'), issues: [2] },
  { name: 'fractional bucket count', text: lines('# TYPE h histogram', 'h_bucket{le="+Inf"} 0.5', '# EOF'), issues: [2] },
  { name: 'bucket without le', text: lines('# TYPE h histogram', 'h_bucket 1', '# EOF'), issues: [2] },
  { name: 'bucket with a non-numeric le', text: lines('# TYPE h histogram', 'h_bucket{le="many"} 1', '# EOF'), issues: [2] },
  { name: 'quantile above 1', text: lines('# TYPE s summary', 's{quantile="2"} 1', '# EOF'), issues: [2] },
  { name: 'quantile sample without quantile label', text: lines('# TYPE s summary', 's 1', '# EOF'), issues: [2] },
  { name: 'HELP after samples', text: lines('# TYPE a gauge', 'a 1', '# HELP a late', '# EOF'), issues: [3] },
  { name: 'TYPE after samples', text: lines('a 1', '# TYPE a gauge', '# EOF'), issues: [2] },
  { name: 'second TYPE', text: lines('# TYPE a gauge', '# TYPE a counter', 'a 1', '# EOF'), issues: [2] },
  { name: 'second HELP', text: lines('# HELP a x', '# HELP a y', 'a 1', '# EOF'), issues: [2] },
  { name: 'second UNIT', text: lines('# UNIT a_s s', '# UNIT a_s s', 'a_s 1', '# EOF'), issues: [2] },
  { name: 'UNIT that is not the name suffix', text: lines('# TYPE a gauge', '# UNIT a seconds', 'a 1', '# EOF'), issues: [2] },
  { name: 'untyped is not an OpenMetrics type', text: lines('# TYPE a untyped', 'a 1', '# EOF'), issues: [1] },
  { name: 'upper-case type', text: lines('# TYPE a GAUGE', 'a 1', '# EOF'), issues: [1] },
  { name: 'unknown type word', text: lines('# TYPE a bogus', 'a 1', '# EOF'), issues: [1] },
  { name: 'TYPE without a type', text: lines('# TYPE a', 'a 1', '# EOF'), issues: [1] },
  { name: 'HELP without a name', text: lines('# HELP', 'a 1', '# EOF'), issues: [1] },
  { name: 'interleaved families', text: lines('a 1', 'b 1', 'a 2', '# EOF'), issues: [3] },
  { name: 'leading space', text: lines(' a 1', '# EOF'), issues: [1] },
  { name: 'trailing space', text: lines('a 1 ', '# EOF'), issues: [1] },
  { name: 'tab separator', text: lines('a\t1', '# EOF'), issues: [1] },
  { name: 'two spaces', text: lines('a  1', '# EOF'), issues: [1] },
  { name: 'space before the label set', text: lines('a {x="1"} 1', '# EOF'), issues: [1] },
  { name: 'space inside the label set', text: lines('a{x="1", y="2"} 1', '# EOF'), issues: [1] },
  { name: 'two spaces after TYPE', text: lines('# TYPE  a gauge', 'a 1', '# EOF'), issues: [1] },
  { name: 'exemplar without value', text: lines('# TYPE c counter', 'c_total 1 # {a="b"}', '# EOF'), issues: [2] },
  { name: 'exemplar without label set', text: lines('# TYPE c counter', 'c_total 1 # 1', '# EOF'), issues: [2] },
  { name: 'exemplar glued to its value', text: lines('# TYPE c counter', 'c_total 1 # {}1', '# EOF'), issues: [2] },
  { name: 'exemplar on a gauge', text: lines('# TYPE g gauge', 'g 1 # {a="b"} 1', '# EOF'), issues: [2] },
  { name: 'exemplar on _count', text: lines('# TYPE h histogram', 'h_count 1 # {a="b"} 1', '# EOF'), issues: [2] },
  { name: 'exemplar labels over 128 characters', text: lines('# TYPE c counter', `c_total 1 # {k="${'v'.repeat(128)}"} 1`, '# EOF'), issues: [2] },
  { name: 'exemplar with NaN timestamp', text: lines('# TYPE c counter', 'c_total 1 # {a="b"} 1 NaN', '# EOF'), issues: [2] },
  { name: 'exemplar with junk after it', text: lines('# TYPE c counter', 'c_total 1 # {a="b"} 1 2 3', '# EOF'), issues: [2] },
];

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
  { name: 'non-numeric quantile', text: lines('', '# TYPE metric summary', 'metric{quantile="bla"} 3.14'), issues: [3] },
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
  { name: 'non-numeric le', text: lines('', '# TYPE metric histogram', 'metric_bucket{le="bla"} 3.14'), issues: [3] },
  { name: 'underscore in a value', text: lines('foo 1_2'), issues: [1] },
  { name: 'hex float value', text: lines('foo 0x1p-3'), issues: [1] },
  { name: 'hex float with capital P', text: lines('foo 0x1P-3'), issues: [1] },
  { name: 'binary literal', text: lines('foo 0B1'), issues: [1] },
  { name: 'octal literal', text: lines('foo 0o1'), issues: [1] },
  { name: 'hex float le', text: lines('', '# TYPE metric histogram', 'metric_bucket{le="0x1p-3"} 3.14'), issues: [3] },
  { name: 'hex float quantile', text: lines('', '# TYPE metric summary', 'metric{quantile="0x1p-3"} 3.14'), issues: [3] },
  { name: 'duplicate label name', text: lines('metric{label="bla",label="bla"} 3.14'), issues: [1] },
  { name: 'two quoted metric names', text: lines('{"one.name","another.name"} 3.14'), issues: [1] },
  { name: 'quoted name closed by a dot', text: lines('{"metric.name".label="bla"} 3.14'), issues: [1] },
  { name: 'invalid escape in a quoted metric name', text: lines('', '# TYPE "metric.name\\t" counter', '{"metric.name\\t",label="bla"} 3.14'), issues: [2, 3] },
  { name: 'negative histogram count', text: lines('# TYPE h histogram', 'h_bucket{le="+Inf"} 2', 'h_sum 1', 'h_count -2'), issues: [4] },
  { name: 'negative histogram bucket', text: lines('# TYPE h histogram', 'h_bucket{le="1"} -412.456', 'h_bucket{le="+Inf"} 2'), issues: [2] },
  { name: 'empty braces without a name', text: lines('{} 3.14'), issues: [1] },
  {
    name: 'gauge histogram with float counts is fine in 0.0.4',
    text: lines('# TYPE g gauge_histogram', 'g_bucket{le="1"} 1524.8', 'g_bucket{le="+Inf"} 2693'),
    issues: [],
  },
];

function run(cases: readonly Case[], format: 'openmetrics' | 'prometheus'): void {
  for (const { name, text, issues, check } of cases) {
    test(`${issues.length === 0 ? 'parses' : 'rejects'}: ${name}`, () => {
      const result = parsePrometheusText(text, { format });
      assert.deepEqual(
        result.issues.map((issue) => issue.line),
        issues,
        `issues: ${JSON.stringify(result.issues)}`,
      );
      for (const issue of result.issues) assert.ok(issue.message.length > 0);
      check?.(result);
    });
  }
}

describe('OpenMetrics-style cases', () => run(openMetricsCases, 'openmetrics'));
describe('prometheus/common expfmt-style cases', () => run(prometheusCases, 'prometheus'));

describe('auto mode agrees with the explicit modes', () => {
  test('OpenMetrics cases ending in # EOF read the same in auto mode', () => {
    for (const { text } of openMetricsCases) {
      if (!/# EOF\n?$/.test(text)) continue;
      assert.deepEqual(parsePrometheusText(text), parsePrometheusText(text, { format: 'openmetrics' }), text);
    }
  });

  test('0.0.4 cases without # EOF or # UNIT read the same in auto mode', () => {
    for (const { text } of prometheusCases) {
      assert.deepEqual(parsePrometheusText(text), parsePrometheusText(text, { format: 'prometheus' }), text);
    }
  });
});
