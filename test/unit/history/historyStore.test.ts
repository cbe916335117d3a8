import assert from 'node:assert/strict';
import { appendFile, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseSegment } from '../../../src/history/format';
import { connectionPaths } from '../../../src/history/paths';
import type { Sample } from '../../../src/shared/samples';
import { capturingLog, DAY, fullFile, gauge, HOUR, lineCount, namesIn, NOON, openStore, run, withFolder, type Clock } from './support';

const MINUTE = 60_000;

describe('HistoryStore: round trip', () => {
  test('every field of a Sample comes back as it went in, NaN and ±Infinity included', async () => {
    await withFolder(async (folder) => {
      const clock: Clock = { now: NOON };
      const samples: Sample[] = [
        gauge('browserless.pressure.running', NOON - 5000, 3),
        { series: 'cerebras.latency', value: 1.25, unit: 'seconds', at: NOON - 4000, windowMs: MINUTE, labels: { statistic: 'p95', endpoint: 'chat' } },
        { series: 'browserless.metrics.running', value: null, unit: 'count', at: NOON - 3000, flags: ['invalidNegative'], rawValue: -2 },
        { series: 'prom.gauge', value: Number.NaN, unit: 'none', at: NOON - 2000 },
        { series: 'prom.gauge', value: Number.POSITIVE_INFINITY, unit: 'none', at: NOON - 1000, labels: { le: '+Inf' } },
        { series: 'prom.gauge', value: Number.NEGATIVE_INFINITY, unit: 'raw:widgets', at: NOON, flags: ['lowConfidence'], rawValue: Number.NaN },
      ];
      const store = await openStore(folder, clock);
      assert.deepEqual(await store.append('conn', samples), { written: 6, duplicates: 0, dropped: 0 });
      assert.deepEqual(await store.query('conn', { from: NOON - HOUR, to: NOON }), samples);
      await store.close();

      // And from disk, in a fresh store (another window).
      const reader = await openStore(folder, clock);
      assert.deepEqual(await reader.query('conn', { from: NOON - HOUR, to: NOON }), samples);
      assert.deepEqual(await reader.query('conn', { from: Number.NEGATIVE_INFINITY, to: Number.POSITIVE_INFINITY }), samples, 'open-ended ranges');
      assert.deepEqual(
        (await reader.query('conn', { from: NOON - 4000, to: NOON - 1000, series: ['prom.gauge'] })).map((sample) => sample.value),
        [Number.NaN, Number.POSITIVE_INFINITY],
        'bounds are inclusive and the series filter applies',
      );
      await reader.close();
    });
  });

  test('records are interned: a stored sample costs a fraction of its JSON', async () => {
    await withFolder(async (folder) => {
      const store = await openStore(folder, { now: NOON });
      const samples = run('browserless.pressure.running', NOON, 1000, 15_000, { region: 'sfo' });
      await store.append('conn', samples);
      const { size } = await stat(fullFile(folder, 'conn', '2024-05-10'));
      assert.ok(size < JSON.stringify(samples).length / 3, `${size} bytes on disk for ${JSON.stringify(samples).length} bytes of JSON`);
      await store.close();
    });
  });
});

