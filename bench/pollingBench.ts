/**
 * Polling costs: (a) CPU time the scheduler spends per poll cycle of 20 connections (fake clock,
 * instant feeds, so only the scheduling itself is measured); (b) requests per minute reaching a
 * counting server on 127.0.0.1 from 1 window and from 3 windows (separate processes sharing one lease
 * folder). The target for (b): 3 windows cost the same as 1. Figures are printed, not asserted.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Clock, TimerHandle } from '../src/polling/clock';
import { PollScheduler, type Feed } from '../src/polling/pollScheduler';
import type { Reading } from '../src/providers/types';

const ROOT = path.resolve(__dirname, '..');
const WORKER = path.join(__dirname, 'pollingWorker.ts');

/** Time moves only when the bench says so; timers fire in order. */
export class BenchClock implements Clock {
  time = 1_700_000_000_000;
  private readonly timers = new Map<number, { at: number; callback: () => void }>();
  private nextId = 1;

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + ms, callback });
    return id;
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers.delete(handle as number);
  }

  /**
   * Fires timers due up to `target` one at a time, in order, letting the promise callbacks of each
   * (the instant feed's completion) run at that timer's time.
   */
  async advanceTo(target: number): Promise<void> {
    for (;;) {
      let next: [number, { at: number; callback: () => void }] | undefined;
      for (const entry of this.timers) if (entry[1].at <= target && (!next || entry[1].at < next[1].at)) next = entry;
      if (!next) break;
      this.timers.delete(next[0]);
      this.time = Math.max(this.time, next[1].at);
      next[1].callback();
      for (let hop = 0; hop < 4; hop++) await Promise.resolve();
    }
    this.time = target;
  }
}

async function cpuPerCycle(connections: number, cycles: number): Promise<{ microsPerCycle: number; polls: number }> {
  const clock = new BenchClock();
  let polls = 0;
  const reading: Reading = { fetchedAt: 0, samples: [], rateLimit: { limit: 1000, remaining: 900, resetAt: clock.now() + 3_600_000 } };
  const scheduler = new PollScheduler({
    clock,
    random: Math.random,
    onReading: () => polls++,
    onError: () => undefined,
    // A listener as the extension has one, so state tracking is part of the cost.
    onState: () => undefined,
  });
  const intervalMs = 15_000;
  const feeds: Feed[] = Array.from({ length: connections }, (_, index) => ({
    key: `connection-${index}:pressure`,
    connectionId: `connection-${index}`,
    intervalMs,
    run: () => Promise.resolve(reading),
  }));
  scheduler.setFeeds(feeds);
  await clock.advanceTo(clock.now());
  // Warm-up, so JIT compilation is not counted.
  for (let cycle = 0; cycle < 200; cycle++) await clock.advanceTo(clock.now() + intervalMs);
  polls = 0;
  const start = process.cpuUsage();
  for (let cycle = 0; cycle < cycles; cycle++) await clock.advanceTo(clock.now() + intervalMs);
  const used = process.cpuUsage(start);
  scheduler.dispose();
  return { microsPerCycle: (used.user + used.system) / cycles, polls };
}

interface WindowsResult {
  readonly windows: number;
  readonly requestsPerMinute: number;
  readonly perWindow: Record<string, number>;
}

async function requestsPerMinute(windows: number, connections: number, intervalMs: number, measureMs: number): Promise<WindowsResult> {
  let counting = false;
  let count = 0;
  const perWindow: Record<string, number> = {};
  const server = createServer((request, response) => {
    if (counting) {
      count++;
      const window = String(request.headers['x-window'] ?? '?');
      perWindow[window] = (perWindow[window] ?? 0) + 1;
    }
    response.end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const folder = mkdtempSync(path.join(tmpdir(), 'live-usage-bench-'));
  const children: ChildProcessWithoutNullStreams[] = [];
  try {
    const ready: Promise<void>[] = [];
    for (let index = 0; index < windows; index++) {
      const child = spawn(process.execPath, ['--import', 'tsx', WORKER, folder, `window-${index}`, String(port), String(connections), String(intervalMs)], {
        cwd: ROOT,
        env: { ...process.env, NODE_OPTIONS: '' },
      });
      children.push(child);
      ready.push(
        new Promise((resolve, reject) => {
          createInterface({ input: child.stdout }).on('line', (line) => line === 'ready' && resolve());
          child.on('exit', (code) => reject(new Error(`bench worker exited with ${code}`)));
        }),
      );
    }
    await Promise.all(ready);
    for (const child of children) child.stdin.write('go\n');
    // Skip start-up (leases taken, first polls), then count the steady state.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    counting = true;
    await new Promise((resolve) => setTimeout(resolve, measureMs));
    counting = false;
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            child.once('exit', () => resolve());
            child.stdin.write('stop\n');
          }),
      ),
    );
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await new Promise((resolve) => server.close(resolve));
    rmSync(folder, { recursive: true, force: true });
  }
  return { windows, requestsPerMinute: (count * 60_000) / measureMs, perWindow };
}

export async function runPollingBench(): Promise<void> {
  console.log('\n## Polling\n');
  const cycles = 2_000;
  const cpu = await cpuPerCycle(20, cycles);
  console.log(
    `scheduler CPU, 20 connections: ${cpu.microsPerCycle.toFixed(1)} µs per cycle (${(cpu.microsPerCycle / 20).toFixed(2)} µs per poll; ${cpu.polls} polls over ${cycles} cycles)`,
  );

  const connections = 5;
  const intervalMs = 500;
  const measureMs = 8_000;
  const expected = (connections * 60_000) / intervalMs;
  console.log(
    `requests/min to 127.0.0.1, ${connections} connections every ${intervalMs} ms ±10 % (one poller expected: ~${expected}/min), measured over ${measureMs / 1000} s:`,
  );
  for (const windows of [1, 3]) {
    const result = await requestsPerMinute(windows, connections, intervalMs, measureMs);
    const split = Object.entries(result.perWindow)
      .sort()
      .map(([window, requests]) => `${window}: ${requests}`)
      .join(', ');
    console.log(`  ${windows} window${windows > 1 ? 's' : ' '}: ${result.requestsPerMinute.toFixed(0)} req/min  (${split})`);
  }
}
