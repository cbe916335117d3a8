/**
 * Pure normalizers for the Browserless management routes: validated body in, typed object plus
 * samples out. No I/O, so they are tested against the real server's bodies directly.
 */
import { countSample, gaugeSample, impossibleValuesNote, percentSample, type Sample } from '../../shared/samples';
import type { Reading } from '../types';
import { schemaKeys, unknownFieldSamples } from '../unknownFields';
import { parseResponse } from '../validate';
import {
  pressureSchema,
  v1MetricsSchema,
  v1PeriodSchema,
  v1TotalSchema,
  v2MetricsSchema,
  v2PeriodSchema,
  v2TotalSchema,
  wrappedPressureSchema,
  type BrowserlessPeriodBody,
  type BrowserlessPressureBody,
  type BrowserlessTotalBody,
} from './schemas';

export type BrowserlessVersion = 'v2' | 'v1';

/** Default roll-up period of both server generations (`metricsSaveInterval`, 5 minutes). */
export const BROWSERLESS_PERIOD_MS = 5 * 60 * 1000;

/**
 * Below this much history, `estimatedMonthlyUnits` extrapolates a month from under an hour of data;
 * Browserless's own docs call it unreliable for hours after a relaunch.
 */
export const LOW_CONFIDENCE_MINUTES = 60;

/** Stable series ids, so the history store, charts and thresholds agree on names. */
export const BROWSERLESS_SERIES = {
  pressure: {
    running: 'browserless.pressure.running',
    queued: 'browserless.pressure.queued',
    maxConcurrent: 'browserless.pressure.maxConcurrent',
    maxQueued: 'browserless.pressure.maxQueued',
    recentlyRejected: 'browserless.pressure.recentlyRejected',
    cpu: 'browserless.pressure.cpu',
    memory: 'browserless.pressure.memory',
    isAvailable: 'browserless.pressure.isAvailable',
  },
  metrics: {
    successful: 'browserless.metrics.successful',
    error: 'browserless.metrics.error',
    timedout: 'browserless.metrics.timedout',
    queued: 'browserless.metrics.queued',
    rejected: 'browserless.metrics.rejected',
    unauthorized: 'browserless.metrics.unauthorized',
    unhealthy: 'browserless.metrics.unhealthy',
    running: 'browserless.metrics.running',
    maxConcurrent: 'browserless.metrics.maxConcurrent',
    sessions: 'browserless.metrics.sessions',
    units: 'browserless.metrics.units',
    meanTime: 'browserless.metrics.meanTime',
    maxTime: 'browserless.metrics.maxTime',
    minTime: 'browserless.metrics.minTime',
    totalTime: 'browserless.metrics.totalTime',
    cpu: 'browserless.metrics.cpu',
    memory: 'browserless.metrics.memory',
  },
  total: {
    successful: 'browserless.total.successful',
    error: 'browserless.total.error',
    timedout: 'browserless.total.timedout',
    queued: 'browserless.total.queued',
    rejected: 'browserless.total.rejected',
    unhealthy: 'browserless.total.unhealthy',
    maxConcurrent: 'browserless.total.maxConcurrent',
    sessions: 'browserless.total.sessions',
    units: 'browserless.total.units',
    estimatedMonthlyUnits: 'browserless.total.estimatedMonthlyUnits',
    minutesOfMetricsAvailable: 'browserless.total.minutesOfMetricsAvailable',
    meanTime: 'browserless.total.meanTime',
    maxTime: 'browserless.total.maxTime',
    totalTime: 'browserless.total.totalTime',
  },
} as const;

/** `reason` as the server sends it; '' while available. Other strings are kept as sent. */
export type BrowserlessPressureReason = 'full' | 'cpu' | 'memory' | '' | (string & {});

