/**
 * Cost per tag this billing cycle: which sessions count (this project's, started in the cycle), each
 * rounded up to a whole minute and at least one, every value's share adding up to the whole, the
 * projection to the cycle's end at the pace so far (none too early), and a CSV a spreadsheet opens
 * safely: RFC 4180 quoting, and values starting with = + - @ never read as formulas.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  costPerTag,
  costPerTagCsv,
  costPerTagFileName,
  MIN_PROJECTION_ELAPSED_MS,
  sessionsInCycle,
  tagCostWords,
  type CycleSession,
} from '../../../src/shared/costPerTag';

const DAY = 24 * 60 * 60_000;
const MINUTE = 60_000;
const cycle = { start: Date.UTC(2025, 10, 1), end: Date.UTC(2025, 11, 1) };
/** Ten days into a thirty-day cycle: the pace so far triples by its end. */
const AT = cycle.start + 10 * DAY;

function session(startedAt: number, minutes: number | null, metadata: unknown, extra: Partial<CycleSession> = {}): CycleSession {
  return {
    status: minutes === null ? 'RUNNING' : 'COMPLETED',
    projectId: 'proj',
    startedAt: new Date(startedAt).toISOString(),
    endedAt: minutes === null ? null : new Date(startedAt + minutes * MINUTE).toISOString(),
    proxyBytes: 1000,
    userMetadata: metadata,
    ...extra,
  };
}

const sessions = [
  session(cycle.start + DAY, 2.5, { client: 'acme' }), // 3 billed minutes
  session(cycle.start + 2 * DAY, 0.1, { client: 'acme' }), // at least 1
  session(cycle.start + 3 * DAY, 6, { client: 'globex' }), // 6
  session(AT - 30 * MINUTE, null, { client: 'globex' }), // running for 30 minutes: 30
  session(cycle.start + 4 * DAY, 10, {}), // no value: 10
];

describe('which sessions the cycle counts', () => {
  test("this project's, started within the cycle; one that started before counts in its own cycle", () => {
    const counted = sessionsInCycle(
      [
        ...sessions,
        session(cycle.start - MINUTE, 60, { client: 'acme' }),
        session(cycle.end, 1, { client: 'acme' }),
        session(cycle.start + DAY, 1, { client: 'acme' }, { projectId: 'other' }),
        session(cycle.start + DAY, 1, { client: 'acme' }, { startedAt: null }),
      ],
      'proj',
      cycle,
    );
    assert.equal(counted.length, sessions.length);
  });
});

describe('cost per tag', () => {
  const report = costPerTag(sessions, ['client'], cycle, AT);

  test('minutes as billed per value, biggest first, untagged last; shares add up to the whole', () => {
    assert.deepEqual(
      report.buckets.map((bucket) => [bucket.label, bucket.sessions, bucket.minutes, bucket.running]),
      [
        ['globex', 2, 36, 1],
        ['acme', 2, 4, 0],
        ['(no value)', 1, 10, 0],
      ],
    );
    assert.equal(report.totals.minutes, 50);
    assert.deepEqual(
      report.buckets.map((bucket) => bucket.share),
      [0.72, 0.08, 0.2],
    );
  });

  test('projected to the end of the cycle at the pace so far: a third gone, three times the minutes', () => {
    assert.deepEqual(
      report.buckets.map((bucket) => bucket.projectedMinutes),
      [108, 12, 30],
    );
    assert.equal(report.totals.projectedMinutes, 150);
    assert.equal(report.projectionNote, undefined);
    assert.equal(tagCostWords(report.buckets[0]!, cycle, { timeZone: 'UTC' }), '36 billed min · 72 % · about 108 min by 30 Nov');
  });

  test('under an hour into the cycle there is no projection, and it says why; after the cycle, none beyond it', () => {
    const early = costPerTag([session(cycle.start + MINUTE, 2, { client: 'acme' })], ['client'], cycle, cycle.start + MIN_PROJECTION_ELAPSED_MS - 1);
    assert.equal(early.buckets[0]?.projectedMinutes, null);
    assert.match(early.projectionNote ?? '', /too early/);
    assert.equal(tagCostWords(early.buckets[0]!, cycle), '2 billed min · 100 %');
    const finished = sessions.filter((entry) => entry.endedAt);
    assert.equal(costPerTag(finished, ['client'], cycle, cycle.end + DAY).totals.projectedMinutes, 20, 'a finished cycle projects what it used');
  });

  test('nothing billed: no shares', () => {
    assert.deepEqual(costPerTag([], ['client'], cycle, AT).buckets, []);
  });
});

describe('the CSV export', () => {
  const hostile = costPerTag(
    [
      session(cycle.start + DAY, 1, { client: '=HYPERLINK("http://evil","click")' }),
      session(cycle.start + DAY, 1, { client: '+1-2' }),
      session(cycle.start + DAY, 1, { client: '-x' }),
      session(cycle.start + DAY, 1, { client: '@SUM(A1)' }),
      session(cycle.start + DAY, 1, { client: 'line\nbreak, "quoted"' }),
      session(cycle.start + DAY, 1, {}),
    ],
    ['client'],
    cycle,
    AT,
  );
  const csv = costPerTagCsv(hostile);
  const lines = csv.split('\r\n');

  test('RFC 4180: CRLF line ends, a header, quotes doubled, fields with commas or line breaks quoted', () => {
    assert.ok(csv.endsWith('\r\n'));
    assert.equal(
      lines[0],
      'tag key,tag value,tagged,sessions,billed minutes,share of minutes (%),projected minutes at cycle end,running now,sessions without a known duration,proxy bytes,cycle start,cycle end,as of',
    );
    assert.ok(
      csv.includes('client,"line\nbreak, ""quoted""",yes,1,1,16.67,3,0,0,1000,2025-11-01T00:00:00.000Z,2025-12-01T00:00:00.000Z,2025-11-11T00:00:00.000Z'),
    );
  });

  test('a value starting with = + - @ gets an apostrophe: it is text in a spreadsheet, never a formula', () => {
    assert.ok(csv.includes(`client,"'=HYPERLINK(""http://evil"",""click"")",yes,`));
    assert.ok(csv.includes("client,'+1-2,yes,"));
    assert.ok(csv.includes("client,'-x,yes,"));
    assert.ok(csv.includes("client,'@SUM(A1),yes,"));
    for (const line of lines.slice(1)) assert.doesNotMatch(line, /^[=+\-@]|,[=+\-@]/, line);
  });

  test('sessions without the key: an empty value marked untagged, so no real value can pass for them', () => {
    assert.ok(lines.some((line) => line.startsWith('client,,no,1,1,')));
  });

  test('the file name says connection, key and cycle, in safe characters only', () => {
    assert.equal(costPerTagFileName('bb-prod', { path: ['workflow', 'name'], cycle }), 'live-usage-bb-prod-cost-by-workflow-name-2025-11-01.csv');
    assert.equal(costPerTagFileName('bb', { path: ['../../etc/passwd'], cycle }), 'live-usage-bb-cost-by-etc-passwd-2025-11-01.csv');
  });
});
