/**
 * Runaway sessions in the status bar tooltip: one line per session with its connection, short id, how
 * long it has run against the threshold, keep-alive and tags (escaped: tags come from a server), the
 * rest counted, a link to the sessions panel; said in the accessibility sentence too; nothing when none.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RunawaySession, RunawaySessions } from '../../../src/shared/runawaySessions';
import { formatStatusBar } from '../../../src/statusbar/formatStatusBar';
import { runawayTooltip } from '../../../src/statusbar/runawayTooltip';
import { snapshot } from '../quota/builders';

const NOW = Date.UTC(2025, 10, 15, 12);
const session = (id: string, minutes: number, extra: Partial<RunawaySession> = {}): RunawaySession => ({
  id,
  startedAt: NOW - minutes * 60_000,
  keepAlive: true,
  region: 'us-west-2',
  tags: 'client=acme',
  runningMs: minutes * 60_000,
  ...extra,
});
const runaways = (sessions: RunawaySession[], more = 0): RunawaySessions => ({ thresholdMinutes: 30, sessions, more, readAt: NOW });

describe('runaway sessions in the status bar tooltip', () => {
  test('each runaway is a line; the rest counted; a link opens the sessions panel', () => {
    const bb = snapshot({ kind: 'browserbase', label: 'BB prod', runaways: runaways([session('3f2a9c1e-0000-4000-8000-000000000001', 47)], 2) });
    const markdown = runawayTooltip([bb]);
    assert.match(markdown, /^\$\(warning\) \*\*3 runaway Browserbase sessions\*\*/);
    assert.ok(markdown.includes('  \nBB prod · 3f2a9c1e… · 47 min \\(over 30 min\\) · keep\\-alive · client\\=acme  \n'), markdown);
    assert.ok(markdown.includes('  \nBB prod · 2 more  \n'), markdown);
    assert.ok(markdown.includes('(command:liveUsage.openBrowserbaseSessions)'));
  });

  test('tags from a server cannot become markup: links, pipes and icons are escaped', () => {
    const bb = snapshot({ kind: 'browserbase', runaways: runaways([session('a', 40, { tags: 'x=[click](command:evil) | $(alert)' })]) });
    const markdown = runawayTooltip([bb]);
    assert.ok(!markdown.includes('[click](command:evil)'));
    assert.ok(markdown.includes('x\\=\\[click\\]\\(command\\:evil\\) \\| \\$\\(alert\\)'));
    assert.equal(markdown.split('$(').length - 1, 1, "only the heading's own icon");
  });

  test('none, or only on a disabled connection: no section at all', () => {
    assert.equal(runawayTooltip([snapshot({ kind: 'browserbase', runaways: runaways([]) })]), '');
    assert.equal(runawayTooltip([snapshot({ kind: 'browserbase', health: 'disabled', runaways: runaways([session('a', 40)]) })]), '');
  });

  test('the whole status bar: the section sits above the command links, and the spoken label says it', () => {
    const view = formatStatusBar([snapshot({ kind: 'browserbase', label: 'BB prod', runaways: runaways([session('a', 95)]) })], { now: NOW });
    const section = view.tooltipMarkdown.indexOf('1 runaway Browserbase session');
    assert.ok(section > 0 && section < view.tooltipMarkdown.indexOf('[Refresh]'));
    assert.match(
      view.accessibilityLabel,
      /1 runaway Browserbase session on BB prod, the oldest running for 1 h 35 min|1 runaway Browserbase session on BB prod, the oldest running for 95 min/,
    );
  });
});
