/**
 * Pure normalizers for the Browserless management routes: validated body in, typed object plus
 * samples out. No I/O, so they are tested against the real server's bodies directly.
 */
import { lazy } from '../../shared/lazy';
import { countSample, gaugeSample, impossibleValuesNote, percentSample, type Sample } from '../../shared/samples';
import type { Reading } from '../types';
import { schemaKeys, unknownFieldSamples } from '../unknownFields';
import { parseResponse } from '../validate';
import { BROWSERLESS_SERIES } from './descriptor';
import type { BrowserlessVersion } from './periods';
import { pressureSchema, v1TotalSchema, v2TotalSchema, wrappedPressureSchema, type BrowserlessPressureBody, type BrowserlessTotalBody } from './schemas';

export { BROWSERLESS_PERIOD_MS, BROWSERLESS_SERIES } from './descriptor';
export {
  normalizeMetrics,
  PeriodCollector,
  type BrowserlessMetricsReading,
  type BrowserlessPeriod,
  type BrowserlessVersion,
  type NormalizeMetricsOptions,
} from './periods';

/**
 * Below this much history, `estimatedMonthlyUnits` extrapolates a month from under an hour of data;
 * Browserless's own docs call it unreliable for hours after a relaunch.
 */
export const LOW_CONFIDENCE_MINUTES = 60;

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
  readonly offered: true;
  /** The route that answered: v1 servers that follow the v1 docs serve only /metrics/all. */
  readonly route: '/metrics/total' | '/metrics/all';
  readonly total: BrowserlessTotal;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const valueOf = (sample: Sample): number | null => sample.value;

/** Fields the schemas read; any other number a server sends is kept as an unknown series. */
const PRESSURE_KEYS = lazy(() => schemaKeys(pressureSchema()));
const TOTAL_KEYS = lazy(() => ({ v2: schemaKeys(v2TotalSchema()), v1: schemaKeys(v1TotalSchema()) }));

/** Validates and normalizes a /pressure body, wrapped (`{pressure: {...}}`) or bare (v2.11). */
export function normalizePressure(body: unknown, fetchedAt: number, url?: string): BrowserlessPressureReading {
  const wrapped = isRecord(body) && 'pressure' in body;
  const pressure: BrowserlessPressureBody = wrapped
    ? parseResponse(wrappedPressureSchema(), body, 'The Browserless /pressure response', url).pressure
    : parseResponse(pressureSchema(), body, 'The Browserless /pressure response', url);
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
    ...unknownFieldSamples(raw, PRESSURE_KEYS(), 'browserless.pressure.', at),
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

export interface NormalizeTotalOptions {
  readonly version: BrowserlessVersion;
  readonly route: BrowserlessTotalReading['route'];
  readonly url?: string;
  /** How many session times the body listed, when its `sessionTimes` array was counted elsewhere (the parser worker) and left out. */
  readonly sessionCount?: number;
}

/** Validates and normalizes a /metrics/total (or v1 /metrics/all) object. */
export function normalizeTotal(body: unknown, fetchedAt: number, options: NormalizeTotalOptions): BrowserlessTotalReading {
  const what = `The Browserless ${options.route} response`;
  const total: BrowserlessTotalBody =
    options.version === 'v2' ? parseResponse(v2TotalSchema(), body, what, options.url) : parseResponse(v1TotalSchema(), body, what, options.url);
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
  const sessions = sum(ids.sessions, options.sessionCount ?? total.sessionTimes?.length);
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
    ...unknownFieldSamples(body, TOTAL_KEYS()[options.version], 'browserless.total.', at),
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
    offered: true,
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
