import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parsePrometheusNumber, parsePrometheusText } from '../../../src/prometheus/parsePrometheusText';
import type { MetricFamily, ParseOptions, ParseResult, PromSample } from '../../../src/prometheus/types';

function parse(text: string, format?: ParseOptions['format']): ParseResult {
  return parsePrometheusText(text, format === undefined ? undefined : { format });
}

function family(result: ParseResult, name: string): MetricFamily {
  const found = result.families.find((candidate) => candidate.name === name);
  assert.ok(found, `family ${name} not found among ${result.families.map((f) => f.name).join(', ')}`);
  return found;
}

function only(result: ParseResult): PromSample {
  assert.equal(result.families.length, 1, 'expected one family');
  const samples = result.families[0]!.samples;
  assert.equal(samples.length, 1, 'expected one sample');
  return samples[0]!;
}

function valueOf(text: string, format?: ParseOptions['format']): number {
  const result = parse(text, format);
  assert.deepEqual(result.issues, []);
  return only(result).value;
}

/** The issues as `line: message` strings, for compact assertions. */
function issueLines(result: ParseResult): number[] {
  return result.issues.map((issue) => issue.line);
}

function assertIssue(result: ParseResult, line: number, pattern: RegExp): void {
  const issue = result.issues.find((candidate) => candidate.line === line && pattern.test(candidate.message));
  assert.ok(issue, `no issue matching ${pattern} on line ${line}; issues: ${JSON.stringify(result.issues)}`);
}

function flagLines(result: ParseResult): number[] {
  return (result.flags ?? []).map((flag) => flag.line);
}

/** A rule broken on that line, with the value kept. */
function assertFlag(result: ParseResult, line: number, pattern: RegExp): void {
  const flag = (result.flags ?? []).find((candidate) => candidate.line === line && pattern.test(candidate.message));
  assert.ok(flag, `no flag matching ${pattern} on line ${line}; flags: ${JSON.stringify(result.flags)}`);
}