describe('HistoryStore: duplicates', () => {
  test('a repeated sample is stored once, within a batch, across appends and across a reopen', async () => {
    await withFolder(async (folder) => {
      const clock: Clock = { now: NOON };
      // Browserless sends the same 5-minute period on every fetch.
      const periods = run('browserless.metrics.successful', NOON, 12, 5 * MINUTE).map((sample) => ({ ...sample, windowMs: 5 * MINUTE }));
      const store = await openStore(folder, clock);
      assert.deepEqual(await store.append('conn', [...periods, ...periods.slice(0, 3)]), { written: 12, duplicates: 3, dropped: 0 });
      assert.deepEqual(await store.append('conn', periods), { written: 0, duplicates: 12, dropped: 0 });
      const file = fullFile(folder, 'conn', '2024-05-10');
      const bytes = (await stat(file)).size;
      await store.close();

      const again = await openStore(folder, clock);
      assert.deepEqual(await again.append('conn', periods), { written: 0, duplicates: 12, dropped: 0 });
      assert.equal((await stat(file)).size, bytes, 'nothing appended after the reopen');
      assert.equal((await again.query('conn', { from: 0, to: NOON })).length, 12);
      await again.close();
    });
  });

  test('overlapping range queries store the overlap once (Northflank)', async () => {
    await withFolder(async (folder) => {
      const store = await openStore(folder, { now: NOON });
      // Each poll asks for the last 30 minutes, every 10 minutes.
      const range = (end: number) =>
        Array.from({ length: 30 }, (_unused, index) =>
          gauge('northflank.cpu', end - index * MINUTE, (end - index * MINUTE) / MINUTE, { labels: { container: 'abc' } }),
        );
      await store.append('nf', range(NOON - 10 * MINUTE));
      assert.deepEqual(await store.append('nf', range(NOON)), { written: 10, duplicates: 20, dropped: 0 });
      const stored = await store.query('nf', { from: 0, to: NOON });
      assert.equal(stored.length, 40);
      assert.equal(new Set(stored.map((sample) => sample.at)).size, 40);
      await store.close();
    });
  });

  test('a revised value (a Cerebras minute fetched twice) replaces the first, also after a reopen', async () => {
    await withFolder(async (folder) => {
      const clock: Clock = { now: NOON };
      const minute = NOON - MINUTE;
      const store = await openStore(folder, clock);
      await store.append('cb', [gauge('cerebras.requests', minute, 5, { labels: { endpoint: 'chat' } })]);
      assert.equal((await store.append('cb', [gauge('cerebras.requests', minute, 7, { labels: { endpoint: 'chat' } })])).written, 1);
      assert.deepEqual(
        (await store.query('cb', { from: 0, to: NOON })).map((sample) => sample.value),
        [7],
      );
      await store.close();

      const again = await openStore(folder, clock);
      assert.equal(
        (await again.append('cb', [gauge('cerebras.requests', minute, 7, { labels: { endpoint: 'chat' } })])).duplicates,
        1,
        'the revision is what a repeat is compared with',
      );
      assert.deepEqual(
        (await again.latest('cb')).map((sample) => sample.value),
        [7],
      );
      await again.close();
    });
  });

  test('samples older than the in-memory horizon are checked against their day file', async () => {
    await withFolder(async (folder) => {
      const clock: Clock = { now: NOON };
      // A first Browserless fetch returns days of periods; a reload fetches them all again.
      const backlog = run('browserless.metrics.units', NOON, 3 * 288, 5 * MINUTE);
      const store = await openStore(folder, clock);
      assert.equal((await store.append('bl', backlog)).written, backlog.length);
      assert.deepEqual(await store.append('bl', backlog), { written: 0, duplicates: backlog.length, dropped: 0 });
      await store.close();
      const again = await openStore(folder, clock);
      assert.deepEqual(await again.append('bl', backlog), { written: 0, duplicates: backlog.length, dropped: 0 });
      assert.equal((await again.query('bl', { from: 0, to: NOON })).length, backlog.length);
      await again.close();
    });
  });

  test('samples from the same series but other labels are not duplicates', async () => {
    await withFolder(async (folder) => {
      const store = await openStore(folder, { now: NOON });
      const result = await store.append('nf', [
        gauge('northflank.cpu', NOON, 1, { labels: { container: 'a' } }),
        gauge('northflank.cpu', NOON, 1, { labels: { container: 'b' } }),
        gauge('northflank.cpu', NOON, 1),
      ]);
      assert.equal(result.written, 3);
      await store.close();
    });
  });
});

