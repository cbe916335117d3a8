/**
 * What the host accepts from a page, surface by surface: each protocol's zod/mini schema lets through
 * only its own messages, rebuilt from their declared fields, and never throws on anything a page
 * (untrusted) could send.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { parsePanelPageMessage } from '../../../src/shared/panelProtocol';
import { parseSessionsPageMessage } from '../../../src/shared/sessionsProtocol';
import { parseSidebarPageMessage } from '../../../src/shared/sidebarProtocol';

describe('the usage panel', () => {
  test('accepts each message and keeps only its declared fields', () => {
    assert.deepEqual(parsePanelPageMessage({ type: 'ready', range: '7d', extra: 'dropped' }), { type: 'ready', range: '7d' });
    assert.deepEqual(parsePanelPageMessage({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parsePanelPageMessage({ type: 'setRange', range: 'cycle' }), { type: 'setRange', range: 'cycle' });
    assert.deepEqual(parsePanelPageMessage({ type: 'refresh' }), { type: 'refresh' });
    assert.deepEqual(parsePanelPageMessage({ type: 'openPanel', connectionId: 'bl' }), { type: 'openPanel', connectionId: 'bl' });
    assert.deepEqual(parsePanelPageMessage({ type: 'addConnection', command: 'workbench.action.terminal.new' }), { type: 'addConnection' });
    assert.deepEqual(parsePanelPageMessage({ type: 'export', format: 'csv', fileName: 'live-usage-bl-concurrency-24h.csv', content: 'a,b\r\n' }), {
      type: 'export',
      format: 'csv',
      fileName: 'live-usage-bl-concurrency-24h.csv',
      content: 'a,b\r\n',
    });
    assert.deepEqual(parsePanelPageMessage({ type: 'rendered', phase: 'first', ms: 12.5, charts: 3 }), {
      type: 'rendered',
      phase: 'first',
      ms: 12.5,
      charts: 3,
    });
  });

  test('refuses unknown types, bad ranges, missing ids and file names that are paths', () => {
    for (const bad of [
      null,
      'ready',
      [],
      { type: 'runCommand', command: 'x' },
      // A type is looked up among the surface's own messages only, never up the prototype chain.
      { type: 'constructor' },
      { type: 'toString' },
      { type: '__proto__' },
      { type: 'hasOwnProperty' },
      { type: ['ready'] },
      { range: '1h' },
      { type: 'setRange', range: '90d' },
      { type: 'setToken' },
      { type: 'setToken', connectionId: '' },
      { type: 'setToken', connectionId: 'x'.repeat(201) },
      { type: 'export', format: 'csv', fileName: '../../.bashrc.csv', content: '' },
      { type: 'export', format: 'csv', fileName: '/etc/cron.d/x.csv', content: '' },
      { type: 'export', format: 'json', fileName: 'chart.csv', content: '' },
      { type: 'export', format: 'csv', fileName: 'chart.csv', content: 42 },
      { type: 'rendered', phase: 'first', ms: '1', charts: 1 },
      { type: 'rendered', phase: 'first', ms: Number.NaN, charts: 1 },
      { type: 'rendered', phase: 'first', ms: 1, charts: 1.5 },
    ]) {
      assert.equal(parsePanelPageMessage(bad), undefined, JSON.stringify(bad));
    }
  });
});

describe('the sidebar', () => {
  test('the card buttons and the welcome, nothing of the panel', () => {
    assert.deepEqual(parseSidebarPageMessage({ type: 'openSessions', connectionId: 'bb' }), { type: 'openSessions', connectionId: 'bb' });
    assert.deepEqual(parseSidebarPageMessage({ type: 'openWalkthrough', id: 'other.extension#walkthrough' }), { type: 'openWalkthrough' });
    assert.equal(parseSidebarPageMessage({ type: 'setRange', range: '1h' }), undefined);
    assert.equal(parseSidebarPageMessage({ type: 'export', format: 'csv', fileName: 'a.csv', content: '' }), undefined);
  });
});

describe('the sessions panel', () => {
  test('a query is a structure of paths and values, never text', () => {
    assert.deepEqual(
      parseSessionsPageMessage({
        type: 'find',
        requestId: 1,
        connectionId: 'bb',
        query: { conditions: [{ path: ['order', 'status'], value: "it's" }], status: 'RUNNING' },
      }),
      { type: 'find', requestId: 1, connectionId: 'bb', query: { conditions: [{ path: ['order', 'status'], value: "it's" }], status: 'RUNNING' } },
    );
    assert.equal(parseSessionsPageMessage({ type: 'find', requestId: 1, connectionId: 'bb', query: "user_metadata['a']:'b'" }), undefined);
    assert.equal(
      parseSessionsPageMessage({ type: 'find', requestId: 1, connectionId: 'bb', query: { conditions: [{ path: 'client', value: 'x' }] } }),
      undefined,
    );
    assert.equal(parseSessionsPageMessage({ type: 'find', requestId: 1, connectionId: 'bb', query: { conditions: [], status: 'DROP TABLE' } }), undefined);
    assert.equal(parseSessionsPageMessage({ type: 'find', requestId: -1, connectionId: 'bb', query: { conditions: [] } }), undefined);
    const many = Array.from({ length: 51 }, () => ({ path: ['a'], value: 'b' }));
    assert.equal(parseSessionsPageMessage({ type: 'find', requestId: 1, connectionId: 'bb', query: { conditions: many } }), undefined);
  });

  test('actions, saved queries and launch options are checked field by field', () => {
    assert.equal(parseSessionsPageMessage({ type: 'sessionAction', connectionId: 'bb', sessionId: 'x', action: 'delete' }), undefined);
    assert.equal(parseSessionsPageMessage({ type: 'launch', requestId: 1, connectionId: 'bb', options: { tags: [], timeout: 'soon' } }), undefined);
    assert.deepEqual(parseSessionsPageMessage({ type: 'saveQuery', saved: { name: '  Acme  ', query: { conditions: [] } } }), {
      type: 'saveQuery',
      saved: { name: 'Acme', query: { conditions: [] } },
    });
    assert.equal(parseSessionsPageMessage({ type: 'saveQuery', saved: { name: '   ', query: { conditions: [] } } }), undefined);
    assert.equal(parseSessionsPageMessage({ type: 'deleteQuery', name: '' }), undefined);
  });
});

test('property: no schema throws, and what each accepts is one of its own messages', () => {
  const surfaces = [
    [
      parsePanelPageMessage,
      ['ready', 'setRange', 'refresh', 'openPanel', 'setToken', 'openSessions', 'addConnection', 'openWalkthrough', 'export', 'rendered'],
    ],
    [parseSidebarPageMessage, ['ready', 'refresh', 'openPanel', 'setToken', 'openSessions', 'addConnection', 'openWalkthrough', 'rendered']],
    [
      parseSessionsPageMessage,
      ['ready', 'find', 'launch', 'sessionAction', 'saveQuery', 'deleteQuery', 'setToken', 'addConnection', 'openWalkthrough', 'rendered'],
    ],
  ] as const;
  fc.assert(
    fc.property(fc.anything(), fc.constantFrom('ready', 'find', 'export', 'setRange', 'launch', 'refresh'), (value, type) => {
      for (const [parse, types] of surfaces) {
        for (const candidate of [value, { type, value }]) {
          const message = parse(candidate);
          if (message) assert.ok((types as readonly string[]).includes(message.type));
        }
      }
    }),
  );
});