export interface BrowserlessPressure {
  /** The server's own clock at response time, when it sent one. Samples use our clock (`fetchedAt`). */
  readonly serverDate: number | null;
  /** Counts are null when absent or when the server sent a negative (withheld) value. */
  readonly running: number | null;
  readonly queued: number | null;
  readonly maxConcurrent: number | null;
  readonly maxQueued: number | null;
  /** Rejections so far in the current, unfinished 5-minute window. */
  readonly recentlyRejected: number | null;
  readonly cpuPercent: number | null;
  readonly memoryPercent: number | null;
  readonly isAvailable: boolean;
  readonly reason: BrowserlessPressureReason;
  readonly message: string;
}

export interface BrowserlessPressureReading extends Reading {
  readonly offered: true;
  /** Which of the two shapes the server used: v2.11 sent the object without the `pressure` wrapper. */
  readonly shape: 'wrapped' | 'unwrapped';
  readonly pressure: BrowserlessPressure;
}

export interface BrowserlessPeriod {
  /** End of the period, epoch ms (server clock); the key to merge periods by. */
  readonly date: number;
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
  /** Finished periods newer than `since`, oldest first. */
  readonly periods: readonly BrowserlessPeriod[];
  /**
   * v1 only: the still-open window the server appends last. Shown as "so far", never stored (see
   * `normalizeMetrics`). Its `date` is the fetch time when the server sent none.
   */
  readonly inProgress?: BrowserlessPeriod;
  /** Date of the newest finished period in the whole response: pass it as `since` next time. */
  readonly latestDate?: number;
  /** Finished periods in the whole response, before the `since` filter. */
  readonly periodCount: number;
}

export interface BrowserlessTotal {
  readonly successful: number | null;
  readonly error: number | null;
  readonly timedout: number | null;
  readonly queued: number | null;
  readonly rejected: number | null;
  readonly unhealthy: number | null;
  readonly maxConcurrent: number | null;
  readonly sessions: number | null;
  readonly units: number | null;
  /** null with no history (the server sends null); see `estimateLowConfidence`. */
  readonly estimatedMonthlyUnits: number | null;
  readonly estimateLowConfidence: boolean;
  readonly minutesOfMetricsAvailable: number | null;
  /** Unweighted mean of the periods' means, as the server computes it; null with no history. */
  readonly meanTimeMs: number | null;
  readonly maxTimeMs: number | null;
  readonly totalTimeMs: number | null;
  // minTime is left out on purpose: the open-source server seeds Math.min with 0, so it is always 0.
}