describe('HistoryStore: retention and downsampling', () => {
  test('compact turns days past full resolution into min/max/mean/last buckets and deletes expired ones', async () => {
    await withFolder(async (folder) => {
      const clock: Clock = { now: NOON };
      const log = capturingLog();
      const store = await openStore(folder, clock, log);
      const oldDay = Date.UTC(2024, 4, 1); // 9 days before NOON: past full resolution, within the total
      // One value a minute; the first bucket holds 1..15 with a spike (and 0, revised to 15 below).
      const values = [1, 2, 3, 4, 5, 6, 7, 100, 9, 10, 11, 12, 13, 14, 0];
      const samples = values.map((value, index) => gauge('cpu', oldDay + index * MINUTE, value, { unit: 'percent' }));
      samples.push(gauge('cpu', oldDay + 20 * MINUTE, null, { unit: 'percent', flags: ['notANumber'] }));
      samples.push(gauge('cpu', oldDay + 5 * MINUTE, 50, { unit: 'percent', labels: { container: 'b' } }));
      // Revised value: only the last one counts in the bucket.
      samples.push(gauge('cpu', oldDay + 14 * MINUTE, 15, { unit: 'percent' }));
      assert.equal((await store.append('nf', samples)).written, 18, 'a past day without buckets still takes samples (backfill)');
      assert.equal((await store.append('nf', [gauge('cpu', NOON - 31 * DAY, 1)])).dropped, 1, 'older than the total: dropped');
      await store.append('nf', [gauge('cpu', NOON, 42, { unit: 'percent' })]);

      assert.deepEqual(await store.compact(), { downsampled: 1, deleted: 0 });
      assert.deepEqual(await namesIn(connectionPaths(folder, 'nf').full), ['2024-05-10.jsonl']);
      assert.deepEqual(await namesIn(connectionPaths(folder, 'nf').agg), ['2024-05-01.jsonl']);

      const old = await store.query('nf', { from: oldDay, to: oldDay + DAY });
      assert.deepEqual(old, [
        { series: 'cpu', value: 212 / 15, unit: 'percent', at: oldDay, aggregate: { bucketMs: 15 * MINUTE, count: 15, min: 1, max: 100, last: 15 } },
        {
          series: 'cpu',
          value: 50,
          unit: 'percent',
          at: oldDay,
          labels: { container: 'b' },
          aggregate: { bucketMs: 15 * MINUTE, count: 1, min: 50, max: 50, last: 50 },
        },
        {
          series: 'cpu',
          value: null,
          unit: 'percent',
          at: oldDay + 15 * MINUTE,
          flags: ['notANumber'],
          aggregate: { bucketMs: 15 * MINUTE, count: 0, min: null, max: null, last: null },
        },
      ]);
      assert.equal((await store.append('nf', [gauge('cpu', oldDay + HOUR, 1, { unit: 'percent' })])).dropped, 1, 'a downsampled day takes no more samples');
      assert.deepEqual(await store.compact(), { downsampled: 0, deleted: 0 }, 'compact is idempotent');

      clock.now = oldDay + 31 * DAY + HOUR;
      assert.deepEqual(await store.compact(), { downsampled: 1, deleted: 1 }, 'the buckets expire; today becomes old enough to downsample');
      assert.deepEqual(await namesIn(connectionPaths(folder, 'nf').agg), ['2024-05-10.jsonl']);
      assert.deepEqual(log.warnings, []);
      await store.close();
    });
  });

  test('a query spans days and tiers in order, without overlap, and honours the bounds', async () => {
    await withFolder(async (folder) => {
      const clock: Clock = { now: NOON };
      const store = await openStore(folder, clock);
      // One sample every 10 minutes for ten days, up to NOON.
      const samples = run('browserbase.usage', NOON, 10 * 144, 10 * MINUTE);
      await store.append('bb', samples);
      await store.compact();
      const full = await namesIn(connectionPaths(folder, 'bb').full);
      const agg = await namesIn(connectionPaths(folder, 'bb').agg);
      assert.equal(full[0], '2024-05-03.jsonl', 'seven whole days and today at full resolution');
      assert.deepEqual(agg, ['2024-04-30.jsonl', '2024-05-01.jsonl', '2024-05-02.jsonl']);

      const all = await store.query('bb', { from: 0, to: NOON });
      const ats = all.map((sample) => sample.at);
      assert.deepEqual(
        ats,
        [...ats].sort((a, b) => a - b),
        'oldest first',
      );
      assert.equal(new Set(ats).size, ats.length, 'no time twice');
      const boundary = Date.UTC(2024, 4, 3);
      assert.ok(all.filter((sample) => sample.at < boundary).every((sample) => sample.aggregate !== undefined));
      assert.ok(all.filter((sample) => sample.at >= boundary).every((sample) => sample.aggregate === undefined));
      assert.equal(all.filter((sample) => sample.aggregate === undefined).length, samples.filter((sample) => sample.at >= boundary).length);
      // 10-minute samples fall two or one to a 15-minute bucket; the means are of the raw values.
      const raw = new Map(samples.map((sample) => [sample.at, sample.value ?? Number.NaN]));
      const bucket = all.find((sample) => sample.at === Date.UTC(2024, 4, 2, 0, 0));
      const inBucket = [raw.get(Date.UTC(2024, 4, 2, 0, 0)), raw.get(Date.UTC(2024, 4, 2, 0, 10))] as number[];
      assert.deepEqual(bucket?.aggregate, { bucketMs: 15 * MINUTE, count: 2, min: inBucket[0], max: inBucket[1], last: inBucket[1] });
      assert.equal(bucket?.value, ((inBucket[0] ?? 0) + (inBucket[1] ?? 0)) / 2);
      assert.equal(all.find((sample) => sample.at === Date.UTC(2024, 4, 2, 0, 15))?.aggregate?.count, 1);

      const acrossMidnight = await store.query('bb', { from: Date.UTC(2024, 4, 8, 23, 40), to: Date.UTC(2024, 4, 9, 0, 20) });
      assert.deepEqual(
        acrossMidnight.map((sample) => new Date(sample.at).toISOString().slice(11, 16)),
        ['23:40', '23:50', '00:00', '00:10', '00:20'],
      );
      assert.deepEqual(await store.query('bb', { from: NOON, to: NOON - 1 }), []);
      assert.deepEqual(await store.query('bb', { from: 0, to: NOON, series: [] }), []);
      assert.deepEqual(await store.query('nothing-here', { from: 0, to: NOON }), []);
      await store.close();
    });
  });

  test('a query with bucketMs summarizes both tiers into buckets of that length', async () => {
    await withFolder(async (folder) => {
      const store = await openStore(folder, { now: NOON });
      const samples = run('browserbase.usage', NOON, 10 * 144, 10 * MINUTE);
      await store.append('bb', samples);
      await store.compact();
      const raw = new Map(samples.map((sample) => [sample.at, sample.value ?? Number.NaN]));
      const expectHour = (start: number) => {
        const values = Array.from({ length: 6 }, (_unused, index) => raw.get(start + index * 10 * MINUTE) ?? Number.NaN);
        return { count: 6, min: Math.min(...values), max: Math.max(...values), last: values[5], mean: values.reduce((sum, value) => sum + value, 0) / 6 };
      };

      const hourly = await store.query('bb', { from: Date.UTC(2024, 4, 2, 22, 30), to: Date.UTC(2024, 4, 3, 1, 59), bucketMs: HOUR });
      assert.deepEqual(
        hourly.map((sample) => new Date(sample.at).toISOString().slice(8, 16)),
        ['02T22:00', '02T23:00', '03T00:00', '03T01:00'],
        'from is rounded down to the hour; downsampled and full-resolution days alike',
      );
      for (const sample of hourly) {
        const { mean, ...aggregate } = expectHour(sample.at);
        assert.deepEqual(sample.aggregate, { bucketMs: HOUR, ...aggregate }, new Date(sample.at).toISOString());
        assert.ok(Math.abs((sample.value ?? Number.NaN) - mean) < 1e-9);
      }
      const fine = await store.query('bb', { from: Date.UTC(2024, 4, 2, 23, 0), to: Date.UTC(2024, 4, 2, 23, 59), bucketMs: 5 * MINUTE });
      assert.deepEqual(
        fine.map((sample) => sample.aggregate?.bucketMs),
        [15 * MINUTE, 15 * MINUTE, 15 * MINUTE, 15 * MINUTE],
        'stored buckets are not split finer than they are',
      );
      await assert.rejects(store.query('bb', { from: 0, to: NOON, bucketMs: 7 * MINUTE }), RangeError);
      await store.close();
    });
  });

  test('a day left at full resolution beside its buckets (a crash between the two) is read once and finished by compact', async () => {
    await withFolder(async (folder) => {
      const clock: Clock = { now: NOON };
      const store = await openStore(folder, clock);
      const oldDay = Date.UTC(2024, 4, 1);
      await store.append('nf', run('cpu', oldDay + HOUR, 60, MINUTE));
      const file = fullFile(folder, 'nf', '2024-05-01');
      const dayBytes = await readFile(file);
      assert.deepEqual(await store.compact(), { downsampled: 1, deleted: 0 });
      // As if the process died after writing the buckets and before deleting the day.
      await writeFile(file, dayBytes);
      const again = await openStore(folder, clock);
      assert.equal((await again.query('nf', { from: 0, to: NOON })).length, 60, 'the full-resolution day wins over its buckets');
      assert.deepEqual(await again.compact(NOON, ['nf']), { downsampled: 1, deleted: 0 });
      assert.equal((await again.query('nf', { from: 0, to: NOON })).length, 5, 'the buckets, once');
      assert.deepEqual(await namesIn(connectionPaths(folder, 'nf').agg), ['2024-05-01.jsonl']);
      await store.close();
      await again.close();
    });
  });

  test('a total shorter than full resolution does not cut full resolution short', async () => {
    await withFolder(async (folder) => {
      const clock: Clock = { now: NOON - 2 * DAY };
      const store = await openStore(folder, clock, capturingLog(), { fullResolutionDays: 3, downsampledDays: 1 });
      assert.equal((await store.append('x', run('cpu', NOON - 2 * DAY, 3 * 24, HOUR))).written, 3 * 24);
      clock.now = NOON;
      assert.deepEqual(await store.compact(), { downsampled: 0, deleted: 2 });
      assert.equal((await store.query('x', { from: 0, to: NOON })).at(0)?.at, Date.UTC(2024, 4, 7));
      await store.close();
    });
  });
});