describe('metadata', () => {
  test('HELP and TYPE describe the family that follows', () => {
    const result = parse(
      '# HELP http_requests_total The total number of HTTP requests.\n# TYPE http_requests_total counter\nhttp_requests_total{method="post",code="200"} 1027 1395066363000\n',
    );
    assert.deepEqual(result, {
      families: [
        {
          name: 'http_requests_total',
          type: 'counter',
          help: 'The total number of HTTP requests.',
          samples: [{ name: 'http_requests_total', labels: { method: 'post', code: '200' }, value: 1027, timestampMs: 1395066363000, line: 3 }],
        },
      ],
      issues: [],
      flags: [],
      sawEof: false,
      format: 'prometheus',
    });
  });

  test('TYPE words are case-insensitive in 0.0.4 and gauge_histogram is accepted', () => {
    const result = parse('# TYPE a COUNTER\n# TYPE b gauge_histogram\n# TYPE c Summary\n');
    assert.deepEqual(
      result.families.map((f) => f.type),
      ['counter', 'gaugehistogram', 'summary'],
    );
  });

  test('HELP escapes: \\\\ and \\n are resolved, \\" too, other escapes stay as written', () => {
    const result = parse('# HELP a one\\ntwo \\\\ three \\"q\\" \\t end\na 1\n');
    assert.equal(family(result, 'a').help, 'one\ntwo \\ three "q" \\t end');
  });

  test('HELP text keeps inner whitespace; 0.0.4 skips the blanks before it', () => {
    const result = parse('#  HELP   a  \t spaced   out  \na 1\n');
    assert.equal(family(result, 'a').help, 'spaced   out  ');
  });

  test('a HELP line without text or a bare # HELP / # TYPE is just a comment in 0.0.4', () => {
    const result = parse('# HELP\n# TYPE\n# HELP a\n# HELP a\na 1\n');
    assert.deepEqual(result.issues, []);
    assert.equal(family(result, 'a').help, undefined);
    assert.equal(family(result, 'a').type, 'untyped');
  });

  test('HELP and TYPE may name a family that has no samples; it is kept with no samples', () => {
    const result = parse('# HELP ghost Nobody home.\n# TYPE ghost gauge\n');
    assert.deepEqual(result.families, [{ name: 'ghost', type: 'gauge', help: 'Nobody home.', samples: [] }]);
  });

  test('HELP after TYPE and after samples is fine in 0.0.4', () => {
    const result = parse('# TYPE a gauge\na 1\n# HELP a Late help.\n');
    assert.deepEqual(result.issues, []);
    assert.equal(family(result, 'a').help, 'Late help.');
  });

  test('duplicate TYPE is reported and the first one wins', () => {
    const result = parse('# TYPE m counter\n# TYPE m gauge\nm 1\n');
    assertIssue(result, 2, /second TYPE line for m/);
    assert.equal(family(result, 'm').type, 'counter');
    assert.equal(family(result, 'm').samples.length, 1);
  });

  test('TYPE after samples of that name is reported and ignored', () => {
    const result = parse('m 4.12\n# TYPE m counter\nm 5\n');
    assertIssue(result, 2, /TYPE for m comes after its samples/);
    assert.equal(family(result, 'm').type, 'untyped');
    assert.deepEqual(
      family(result, 'm').samples.map((s) => s.value),
      [4.12, 5],
    );
  });

  test('duplicate HELP is reported', () => {
    const result = parse('# HELP m one\n# HELP m two\nm 1\n');
    assertIssue(result, 2, /second HELP line for m/);
    assert.equal(family(result, 'm').help, 'one');
  });

  test('unknown TYPE and TYPE without a type are reported', () => {
    const result = parse('# TYPE m bla\n# TYPE n\nm 1\n');
    assertIssue(result, 1, /unknown metric type "bla"/);
    assertIssue(result, 2, /has no type/);
    assert.equal(family(result, 'm').type, 'untyped');
  });

  test('an invalid metric name in a TYPE line is reported', () => {
    const result = parse('# TYPE met-ric counter\n');
    assertIssue(result, 1, /invalid metric name in # TYPE line/);
    assert.deepEqual(result.families, []);
  });

  test('other comments are ignored in 0.0.4, including lower-case help and indented ones', () => {
    const result = parse('# just a comment\n#\n# help m not metadata\n   # HELP m indented help\nm 1\n');
    assert.deepEqual(result.issues, []);
    assert.equal(family(result, 'm').help, 'indented help');
  });

  test('quoted metric names in HELP and TYPE (UTF-8 names)', () => {
    const result = parse('# HELP "my.metric" Dotted.\n# TYPE "my.metric" gauge\n{"my.metric",zone="a"} 3\n');
    assert.deepEqual(result.issues, []);
    assert.deepEqual(result.families, [
      { name: 'my.metric', type: 'gauge', help: 'Dotted.', samples: [{ name: 'my.metric', labels: { zone: 'a' }, value: 3, line: 3 }] },
    ]);
  });
});

describe('samples and labels', () => {
  test('a sample without labels gets an empty label object', () => {
    const sample = only(parse('up 1\n'));
    assert.deepEqual(sample, { name: 'up', labels: {}, value: 1, line: 1 });
  });

  test('empty braces are the same as no labels', () => {
    assert.deepEqual(only(parse('no_labels{} 3\n')).labels, {});
  });

  test('label values with escaped backslash, quote and newline', () => {
    const sample = only(parse('msdos_file_access_time_seconds{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\""} 1.458255915e9\n'));
    assert.deepEqual(sample.labels, { path: 'C:\\DIR\\FILE.TXT', error: 'Cannot find file:\n"FILE.TXT"' });
    assert.equal(sample.value, 1458255915);
  });

  test('an unknown escape in a label value is an error in 0.0.4 and kept verbatim in OpenMetrics', () => {
    const prometheus = parse('m{label="\\t"} 3.14\nok 1\n');
    assertIssue(prometheus, 1, /invalid escape sequence \\t/);
    assert.deepEqual(
      prometheus.families.map((f) => f.name),
      ['ok'],
    );
    const openMetrics = parse('m{label="a\\zb"} 3.14\n# EOF\n');
    assert.deepEqual(openMetrics.issues, []);
    assert.equal(only(openMetrics).labels.label, 'a\\zb');
  });

  test('label values keep unicode, empty strings, # and braces', () => {
    const sample = only(parse('m{a="Björn 佖佥 🐱",b="",c="} # { = ,"} 1\n'));
    assert.deepEqual(sample.labels, { a: 'Björn 佖佥 🐱', b: '', c: '} # { = ,' });
  });

  test('0.0.4 tolerates blanks and tabs around every token and a trailing comma', () => {
    const result = parse('name2{labelname="val2"\t,basename   =   "basevalue2"\t\t} +Inf 54321\nname2{ labelname = "val1" , }-Inf\n  name2 {a="b",}   7\t \n');
    assert.deepEqual(result.issues, []);
    assert.deepEqual(family(result, 'name2').samples, [
      { name: 'name2', labels: { labelname: 'val2', basename: 'basevalue2' }, value: Infinity, timestampMs: 54321, line: 1 },
      { name: 'name2', labels: { labelname: 'val1' }, value: -Infinity, line: 2 },
      { name: 'name2', labels: { a: 'b' }, value: 7, line: 3 },
    ]);
  });

  test('labels named like Object.prototype members are plain own properties', () => {
    const sample = only(parse('m{__proto__="x",constructor="y",toString="z",hasOwnProperty="w"} 1\n'));
    assert.deepEqual(Object.keys(sample.labels), ['__proto__', 'constructor', 'toString', 'hasOwnProperty']);
    assert.equal(Object.getOwnPropertyDescriptor(sample.labels, '__proto__')?.value, 'x');
    assert.equal(Object.getPrototypeOf(sample.labels), Object.prototype);
    assert.equal(sample.labels.constructor, 'y');
  });

  test('values and names that repeat from line to line are read correctly when they change a little', () => {
    // Exercises the in-place comparison with the previous line: prefixes, extensions, positions.
    const text = [
      'm{a="abc",le="1"} 1',
      'm{a="abcd",le="1"} 2',
      'm{a="ab",le="10"} 3',
      'm{a="ab",lev="10"} 4',
      'm{a="ab",l="10"} 5',
      'mm{a="ab",l="10"} 6',
      'm{l="10",a="ab"} 7',
      'm{a="",l=""} 8',
      'm{a="x\\"",l=""} 9',
      'm{a="x\\"",l=""} 10',
      'm_{a="x"} 11',
    ].join('\n');
    const result = parse(text);
    assert.deepEqual(result.issues, []);
    const all = result.families.flatMap((f) => f.samples.map((s) => [s.name, s.labels, s.value]));
    assert.deepEqual(all, [
      ['m', { a: 'abc', le: '1' }, 1],
      ['m', { a: 'abcd', le: '1' }, 2],
      ['m', { a: 'ab', le: '10' }, 3],
      ['m', { a: 'ab', lev: '10' }, 4],
      ['m', { a: 'ab', l: '10' }, 5],
      ['m', { l: '10', a: 'ab' }, 7],
      ['m', { a: '', l: '' }, 8],
      ['m', { a: 'x"', l: '' }, 9],
      ['m', { a: 'x"', l: '' }, 10],
      ['mm', { a: 'ab', l: '10' }, 6],
      ['m_', { a: 'x' }, 11],
    ]);
  });

  test('duplicate label names are found even when the names repeat the previous line', () => {
    const result = parse('m{a="1",b="2"} 1\nm{b="1",b="2"} 2\nm{a="1",a="2"} 3\nm{a="1",a="2"} 4\nm{a="1",b="2"} 5\n');
    assert.deepEqual(issueLines(result), [2, 3, 4]);
    assertIssue(result, 2, /duplicate label name b/);
    assert.deepEqual(
      family(result, 'm').samples.map((s) => s.value),
      [1, 5],
    );
  });

  test('the metric name may be given inside the braces, quoted', () => {
    const result = parse('{"name.with.dots",labelname="val1"} 42.0\n{"name.with.dots"} 0.23 1234567890\n{labelname="x", "name.with.dots"} 1\n');
    assert.deepEqual(result.issues, []);
    assert.deepEqual(
      family(result, 'name.with.dots').samples.map((s) => [s.labels, s.value]),
      [
        [{ labelname: 'val1' }, 42],
        [{}, 0.23],
        [{ labelname: 'x' }, 1],
      ],
    );
  });

  test('quoted label names may hold any character', () => {
    const sample = only(parse('m{"label.name"="v","q\\"n"="w"} 1\n'));
    assert.deepEqual(sample.labels, { 'label.name': 'v', 'q"n': 'w' });
  });
});

describe('bad sample lines are reported with their line number and skipped', () => {
  const cases: [string, string, RegExp][] = [
    ['label value not quoted', 'metric{label=bla} 3.14', /label value of label is not quoted/],
    ['invalid label name', 'metric{@="bla"} 3.14', /invalid label name/],
    ['reserved __name__', 'metric{__name__="bla"} 3.14', /__name__ is reserved/],
    ['missing =', 'metric{label+="bla"} 3.14', /expected = after label name label/],
    ['junk after a label value', 'metric{label="bla"+} 3.14', /expected , or } after the value of label/],
    ['unterminated label value', 'metric{label="new', /not terminated by a quote/],
    ['unterminated label set', 'metric{label="v"', /not closed/],
    ['invalid value', 'metric{label="bla"} blubb', /invalid value "blubb"/],
    ['missing value', 'metric{label="bla"}', /missing value/],
    ['missing value after a bare name', 'metric', /missing value/],
    ['float timestamp in 0.0.4', 'metric 3.14 2.72', /expected integer milliseconds/],
    ['text after the timestamp', 'metric 3.14 2 3', /unexpected text "3" after the timestamp/],
    ['invalid metric name', '@invalidmetric{label="bla"} 3.14 2', /invalid metric name/],
    ['invalid character in a name', 'met-ric 1', /invalid character "-" in metric name/],
    ['no metric name', '{label="bla"} 3.14 2', /names no metric/],
    ['empty braces without a name', '{} 3.14', /names no metric/],
    ['two quoted names', '{"one.name","another.name"} 3.14', /more than one metric/],
    ['name before and inside the braces', 'a{"b"} 1', /given twice/],
    ['hex float', 'foo 0x1p-3', /invalid value/],
    ['underscore in a number', 'foo 1_2', /invalid value/],
    ['binary literal', 'foo 0b1', /invalid value/],
    ['octal literal', 'foo 0O1', /invalid value/],
    ['hex integer', 'foo 0x1', /invalid value/],
    ['signed NaN', 'foo +NaN', /invalid value/],
    ['bare exponent', 'foo 1e', /invalid value/],
    ['lone dot', 'foo .', /invalid value/],
    ['NaN timestamp', 'foo 1 NaN', /finite/],
    ['raw newline in a label value (first half)', 'metric{label="new', /not terminated/],
  ];
  for (const [title, line, pattern] of cases) {
    test(title, () => {
      const result = parse(`ok_before 1\n${line}\nok_after 2\n`);
      assert.equal(result.issues.length, 1, JSON.stringify(result.issues));
      assertIssue(result, 2, pattern);
      assert.equal(result.issues[0]!.text, line);
      assert.deepEqual(
        result.families.map((f) => f.name),
        ['ok_before', 'ok_after'],
      );
    });
  }

  test('a raw newline inside a label value spoils both halves', () => {
    const result = parse('metric{label="new\nline"} 3.14\nok 1\n');
    assert.deepEqual(issueLines(result), [1, 2]);
    assert.deepEqual(
      result.families.map((f) => f.name),
      ['ok'],
    );
  });

  test('the issue text is cut at 200 characters', () => {
    const long = `m{a="${'x'.repeat(300)}`;
    const result = parse(`${long}\n`);
    assert.equal(result.issues[0]!.text, long.slice(0, 200));
  });

  test('a bad line creates no family', () => {
    const result = parse('lonely{a=1} 2\n');
    assert.deepEqual(result.families, []);
    assert.equal(result.issues.length, 1);
  });
});

