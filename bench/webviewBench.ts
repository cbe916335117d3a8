/**
 * The usage panel in headless Chromium (playwright-core, /usr/bin/chromium): the production panel
 * bundle on a local page with a stand-in for VS Code's webview API, fed the snapshots the host sends.
 * - bundle sizes (minified) against a peer that takes all of Chart.js and all of vscode-elements;
 * - time from the host's first snapshot to the first chart drawn, and to the frame that shows it;
 * - redraw time of a 43,200-point series (30 days per minute) after downsampling, against Chart.js
 *   drawing the raw points;
 * - the Browserbase sessions panel showing 1,000 to 10,000 results (bench/sessionsBench.ts).
 * `LIVE_USAGE_BENCH_SCREENSHOTS=<dir>` also saves the panel and the sidebar in three themes.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { chromium, type Page } from 'playwright-core';
import type { PanelHostMessage } from '../src/shared/panelProtocol';
import type { SidebarHostMessage } from '../src/shared/sidebarProtocol';
import { runSessionsBench } from './sessionsBench';
import { longSeriesSnapshot, panelSnapshot, sidebarSnapshot } from './webviewFixtures';

const WEBVIEW_TARGET_KB = 350;
const FIRST_PAINT_TARGET_MS = 300;
const REDRAW_TARGET_MS = 16;
const ROUNDS = 5;

/** A few of each theme's variables, as VS Code sets them on <html>. */
const THEMES: Record<'dark' | 'light' | 'highContrast', { bodyClass: string; variables: Record<string, string> }> = {
  dark: {
    bodyClass: 'vscode-dark',
    variables: {
      '--vscode-foreground': '#cccccc',
      '--vscode-descriptionForeground': '#9d9d9d',
      '--vscode-editor-background': '#1f1f1f',
      '--vscode-sideBar-background': '#181818',
      '--vscode-editorWidget-border': '#454545',
      '--vscode-panel-border': '#2b2b2b',
      '--vscode-focusBorder': '#0078d4',
      '--vscode-charts-blue': '#3794ff',
      '--vscode-charts-orange': '#d18616',
      '--vscode-charts-green': '#89d185',
      '--vscode-charts-purple': '#b180d7',
      '--vscode-charts-yellow': '#cca700',
      '--vscode-charts-red': '#f14c4c',
      '--vscode-editorWarning-foreground': '#cca700',
      '--vscode-editorError-foreground': '#f14c4c',
      '--vscode-errorForeground': '#f85149',
      '--vscode-badge-background': '#616161',
      '--vscode-badge-foreground': '#f8f8f8',
      '--vscode-textLink-foreground': '#4daafc',
      '--vscode-button-secondaryBackground': '#313131',
      '--vscode-button-secondaryForeground': '#cccccc',
      '--vscode-font-family': 'system-ui, sans-serif',
      '--vscode-font-size': '13px',
    },
  },
  light: {
    bodyClass: 'vscode-light',
    variables: {
      '--vscode-foreground': '#3b3b3b',
      '--vscode-descriptionForeground': '#717171',
      '--vscode-editor-background': '#ffffff',
      '--vscode-sideBar-background': '#f8f8f8',
      '--vscode-editorWidget-border': '#c8c8c8',
      '--vscode-panel-border': '#e5e5e5',
      '--vscode-focusBorder': '#005fb8',
      '--vscode-charts-blue': '#1a85ff',
      '--vscode-charts-orange': '#d18616',
      '--vscode-charts-green': '#388a34',
      '--vscode-charts-purple': '#652d90',
      '--vscode-charts-yellow': '#bf8803',
      '--vscode-charts-red': '#e51400',
      '--vscode-editorWarning-foreground': '#bf8803',
      '--vscode-editorError-foreground': '#e51400',
      '--vscode-errorForeground': '#f85149',
      '--vscode-badge-background': '#cccccc',
      '--vscode-badge-foreground': '#3b3b3b',
      '--vscode-textLink-foreground': '#005fb8',
      '--vscode-button-secondaryBackground': '#e5e5e5',
      '--vscode-button-secondaryForeground': '#3b3b3b',
      '--vscode-font-family': 'system-ui, sans-serif',
      '--vscode-font-size': '13px',
    },
  },
  highContrast: {
    bodyClass: 'vscode-high-contrast',
    variables: {
      '--vscode-foreground': '#ffffff',
      '--vscode-descriptionForeground': '#ffffff',
      '--vscode-editor-background': '#000000',
      '--vscode-sideBar-background': '#000000',
      '--vscode-editorWidget-border': '#6fc3df',
      '--vscode-contrastBorder': '#6fc3df',
      '--vscode-panel-border': '#6fc3df',
      '--vscode-focusBorder': '#f38518',
      '--vscode-charts-blue': '#3794ff',
      '--vscode-charts-orange': '#d18616',
      '--vscode-charts-green': '#89d185',
      '--vscode-charts-purple': '#b180d7',
      '--vscode-charts-yellow': '#ffff00',
      '--vscode-charts-red': '#f48771',
      '--vscode-editorWarning-foreground': '#ffd370',
      '--vscode-editorError-foreground': '#f48771',
      '--vscode-errorForeground': '#f48771',
      '--vscode-badge-background': '#000000',
      '--vscode-badge-foreground': '#ffffff',
      '--vscode-textLink-foreground': '#21a6ff',
      '--vscode-font-family': 'system-ui, sans-serif',
      '--vscode-font-size': '13px',
    },
  },
};

