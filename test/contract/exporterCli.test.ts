/**
 * `live-usage-exporter` as a process (src/exporter/main.ts run by tsx, exactly what dist/exporter.js
 * bundles): a bad connections file or an ambiguous environment stops it before it serves, naming the
 * entry and field, with a non-zero exit; a good one serves the local provider servers' readings with a
 * token from a mounted file, and SIGTERM stops it cleanly.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { useSandbox } from '../support/sandbox';

const ROOT = path.resolve(__dirname, '../..');
const folder = mkdtempSync(path.join(tmpdir(), 'live-usage-exporter-cli-'));

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function write(name: string, content: unknown): string {
  const file = path.join(folder, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

/** Starts the exporter; `until` sees its stderr so far and says when the test has what it needs. */
function exporter(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/exporter/main.ts'), ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters: (() => void)[] = [];
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
    for (const wake of waiters.splice(0)) wake();
  });
  const done = new Promise<Run>((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
  return {
    child,
    done,
    /** Resolves with stderr once it matches (or rejects when the process ends first). */
    async stderrMatching(pattern: RegExp): Promise<string> {
      let ended = false;
      void done.then(() => {
        ended = true;
        for (const wake of waiters.splice(0)) wake();
      });
      while (!pattern.test(stderr)) {
        if (ended) throw new Error(`the exporter ended before printing ${pattern}:\n${stderr}`);
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
      return stderr;
    },
  };
}

describe('live-usage-exporter on the command line', () => {
  const context = useSandbox();
  after(() => rmSync(folder, { recursive: true, force: true }));

  test('a bad connections file: every problem named by entry and field, exit 1, nothing served', async () => {
    const file = write('bad.json', [
      { id: 'bl', kind: 'browserless', baseUrl: 'http://127.0.0.1:1/browserless' },
      { id: 'bb', kind: 'browserbase', baseUrl: 'http://127.0.0.1:1/browserbase' },
      { id: 'cb', kind: 'cerebras', baseUrl: 'http://127.0.0.1:1/cerebras', organizationId: 'org_x', token: 'cb-secret-in-file' },
    ]);
    const run = await exporter(['--connections', file, '--listen', '127.0.0.1:0']).done;
    assert.equal(run.code, 1);
    assert.match(run.stderr, /bad\.json: connection "bb": projectId \(the Browserbase project id\) is required/);
    assert.match(run.stderr, /bad\.json: connection "cb": token: tokens are never read from the connections file; set LIVE_USAGE_TOKEN_CB/);
    assert.match(run.stderr, /not started: fix the connections file/);
    assert.ok(!run.stderr.includes('serves'), 'it never served');
    assert.ok(!run.stderr.includes('cb-secret-in-file'), 'the token in the file is not repeated');
  });

  test('a file that is not there, not JSON, or a mistake in the arguments', async () => {
    const missing = await exporter(['--connections', path.join(folder, 'none.json')]).done;
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /none\.json: cannot be read \(ENOENT\)/);
    const broken = await exporter(['--connections', write('broken.json', '[{"id": ')]).done;
    assert.equal(broken.code, 1);
    assert.match(broken.stderr, /broken\.json: not valid JSON/);
    const unknown = await exporter(['--connection', 'x']).done;
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /Unknown option '--connection'/);
    const help = await exporter(['--help']).done;
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: live-usage-exporter --connections FILE/);
  });

  test('a token set twice (value and file) stops it before it serves', async () => {
    const { sandbox } = context;
    const file = write('twice.json', [{ id: 'bl', kind: 'browserless', baseUrl: `${sandbox.url}/browserless`, authMode: 'bearer' }]);
    const run = await exporter(['--connections', file, '--listen', '127.0.0.1:0'], {
      LIVE_USAGE_TOKEN_BL: sandbox.tokens.browserless,
      LIVE_USAGE_TOKEN_BL_FILE: write('bl-token', sandbox.tokens.browserless),
    }).done;
    assert.equal(run.code, 1);
    assert.match(run.stderr, /connection "bl": both LIVE_USAGE_TOKEN_BL and LIVE_USAGE_TOKEN_BL_FILE are set: keep one/);
    assert.ok(!run.stderr.includes(sandbox.tokens.browserless));
  });

  test('a good file serves the providers’ readings with a token from a mounted file; SIGTERM stops it', async () => {
    const { sandbox } = context;
    sandbox.setState({ browserless: { running: 3, maxConcurrent: 10 } });
    const file = write('good.json', {
      'liveUsage.connections': [{ id: 'bl', kind: 'browserless', baseUrl: `${sandbox.url}/browserless`, authMode: 'bearer' }],
    });
    const process = exporter(['--connections', file, '--listen', '127.0.0.1:0'], {
      LIVE_USAGE_TOKEN_BL_FILE: write('token', `${sandbox.tokens.browserless}\n`),
    });
    try {
      // Printed once it serves, after the line with its URL.
      const started = await process.stderrMatching(/bl: token from LIVE_USAGE_TOKEN_BL\n/);
      const url = /serves (http:\/\/127\.0\.0\.1:\d+)\/metrics/.exec(started)?.[1] ?? '';
      assert.ok(url, started);
      // The first poll starts with the process; wait for its reading to be served.
      const expected = 'live_usage_browserless_pressure_running{connection="bl",provider="browserless"} 3';
      let text = '';
      // A minute of tries at most: a poll that never lands fails the test instead of hanging it.
      for (let attempt = 0; attempt < 1200 && !text.includes(expected); attempt++) {
        text = await fetch(`${url}/metrics`).then((response) => response.text());
        if (!text.includes(expected)) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.ok(text.includes(expected), text);
      assert.match(text, /^live_usage_up\{connection="bl",provider="browserless"\} 1$/m);
      assert.ok(!text.includes(sandbox.tokens.browserless));
    } finally {
      process.child.kill('SIGTERM');
    }
    const run = await process.done;
    assert.equal(run.code, 0);
    assert.match(run.stderr, /SIGTERM: stopping/);
    assert.ok(!run.stderr.includes(sandbox.tokens.browserless));
  });
});