describe('values', () => {
  const good: [string, number][] = [
    ['1', 1],
    ['-3e3', -3000],
    ['1.458255915e9', 1458255915],
    ['.23', 0.23],
    ['5.', 5],
    ['08', 8],
    ['+7', 7],
    ['-0', -0],
    ['1.7560473e+06', 1756047.3],
    ['3.14e+42', 3.14e42],
    ['0.1', 0.1],
    ['123456789012345678901234567890', 1.2345678901234568e29],
    ['0.000000000000000000000000001', 1e-27],
    ['1E-5', 1e-5],
    ['NaN', NaN],
    ['nan', NaN],
    ['NAN', NaN],
    ['+Inf', Infinity],
    ['-Inf', -Infinity],
    ['inf', Infinity],
    ['Inf', Infinity],
    ['-inf', -Infinity],
    ['Infinity', Infinity],
    ['-INFINITY', -Infinity],
    ['+infinity', Infinity],
  ];
  for (const [written, expected] of good) {
    test(`${written} reads as ${expected}`, () => assert.equal(Object.is(valueOf(`m ${written}\n`), expected), true, `got ${valueOf(`m ${written}\n`)}`));
  }

  test('decimal numbers read exactly as Number() reads them', () => {
    for (const written of [
      '0.3',
      '2.675',
      '1.0000000000000002',
      '9007199254740993',
      '4.35',
      '0.1e-7',
      '123.456e20',
      '17.0',
      '1e22',
      '1e23',
      '5e-324',
      '1.7976931348623157e308',
    ]) {
      assert.equal(parsePrometheusNumber(written), Number(written), written);
    }
  });

  test('parsePrometheusNumber refuses what Go refuses', () => {
    for (const written of ['', ' 1', '1 ', '0x10', '1_0', 'Infinit', 'nanx', '+nan', '--1', '1e+', 'e5']) {
      assert.equal(parsePrometheusNumber(written), undefined, written);
    }
  });
});

