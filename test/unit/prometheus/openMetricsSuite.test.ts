/**
 * The OpenMetrics parser test suite (OpenObservability/OpenMetrics tests/testdata/parsers), case by
 * case, with inputs written here for the same rules (none is copied from the suite).
 *
 * Valid inputs must parse with no issue and no flag, to the values the suite's reference parser (the
 * Python client's) reads. Invalid inputs must be caught on the expected line, either as a skipped line
 * (`issue`: its value cannot be known, or metadata was refused) or as a flag on a line whose value is
 * kept (`flag`): Prometheus keeps those samples, and Live Usage loses no value either.
 *
 * Rules covered: 26 (R1 to R26 below), over 44 valid and 169 invalid inputs.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parsePrometheusText } from '../../../src/prometheus/parsePrometheusText';
import type { ParseResult } from '../../../src/prometheus/types';

function parse(text: string): ParseResult {
  return parsePrometheusText(text, { format: 'openmetrics' });
}

function exposition(...rows: string[]): string {
  return `${rows.join('\n')}\n# EOF\n`;
}

/** [sample name, labels, value, timestamp ms?] of every sample, in family order. */
type Row = [string, Record<string, string>, number] | [string, Record<string, string>, number, number];

function rows(result: ParseResult): Row[] {
  return result.families.flatMap((family) =>
    family.samples.map((s): Row => (s.timestampMs === undefined ? [s.name, { ...s.labels }, s.value] : [s.name, { ...s.labels }, s.value, s.timestampMs])),
  );
}

// ---- valid inputs ---------------------------------------------------------------------------------

interface Valid {
  readonly name: string;
  readonly text: string;
  readonly rows?: readonly Row[];
  readonly check?: (result: ParseResult) => void;
  /** Lines listed as skipped although the input is valid (repeats the reference parser drops silently). */
  readonly skipped?: readonly number[];
}

