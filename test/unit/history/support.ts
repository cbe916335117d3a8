/** Shared by the history tests: real temporary folders, a capturing log, a settable clock. */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HistoryStore, type HistoryLog, type HistoryOptions } from '../../../src/history/historyStore';
import { connectionPaths } from '../../../src/history/paths';
import type { Sample } from '../../../src/shared/samples';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
/** Noon, 10 May 2024 UTC. */
export const NOON = Date.UTC(2024, 4, 10, 12);

export interface CapturingLog extends HistoryLog {
  readonly infos: string[];
  readonly warnings: string[];
}

export function capturingLog(): CapturingLog {
  const infos: string[] = [];
  const warnings: string[] = [];
  return { infos, warnings, info: (message) => void infos.push(message), warn: (message) => void warnings.push(message) };
}

export interface Clock {
  now: number;
}

/** Runs `body` with a fresh folder under the OS temp folder, removed afterwards whatever happens. */
export async function withFolder<T>(body: (folder: string) => Promise<T>): Promise<T> {
  const folder = await mkdtemp(join(tmpdir(), 'live-usage-history-'));
  try {
    return await body(folder);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

export function openStore(folder: string, clock: Clock, log: HistoryLog = capturingLog(), extra: Partial<HistoryOptions> = {}): Promise<HistoryStore> {
  return HistoryStore.open(folder, { fullResolutionDays: 7, downsampledDays: 30, log, now: () => clock.now, ...extra });
}

export function gauge(series: string, at: number, value: number | null, extra: Partial<Sample> = {}): Sample {
  return { series, value, unit: 'count', at, ...extra };
}

/** `count` samples of `series`, one every `stepMs` ending at `end`, valued by index. */
export function run(series: string, end: number, count: number, stepMs: number, labels?: Record<string, string>): Sample[] {
  return Array.from({ length: count }, (_unused, index) => gauge(series, end - (count - 1 - index) * stepMs, index, labels ? { labels } : {}));
}

export function fullFile(folder: string, id: string, day: string): string {
  return join(connectionPaths(folder, id).full, `${day}.jsonl`);
}

export async function namesIn(folder: string): Promise<string[]> {
  return (await readdir(folder).catch(() => [] as string[])).sort();
}

export async function lineCount(path: string): Promise<number> {
  return (await readFile(path, 'utf8')).split('\n').filter((line) => line !== '').length;
}
