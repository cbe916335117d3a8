/**
 * Browserless `/metrics` periods: validated and normalized one batch at a time, as the parser worker
 * hands them over (or all at once from a parsed body, `normalizeMetrics`). Pure: no I/O.
 *
 * Dates. v2 dates a period when it saves it, so `date` is its end. v1 (1.61.1) sets `date` when the
 * period opens and never rewrites it, so `date` is its start and the period ends five minutes later.
 * Every period here is placed at its end, the instant its counts are complete, whatever the version.
 *
 * The period still open. v1 appends it as the last element, with every stats field so far plus the
 * machine's cpu and memory. Its counts grow until it closes, so storing it would either freeze an
 * undercount or count twice once the finished period arrives, and callers merge periods by date
 * assuming a period never changes. It is returned apart, as `inProgress`, and never becomes a sample.
 */
import * as z from 'zod/mini';
import { lazy } from '../../shared/lazy';
import { countSample, gaugeSample, impossibleValuesNote, percentSample, type Sample } from '../../shared/samples';
import type { Reading } from '../types';
import { schemaKeys, unknownFieldSamples } from '../unknownFields';
import { parseResponse } from '../validate';
import { BROWSERLESS_PERIOD_MS, BROWSERLESS_SERIES } from './descriptor';
import { v1PeriodSchema, v2PeriodSchema, type BrowserlessPeriodBody } from './schemas';

export type BrowserlessVersion = 'v2' | 'v1';

export interface BrowserlessPeriod {
  /** End of the period, epoch ms (server clock): the key to merge periods by. */
  readonly date: number;
  /** Start of the period (v1 sends it; for v2 it is five minutes before the end). */
  readonly start: number;
  readonly windowMs: number;
  readonly successful: number | null;
  readonly error: number | null;
  readonly timedout: number | null;
  readonly queued: number | null;
  readonly rejected: number | null;
  /** v2 only. */
  readonly unauthorized: number | null;
  readonly unhealthy: number | null;
  /** Running sessions at the moment the period was saved. */
  readonly running: number | null;
  /** Highest simultaneous running count seen in the period (not the configured limit). */
  readonly maxConcurrent: number | null;
  /** Sessions that ended in the period (length of `sessionTimes`). */
  readonly sessions: number | null;
  readonly units: number | null;
  readonly meanTimeMs: number | null;
  readonly maxTimeMs: number | null;
  readonly minTimeMs: number | null;
  readonly totalTimeMs: number | null;
  readonly cpuPercent: number | null;
  readonly memoryPercent: number | null;
  /** The server reported a negative running count: its running and maxConcurrent are unreliable. */
  readonly rollUpGlitch: boolean;
}

export interface BrowserlessMetricsReading extends Reading {
  readonly offered: true;
  /** Finished periods newer than `since`, oldest first, at most the call's limit. */
  readonly periods: readonly BrowserlessPeriod[];
  /**
   * v1 only: the period still open, as the server sees it so far (`date` is when it will end). Never
   * in `samples`: see the module comment.
   */
  readonly inProgress?: BrowserlessPeriod;
  /** End of the newest period in `periods` (or the `since` asked with, when none is new): pass it as `since` next time. */
  readonly latestDate?: number;
  /** Finished periods in the whole response, before `since` and the limit. */
  readonly periodCount: number;
  /** Periods newer than `since` left for the next calls by the limit. */
  readonly remaining: number;
  /** The body was over the size limit, or still is (see the client): no periods were read. */
  readonly tooLarge?: true;
}

const valueOf = (sample: Sample): number | null => sample.value;

/** Fields the schemas read; any other number a server sends is kept as an unknown series. */
const PERIOD_KEYS = lazy(() => ({ v2: schemaKeys(v2PeriodSchema()), v1: schemaKeys(v1PeriodSchema()) }));
const WHAT = 'The Browserless /metrics response';

