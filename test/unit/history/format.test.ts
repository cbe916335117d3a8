import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { downsample, lastWins, mergeBuckets } from '../../../src/history/downsample';
import {
  describeSample,
  encodeDescriptor,
  encodeFullRecord,
  encodeHeader,
  parseSegment,
  payloadOf,
  type AggregateRecord,
  type FullRecord,
} from '../../../src/history/format';
import {
  assertConnectionId,
  connectionFolderName,
  connectionIdOfFolder,
  dayOfSegmentFile,
  dayOfSetAsideFile,
  segmentFileName,
} from '../../../src/history/paths';

const DAY_START = Date.UTC(2024, 4, 10);

function segment(...lines: string[]): Buffer {
  return Buffer.from(lines.join(''), 'utf8');
}

const header = encodeHeader('full', DAY_START);
const cpu = { ...describeSample({ series: 'cpu', unit: 'percent' }), id: 0 };
const descriptorLine = encodeDescriptor(cpu);
const record = (offset: number, value: number | null) => encodeFullRecord(0, offset, payloadOf(value, undefined, undefined));

describe('history line format', () => {
  test('a clean file parses completely, by the fast path and line by line alike', () => {
    const clean = parseSegment(segment(header, descriptorLine, record(0, 1), record(1000, Number.NaN)), 'full');
    assert.equal(clean.tornTail, false);
    assert.deepEqual(clean.badLines, []);
    assert.deepEqual(
      clean.records.map((entry) => [entry.offset, entry.value]),
      [
        [0, 1],
        [1000, Number.NaN],
      ],
    );
    assert.equal(clean.header?.day, '2024-05-10');
  });

  test('a partial last line is a torn tail, and validBytes ends at the last whole line', () => {
    const whole = segment(header, descriptorLine, record(0, 1));
    const torn = parseSegment(Buffer.concat([whole, Buffer.from('[0,10')]), 'full');
    assert.equal(torn.tornTail, true);
    assert.deepEqual(torn.badLines, []);
    assert.equal(torn.validBytes, whole.length);
    assert.equal(torn.records.length, 1);
  });

  test('an unreadable complete last line is a torn tail too; one before it is damage', () => {
    const whole = segment(header, descriptorLine, record(0, 1));
    const garbageLast = parseSegment(Buffer.concat([whole, Buffer.from('\0\0\0\n')]), 'full');
    assert.equal(garbageLast.tornTail, true);
    assert.equal(garbageLast.validBytes, whole.length);
    assert.deepEqual(garbageLast.badLines, []);

    const garbageMiddle = parseSegment(segment(header, descriptorLine, '{"d":\n', record(0, 1)), 'full');
    assert.equal(garbageMiddle.tornTail, false);
    assert.deepEqual(garbageMiddle.badLines, [{ line: 3, reason: 'not JSON' }]);
    assert.equal(garbageMiddle.records.length, 1, 'lines after the damage are still read');
  });

  test('lines that are JSON but not history are damage, with a reason', () => {
    const parsed = parseSegment(
      segment(header, descriptorLine, '[7,0,1]\n', '[0,90000000,1]\n', '[0,5,"x"]\n', '{"d":0,"s":"cpu","u":"percent"}\n', '"hello"\n', '[0,1,2]\n'),
      'full',
    );
    assert.deepEqual(
      parsed.badLines.map((bad) => bad.reason),
      ['refers to unknown descriptor 7', 'time offset out of range', 'value is not a number', 'descriptor 0 defined twice', 'neither record nor descriptor'],
    );
    assert.equal(parsed.records.length, 1);
  });

  test('a damaged header costs only the header line', () => {
    const parsed = parseSegment(segment('{"h":1,"tier":"fu\n', descriptorLine, record(0, 1)), 'full');
    assert.deepEqual(parsed.badLines, [{ line: 1, reason: 'not JSON' }]);
    assert.equal(parsed.records.length, 1);
  });

  test('a file from a newer format version is recognised and not interpreted', () => {
    const parsed = parseSegment(segment('{"h":2,"whatever":true}\n', '["new", "shape"]\n'), 'full');
    assert.equal(parsed.unsupportedVersion, 2);
    assert.deepEqual(parsed.records, []);
  });

  test('labels are canonical: the same set in any order is one descriptor', () => {
    const a = describeSample({ series: 's', unit: 'count', labels: { b: '1', a: '2' } });
    const b = describeSample({ series: 's', unit: 'count', labels: { a: '2', b: '1' } });
    assert.equal(a.seriesKey, b.seriesKey);
    assert.notEqual(a.seriesKey, describeSample({ series: 's', unit: 'count', labels: { a: '2' } }).seriesKey);
    assert.notEqual(a.descriptorKey, describeSample({ series: 's', unit: 'percent', labels: { a: '2', b: '1' } }).descriptorKey);
    assert.equal(a.seriesKey, describeSample({ series: 's', unit: 'percent', labels: { a: '2', b: '1' } }).seriesKey, 'dedupe ignores the unit');
  });
});