describe('HistoryStore: latest', () => {
  test('the newest sample of each series+labels near the newest stored one', async () => {
    await withFolder(async (folder) => {
      const clock: Clock = { now: NOON };
      const store = await openStore(folder, clock);
      await store.append('bl', [
        gauge('running', NOON - 3 * DAY, 9), // stopped three days ago: not current
        gauge('gone', NOON - 3 * DAY, 1),
        ...run('running', NOON - HOUR, 5, MINUTE),
        gauge('queued', NOON - 30 * HOUR, 2),
        gauge('cpu', NOON - 2 * MINUTE, 10, { labels: { container: 'a' } }),
        gauge('cpu', NOON - MINUTE, 20, { labels: { container: 'b' } }),
      ]);
      await store.append('bl', [gauge('cpu', NOON - 2 * MINUTE, 11, { labels: { container: 'a' } })]);
      const latest = await store.latest('bl');
      assert.deepEqual(
        latest.map((sample) => [sample.series, sample.labels?.container, sample.value, sample.at]),
        [
          ['cpu', 'a', 11, NOON - 2 * MINUTE],
          ['cpu', 'b', 20, NOON - MINUTE],
          ['running', undefined, 4, NOON - HOUR],
        ],
      );
      assert.equal((await store.latest('bl', { withinMs: 4 * DAY })).length, 5);
      assert.deepEqual(await store.latest('nobody'), []);
      await store.close();
    });
  });
});