describe('timestamps', () => {
  test('0.0.4 timestamps are integer milliseconds, negative allowed', () => {
    const result = parse('a 1 1395066363000\nb -1 -2\n');
    assert.equal(family(result, 'a').samples[0]!.timestampMs, 1395066363000);
    assert.equal(family(result, 'b').samples[0]!.timestampMs, -2);
  });

  test('no timestamp means no timestampMs property', () => {
    assert.equal('timestampMs' in only(parse('a 1\n')), false);
  });

  test('OpenMetrics timestamps are seconds, converted to milliseconds exactly', () => {
    const result = parse('a 1 1520879607.789\nb 1 1\nc 1 1.5\nd 1 -0.001\n# EOF\n');
    assert.deepEqual(result.issues, []);
    assert.deepEqual(
      result.families.map((f) => f.samples[0]!.timestampMs),
      [1520879607789, 1000, 1500, -1],
    );
  });

  test('OpenMetrics rejects infinite timestamps', () => {
    const result = parse('a 1 +Inf\n# EOF\n');
    assertIssue(result, 1, /finite/);
  });
});

describe('histograms and summaries', () => {
  test('histogram samples group under the family name', () => {
    const text = [
      '# HELP request_duration_microseconds The response latency.',
      '# TYPE request_duration_microseconds histogram',
      'request_duration_microseconds_bucket{le="100"} 123',
      'request_duration_microseconds_bucket{le="172.8"} 1524',
      'request_duration_microseconds_bucket{le="+Inf"} 2693',
      'request_duration_microseconds_sum 1.7560473e+06',
      'request_duration_microseconds_count 2693',
      'request_duration_microseconds_created 1.7e9',
    ].join('\n');
    const result = parse(text);
    assert.deepEqual(result.issues, []);
    assert.equal(result.families.length, 1);
    const histogram = family(result, 'request_duration_microseconds');
    assert.equal(histogram.type, 'histogram');
    assert.deepEqual(
      histogram.samples.map((s) => [s.name, s.labels.le, s.value]),
      [
        ['request_duration_microseconds_bucket', '100', 123],
        ['request_duration_microseconds_bucket', '172.8', 1524],
        ['request_duration_microseconds_bucket', '+Inf', 2693],
        ['request_duration_microseconds_sum', undefined, 1756047.3],
        ['request_duration_microseconds_count', undefined, 2693],
        ['request_duration_microseconds_created', undefined, 1.7e9],
      ],
    );
  });

  test('histogram buckets need a numeric le and non-negative counts: flagged, values kept', () => {
    const result = parse(
      '# TYPE h histogram\nh_bucket{le="bla"} 1\nh_bucket 1\nh_bucket{le="1"} -412\nh_count -2693.123\nh_bucket{le="0x1p-3"} 1\nh_bucket{le="+Inf"} 3\n',
    );
    assert.deepEqual(result.issues, []);
    assertFlag(result, 2, /le label value "bla"/);
    assertFlag(result, 3, /no le label/);
    assertFlag(result, 4, /non-negative/);
    assertFlag(result, 5, /non-negative/);
    assertFlag(result, 6, /le label value "0x1p-3"/);
    assert.deepEqual(flagLines(result), [2, 3, 4, 5, 6]);
    assert.deepEqual(
      family(result, 'h').samples.map((s) => s.line),
      [2, 3, 4, 5, 6, 7],
    );
  });

  test('summaries: quantiles under the family name, _sum and _count beside them', () => {
    const text = [
      '# TYPE rpc_duration_seconds summary',
      'rpc_duration_seconds{quantile="0.01"} 3102',
      'rpc_duration_seconds{quantile="0.99"} 76656',
      'rpc_duration_seconds_sum 1.7560473e+07',
      'rpc_duration_seconds_count 2693',
    ].join('\n');
    const summary = family(parse(text), 'rpc_duration_seconds');
    assert.equal(summary.type, 'summary');
    assert.deepEqual(
      summary.samples.map((s) => s.name),
      ['rpc_duration_seconds', 'rpc_duration_seconds', 'rpc_duration_seconds_sum', 'rpc_duration_seconds_count'],
    );
  });

  test('a summary quantile must be a number (flagged, value kept); a negative one is fine in 0.0.4', () => {
    const result = parse('# TYPE s summary\ns{quantile="bla"} 3.14\ns{quantile="0x1p-3"} 1\ns{n1="v"} 2\ns{quantile="-12.34",} NaN\n');
    assertFlag(result, 2, /quantile label value "bla"/);
    assertFlag(result, 3, /quantile label value "0x1p-3"/);
    assertFlag(result, 4, /no quantile label/);
    assert.deepEqual(flagLines(result), [2, 3, 4]);
    assert.deepEqual(
      family(result, 's').samples.map((s) => s.line),
      [2, 3, 4, 5],
    );
  });

  test('the evil summary: interleaved families and decoys (0.0.4 merges by name)', () => {
    const text = [
      '# TYPE my_summary summary',
      'my_summary{n1="val1",quantile="0.5"} 110',
      'decoy -1 -2',
      'my_summary{n1="val1",quantile="0.9"} 140 1',
      'my_summary_count{n1="val1"} 42',
      'my_summary_sum{n1="val1"} 4711 2',
      'fake_sum{n1="val1"} 2001',
      '# TYPE another_summary summary',
      'another_summary_count{n2="val2",n1="val1"} 20',
      'my_summary_count{n2="val2",n1="val1"} 5 5',
      'another_summary{n1="val1",n2="val2",quantile=".3"} -1.2',
      'my_summary_sum{n1="val2"} 08 15',
    ].join('\n');
    const result = parse(text);
    assert.deepEqual(result.issues, []);
    assert.deepEqual(
      result.families.map((f) => [f.name, f.type, f.samples.length]),
      [
        ['my_summary', 'summary', 6],
        ['decoy', 'untyped', 1],
        ['fake_sum', 'untyped', 1],
        ['another_summary', 'summary', 2],
      ],
    );
  });

  test('histogram-like names without a TYPE stay separate untyped families', () => {
    const result = parse('x_bucket{le="1"} 1\nx_sum 2\nx_count 3\n');
    assert.deepEqual(
      result.families.map((f) => [f.name, f.type]),
      [
        ['x_bucket', 'untyped'],
        ['x_sum', 'untyped'],
        ['x_count', 'untyped'],
      ],
    );
  });

  test('gaugehistogram, stateset and info families group their samples', () => {
    const text = [
      '# TYPE gh gaugehistogram',
      'gh_bucket{le="1"} 2',
      'gh_bucket{le="+Inf"} 3',
      'gh_gcount 3',
      'gh_gsum 4.5',
      '# TYPE ss stateset',
      'ss{ss="a"} 1',
      'ss{ss="b"} 0',
      '# TYPE build info',
      'build_info{version="1.2"} 1',
      '# EOF',
    ].join('\n');
    const result = parse(text);
    assert.deepEqual(result.issues, []);
    assert.deepEqual(
      result.families.map((f) => [f.name, f.type, f.samples.map((s) => s.name)]),
      [
        ['gh', 'gaugehistogram', ['gh_bucket', 'gh_bucket', 'gh_gcount', 'gh_gsum']],
        ['ss', 'stateset', ['ss', 'ss']],
        ['build', 'info', ['build_info']],
      ],
    );
  });
});

