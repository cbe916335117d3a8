/**
 * The Browserbase sessions panel's results in headless Chromium: the production sessions bundle on
 * a page with a stand-in for VS Code's webview API, sent a result of 1,000, 5,000 and 10,000
 * sessions. Measured from the host's message to the frame that shows the table (sorting, totals,
 * the usage-by-tag chart and table, and layout included), against a peer that draws the same 1,000
 * rows with @vscode-elements' own table components. Target: under 100 ms for 1,000 rows.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import type { Page } from 'playwright-core';
import { toSessionColumns, type SessionRow } from '../src/shared/sessionColumns';
import type { SessionsHostMessage } from '../src/shared/sessionsProtocol';

export const SESSIONS_TARGET_MS = 100;
const SIZES = [1000, 5000, 10_000];
const ROUNDS = 5;

const CLIENTS = ['acme', 'globex', 'initech', 'umbrella', "o'reilly", 'hooli', 'stark', 'wayne'];
const WORKFLOWS = ['checkout', 'search', 'login', 'invoice'];
const STATUSES = ['COMPLETED', 'COMPLETED', 'COMPLETED', 'ERROR', 'TIMED_OUT', 'RUNNING'];

export function sessionRows(count: number, now: number): SessionRow[] {
  return Array.from({ length: count }, (_, i) => {
    const created = now - (i + 1) * 90_000;
    const status = STATUSES[i % STATUSES.length] ?? 'COMPLETED';
    return {
      id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      status,
      region: ['us-west-2', 'us-east-1', 'eu-central-1'][i % 3] ?? 'us-west-2',
      createdAt: new Date(created).toISOString(),
      startedAt: new Date(created + 1000).toISOString(),
      endedAt: status === 'RUNNING' ? null : new Date(created + 1000 + ((i * 7919) % 600_000)).toISOString(),
      proxyBytes: (i * 104_729) % 50_000_000,
      keepAlive: i % 10 === 0,
      userMetadata: { client: CLIENTS[i % CLIENTS.length], workflow: { name: WORKFLOWS[i % WORKFLOWS.length] }, run: String(i) },
    };
  });
}

/** The page, like the host's shell, with the stand-in API that timestamps the frame after each `rendered`. */
export function writeSessionsPage(folder: string, themeCss: string): string {
  writeFileSync(join(folder, 'sessions-theme.css'), themeCss);
  writeFileSync(
    join(folder, 'sessions.html'),
    `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8"><link rel="stylesheet" href="sessions-theme.css"><link rel="stylesheet" href="codicon.css" id="vscode-codicon-stylesheet"><link rel="stylesheet" href="views.css"><link rel="stylesheet" href="sessions.css"></head>
<body class="vscode-dark"><main id="app" class="surface-sessions" aria-busy="true"></main>
<script src="fake-vscode.js"></script><script src="sessions.js"></script></body></html>`,
  );
  return pathToFileURL(join(folder, 'sessions.html')).href;
}

