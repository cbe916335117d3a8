import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildSnapshot } from '../../../src/connections/snapshotBuilder';
import { BROWSERBASE_SERIES } from '../../../src/providers/browserbase/descriptor';
import { BROWSERLESS_SERIES } from '../../../src/providers/browserless/descriptor';
import { CEREBRAS_SERIES } from '../../../src/providers/cerebras/descriptor';
import { escapeMarkdown, escapeStatusBarText, formatStatusBar, type StatusBarOptions } from '../../../src/statusbar/formatStatusBar';
import type { QuotaSettings } from '../../../src/shared/connections';
import type { Sample } from '../../../src/shared/samples';
import type { ConnectionSnapshot } from '../../../src/shared/snapshot';
import { config, quota, sample, snapshot } from '../quota/builders';

const NOW = Date.UTC(2025, 10, 15, 12);
const OPTIONS: StatusBarOptions = { now: NOW, timeZone: 'UTC' };

/** A snapshot from the real builder (quotas, figures and values), as the host builds it. */
function evaluated(
  kind: ConnectionSnapshot['kind'],
  latest: Sample[],
  overrides: Partial<ConnectionSnapshot> = {},
  settings?: QuotaSettings,
): ConnectionSnapshot {
  const built = buildSnapshot({
    config: config(kind, settings),
    latest,
    previous: [],
    history: [],
    health: 'ok',
    lastSuccessAt: NOW - 12_000,
    notes: [],
    tokenSource: 'secretStorage',
    now: NOW,
    options: { timeZone: 'UTC' },
  });
  return { ...built, id: `${kind}-${overrides.label ?? 'prod'}`, ...overrides };
}

function browserless(running: number, maxConcurrent: number, queued = 0, overrides: Partial<ConnectionSnapshot> = {}): ConnectionSnapshot {
  const ids = BROWSERLESS_SERIES.pressure;
  return evaluated(
    'browserless',
    [
      sample(ids.running, running, NOW),
      sample(ids.maxConcurrent, maxConcurrent, NOW),
      sample(ids.queued, queued, NOW),
      sample(ids.maxQueued, 10, NOW),
      sample(ids.cpu, 44, NOW, { unit: 'percent' }),
      sample(ids.isAvailable, 1, NOW, { unit: 'state' }),
      sample(ids.recentlyRejected, 0, NOW),
    ],
    overrides,
  );
}

function browserbase(minutes: number, settings?: QuotaSettings, overrides: Partial<ConnectionSnapshot> = {}): ConnectionSnapshot {
  return evaluated(
    'browserbase',
    [sample(BROWSERBASE_SERIES.usage.browserMinutes, minutes, NOW, { unit: 'minutes' })],
    { label: 'staging', ...overrides },
    settings,
  );
}

