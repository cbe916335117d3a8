/** Chart exports: CSV a spreadsheet reads safely, JSON with every point, and honest file names. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChartData } from '../../../src/shared/chartGroups';
import { chartToCsv, chartToJson, csvCell, exportFileName } from '../../../src/shared/exportData';

const chart: ChartData = {
  id: 'bl/concurrency',
  connectionId: 'bl',
  key: 'concurrency',
  title: 'Concurrent sessions',
  unit: 'count',
  description: 'Sessions running.',
  series: [
    { key: 'a', label: 'running', t: [0, 60_000], v: [2, 3], lo: [1, 3], hi: [4, 3], n: [4, 1] },
    { key: 'b', label: '=queued, "now"', t: [60_000], v: [null] },
  ],
  thresholds: [{ level: 'limit', value: 10, label: 'limit 10' }],
  from: 0,
  to: 120_000,
  bucketMs: 60_000,
  primary: true,
};

test('CSV: one row per time, value columns with units, min and max for buckets, formulas defused', () => {
  assert.equal(
    chartToCsv(chart),
    [
      'time,epoch_ms,running (count),running min (count),running max (count),"\'=queued, ""now"" (count)"',
      '1970-01-01T00:00:00.000Z,0,2,1,4,',
      '1970-01-01T00:01:00.000Z,60000,3,3,3,',
      '',
    ].join('\r\n'),
  );
});

test('csvCell quotes separators and neutralizes formula prefixes', () => {
  assert.equal(csvCell('plain'), 'plain');
  assert.equal(csvCell('a,b'), '"a,b"');
  assert.equal(csvCell('+1'), "'+1");
  assert.equal(csvCell('@SUM(A1)'), "'@SUM(A1)");
  assert.equal(csvCell(-1), '-1', 'numbers are numbers, negative ones too');
  assert.equal(csvCell(Number.NaN), '');
  assert.equal(csvCell(null), '');
});

test('JSON: every point with its time, bucket summary and the thresholds', () => {
  const parsed = JSON.parse(chartToJson(chart, 0));
  assert.equal(parsed.chart, 'Concurrent sessions');
  assert.equal(parsed.bucketMs, 60_000);
  assert.deepEqual(parsed.series[0].points[0], { time: '1970-01-01T00:00:00.000Z', at: 0, value: 2, min: 1, max: 4, count: 4 });
  assert.deepEqual(parsed.series[1].points, [{ time: '1970-01-01T00:01:00.000Z', at: 60_000, value: null }]);
  assert.deepEqual(parsed.thresholds, chart.thresholds);
});

test('file names say connection, chart and range, with nothing a path could use', () => {
  assert.equal(exportFileName(chart, '24h', 'csv'), 'live-usage-bl-concurrency-24h.csv');
  assert.equal(exportFileName({ connectionId: '../x y', key: 'e2e:llama 3/70b' }, '7d', 'json'), 'live-usage-x-y-e2e-llama-3-70b-7d.json');
});
