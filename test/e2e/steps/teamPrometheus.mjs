// A team shares one poller, end to end: the exporter (dist/exporter.js, as `npx live-usage-exporter`
// runs it) polls the local provider servers, a real Prometheus (Debian's package) scrapes it, and the
// extension reads it back through the query API. The team connections are added as a person would
// (Add Connection → Team Prometheus, which lists what the exporter publishes), and their cards show
// the same figures as the direct connections the earlier steps added; the panel draws their charts from
// Prometheus' ranges, and a PromQL panel shows beside them. Screenshots: team-prometheus-1-cards.png,
// team-prometheus-2-panel.png. Everything the step adds is removed again before it ends.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findPrometheus, MISSING_PROMETHEUS, startPrometheus } from '../../../scripts/prometheus.mjs';
import { chartTable, closeBottomPanel, openPanel, openSidebar, readTable, removeConnection } from './charts.mjs';
import { clearNotifications } from './connections.mjs';
import {
  answerInputBox,
  expectVisible,
  notificationToasts,
  pickQuickInputItem,
  runCommandFromPalette,
  statusItem,
  waitFor,
  waitForQuickInput,
} from '../support.mjs';

const repoRoot = resolve(fileURLToPath(import.meta.url), '..', '..', '..', '..');
const TEAM_BROWSERLESS = 'local-browserless-team';
const TEAM_BROWSERBASE = 'local-browserbase-team';
const PANELS = 'team-panels';

/**
 * Starts the exporter as its own process on a free port; resolves once it says where it serves.
 * @param {string} folder @param {string} sandboxUrl
 */