async function peerScript(): Promise<string> {
  const contents = `
import '@vscode-elements/elements/dist/vscode-table/index.js';
import '@vscode-elements/elements/dist/vscode-table-header/index.js';
import '@vscode-elements/elements/dist/vscode-table-header-cell/index.js';
import '@vscode-elements/elements/dist/vscode-table-body/index.js';
import '@vscode-elements/elements/dist/vscode-table-row/index.js';
import '@vscode-elements/elements/dist/vscode-table-cell/index.js';
window.peerTable = (rows) => new Promise((done) => {
  const started = performance.now();
  const table = document.createElement('vscode-table');
  const header = document.createElement('vscode-table-header');
  for (const name of ['Session', 'Status', 'Region', 'Created', 'Proxy', 'Metadata']) {
    const cell = document.createElement('vscode-table-header-cell');
    cell.textContent = name;
    header.append(cell);
  }
  const body = document.createElement('vscode-table-body');
  for (const row of rows) {
    const tr = document.createElement('vscode-table-row');
    for (const text of [row.id, row.status, row.region, row.createdAt, String(row.proxyBytes), JSON.stringify(row.userMetadata)]) {
      const cell = document.createElement('vscode-table-cell');
      cell.textContent = text;
      tr.append(cell);
    }
    body.append(tr);
  }
  table.append(header, body);
  document.body.replaceChildren(table);
  requestAnimationFrame(() => setTimeout(() => done(performance.now() - started)));
});`;
  const result = await esbuild.build({
    stdin: { contents, resolveDir: process.cwd(), loader: 'js' },
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]?.text ?? '';
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function showResult(page: Page, url: string, rows: SessionRow[]): Promise<{ shownMs: number; tableMs: number; drawn: number }> {
  await page.goto(url);
  await page.waitForFunction(() => (window as unknown as { posted: { message: { type: string } }[] }).posted.some((e) => e.message.type === 'ready'));
  const init: SessionsHostMessage = {
    type: 'init',
    connections: [{ id: 'bb', label: 'Browserbase', runawayMinutes: 30 }],
    savedQueries: [],
    regions: ['us-west-2'],
    timeoutRange: [60, 21600],
    connectionId: 'bb',
  };
  await page.evaluate((m) => (window as unknown as { send: (m: unknown) => void }).send(m), init as unknown as Record<string, unknown>);
  // The page runs its query at once (request 1); the answer is the result set.
  await page.waitForFunction(() => (window as unknown as { posted: { message: { type: string } }[] }).posted.some((e) => e.message.type === 'find'));
  const results: SessionsHostMessage = {
    type: 'results',
    requestId: 1,
    connectionId: 'bb',
    sessions: toSessionColumns(rows),
    returned: rows.length,
    fetchedAt: Date.now(),
  };
  const sentAt = await page.evaluate(
    (m) => {
      const w = window as unknown as { send: (m: unknown) => void; sentAt: number };
      w.send(m);
      return w.sentAt;
    },
    results as unknown as Record<string, unknown>,
  );
  const handle = await page.waitForFunction(() => {
    const entry = (window as unknown as { posted: { message: { type: string; rows: number; ms: number }; paintedAt?: number }[] }).posted.find(
      (e) => e.message.type === 'rendered',
    );
    return entry?.paintedAt === undefined ? undefined : { paintedAt: entry.paintedAt, ms: entry.message.ms, rows: entry.message.rows };
  });
  const { paintedAt, ms, rows: drawn } = (await handle.jsonValue()) as { paintedAt: number; ms: number; rows: number };
  return { shownMs: paintedAt - sentAt, tableMs: ms, drawn };
}

/** Rows for the bench table: [measure, value, target, result]. */
export async function runSessionsBench(page: Page, folder: string, themeCss: string): Promise<[string, string, string, string][]> {
  const url = writeSessionsPage(folder, themeCss);
  const now = Date.now();
  const rows: [string, string, string, string][] = [];
  for (const size of SIZES) {
    const shown: number[] = [];
    const table: number[] = [];
    let drawn = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const result = await showResult(page, url, sessionRows(size, now));
      shown.push(result.shownMs);
      table.push(result.tableMs);
      drawn = result.drawn;
    }
    const ok = median(shown) < SESSIONS_TARGET_MS;
    rows.push([
      `sessions: ${size.toLocaleString('en')} results, message → table painted (ms, median of ${ROUNDS})`,
      median(shown).toFixed(1),
      `< ${SESSIONS_TARGET_MS}`,
      ok ? 'met' : 'MISSED',
    ]);
    rows.push([
      `  of which building the table's ${drawn.toLocaleString('en')} drawn rows (ms)`,
      median(table).toFixed(1),
      `< ${SESSIONS_TARGET_MS}`,
      median(table) < SESSIONS_TARGET_MS ? 'met' : 'MISSED',
    ]);
  }
  const peer = await page.context().newPage();
  await peer.setContent('<!DOCTYPE html><html><body></body></html>');
  await peer.addScriptTag({ content: await peerScript() });
  const peerTimes: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    peerTimes.push(
      await peer.evaluate(
        (data) => (window as unknown as { peerTable: (rows: unknown) => Promise<number> }).peerTable(data),
        sessionRows(1000, now) as unknown as Record<string, unknown>,
      ),
    );
  }
  await peer.close();
  rows.push(['  peer: @vscode-elements vscode-table, 1,000 rows → frame (ms)', median(peerTimes).toFixed(1), '', '']);
  return rows;
}