/** The samples of one period, all at its end. Fields the server did not send give no sample. */
function normalizePeriod(
  period: BrowserlessPeriodBody,
  end: number,
  raw?: unknown,
  known?: ReadonlySet<string>,
): { period: BrowserlessPeriod; samples: Sample[] } {
  const ids = BROWSERLESS_SERIES.metrics;
  const windowMs = BROWSERLESS_PERIOD_MS;
  const windowed = { windowMs };
  const perPeriod = (id: string, value: number | null | undefined) => countSample(id, value, end, windowed);
  const milliseconds = (id: string, value: number | null | undefined) => gaugeSample(id, value, 'milliseconds', end, windowed);
  const rollUpGlitch = typeof period.running === 'number' && period.running < 0;

  const successful = perPeriod(ids.successful, period.successful);
  const error = perPeriod(ids.error, period.error);
  const timedout = perPeriod(ids.timedout, period.timedout);
  const queued = perPeriod(ids.queued, period.queued);
  const rejected = perPeriod(ids.rejected, period.rejected);
  const unauthorized = perPeriod(ids.unauthorized, period.unauthorized);
  const unhealthy = perPeriod(ids.unhealthy, period.unhealthy);
  // A snapshot at save time, not a count over the window: no windowMs.
  const running = countSample(ids.running, period.running, end);
  const maxConcurrentRaw = perPeriod(ids.maxConcurrent, period.maxConcurrent);
  // The same roll-up that makes running negative also undercounts maxConcurrent; it is kept but
  // marked so no chart or threshold takes it at face value.
  const maxConcurrent: Sample =
    rollUpGlitch && maxConcurrentRaw.value !== null ? { ...maxConcurrentRaw, flags: [...(maxConcurrentRaw.flags ?? []), 'lowConfidence'] } : maxConcurrentRaw;
  const sessions = perPeriod(ids.sessions, period.sessionTimes?.length);
  const units = countSample(ids.units, period.units, end, { windowMs, unit: 'units' });
  const meanTime = milliseconds(ids.meanTime, period.meanTime);
  const maxTime = milliseconds(ids.maxTime, period.maxTime);
  const minTime = milliseconds(ids.minTime, period.minTime);
  const totalTime = milliseconds(ids.totalTime, period.totalTime);
  // Fractions 0..1 on this route, unlike /pressure: convert so every cpu series is in percent.
  const cpu = percentSample(ids.cpu, period.cpu, 'fraction', end);
  const memory = percentSample(ids.memory, period.memory, 'fraction', end);

  // A field the server did not send (v1, older v2) yields no sample; one it sent as null yields a
  // null sample, so a chart shows a gap rather than a zero.
  const sent: [Sample, unknown][] = [
    [successful, period.successful],
    [error, period.error],
    [timedout, period.timedout],
    [queued, period.queued],
    [rejected, period.rejected],
    [unauthorized, period.unauthorized],
    [unhealthy, period.unhealthy],
    [running, period.running],
    [maxConcurrent, period.maxConcurrent],
    [sessions, period.sessionTimes],
    [units, period.units],
    [meanTime, period.meanTime],
    [maxTime, period.maxTime],
    [minTime, period.minTime],
    [totalTime, period.totalTime],
    [cpu, period.cpu],
    [memory, period.memory],
  ];
  return {
    period: {
      date: end,
      start: end - windowMs,
      windowMs,
      successful: valueOf(successful),
      error: valueOf(error),
      timedout: valueOf(timedout),
      queued: valueOf(queued),
      rejected: valueOf(rejected),
      unauthorized: valueOf(unauthorized),
      unhealthy: valueOf(unhealthy),
      running: valueOf(running),
      maxConcurrent: valueOf(maxConcurrent),
      sessions: valueOf(sessions),
      units: valueOf(units),
      meanTimeMs: valueOf(meanTime),
      maxTimeMs: valueOf(maxTime),
      minTimeMs: valueOf(minTime),
      totalTimeMs: valueOf(totalTime),
      cpuPercent: valueOf(cpu),
      memoryPercent: valueOf(memory),
      rollUpGlitch,
    },
    samples: [
      ...sent.filter(([, value]) => value !== undefined).map(([sample]) => sample),
      ...(known ? unknownFieldSamples(raw, known, 'browserless.metrics.', end, windowed) : []),
    ],
  };
}

export interface PeriodCollectorOptions {
  readonly version: BrowserlessVersion;
  readonly fetchedAt: number;
  readonly url?: string;
  /** The end the caller already has periods up to: `latestDate` when no newer period comes. */
  readonly since?: number;
}

/** What the body as a whole said, once it has all been read. */
export interface PeriodsTally {
  /** Elements in the array. */
  readonly elements: number;
  /** Periods newer than `since` not handed over (the limit). */
  readonly remaining?: number;
}

/** Takes the periods of one /metrics body in batches, each with its index in the array; `finish` gives the reading. */
export class PeriodCollector {
  private readonly periods: BrowserlessPeriod[] = [];
  private readonly samples: Sample[] = [];
  private undated = 0;
  private glitches = 0;
  private latestDate: number | undefined;
  /** v1: the latest element, held until the next one (or the end) says whether it is the open period. */
  private held: { readonly value: unknown; readonly index: number } | undefined;

  constructor(private readonly options: PeriodCollectorOptions) {}