describe('status bar text', () => {
  test('no connections: the product name and an offer to add one', () => {
    const view = formatStatusBar([], OPTIONS);
    assert.equal(view.text, '$(pulse) Live Usage');
    assert.match(view.tooltipMarkdown, /\[Add connection\]\(command:liveUsage\.addConnection\)/);
    assert.equal(view.background, undefined);
    assert.match(view.accessibilityLabel, /no connections/);
  });

  test('all loading: a spinner', () => {
    const view = formatStatusBar([snapshot({ kind: 'browserless', health: 'loading' }), snapshot({ kind: 'cerebras', health: 'loading' })], OPTIONS);
    assert.equal(view.text, '$(sync~spin) Live Usage');
    assert.equal(view.background, undefined);
  });

  test('healthy connections show their glance figures in configuration order', () => {
    const view = formatStatusBar([browserless(3, 10), browserbase(412)], OPTIONS);
    assert.equal(view.text, '$(pulse) BL 3/10 sessions · BB 412 min');
    assert.equal(view.background, undefined);
  });

  test('a queue adds its length and an amber warning', () => {
    const view = formatStatusBar([browserless(10, 10, 2)], OPTIONS);
    assert.equal(view.text, '$(warning) BL 10/10 sessions (2 queued)');
    // 10/10 is critical before the queue is even counted.
    assert.equal(view.background, 'error');
    const queuedOnly = formatStatusBar([browserless(3, 10, 1)], OPTIONS);
    // The queue is the worst figure now, and the status bar names it.
    assert.equal(queuedOnly.text, '$(warning) BL 1/10 queued');
    assert.equal(queuedOnly.background, 'warning');
  });

  test('the worst quota comes first, then configuration order; the rest are counted', () => {
    const view = formatStatusBar(
      [
        browserless(3, 10),
        browserbase(5_520, { monthlyBrowserMinutes: 6_000 }),
        evaluated('northflank', [sample('northflank.cpu', 45, NOW, { unit: 'percent', labels: { container: 'web' } })]),
      ],
      OPTIONS,
    );
    assert.equal(view.text, '$(warning) BB 5,520/6,000 min · BL 3/10 sessions +1');
    assert.equal(view.background, 'error');
    assert.equal(formatStatusBar([browserless(3, 10), browserbase(412)], { ...OPTIONS, maxInText: 1 }).text, '$(pulse) BL 3/10 sessions +1');
  });

  test('a failing connection gets the error icon and no background', () => {
    const failing = snapshot({ kind: 'northflank', label: 'api', health: 'error', error: { kind: 'network', message: 'connect ECONNREFUSED' } });
    const view = formatStatusBar([browserless(3, 10), failing], OPTIONS);
    assert.equal(view.text, '$(error) NF · BL 3/10 sessions');
    assert.equal(view.background, undefined);
  });

  test('a connection without a token gets the key icon', () => {
    const view = formatStatusBar([browserless(3, 10), snapshot({ kind: 'cerebras', health: 'authNeeded', tokenSource: 'none' })], OPTIONS);
    assert.equal(view.text, '$(key) CB · BL 3/10 sessions');
    assert.match(view.tooltipMarkdown, /token needed/);
    assert.equal(view.background, undefined);
  });

  test('the warning background comes from quota levels only', () => {
    const warning = browserbase(4_600, { monthlyBrowserMinutes: 6_000 });
    assert.equal(warning.level, 'warning');
    assert.equal(formatStatusBar([warning], OPTIONS).background, 'warning');
    assert.equal(formatStatusBar([warning], OPTIONS).text, '$(warning) BB 4,600/6,000 min');
    // An errored connection with stale critical quotas still colours: the quota is what the colour says.
    const stale = snapshot({
      kind: 'browserbase',
      health: 'error',
      level: 'ok',
      quotas: [quota({ id: 'browserMinutes', level: 'critical', value: 5_900, limit: 6_000, ratio: 0.98 })],
    });
    assert.equal(formatStatusBar([stale], OPTIONS).background, 'error');
    assert.equal(formatStatusBar([snapshot({ kind: 'browserless', health: 'error' })], OPTIONS).background, undefined);
  });

  test('Cerebras shows requests per minute, and p95 instead once it is the worst', () => {
    const minute = NOW - 60_000;
    const ids = CEREBRAS_SERIES;
    const requests = [sample(ids.requests, 70, minute, { labels: { endpoint: 'a' } }), sample(ids.requests, 50, minute, { labels: { endpoint: 'b' } })];
    const p95 = (value: number) => sample(ids.e2eLatency, value, minute, { unit: 'seconds', labels: { endpoint: 'a', statistic: 'p95' } });
    assert.equal(formatStatusBar([evaluated('cerebras', [...requests, p95(1.2)])], OPTIONS).text, '$(pulse) CB 120 req/min');
    // 9.5 s of a 10 s limit is critical: the worst figure, named, takes the place.
    assert.equal(formatStatusBar([evaluated('cerebras', [...requests, p95(9.5)])], OPTIONS).text, '$(warning) CB p95 9.5 s');
  });

  test('Northflank shows CPU as a share of its limit', () => {
    const cpu = sample('northflank.cpu', 0.2, NOW, { unit: 'vcpu', labels: { container: 'web' } });
    assert.equal(formatStatusBar([evaluated('northflank', [cpu], {}, { cpuLimitVcpu: 0.5 })], OPTIONS).text, '$(pulse) NF CPU 40 %');
    assert.equal(formatStatusBar([evaluated('northflank', [cpu])], OPTIONS).text, '$(pulse) NF CPU 0.2 vCPU');
  });

  test('Prometheus shows no figure and disabled connections are left out of the text', () => {
    const prometheus = snapshot({ kind: 'prometheus', latest: [sample('up', 1, NOW, { unit: 'none' })] });
    const disabled = snapshot({ kind: 'browserless', health: 'disabled', label: 'old' });
    assert.equal(formatStatusBar([disabled, prometheus], OPTIONS).text, '$(pulse) Prom');
    const allDisabled = formatStatusBar([disabled], OPTIONS);
    assert.equal(allDisabled.text, '$(pulse) Live Usage');
    assert.match(allDisabled.tooltipMarkdown, /All connections are disabled/);
  });

  test('two connections of one provider are told apart by label, with icon syntax escaped', () => {
    const view = formatStatusBar([browserless(3, 10, 0, { label: 'eu $(bug)' }), browserless(1, 5, 0, { label: 'us' })], OPTIONS);
    assert.equal(view.text, '$(pulse) eu \\$(bug) 3/10 sessions · us 1/5 sessions');
    assert.equal(escapeStatusBarText('a $(x) b'), 'a \\$(x) b');
  });
});