const valid: Valid[] = [
  { name: 'counter', text: exposition('# TYPE jobs counter', '# HELP jobs Jobs run.', 'jobs_total 3'), rows: [['jobs_total', {}, 3]] },
  { name: 'counter past 2^63', text: exposition('# TYPE big counter', 'big_total 18446744073709551616'), rows: [['big_total', {}, 18446744073709551616]] },
  { name: 'gauge', text: exposition('# TYPE temp gauge', '# HELP temp Temperature.', 'temp 21'), rows: [['temp', {}, 21]] },
  { name: 'float gauge', text: exposition('# TYPE temp gauge', 'temp 21.75'), rows: [['temp', {}, 21.75]] },
  { name: 'integer with leading zeros', text: exposition('# TYPE temp gauge', 'temp 000000000000000000000000007'), rows: [['temp', {}, 7]] },
  { name: 'float with leading zeros and exponent', text: exposition('# TYPE temp gauge', 'temp 00000000000000000000025e-1'), rows: [['temp', {}, 2.5]] },
  { name: 'NaN gauge', text: exposition('# TYPE temp gauge', 'temp NaN'), check: (r) => assert.ok(Number.isNaN(r.families[0]!.samples[0]!.value)) },
  {
    name: 'gauge with a unit',
    text: exposition('# TYPE disk_bytes gauge', '# UNIT disk_bytes bytes', '# HELP disk_bytes Disk used.', 'disk_bytes 4096'),
    check: (r) => assert.deepEqual([r.families[0]!.unit, r.families[0]!.samples[0]!.value], ['bytes', 4096]),
  },
  {
    name: 'summary with count and sum only',
    text: exposition('# TYPE rpc summary', 'rpc_count 4', 'rpc_sum 1.5'),
    rows: [
      ['rpc_count', {}, 4],
      ['rpc_sum', {}, 1.5],
    ],
  },
  {
    name: 'summary quantiles after count and sum',
    text: exposition('# TYPE rpc summary', 'rpc_count 4', 'rpc_sum 1.5', 'rpc{quantile="0.25"} 0.1', 'rpc{quantile="1"} 0.9'),
    rows: [
      ['rpc_count', {}, 4],
      ['rpc_sum', {}, 1.5],
      ['rpc', { quantile: '0.25' }, 0.1],
      ['rpc', { quantile: '1' }, 0.9],
    ],
  },
  {
    name: 'histogram',
    text: exposition('# TYPE lat histogram', 'lat_bucket{le="0.5"} 1', 'lat_bucket{le="+Inf"} 4', 'lat_count 4', 'lat_sum 3.25'),
    rows: [
      ['lat_bucket', { le: '0.5' }, 1],
      ['lat_bucket', { le: '+Inf' }, 4],
      ['lat_count', {}, 4],
      ['lat_sum', {}, 3.25],
    ],
  },
  {
    name: 'histogram with counts written as floats',
    text: exposition('# TYPE lat histogram', 'lat_bucket{le="0.5"} 1.0', 'lat_bucket{le="+Inf"} 4.0', 'lat_count 4.0', 'lat_sum 3.0'),
    rows: [
      ['lat_bucket', { le: '0.5' }, 1],
      ['lat_bucket', { le: '+Inf' }, 4],
      ['lat_count', {}, 4],
      ['lat_sum', {}, 3],
    ],
  },
  {
    name: 'histogram with non-canonical finite bounds',
    text: exposition(
      '# TYPE lat histogram',
      ...['0', '0.000000000001', '2e-04', '2.5e-3', '1', '3e+04', '20000000000', '200000000000.0'].map((le) => `lat_bucket{le="${le}"} 0`),
      'lat_bucket{le="+Inf"} 2',
      'lat_count 2',
      'lat_sum 7',
    ),
  },
  {
    name: 'histogram with a negative bound and no sum',
    text: exposition('# TYPE delta histogram', 'delta_bucket{le="-2.5"} 1', 'delta_bucket{le="2.5"} 2', 'delta_bucket{le="+Inf"} 5'),
  },
  {
    name: 'histogram with exemplars, one at the 128-character limit',
    text: exposition(
      '# TYPE lat histogram',
      'lat_bucket{le="0.5"} 1 # {trace="t1"} 0.25',
      'lat_bucket{le="1"} 2 # {trace="t2"} 0.75',
      `lat_bucket{le="+Inf"} 3 # {t="${'9'.repeat(127)}"} 3 1700000000`,
    ),
    rows: [
      ['lat_bucket', { le: '0.5' }, 1],
      ['lat_bucket', { le: '1' }, 2],
      ['lat_bucket', { le: '+Inf' }, 3],
    ],
  },
  {
    name: 'gauge histogram',
    text: exposition('# TYPE queue gaugehistogram', 'queue_bucket{le="10"} 2', 'queue_bucket{le="+Inf"} 6', 'queue_gcount 6', 'queue_gsum 40'),
  },
  {
    name: 'gauge histogram with negative buckets and a negative _gsum',
    text: exposition(
      '# TYPE drift gaugehistogram',
      'drift_bucket{le="-3"} 1',
      'drift_bucket{le="3"} 4',
      'drift_bucket{le="+Inf"} 5',
      'drift_gcount 5',
      'drift_gsum -2',
    ),
  },
  {
    name: 'gauge histogram with exemplars and timestamps',
    text: exposition('# TYPE queue gaugehistogram', 'queue_bucket{le="10"} 2 50 # {job="a"} 4', 'queue_bucket{le="+Inf"} 6 50 # {job="b"} 12 50'),
    rows: [
      ['queue_bucket', { le: '10' }, 2, 50000],
      ['queue_bucket', { le: '+Inf' }, 6, 50000],
    ],
  },
  { name: 'counter exemplar with a timestamp', text: exposition('# TYPE jobs counter', 'jobs_total 2 60 # {job="a"} 1'), rows: [['jobs_total', {}, 2, 60000]] },
  {
    name: 'counter exemplar after empty braces',
    text: exposition('# TYPE jobs counter', 'jobs_total{} 2 60 # {job="a"} 1'),
    rows: [['jobs_total', {}, 2, 60000]],
  },
  { name: 'info', text: exposition('# TYPE build info', 'build_info{commit="abc"} 1'), rows: [['build_info', { commit: 'abc' }, 1]] },
  {
    name: 'info samples with timestamps out of order',
    text: exposition('# TYPE build info', 'build_info{n="1",commit="abc"} 1 5', 'build_info{n="2",commit="abc"} 1 2'),
    rows: [
      ['build_info', { n: '1', commit: 'abc' }, 1, 5000],
      ['build_info', { n: '2', commit: 'abc' }, 1, 2000],
    ],
  },
  {
    name: 'stateset',
    text: exposition('# TYPE mode stateset', 'mode{mode="off"} 0', 'mode{mode="on"} 1.0'),
    rows: [
      ['mode', { mode: 'off' }, 0],
      ['mode', { mode: 'on' }, 1],
    ],
  },
  {
    // The reference parser keeps the first value of a series seen again at the same nanosecond
    // (sub-nanosecond digits are cut); Live Usage keeps the same values and lists the repeats as
    // skipped lines, so they are not lost silently.
    name: 'repeated timestamps within a nanosecond',
    text: exposition(
      '# TYPE load gauge',
      'load{cpu="0",host="h"} 7 0.0000000000',
      'load{cpu="0",host="h"} 8 0.0000000004',
      'load{cpu="0",host="h"} 9 0.0000000020',
      'load{cpu="1",host="h"} 10 0.0000000000',
      'load{cpu="1",host="h"} 11 0.0000000003',
    ),
    check: (r) =>
      assert.deepEqual(
        r.families[0]!.samples.map((s) => s.value),
        [7, 9, 10],
      ),
    skipped: [3, 6],
  },
  { name: 'no metadata', text: exposition('temp 3'), check: (r) => assert.deepEqual([r.families[0]!.type, rows(r)], ['unknown', [['temp', {}, 3]]]) },
  {
    name: 'empty HELP and UNIT',
    text: exposition('# HELP temp ', '# UNIT temp '),
    check: (r) => assert.deepEqual(r.families, [{ name: 'temp', type: 'unknown', samples: [] }]),
  },
  {
    name: 'unknown type declared',
    text: exposition('# HELP clients Connected clients.', '# TYPE clients unknown', 'clients{port="1"} 4.0', 'clients{port="2"} 6.0'),
    rows: [
      ['clients', { port: '1' }, 4],
      ['clients', { port: '2' }, 6],
    ],
  },
  {
    name: 'HELP before TYPE',
    text: exposition('# HELP jobs Jobs.', '# TYPE jobs counter', 'jobs_total 1'),
    check: (r) => assert.equal(r.families[0]!.help, 'Jobs.'),
  },
  {
    name: 'braces inside a label value',
    text: exposition('# TYPE jobs counter', 'jobs_total{kind="x",path="/{id}/"} 1'),
    rows: [['jobs_total', { kind: 'x', path: '/{id}/' }, 1]],
  },
  {
    name: 'empty HELP text',
    text: exposition('# TYPE jobs counter', '# HELP jobs ', 'jobs_total 1'),
    check: (r) => assert.equal(r.families[0]!.help, undefined),
  },
  {
    name: 'infinite values with labels',
    text: exposition('# TYPE edge gauge', 'edge{side="top"} +Inf', 'edge{side="bottom"} -Inf'),
    rows: [
      ['edge', { side: 'top' }, Infinity],
      ['edge', { side: 'bottom' }, -Infinity],
    ],
  },
  { name: 'empty braces', text: exposition('# TYPE jobs counter', 'jobs_total{} 5'), rows: [['jobs_total', {}, 5]] },
  { name: 'NaN without metadata', text: exposition('temp NaN'), check: (r) => assert.ok(Number.isNaN(r.families[0]!.samples[0]!.value)) },
  { name: 'no newline after # EOF', text: '# TYPE temp gauge\ntemp 1\n# EOF', rows: [['temp', {}, 1]] },
  {
    name: 'empty label value',
    text: exposition('# TYPE jobs counter', 'jobs_total{kind="x"} 1', 'jobs_total{kind=""} 2'),
    rows: [
      ['jobs_total', { kind: 'x' }, 1],
      ['jobs_total', { kind: '' }, 2],
    ],
  },
  {
    name: 'label value escapes',
    text: exposition(
      '# TYPE e counter',
      ...['plain', '\\x', '\\\\x', 'x\\\\', '\\\\', '\\n', '\\\\n', '\\\\\\n', '\\"', '\\\\\\"'].map((escaped, i) => `e_total{v="${escaped}",i="${i}"} ${i}`),
    ),
    check: (r) =>
      assert.deepEqual(
        r.families[0]!.samples.map((s) => s.labels.v),
        ['plain', '\\x', '\\x', 'x\\', '\\', '\n', '\\n', '\\\n', '"', '\\"'],
      ),
  },
  {
    name: 'HELP escapes, one family each',
    text: exposition(
      ...['plain', '\\x', '\\\\x', 'x\\', 'x\\\\', '\\n', '\\\\n', '\\\\\\n', '\\"', '\\\\"', '\\\\\\"'].flatMap((escaped, i) => [
        `# TYPE h${i} counter`,
        `# HELP h${i} ${escaped}`,
        `h${i}_total 1`,
      ]),
    ),
    check: (r) =>
      assert.deepEqual(
        r.families.map((f) => f.help),
        ['plain', '\\x', '\\x', 'x\\', 'x\\', '\n', '\\n', '\\\n', '"', '\\"', '\\"'],
      ),
  },
  {
    name: 'escapes in HELP and label values, # inside values',
    text: exposition(
      '# TYPE e counter',
      '# HELP e a\\n\\\\b\\tc',
      'e_total{v="q\\"u\\no"} 1',
      'e_total{v="q\\\\u\\z"} 2',
      'e_total{v="q\\"u\\no # "} 3',
      'e_total{v="q\\\\u\\z # "} 4',
    ),
    check: (r) => {
      assert.equal(r.families[0]!.help, 'a\n\\b\\tc');
      assert.deepEqual(
        r.families[0]!.samples.map((s) => s.labels.v),
        ['q"u\no', 'q\\u\\z', 'q"u\no # ', 'q\\u\\z # '],
      );
    },
  },
  { name: 'NUL byte in HELP', text: exposition('# TYPE e counter', '# HELP e a\u0000b'), check: (r) => assert.equal(r.families[0]!.help, 'a\u0000b') },
  {
    name: 'timestamps in many spellings',
    text: exposition(
      '# TYPE t counter',
      't_total{n="1"} 1 00',
      't_total{n="2"} 1 0.00',
      't_total{n="3"} 1 2.5',
      't_total{n="4"} 1 98765432109876543210.123456789',
      't_total{n="5"} 1 2.5e2',
      '# TYPE u counter',
      'u_total 2 1700000000',
    ),
    check: (r) =>
      assert.deepEqual(
        r.families.flatMap((f) => f.samples.map((s) => s.timestampMs)),
        [0, 0, 2500, Number('98765432109876543210.123456789') * 1000, 250000, 1.7e12],
      ),
  },
  {
    name: '# inside label values',
    text: exposition('# TYPE jobs counter', 'jobs_total{k="a # b"} 1', 'jobs_total{k="} a # b # "} 2'),
    rows: [
      ['jobs_total', { k: 'a # b' }, 1],
      ['jobs_total', { k: '} a # b # ' }, 2],
    ],
  },
  {
    name: 'exemplars whose label values hold #',
    text: exposition(
      '# TYPE lat histogram',
      'lat_bucket{le="1",k="x # "} 1 # {trace="a",k="x # y"} 0.5',
      'lat_bucket{le="+Inf",k="x # "} 2 # {trace="b",k="x # y"} 3',
    ),
    rows: [
      ['lat_bucket', { le: '1', k: 'x # ' }, 1],
      ['lat_bucket', { le: '+Inf', k: 'x # ' }, 2],
    ],
  },
  {
    name: 'a realistic exposition of every type',
    text: exposition(
      '# HELP gc_seconds GC pauses.',
      '# TYPE gc_seconds summary',
      'gc_seconds{quantile="0.0"} 0.0125',
      'gc_seconds{quantile="0.5"} 0.0133',
      'gc_seconds{quantile="1.0"} 0.0210',
      'gc_seconds_sum 51.5',
      'gc_seconds_count 7000.0',
      '# HELP threads Threads.',
      '# TYPE threads gauge',
      'threads 12.0',
      '# TYPE idx_ms summary',
      'idx_ms{quantile="0.5"} NaN',
      'idx_ms{quantile="0.9"} NaN',
      'idx_ms_sum 870.5',
      'idx_ms_count 220.0',
      '# TYPE cpu_seconds counter',
      'cpu_seconds_total 2932.5',
      '# TYPE ops counter',
      'ops_total{kind="read"} 28.0',
      'ops_total{kind="write"} 1.345e+06',
      '# HELP size histogram Sizes.',
      '# TYPE size histogram',
      'size_bucket{le="0.0"} 0.0',
      'size_bucket{le="1e-05"} 0.0',
      'size_bucket{le="0.1"} 8.0',
      'size_bucket{le="1.55e+06"} 17.0',
      'size_bucket{le="1e+23"} 17.0',
      'size_bucket{le="+Inf"} 17.0',
      'size_count 17.0',
      'size_sum 3247.5',
      'size_created 1.52e+09',
      '# TYPE wait histogram',
      'wait_bucket{zone="a",le="+Inf"} 0.0',
      'wait_bucket{zone="b",le="+Inf"} 0.0',
    ),
    check: (r) =>
      assert.deepEqual(
        r.families.map((f) => [f.name, f.type, f.samples.length]),
        [
          ['gc_seconds', 'summary', 5],
          ['threads', 'gauge', 1],
          ['idx_ms', 'summary', 4],
          ['cpu_seconds', 'counter', 1],
          ['ops', 'counter', 2],
          ['size', 'histogram', 9],
          ['wait', 'histogram', 2],
        ],
      ),
  },
  {
    name: 'exemplar labels of 128 code points, one of them beyond the BMP',
    text: exposition('# TYPE lat histogram', `lat_bucket{le="+Inf"} 1 # {t="\u{1F600}${'7'.repeat(125)}"} 1 1`),
    rows: [['lat_bucket', { le: '+Inf' }, 1]],
  },
];