  add(values: readonly unknown[], indexes: readonly number[]): void {
    for (const [position, value] of values.entries()) {
      const index = indexes[position] ?? position;
      if (this.options.version === 'v2') {
        this.finished(value, index);
        continue;
      }
      if (this.held !== undefined) this.finished(this.held.value, this.held.index);
      this.held = { value, index };
    }
  }

  finish(tally: PeriodsTally): BrowserlessMetricsReading {
    const { version, fetchedAt } = this.options;
    let inProgress: BrowserlessPeriod | undefined;
    const held = this.held;
    this.held = undefined;
    if (held !== undefined) {
      if (held.index === tally.elements - 1) inProgress = this.open(held.value, held.index);
      else this.finished(held.value, held.index);
    }
    const notes: string[] = [];
    if (this.undated > 0) notes.push(`${this.undated} period(s) without a date were skipped.`);
    const impossible = impossibleValuesNote(this.samples, '/metrics');
    if (impossible) notes.push(impossible);
    if (this.glitches > 0) {
      notes.push(
        `${this.glitches} period(s) reported a negative running count (a Browserless roll-up bug during a live session); those running values are withheld and their peak concurrency may be too low.`,
      );
    }
    const remaining = tally.remaining ?? 0;
    const latestDate = this.latestDate ?? this.options.since;
    if (remaining > 0) {
      notes.push(
        `${remaining.toLocaleString('en-US')} older 5-minute period(s) from the server are still to be read: they are added at the next polls, ${this.periods.length.toLocaleString('en-US')} at a time.`,
      );
    }
    return {
      offered: true,
      fetchedAt,
      periods: this.periods,
      samples: this.samples,
      periodCount: version === 'v1' ? Math.max(0, tally.elements - 1) : tally.elements,
      remaining,
      ...(latestDate === undefined ? {} : { latestDate }),
      ...(inProgress ? { inProgress } : {}),
      ...(notes.length > 0 ? { notes } : {}),
    };
  }

  private validated(value: unknown, index: number): BrowserlessPeriodBody {
    const schema = this.options.version === 'v2' ? v2PeriodSchema() : v1PeriodSchema();
    return parseResponse<BrowserlessPeriodBody>(schema, value, WHAT, this.options.url, [index]);
  }

  /** Where a period ends, from its `date`: v2 sends the end, v1 the start. */
  private endOf(date: number): number {
    return this.options.version === 'v1' ? date + BROWSERLESS_PERIOD_MS : date;
  }

  private finished(value: unknown, index: number): void {
    const element = this.validated(value, index);
    if (typeof element.date !== 'number') {
      // Without a date a period cannot be placed in time or merged; it is counted, not guessed.
      this.undated++;
      return;
    }
    const end = this.endOf(element.date);
    const normalized = normalizePeriod(element, end, value, PERIOD_KEYS()[this.options.version]);
    if (normalized.period.rollUpGlitch) this.glitches++;
    this.periods.push(normalized.period);
    for (const sample of normalized.samples) this.samples.push(sample);
    this.latestDate = this.latestDate === undefined ? end : Math.max(this.latestDate, end);
  }

  /** The period still open; one sent without a date is taken to have started at the last finished period's end. */
  private open(value: unknown, index: number): BrowserlessPeriod {
    const element = this.validated(value, index);
    const start = typeof element.date === 'number' ? element.date : (this.latestDate ?? this.options.fetchedAt);
    return normalizePeriod(element, start + BROWSERLESS_PERIOD_MS).period;
  }
}

export interface NormalizeMetricsOptions {
  readonly version: BrowserlessVersion;
  /** Keep only periods that end after this (epoch ms). */
  readonly since?: number;
  readonly url?: string;
}

/** Validates and normalizes a whole, already parsed /metrics array (small bodies and tests). */
export function normalizeMetrics(body: unknown, fetchedAt: number, options: NormalizeMetricsOptions): BrowserlessMetricsReading {
  const elements = parseResponse(z.array(z.unknown()), body, WHAT, options.url);
  const since = options.since;
  const collector = new PeriodCollector({
    version: options.version,
    fetchedAt,
    ...(options.url ? { url: options.url } : {}),
    ...(since === undefined ? {} : { since }),
  });
  const last = elements.length - 1;
  const kept: unknown[] = [];
  const indexes: number[] = [];
  for (const [index, element] of elements.entries()) {
    const date = (element as { date?: unknown } | null)?.date;
    const end = typeof date === 'number' ? (options.version === 'v1' ? date + BROWSERLESS_PERIOD_MS : date) : undefined;
    if (since !== undefined && end !== undefined && end <= since && !(options.version === 'v1' && index === last)) continue;
    kept.push(element);
    indexes.push(index);
  }
  collector.add(kept, indexes);
  return collector.finish({ elements: elements.length });
}
