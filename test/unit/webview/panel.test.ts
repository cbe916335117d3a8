/**
 * The usage panel's state provider: the range picker and the race with a snapshot built before the
 * host heard of the range just picked, what is kept across reloads (and what is forgotten), series
 * toggles, the axis fitted to the history there is and what the toolbar says about it, and where
 * threshold labels go.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PanelSnapshot } from '../../../src/shared/panelProtocol';
import type { RangeId } from '../../../src/shared/ranges';
import { fittedStart, rangeNote, sectionModels } from '../../../webview/panel/sections';
import { PanelStateProvider, readChoices, type PanelChoices } from '../../../webview/panel/state';
import { placeThresholdLabels } from '../../../webview/panel/thresholdLabels';
import { BROWSERLESS, browserlessReadings, historyFrom, MINUTE, NOW, snapshotFrom } from './snapshots';

const HOUR = 60 * MINUTE;
const SPANS: Record<string, number> = { '1h': HOUR, '24h': 24 * HOUR, '7d': 7 * 24 * HOUR };

/** The host's snapshot of `range` with `minutes` of Browserless history. */
function snapshot(range: RangeId, options: { minutes?: number; fitted?: boolean; now?: number } = {}): PanelSnapshot {
  const now = options.now ?? NOW;
  const readings = browserlessReadings(options.minutes ?? 20, now);
  return {
    type: 'snapshot',
    now,
    range,
    ranges: ['1h', '24h', '7d', '30d'],
    fitted: options.fitted ?? false,
    connections: [snapshotFrom(BROWSERLESS, readings, now)],
    histories: [historyFrom(BROWSERLESS, readings, now - (SPANS[range] ?? HOUR), now)],
  };
}

function rig(saved?: unknown) {
  const persisted: PanelChoices[] = [];
  const provider = new PanelStateProvider(saved, (choices) => persisted.push(choices));
  return { provider, persisted };
}

describe('the range picker', () => {
  test('opened afresh the page asks for no range (the host fits one); restored, it asks for the one the person picked', () => {
    assert.deepEqual(rig().provider.readyMessage(), { type: 'ready' });
    assert.deepEqual(rig({ range: '7d' }).provider.readyMessage(), { type: 'ready', range: '7d' });
    assert.deepEqual(rig({ range: 'forever' }).provider.readyMessage(), { type: 'ready' });
  });

  test('a range the host fitted is not remembered as a choice; a range the person picked is', () => {
    const { provider, persisted } = rig();
    provider.receive(snapshot('1h', { fitted: true }));
    assert.equal(persisted.at(-1)?.range, undefined);
    assert.deepEqual(provider.pickRange('24h'), { type: 'setRange', range: '24h' });
    assert.equal(persisted.at(-1)?.range, '24h');
    provider.receive(snapshot('24h'));
    assert.equal(persisted.at(-1)?.range, '24h');
    assert.equal(provider.pickRange('24h'), undefined, 'picking the range shown sends nothing');
  });

  test('the race: a snapshot built before the host heard of the new range is drawn, but the picker keeps the new range and stays busy', () => {
    const { provider } = rig();
    provider.receive(snapshot('1h', { fitted: true }));
    provider.pickRange('7d');
    assert.equal(provider.state.busy, true);
    // The host was already building the 1h snapshot when the 7d request arrived.
    provider.receive(snapshot('1h', { now: NOW + 1000 }));
    assert.equal(provider.state.shownRange, '7d');
    assert.equal(provider.state.busy, true);
    assert.equal(provider.state.snapshot?.now, NOW + 1000, 'the newer data is drawn meanwhile');
    assert.deepEqual(provider.readyMessage(), { type: 'ready', range: '7d' }, 'a reload now asks for the range picked');
    provider.receive(snapshot('7d', { now: NOW + 2000 }));
    assert.equal(provider.state.shownRange, '7d');
    assert.equal(provider.state.busy, false);
    assert.equal(provider.state.requestedRange, undefined);
  });

  test('a range the host no longer offers is not waited for', () => {
    const { provider } = rig();
    provider.receive(snapshot('24h'));
    provider.pickRange('cycle');
    provider.receive(snapshot('24h'));
    assert.equal(provider.state.busy, false);
    assert.equal(provider.state.shownRange, '24h');
  });
});

describe('what the page keeps across reloads', () => {
  test('choices of connections that are gone are forgotten; bad saved state is ignored field by field', () => {
    const { provider, persisted } = rig({
      range: '24h',
      tables: ['bl/concurrency', 'gone/cpu'],
      hidden: { 'bl/concurrency': ['x'], 'gone/cpu': ['y'], broken: 5 },
      zoom: { 'bl/concurrency': [1, 2], 'gone/cpu': [3, 4], odd: ['a', 'b'] },
      more: ['bl', 'gone'],
    });
    provider.receive(snapshot('24h'));
    assert.deepEqual(persisted.at(-1), {
      range: '24h',
      tables: ['bl/concurrency'],
      hidden: { 'bl/concurrency': ['x'] },
      zoom: { 'bl/concurrency': [1, 2] },
      more: ['bl'],
    });
    assert.deepEqual(readChoices('not an object'), { tables: [], hidden: {}, zoom: {}, more: [] });
  });

  test('a series can be hidden and shown again, but never the last one shown', () => {
    const { provider } = rig();
    provider.receive(snapshot('1h'));
    assert.deepEqual([...provider.toggleSeries('bl/concurrency', 'a', 2)], ['a']);
    assert.deepEqual([...provider.toggleSeries('bl/concurrency', 'b', 2)], ['a'], 'the last series stays');
    assert.deepEqual([...provider.toggleSeries('bl/concurrency', 'a', 2)], []);
    assert.equal(provider.state.choices.hidden['bl/concurrency'], undefined);
  });
});