describe('counters and gauges', () => {
  test('a 0.0.4 counter is named with its _total', () => {
    const result = parse('# TYPE http_requests_total counter\nhttp_requests_total 5\n');
    assert.deepEqual(
      result.families.map((f) => [f.name, f.type, f.samples.length]),
      [['http_requests_total', 'counter', 1]],
    );
  });

  test('an OpenMetrics counter groups _total and _created under its bare name', () => {
    const result = parse('# TYPE foo counter\nfoo_total 17.0 1520879607.789\nfoo_created 1520430000.123 1520879607.789\n# EOF\n');
    assert.deepEqual(result.issues, []);
    assert.deepEqual(
      result.families.map((f) => [f.name, f.type, f.samples.map((s) => s.name)]),
      [['foo', 'counter', ['foo_total', 'foo_created']]],
    );
  });

  test('a gauge whose name ends in _total stays one family under its own name', () => {
    const result = parse('# TYPE requests_count_total gauge\nrequests_count_total{endpoint="a"} 3\nrequests_count_total{endpoint="b"} 4\n');
    assert.deepEqual(
      result.families.map((f) => [f.name, f.type, f.samples.length]),
      [['requests_count_total', 'gauge', 2]],
    );
  });

  test('samples without a TYPE are untyped in 0.0.4 and unknown in OpenMetrics', () => {
    assert.equal(parse('a 1\n').families[0]!.type, 'untyped');
    assert.equal(parse('a 1\n# EOF\n').families[0]!.type, 'unknown');
    assert.equal(parse('a 1\n', 'openmetrics').families[0]!.type, 'unknown');
  });

  test('a sample named after another family with a suffix its type does not have starts a new family', () => {
    const result = parse('# TYPE g gauge\ng 1\ng_total 2\ng_count 3\n');
    assert.deepEqual(
      result.families.map((f) => f.name),
      ['g', 'g_total', 'g_count'],
    );
  });
});

describe('line structure', () => {
  test('CRLF line endings are accepted and never leak into values', () => {
    const result = parse('# HELP a Some help.\r\n# TYPE a gauge\r\na{x="y"} 1 2\r\n\r\nb 3\r\n');
    assert.deepEqual(result.issues, []);
    assert.equal(family(result, 'a').help, 'Some help.');
    assert.deepEqual(family(result, 'a').samples, [{ name: 'a', labels: { x: 'y' }, value: 1, timestampMs: 2, line: 3 }]);
    assert.equal(family(result, 'b').samples[0]!.line, 5);
  });

  test('blank lines, whitespace-only lines and a missing final newline are fine in 0.0.4', () => {
    const result = parse('\n\na 1\n   \n\t\nb 2');
    assert.deepEqual(result.issues, []);
    assert.deepEqual(
      result.families.map((f) => [f.name, f.samples[0]!.line]),
      [
        ['a', 3],
        ['b', 6],
      ],
    );
  });

  test('empty input is an empty, valid exposition', () => {
    assert.deepEqual(parse(''), { families: [], issues: [], flags: [], sawEof: false, format: 'prometheus' });
  });

  test('line numbers count every line, comments and bad lines included', () => {
    const result = parse('# c\nbad{\n\ngood 1\n');
    assert.equal(family(result, 'good').samples[0]!.line, 4);
    assert.deepEqual(issueLines(result), [2]);
  });
});

