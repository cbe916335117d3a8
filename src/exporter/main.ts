/**
 * `live-usage-exporter --connections connections.json [--listen 0.0.0.0:9470]`: the command line of
 * the team exporter (bundled into dist/exporter.js, the package's `bin`). Everything that can be
 * wrong with the file or the environment is said before it serves, and it exits non-zero; a
 * connection without a token is only marked down. Logs go to stderr, one plain line per event, with
 * every token masked.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { LogSink } from '../log';
import { shutdownParseWorker } from '../worker/workerHost';
import { ConnectionsFileError, parseConnectionsFile } from './connectionsFile';
import { DEFAULT_PORT, startExporter } from './exporter';
import { resolveTokens } from './tokens';

/** Set by the build (scripts/build.mjs) from package.json; absent when run from source. */
declare const LIVE_USAGE_VERSION: string | undefined;
const VERSION = typeof LIVE_USAGE_VERSION === 'string' ? LIVE_USAGE_VERSION : 'development';

const USAGE = `Usage: live-usage-exporter --connections FILE [--listen HOST:PORT]

Polls the providers of FILE (the liveUsage.connections schema: a JSON list) at their own pace and
serves their last readings at /metrics for Prometheus (OpenMetrics or text 0.0.4), /healthz for
orchestration.

  --connections FILE   the connections (or env LIVE_USAGE_CONNECTIONS)
  --listen HOST:PORT   where to serve (default 127.0.0.1:${DEFAULT_PORT}; 0.0.0.0:${DEFAULT_PORT} in a container)
  --version, --help

Tokens never come from FILE. For a connection "bb-prod": LIVE_USAGE_TOKEN_BB_PROD, or a file named by
LIVE_USAGE_TOKEN_BB_PROD_FILE (a mounted secret); else the provider's own variable (BROWSERBASE_API_KEY,
NORTHFLANK_API_TOKEN, CEREBRAS_API_KEY, BROWSERLESS_TOKEN) or its _FILE twin.
`;

function line(level: string, message: string): void {
  process.stderr.write(`${new Date().toISOString()} ${level} ${message}\n`);
}

const stderrLog: LogSink = {
  info: (message) => line('info', message),
  warn: (message) => line('warn', message),
  error: (message) => line('error', message),
  debug: () => undefined,
};

function parseListen(value: string): { host: string; port: number } {
  const colon = value.lastIndexOf(':');
  const host = colon > 0 ? value.slice(0, colon).replace(/^\[|\]$/g, '') : '127.0.0.1';
  const port = Number(colon >= 0 ? value.slice(colon + 1) : value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--listen: ${JSON.stringify(value)} is not HOST:PORT with a port from 0 to 65535`);
  return { host, port };
}

async function main(argv: readonly string[]): Promise<number> {
  let values: { connections?: string; listen?: string; help?: boolean; version?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        connections: { type: 'string' },
        listen: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean' },
      },
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (values.version) {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const file = values.connections ?? process.env.LIVE_USAGE_CONNECTIONS;
  if (!file) {
    process.stderr.write(`--connections is required\n\n${USAGE}`);
    return 2;
  }
  let listen: { host: string; port: number };
  try {
    listen = parseListen(values.listen ?? `127.0.0.1:${DEFAULT_PORT}`);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 2;
  }

  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    line('error', `${file}: cannot be read (${(error as { code?: string }).code ?? String(error)})`);
    return 1;
  }
  let connections;
  try {
    connections = parseConnectionsFile(text);
  } catch (error) {
    if (!(error instanceof ConnectionsFileError)) throw error;
    for (const problem of error.problems) line('error', `${file}: ${problem}`);
    line('error', 'not started: fix the connections file');
    return 1;
  }
  const { tokens, fatal } = resolveTokens(connections, { env: process.env, readFile: (path) => readFileSync(path, 'utf8') });
  if (fatal.length > 0) {
    for (const problem of fatal) line('error', problem);
    line('error', 'not started: fix the environment');
    return 1;
  }

  const exporter = await startExporter({ connections, tokens, host: listen.host, port: listen.port, log: stderrLog, version: VERSION });
  line('info', `live-usage-exporter ${VERSION} serves ${exporter.url}/metrics for ${connections.length} connection(s)`);
  for (const config of connections) {
    const resolution = tokens.get(config.id);
    if (resolution?.variable) line('info', `${config.id}: token from ${resolution.variable}`);
  }
  return new Promise<number>((resolve) => {
    const stop = (signal: string) => {
      line('info', `${signal}: stopping`);
      exporter
        .close()
        .then(() => shutdownParseWorker())
        .then(
          () => resolve(0),
          () => resolve(1),
        );
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    line('error', `live-usage-exporter failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
