/**
 * Property: whatever a server echoes of the token it was sent, no 8-character slice of any wire form
 * of that token survives anywhere the extension puts text: errors, the log, the connection snapshot,
 * the webview message, the history files and the shared snapshot file. Random tokens from the whole
 * printable ASCII range; every client and auth mode; the echo at a random offset, in any case, in
 * error bodies (JSON or text), in data that becomes labels and notes, in a redirect's Location.
 *
 * The pipeline is the real one from a feed on: feedsFor (what ConnectionService polls), the
 * RedactingLog, the snapshot builder (quotas, value rows, figures), the history store,
 * SharedSnapshots and the panel's message shape.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { feedsFor } from '../../src/connections/feeds';
import { buildSnapshot } from '../../src/connections/snapshotBuilder';
import { HistoryStore } from '../../src/history/historyStore';
import { isProviderError } from '../../src/http/errors';
import { HttpClient } from '../../src/http/httpClient';
import { secretForms } from '../../src/http/redact';
import { RedactingLog } from '../../src/log';
import { SharedSnapshots } from '../../src/polling/sharedSnapshots';
import type { Reading } from '../../src/providers/types';
import { toColumns } from '../../src/shared/columns';
import type { ConnectionConfig } from '../../src/shared/connections';
import type { PanelSnapshot } from '../../src/shared/panelProtocol';
import type { ConnectionSnapshot } from '../../src/shared/snapshot';

const CLIENTS = [
  'blQueryV2',
  'blBearerV2',
  'blBasicV2',
  'blQueryV1',
  'blBasicV1',
  'blMetricsQueryV2',
  'blMetricsBasicV1',
  'browserbase',
  'northflank',
  'cerebras',
  'prometheus',
] as const;
/** Clients polled through their `metrics` feed (a body streamed through the parser worker) instead of their first feed. */
const METRICS_FEED: ReadonlySet<Client> = new Set(['blMetricsQueryV2', 'blMetricsBasicV1']);
type Client = (typeof CLIENTS)[number];

interface Scenario {
  readonly placement: 'error' | 'success' | 'redirect';
  readonly status: number;
  readonly textBody: boolean;
  /** What of the request the server echoes: the credential as received, its decoded value, or the whole URL. */
  readonly echo: 'credential' | 'decoded' | 'url';
  readonly letterCase: 'same' | 'upper' | 'lower';
  /** Characters before the echo (not ASCII, so never part of a token). */
  readonly pad: number;
  /** Off: the same answer without the echo, to tell our own text from a leak. */
  readonly echoOff?: boolean;
}

function configFor(client: Client, origin: string): ConnectionConfig {
  const base = { id: 'echo', label: 'Echo' };
  switch (client) {
    case 'blQueryV2':
      return { ...base, kind: 'browserless', baseUrl: `${origin}/bl`, authMode: 'query' };
    case 'blBearerV2':
      return { ...base, kind: 'browserless', baseUrl: `${origin}/bl`, authMode: 'bearer' };
    case 'blBasicV2':
      return { ...base, kind: 'browserless', baseUrl: `${origin}/bl`, authMode: 'basic' };
    case 'blQueryV1':
      return { ...base, kind: 'browserless', baseUrl: `${origin}/bl`, authMode: 'query', browserlessVersion: 'v1' };
    case 'blBasicV1':
      return { ...base, kind: 'browserless', baseUrl: `${origin}/bl`, authMode: 'basic', browserlessVersion: 'v1' };
    case 'blMetricsQueryV2':
      return { ...base, kind: 'browserless', baseUrl: `${origin}/bl`, authMode: 'query' };
    case 'blMetricsBasicV1':
      return { ...base, kind: 'browserless', baseUrl: `${origin}/bl`, authMode: 'basic', browserlessVersion: 'v1' };
    case 'browserbase':
      return { ...base, kind: 'browserbase', baseUrl: `${origin}/bb`, projectId: 'proj_echo' };
    case 'northflank':
      return { ...base, kind: 'northflank', baseUrl: `${origin}/nf`, projectId: 'p', resourceId: 's' };
    case 'cerebras':
      return { ...base, kind: 'cerebras', baseUrl: `${origin}/cb`, organizationId: 'org_echo' };
    case 'prometheus':
      return { ...base, kind: 'prometheus', baseUrl: `${origin}/prom/metrics` };
  }
}