describe('the axis fits the history there is', () => {
  test('twenty minutes of history in a 24-hour range: the charts start just before the first reading and the toolbar says why', () => {
    const sections = sectionModels(snapshot('24h', { minutes: 20 }), NOW);
    const chart = sections[0]?.charts[0];
    assert.ok(chart);
    const first = NOW - 19 * MINUTE;
    assert.ok(chart.from <= first && chart.from > first - 5 * MINUTE, `starts at ${new Date(chart.from).toISOString()}`);
    assert.equal(chart.to, NOW);
    assert.ok(
      sections[0]?.charts.every((each) => each.from === chart.from),
      'a connection’s charts line up',
    );
    assert.match(
      rangeNote(snapshot('24h', { minutes: 20 }), sections, 'Last 24 hours'),
      /Only part of the range has history: history since .*; the axes start there\./,
    );
  });

  test('each chart fits its own data: a feed read for minutes is not drawn at the edge of another feed’s hours', () => {
    const readings = [
      ...browserlessReadings(20),
      ...Array.from({ length: 36 }, (_, index) => ({
        series: 'browserless.metrics.successful',
        value: index % 4,
        unit: 'count' as const,
        at: NOW - (35 - index) * 5 * MINUTE,
      })),
    ];
    const fittedSnapshot: PanelSnapshot = {
      ...snapshot('24h'),
      connections: [snapshotFrom(BROWSERLESS, readings, NOW)],
      histories: [historyFrom(BROWSERLESS, readings, NOW - 24 * HOUR, NOW)],
    };
    const [section] = sectionModels(fittedSnapshot, NOW);
    const concurrency = section?.charts.find((chart) => chart.key === 'concurrency');
    const outcomes = section?.charts.find((chart) => chart.key === 'outcomes');
    assert.ok(concurrency && outcomes);
    assert.ok(concurrency.from > NOW - 25 * MINUTE, 'the pressure chart starts near its first reading');
    assert.ok(outcomes.from < NOW - 170 * MINUTE && outcomes.from > NOW - 200 * MINUTE, 'the outcomes chart starts near its first window');
    assert.equal(section?.historyFrom, NOW - 175 * MINUTE, 'the section says where its oldest history starts');
    assert.equal(section?.rangeFrom, NOW - 24 * HOUR);
  });

  test('a range the host fitted says so', () => {
    const fitted = snapshot('1h', { minutes: 20, fitted: true });
    assert.match(rangeNote(fitted, sectionModels(fitted, NOW), 'Last hour'), /^Last hour fits the history there is/);
  });

  test('history that fills the range leaves the axis as it is; a few readings still get five minutes', () => {
    const full = sectionModels(snapshot('1h', { minutes: 60 }), NOW);
    assert.equal(full[0]?.charts[0]?.from, NOW - HOUR);
    assert.equal(full[0]?.historyFrom, undefined);
    assert.equal(rangeNote(snapshot('1h', { minutes: 60 }), full, 'Last hour'), '');
    assert.equal(fittedStart(NOW - 24 * HOUR, NOW, NOW - MINUTE), NOW - 5 * MINUTE);
    assert.equal(fittedStart(NOW - HOUR, NOW, undefined), NOW - HOUR);
  });
});

describe('threshold labels', () => {
  const area = { left: 40, top: 10, right: 440, bottom: 210 };
  const height = 14;

  test('never on the newest points when another place is free', () => {
    // Points along the line at y = 100, the newest at the right end just above it.
    const points = Array.from({ length: 40 }, (_, index) => ({ x: 40 + index * 10, y: index > 30 ? 95 : 150 }));
    const [label] = placeThresholdLabels([{ y: 100, width: 110 }], area, points, [points.at(-1)!], height);
    assert.ok(label);
    assert.equal(label.align, 'left');
    const newest = points.at(-1)!;
    assert.ok(!(newest.x >= label.box.left && newest.x <= label.box.right && newest.y >= label.box.top && newest.y <= label.box.bottom));
  });

  test('labels of lines close together do not cover each other', () => {
    const placed = placeThresholdLabels(
      [
        { y: 50, width: 80 },
        { y: 58, width: 120 },
        { y: 66, width: 120 },
      ],
      area,
      [],
      [],
      height,
    );
    for (let a = 0; a < placed.length; a++)
      for (let b = a + 1; b < placed.length; b++) {
        const [p, q] = [placed[a]!.box, placed[b]!.box];
        assert.ok(!(p.left < q.right && q.left < p.right && p.top < q.bottom && q.top < p.bottom), `labels ${a} and ${b} overlap`);
      }
  });

  test('a line at the top of the chart gets its label below it, inside the chart', () => {
    const [label] = placeThresholdLabels([{ y: 12, width: 80 }], area, [], [], height);
    assert.ok(label && label.box.top >= area.top && label.box.bottom <= area.bottom);
  });
});