describe('OpenMetrics suite: valid inputs parse cleanly to the reference values', () => {
  test('there are 44 of them', () => assert.equal(valid.length, 44));
  for (const { name, text, rows: expected, check, skipped = [] } of valid) {
    test(name, () => {
      const result = parse(text);
      assert.deepEqual(result.flags, [], `flags: ${JSON.stringify(result.flags)}`);
      assert.deepEqual(
        result.issues.map((i) => i.line),
        skipped,
        `issues: ${JSON.stringify(result.issues)}`,
      );
      if (expected !== undefined) assert.deepEqual(rows(result), expected);
      check?.(result);
    });
  }
});

// ---- invalid inputs -------------------------------------------------------------------------------

/** Where and how an invalid input is caught: a skipped line, or a flag on a line whose value stays. */
type Catch = readonly ['issue' | 'flag', number];

type Invalid = readonly [text: string, caught: Catch];

const issue = (line: number): Catch => ['issue', line];
const flag = (line: number): Catch => ['flag', line];

/** What each rule's problems say, so a case caught for an unrelated reason does not pass. */
const reasons: Record<string, RegExp> = {
  R1: /EOF/,
  R2: /blank lines/,
  R3: /not quoted|not terminated/,
  R4: /expected =|not quoted|not terminated/,
  R5: /comma/,
  R6: /label name|duplicate|exactly one space|not quoted|expected =/,
  R7: /missing value/,
  R8: /HELP|exactly one space|leading whitespace/,
  R9: /TYPE|type|exactly one space/,
  R10: /unit|UNIT|exactly one space/,
  R11: /comes after its samples/,
  R12: /second/,
  R13: /only # HELP/,
  R14: /metric name/,
  R15: /invalid value|exactly one space|trailing whitespace/,
  R16: /invalid timestamp/,
  R17: /exemplar|exactly one space|trailing whitespace|invalid value|after the timestamp/,
  R18: /exemplars are only allowed/,
  R19: /stateset|info/,
  R20: /quantile|le label|stateset/,
  R21: /NaN|negative|integer|_sum/,
  R22: /must be 1|0 or 1/,
  R23: /\+Inf|_count|_sum|_gsum|_gcount|order|decrease/,
  R24: /split|interleaved/,
  R25: /timestamps/,
  R26: /second TYPE|clashes/,
};