/** What the server received of the token, in the form the scenario echoes. */
function echoOf(request: IncomingMessage, scenario: Scenario): string {
  if (scenario.echoOff) return 'nothing echoed';
  const url = request.url ?? '';
  const rawQuery = /[?&]token=([^&]*)/.exec(url)?.[1];
  const header = request.headers.authorization ?? (request.headers['x-bb-api-key'] as string | undefined);
  let echoed: string;
  if (scenario.echo === 'url') echoed = url;
  else if (scenario.echo === 'decoded') {
    echoed = rawQuery !== undefined ? (new URLSearchParams(`t=${rawQuery}`).get('t') ?? '') : (header ?? '').replace(/^(Bearer|Basic) /, '');
    if (header?.startsWith('Basic ')) echoed = Buffer.from(echoed, 'base64').toString('utf8');
  } else echoed = rawQuery ?? header ?? url;
  return scenario.letterCase === 'upper' ? echoed.toUpperCase() : scenario.letterCase === 'lower' ? echoed.toLowerCase() : echoed;
}

function exposition(text: string, cerebras: boolean): string {
  const label = JSON.stringify(text).slice(1, -1);
  const family = cerebras ? 'requests_count_total' : 'echo_requests_total';
  return [
    `# HELP ${family} Requests (${text.replace(/\n/g, ' ')})`,
    `# TYPE ${family} gauge`,
    `${family}{endpoint="${label}"} 3`,
    `${text} is not an exposition line`,
    'up 1',
    '',
  ].join('\n');
}

function successBody(path: string, text: string, echoed: string): { type: string; body: string } {
  const json = (value: unknown) => ({ type: 'application/json', body: JSON.stringify(value) });
  if (path === '/bl/metrics') {
    // Periods with the echo as a field name (bare, so a token that could be a series name would become
    // one if it were not masked), as a value, and far into a long body, so it is cut between packets.
    const at = Date.now() - 10 * 60_000;
    const period = (date: number) => ({ date, successful: 1, error: 0, timedout: 0, queued: 0, rejected: 0, units: 0, [echoed]: 1, [text]: 2, echo: text });
    return { type: 'application/json', body: JSON.stringify([period(at - 300_000), { ...period(at), padding: 'p'.repeat(70_000) }, period(at + 300_000)]) };
  }
  if (path.startsWith('/bl/')) {
    return json({
      pressure: {
        running: 1,
        queued: 0,
        maxConcurrent: 2,
        maxQueued: 1,
        recentlyRejected: 0,
        cpu: 1,
        memory: 2,
        isAvailable: false,
        reason: text,
        message: text,
      },
    });
  }
  if (path.startsWith('/bb/')) return json({ browserMinutes: 5, proxyBytes: text });
  if (path.startsWith('/nf/')) {
    const ts = new Date().toISOString();
    return json({ data: { cpu: { metricInfo: { metricUnit: 'pct' }, values: [{ metadata: { containerId: text }, data: [{ value: 1, ts }] }] } } });
  }
  return { type: 'text/plain; version=0.0.4', body: exposition(text, path.startsWith('/cb/')) };
}

let scenario: Scenario;

function answer(request: IncomingMessage, response: ServerResponse): void {
  const path = (request.url ?? '').split('?')[0] ?? '';
  const echoed = echoOf(request, scenario);
  const text = `${'·'.repeat(scenario.pad)}${echoed} and the rest`;
  if (scenario.placement === 'redirect') {
    response.writeHead(302, { location: `https://login.example.test/?next=${encodeURIComponent(text)}`, 'content-type': 'application/json' });
    response.end(JSON.stringify({ message: text }));
    return;
  }
  if (scenario.placement === 'success') {
    const { type, body } = successBody(path, text, echoed);
    response.writeHead(200, { 'content-type': type });
    response.end(body);
    return;
  }
  response.writeHead(scenario.status, { 'content-type': scenario.textBody ? 'text/plain' : 'application/json', 'x-echo': text.replace(/[^\x20-\x7e]/g, '') });
  response.end(scenario.textBody ? text : JSON.stringify({ statusCode: scenario.status, error: 'Echo', message: text }));
}