describe('tooltip', () => {
  test('one block per connection, laid out for the hover: name, state and age, then its values, then a quota past its threshold', () => {
    const warning = browserbase(5_520, { monthlyBrowserMinutes: 6_000 });
    const never = snapshot({ kind: 'northflank', label: 'api', health: 'loading' });
    const markdown = formatStatusBar([browserless(3, 10), warning, never], OPTIONS).tooltipMarkdown;
    const blocks = markdown.split('\n\n').filter((block) => block.startsWith('$('));
    assert.equal(blocks.length, 3);
    const [first, second, third] = blocks.map((block) => block.split('  \n'));
    assert.match(first?.[0] ?? '', /^\$\(pass\) \*\*prod \\\(Browserless\\\)\*\* · ok · updated 12 s ago$/);
    assert.match(first?.[1] ?? '', /^3 of 10 concurrent sessions running \\\(30 \\%\\\)\\, 0 of 10 queue places taken/);
    assert.equal(first?.length, 2, 'no quota line while every quota is fine');
    assert.match(second?.[0] ?? '', /^\$\(error\) \*\*staging/);
    assert.match(second?.[2] ?? '', /^Browser minutes 92 \\% \\\(critical\\\)/);
    assert.match(third?.[0] ?? '', /^\$\(sync~spin\) \*\*api \\\(Northflank\\\)\*\* · loading · never updated$/);
    assert.doesNotMatch(markdown, /^\|/m, 'no table');
    assert.ok(
      markdown.endsWith('---\n\n[Refresh](command:liveUsage.refresh) · [Open panel](command:liveUsage.openPanel) · [Show log](command:liveUsage.showLog)'),
    );
  });

  test('a label that already names its provider is not followed by the provider again', () => {
    const markdown = formatStatusBar([browserless(3, 10, 0, { label: 'Browserless (local)' })], OPTIONS).tooltipMarkdown;
    assert.match(markdown, /\*\*Browserless \\\(local\\\)\*\* ·/);
    assert.doesNotMatch(markdown, /Browserless.*Browserless/);
    assert.match(
      formatStatusBar([browserless(3, 10, 0, { label: 'Browserless (local)' })], OPTIONS).accessibilityLabel,
      /^Live Usage\. Browserless \(local\): /,
    );
  });

  test('labels and server messages cannot inject markup, links or extra lines', () => {
    const label = '*prod* [x](y)';
    const message = 'bad | gateway\n| injected | row |\n[click](https://evil.example) <img src=x>';
    const view = formatStatusBar([snapshot({ kind: 'browserless', label, health: 'error', error: { kind: 'server', message } })], OPTIONS);
    assert.ok(!view.tooltipMarkdown.includes(label), 'the raw label must not appear');
    assert.ok(view.tooltipMarkdown.includes(escapeMarkdown(label)));
    assert.doesNotMatch(view.tooltipMarkdown, /(?<!\\)\[click/);
    assert.ok(!view.tooltipMarkdown.includes('https://'), 'no bare URL to autolink');
    assert.doesNotMatch(view.tooltipMarkdown, /(?<!\\)<img/);
    assert.doesNotMatch(view.tooltipMarkdown, /^\\?\| injected/m, 'the message stays on its own line');
    assert.equal(view.tooltipMarkdown.split('\n\n').filter((block) => block.startsWith('$(')).length, 1, 'one block');
    // Every link left is one of ours.
    const links = [...view.tooltipMarkdown.matchAll(/(?<!\\)\[([^\]]*)\]\(([^)]*)\)/g)].map((match) => match[2]);
    assert.deepEqual(links, ['command:liveUsage.refresh', 'command:liveUsage.openPanel', 'command:liveUsage.showLog']);
  });

  test('escapeMarkdown escapes every punctuation character CommonMark gives meaning to', () => {
    assert.equal(escapeMarkdown('*a* [b](c) `d` _e_ | $(f) <g>'), '\\*a\\* \\[b\\]\\(c\\) \\`d\\` \\_e\\_ \\| \\$\\(f\\) \\<g\\>');
    assert.equal(escapeMarkdown('line\r\nbreak'), 'line break');
  });

  test('a pending retry is shown with the error', () => {
    const failing = snapshot({ kind: 'browserbase', health: 'error', error: { kind: 'rateLimited', message: 'HTTP 429', retryAt: NOW + 30_000 } });
    assert.match(formatStatusBar([failing], OPTIONS).tooltipMarkdown, /error\\: HTTP 429\\, retrying in 30 s/);
  });
});

describe('accessibility label', () => {
  test('full sentences with the numbers and no icon syntax', () => {
    const view = formatStatusBar([browserless(3, 10, 2), browserbase(5_520, { monthlyBrowserMinutes: 6_000 })], OPTIONS);
    assert.ok(!view.accessibilityLabel.includes('$('));
    assert.match(view.accessibilityLabel, /^Live Usage\. /);
    // Two queued is the worst figure (a warning): it is the one read out.
    assert.match(view.accessibilityLabel, /prod \(Browserless\): 2 of 10 queue places taken \(20 %\); warning: /);
    assert.match(formatStatusBar([browserless(10, 10, 2)], OPTIONS).accessibilityLabel, /10 of 10 concurrent sessions running \(100 %\), 2 queued/);
    assert.match(view.accessibilityLabel, /staging \(Browserbase\): 5,520 of 6,000 browser minutes used \(92 %\) \(reported by Browserbase\); critical: /);
    assert.match(view.accessibilityLabel, /A quota is at its critical level\.$/);
  });

  test('a failing connection is named with its message, ending in one period', () => {
    const view = formatStatusBar(
      [snapshot({ kind: 'northflank', label: 'api', health: 'error', error: { kind: 'network', message: 'Connection refused.' } })],
      OPTIONS,
    );
    assert.equal(view.accessibilityLabel, 'Live Usage. api (Northflank): failing: Connection refused.');
  });
});