const rules: Record<string, readonly Invalid[]> = {
  'R1 the exposition ends with # EOF and nothing after it': [
    ['', issue(1)],
    ['up 1\n# EOF\nup 2', issue(3)],
    ['up 1\n# EOFup', issue(2)],
  ],
  'R2 no blank lines': [['up 1\n\n# EOF\n', issue(2)]],
  'R3 label values are double-quoted': [
    [exposition('up{zone=3} 1'), issue(1)],
    [exposition('up{zone="3} 1'), issue(1)],
    [exposition("up{zone='3'} 1"), issue(1)],
  ],
  'R4 every label has = and a value': [
    [exposition('up{zone} 1'), issue(1)],
    [exposition('up{zone"eu"} 1'), issue(1)],
    [exposition('up{zone""} 1'), issue(1)],
    [exposition('up{zone=} 1'), issue(1)],
    [exposition('up{zone="} 1'), issue(1)],
  ],
  'R5 labels are separated by single commas, none trailing': [
    [exposition('up{a="1"b="2"} 1'), flag(1)],
    [exposition('up{a="1",,b="2"} 1'), issue(1)],
    [exposition('up{a="1",b="2",} 1'), flag(1)],
  ],
  'R6 label names are valid and unique': [
    [exposition('up{9z="1"} 1'), issue(1)],
    [exposition('up{9z="1"}1'), issue(1)],
    [exposition('up{z="1",z="2"} 1'), issue(1)],
    [exposition('up{z="1"y} 1'), issue(1)],
    [exposition('up{9="#"} 1'), issue(1)],
    [exposition('up{z=" # ",z=" # "} 1'), issue(1)],
    [exposition('up{z=" # "}1'), flag(1)],
    [exposition('up{z=" # ",y=}1'), issue(1)],
    [exposition('up{z=" # "y}1'), issue(1)],
  ],
  'R7 every sample has a value': [
    [exposition('up'), issue(1)],
    [exposition('up '), issue(1)],
  ],
  'R8 HELP lines: a name, one space, the text': [
    ['# HELP\n# EOF\n', issue(1)],
    ['# HELP \n# EOF\n', issue(1)],
    ['# HELP up\n# EOF\n', issue(1)],
    ['# HELP up\t\n# EOF\n', issue(1)],
    [' # HELP up text\n# EOF\n', issue(1)],
  ],
  'R9 TYPE lines: a name, one space, an OpenMetrics type': [
    ['# TYPE\n# EOF\n', issue(1)],
    ['# TYPE \n# EOF\n', issue(1)],
    ['# TYPE up\n# EOF\n', issue(1)],
    ['# TYPE up\t\n# EOF\n', issue(1)],
    ['# TYPE up nonsense\n# EOF\n', issue(1)],
    ['# TYPE up nonsense \n# EOF\n', issue(1)],
    ['# TYPE up gauge \n# EOF\n', issue(1)],
    ['# TYPE up untyped\n# EOF\n', issue(1)],
  ],
  'R10 UNIT lines: the unit is the suffix of the name; none for info and stateset': [
    ['# UNIT\n# EOF\n', issue(1)],
    ['# UNIT \n# EOF\n', issue(1)],
    ['# UNIT up\n# EOF\n', issue(1)],
    ['# UNIT up\t\n# EOF\n', issue(1)],
    ['# UNIT up bytes\n# EOF\n', issue(1)],
    ['# UNIT up_bytes bytes \n# EOF\n', issue(1)],
    ['# TYPE build_v info\n# UNIT build_v v\n# EOF\n', flag(2)],
    ['# TYPE mode_v stateset\n# UNIT mode_v v\n# EOF\n', flag(2)],
  ],
  'R11 metadata comes before the samples of its family': [
    [exposition('# HELP up x', 'up 1', '# TYPE up gauge'), issue(3)],
    [exposition('# TYPE up gauge', 'up 1', '# HELP up late'), issue(3)],
    [exposition('# TYPE up_s gauge', 'up_s 1', '# UNIT up_s s'), issue(3)],
  ],
  'R12 each kind of metadata at most once per family': [
    [exposition('# HELP up ', '# HELP up '), issue(2)],
    [exposition('# HELP up x', '# HELP up x'), issue(2)],
    [exposition('# TYPE up gauge', '# TYPE up gauge'), issue(2)],
    [exposition('# UNIT up_s s', '# UNIT up_s s'), issue(2)],
  ],
  'R13 only HELP, TYPE, UNIT and EOF comments': [[exposition('# NOTE up x'), issue(1)]],
  'R14 metric names are valid': [
    [exposition('9up 1'), issue(1)],
    [exposition('up.time 1'), issue(1)],
    [exposition('up-time 1'), issue(1)],
  ],
  'R15 values are plain decimal numbers, separated by exactly one space': [
    [exposition('up x'), issue(1)],
    [exposition('up  1'), flag(1)],
    [exposition('up 1\t'), flag(1)],
    [exposition('up 1 '), flag(1)],
    [exposition('up 1_000'), issue(1)],
    [exposition('up 0x1p-2'), issue(1)],
    [exposition('up 0x1P-2'), issue(1)],
    [exposition('up 0b11'), issue(1)],
    [exposition('up 0B11'), issue(1)],
    [exposition('up 0x1f'), issue(1)],
    [exposition('up 0X1f'), issue(1)],
    [exposition('up 0o17'), issue(1)],
    [exposition('up 0O17'), issue(1)],
  ],
  'R16 timestamps are finite decimal numbers': [
    [exposition('up 1 t'), issue(1)],
    [exposition('up 1 5t'), issue(1)],
    [exposition('up 1 5_0'), issue(1)],
    [exposition('up 1 5.5.5'), issue(1)],
    [exposition('up 1 NaN'), issue(1)],
    [exposition('up 1 Inf'), issue(1)],
    [exposition('up 1 +Inf'), issue(1)],
    [exposition('up 1 -Inf'), issue(1)],
    [exposition('up 1 0x1p-2'), issue(1)],
  ],
  'R17 exemplars are written # {labels} value [timestamp], labels at most 128 characters': [
    [exposition('# TYPE lat histogram', 'lat_bucket{le="+Inf"} 2 #'), flag(2)],
    [exposition('# TYPE lat histogram', 'lat_bucket{le="+Inf"} 2# {} 1'), issue(2)],
    [exposition('# TYPE lat histogram', 'lat_bucket{le="+Inf"} 2 #{} 1'), flag(2)],
    [exposition('# TYPE lat histogram', 'lat_bucket{le="+Inf"} 2 # {}1'), flag(2)],
    [exposition('# TYPE lat histogram', 'lat_bucket{le="+Inf"} 2 # {} 1 '), flag(2)],
    [exposition('# TYPE lat histogram', 'lat_bucket{le="+Inf"} 2 # {} 1 1 '), flag(2)],
    [exposition('# TYPE lat histogram', `lat_bucket{le="+Inf"} 2 # {t="${'8'.repeat(128)}"} 1 1`), flag(2)],
    [exposition('# TYPE lat histogram', 'lat_bucket{le="+Inf"} 2 # {} 0x1p-2'), flag(2)],
    [exposition('# TYPE lat histogram', 'lat_bucket{le="+Inf"} 2 # {} 1 0x1p-2'), flag(2)],
    [exposition('# TYPE lat histogram', 'lat_bucket{le="+Inf"} 2 # {} 1 NaN'), flag(2)],
    [exposition('# TYPE lat histogram', 'lat_bucket{le="+Inf"} 2 # {} 1 -Inf'), flag(2)],
    [exposition('# TYPE lat histogram', `lat_bucket{le="+Inf"} 2 # {t="o\u0301${'8'.repeat(126)}"} 1 1`), flag(2)],
    [exposition('# TYPE jobs counter', 'jobs_total 1 1 # {id="a"}  '), flag(2)],
    [exposition('# TYPE jobs counter', 'jobs_total 1 1 # id="a"} 1'), flag(2)],
    [exposition('# TYPE jobs counter', 'jobs_total 1 1 #id=" # "} 1'), flag(2)],
    [exposition('# TYPE jobs counter', 'jobs_total 1 1 id=" # "} 1'), issue(2)],
  ],
  'R18 exemplars only on counter totals and histogram buckets': [
    [exposition('# TYPE lat histogram', 'lat_sum 1 # {t="x"} 0.5'), flag(2)],
    [exposition('# TYPE queue gaugehistogram', 'queue_sum 1 # {t="x"} 0.5'), flag(2)],
    [exposition('# TYPE lat_bucket gauge', 'lat_bucket 1 # {t="x"} 0.5'), flag(2)],
    [exposition('# TYPE jobs counter', 'jobs_created 1 # {t="x"} 0.5'), flag(2)],
    [exposition('# TYPE temp gauge', 'temp 1 # {t="x"} 1'), flag(2)],
    [exposition('# TYPE build info', 'build_info 1 # {t="x"} 1'), flag(2)],
    [exposition('# TYPE mode stateset', 'mode{mode="on"} 1 # {t="x"} 1'), flag(2)],
  ],
  'R19 stateset and info samples have their own names and values': [
    [exposition('# TYPE mode stateset', 'mode 2'), flag(2)],
    [exposition('# TYPE build info', 'build 2'), flag(2)],
    [exposition('# TYPE mode stateset', 'mode 2.0'), flag(2)],
    [exposition('# TYPE build info', 'build 2.0'), flag(2)],
  ],
  'R20 the labels each type requires: quantile in [0, 1], le, the stateset label': [
    [exposition('# TYPE rpc summary', 'rpc 0'), flag(2)],
    [exposition('# TYPE rpc summary', 'rpc{quantile="-0.5"} 0'), flag(2)],
    [exposition('# TYPE rpc summary', 'rpc{quantile="median"} 0'), flag(2)],
    [exposition('# TYPE rpc summary', 'rpc{quantile="1.5"} 0'), flag(2)],
    [exposition('# TYPE rpc summary', 'rpc{quantile="NaN"} 0'), flag(2)],
    [exposition('# TYPE lat histogram', 'lat_bucket 0'), flag(2)],
    [exposition('# TYPE queue gaugehistogram', 'queue_bucket 0'), flag(2)],
    [exposition('# TYPE mode stateset', 'mode 0'), flag(2)],
  ],
  'R21 totals, counts, sums and buckets are never NaN or negative, and counts are integers': [
    [exposition('# TYPE jobs counter', 'jobs_total NaN'), flag(2)],
    [exposition('# TYPE jobs counter', 'jobs_total -2'), flag(2)],
    [exposition('# TYPE lat histogram', 'lat_sum NaN'), flag(2)],
    [exposition('# TYPE lat histogram', 'lat_count NaN'), flag(2)],
    [exposition('# TYPE lat histogram', 'lat_bucket{le="+Inf"} NaN'), flag(2)],
    [exposition('# TYPE lat histogram', 'lat_sum -2'), flag(2)],
    [exposition('# TYPE lat histogram', 'lat_count -2'), flag(2)],
    [exposition('# TYPE lat histogram', 'lat_bucket{le="+Inf"} -2'), flag(2)],
    [exposition('# TYPE lat histogram', 'lat_bucket{le="-0.5"} 1', 'lat_bucket{le="+Inf"} 3', 'lat_sum -2'), flag(4)],
    [exposition('# TYPE lat histogram', 'lat_bucket{le="-0.5"} 1', 'lat_bucket{le="+Inf"} 3', 'lat_sum 2'), flag(4)],
    [exposition('# TYPE lat histogram', 'lat_bucket{le="+Inf"} 1.5'), flag(2)],
    [exposition('# TYPE lat histogram', 'lat_bucket{le="+Inf"} 1.5', 'lat_count 1.5', 'lat_sum 0'), flag(2)],
    [exposition('# TYPE queue gaugehistogram', 'queue_bucket{le="+Inf"} NaN'), flag(2)],
    [exposition('# TYPE queue gaugehistogram', 'queue_bucket{le="+Inf"} -2', 'queue_gcount -2'), flag(2)],
    [exposition('# TYPE queue gaugehistogram', 'queue_bucket{le="+Inf"} -2'), flag(2)],
    [exposition('# TYPE queue gaugehistogram', 'queue_bucket{le="+Inf"} 2', 'queue_gsum -2'), flag(3)],
    [exposition('# TYPE queue gaugehistogram', 'queue_bucket{le="+Inf"} 2', 'queue_gsum NaN'), flag(3)],
    [exposition('# TYPE queue gaugehistogram', 'queue_bucket{le="+Inf"} 1.5'), flag(2)],
    [exposition('# TYPE queue gaugehistogram', 'queue_bucket{le="+Inf"} 1.5', 'queue_gsum 1.5', 'queue_gcount 0'), flag(2)],
    [exposition('# TYPE rpc summary', 'rpc_sum NaN'), flag(2)],
    [exposition('# TYPE rpc summary', 'rpc_count NaN'), flag(2)],
    [exposition('# TYPE rpc summary', 'rpc_sum -2'), flag(2)],
    [exposition('# TYPE rpc summary', 'rpc_count -2'), flag(2)],
    [exposition('# TYPE rpc summary', 'rpc_count 1.5'), flag(2)],
    [exposition('# TYPE rpc summary', 'rpc{quantile="0.5"} -2'), flag(2)],
  ],
  'R22 info values are 1 and stateset values 0 or 1': [
    [exposition('# TYPE build info', 'build_info{commit="abc"} 2'), flag(2)],
    [exposition('# TYPE mode stateset', 'mode{mode="on"} 2'), flag(2)],
  ],
  'R23 histograms are whole: ordered cumulative buckets up to +Inf, _count and _sum together': [
    [exposition('# TYPE lat histogram', 'lat_sum 2'), flag(2)],
    [exposition('# TYPE lat histogram', 'lat_bucket{le="+Inf"} 0', 'lat_sum 0'), flag(3)],
    [exposition('# TYPE lat histogram', 'lat_bucket{le="+Inf"} 0', 'lat_count 0'), flag(3)],
    [exposition('# TYPE lat histogram', 'lat_bucket{le="-2"} 0', 'lat_bucket{le="+Inf"} 0', 'lat_sum 0', 'lat_count 0'), flag(5)],
    [exposition('# TYPE queue gaugehistogram', 'queue_gsum 2'), flag(2)],
    [exposition('# TYPE queue gaugehistogram', 'queue_bucket{le="+Inf"} 0', 'queue_gsum 0'), flag(3)],
    [exposition('# TYPE queue gaugehistogram', 'queue_bucket{le="+Inf"} 0', 'queue_gcount 0'), flag(3)],
    [exposition('# TYPE queue gaugehistogram', 'queue_bucket{le="+Inf"} 2', 'queue_gsum -2', 'queue_gcount 2'), flag(4)],
    [exposition('# TYPE lat histogram', 'lat_count 2', 'lat_bucket{le="+Inf"} 0'), flag(3)],
    [exposition('# TYPE lat histogram', 'lat_bucket{le="+Inf"} 0', 'lat_count 2'), flag(3)],
    [exposition('# TYPE lat histogram', 'lat_bucket{le="+inf"} 0'), flag(2)],
    [exposition('# TYPE lat histogram', 'lat_bucket{le="5"} 0', 'lat_bucket{le="2"} 0', 'lat_bucket{le="+Inf"} 0'), flag(3)],
    [exposition('# TYPE lat histogram', 'lat_bucket{le="2"} 3', 'lat_bucket{le="5"} 3', 'lat_bucket{le="+Inf"} 1'), flag(4)],
  ],
  "R24 a metric's samples stay together": [
    [exposition('# TYPE lat histogram', 'lat_sum{z="1"} 0', 'lat_sum{z="2"} 0', 'lat_count{z="1"} 0'), flag(4)],
    [exposition('# TYPE lat histogram', 'lat_bucket{z="1",le="2"} 0', 'lat_bucket{z="2",le="+Inf"} 0', 'lat_bucket{z="1",le="+Inf"} 0'), flag(4)],
    [exposition('# TYPE queue gaugehistogram', 'queue_gsum{z="1"} 0', 'queue_gsum{z="2"} 0', 'queue_gcount{z="1"} 0'), flag(4)],
    [exposition('# TYPE rpc summary', 'median{quantile="0"} 0', 'rpc_sum{z="1"} 0', 'median{quantile="1"} 0'), flag(4)],
  ],
  'R25 timestamps within a metric never go backwards and are all present or all absent': [
    [exposition('# TYPE temp gauge', 'temp 0 -2', 'temp 0 -3'), flag(3)],
    [exposition('# TYPE temp gauge', 'temp 0 -2', 'temp 0 -2.5'), flag(3)],
    [exposition('# TYPE temp gauge', 'temp 0 2', 'temp 0 -2'), flag(3)],
    [exposition('# TYPE temp gauge', 'temp 0 2.5', 'temp 0 2'), flag(3)],
    [exposition('# TYPE temp gauge', 'temp 0 2', 'temp 0 0'), flag(3)],
    [exposition('# TYPE temp gauge', 'temp 0', 'temp 0 0'), flag(3)],
    [exposition('# TYPE temp gauge', 'temp 0 0', 'temp 0'), flag(3)],
  ],
  'R26 no two families own the same sample name': [
    [exposition('# TYPE jobs counter', '# TYPE jobs counter'), issue(2)],
    [exposition('# TYPE jobs info', '# TYPE jobs counter'), issue(2)],
    [exposition('# TYPE jobs_created gauge', '# TYPE jobs counter'), flag(2)],
  ],
};

