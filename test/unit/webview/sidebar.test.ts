/**
 * The sidebar's state provider and its cards: the headline figure is the one the sparkline draws and
 * ends on; the card's state word is the one the panel shows; cards follow the snapshot's list (added,
 * removed, reordered); relative times age between snapshots; sparkline ranges fit running totals.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { connectionState } from '../../../src/shared/connectionState';
import type { SidebarSnapshot } from '../../../src/shared/sidebarProtocol';
import { cardModels, sparklineRange } from '../../../webview/sidebar/cards';
import { SidebarStateProvider } from '../../../webview/sidebar/state';
import { sectionModels } from '../../../webview/panel/sections';
import { BROWSERLESS, browserlessReadings, historyFrom, MINUTE, NOW, PROMETHEUS, prometheusReadings, snapshotFrom } from './snapshots';

function sidebarSnapshot(now = NOW, configs = [BROWSERLESS, PROMETHEUS]): SidebarSnapshot {
  const readings = { bl: browserlessReadings(30, now), prom: prometheusReadings(30, now) } as const;
  return {
    type: 'snapshot',
    now,
    connections: configs.map((config) => snapshotFrom(config, readings[config.id as 'bl' | 'prom'], now)),
    histories: configs.map((config) => historyFrom(config, readings[config.id as 'bl' | 'prom'], now - 60 * MINUTE, now)),
  };
}

describe('a card', () => {
  test('its headline is the figure its sparkline draws, and the line ends on that number', () => {
    for (const card of cardModels(sidebarSnapshot(), NOW)) {
      assert.ok(card.headline, card.id);
      assert.ok(card.sparkline, `${card.id} has a sparkline`);
      const last = card.sparkline.v.filter((value) => value !== null).at(-1);
      // The headline's text starts with the value the line ends on.
      assert.match(card.headline.text, new RegExp(`^${String(last)}\\b`), `${card.id}: ${card.headline.text} vs ${last}`);
    }
  });

  test('a generic exporter: the sparkline draws the first family the card lists, not another one', () => {
    const card = cardModels(sidebarSnapshot(), NOW).find((entry) => entry.id === 'prom');
    assert.ok(card?.headline && card.sparkline);
    assert.match(card.sparkline.label, new RegExp(card.headline.label.split(' ')[0] as string));
    assert.ok(!card.figures.some((figure) => figure.id === card.headline?.id), 'the headline is not listed twice');
  });

  test('the state word is the one the usage panel shows for the same connection', () => {
    const snapshot = sidebarSnapshot();
    const critical = {
      ...snapshot,
      connections: snapshot.connections.map((connection) => ({
        ...connection,
        quotas: connection.quotas.map((quota) => ({ ...quota, level: 'critical' as const })),
      })),
    };
    const cards = cardModels(critical, NOW);
    const sections = sectionModels({ ...critical, type: 'snapshot', range: '1h', ranges: ['1h'], fitted: false }, NOW);
    cards.forEach((card, index) => {
      assert.equal(card.state.text, sections[index]?.state.text);
      assert.equal(card.state.text, connectionState(critical.connections[index]!, NOW).text);
    });
    assert.equal(cards[0]?.state.text, 'Critical');
  });
});

describe('the card list', () => {
  test('follows each snapshot: new connections added, removed ones gone, the configured order kept', () => {
    const provider = new SidebarStateProvider();
    provider.receive(sidebarSnapshot(NOW, [BROWSERLESS]));
    assert.deepEqual(
      provider.state.cards.map((card) => card.id),
      ['bl'],
    );
    provider.receive(sidebarSnapshot(NOW, [PROMETHEUS, BROWSERLESS]));
    assert.deepEqual(
      provider.state.cards.map((card) => card.id),
      ['prom', 'bl'],
    );
    provider.receive(sidebarSnapshot(NOW, [PROMETHEUS]));
    assert.deepEqual(
      provider.state.cards.map((card) => card.id),
      ['prom'],
    );
    provider.receive({ type: 'snapshot', now: NOW, connections: [], histories: [] });
    assert.deepEqual(provider.state.cards, []);
  });

  test('relative times age between snapshots; a tick before any snapshot changes nothing', () => {
    const provider = new SidebarStateProvider();
    let changes = 0;
    provider.store.subscribe(() => changes++);
    provider.tick(NOW);
    assert.equal(changes, 0);
    provider.receive(sidebarSnapshot());
    assert.equal(provider.state.cards[0]?.updated, 'updated just now');
    provider.tick(NOW + 5 * MINUTE);
    assert.equal(provider.state.cards[0]?.updated, 'updated 5 min ago');
    assert.equal(changes, 2);
  });
});

describe('sparkline ranges', () => {
  test('a running total that grows a little is a rising line, not a flat band at the top', () => {
    const range = sparklineRange([18_300, 18_310, 18_342]);
    assert.equal(range.filled, false);
    assert.ok(range.low > 18_000 && range.low < 18_300);
    assert.ok(range.high > 18_342);
  });

  test('values near zero start at zero and are filled; a flat line sits in the middle', () => {
    assert.deepEqual(sparklineRange([0, 3, 1]), { low: 0, high: 3, filled: true });
    const flat = sparklineRange([5, 5, 5]);
    assert.equal(flat.filled, false);
    assert.ok(flat.low < 5 && flat.high > 5);
  });
});
