/**
 * A depth limit on what a webview sends and on session metadata a page reads: a message nested deeper
 * than any real one is refused before a single field is read, without a recursive walk that could
 * overflow the stack. (What the host sends a page is the host's own: the page does not check it again.)
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { withinDepth } from '../../../src/shared/guards';
import { parsePanelPageMessage } from '../../../src/shared/panelProtocol';
import { fromSessionColumns, toSessionColumns } from '../../../src/shared/sessionColumns';
import { parseSessionsPageMessage } from '../../../src/shared/sessionsProtocol';
import { parseSidebarPageMessage } from '../../../src/shared/sidebarProtocol';

/** `{ a: { a: … 'bottom' } }`, `depth` objects deep, built without recursion. */
function nested(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let level = 0; level < depth; level++) value = { a: value };
  return value;
}

describe('withinDepth', () => {
  test('counts the levels of objects and arrays, iteratively', () => {
    assert.equal(withinDepth(nested(3), 3), true);
    assert.equal(withinDepth(nested(4), 3), false);
    assert.equal(withinDepth([[1, [2]], { x: [3] }], 3), true);
    assert.equal(withinDepth([[[[1]]]], 3), false);
    assert.equal(withinDepth('text', 1), true);
    assert.doesNotThrow(() => assert.equal(withinDepth(nested(1_000_000), 100), false));
  });
});

describe('messages from a webview', () => {
  test('a deeply nested message is refused whole, even where its depth is in a field the host ignores', () => {
    assert.deepEqual(parsePanelPageMessage({ type: 'ready', range: '1h' }), { type: 'ready', range: '1h' });
    assert.equal(parsePanelPageMessage({ type: 'ready', extra: nested(100_000) }), undefined);
    assert.equal(parseSidebarPageMessage({ type: 'refresh', extra: nested(100_000) }), undefined);
    assert.deepEqual(parseSessionsPageMessage({ type: 'ready' }), { type: 'ready' });
    assert.equal(parseSessionsPageMessage({ type: 'ready', extra: nested(100_000) }), undefined);
    assert.equal(parseSessionsPageMessage({ type: 'saveQuery', saved: { name: 'x', query: { conditions: [], deep: nested(50) } } }), undefined);
  });
});

describe('session metadata a page reads', () => {
  const row = {
    id: '0b6c6f2e-6b0e-4c6e-9d3e-1b2c3d4e5f60',
    status: 'RUNNING',
    region: 'us-west-2',
    createdAt: '2025-06-02T10:00:00.000Z',
    startedAt: null,
    endedAt: null,
    proxyBytes: 0,
    keepAlive: false,
    userMetadata: nested(10_000) as Record<string, unknown>,
  };

  test('a metadata cell nested deeper than the limit reads as no metadata; the row stays', () => {
    const deepText = `${'{"a":'.repeat(10_000)}"bottom"${'}'.repeat(10_000)}`;
    const columns = { ...toSessionColumns([{ ...row, userMetadata: { client: 'acme' } }]), metadata: [deepText] };
    const [parsed] = fromSessionColumns(columns);
    assert.equal(parsed?.id, row.id);
    assert.equal(parsed?.userMetadata, null);
  });
});