describe('OpenMetrics suite: every invalid input is caught', () => {
  test('26 rules over 169 inputs', () => {
    assert.equal(Object.keys(rules).length, 26);
    assert.equal(
      Object.values(rules).reduce((sum, cases) => sum + cases.length, 0),
      169,
    );
  });
  for (const [rule, cases] of Object.entries(rules)) {
    const reason = reasons[rule.split(' ', 1)[0]!]!;
    describe(rule, () => {
      for (const [text, [kind, line]] of cases) {
        test(JSON.stringify(text), () => {
          const result = parse(text);
          const listed = kind === 'issue' ? result.issues : (result.flags ?? []);
          assert.ok(
            listed.some((problem) => problem.line === line && reason.test(problem.message)),
            `expected a ${kind} on line ${line}; issues ${JSON.stringify(result.issues)}, flags ${JSON.stringify(result.flags)}`,
          );
          for (const problem of [...result.issues, ...(result.flags ?? [])]) assert.ok(problem.message.length > 0);
          if (kind === 'flag') {
            // The flagged line's value was kept.
            assert.ok(
              result.families.some((family) => family.samples.some((sample) => sample.line === line)) || !/^[a-z]/i.test(text.split('\n')[line - 1] ?? ''),
              'the flagged sample was dropped',
            );
          }
        });
      }
    });
  }
});
