/**
 * Time on a linear chart axis without a date adapter: tick positions at round local times (every
 * 5 minutes, every hour, at midnight…) and their labels, plus the longer forms tooltips and tables
 * use. Pure; the local zone comes in as a function so tests can pin it.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Tick spacings a person reads at a glance, finest first. */
export const TICK_STEPS: readonly number[] = [
  MINUTE,
  2 * MINUTE,
  5 * MINUTE,
  10 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
  2 * DAY,
  7 * DAY,
  14 * DAY,
];

/** Minutes the zone is ahead of UTC at a time (the machine's zone by default). */
export type OffsetOf = (at: number) => number;

export const localOffset: OffsetOf = (at) => -new Date(at).getTimezoneOffset();

/** The finest step that gives at most `maxTicks` ticks over the span. */
export function tickStep(spanMs: number, maxTicks: number): number {
  const wanted = Math.max(1, Math.floor(maxTicks));
  return TICK_STEPS.find((step) => spanMs / step <= wanted) ?? (TICK_STEPS.at(-1) as number) * Math.ceil(spanMs / wanted / (TICK_STEPS.at(-1) as number));
}

/** Tick positions in [min, max] at multiples of the step in local time. */
export function timeTicks(min: number, max: number, maxTicks: number, offsetOf: OffsetOf = localOffset): { step: number; ticks: number[] } {
  if (!(Number.isFinite(min) && Number.isFinite(max)) || max <= min) return { step: MINUTE, ticks: [] };
  const step = tickStep(max - min, maxTicks);
  const ticks: number[] = [];
  const offset = offsetOf(min) * MINUTE;
  // Weeks start on Mondays: 1970-01-01 was a Thursday, so shift by four days before rounding.
  const origin = step >= 7 * DAY ? 4 * DAY : 0;
  for (let local = Math.ceil((min + offset - origin) / step) * step + origin; ; local += step) {
    // Re-read the offset at each tick, so ticks stay on round local times across a DST change.
    const at = local - offsetOf(local - offset) * MINUTE;
    if (at > max) break;
    if (at >= min) ticks.push(at);
    if (ticks.length > 1000) break;
  }
  return { step, ticks };
}

export interface TimeFormatOptions {
  readonly locale?: string;
  readonly timeZone?: string;
}

const formats = new Map<string, Intl.DateTimeFormat>();

function format(options: TimeFormatOptions, name: string, parts: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${options.locale ?? ''}|${options.timeZone ?? ''}|${name}`;
  let result = formats.get(key);
  if (!result) {
    const zone = options.timeZone === undefined ? {} : { timeZone: options.timeZone };
    try {
      result = new Intl.DateTimeFormat(options.locale ?? 'en-GB', { ...parts, ...zone, hourCycle: 'h23' });
    } catch {
      result = new Intl.DateTimeFormat('en-GB', { ...parts, hourCycle: 'h23' });
    }
    formats.set(key, result);
  }
  return result;
}

const CLOCK: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit' };
const DAY_MONTH: Intl.DateTimeFormatOptions = { day: 'numeric', month: 'short' };

/** A tick label: "14:05"; "28 Nov" at midnight and for day steps; "28 Nov 12:00" for half days. */
export function formatTick(at: number, step: number, options: TimeFormatOptions = {}, offsetOf: OffsetOf = localOffset): string {
  const local = at + offsetOf(at) * MINUTE;
  const midnight = ((local % DAY) + DAY) % DAY === 0;
  if (step >= DAY || midnight) return format(options, 'dm', DAY_MONTH).format(at);
  return format(options, 'hm', CLOCK).format(at);
}

/** "28 Nov, 14:05:30": a point in a tooltip or a table row. */
export function formatDateTime(at: number, options: TimeFormatOptions = {}, seconds = true): string {
  return format(options, seconds ? 'full' : 'fullNoSeconds', { ...DAY_MONTH, ...CLOCK, ...(seconds ? { second: '2-digit' } : {}) }).format(at);
}

/** "28 Nov, 14:00–14:15": a history bucket. */
export function formatBucket(at: number, bucketMs: number, options: TimeFormatOptions = {}): string {
  return `${formatDateTime(at, options, false)}–${format(options, 'hm', CLOCK).format(at + bucketMs)}`;
}

/** "15-minute", "1-minute", "1-hour": a bucket length as an adjective. */
export function bucketName(bucketMs: number): string {
  return bucketMs % HOUR === 0 ? `${bucketMs / HOUR}-hour` : bucketMs % MINUTE === 0 ? `${bucketMs / MINUTE}-minute` : `${Math.round(bucketMs / 1000)}-second`;
}
