/**
 * History written before the provider descriptors (version 0.1) is read into today's model: files are
 * never rewritten, the model change happens as they are read. Each file below is written byte for byte
 * as 0.1 wrote it, then read the way the extension reads it (history store, descriptor identity,
 * latest values, charts):
 * - Browserless stored `isAvailable` with a `reason` label only while unavailable, so 0.1 kept two
 *   series; they are one series now, with every reading;
 * - Browserbase stored a `basis` label that newer readings do not have; old and new are one series;
 * - a generic exporter's samples carry no `__type__`: counters and histograms are recognised by name,
 *   and merge with the typed readings written since.
 * Nothing stored is lost: every stored reading is in a chart or a latest value.
 */
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { describe, test } from 'node:test';
import { LatestValues } from '../../../src/connections/latestValues';
import { buildSnapshot } from '../../../src/connections/snapshotBuilder';
import { BROWSERLESS_SERIES } from '../../../src/providers/browserless/descriptor';
import { columnIdentity, descriptorOfKind } from '../../../src/providers/registry';
import { buildCharts } from '../../../src/shared/chartGroups';
import { toColumns } from '../../../src/shared/columns';
import type { ProviderKind } from '../../../src/shared/connections';
import { config } from '../quota/builders';
import { capturingLog, fullFile, NOON, openStore, withFolder } from './support';

const DAY_START = Date.UTC(2024, 4, 10);
const at = (minutes: number) => DAY_START + 12 * 3_600_000 + minutes * 60_000;
const offset = (minutes: number) => at(minutes) - DAY_START;