export interface BrowserlessTotalReading extends Reading {
  /** The route that answered: v1 servers that follow the v1 docs serve only /metrics/all. */
  readonly route: '/metrics/total' | '/metrics/all';
  readonly total: BrowserlessTotal;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const valueOf = (sample: Sample): number | null => sample.value;

/** Fields the schemas read; any other number a server sends is kept as an unknown series. */
const PRESSURE_KEYS = schemaKeys(pressureSchema);
const PERIOD_KEYS = { v2: schemaKeys(v2PeriodSchema), v1: schemaKeys(v1PeriodSchema) };
const TOTAL_KEYS = { v2: schemaKeys(v2TotalSchema), v1: schemaKeys(v1TotalSchema) };

/** Validates and normalizes a /pressure body, wrapped (`{pressure: {...}}`) or bare (v2.11). */
export function normalizePressure(body: unknown, fetchedAt: number, url?: string): BrowserlessPressureReading {
  const wrapped = isRecord(body) && 'pressure' in body;
  const pressure: BrowserlessPressureBody = wrapped
    ? parseResponse(wrappedPressureSchema, body, 'The Browserless /pressure response', url).pressure
    : parseResponse(pressureSchema, body, 'The Browserless /pressure response', url);
  const ids = BROWSERLESS_SERIES.pressure;
  // Live values are stamped with our clock, not the server's `date`: staleness is judged against our
  // clock, and a skewed server clock must not make a fresh reading look old.
  const at = fetchedAt;
  const running = countSample(ids.running, pressure.running, at);
  const queued = countSample(ids.queued, pressure.queued, at);
  const maxConcurrent = countSample(ids.maxConcurrent, pressure.maxConcurrent, at);
  const maxQueued = countSample(ids.maxQueued, pressure.maxQueued, at);
  const recentlyRejected = countSample(ids.recentlyRejected, pressure.recentlyRejected, at);
  // Already integer percents on this route: no conversion.
  const cpu = percentSample(ids.cpu, pressure.cpu, 'percent', at);
  const memory = percentSample(ids.memory, pressure.memory, 'percent', at);
  const reason = pressure.reason ?? '';
  const isAvailable = gaugeSample(ids.isAvailable, pressure.isAvailable ? 1 : 0, 'state', at, reason ? { labels: { reason } } : {});
  const raw = wrapped ? (body as { pressure: unknown }).pressure : body;
  const samples = [
    running,
    queued,
    maxConcurrent,
    maxQueued,
    recentlyRejected,
    cpu,
    memory,
    isAvailable,
    ...unknownFieldSamples(raw, PRESSURE_KEYS, 'browserless.pressure.', at),
  ];
  const notes = [
    ...(samples.some((sample) => sample.flags?.includes('invalidNegative'))
      ? ['The server reported a negative count in /pressure; that value is withheld (a known Browserless counting bug).']
      : []),
    ...[impossibleValuesNote(samples, '/pressure')].filter((note): note is string => note !== undefined),
  ];
  return {
    offered: true,
    fetchedAt,
    shape: wrapped ? 'wrapped' : 'unwrapped',
    pressure: {
      serverDate: pressure.date ?? null,
      running: valueOf(running),
      queued: valueOf(queued),
      maxConcurrent: valueOf(maxConcurrent),
      maxQueued: valueOf(maxQueued),
      recentlyRejected: valueOf(recentlyRejected),
      cpuPercent: valueOf(cpu),
      memoryPercent: valueOf(memory),
      isAvailable: pressure.isAvailable,
      reason,
      message: pressure.message ?? '',
    },
    samples,
    ...(notes.length > 0 ? { notes } : {}),
  };
}

function normalizePeriod(
  period: BrowserlessPeriodBody,
  date: number,
  raw?: unknown,
  known?: ReadonlySet<string>,
): { period: BrowserlessPeriod; samples: Sample[] } {
  const ids = BROWSERLESS_SERIES.metrics;
  const windowMs = BROWSERLESS_PERIOD_MS;
  const windowed = { windowMs };
  const perPeriod = (id: string, raw: number | null | undefined) => countSample(id, raw, date, windowed);
  const milliseconds = (id: string, raw: number | null | undefined) => gaugeSample(id, raw, 'milliseconds', date, windowed);
  const rollUpGlitch = typeof period.running === 'number' && period.running < 0;

  const successful = perPeriod(ids.successful, period.successful);
  const error = perPeriod(ids.error, period.error);
  const timedout = perPeriod(ids.timedout, period.timedout);
  const queued = perPeriod(ids.queued, period.queued);
  const rejected = perPeriod(ids.rejected, period.rejected);
  const unauthorized = perPeriod(ids.unauthorized, period.unauthorized);
  const unhealthy = perPeriod(ids.unhealthy, period.unhealthy);
  // A snapshot at save time, not a count over the window: no windowMs.
  const running = countSample(ids.running, period.running, date);
  const maxConcurrentRaw = perPeriod(ids.maxConcurrent, period.maxConcurrent);
  // The same roll-up that makes running negative also undercounts maxConcurrent; it is kept but
  // marked so no chart or threshold takes it at face value.
  const maxConcurrent: Sample =
    rollUpGlitch && maxConcurrentRaw.value !== null ? { ...maxConcurrentRaw, flags: [...(maxConcurrentRaw.flags ?? []), 'lowConfidence'] } : maxConcurrentRaw;
  const sessions = perPeriod(ids.sessions, period.sessionTimes?.length);
  const units = countSample(ids.units, period.units, date, { windowMs, unit: 'units' });
  const meanTime = milliseconds(ids.meanTime, period.meanTime);
  const maxTime = milliseconds(ids.maxTime, period.maxTime);
  const minTime = milliseconds(ids.minTime, period.minTime);
  const totalTime = milliseconds(ids.totalTime, period.totalTime);
  // Fractions 0..1 on this route, unlike /pressure: convert so every cpu series is in percent.
  const cpu = percentSample(ids.cpu, period.cpu, 'fraction', date);
  const memory = percentSample(ids.memory, period.memory, 'fraction', date);

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
      date,
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
      ...(known ? unknownFieldSamples(raw, known, 'browserless.metrics.', date, windowed) : []),
    ],
  };
}