describe('format selection', () => {
  test('auto mode without a Content-Type reads 0.0.4: blank lines are fine and timestamps are milliseconds', () => {
    const result = parse('a 1 1500\n\nb 2\n');
    assert.deepEqual(result.issues, []);
    assert.equal(result.format, 'prometheus');
    assert.equal(family(result, 'a').samples[0]!.timestampMs, 1500);
  });

  test('the Content-Type decides: OpenMetrics content reads as OpenMetrics, text/plain as 0.0.4', () => {
    const body = 'a 1 1500\n# EOF\n';
    const openMetrics = parsePrometheusText(body, { contentType: 'application/openmetrics-text; version=1.0.0; charset=utf-8' });
    assert.equal(openMetrics.format, 'openmetrics');
    assert.equal(family(openMetrics, 'a').samples[0]!.timestampMs, 1_500_000);
    const plain = parsePrometheusText(body, { contentType: 'text/plain; version=0.0.4; charset=utf-8' });
    assert.equal(plain.format, 'prometheus');
    assert.equal(family(plain, 'a').samples[0]!.timestampMs, 1500);
    assert.equal(plain.sawEof, true);
  });

  test('a text/plain body ending in # EOF without TYPE lines keeps every sample (# EOF alone never switches the format)', () => {
    // Shaped like a Go exporter's 0.0.4 output with the metadata stripped: summaries whose
    // quantiles, _sum and _count repeat per label value, so OpenMetrics would see split families.
    const rows: string[] = [];
    for (const phase of ['parse', 'plan', 'run']) {
      for (const q of ['0.5', '0.9', '0.99']) rows.push(`query_seconds{phase="${phase}",quantile="${q}"} 0.0${q.length}`);
      rows.push(`query_seconds_sum{phase="${phase}"} 12.5`, `query_seconds_count{phase="${phase}"} 40`);
    }
    rows.push('up 1', 'query_seconds{phase="late",quantile="0.5"} 0.2', '# EOF');
    const body = `${rows.join('\n')}\n`;
    const result = parsePrometheusText(body, { contentType: 'text/plain; version=0.0.4' });
    assert.equal(result.format, 'prometheus');
    assert.deepEqual(result.issues, []);
    assert.equal(
      result.families.reduce((sum, f) => sum + f.samples.length, 0),
      rows.length - 1,
    );
    // Without any Content-Type the 0.0.4 reading also wins: OpenMetrics would flag the split families.
    const unlabelled = parse(body);
    assert.equal(unlabelled.format, 'prometheus');
    assert.equal(
      unlabelled.families.reduce((sum, f) => sum + f.samples.length, 0),
      rows.length - 1,
    );
  });

  test('without a Content-Type, a clean OpenMetrics body ending in # EOF is read as OpenMetrics', () => {
    const result = parse('# TYPE a_seconds gauge\n# UNIT a_seconds seconds\na_seconds 1 2.5\n# EOF\n');
    assert.equal(result.format, 'openmetrics');
    assert.equal(family(result, 'a_seconds').type, 'gauge');
    assert.equal(family(result, 'a_seconds').samples[0]!.timestampMs, 2500);
  });

  test('# UNIT in a 0.0.4 body is read, not taken as a sign of OpenMetrics', () => {
    const result = parse('a_seconds 1 2\n# TYPE b_bytes gauge\n# UNIT b_bytes bytes\nb_bytes 1\n');
    assert.equal(result.format, 'prometheus');
    assert.equal(family(result, 'a_seconds').samples[0]!.timestampMs, 2);
    assert.equal(family(result, 'b_bytes').unit, 'bytes');
    assert.deepEqual(result.issues, []);
  });

  test('a Content-Type that names neither format falls back like a missing one', () => {
    assert.equal(parsePrometheusText('a 1\n', { contentType: 'application/octet-stream' }).format, 'prometheus');
    assert.equal(parsePrometheusText('a 1\n# EOF\n', { contentType: 'text/html' }).format, 'openmetrics');
  });

  test('explicit prometheus mode reads # EOF as a comment and still reports whether the body ended with it', () => {
    assert.equal(parse('a 1 1500\n# EOF\n', 'prometheus').families[0]!.samples[0]!.timestampMs, 1500);
    assert.equal(parse('a 1\n# EOF\n', 'prometheus').sawEof, true);
    const continued = parse('a 1\n# EOF\nb 2\n', 'prometheus');
    assert.equal(continued.sawEof, false);
    assert.deepEqual(
      continued.families.map((f) => f.name),
      ['a', 'b'],
    );
  });
});