describe('HistoryStore: concurrent reader, torn and corrupt files', () => {
  test('a reader in another window sees whole samples while the writer appends', async () => {
    await withFolder(async (folder) => {
      const clock: Clock = { now: NOON };
      const writerLog = capturingLog();
      const readerLog = capturingLog();
      const writer = await openStore(folder, clock, writerLog);
      const reader = await openStore(folder, clock, readerLog);
      const batches = Array.from({ length: 60 }, (_unused, batch) =>
        Array.from({ length: 50 }, (_u, index) => gauge(`s${index % 5}`, NOON - HOUR + batch * 1000 + index, batch * 1000 + index)),
      );
      let writing = true;
      const appending = (async () => {
        for (const batch of batches) await writer.append('w', batch);
        writing = false;
      })();
      let previous = 0;
      let reads = 0;
      while (writing || reads === 0) {
        const seen = await reader.query('w', { from: 0, to: NOON });
        assert.ok(seen.length >= previous, 'never fewer than before');
        for (const sample of seen) assert.equal(sample.value, sample.at - (NOON - HOUR), 'every sample whole and right');
        previous = seen.length;
        reads++;
      }
      await appending;
      assert.equal((await reader.query('w', { from: 0, to: NOON })).length, 3000);
      assert.deepEqual([...writerLog.warnings, ...readerLog.warnings], []);
      await writer.close();
      await reader.close();
    });
  });

  for (const [name, tail] of [
    ['half a line', '[0,4321'],
    ['a line of zeros left by a power cut', '\0\0\0\0\0\0\n'],
  ] as const) {
    test(`a torn last line (${name}): readers skip it, the writer cuts it off, nothing earlier is lost`, async () => {
      await withFolder(async (folder) => {
        const clock: Clock = { now: NOON };
        const first = await openStore(folder, clock);
        const before = run('running', NOON - MINUTE, 20, 1000);
        await first.append('bl', before);
        await first.close();
        const file = fullFile(folder, 'bl', '2024-05-10');
        await appendFile(file, tail);
        const tornBytes = await readFile(file);

        const readerLog = capturingLog();
        const reader = await openStore(folder, clock, readerLog);
        assert.deepEqual(await reader.query('bl', { from: 0, to: NOON }), before);
        assert.deepEqual(readerLog.warnings, [], 'a partial last line is a write in progress to a reader, not damage');
        assert.deepEqual(await readFile(file), tornBytes, 'readers never modify files');

        const writerLog = capturingLog();
        const writer = await openStore(folder, clock, writerLog);
        await writer.append('bl', [gauge('running', NOON, 99)]);
        assert.deepEqual(await reader.query('bl', { from: 0, to: NOON }), [...before, gauge('running', NOON, 99)]);
        const parsed = parseSegment(await readFile(file), 'full');
        assert.equal(parsed.tornTail, false);
        assert.deepEqual(parsed.badLines, [], 'the new line did not glue onto the torn one');
        assert.deepEqual(writerLog.warnings, []);
        assert.match(writerLog.infos.join('\n'), /2024-05-10\.jsonl ended in a partial line/);
        assert.deepEqual(
          (await namesIn(connectionPaths(folder, 'bl').full)).filter((name) => name.includes('corrupt')),
          [],
        );
        await writer.close();
        await reader.close();
      });
    });
  }

  test('a corrupt line in the middle: readers skip it and warn; the writer sets the file aside and keeps the good lines', async () => {
    await withFolder(async (folder) => {
      const clock: Clock = { now: NOON };
      const first = await openStore(folder, clock);
      const samples = run('running', NOON - MINUTE, 10, 1000);
      await first.append('bl', samples);
      await first.close();
      const file = fullFile(folder, 'bl', '2024-05-10');
      const lines = (await readFile(file, 'utf8')).split('\n');
      // Line 1 header, line 2 descriptor, lines 3.. records: damage the record of samples[3].
      lines[5] = '[0,43141000,3'; // the bytes a disk error might leave
      const damaged = lines.join('\n');
      await writeFile(file, damaged);
      const expected = samples.filter((_sample, index) => index !== 3);

      const readerLog = capturingLog();
      const reader = await openStore(folder, clock, readerLog);
      assert.deepEqual(await reader.query('bl', { from: 0, to: NOON }), expected);
      assert.equal(readerLog.warnings.length, 1);
      assert.match(readerLog.warnings[0] ?? '', /2024-05-10\.jsonl has an unreadable line 6 \(not JSON\)/);
      await reader.query('bl', { from: 0, to: NOON });
      assert.equal(readerLog.warnings.length, 1, 'warned once, not on every query');
      assert.equal(await readFile(file, 'utf8'), damaged, 'a reader leaves the file to the writer');

      const writerLog = capturingLog();
      const writer = await openStore(folder, clock, writerLog);
      await writer.append('bl', [gauge('running', NOON, 99)]);
      const aside = (await namesIn(connectionPaths(folder, 'bl').full)).filter((name) => name.startsWith('2024-05-10.jsonl.corrupt-'));
      assert.equal(aside.length, 1, 'set aside beside the day file');
      assert.equal(await readFile(join(connectionPaths(folder, 'bl').full, aside[0] ?? ''), 'utf8'), damaged, 'the damaged bytes are kept as they were');
      assert.equal(writerLog.warnings.length, 1);
      assert.match(
        writerLog.warnings[0] ?? '',
        /2024-05-10\.jsonl has an unreadable line 6.*set aside as .*2024-05-10\.jsonl\.corrupt-.*9 readable record\(s\) kept/,
      );
      assert.deepEqual(await reader.query('bl', { from: 0, to: NOON }), [...expected, gauge('running', NOON, 99)]);
      assert.deepEqual(parseSegment(await readFile(file), 'full').badLines, []);

      // The set-aside copy goes when its day expires.
      clock.now = NOON + 31 * DAY;
      await writer.compact();
      assert.deepEqual(await namesIn(connectionPaths(folder, 'bl').full), []);
      await writer.close();
      await reader.close();
    });
  });

  test('a corrupt file found by a query in the writing window is repaired there', async () => {
    await withFolder(async (folder) => {
      const clock: Clock = { now: NOON };
      const log = capturingLog();
      const store = await openStore(folder, clock, log);
      await store.append('bl', run('running', NOON - 2 * DAY, 10, 1000));
      await store.append('bl', [gauge('running', NOON, 1)]);
      const file = fullFile(folder, 'bl', '2024-05-08');
      await appendFile(file, 'garbage\n[0,1000,1]\n');
      assert.equal((await store.query('bl', { from: 0, to: NOON })).length, 12, 'ten, the good line after the bad one, and today');
      assert.match(log.warnings.join('\n'), /2024-05-08\.jsonl has an unreadable line 13.*set aside/);
      assert.equal(await lineCount(file), 13, 'header, descriptor, eleven records');
      await store.close();
    });
  });

  test('a file damaged twice at the same moment is set aside twice, the first copy kept', async () => {
    await withFolder(async (folder) => {
      const clock: Clock = { now: NOON };
      const log = capturingLog();
      const file = fullFile(folder, 'bl', '2024-05-10');
      for (let round = 0; round < 2; round++) {
        const store = await openStore(folder, clock, log);
        await store.append('bl', [gauge('running', NOON - 1000 * (round + 1), round)]);
        await store.close();
        await appendFile(file, `damage ${round}\n[0,1,1]\n`);
        const writer = await openStore(folder, clock, log);
        await writer.append('bl', [gauge('running', NOON, 99)]);
        await writer.close();
      }
      const aside = (await namesIn(connectionPaths(folder, 'bl').full)).filter((name) => name.includes('.corrupt-'));
      assert.equal(aside.length, 2, aside.join(', '));
      const contents = await Promise.all(aside.map((name) => readFile(join(connectionPaths(folder, 'bl').full, name), 'utf8')));
      assert.ok(contents[0]?.includes('damage 0') && !contents[0].includes('damage 1'), 'the first copy is intact');
      assert.ok(contents[1]?.includes('damage 1'), 'the second copy has a name of its own');
      assert.equal(log.warnings.length, 2);
    });
  });

  test('two windows taking turns as writer (a poller handoff) never corrupt a file', async () => {
    await withFolder(async (folder) => {
      const clock: Clock = { now: NOON };
      const log = capturingLog();
      const a = await openStore(folder, clock, log);
      const b = await openStore(folder, clock, log);
      await a.append('x', [gauge('one', NOON - 3000, 1)]);
      await b.append('x', [gauge('two', NOON - 2000, 2), gauge('one', NOON - 3000, 1)]);
      // `a` still holds interned ids from before `b` wrote: it must notice and reload, not reuse them.
      await a.append('x', [gauge('three', NOON - 1000, 3), gauge('two', NOON - 2000, 2)]);
      const parsed = parseSegment(await readFile(fullFile(folder, 'x', '2024-05-10')), 'full');
      assert.deepEqual(parsed.badLines, []);
      assert.deepEqual(
        (await b.query('x', { from: 0, to: NOON })).map((sample) => [sample.series, sample.value]),
        [
          ['one', 1],
          ['two', 2],
          ['three', 3],
        ],
      );
      assert.equal(parsed.records.length, 3, 'each sample stored once');
      assert.deepEqual(log.warnings, []);
      await a.close();
      await b.close();
    });
  });
});

