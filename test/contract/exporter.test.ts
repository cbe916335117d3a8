/**
 * The team exporter against the local provider servers, over real HTTP both ways: its /metrics read
 * back with the project's parser in strict OpenMetrics mode (zero issues, zero flags) and as 0.0.4
 * text, every exported number mapped back to the reading it came from, scrapes that never reach a
 * provider, a connection without a token down while the others poll, and no token in any metric,
 * label or log line, even when a server echoes one back. The exporter's clock is a FakeClock: it polls
 * each feed once at start and never again during the tests, so what a scrape shows is fixed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startExporter, type Exporter } from '../../src/exporter/exporter';
import { resolveTokens } from '../../src/exporter/tokens';
import type { LogSink } from '../../src/log';
import type { PromPoint } from '../../src/providers/prometheusQuery/client';
import { readExported } from '../../src/providers/prometheusQuery/normalize';
import { normalizeExposition } from '../../src/providers/prometheus/normalize';
import { descriptorFor, identify } from '../../src/providers/registry';
import { parsePrometheusText } from '../../src/prometheus/parsePrometheusText';
import type { ParseResult } from '../../src/prometheus/types';
import type { ConnectionConfig } from '../../src/shared/connections';
import { FakeClock } from '../unit/polling/fakeClock';
import { useSandbox } from '../support/sandbox';

const PROMETHEUS_ACCEPT =
  'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';
/** Feeds polled at start: Browserless 3, Browserbase 4, Northflank 1 (failing); Cerebras has no token. */
const FEEDS_POLLED = 8;

function connectionsFor(sandboxUrl: string): ConnectionConfig[] {
  return [
    { id: 'bl', kind: 'browserless', label: 'Local Browserless', baseUrl: `${sandboxUrl}/browserless`, authMode: 'bearer' },
    {
      id: 'bb',
      kind: 'browserbase',
      label: 'Local Browserbase',
      baseUrl: `${sandboxUrl}/browserbase`,
      projectId: 'proj_sandbox',
      quota: { monthlyBrowserMinutes: 30_000, warnPercent: 70 },
      usageScope: 'auto',
    },
    { id: 'nf', kind: 'northflank', label: 'Local Northflank', baseUrl: `${sandboxUrl}/northflank`, projectId: 'sandbox-project', resourceId: 'api' },
    { id: 'cb', kind: 'cerebras', label: 'Local Cerebras', baseUrl: `${sandboxUrl}/cerebras`, organizationId: 'org_sandbox' },
  ];
}

/** The parsed exposition as the points a Prometheus query would return (timestamps aside). */
function pointsOf(result: ParseResult, at: number): PromPoint[] {
  return result.families.flatMap((family) => family.samples.map((sample) => ({ name: sample.name, labels: sample.labels, at, value: sample.value })));
}

