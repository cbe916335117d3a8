/**
 * The message guards: a webview is untrusted input to the host, so only well-formed messages get
 * through, rebuilt from their checked fields; the host's snapshots are checked before drawing.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { parseHostMessage, parseWebviewMessage, type PanelSnapshot } from '../../../src/shared/protocol';
import type { ConnectionSnapshot } from '../../../src/shared/snapshot';

const connection: ConnectionSnapshot = {
  id: 'bl',
  label: 'Browserless',
  kind: 'browserless',
  health: 'ok',
  lastSuccessAt: 5,
  latest: [{ series: 'browserless.pressure.running', value: 3, unit: 'count', at: 5 }],
  values: [
    {
      key: 'browserless.pressure.running{}',
      series: 'browserless.pressure.running',
      label: 'running sessions',
      part: 'value',
      semantics: 'gauge',
      known: true,
      unit: 'count',
      value: 3,
      at: 5,
    },
  ],
  info: [],
  figures: [
    {
      id: 'concurrency',
      label: 'Concurrent sessions',
      short: 'sessions',
      value: 3,
      limit: 10,
      unit: 'count',
      ratio: 0.3,
      level: 'ok',
      quota: 'concurrency',
      chart: { key: 'concurrency', dataset: 'browserless.pressure.running{}' },
    },
  ],
  quotas: [{ id: 'concurrency', label: 'Concurrent sessions', value: 3, limit: 10, unit: 'count', ratio: 0.3, level: 'ok' }],
  level: 'ok',
  notes: [],
  tokenSource: 'secretStorage',
  polledHere: true,
};

const panel: PanelSnapshot = {
  type: 'snapshot',
  surface: 'panel',
  now: 10,
  theme: 'dark',
  range: '24h',
  ranges: ['1h', '24h'],
  connections: [connection],
  histories: [
    {
      connectionId: 'bl',
      from: 0,
      to: 10,
      bucketMs: 60_000,
      warnPercent: 75,
      criticalPercent: 90,
      series: [{ series: 's', unit: 'count', t: [1, 2], v: [1, null], lo: [1, null], hi: [1, null], last: [1, null], n: [1, 0] }],
    },
  ],
};

describe('parseWebviewMessage', () => {
  test('accepts each message type and keeps only its known fields', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'ready', surface: 'panel', range: '7d', extra: 'dropped' }), { type: 'ready', surface: 'panel', range: '7d' });
    assert.deepEqual(parseWebviewMessage({ type: 'setRange', range: 'cycle' }), { type: 'setRange', range: 'cycle' });
    assert.deepEqual(parseWebviewMessage({ type: 'refresh' }), { type: 'refresh' });
    assert.deepEqual(parseWebviewMessage({ type: 'openPanel', connectionId: 'bl' }), { type: 'openPanel', connectionId: 'bl' });
    assert.deepEqual(parseWebviewMessage({ type: 'setToken', connectionId: 'bl' }), { type: 'setToken', connectionId: 'bl' });
    assert.deepEqual(parseWebviewMessage({ type: 'addConnection', command: 'workbench.action.terminal.new' }), { type: 'addConnection' });
    assert.deepEqual(parseWebviewMessage({ type: 'export', format: 'csv', fileName: 'live-usage-bl-concurrency-24h.csv', content: 'a,b\r\n' }), {
      type: 'export',
      format: 'csv',
      fileName: 'live-usage-bl-concurrency-24h.csv',
      content: 'a,b\r\n',
    });
    assert.deepEqual(parseWebviewMessage({ type: 'rendered', surface: 'panel', phase: 'first', ms: 12.5, charts: 3 }), {
      type: 'rendered',
      surface: 'panel',
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
      { type: 'setRange', range: '90d' },
      { type: 'setToken' },
      { type: 'setToken', connectionId: '' },
      { type: 'setToken', connectionId: 'x'.repeat(201) },
      { type: 'ready', surface: 'editor' },
      { type: 'export', format: 'csv', fileName: '../../.bashrc.csv', content: '' },
      { type: 'export', format: 'csv', fileName: '/etc/cron.d/x.csv', content: '' },
      { type: 'export', format: 'json', fileName: 'chart.csv', content: '' },
      { type: 'export', format: 'csv', fileName: 'chart.csv', content: 42 },
      { type: 'rendered', surface: 'panel', phase: 'first', ms: '1', charts: 1 },
    ]) {
      assert.equal(parseWebviewMessage(bad), undefined, JSON.stringify(bad));
    }
  });

  test('property: never throws, and what it accepts has a known type', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        const message = parseWebviewMessage(value);
        if (message) assert.ok(['ready', 'setRange', 'refresh', 'openPanel', 'setToken', 'addConnection', 'export', 'rendered'].includes(message.type));
      }),
    );
  });
});

describe('parseHostMessage', () => {
  test('accepts a whole panel snapshot, a sidebar snapshot and a reveal', () => {
    assert.equal(parseHostMessage(panel), panel);
    const sidebar = { type: 'snapshot', surface: 'sidebar', now: 1, theme: 'highContrastLight', connections: [connection], histories: [] };
    assert.equal(parseHostMessage(sidebar), sidebar);
    assert.deepEqual(parseHostMessage({ type: 'reveal', connectionId: 'bl' }), { type: 'reveal', connectionId: 'bl' });
  });

  test('refuses snapshots with mismatched columns, bad connections or unknown themes', () => {
    const history = panel.histories[0];
    assert.ok(history);
    const broken = [
      { ...panel, theme: 'solarized' },
      { ...panel, range: 'forever' },
      { ...panel, connections: [{ ...connection, health: 'great' }] },
      { ...panel, connections: [{ ...connection, latest: [{ series: 's', value: '3', unit: 'count', at: 1 }] }] },
      { ...panel, histories: [{ ...history, series: [{ series: 's', unit: 'count', t: [1, 2], v: [1] }] }] },
      { ...panel, histories: [{ ...history, series: [{ series: 's', unit: 'count', t: [1, 2], v: [1, 2], lo: [1] }] }] },
      { ...panel, histories: [{ ...history, series: [{ series: 's', unit: 'count', t: [1, '2'], v: [1, 2] }] }] },
      { ...panel, histories: [{ ...history, series: [{ series: 's', unit: 'count', t: [1], v: [1], semantics: 'vibes' }] }] },
      { ...panel, connections: [{ ...connection, values: [{ ...connection.values[0], semantics: 'vibes' }] }] },
      { ...panel, connections: [{ ...connection, values: [{ ...connection.values[0], known: 'yes' }] }] },
      { ...panel, connections: [{ ...connection, figures: [{ ...connection.figures[0], value: '3' }] }] },
      { ...panel, connections: [{ ...connection, figures: [{ ...connection.figures[0], chart: { key: 'c' } }] }] },
      { ...panel, connections: [{ ...connection, info: [{ name: 'build', labels: { version: 1 } }] }] },
      { ...panel, connections: [{ ...connection, figures: undefined }] },
      { ...panel, surface: 'editor' },
      { type: 'reveal' },
    ];
    for (const message of broken) assert.equal(parseHostMessage(message), undefined, JSON.stringify(message).slice(0, 120));
  });
});