describe('history downsampling', () => {
  const full = (offset: number, value: number | null, extra: Partial<FullRecord> = {}): FullRecord => ({ descriptor: cpu, offset, value, ...extra });

  test('last write wins per series and time', () => {
    const records = [full(0, 1), full(1, 2), full(0, 3)];
    assert.deepEqual(
      lastWins(records).map((entry) => entry.value),
      [2, 3],
    );
  });

  test('min, max, mean and last per bucket; NaN and null are not values, flags carry over', () => {
    const buckets = downsample(
      [
        full(60_000, 4),
        full(0, 2),
        full(120_000, Number.NaN),
        full(180_000, null, { flags: ['invalidNegative'] }),
        full(900_000, -1),
        full(960_000, 5, { flags: ['lowConfidence'] }),
      ],
      900_000,
    );
    assert.deepEqual(
      buckets.map(({ offset, count, min, max, mean, last, flags }) => ({ offset, count, min, max, mean, last, flags })),
      [
        { offset: 0, count: 2, min: 2, max: 4, mean: 3, last: 4, flags: ['invalidNegative'] },
        { offset: 900_000, count: 2, min: -1, max: 5, mean: 2, last: 5, flags: ['lowConfidence'] },
      ],
    );
  });
});

describe('history bucket merging', () => {
  test('coarser buckets weight means by count; empty buckets add only their flags', () => {
    const bucket = (
      offset: number,
      count: number,
      min: number | null,
      max: number | null,
      mean: number | null,
      last: number | null,
      flags?: AggregateRecord['flags'],
    ): AggregateRecord => ({ descriptor: cpu, offset, count, min, max, mean, last, ...(flags ? { flags } : {}) });
    const merged = mergeBuckets(
      [
        bucket(0, 2, 1, 3, 2, 3),
        bucket(900_000, 1, 10, 10, 10, 10),
        bucket(1_800_000, 0, null, null, null, null, ['notANumber']),
        bucket(2_700_000, 0, null, null, null, null),
      ],
      1_800_000,
    );
    assert.deepEqual(
      merged.map(({ offset, count, min, max, mean, last, flags }) => ({ offset, count, min, max, mean, last, flags })),
      [
        { offset: 0, count: 3, min: 1, max: 10, mean: 14 / 3, last: 10, flags: undefined },
        { offset: 1_800_000, count: 0, min: null, max: null, mean: null, last: null, flags: ['notANumber'] },
      ],
    );
  });
});

describe('history paths', () => {
  test('only setting-shaped ids are accepted', () => {
    for (const id of ['prod', 'A1', 'my-conn_2', 'x'.repeat(64)]) assert.doesNotThrow(() => assertConnectionId(id));
    for (const id of ['', '..', '../etc', 'a/b', 'a\\b', 'x'.repeat(65), '_x', 'a.b', 'é']) assert.throws(() => assertConnectionId(id), TypeError, id);
  });

  test('folder names are case-safe and reversible', () => {
    for (const id of ['prod', 'Prod', 'PROD', 'con', 'CON', 'Lpt1', 'nul-2', 'a_B-c']) {
      const name = connectionFolderName(id);
      assert.equal(connectionIdOfFolder(name), id, `${id} -> ${name}`);
      assert.match(name, /^[a-z0-9_+-]+$/);
    }
    assert.equal(new Set(['prod', 'Prod', 'pRod'].map((id) => connectionFolderName(id).toLowerCase())).size, 3);
    assert.equal(connectionIdOfFolder('+Prod'), undefined, 'a name this code would not write is not an id');
    assert.equal(connectionIdOfFolder('con'), undefined);
  });

  test('day files are named by UTC day', () => {
    assert.equal(segmentFileName(DAY_START + 23 * 3_600_000), '2024-05-10.jsonl');
    assert.equal(dayOfSegmentFile('2024-05-10.jsonl'), DAY_START);
    assert.equal(dayOfSegmentFile('2024-02-30.jsonl'), undefined);
    assert.equal(dayOfSegmentFile('2024-05-10.jsonl.tmp-1-ab'), undefined);
    assert.equal(dayOfSetAsideFile('2024-05-10.jsonl.corrupt-2024-05-11T10-00-00-000Z'), DAY_START);
  });
});