describe('the team exporter against the local provider servers', () => {
  const context = useSandbox();
  const lines: string[] = [];
  const log: LogSink = {
    info: (message) => lines.push(`info ${message}`),
    warn: (message) => lines.push(`warn ${message}`),
    error: (message) => lines.push(`error ${message}`),
    debug: (message) => lines.push(`debug ${message}`),
  };
  let exporter: Exporter;
  let connections: ConnectionConfig[];
  let tokens: string[];

  before(async () => {
    const { sandbox } = context;
    sandbox.setState({ browserless: { running: 4, maxConcurrent: 10, queued: 1, maxQueued: 10, cpu: 20, memory: 30, recentlyRejected: 0 } });
    // Northflank fails, and its error page carries the token it was sent.
    sandbox.injectFault({ route: '/northflank', fault: { kind: 'status', status: 500, body: `internal error for token ${sandbox.tokens.northflank}` } });
    connections = connectionsFor(sandbox.url);
    tokens = [sandbox.tokens.browserless, sandbox.tokens.browserbase, sandbox.tokens.northflank];
    const env = {
      LIVE_USAGE_TOKEN_BL: sandbox.tokens.browserless,
      BROWSERBASE_API_KEY: sandbox.tokens.browserbase,
      LIVE_USAGE_TOKEN_NF_FILE: '/run/secrets/nf',
    };
    const resolved = resolveTokens(connections, {
      env,
      readFile: (path) => {
        assert.equal(path, '/run/secrets/nf');
        return `${sandbox.tokens.northflank}\n`;
      },
    });
    assert.deepEqual(resolved.fatal, []);
    let attempts = 0;
    let polled!: () => void;
    const allPolled = new Promise<void>((resolve) => (polled = resolve));
    exporter = await startExporter({
      connections,
      tokens: resolved.tokens,
      port: 0,
      log,
      version: 'test',
      clock: new FakeClock(Date.now()),
      random: () => 0.5,
      onUpdate: () => {
        if (++attempts >= FEEDS_POLLED) polled();
      },
    });
    await allPolled;
  });

  after(() => exporter?.close());

  const scrape = async (accept?: string) => {
    const response = await fetch(`${exporter.url}/metrics`, { headers: accept ? { accept } : {} });
    assert.equal(response.status, 200);
    return { contentType: response.headers.get('content-type') ?? '', text: await response.text() };
  };

  test('OpenMetrics for Prometheus: the strict parser reads it with zero issues and zero flags', async () => {
    const { contentType, text } = await scrape(PROMETHEUS_ACCEPT);
    assert.equal(contentType, 'application/openmetrics-text; version=1.0.0; charset=utf-8');
    const result = parsePrometheusText(text, { format: 'openmetrics', contentType });
    assert.deepEqual(result.issues, []);
    assert.deepEqual(result.flags, [], 'no rule broken, not even one Prometheus would forgive');
    assert.equal(result.format, 'openmetrics');
    assert.ok(result.sawEof);
    const samples = normalizeExposition(result, { at: Date.now() });
    assert.deepEqual(
      samples.filter((sample) => sample.flags !== undefined).map((sample) => sample.series),
      [],
    );
    for (const family of result.families) {
      assert.ok(family.name.startsWith('live_usage_'), family.name);
      assert.ok(family.help && family.help.length > 10, `${family.name} has HELP`);
      assert.ok(['gauge', 'counter', 'info'].includes(family.type), `${family.name} is a ${family.type}`);
      if (family.name === 'live_usage_exporter' || family.name === 'live_usage_scrape_duration_seconds') continue;
      for (const sample of family.samples) {
        assert.ok(sample.labels.connection && sample.labels.provider, `${sample.name} ${JSON.stringify(sample.labels)} names its connection and provider`);
      }
    }
    const byName = new Map(result.families.map((family) => [family.name, family]));
    assert.equal(byName.get('live_usage_browserless_metrics_mean_time_seconds')?.unit, 'seconds');
    assert.equal(byName.get('live_usage_browserbase_usage_browser_minutes')?.unit, 'minutes');
    assert.equal(byName.get('live_usage_browserless_total_successful')?.type, 'counter');
    assert.equal(byName.get('live_usage_connection')?.type, 'info');
    const running = byName.get('live_usage_browserless_pressure_running')?.samples;
    assert.deepEqual(
      running?.map((sample) => [sample.labels, sample.value]),
      [[{ connection: 'bl', provider: 'browserless' }, 4]],
    );
    const quota = byName.get('live_usage_quota_setting')?.samples.map((sample) => [sample.labels.connection, sample.labels.setting, sample.value]);
    assert.deepEqual(quota, [
      ['bb', 'monthlyBrowserMinutes', 30_000],
      ['bb', 'warnPercent', 70],
    ]);
    assert.equal(byName.get('live_usage_connection')?.samples.find((sample) => sample.labels.connection === 'bb')?.labels.usage_scope, 'auto');
  });

  test('every exported number maps back to the reading it came from', async () => {
    const { text } = await scrape(PROMETHEUS_ACCEPT);
    const points = pointsOf(parsePrometheusText(text, { format: 'openmetrics' }), Date.now());
    for (const connection of exporter.poller.connections) {
      const descriptor = descriptorFor(connection.config);
      const { samples } = readExported(
        descriptor,
        points.filter((point) => point.labels.connection === connection.config.id),
      );
      const key = (sample: { series: string; labels?: Readonly<Record<string, string>>; unit: string }) =>
        identify(descriptor, { series: sample.series, unit: sample.unit as never, ...(sample.labels ? { labels: sample.labels } : {}) }).key;
      const exported = new Map(samples.map((sample) => [key(sample), sample]));
      const held = connection.values.latest();
      assert.equal(exported.size, held.length, `${connection.config.id}: one exported series per reading held`);
      for (const reading of held) {
        const back = exported.get(key(reading));
        assert.ok(back, `${connection.config.id}: ${key(reading)} is exported`);
        assert.equal(back.unit, reading.unit, `${key(reading)}: unit`);
        if (reading.value === null) assert.equal(back.value, null);
        else
          assert.ok(
            Math.abs((back.value ?? NaN) - reading.value) <= 1e-9 * Math.max(1, Math.abs(reading.value)),
            `${key(reading)}: ${back.value} vs ${reading.value}`,
          );
      }
    }
    assert.ok(exporter.poller.connections.find((connection) => connection.config.id === 'bb')!.values.latest().length >= 6);
  });

  test('Prometheus text 0.0.4 when the client does not ask for OpenMetrics: the same numbers, no issues', async () => {
    const plain = await scrape();
    assert.equal(plain.contentType, 'text/plain; version=0.0.4; charset=utf-8');
    assert.ok(!plain.text.includes('# EOF') && !plain.text.includes('# UNIT'));
    const result = parsePrometheusText(plain.text, { format: 'auto', contentType: plain.contentType });
    assert.equal(result.format, 'prometheus', 'the Content-Type says 0.0.4');
    assert.deepEqual(result.issues, []);
    assert.deepEqual(result.flags, []);
    const open = parsePrometheusText((await scrape(PROMETHEUS_ACCEPT)).text, { format: 'openmetrics' });
    const values = (parsed: ParseResult) =>
      parsed.families
        .flatMap((family) => family.samples.map((sample) => `${sample.name}${JSON.stringify(sample.labels)} ${sample.value}`))
        .filter((line) => !line.startsWith('live_usage_scrape_duration_seconds'))
        .sort();
    assert.deepEqual(values(result), values(open));
  });

  test('a scrape never reaches a provider: it reads what the poller holds', async () => {
    const { sandbox } = context;
    sandbox.clearRequests();
    for (let round = 0; round < 5; round++) {
      await scrape(PROMETHEUS_ACCEPT);
      await scrape();
      await fetch(`${exporter.url}/healthz`).then((response) => response.text());
    }
    assert.deepEqual(sandbox.requests, []);
  });

  test('a connection without a token is down, the reason in a plain log line; the others poll', async () => {
    const { text } = await scrape(PROMETHEUS_ACCEPT);
    const up = parsePrometheusText(text, { format: 'openmetrics' })
      .families.find((family) => family.name === 'live_usage_up')
      ?.samples.map((sample) => [sample.labels.connection, sample.value]);
    assert.deepEqual(up, [
      ['bb', 1],
      ['bl', 1],
      ['cb', 0],
      ['nf', 0],
    ]);
    const reason = lines.filter((line) => line.includes('cb:'));
    assert.deepEqual(reason, [
      'warn cb: down, not polled: no token: set LIVE_USAGE_TOKEN_CB or LIVE_USAGE_TOKEN_CB_FILE, then CEREBRAS_API_KEY or CEREBRAS_API_KEY_FILE',
    ]);
    assert.ok(!text.includes('org_sandbox'), 'the down connection exports nothing but its health');
  });

  test('a failing provider: down, its failures counted by kind, and no token anywhere, even echoed back', async () => {
    const { text } = await scrape(PROMETHEUS_ACCEPT);
    const plain = (await scrape()).text;
    const families = parsePrometheusText(text, { format: 'openmetrics' }).families;
    const errors = families.find((family) => family.name === 'live_usage_poll_errors')?.samples;
    assert.deepEqual(
      errors?.map((sample) => [sample.name, sample.labels, sample.value]),
      [['live_usage_poll_errors_total', { connection: 'nf', provider: 'northflank', feed: 'metrics', kind: 'server' }, 1]],
    );
    const failure = lines.find((line) => line.startsWith('warn nf: metrics failed (server)'));
    assert.ok(failure, `no failure line in ${lines.join('\n')}`);
    assert.match(failure, /\[redacted\]/, 'the echoed token was masked');
    for (const token of tokens) {
      assert.ok(!text.includes(token) && !plain.includes(token), `${token} appears in /metrics`);
      for (const line of lines) assert.ok(!line.includes(token), `${token} appears in the log: ${line}`);
    }
  });

  test('/healthz answers for orchestration; other paths and methods do not', async () => {
    const health = await fetch(`${exporter.url}/healthz`);
    assert.equal(health.status, 200);
    assert.equal(await health.text(), 'ok: 2 of 4 connection(s) up\n');
    assert.equal((await fetch(`${exporter.url}/`)).status, 200);
    assert.equal((await fetch(`${exporter.url}/metrics/extra`)).status, 404);
    const post = await fetch(`${exporter.url}/metrics`, { method: 'POST', body: 'x' });
    assert.equal(post.status, 405);
    assert.equal(post.headers.get('allow'), 'GET, HEAD');
    const head = await fetch(`${exporter.url}/metrics`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(await head.text(), '');
  });
});