export interface NormalizeMetricsOptions {
  readonly version: BrowserlessVersion;
  /** Keep only periods whose `date` is greater than this (epoch ms). */
  readonly since?: number;
  readonly url?: string;
}

/**
 * Validates and normalizes a /metrics array.
 *
 * v1 appends the window that is still open as the last element. It is taken out of `periods` and
 * `samples` and returned as `inProgress`: its counts keep growing until the window closes, so storing
 * it would either freeze an undercount under that date or double count once the finished period
 * arrives, and callers merge periods by `date` assuming a period never changes. Showing it as "so far"
 * keeps the information without corrupting history.
 */
export function normalizeMetrics(body: unknown, fetchedAt: number, options: NormalizeMetricsOptions): BrowserlessMetricsReading {
  const what = 'The Browserless /metrics response';
  const elements: BrowserlessPeriodBody[] =
    options.version === 'v2' ? parseResponse(v2MetricsSchema, body, what, options.url) : parseResponse(v1MetricsSchema, body, what, options.url);
  const notes: string[] = [];
  const finished = options.version === 'v1' ? elements.slice(0, -1) : elements;
  const open = options.version === 'v1' ? elements.at(-1) : undefined;

  const periods: BrowserlessPeriod[] = [];
  const samples: Sample[] = [];
  let latestDate: number | undefined;
  let periodCount = 0;
  let undated = 0;
  let glitches = 0;
  const rawElements: readonly unknown[] = Array.isArray(body) ? body : [];
  for (const [index, element] of finished.entries()) {
    if (typeof element.date !== 'number') {
      // Without a date a period cannot be placed in time or merged; it is counted, not guessed.
      undated++;
      continue;
    }
    periodCount++;
    latestDate = latestDate === undefined ? element.date : Math.max(latestDate, element.date);
    if (options.since !== undefined && element.date <= options.since) continue;
    const normalized = normalizePeriod(element, element.date, rawElements[index], PERIOD_KEYS[options.version]);
    if (normalized.period.rollUpGlitch) glitches++;
    periods.push(normalized.period);
    samples.push(...normalized.samples);
  }
  if (undated > 0) notes.push(`${undated} period(s) without a date were skipped.`);
  const impossible = impossibleValuesNote(samples, '/metrics');
  if (impossible) notes.push(impossible);
  if (glitches > 0) {
    notes.push(
      `${glitches} period(s) reported a negative running count (a Browserless roll-up bug during a live session); those running values are withheld and their peak concurrency may be too low.`,
    );
  }
  const inProgress = open ? normalizePeriod(open, typeof open.date === 'number' ? open.date : fetchedAt).period : undefined;
  return {
    fetchedAt,
    periods,
    samples,
    periodCount,
    ...(latestDate === undefined ? {} : { latestDate }),
    ...(inProgress ? { inProgress } : {}),
    ...(notes.length > 0 ? { notes } : {}),
  };
}

export interface NormalizeTotalOptions {
  readonly version: BrowserlessVersion;
  readonly route: BrowserlessTotalReading['route'];
  readonly url?: string;
}

