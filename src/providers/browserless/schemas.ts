/**
 * Shapes of the Browserless management routes, as the open-source server (v2.56, v1.61) sends them.
 * Only what we read is checked; unknown fields are dropped, so a newer server that adds fields keeps
 * working.
 */
import * as z from 'zod/mini';
import { lazy } from '../../shared/lazy';

const count = lazy(() => z.number());
/** v1 elements may miss any field, and cpu/memory are null until the server has sampled them. */
const lenient = lazy(() => z.optional(z.nullable(z.number())));
/**
 * Only the length of `sessionTimes` is used; /metrics/total concatenates every session of up to
 * 10,000 periods, so its elements are not checked one by one.
 */
const sessionTimes = lazy(() => z.optional(z.array(z.unknown())));

export const pressureSchema = lazy(() =>
  z.object({
    running: count(),
    queued: count(),
    maxConcurrent: count(),
    maxQueued: count(),
    isAvailable: z.boolean(),
    // Integer percents 0..100 here (unlike /metrics), or null before the first sample.
    cpu: z.optional(z.nullable(z.number())),
    memory: z.optional(z.nullable(z.number())),
    date: z.optional(z.number()),
    recentlyRejected: z.optional(count()),
    reason: z.optional(z.string()),
    message: z.optional(z.string()),
  }),
);

/** v2.56 and v1 wrap the object; v2.11 sent it bare. */
export const wrappedPressureSchema = lazy(() => z.object({ pressure: pressureSchema() }));

export type BrowserlessPressureBody = z.infer<ReturnType<typeof pressureSchema>>;

/** A finished period as v2 sends it: the fields every v2 release has are required. */
export const v2PeriodSchema = lazy(() =>
  z.object({
    date: z.number(),
    successful: count(),
    error: count(),
    timedout: count(),
    queued: count(),
    rejected: count(),
    units: count(),
    unauthorized: z.optional(count()),
    unhealthy: z.optional(count()),
    running: z.optional(count()),
    maxConcurrent: z.optional(count()),
    sessionTimes: sessionTimes(),
    maxTime: z.optional(z.number()),
    meanTime: z.optional(z.number()),
    minTime: z.optional(z.number()),
    totalTime: z.optional(z.number()),
    // Fractions 0..1 here (unlike /pressure).
    cpu: z.optional(z.nullable(z.number())),
    memory: z.optional(z.nullable(z.number())),
  }),
);

/** A v1 period: any field may be missing; `date` is when the period opened (v2's is when it was saved). */
export const v1PeriodSchema = lazy(() =>
  z.object({
    date: lenient(),
    successful: lenient(),
    error: lenient(),
    timedout: lenient(),
    queued: lenient(),
    rejected: lenient(),
    units: lenient(),
    unauthorized: lenient(),
    unhealthy: lenient(),
    running: lenient(),
    maxConcurrent: lenient(),
    sessionTimes: sessionTimes(),
    maxTime: lenient(),
    meanTime: lenient(),
    minTime: lenient(),
    totalTime: lenient(),
    cpu: lenient(),
    memory: lenient(),
  }),
);

/** The union of both period shapes, as the normalizer sees them. */
export type BrowserlessPeriodBody = z.infer<ReturnType<typeof v1PeriodSchema>>;

export const v2TotalSchema = lazy(() =>
  z.object({
    successful: count(),
    error: count(),
    timedout: count(),
    queued: count(),
    rejected: count(),
    units: count(),
    unhealthy: z.optional(count()),
    maxConcurrent: z.optional(count()),
    maxTime: z.optional(z.number()),
    // null with no history: the server divides by zero and JSON.stringify turns NaN into null.
    meanTime: z.nullable(z.number()),
    minTime: z.optional(z.number()),
    totalTime: z.optional(z.number()),
    sessionTimes: sessionTimes(),
    minutesOfMetricsAvailable: z.number(),
    estimatedMonthlyUnits: z.nullable(z.number()),
  }),
);

export const v1TotalSchema = lazy(() =>
  z.object({
    successful: lenient(),
    error: lenient(),
    timedout: lenient(),
    queued: lenient(),
    rejected: lenient(),
    units: lenient(),
    unhealthy: lenient(),
    maxConcurrent: lenient(),
    maxTime: lenient(),
    meanTime: lenient(),
    minTime: lenient(),
    totalTime: lenient(),
    sessionTimes: sessionTimes(),
    minutesOfMetricsAvailable: lenient(),
    estimatedMonthlyUnits: lenient(),
  }),
);

export type BrowserlessTotalBody = z.infer<ReturnType<typeof v1TotalSchema>>;
