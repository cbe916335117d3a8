/**
 * The sessions table's order and cells: every column sorts both ways, unknown durations stay last,
 * ties keep newest first, a header click flips or starts at the column's natural order; metadata reads
 * as key = value pairs; results survive the trip as columns.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { tagsProblem } from '../../../src/shared/metadataQuery';
import { fromSessionColumns, toSessionColumns, type SessionRow } from '../../../src/shared/sessionColumns';
import { metadataEntries, nextSort, SESSION_COLUMNS, sessionCells, sortSessions } from '../../../src/shared/sessionTable';

const NOW = Date.parse('2026-11-23T12:00:00Z');
const at = (minutesAgo: number) => new Date(NOW - minutesAgo * 60_000).toISOString();

function row(id: string, fields: Partial<SessionRow> = {}): SessionRow {
  return {
    id,
    status: 'COMPLETED',
    region: 'us-west-2',
    createdAt: at(10),
    startedAt: at(10),
    endedAt: at(5),
    proxyBytes: 0,
    keepAlive: false,
    userMetadata: null,
    ...fields,
  };
}

const rows = [
  row('b', { createdAt: at(30), startedAt: at(30), endedAt: at(20), proxyBytes: 500, region: 'eu-central-1', userMetadata: { client: 'zeta' } }),
  row('a', { createdAt: at(5), startedAt: at(5), endedAt: null, status: 'RUNNING', proxyBytes: 2000, userMetadata: { client: 'acme' } }),
  row('c', { createdAt: at(60), startedAt: null, endedAt: null, status: 'ERROR', proxyBytes: 10 }),
];
const ids = (list: readonly SessionRow[]) => list.map((r) => r.id);

describe('sorting sessions', () => {
  test('newest first by default, and by each column both ways', () => {
    assert.deepEqual(ids(sortSessions(rows, { column: 'created', direction: 'descending' }, NOW)), ['a', 'b', 'c']);
    assert.deepEqual(ids(sortSessions(rows, { column: 'created', direction: 'ascending' }, NOW)), ['c', 'b', 'a']);
    assert.deepEqual(ids(sortSessions(rows, { column: 'proxy', direction: 'descending' }, NOW)), ['a', 'b', 'c']);
    assert.deepEqual(ids(sortSessions(rows, { column: 'region', direction: 'ascending' }, NOW)), ['b', 'a', 'c']);
    assert.deepEqual(ids(sortSessions(rows, { column: 'status', direction: 'ascending' }, NOW)), ['b', 'c', 'a']);
    assert.deepEqual(ids(sortSessions(rows, { column: 'metadata', direction: 'ascending' }, NOW)), ['c', 'a', 'b']);
  });

  test('a session without a known duration is last whichever way', () => {
    // b ran 10 min, a runs for 5 min so far, c never started.
    assert.deepEqual(ids(sortSessions(rows, { column: 'duration', direction: 'descending' }, NOW)), ['b', 'a', 'c']);
    assert.deepEqual(ids(sortSessions(rows, { column: 'duration', direction: 'ascending' }, NOW)), ['a', 'b', 'c']);
  });

  test('any input: a permutation, ordered by the key, stable on ties', () => {
    const arbitraryRow = fc
      .record({ id: fc.uuid(), proxyBytes: fc.nat(5), minutesAgo: fc.nat(100) })
      .map((r) => row(r.id, { proxyBytes: r.proxyBytes, createdAt: at(r.minutesAgo) }));
    fc.assert(
      fc.property(fc.uniqueArray(arbitraryRow, { selector: (r) => r.id, maxLength: 40 }), (list) => {
        const sorted = sortSessions(list, { column: 'proxy', direction: 'ascending' }, NOW);
        assert.deepEqual([...ids(sorted)].sort(), [...ids(list)].sort());
        for (let i = 1; i < sorted.length; i++) {
          const [p, q] = [sorted[i - 1] as SessionRow, sorted[i] as SessionRow];
          assert.ok(p.proxyBytes < q.proxyBytes || (p.proxyBytes === q.proxyBytes && Date.parse(p.createdAt) >= Date.parse(q.createdAt)));
        }
      }),
    );
  });

  test('a header click flips the column, a new column starts at its natural order', () => {
    assert.deepEqual(nextSort({ column: 'created', direction: 'descending' }, 'created'), { column: 'created', direction: 'ascending' });
    assert.deepEqual(nextSort({ column: 'created', direction: 'descending' }, 'proxy'), { column: 'proxy', direction: 'descending' });
    assert.deepEqual(nextSort({ column: 'proxy', direction: 'descending' }, 'id'), { column: 'id', direction: 'ascending' });
  });
});

describe('session cells', () => {
  test('one text per column; a running session shows its duration so far; unknown durations are a dash', () => {
    const [first, second, third] = rows.map((r) => sessionCells(r, NOW, (t) => new Date(t).toISOString()));
    assert.equal(first?.length, SESSION_COLUMNS.length);
    assert.equal(first?.[4], '10 min');
    assert.equal(first?.[5], '500 B');
    assert.equal(first?.[6], 'client = zeta');
    assert.equal(second?.[4], '5 min');
    assert.equal(third?.[4], '—');
    assert.equal(third?.[6], '—');
  });
});

describe('metadata as key = value', () => {
  test('nested keys read as paths, strings as they are, anything else as JSON, in the order they were set', () => {
    const entries = metadataEntries({ userMetadata: { client: 'acme', order: { status: 'new', id: 42 }, 'a > b': 'x', tags: ['p', 'q'], empty: {} } });
    assert.deepEqual(entries, [
      { key: 'client', value: 'acme' },
      { key: 'order > status', value: 'new' },
      { key: 'order > id', value: '42' },
      { key: '["a > b"]', value: 'x' },
      { key: 'tags', value: '["p","q"]' },
      { key: 'empty', value: '{}' },
    ]);
    assert.deepEqual(metadataEntries({ userMetadata: null }), []);
  });
});

describe('launch tags', () => {
  test('the whole userMetadata must stay under 512 characters as JSON', () => {
    assert.equal(tagsProblem([{ path: ['client'], value: 'acme' }]), undefined);
    const many = Array.from({ length: 8 }, (_, i) => ({ path: [`key${i}`], value: 'v'.repeat(60) }));
    assert.match(tagsProblem(many) ?? '', /characters as JSON; Browserbase requires fewer than 512/);
    assert.match(
      tagsProblem([
        { path: ['a'], value: '1' },
        { path: ['a', 'b'], value: '2' },
      ]) ?? '',
      /contradict/,
    );
  });
});

describe('result columns', () => {
  test('rows survive the trip as columns, awkward metadata included, and a bad cell is only that cell', () => {
    const awkward = row('x', { userMetadata: { 'o\'re"il\\ly': { '[k]': 'värde: \u2028 \'"' } }, keepAlive: true, endedAt: null, status: 'RUNNING' });
    const list = [...rows, awkward];
    const columns: ReturnType<typeof toSessionColumns> = structuredClone(toSessionColumns(list));
    assert.deepEqual(
      fromSessionColumns(columns),
      list.map((r) => ({ ...r, startedAt: r.startedAt ?? null, endedAt: r.endedAt ?? null, userMetadata: r.userMetadata ?? null })),
    );
    assert.deepEqual(
      fromSessionColumns({ ...columns, metadata: ['{', '[1]', '', '{"a":"b"}'] }).map((r) => r.userMetadata),
      [null, null, null, { a: 'b' }],
    );
  });
});