describe('OpenMetrics rules', () => {
  const om = (text: string): ParseResult => parse(text, 'openmetrics');

  test('blank lines are reported', () => {
    const result = om('a 1\n\nb 2\n# EOF\n');
    assert.deepEqual(issueLines(result), [2]);
    assertIssue(result, 2, /blank lines/);
    assert.deepEqual(
      result.families.map((f) => f.name),
      ['a', 'b'],
    );
  });

  test('text after # EOF is reported once and not parsed', () => {
    const result = om('a 1\n# EOF\nb 2\nc 3\n');
    assert.deepEqual(issueLines(result), [3]);
    assertIssue(result, 3, /text after # EOF/);
    assert.deepEqual(
      result.families.map((f) => f.name),
      ['a'],
    );
    assert.equal(result.sawEof, true);
  });

  test('a blank line after # EOF is text after # EOF', () => {
    assertIssue(om('a 1\n# EOF\n\n'), 3, /text after # EOF/);
  });

  test('# EOF without a final newline is fine', () => {
    const result = om('a 1\n# EOF');
    assert.deepEqual(result.issues, []);
    assert.deepEqual(result.flags, []);
    assert.equal(result.sawEof, true);
  });

  test('a missing # EOF is reported on the last line', () => {
    const result = om('a 1\nb 2\n');
    assert.deepEqual(
      result.issues.map((i) => [i.line, i.message]),
      [[2, 'missing # EOF at the end of the OpenMetrics exposition']],
    );
    assert.deepEqual(
      om('').issues.map((i) => i.line),
      [1],
    );
  });

  test('plain comments are refused; stray whitespace and commas are flagged and the values kept', () => {
    const text = ['# plain comment', 'a{x="1",} 1', 'b  2', ' c 3', 'd 4 ', 'e{x = "1"} 5', 'f\t6', 'g {x="1"} 7', 'ok 8', '# EOF'].join('\n');
    const result = om(text);
    assert.deepEqual(issueLines(result), [1]);
    assertIssue(result, 1, /only # HELP, # TYPE, # UNIT and # EOF/);
    assert.deepEqual(flagLines(result), [2, 3, 4, 5, 6, 7, 8]);
    assertFlag(result, 2, /trailing comma/);
    assertFlag(result, 3, /exactly one space/);
    assertFlag(result, 4, /leading whitespace/);
    assertFlag(result, 5, /trailing whitespace/);
    assertFlag(result, 6, /no whitespace inside a label set/);
    assertFlag(result, 7, /exactly one space/);
    assertFlag(result, 8, /no space between the metric name and its labels/);
    assert.deepEqual(
      result.families.map((f) => [f.name, f.samples[0]!.value]),
      [
        ['a', 1],
        ['b', 2],
        ['c', 3],
        ['d', 4],
        ['e', 5],
        ['f', 6],
        ['g', 7],
        ['ok', 8],
      ],
    );
  });

  test('UNIT must be the suffix of the name; empty HELP and UNIT count as absent', () => {
    const result = om('# TYPE a_seconds gauge\n# UNIT a_seconds seconds\n# TYPE b gauge\n# UNIT b bytes\n# TYPE c gauge\n# UNIT c \n# HELP c \nc 1\n# EOF\n');
    assert.equal(family(result, 'a_seconds').unit, 'seconds');
    assertIssue(result, 4, /unit bytes must be the suffix/);
    assert.equal(family(result, 'c').unit, undefined);
    assert.equal(family(result, 'c').help, undefined);
    assert.deepEqual(issueLines(result), [4]);
  });

  test('metadata after samples and duplicate metadata are refused; split families are flagged and kept', () => {
    const text = ['# TYPE a gauge', 'a 1', '# HELP a late', '# TYPE b gauge', '# UNIT b_x x', '# UNIT b_x x', 'b 1', 'a 2', '# EOF'].join('\n');
    const result = om(text);
    assertIssue(result, 3, /HELP for a comes after its samples/);
    assertIssue(result, 6, /second UNIT line/);
    assertFlag(result, 8, /interleaved/);
    assert.deepEqual(
      family(result, 'a').samples.map((s) => s.value),
      [1, 2],
    );
  });

  test('untyped is not a type; NaN and negative counters are flagged and kept', () => {
    const result = om('# TYPE u untyped\n# TYPE c counter\nc_total{n="1"} NaN\nc_total{n="2"} -1\nc_total{n="3"} 1\n# EOF\n');
    assertIssue(result, 1, /not an OpenMetrics type/);
    assertFlag(result, 3, /must not be NaN/);
    assertFlag(result, 4, /must not be negative/);
    assert.deepEqual(
      family(result, 'c').samples.map((s) => s.value),
      [NaN, -1, 1],
    );
  });

  test('histogram counts must be integers and not NaN (flags, values kept)', () => {
    const result = om('# TYPE h histogram\nh_bucket{le="+Inf",x="1"} NaN\nh_bucket{le="+Inf",x="2"} 1.5\nh_bucket{le="+Inf",x="3"} 2.0\n# EOF\n');
    assert.deepEqual(result.issues, []);
    assertFlag(result, 2, /must not be NaN/);
    assertFlag(result, 3, /must be an integer/);
    assert.deepEqual(flagLines(result), [2, 3]);
  });

  test('summary quantiles must lie in [0, 1]', () => {
    assertFlag(om('# TYPE s summary\ns{quantile="1.5"} 1\n# EOF\n'), 2, /outside \[0, 1\]/);
  });

  test('HELP escapes keep unknown escapes and leading spaces', () => {
    const result = om('# TYPE a counter\n# HELP a  he\\n\\\\l\\tp\na_total 1\n# EOF\n');
    assert.equal(family(result, 'a').help, ' he\n\\l\\tp');
  });

  test("what Prometheus keeps is kept: exemplars on _count and _sum, a family split by another family's metadata, a missing comma", () => {
    const text = [
      '# TYPE lat histogram',
      'lat_bucket{le="+Inf"} 2',
      'lat_count 2 # {trace="a"} 0.5',
      'lat_sum 1.5 # {trace="b"} 0.5',
      '# TYPE temp gauge',
      'temp{room="a"} 20',
      '# TYPE other gauge',
      'temp{room="b"} 21',
      'other{a="1"b="2"} 3',
      '# EOF',
    ].join('\n');
    const result = om(text);
    assert.deepEqual(result.issues, []);
    assertFlag(result, 3, /exemplars are only allowed/);
    assertFlag(result, 4, /exemplars are only allowed/);
    assertFlag(result, 8, /interleaved/);
    assertFlag(result, 9, /separated by commas/);
    assert.deepEqual(
      result.families.map((f) => [f.name, f.samples.map((s) => s.value)]),
      [
        ['lat', [2, 2, 1.5]],
        ['temp', [20, 21]],
        ['other', [3]],
      ],
    );
  });

  test('a series repeated at the same instant keeps its first value and reports the repeat', () => {
    const result = om('# TYPE g gauge\ng{k="a"} 1\ng{k="a"} 2\ng{k="b"} 3 5\ng{k="b"} 4 5.0000000001\ng{k="b"} 5 5.000000001\n# EOF\n');
    assert.deepEqual(issueLines(result), [3, 5]);
    assertIssue(result, 3, /repeats a series of g/);
    assert.deepEqual(
      family(result, 'g').samples.map((s) => s.value),
      [1, 3, 5],
    );
  });
});

describe('exemplars', () => {
  test('exemplars on counters and buckets are parsed and dropped', () => {
    const text = [
      '# TYPE a counter',
      'a_total 1 # {trace_id="abc"} 1.0',
      'a_total 2 123 # {trace_id="abc",span="x"} 0.5 1520879607.789',
      '# TYPE h histogram',
      'h_bucket{le="+Inf"} 3 # {} 1',
      '# EOF',
    ].join('\n');
    const result = parse(text, 'openmetrics');
    assert.deepEqual(result.issues, []);
    assert.deepEqual(
      family(result, 'a').samples.map((s) => [s.value, s.timestampMs, s.labels]),
      [
        [1, undefined, {}],
        [2, 123000, {}],
      ],
    );
  });

  test('malformed or misplaced exemplars are flagged; the samples they follow are kept', () => {
    const text = [
      '# TYPE h histogram',
      'h_bucket{le="+Inf",n="1"} 1 # {}1',
      'h_bucket{le="+Inf",n="2"} 1 # {a="b"}',
      'h_bucket{le="+Inf",n="3"} 1 # a 1',
      'h_bucket{le="+Inf",n="4"} 1 # {a="b"} x',
      'h_bucket{le="+Inf",n="5"} 1 # {a="b"} 1 NaN',
      `h_bucket{le="+Inf",n="6"} 1 # {a="${'x'.repeat(130)}"} 1`,
      'h_count{n="6"} 1 # {a="b"} 1',
      '# TYPE g gauge',
      'g 1 # {a="b"} 1',
      '# EOF',
    ].join('\n');
    const result = parse(text, 'openmetrics');
    assert.deepEqual(result.issues, []);
    assert.deepEqual(flagLines(result), [2, 3, 4, 5, 6, 7, 8, 8, 10]);
    assertFlag(result, 7, /128/);
    assertFlag(result, 8, /only allowed on counter/);
    assertFlag(result, 8, /_count without a _sum/);
    assertFlag(result, 10, /only allowed on counter/);
    assert.equal(family(result, 'h').samples.length, 7);
    assert.equal(family(result, 'g').samples.length, 1);
  });

  test('0.0.4 mode tolerates an exemplar too', () => {
    const result = parse('a_total 1 # {trace_id="abc"} 1\n');
    assert.deepEqual(result.issues, []);
    assert.equal(only(result).value, 1);
  });
});

describe('Cerebras metrics endpoint', () => {
  const body = [
    '# HELP inference_endpoint_status Status of the endpoint: -1 error, 0 down, 1 up.',
    '# TYPE inference_endpoint_status gauge',
    'inference_endpoint_status{endpoint="llama-3.3-70b",organization_id="org_abc123"} 1',
    '',
    '# HELP requests_count_total Requests in the last complete minute.',
    '# TYPE requests_count_total gauge',
    'requests_count_total{endpoint="llama-3.3-70b",organization_id="org_abc123"} 1250',
    '',
    '# HELP requests_failure_total Failed requests in the last complete minute.',
    '# TYPE requests_failure_total gauge',
    'requests_failure_total{endpoint="llama-3.3-70b",organization_id="org_abc123"} 3',
    '',
    '# HELP e2e_latency_seconds End-to-end latency percentiles.',
    '# TYPE e2e_latency_seconds gauge',
    'e2e_latency_seconds{endpoint="llama-3.3-70b",organization_id="org_abc123",percentile="avg"} 0.412',
    'e2e_latency_seconds{endpoint="llama-3.3-70b",organization_id="org_abc123",percentile="p95"} 0.88',
    'e2e_latency_seconds{endpoint="llama-3.3-70b",organization_id="org_abc123",statistic="p99"} 1.31',
    '',
    '# HELP ttft_seconds Time to first token.',
    '# TYPE ttft_seconds gauge',
    'ttft_seconds{endpoint="llama-3.3-70b",organization_id="org_abc123",statistic="p50"} 0.05',
    '',
  ].join('\n');

  test('parses as lenient 0.0.4 with every family a gauge under its own name', () => {
    const result = parse(body);
    assert.deepEqual(result.issues, []);
    assert.equal(result.sawEof, false);
    assert.deepEqual(
      result.families.map((f) => [f.name, f.type, f.samples.length]),
      [
        ['inference_endpoint_status', 'gauge', 1],
        ['requests_count_total', 'gauge', 1],
        ['requests_failure_total', 'gauge', 1],
        ['e2e_latency_seconds', 'gauge', 3],
        ['ttft_seconds', 'gauge', 1],
      ],
    );
    const latency = family(result, 'e2e_latency_seconds').samples;
    assert.deepEqual(
      latency.map((s) => s.labels.percentile ?? s.labels.statistic),
      ['avg', 'p95', 'p99'],
    );
    assert.deepEqual(latency[1], {
      name: 'e2e_latency_seconds',
      labels: { endpoint: 'llama-3.3-70b', organization_id: 'org_abc123', percentile: 'p95' },
      value: 0.88,
      line: 16,
    });
  });

  test('the same body with CRLF endings parses identically', () => {
    assert.deepEqual(parse(body.replaceAll('\n', '\r\n')), parse(body));
  });

  test('an empty body (no metrics enabled yet) is valid', () => {
    assert.deepEqual(parse(''), { families: [], issues: [], flags: [], sawEof: false, format: 'prometheus' });
  });

  test('forcing OpenMetrics on it reports the blank lines and the missing # EOF', () => {
    const result = parse(body, 'openmetrics');
    assert.deepEqual(issueLines(result), [4, 8, 12, 18, 21]);
    assertIssue(result, 21, /missing # EOF/);
  });
});

describe('robustness', () => {
  test('non-exposition bodies become issues, never exceptions', () => {
    for (const body of ['{"error":"unauthorized"}', '<html><body>502 Bad Gateway</body></html>', '\u0000\u0001', '"""', '}{', '# TYPE', '#', '\\']) {
      const result = parse(body);
      assert.ok(Array.isArray(result.issues));
      assert.deepEqual(
        result.families.flatMap((f) => f.samples),
        [],
      );
    }
  });

  test('an HTML error page yields an issue on its first line', () => {
    const result = parse('<html>\n<body>oops</body>\n</html>\n');
    assert.deepEqual(issueLines(result), [1, 2, 3]);
    assert.match(result.issues[0]!.message, /invalid metric name/);
  });

  test('lone surrogates and NUL in label values come back unchanged', () => {
    const sample = only(parse('m{a="\ud800x",b="\u0000",c="\udfff"} 1\n'));
    assert.deepEqual(sample.labels, { a: '\ud800x', b: '\u0000', c: '\udfff' });
  });

  test('metadata between samples of one family does not confuse the name shortcut', () => {
    const result = parse('a{x="1"} 1\n# HELP a Help.\na{x="1"} 2\n# TYPE b gauge\na{x="2"} 3\nb 4\n');
    assert.deepEqual(result.issues, []);
    assert.deepEqual(
      result.families.map((f) => [f.name, f.help, f.samples.map((s) => s.value)]),
      [
        ['a', 'Help.', [1, 2, 3]],
        ['b', undefined, [4]],
      ],
    );
  });

  test('a text with characters beyond Latin-1 (two-byte string) parses the same way', () => {
    const result = parse('# HELP m Ünïcödé ✓\nm{a="✓",b="x"} 1\nm{a="✓",b="y"} 2\n');
    assert.deepEqual(result.issues, []);
    assert.deepEqual(
      family(result, 'm').samples.map((s) => s.labels),
      [
        { a: '✓', b: 'x' },
        { a: '✓', b: 'y' },
      ],
    );
  });
});
