/**
 * When to poll: pure functions, no clock and no state, so each rule is tested on its own and the
 * scheduler only combines them.
 *
 * - `feedIntervalMs(kind, feed, overrideSeconds?)`: the default pace of each provider's feeds, the
 *   user's override and the floor that keeps a provider's published budget safe.
 * - `withJitter(ms, random)`: ±10 %, so windows and connections started together drift apart.
 * - `backoffDelayMs(intervalMs, failures, random)`: interval × 2^failures, capped at 15 min.
 * - `retryAfterNotBefore(now, retryAfterMs)`: the earliest moment a server that said Retry-After may be
 *   asked again.
 * - `stretchForBudget(delayMs, budget)`: slows a connection down when the remaining request budget
 *   (Northflank: 1000/h per token, shared with the user's CLI and CI) would not last until its reset.
 * - `isStale(lastSuccessAt, intervalMs, now)`: data older than three intervals is shown as stale.
 */
import type { RateLimitInfo } from '../http/errors';
import { DEFAULT_FEED_INTERVALS_MS, MIN_INTERVAL_MS } from '../providers/registry';
import type { ProviderKind } from '../providers/types';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;

/**
 * Default pace per provider and feed, and the fastest a user override may go: both come from the
 * provider descriptors (src/providers/<id>/descriptor.ts say why each is what it is). The first feed of
 * each provider is its live feed, the one the user's `pollIntervalSeconds` sets.
 */
export { DEFAULT_FEED_INTERVALS_MS, MIN_INTERVAL_MS } from '../providers/registry';

export const JITTER_FRACTION = 0.1;
export const MAX_BACKOFF_MS = 15 * MINUTE;
/** A Retry-After beyond this is treated as a server bug rather than silencing a connection for days. */
export const MAX_RETRY_AFTER_MS = 24 * 60 * MINUTE;
/** Share of the remaining budget this extension plans to use; the rest is left to the user's other tools. */
export const BUDGET_SHARE = 0.5;
export const STALE_AFTER_INTERVALS = 3;

function liveFeedOf(kind: ProviderKind): string {
  return Object.keys(DEFAULT_FEED_INTERVALS_MS[kind])[0] ?? '';
}

/**
 * The interval of one feed. The override sets the live feed's pace; slower feeds keep their default
 * unless the override is slower still, because polling them faster gains nothing (see above).
 */
export function feedIntervalMs(kind: ProviderKind, feed: string, overrideSeconds?: number): number {
  const defaults = DEFAULT_FEED_INTERVALS_MS[kind];
  const live = liveFeedOf(kind);
  const base = defaults[feed] ?? defaults[live] ?? MINUTE;
  let interval = base;
  if (overrideSeconds !== undefined && Number.isFinite(overrideSeconds) && overrideSeconds > 0) {
    const override = overrideSeconds * SECOND;
    interval = feed === live || defaults[feed] === undefined ? override : Math.max(base, override);
  }
  return Math.max(interval, MIN_INTERVAL_MS[kind]);
}

/** `ms` moved by up to ±fraction; `random` returns [0, 1) like Math.random. */
export function withJitter(ms: number, random: () => number, fraction = JITTER_FRACTION): number {
  return Math.round(ms * (1 + fraction * (2 * random() - 1)));
}

/**
 * Delay before retrying after the `failures`-th consecutive failure (1 = first): interval × 2^failures,
 * jittered, never above the cap (or the interval itself, when the user chose a slower pace than the cap).
 */
export function backoffDelayMs(intervalMs: number, failures: number, random: () => number): number {
  const cap = Math.max(MAX_BACKOFF_MS, intervalMs);
  // 2^30 × any interval is past the cap already; bounding the exponent avoids Infinity arithmetic.
  const raw = Math.min(intervalMs * 2 ** Math.min(Math.max(failures, 1), 30), cap);
  return Math.min(withJitter(raw, random), cap);
}

/** The earliest time the connection may be asked again, or undefined when the server gave no delay. */
export function retryAfterNotBefore(now: number, retryAfterMs: number | undefined): number | undefined {
  if (retryAfterMs === undefined || !Number.isFinite(retryAfterMs) || retryAfterMs <= 0) return undefined;
  return now + Math.min(retryAfterMs, MAX_RETRY_AFTER_MS);
}

export interface BudgetInput {
  readonly rateLimit: RateLimitInfo | undefined;
  /** Requests per millisecond the connection makes at its normal pace (sum of 1/interval of its feeds). */
  readonly requestsPerMs: number;
  readonly now: number;
  readonly share?: number;
}

/**
 * The delay, stretched so that the requests planned until the budget resets fit in `share` of what is
 * left. Never stretched past the reset (the budget refills then), never shortened.
 */
export function stretchForBudget(delayMs: number, input: BudgetInput): number {
  const { rateLimit, requestsPerMs, now } = input;
  if (rateLimit?.remaining === undefined || rateLimit.resetAt === undefined) return delayMs;
  const untilReset = rateLimit.resetAt - now;
  // A reset in the past means the figures describe a window that is over.
  if (untilReset <= 0) return delayMs;
  const allowed = Math.max(0, rateLimit.remaining) * (input.share ?? BUDGET_SHARE);
  if (allowed < 1) return Math.max(delayMs, untilReset);
  const planned = requestsPerMs * untilReset;
  if (planned <= allowed) return delayMs;
  return Math.max(delayMs, Math.min(Math.round((delayMs * planned) / allowed), untilReset));
}

/** When the budget is spent, nothing may be sent before the reset. */
export function budgetNotBefore(rateLimit: RateLimitInfo | undefined, now: number): number | undefined {
  if (rateLimit?.remaining === undefined || rateLimit.resetAt === undefined) return undefined;
  return rateLimit.remaining <= 0 && rateLimit.resetAt > now ? rateLimit.resetAt : undefined;
}

/** True when the last success is older than `intervals` intervals (or there never was one). */
export function isStale(lastSuccessAt: number | undefined, intervalMs: number, now: number, intervals = STALE_AFTER_INTERVALS): boolean {
  return lastSuccessAt === undefined || now - lastSuccessAt > intervals * intervalMs;
}
