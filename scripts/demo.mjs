// The demo: local provider servers plus a real VS Code (code-server) with the extension installed and
// connected to them. Prints the URL to open; Ctrl-C stops everything.
//
// Usage: npm run demo            (env LIVE_USAGE_DEMO_PORT, default 8080; sandbox on 4100)
// State (settings, secrets, history) is kept in .demo/ so a second start shows the same workbench.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureCodeServer, killProcessTree, startCodeServer } from './code-server.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const demoDir = join(root, '.demo');
const port = Number(process.env.LIVE_USAGE_DEMO_PORT ?? 8080);
const sandboxPort = Number(process.env.LIVE_USAGE_SANDBOX_PORT ?? 4100);
const sandbox = `http://127.0.0.1:${sandboxPort}`;

/** Connections to every mount of the local provider servers. */
export function demoConnections(base) {
  return [
    {
      id: 'browserless-local',
      kind: 'browserless',
      label: 'Browserless (local)',
      baseUrl: `${base}/browserless`,
      browserlessVersion: 'v2',
      authMode: 'bearer',
    },
    {
      id: 'browserbase-local',
      kind: 'browserbase',
      label: 'Browserbase (local)',
      baseUrl: `${base}/browserbase`,
      projectId: 'proj_sandbox',
      quota: { monthlyBrowserMinutes: 30000 },
    },
    {
      id: 'northflank-local',
      kind: 'northflank',
      label: 'Northflank api (local)',
      baseUrl: `${base}/northflank`,
      projectId: 'sandbox-project',
      resourceKind: 'service',
      resourceId: 'api',
    },
    { id: 'cerebras-local', kind: 'cerebras', label: 'Cerebras (local)', baseUrl: `${base}/cerebras`, organizationId: 'org_sandbox' },
    { id: 'prometheus-local', kind: 'prometheus', label: 'Prometheus (local)', baseUrl: `${base}/prometheus/metrics` },
  ];
}

/** The sandbox's tokens, given to the extension the way a user's shell would: as environment variables. */
export const DEMO_ENVIRONMENT = {
  BROWSERLESS_TOKEN: 'bl-sandbox-token',
  BROWSERBASE_API_KEY: 'bb-sandbox-key',
  NORTHFLANK_API_TOKEN: 'nf-sandbox-token',
  CEREBRAS_API_KEY: 'cb-sandbox-key',
};

async function waitForSandbox(deadline) {
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${sandbox}/__sandbox/info`);
      if (response.ok) return;
    } catch {
      // Not up yet.
    }
    await new Promise((done) => setTimeout(done, 200));
  }
  throw new Error(`the local provider servers did not start on ${sandbox}`);
}

async function main() {
  mkdirSync(demoDir, { recursive: true });
  console.log('Installing code-server (once, into .cache/)…');
  await ensureCodeServer();
  console.log('Packaging the extension…');
  const vsix = join(demoDir, 'live-usage-demo.vsix');
  const packaged = spawnSync(process.execPath, ['scripts/package.mjs'], {
    cwd: root,
    env: { ...process.env, VSIX_OUT: vsix },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (packaged.status !== 0 || !existsSync(vsix)) throw new Error('packaging failed');

  const sandboxProcess = spawn(process.execPath, ['--import', 'tsx', 'sandbox/main.ts', '--port', String(sandboxPort)], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    detached: true,
  });
  const stopSandbox = () => (sandboxProcess.pid ? killProcessTree(sandboxProcess.pid) : Promise.resolve());
  await waitForSandbox(Date.now() + 30_000);

  const workspace = join(demoDir, 'workspace');
  mkdirSync(workspace, { recursive: true });
  writeFileSync(
    join(workspace, 'README.md'),
    [
      '# Live Usage demo',
      '',
      'Live Usage watches the local provider servers here: their figures are in the status bar (bottom left) and in the Live Usage side bar (the pulse icon in the activity bar).',
      '',
      '- **Live Usage: Get Started** (F1) walks through adding a connection, tokens, the status bar, the usage panel and sessions by tag; it opens by itself on the first start.',
      '- **Live Usage: Open Usage Panel** shows every connection’s quotas and history.',
      '- **Live Usage: Open Browserbase Sessions** finds and launches tagged sessions.',
      '',
    ].join('\n'),
  );
  Object.assign(process.env, DEMO_ENVIRONMENT);
  const server = await startCodeServer({
    port,
    userDataDir: join(demoDir, 'user-data'),
    extensionsDir: join(demoDir, 'extensions'),
    workspace,
    vsix,
    settings: { 'liveUsage.connections': demoConnections(sandbox) },
  });
  console.log(
    `\nLive Usage demo is running.\n\n  Open ${server.url}?folder=${encodeURIComponent(workspace)}\n\n  The Get Started walkthrough opens on the first start (Live Usage: Get Started opens it again).\n  Local provider servers: ${sandbox} (see docs/sandbox.md to inject faults)\n  Press Ctrl-C to stop.\n`,
  );
  const stop = async () => {
    await server.stop();
    await stopSandbox();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