/** Validates and normalizes a /metrics/total (or v1 /metrics/all) object. */
export function normalizeTotal(body: unknown, fetchedAt: number, options: NormalizeTotalOptions): BrowserlessTotalReading {
  const what = `The Browserless ${options.route} response`;
  const total: BrowserlessTotalBody =
    options.version === 'v2' ? parseResponse(v2TotalSchema, body, what, options.url) : parseResponse(v1TotalSchema, body, what, options.url);
  const ids = BROWSERLESS_SERIES.total;
  const at = fetchedAt;
  const minutes = typeof total.minutesOfMetricsAvailable === 'number' && total.minutesOfMetricsAvailable >= 0 ? total.minutesOfMetricsAvailable : null;
  // The totals cover every stored period: that span is their window.
  const windowed = minutes !== null && minutes > 0 ? { windowMs: minutes * 60_000 } : {};
  const sum = (id: string, raw: number | null | undefined, unit: 'count' | 'units' = 'count') => countSample(id, raw, at, { ...windowed, unit });
  const milliseconds = (id: string, raw: number | null | undefined) => gaugeSample(id, raw, 'milliseconds', at, windowed);

  const estimateLowConfidence = minutes === null || minutes < LOW_CONFIDENCE_MINUTES;
  const estimateRaw = countSample(ids.estimatedMonthlyUnits, total.estimatedMonthlyUnits, at, { ...windowed, unit: 'units' });
  const estimate: Sample =
    estimateLowConfidence && estimateRaw.value !== null ? { ...estimateRaw, flags: [...(estimateRaw.flags ?? []), 'lowConfidence'] } : estimateRaw;

  const successful = sum(ids.successful, total.successful);
  const error = sum(ids.error, total.error);
  const timedout = sum(ids.timedout, total.timedout);
  const queued = sum(ids.queued, total.queued);
  const rejected = sum(ids.rejected, total.rejected);
  const unhealthy = sum(ids.unhealthy, total.unhealthy);
  const maxConcurrent = sum(ids.maxConcurrent, total.maxConcurrent);
  const sessions = sum(ids.sessions, total.sessionTimes?.length);
  const units = sum(ids.units, total.units, 'units');
  const minutesSample = gaugeSample(ids.minutesOfMetricsAvailable, minutes, 'minutes', at);
  const meanTime = milliseconds(ids.meanTime, total.meanTime);
  const maxTime = milliseconds(ids.maxTime, total.maxTime);
  const totalTime = milliseconds(ids.totalTime, total.totalTime);

  const samples = [
    successful,
    error,
    timedout,
    queued,
    rejected,
    unhealthy,
    maxConcurrent,
    sessions,
    units,
    estimate,
    minutesSample,
    meanTime,
    maxTime,
    totalTime,
    ...unknownFieldSamples(body, TOTAL_KEYS[options.version], 'browserless.total.', at),
  ];
  const notes: string[] = [];
  if (minutes === 0) notes.push('The server has no finished 5-minute period yet, so there are no totals and no monthly estimate.');
  else if (estimateLowConfidence && estimate.value !== null) {
    notes.push(`The monthly units estimate extrapolates from only ${minutes ?? 'an unknown number of'} minutes of history; treat it as rough.`);
  }
  if (samples.some((sample) => sample.flags?.includes('invalidNegative'))) notes.push('The server reported a negative total; that value is withheld.');
  const impossible = impossibleValuesNote(samples, options.route);
  if (impossible) notes.push(impossible);
  return {
    fetchedAt,
    route: options.route,
    total: {
      successful: valueOf(successful),
      error: valueOf(error),
      timedout: valueOf(timedout),
      queued: valueOf(queued),
      rejected: valueOf(rejected),
      unhealthy: valueOf(unhealthy),
      maxConcurrent: valueOf(maxConcurrent),
      sessions: valueOf(sessions),
      units: valueOf(units),
      estimatedMonthlyUnits: valueOf(estimate),
      estimateLowConfidence,
      minutesOfMetricsAvailable: minutes,
      meanTimeMs: valueOf(meanTime),
      maxTimeMs: valueOf(maxTime),
      totalTimeMs: valueOf(totalTime),
    },
    samples,
    ...(notes.length > 0 ? { notes } : {}),
  };
}