function kilobytes(path: string): number {
  return statSync(path).size / 1024;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN;
}

/** Writes a page like the host's shell, with a stand-in for acquireVsCodeApi that records what the page posts. */
function writePage(folder: string, surface: 'panel' | 'sidebar', theme: keyof typeof THEMES): string {
  const { bodyClass, variables } = THEMES[theme];
  // VS Code paints the editor (or side bar) behind a webview's transparent page.
  const behind = surface === 'panel' ? '--vscode-editor-background' : '--vscode-sideBar-background';
  const css = `:root {\n${Object.entries(variables)
    .map(([name, value]) => `  ${name}: ${value};`)
    .join('\n')}\n}\nhtml { background: var(${behind}); }\n`;
  writeFileSync(join(folder, `${surface}-${theme}.css`), css);
  writeFileSync(
    join(folder, 'fake-vscode.js'),
    `window.posted = [];
window.acquireVsCodeApi = () => ({
  postMessage(message) {
    const entry = { message, at: performance.now() };
    window.posted.push(entry);
    // The frame after the page reports a drawing is the one that shows it.
    if (message.type === 'rendered') {
      requestAnimationFrame(() => {
        entry.frameAt = performance.now();
        // After that frame's style, layout and paint.
        setTimeout(() => (entry.paintedAt = performance.now()));
      });
    }
  },
  getState() { return window.pageState; },
  setState(state) { window.pageState = state; },
});
window.send = (message) => { window.sentAt = performance.now(); window.postMessage(message, '*'); };
`,
  );
  const file = join(folder, `${surface}-${theme}.html`);
  writeFileSync(
    file,
    `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8"><link rel="stylesheet" href="${surface}-${theme}.css"><link rel="stylesheet" href="codicon.css" id="vscode-codicon-stylesheet"><link rel="stylesheet" href="views.css"></head>
<body class="${bodyClass}"><main id="app" class="surface-${surface}" aria-busy="true"><p class="loading">Loading Live Usage…</p></main>
<script src="fake-vscode.js"></script><script src="${surface}.js"></script></body></html>`,
  );
  return pathToFileURL(file).href;
}

/** Copies the built webview bundles, the codicon font and the stylesheet beside the pages. */
function stageAssets(folder: string): void {
  for (const file of ['panel.js', 'sidebar.js', 'sessions.js', 'codicon.css', 'codicon.ttf']) copyFileSync(join('dist', 'webview', file), join(folder, file));
  for (const file of ['views.css', 'sessions.css']) copyFileSync(join('media', file), join(folder, file));
}

async function openPage(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForFunction(() => (window as unknown as { posted: { message: { type: string } }[] }).posted.some((entry) => entry.message.type === 'ready'));
}

interface Rendered {
  readonly ms: number;
  readonly at: number;
  readonly frameAt?: number;
  readonly charts: number;
}

