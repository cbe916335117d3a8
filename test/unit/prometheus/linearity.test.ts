/**
 * The parser's work grows linearly in every dimension of its input. Work is counted, not timed: the
 * parser adds up the code units and items each of its loops visits (parseWork), and each test checks
 * that four times the input costs about four times the work. A loop that revisits earlier labels,
 * lines or families for each new one (as the duplicate-label check once did) would cost sixteen.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parsePrometheusText, parseWork } from '../../../src/prometheus/parsePrometheusText';

const N = 2000;

type Format = 'prometheus' | 'openmetrics';

/** Work at n and 4n; the ratio must stay near 4 (fixed costs such as a header pull it slightly below). */
function assertLinear(build: (n: number) => string, format: Format): void {
  const small = build(N);
  const large = build(4 * N);
  const workSmall = parseWork(small, format);
  const workLarge = parseWork(large, format);
  // Every code unit is visited at least once, so the counter cannot be trivially small.
  assert.ok(workSmall >= small.length, `work ${workSmall} below the ${small.length} code units`);
  const ratio = workLarge / workSmall;
  assert.ok(ratio > 3.5 && ratio < 4.5, `work grew ${ratio.toFixed(2)}x for 4x the input (${workSmall} -> ${workLarge})`);
}

const eof = (format: Format): string => (format === 'openmetrics' ? '# EOF\n' : '');

const dimensions: Record<string, (n: number, format: Format) => string> = {
  'labels on one line': (n, format) => `m{${Array.from({ length: n }, (_, i) => `l${i}="v${i}"`).join(',')}} 1\n${eof(format)}`,
  'label names that repeat the previous line, then change': (n, format) =>
    `m{${Array.from({ length: n }, (_, i) => `l${i}="v"`).join(',')}} 1\nm{${Array.from({ length: n }, (_, i) => `l${i}="w"`).join(',')}} 2\n${eof(format)}`,
  'length of a label value': (n, format) => `m{a="${'x'.repeat(n * 10)}"} 1\n${eof(format)}`,
  'length of a metric name': (n, format) => `m${'x'.repeat(n * 10)} 1\n${eof(format)}`,
  'length of a HELP text': (n, format) => `# HELP m ${'help '.repeat(n * 2)}\nm 1\n${eof(format)}`,
  'escapes in a label value': (n, format) => `m{a="${'\\n\\"'.repeat(n * 4)}"} 1\n${eof(format)}`,
  'escapes in a HELP text': (n, format) => `# HELP m ${'\\n\\\\'.repeat(n * 4)}\nm 1\n${eof(format)}`,
  families: (n, format) => Array.from({ length: n }, (_, i) => `# HELP f${i} Family ${i}.\n# TYPE f${i} gauge\nf${i}{k="v"} ${i}\n`).join('') + eof(format),
  'series of one family': (n, format) => `# TYPE g gauge\n${Array.from({ length: n }, (_, i) => `g{series="s${i}",zone="z"} ${i}\n`).join('')}${eof(format)}`,
  'histogram series': (n, format) =>
    `# TYPE h histogram\n${Array.from({ length: n }, (_, i) => `h_bucket{s="${i}",le="1"} 1\nh_bucket{s="${i}",le="+Inf"} 2\nh_count{s="${i}"} 2\nh_sum{s="${i}"} 3\n`).join('')}${eof(format)}`,
  'buckets of one histogram': (n, format) =>
    `# TYPE h histogram\n${Array.from({ length: n }, (_, i) => `h_bucket{le="${i}"} ${i}\n`).join('')}h_bucket{le="+Inf"} ${n}\nh_count ${n}\nh_sum 1\n${eof(format)}`,
  'timestamped samples': (n, format) => `# TYPE g gauge\n${Array.from({ length: n }, (_, i) => `g{k="${i % 7}"} ${i} ${1000 + i}\n`).join('')}${eof(format)}`,
  'exemplar labels': (n, format) => `# TYPE c counter\nc_total 1 # {${Array.from({ length: n }, (_, i) => `e${i}="v"`).join(',')}} 1\n${eof(format)}`,
  'unreadable lines': (n, format) => `${Array.from({ length: n }, (_, i) => `bad{${i}\n`).join('')}${eof(format)}`,
  'lines that break rules': (n, format) => `${Array.from({ length: n }, (_, i) => `m{a="${i}"b="x"}  ${i} \n`).join('')}${eof(format)}`,
};

for (const format of ['prometheus', 'openmetrics'] as const) {
  describe(`linear work (${format})`, () => {
    for (const [dimension, build] of Object.entries(dimensions)) {
      test(dimension, () => assertLinear((n) => build(n, format), format));
    }
  });
}

describe('the inputs are what they claim to be', () => {
  test('a line with thousands of labels parses to all of them', () => {
    const result = parsePrometheusText(dimensions['labels on one line']!(N, 'prometheus'), { format: 'prometheus' });
    assert.deepEqual(result.issues, []);
    assert.equal(Object.keys(result.families[0]!.samples[0]!.labels).length, N);
  });

  test('the histogram inputs are valid OpenMetrics', () => {
    for (const dimension of ['histogram series', 'buckets of one histogram']) {
      const result = parsePrometheusText(dimensions[dimension]!(50, 'openmetrics'), { format: 'openmetrics' });
      assert.deepEqual([result.issues, result.flags], [[], []], dimension);
    }
  });
});
