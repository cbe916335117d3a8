/** Pure readers for the response headers that steer polling: Retry-After and rate-limit budgets. */
import type { RateLimitInfo } from './errors';

type HeaderBag = Readonly<Record<string, string | string[] | undefined>>;

function first(headers: HeaderBag, name: string): string | undefined {
  const value = headers[name] ?? headers[name.toLowerCase()];
  if (Array.isArray(value)) return value[0];
  return value;
}

/**
 * Milliseconds to wait, from `retry-after-ms`, or `retry-after` as delta-seconds or an HTTP date.
 * Undefined when absent or unreadable; never negative; capped at one day so a bad header cannot
 * stall polling forever.
 */
export function parseRetryAfter(headers: HeaderBag, now: number = Date.now()): number | undefined {
  const cap = 24 * 60 * 60 * 1000;
  const milliseconds = first(headers, 'retry-after-ms');
  if (milliseconds !== undefined && /^\s*\d+(\.\d+)?\s*$/.test(milliseconds)) {
    return Math.min(cap, Math.max(0, Math.round(Number(milliseconds))));
  }
  const value = first(headers, 'retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.min(cap, Math.round(Number(value) * 1000));
  // An HTTP date always has a weekday or month name; without letters, Date.parse would read "-5" as a year.
  if (!/[a-z]/i.test(value)) return undefined;
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.min(cap, Math.max(0, date - now));
}

function headerNumber(headers: HeaderBag, name: string): number | undefined {
  const value = first(headers, name);
  if (value === undefined || !/^\s*-?\d+(\.\d+)?\s*$/.test(value)) return undefined;
  return Number(value);
}

/**
 * `x-ratelimit-limit`, `-remaining`, `-reset` (Northflank and Browserbase: seconds until reset; a
 * value that looks like an epoch in seconds is taken as such).
 */
export function parseRateLimit(headers: HeaderBag, now: number = Date.now()): RateLimitInfo | undefined {
  const limit = headerNumber(headers, 'x-ratelimit-limit');
  const remaining = headerNumber(headers, 'x-ratelimit-remaining');
  const reset = headerNumber(headers, 'x-ratelimit-reset');
  if (limit === undefined && remaining === undefined && reset === undefined) return undefined;
  let resetAt: number | undefined;
  if (reset !== undefined) resetAt = reset > 1_000_000_000 ? reset * 1000 : now + reset * 1000;
  return {
    ...(limit === undefined ? {} : { limit }),
    ...(remaining === undefined ? {} : { remaining }),
    ...(resetAt === undefined ? {} : { resetAt }),
  };
}