async function waitForRendered(page: Page, phase: 'first' | 'update', count: number): Promise<Rendered> {
  const handle = await page.waitForFunction(
    ([wanted, n]) => {
      const entries = (
        window as unknown as { posted: { message: { type: string; phase: string; ms: number; charts: number }; at: number; frameAt?: number }[] }
      ).posted.filter((entry) => entry.message.type === 'rendered' && entry.message.phase === wanted);
      const entry = entries[(n as number) - 1];
      return entry && entry.frameAt !== undefined ? { ms: entry.message.ms, at: entry.at, frameAt: entry.frameAt, charts: entry.message.charts } : undefined;
    },
    [phase, count] as const,
    { timeout: 30_000 },
  );
  return (await handle.jsonValue()) as Rendered;
}

async function send(page: Page, message: PanelHostMessage | SidebarHostMessage): Promise<number> {
  return page.evaluate(
    (data) => {
      (window as unknown as { send: (message: unknown) => void }).send(data);
      return (window as unknown as { sentAt: number }).sentAt;
    },
    message as unknown as Record<string, unknown>,
  );
}

async function peerBundle(): Promise<string> {
  const result = await esbuild.build({
    entryPoints: ['bench/webviewPeer.ts'],
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]?.text ?? '';
}

async function fullLibrariesKb(): Promise<number> {
  const result = await esbuild.build({
    stdin: { contents: "import 'chart.js/auto'; import '@vscode-elements/elements';", resolveDir: process.cwd(), loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  return (result.outputFiles[0]?.contents.byteLength ?? 0) / 1024;
}

export async function runWebviewBench(): Promise<void> {
  const build = spawnSync(process.execPath, ['scripts/build.mjs', '--production'], { stdio: 'ignore' });
  if (build.status !== 0) throw new Error('node scripts/build.mjs --production failed');
  const folder = mkdtempSync(join(tmpdir(), 'live-usage-webview-bench-'));
  stageAssets(folder);
  const browser = await chromium.launch({ executablePath: process.env.LIVE_USAGE_CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));

    // First snapshot to first chart, on a fresh page each round.
    const firstDrawn: number[] = [];
    const firstShown: number[] = [];
    let charts = 0;
    for (let round = 0; round < ROUNDS; round++) {
      await openPage(page, writePage(folder, 'panel', 'dark'));
      const sentAt = await send(page, panelSnapshot(Date.now()));
      const rendered = await waitForRendered(page, 'first', 1);
      firstDrawn.push(rendered.at - sentAt);
      firstShown.push((rendered.frameAt as number) - sentAt);
      charts = rendered.charts;
    }

    // Redraws of a 43,200-point series: each update moves the window by a minute, as new data would.
    await openPage(page, writePage(folder, 'panel', 'dark'));
    const now = Date.now();
    const long = longSeriesSnapshot(now);
    await send(page, long);
    await waitForRendered(page, 'first', 1);
    const redraws: number[] = [];
    for (let round = 1; round <= 20; round++) {
      const shifted = longSeriesSnapshot(now + round * 60_000);
      await send(page, shifted);
      redraws.push((await waitForRendered(page, 'update', round)).ms);
    }
    const points = long.histories[0]?.series[0]?.t.length ?? 0;

    // The peer: Chart.js with the raw points.
    const peerPage = await context.newPage();
    const series = long.histories[0]?.series[0];
    await peerPage.setContent(
      `<!DOCTYPE html><html><body><div style="position:relative;width:600px;height:220px"><canvas id="peer"></canvas></div></body></html>`,
    );
    await peerPage.evaluate((data) => ((window as unknown as { peerSeries: unknown }).peerSeries = data), { t: series?.t ?? [], v: series?.v ?? [] } as Record<
      string,
      unknown
    >);
    await peerPage.addScriptTag({ content: await peerBundle() });
    const peer = (await peerPage.waitForFunction(() => (window as unknown as { peerResult?: unknown }).peerResult)).jsonValue() as Promise<{
      first: number;
      updates: number[];
    }>;
    const peerResult = await peer;
    // Closed before the next measures, so its chart does not compete for the CPU.
    await peerPage.close();

    // The sessions panel with a thousand and more results (the stand-in API is written by writePage above).
    const darkCss = `:root {\n${Object.entries(THEMES.dark.variables)
      .map(([name, value]) => `  ${name}: ${value};`)
      .join('\n')}\n}\nhtml { background: var(--vscode-editor-background); }\n`;
    const sessionRows = await runSessionsBench(page, folder, darkCss);

    if (process.env.LIVE_USAGE_BENCH_SCREENSHOTS) {
      const out = resolve(process.env.LIVE_USAGE_BENCH_SCREENSHOTS);
      mkdirSync(out, { recursive: true });
      for (const theme of ['dark', 'light', 'highContrast'] as const) {
        await openPage(page, writePage(folder, 'panel', theme));
        await send(page, panelSnapshot(Date.now()));
        await waitForRendered(page, 'first', 1);
        await page.waitForTimeout(300);
        await page.screenshot({ path: join(out, `panel-${theme}.png`), fullPage: false });
        const sidebar = await context.newPage();
        await sidebar.setViewportSize({ width: 320, height: 900 });
        await openPage(sidebar, writePage(folder, 'sidebar', theme));
        await send(sidebar, sidebarSnapshot(Date.now()));
        await sidebar.waitForTimeout(400);
        await sidebar.screenshot({ path: join(out, `sidebar-${theme}.png`) });
        await sidebar.close();
      }
    }
    if (errors.length > 0) throw new Error(`the panel reported errors: ${errors.join('; ')}`);

    const panelKb = kilobytes(join('dist', 'webview', 'panel.js'));
    const sidebarKb = kilobytes(join('dist', 'webview', 'sidebar.js'));
    const sessionsKb = kilobytes(join('dist', 'webview', 'sessions.js'));
    const peerKb = await fullLibrariesKb();
    const met = (ok: boolean) => (ok ? 'met' : 'MISSED');
    const rows: [string, string, string, string][] = [
      ['dist/webview/panel.js (minified, KB)', panelKb.toFixed(1), `≤ ${WEBVIEW_TARGET_KB}`, met(panelKb <= WEBVIEW_TARGET_KB)],
      ['dist/webview/sidebar.js (minified, KB)', sidebarKb.toFixed(1), `≤ ${WEBVIEW_TARGET_KB}`, met(sidebarKb <= WEBVIEW_TARGET_KB)],
      ['dist/webview/sessions.js (minified, KB)', sessionsKb.toFixed(1), `≤ ${WEBVIEW_TARGET_KB}`, met(sessionsKb <= WEBVIEW_TARGET_KB)],
      ['  peer: all Chart.js + all vscode-elements (KB)', peerKb.toFixed(1), '', ''],
      [
        `first snapshot → first chart drawn (ms, median of ${ROUNDS}, ${charts} charts)`,
        median(firstDrawn).toFixed(1),
        `< ${FIRST_PAINT_TARGET_MS}`,
        met(median(firstDrawn) < FIRST_PAINT_TARGET_MS),
      ],
      [
        'first snapshot → frame showing it (ms, median)',
        median(firstShown).toFixed(1),
        `< ${FIRST_PAINT_TARGET_MS}`,
        met(median(firstShown) < FIRST_PAINT_TARGET_MS),
      ],
      [
        `redraw of ${points.toLocaleString('en')} points, downsampled (ms, median of 20)`,
        median(redraws).toFixed(2),
        `< ${REDRAW_TARGET_MS}`,
        met(median(redraws) < REDRAW_TARGET_MS),
      ],
      ['  same, 95th percentile (ms)', percentile(redraws, 0.95).toFixed(2), `< ${REDRAW_TARGET_MS}`, met(percentile(redraws, 0.95) < REDRAW_TARGET_MS)],
      ['  peer: Chart.js redraw of the raw points (ms, median of 20)', median(peerResult.updates).toFixed(2), '', ''],
      ['  peer: Chart.js first draw of the raw points (ms)', peerResult.first.toFixed(1), '', ''],
      ...sessionRows,
    ];
    console.log('\n## Webviews (headless Chromium)\n');
    console.log(`${'measure'.padEnd(64)} ${'value'.padStart(9)}  ${'target'.padEnd(8)} result`);
    for (const [name, value, target, result] of rows) console.log(`${name.padEnd(64)} ${value.padStart(9)}  ${target.padEnd(8)} ${result}`);
  } finally {
    await browser.close();
    rmSync(folder, { recursive: true, force: true });
  }
}