/** A day file exactly as 0.1 writes it: header, descriptors, records `[id, ms into the day, value]`. */
async function writeOldDay(folder: string, connectionId: string, lines: readonly string[]): Promise<void> {
  const file = fullFile(folder, connectionId, '2024-05-10');
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${['{"h":1,"tier":"full","day":"2024-05-10"}', ...lines].join('\n')}\n`);
}

async function read(folder: string, connectionId: string, kind: ProviderKind) {
  const clock = { now: NOON + 3_600_000 };
  const store = await openStore(folder, clock, capturingLog());
  try {
    const samples = await store.query(connectionId, { from: DAY_START, to: clock.now });
    const latest = await store.latest(connectionId);
    const descriptor = descriptorOfKind(kind);
    const values = new LatestValues(descriptor);
    values.merge(latest);
    values.merge(samples);
    const snapshot = buildSnapshot({
      config: config(kind),
      latest: values.latest(),
      previous: values.previous(),
      history: samples,
      health: 'ok',
      notes: [],
      tokenSource: 'secretStorage',
      now: clock.now,
    });
    const history = {
      connectionId,
      from: DAY_START,
      to: clock.now,
      warnPercent: 75,
      criticalPercent: 90,
      series: toColumns(samples, columnIdentity(descriptor)),
    };
    return { samples, snapshot, charts: buildCharts(descriptor, history, snapshot.quotas), columns: history.series };
  } finally {
    await store.close();
  }
}

describe('history written by 0.1 is read into the descriptor model', () => {
  test('Browserless: isAvailable with and without `reason` is one series, every reading kept, the newest one latest', async () => {
    await withFolder(async (folder) => {
      const series = BROWSERLESS_SERIES.pressure.isAvailable;
      await writeOldDay(folder, 'old-bl', [
        `{"d":0,"s":"${series}","u":"state"}`,
        `{"d":1,"s":"${series}","u":"state","l":{"reason":"full"}}`,
        `{"d":2,"s":"${BROWSERLESS_SERIES.pressure.running}","u":"count"}`,
        `[0,${offset(0)},1]`,
        `[2,${offset(0)},2]`,
        `[1,${offset(1)},0]`,
        `[2,${offset(1)},10]`,
        `[0,${offset(7)},1]`,
        `[2,${offset(7)},3]`,
      ]);
      const { samples, snapshot, charts, columns } = await read(folder, 'old-bl', 'browserless');
      assert.equal(samples.length, 6, 'every stored reading is read');
      assert.equal(columns.filter((column) => column.series === series).length, 1);
      const chart = charts.find((entry) => entry.key === 'availability');
      assert.deepEqual(
        chart?.series.map((line) => [line.t, line.v]),
        [
          [
            [at(0), at(1), at(7)],
            [1, 0, 1],
          ],
        ],
      );
      const latest = snapshot.values.filter((row) => row.series === series);
      assert.deepEqual(
        latest.map((row) => [row.value, row.at]),
        [[1, at(7)]],
        'the 6-minute-old {reason=full} 0 is history, not a second latest value',
      );
      assert.equal(snapshot.quotas.find((quota) => quota.id === 'availability')?.level, 'ok');
    });
  });

  test('Browserbase: readings with the old `basis` label and without it are one series', async () => {
    await withFolder(async (folder) => {
      const series = 'browserbase.usage.browserMinutes';
      await writeOldDay(folder, 'old-bb', [
        `{"d":0,"s":"${series}","u":"minutes","l":{"basis":"reported usage","project":"p"}}`,
        `{"d":1,"s":"${series}","u":"minutes","l":{"project":"p"}}`,
        `[0,${offset(0)},100]`,
        `[0,${offset(3)},103]`,
        `[1,${offset(6)},110]`,
      ]);
      const { columns, charts, snapshot } = await read(folder, 'old-bb', 'browserbase');
      const column = columns.find((entry) => entry.series === series);
      assert.deepEqual([column?.t.length, column?.v], [3, [100, 103, 110]]);
      assert.deepEqual(charts.find((chart) => chart.key === 'reportedMinutes')?.series[0]?.v, [100, 103, 110]);
      assert.equal(snapshot.values.filter((row) => row.series === series).length, 1);
    });
  });

  test('an exporter’s untyped history: counters become rates and histograms quantiles, merged with typed readings', async () => {
    await withFolder(async (folder) => {
      await writeOldDay(folder, 'old-prom', [
        '{"d":0,"s":"http_requests_total","u":"none","l":{"code":"200"}}',
        '{"d":1,"s":"rt_seconds_bucket","u":"count","l":{"le":"0.5"}}',
        '{"d":2,"s":"rt_seconds_bucket","u":"count","l":{"le":"+Inf"}}',
        '{"d":3,"s":"rt_seconds_sum","u":"seconds"}',
        '{"d":4,"s":"rt_seconds_count","u":"count"}',
        // Written by this version: the same counter with its type.
        '{"d":5,"s":"http_requests_total","u":"none","l":{"__type__":"counter","code":"200"}}',
        `[0,${offset(0)},600]`,
        `[1,${offset(0)},10]`,
        `[2,${offset(0)},20]`,
        `[3,${offset(0)},4]`,
        `[4,${offset(0)},20]`,
        `[0,${offset(1)},1200]`,
        `[1,${offset(1)},50]`,
        `[2,${offset(1)},80]`,
        `[3,${offset(1)},20]`,
        `[4,${offset(1)},80]`,
        `[5,${offset(2)},1320]`,
      ]);
      const { charts, snapshot } = await read(folder, 'old-prom', 'prometheus');
      const requests = charts.find((chart) => chart.key === 'http_requests_total');
      assert.equal(requests?.unit, 'rate:second:none');
      assert.deepEqual(
        requests?.series.map((line) => line.v),
        [[null, 10, 2]],
        'one line across the old and the typed readings',
      );
      assert.deepEqual(
        charts.map((chart) => chart.key),
        ['http_requests_total', 'rt_seconds', 'rt_seconds#observations'],
        'no line per bucket, no ever-rising total',
      );
      const quantiles = charts.find((chart) => chart.key === 'rt_seconds');
      assert.equal(quantiles?.unit, 'seconds');
      assert.deepEqual(
        quantiles?.series.map((line) => line.label),
        ['p50', 'p95', 'p99'],
      );
      const rate = snapshot.values.find((row) => row.series === 'http_requests_total');
      assert.deepEqual([rate?.value, rate?.total], [2, 1320]);
    });
  });
});