describe('HistoryStore: ids, input and lifecycle', () => {
  test('connection ids that could escape the folder are refused before any file is touched', async () => {
    await withFolder(async (folder) => {
      const store = await openStore(folder, { now: NOON });
      for (const id of ['..', '../x', 'a/b', 'a\\b', '', '.hidden', 'x'.repeat(65), 'a b', 'c:', '-x']) {
        await assert.rejects(store.append(id, [gauge('s', NOON, 1)]), TypeError, id);
        await assert.rejects(store.query(id, { from: 0, to: NOON }), TypeError, id);
        await assert.rejects(store.removeConnection(id), TypeError, id);
      }
      assert.deepEqual(await namesIn(folder), []);
      await store.close();
    });
  });

  test('ids differing only in case, and Windows device names, get folders of their own', async () => {
    await withFolder(async (folder) => {
      const store = await openStore(folder, { now: NOON });
      await store.append('Prod', [gauge('s', NOON, 1)]);
      await store.append('prod', [gauge('s', NOON, 2)]);
      await store.append('con', [gauge('s', NOON, 3)]);
      assert.deepEqual(await namesIn(folder), ['+prod', 'con+', 'prod']);
      assert.deepEqual(await store.storedConnectionIds(), ['Prod', 'con', 'prod']);
      assert.equal((await store.query('Prod', { from: 0, to: NOON }))[0]?.value, 1);
      assert.equal((await store.query('prod', { from: 0, to: NOON }))[0]?.value, 2);
      await store.close();
    });
  });

  test('malformed or far-future samples are dropped with a log line, the rest stored', async () => {
    await withFolder(async (folder) => {
      const log = capturingLog();
      const store = await openStore(folder, { now: NOON }, log);
      const bad = [
        { series: '', value: 1, unit: 'count', at: NOON },
        { series: 's', value: 1, unit: 'count', at: Number.NaN },
        { series: 's', value: '3', unit: 'count', at: NOON },
        gauge('s', NOON + 2 * DAY, 1),
      ] as unknown as Sample[];
      assert.deepEqual(await store.append('x', [...bad, gauge('s', NOON, 1)]), { written: 1, duplicates: 0, dropped: 4 });
      assert.match(log.warnings.join('\n'), /History of x: 4 sample\(s\) not stored/);
      await store.close();
    });
  });

  test('removeConnection deletes the history; close refuses later work', async () => {
    await withFolder(async (folder) => {
      const store = await openStore(folder, { now: NOON });
      await store.append('gone', [gauge('s', NOON, 1)]);
      await store.removeConnection('gone');
      assert.deepEqual(await namesIn(folder), []);
      assert.deepEqual(await store.query('gone', { from: 0, to: NOON }), []);
      const pending = store.append('kept', [gauge('s', NOON, 1)]);
      await store.close();
      assert.equal((await pending).written, 1, 'close waits for pending appends');
      await assert.rejects(store.append('kept', [gauge('s', NOON, 2)]), /closed/);
    });
  });
});