/** Everything the extension would show, log or write after one poll of the echo server. */
async function outputs(client: Client, token: string, origin: string, http: HttpClient): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'live-usage-echo-'));
  try {
    const config = configFor(client, origin);
    const logged: string[] = [];
    const sink = (line: string) => void logged.push(line);
    const log = new RedactingLog({ info: sink, warn: sink, error: sink, debug: sink });
    log.addSecret(token);
    const feeds = feedsFor(config, token, http);
    const feed = METRICS_FEED.has(client) ? feeds.find((candidate) => candidate.name === 'metrics') : feeds[0];
    assert.ok(feed);
    let reading: Reading | undefined;
    let failure: unknown;
    try {
      reading = await feed.run(AbortSignal.timeout(5000));
      log.debug(`${config.label}: ${feed.name} read ${reading.samples.length} value(s); notes: ${(reading.notes ?? []).join(' | ')}`);
    } catch (error) {
      failure = error;
      log.warn(`${config.label}: ${feed.name} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    const now = Date.now();
    const latest = reading?.samples ?? [];
    const snapshot = buildSnapshot({
      config,
      latest,
      previous: [],
      history: [],
      health: failure ? 'error' : 'ok',
      ...(isProviderError(failure) ? { error: { kind: failure.kind, message: failure.message } } : {}),
      notes: [...(reading?.notes ?? [])],
      tokenSource: 'secretStorage',
      now,
    });
    const history = await HistoryStore.open(join(folder, 'history'), { fullResolutionDays: 7, downsampledDays: 30, log });
    await history.append(config.id, latest);
    const shared = new SharedSnapshots<ConnectionSnapshot>({ folder: join(folder, 'coordination'), windowId: 'w' });
    await shared.write(config.id, { data: snapshot });
    const samples = await history.query(config.id, { from: now - 3_600_000, to: now + 60_000 });
    const message: PanelSnapshot = {
      type: 'snapshot',
      now,
      range: '1h',
      ranges: ['1h'],
      fitted: false,
      connections: [snapshot],
      histories: [{ connectionId: config.id, from: now - 3_600_000, to: now, warnPercent: 75, criticalPercent: 90, series: toColumns(samples) }],
    };
    // What the page receives is this, cloned: it holds only data.
    assert.deepEqual(JSON.parse(JSON.stringify(message)), message, 'the message survives the trip to the page');
    await history.close();
    const files: string[] = [];
    for (const entry of await readdir(folder, { recursive: true, withFileTypes: true })) {
      if (entry.isFile()) files.push(await readFile(join(entry.parentPath, entry.name), 'utf8'));
    }
    return [
      failure instanceof Error ? `${failure.message}\n${JSON.stringify(failure)}` : String(failure ?? ''),
      JSON.stringify(reading ?? null),
      logged.join('\n'),
      JSON.stringify(message),
      ...files,
    ].join('\n');
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

function slicesOf(token: string): string[] {
  const slices = new Set<string>();
  for (const form of secretForms(token)) for (let index = 0; index + 8 <= form.length; index++) slices.add(form.slice(index, index + 8).toLowerCase());
  return [...slices];
}

const printable = fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code));
/** Tokens as the token store keeps them: trimmed. */
const tokens = fc.string({ unit: printable, minLength: 12, maxLength: 40 }).filter((token) => token.trim() === token);
const scenarios: fc.Arbitrary<Scenario> = fc.record({
  placement: fc.constantFrom('error', 'success', 'redirect'),
  status: fc.constantFrom(400, 401, 403, 429, 500, 503),
  textBody: fc.boolean(),
  echo: fc.constantFrom('credential', 'decoded', 'url'),
  letterCase: fc.constantFrom('same', 'upper', 'lower'),
  pad: fc.integer({ min: 0, max: 400 }),
});

describe('a server that echoes the token', () => {
  let http: HttpClient;
  let origin: string;
  let close: () => Promise<void>;

  before(async () => {
    http = new HttpClient({ timeouts: { connectMs: 2000, headersMs: 3000, bodyMs: 3000, totalMs: 5000 } });
    const server = createServer(answer);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
  });
  after(async () => {
    await http.close();
    await close();
  });

  test('property: no 8-character slice of any wire form of the token survives anywhere, in any client or auth mode', async () => {
    const awkward = 'tilde~bang!quote\'paren(s)"back\\slash 9%';
    const examples: [string, Client, Scenario][] = CLIENTS.map((client, index) => [
      awkward,
      client,
      {
        placement: (['error', 'success', 'redirect'] as const)[index % 3] ?? 'error',
        status: 500,
        textBody: index % 2 === 0,
        echo: 'credential',
        letterCase: 'same',
        pad: 285,
      },
    ]);
    // A token that could be a field name, echoed into /metrics periods: only masking keeps it out of series ids.
    for (const client of ['blMetricsQueryV2', 'blMetricsBasicV1'] as const) {
      examples.push(['AlnumToken_0123456789', client, { placement: 'success', status: 200, textBody: false, echo: 'decoded', letterCase: 'same', pad: 0 }]);
    }
    await fc.assert(
      fc.asyncProperty(tokens, fc.constantFrom(...CLIENTS), scenarios, async (token, client, chosen) => {
        scenario = chosen;
        const seen = (await outputs(client, token, origin, http)).toLowerCase();
        const survivors = slicesOf(token).filter((slice) => seen.includes(slice));
        if (survivors.length === 0) return;
        // Our own text may contain an 8-character run of a random token: the same poll without the echo tells.
        scenario = { ...chosen, echoOff: true };
        const control = (await outputs(client, token, origin, http)).toLowerCase();
        const leaks = survivors.filter((slice) => !control.includes(slice));
        assert.deepEqual(leaks, [], `${client}, ${JSON.stringify(chosen)}: token ${JSON.stringify(token)} leaks ${JSON.stringify(leaks)}`);
      }),
      { numRuns: Number(process.env.LIVE_USAGE_ECHO_RUNS ?? 120), examples, includeErrorInReport: true },
    );
  });
});