async function startExporterProcess(folder, sandboxUrl) {
  const connections = join(folder, 'team-connections.json');
  writeFileSync(
    connections,
    JSON.stringify([
      { id: 'bl', kind: 'browserless', label: 'Local Browserless', baseUrl: `${sandboxUrl}/browserless`, authMode: 'bearer' },
      {
        id: 'bb',
        kind: 'browserbase',
        label: 'Local Browserbase',
        baseUrl: `${sandboxUrl}/browserbase`,
        projectId: 'proj_sandbox',
        quota: { monthlyBrowserMinutes: 30_000 },
      },
    ]),
  );
  const secret = join(folder, 'browserbase-token');
  writeFileSync(secret, 'bb-sandbox-key\n');
  const bundle = join(repoRoot, 'dist', 'exporter.js');
  // The packaged run builds dist/exporter.js; a run given another .vsix may not have it: then from source.
  const command = existsSync(bundle) ? [bundle] : ['--import', 'tsx', join(repoRoot, 'src', 'exporter', 'main.ts')];
  const child = spawn(process.execPath, [...command, '--connections', connections, '--listen', '127.0.0.1:0'], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', LIVE_USAGE_TOKEN_BL: 'bl-sandbox-token', BROWSERBASE_API_KEY_FILE: secret },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let output = '';
  const url = await new Promise((resolveUrl, reject) => {
    child.stderr.on('data', (/** @type {Buffer} */ chunk) => {
      output += chunk.toString('utf8');
      const match = /serves (http:\/\/127\.0\.0\.1:\d+)\/metrics/.exec(output);
      if (match) resolveUrl(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`the exporter exited (${code}) before serving:\n${output}`)));
  });
  return {
    url: /** @type {string} */ (url),
    output: () => output,
    stop: () =>
      new Promise((resolveStop) => {
        if (child.exitCode !== null) return resolveStop(undefined);
        child.once('exit', () => resolveStop(undefined));
        child.kill('SIGTERM');
      }),
  };
}

/** @param {string} settingsFile @param {(connections: unknown[]) => unknown[]} change */
function editConnections(settingsFile, change) {
  const settings = JSON.parse(readFileSync(settingsFile, 'utf8'));
  settings['liveUsage.connections'] = change(Array.isArray(settings['liveUsage.connections']) ? settings['liveUsage.connections'] : []);
  writeFileSync(settingsFile, JSON.stringify(settings, null, 2));
}

/** @type {import('../support.mjs').E2eStep} */
export const teamPrometheus = {
  name: 'team-prometheus',
  timeoutMs: 240_000,
  async run({ page, sandbox, paths, note, screenshot }) {
    if (!findPrometheus()) {
      note(`skipped: ${MISSING_PROMETHEUS}`);
      return;
    }
    await sandbox.state({ browserless: { running: 3, maxConcurrent: 10, queued: 0, maxQueued: 10, cpu: 30, memory: 40, recentlyRejected: 0 } });
    const exporter = await startExporterProcess(paths.root, sandbox.url);
    /** @type {Awaited<ReturnType<typeof startPrometheus>> | undefined} */
    let prometheus;
    const settingsFile = join(paths.userDataDir, 'User', 'settings.json');
    try {
      prometheus = await startPrometheus({ targets: [new URL(exporter.url).host] });
      const server = prometheus.url;
      note(`exporter on ${exporter.url}, Prometheus on ${server}`);
      await waitFor(
        async () => {
          const body = await fetch(`${server}/api/v1/query?query=live_usage_up`).then(
            (response) => response.json(),
            () => undefined,
          );
          return (body?.data?.result ?? []).filter((/** @type {{ value: [number, string] }} */ entry) => entry.value[1] === '1').length === 2;
        },
        { timeoutMs: 60_000, message: 'Prometheus to have scraped both exporter connections up' },
      );

      // A PromQL panel, written in settings.json as the docs say. The workbench does not always notice a
      // file changed behind its back, so the window is reloaded, as a person would after such an edit.
      editConnections(settingsFile, (connections) => [
        ...connections,
        {
          id: PANELS,
          kind: 'prometheusQuery',
          label: 'Team panels',
          baseUrl: server,
          queries: [{ title: 'Browserless sessions, all servers', query: 'sum(live_usage_browserless_pressure_running)', unit: 'count', threshold: 4 }],
        },
      ]);
      await runCommandFromPalette(page, 'Developer: Reload Window').catch(() => {
        // The palette closes as the page unloads.
      });
      await page.waitForLoadState('load');
      await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
      await waitFor(async () => (await statusItem(page).count()) > 0, { timeoutMs: 60_000, message: 'the Live Usage status bar item after the reload' });

      // Added as a person would: the server lists what the exporter publishes, both picked.
      await page.mouse.move(700, 300);
      await clearNotifications(page);
      await runCommandFromPalette(page, 'Live Usage: Add Connection…');
      await pickQuickInputItem(page, 'Add Connection: provider', /^\s*Team Prometheus/);
      await answerInputBox(page, 'Add Connection (2/4): base URL', server);
      await pickQuickInputItem(page, 'Add Connection (3/4): credentials', 'No authentication');
      const picker = await waitForQuickInput(page, 'Add Connection (4/4): the exporter’s connections to show');
      await waitFor(async () => (await picker.locator('.monaco-list-row').count()) === 2, {
        message: async () => `two exporter connections to pick (rows: ${(await picker.locator('.monaco-list-row').allTextContents()).join(' | ')})`,
      });
      // Enter in the picker's own input: a panel restored by the reload may have taken keyboard focus.
      await picker.locator('input').first().press('Enter');
      const added = await waitFor(async () => (await notificationToasts(page)).find((toast) => toast.message.startsWith('Added ')), {
        timeoutMs: 20_000,
        message: 'the "Added …" notification',
      });
      note(added.message);

      await page.keyboard.press('Escape');
      await closeBottomPanel(page).catch(() => {});
      const sidebar = await openSidebar(page);
      const card = (/** @type {string} */ id) => sidebar.locator(`article.card[data-connection="${id}"]`);
      const value = async (/** @type {string} */ id, /** @type {string} */ quota) =>
        ((await card(id).locator(`li[data-quota="${quota}"] .value`).textContent()) ?? '').trim();
      await expectVisible(card(TEAM_BROWSERLESS), 'the card of Local Browserless (team)');
      await expectVisible(card(TEAM_BROWSERBASE), 'the card of Local Browserbase (team)');
      await expectVisible(card(PANELS), 'the card of Team panels');
      // The same number as the direct connection's card, read from Prometheus.
      await waitFor(
        async () => (await value(TEAM_BROWSERLESS, 'concurrency')) === '3 / 10 (30 %)' && (await value('local-browserless', 'concurrency')) === '3 / 10 (30 %)',
        {
          timeoutMs: 45_000,
          message: async () =>
            `both Browserless cards to show "3 / 10 (30 %)" (team: "${await value(TEAM_BROWSERLESS, 'concurrency')}", direct: "${await value('local-browserless', 'concurrency')}")`,
        },
      );
      await waitFor(async () => /^1 \/ 3\b/.test(await value(TEAM_BROWSERBASE, 'sessions')), {
        timeoutMs: 45_000,
        message: async () => `the team Browserbase card to show 1 of 3 running sessions (shows "${await value(TEAM_BROWSERBASE, 'sessions')}")`,
      });
      const direct = await value('local-browserbase', 'sessions');
      if (direct !== (await value(TEAM_BROWSERBASE, 'sessions')))
        throw new Error(`the Browserbase cards differ: direct "${direct}", team "${await value(TEAM_BROWSERBASE, 'sessions')}"`);
      await waitFor(async () => /^3 \/ 4\b/.test(await value(PANELS, 'query:Browserless sessions, all servers')), {
        timeoutMs: 45_000,
        message: async () => `the PromQL panel to show 3 of its threshold 4 (shows "${await value(PANELS, 'query:Browserless sessions, all servers')}")`,
      });
      if ((await card(TEAM_BROWSERBASE).locator('[data-action="open-sessions"], .open-sessions').count()) > 0) {
        throw new Error('a Browserbase connection read from Prometheus offers session actions it cannot perform');
      }
      note(
        `team cards: Browserless ${await value(TEAM_BROWSERLESS, 'concurrency')}, Browserbase sessions ${await value(TEAM_BROWSERBASE, 'sessions')}, panel ${await value(PANELS, 'query:Browserless sessions, all servers')}`,
      );
      await screenshot('team-prometheus-1-cards');

      // The panel's charts of a team connection come from Prometheus' ranges.
      const panel = await openPanel(page);
      const section = panel.locator(`section.connection[data-connection="${TEAM_BROWSERLESS}"]`);
      await expectVisible(section, 'the team Browserless section of the usage panel', 20_000);
      const chart = await chartTable(panel, `${TEAM_BROWSERLESS}/concurrency`);
      const table = await waitFor(
        async () => {
          const read = await readTable(chart);
          return read.rows.size > 0 ? read : undefined;
        },
        { timeoutMs: 30_000, message: 'rows in the team Browserless concurrency chart' },
      );
      const newest = table.rows.get(Math.max(...table.rows.keys())) ?? {};
      const running = Object.entries(newest).find(([key]) => key.startsWith('browserless.pressure.running'))?.[1];
      if (running !== 3) throw new Error(`the team chart's latest running sessions are ${running}, not 3 (${JSON.stringify(newest)})`);
      note(`team concurrency chart: ${table.rows.size} point(s) from Prometheus, latest running ${running}`);
      await section.scrollIntoViewIfNeeded();
      await screenshot('team-prometheus-2-panel');
    } finally {
      // Leave the workbench as the next steps expect it: only the direct connections, removed through the
      // workbench so that what it holds and the file agree.
      await page.keyboard.press('Escape').catch(() => {});
      const sidebar = await openSidebar(page);
      for (const [name, id] of [
        ['Local Browserless (team)', TEAM_BROWSERLESS],
        ['Local Browserbase (team)', TEAM_BROWSERBASE],
        ['Team panels', PANELS],
      ]) {
        try {
          await removeConnection(page, name);
          // Each removal finishes (settings, token, card) before the next command, or the next step's.
          await sidebar.locator(`article.card[data-connection="${id}"]`).waitFor({ state: 'detached', timeout: 15_000 });
        } catch (error) {
          note(`could not remove ${name}: ${error instanceof Error ? error.message.split('\n')[0] : error}`);
        }
      }
      await prometheus?.stop();
      await exporter.stop();
    }
  },
};
