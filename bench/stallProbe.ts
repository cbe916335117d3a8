/**
 * The event-loop stall half of the parser benchmark, run in a child process from a bundle beside
 * parseWorker.js (parserBench builds both), so the code runs as the extension ships it. Each scenario
 * polls through Live Usage's own code while a 1 ms timer watches the event loop; the longest gap
 * between its ticks beyond 1 ms (and monitorEventLoopDelay's maximum, as a cross-check) is how long
 * that poll blocked the thread every other extension shares. Prints one JSON line per scenario.
 *
 * Usage (from parserBench): node stallProbe.js '{"expositionUrl": "...", "browserlessUrl": "...", "token": "...", "polls": 5}'
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { HttpClient } from '../src/http/httpClient';
import { parsePrometheusText } from '../src/prometheus/parsePrometheusText';
import { BrowserlessClient } from '../src/providers/browserless/browserlessClient';
import { normalizeMetrics } from '../src/providers/browserless/normalize';
import { normalizeExposition } from '../src/providers/prometheus/normalize';
import { PrometheusClient } from '../src/providers/prometheus/prometheusClient';
import { parseWorker, shutdownParseWorker } from '../src/worker/workerHost';

interface ProbeConfig {
  readonly expositionUrl: string;
  readonly browserlessUrl: string;
  readonly token: string;
  readonly polls: number;
}

export interface StallResult {
  readonly scenario: string;
  /** The first poll (worker start, cold JIT). */
  readonly coldMs: number;
  /**
   * Each following poll's longest stall, sorted. On a busy machine the OS also pauses the thread, which
   * a timer cannot tell apart from a stall: the smallest of them is the closest to what the code itself
   * blocks, the largest what a user on such a machine may see.
   */
  readonly warmMs: readonly number[];
  /** monitorEventLoopDelay's maximum over the warm polls. */
  readonly loopDelayMaxMs: number;
  /** Mean duration of a warm poll. */
  readonly pollMs: number;
}

const TICK_MS = 1;
const LIMIT = { maxBytes: 64 * 1024 * 1024, timeouts: { headersMs: 60_000, bodyMs: 60_000, totalMs: 120_000 } } as const;

/** Runs `poll` while a timer measures the longest stall; returns it in ms, with the poll's bytes. */
async function watch(poll: () => Promise<unknown>): Promise<{ stallMs: number; delayMaxMs: number; pollMs: number }> {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  let last = performance.now();
  let worst = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last - TICK_MS);
    last = now;
  }, TICK_MS);
  histogram.enable();
  const started = performance.now();
  await poll();
  const pollMs = performance.now() - started;
  // One more tick, so a stall at the very end is seen too.
  await new Promise((resolve) => setTimeout(resolve, 5));
  clearInterval(timer);
  histogram.disable();
  return { stallMs: worst, delayMaxMs: histogram.max / 1e6, pollMs };
}

async function scenario(name: string, polls: number, poll: () => Promise<unknown>): Promise<void> {
  const cold = await watch(poll);
  const warm: number[] = [];
  let delay = 0;
  let pollMs = 0;
  for (let i = 0; i < polls; i++) {
    // Let the previous poll's garbage go before measuring the next.
    global.gc?.();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const result = await watch(poll);
    warm.push(result.stallMs);
    delay = Math.max(delay, result.delayMaxMs);
    pollMs += result.pollMs;
  }
  warm.sort((a, b) => a - b);
  const result: StallResult = { scenario: name, coldMs: cold.stallMs, warmMs: warm, loopDelayMaxMs: delay, pollMs: pollMs / Math.max(1, polls) };
  console.log(JSON.stringify(result));
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '{}') as ProbeConfig;
  const http = new HttpClient();
  const exposition = new PrometheusClient(http, { baseUrl: config.expositionUrl, ...LIMIT });
  const browserlessConfig = { baseUrl: config.browserlessUrl, token: config.token, version: 'v2', authMode: 'query', ...LIMIT } as const;
  const browserless = new BrowserlessClient(http, browserlessConfig);
  const metricsUrl = `${config.browserlessUrl}/metrics?token=${encodeURIComponent(config.token)}`;

  await scenario('exposition: HTTP read only (HttpClient.text)', config.polls, async () => {
    return (await http.text({ url: new URL(config.expositionUrl), ...LIMIT })).bytes;
  });
  await scenario('exposition: HTTP read only (HttpClient.stream)', config.polls, async () => {
    const response = await http.stream({ url: new URL(config.expositionUrl), expect: 'text', ...LIMIT });
    let characters = 0;
    for await (const piece of response.body) characters += piece.length;
    return characters;
  });
  await scenario('exposition: Live Usage poll (PrometheusClient.scrape, worker)', config.polls, async () => {
    const reading = await exposition.scrape();
    if (!parseWorker().running) throw new Error('the worker did not run');
    return reading.samples.length;
  });
  await scenario('exposition: parsed in one piece on the host (no worker)', config.polls, async () => {
    const response = await http.text({ url: new URL(config.expositionUrl), ...LIMIT });
    normalizeExposition(parsePrometheusText(response.body, { contentType: response.contentType }), { at: Date.now() });
    return response.bytes;
  });

  await scenario('/metrics: HTTP read only (HttpClient.text)', config.polls, async () => {
    return (await http.text({ url: new URL(metricsUrl), accept: 'application/json', ...LIMIT })).bytes;
  });
  await scenario('/metrics: parsed and normalized in one piece on the host (no worker)', config.polls, async () => {
    const response = await http.json({ url: new URL(metricsUrl), ...LIMIT });
    return normalizeMetrics(response.body, Date.now(), { version: 'v2' }).periodCount;
  });
  const poll = async (since: number | undefined, maxPeriods?: number): Promise<number> => {
    const client = maxPeriods === undefined ? browserless : new BrowserlessClient(http, { ...browserlessConfig, maxPeriods });
    const reading = await client.metrics(since === undefined ? {} : { since });
    if (!reading.offered || !parseWorker().running) throw new Error('the poll did not go through the worker');
    return reading.periods.length;
  };
  await scenario('/metrics: Live Usage poll, first (streamed; a week of periods kept)', config.polls, () => poll(undefined));
  await scenario('/metrics: Live Usage poll, every period kept (streamed)', config.polls, () => poll(undefined, 20_000));
  const all = await new BrowserlessClient(http, { ...browserlessConfig, maxPeriods: 20_000 }).metrics();
  const latest = all.offered ? all.latestDate : undefined;
  if (latest === undefined) throw new Error('the server sent no periods');
  await scenario('/metrics: Live Usage poll, new periods only (streamed)', config.polls, () => poll(latest - 3 * 5 * 60 * 1000));

  await shutdownParseWorker();
  await http.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
