/**
 * Time as the polling code sees it. Everything in `src/polling` takes a Clock instead of calling
 * `Date.now`/`setTimeout` directly, so tests drive hours of polling in milliseconds and can check that
 * nothing is left pending after dispose.
 */

export type TimerHandle = unknown;

export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** Node clamps longer delays to 1 ms, which would turn a long wait into a busy loop. */
export const MAX_TIMER_DELAY_MS = 2_147_483_647;

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, Math.min(Math.max(0, ms), MAX_TIMER_DELAY_MS)),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
