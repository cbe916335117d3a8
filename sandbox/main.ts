// `npm run sandbox [-- --port N]`: the sandbox as a standalone process for the demo and manual runs.
import type { MountName } from './server';
import { MOUNT_NAMES, startSandbox } from './server';

const DEFAULT_PORT = 4100;

function parsePort(argv: readonly string[]): number {
  const index = argv.findIndex((a) => a === '--port' || a.startsWith('--port='));
  if (index === -1) return DEFAULT_PORT;
  const arg = argv[index] ?? '';
  const raw = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[index + 1];
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port needs a number from 0 to 65535, got ${String(raw)}`);
  return port;
}

const TOKEN_OF: Partial<Record<MountName, string>> = {
  browserless: 'browserless',
  'browserless-hosted': 'browserless',
  'browserless-v2-unwrapped': 'browserless',
  'browserless-v2-nopressure': 'browserless',
  'browserless-v1': 'browserless',
  'browserless-v1-all': 'browserless',
  browserbase: 'browserbase',
  northflank: 'northflank',
  cerebras: 'cerebras',
};

async function main(): Promise<void> {
  const sandbox = await startSandbox({ port: parsePort(process.argv.slice(2)) });
  const tokens = sandbox.tokens as unknown as Record<string, string | undefined>;
  const lines = MOUNT_NAMES.map((name) => {
    const key = TOKEN_OF[name];
    const token = key === undefined ? (tokens.prometheus ?? '(none)') : (tokens[key] ?? '');
    return `  ${sandbox.baseUrl(name).padEnd(48)} token ${token}`;
  });
  process.stdout.write(
    [
      `Sandbox listening on ${sandbox.url}`,
      ...lines,
      '  Cerebras organizations: org_sandbox (metrics), org_empty (nothing enabled)',
      '  Browserbase project: proj_sandbox   Northflank project: sandbox-project (services api, worker)',
      `  Controls: ${sandbox.url}/__sandbox/{faults,state,requests,info}`,
      'Ctrl+C to stop.',
      '',
    ].join('\n'),
  );
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: stopping sandbox\n`);
    sandbox.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`sandbox failed to start: ${(error as Error).message}\n`);
  process.exit(1);
});
