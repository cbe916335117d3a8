// Starts a real Prometheus (Debian's `prometheus` package: scripts/setup-system.sh --with-browser) on
// 127.0.0.1 scraping the given targets every second, for the tests that read the team exporter back
// through Prometheus' query API: the contract tests, the integration suite and the e2e step.
//
// Importable:  import { findPrometheus, startPrometheus } from './prometheus.mjs';
// Runnable:    node scripts/prometheus.mjs HOST:PORT [...]   (serves until Ctrl+C; prints its URL)
import { spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** @returns {string | undefined} the prometheus binary: env LIVE_USAGE_PROMETHEUS, else the first on PATH */
export function findPrometheus() {
  const candidates = process.env.LIVE_USAGE_PROMETHEUS
    ? [process.env.LIVE_USAGE_PROMETHEUS]
    : (process.env.PATH ?? '')
        .split(delimiter)
        .filter(Boolean)
        .map((folder) => join(folder, 'prometheus'));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not there: the next one.
    }
  }
  return undefined;
}

/** What to say when Prometheus is missing. */
export const MISSING_PROMETHEUS =
  'Prometheus is not installed (apt-get install prometheus, or bash scripts/setup-system.sh --with-browser); set LIVE_USAGE_PROMETHEUS to use another binary';

/** @returns {Promise<number>} a port nothing listens on right now */
function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/**
 * @typedef {object} PrometheusServer
 * @property {string} url      http://127.0.0.1:PORT
 * @property {number} pid
 * @property {() => string} output   the last lines Prometheus logged
 * @property {() => Promise<void>} stop   stops it and deletes its storage
 */

/**
 * @param {object} options
 * @param {readonly string[]} options.targets   HOST:PORT of each exporter
 * @param {number} [options.scrapeIntervalSeconds]   default 1
 * @param {number} [options.readyTimeoutMs]   default 60 s
 * @returns {Promise<PrometheusServer>}
 */
export async function startPrometheus({ targets, scrapeIntervalSeconds = 1, readyTimeoutMs = 60_000 }) {
  const binary = findPrometheus();
  if (!binary) throw new Error(MISSING_PROMETHEUS);
  const folder = mkdtempSync(join(tmpdir(), 'live-usage-prometheus-'));
  const config = join(folder, 'prometheus.yml');
  writeFileSync(
    config,
    [
      'global:',
      `  scrape_interval: ${scrapeIntervalSeconds}s`,
      `  scrape_timeout: ${scrapeIntervalSeconds}s`,
      `  evaluation_interval: ${scrapeIntervalSeconds}s`,
      'scrape_configs:',
      '  - job_name: live-usage',
      '    static_configs:',
      `      - targets: [${targets.map((target) => JSON.stringify(target)).join(', ')}]`,
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const child = spawn(
    binary,
    [`--config.file=${config}`, `--storage.tsdb.path=${join(folder, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const keep = (/** @type {Buffer} */ chunk) => {
    output = (output + chunk.toString('utf8')).slice(-8000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  /** @type {number | null} */
  let exitCode = null;
  const exited = new Promise((resolveExit) => child.once('exit', (code, signal) => resolveExit((exitCode = code ?? (signal ? 128 : 1)))));
  const url = `http://127.0.0.1:${port}`;
  let stopping;
  const stop = () => {
    stopping ??= (async () => {
      if (exitCode === null) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(killer);
      }
      rmSync(folder, { recursive: true, force: true });
    })();
    return stopping;
  };
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (exitCode !== null) {
      await stop();
      throw new Error(`Prometheus exited (${exitCode}) before it was ready:\n${output}`);
    }
    const ready = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(2000) }).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`Prometheus was not ready within ${readyTimeoutMs / 1000} s:\n${output}`);
    }
    await new Promise((wait) => setTimeout(wait, 200));
  }
  return { url, pid: child.pid ?? 0, output: () => output, stop };
}

// Bundled into the integration suite (CommonJS), import.meta has no url: it is then never the entry point.
const self = typeof import.meta.url === 'string' ? fileURLToPath(import.meta.url) : undefined;
if (self && process.argv[1] && resolve(process.argv[1]) === self) {
  const targets = process.argv.slice(2);
  if (targets.length === 0) {
    console.error('usage: node scripts/prometheus.mjs HOST:PORT [...]');
    process.exit(2);
  }
  // No top-level await: the TypeScript tests import this file through tsx, as CommonJS.
  startPrometheus({ targets, scrapeIntervalSeconds: 5 }).then(
    (server) => {
      console.log(`Prometheus on ${server.url} scraping ${targets.join(', ')} (pid ${server.pid}); Ctrl+C to stop`);
      for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => void server.stop().then(() => process.exit(0)));
    },
    (error) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
