/**
 * The two pieces of Prometheus' query math the extension needs, reproduced so a counter or a histogram
 * reads here as it would in a Prometheus dashboard:
 * - `counterIncrease`: the increase between two readings of a counter, where a drop means the source
 *   restarted and counted again from zero (what rate() and increase() assume);
 * - `histogramQuantile`: the quantile estimate of histogram_quantile(), by linear interpolation inside
 *   the bucket the rank falls in (promql/quantile.go, `bucketQuantile`).
 * Pure, shared by host and webviews.
 */

/**
 * The increase of a counter from `before` to `after`. A drop is a reset: the counter began again from
 * zero, so everything it shows now was counted since (rate() makes the same assumption).
 */
export function counterIncrease(before: number, after: number): number {
  return after < before ? after : after - before;
}

/** Per-`perMs` rate of a counter between two readings; null when either is missing or no time passed. */
export function counterRate(before: number | null, after: number | null, elapsedMs: number, perMs: number): number | null {
  if (before === null || after === null || !Number.isFinite(before) || !Number.isFinite(after) || !(elapsedMs > 0)) return null;
  return (counterIncrease(before, after) * perMs) / elapsedMs;
}

export interface Bucket {
  /** The bucket's `le`: the upper bound, +Infinity for the last one. */
  readonly upperBound: number;
  /** Cumulative: observations at or under the bound. */
  readonly count: number;
}

/**
 * histogram_quantile(q, buckets) as Prometheus computes it: NaN without a +Inf bucket, with fewer than
 * two buckets or with no observations; -Inf/+Inf for q outside [0, 1]; the second-highest bound when
 * the rank falls in the +Inf bucket; counts made monotonic first (float noise can break it).
 */
export function histogramQuantile(q: number, buckets: readonly Bucket[]): number {
  if (Number.isNaN(q)) return Number.NaN;
  if (q < 0) return Number.NEGATIVE_INFINITY;
  if (q > 1) return Number.POSITIVE_INFINITY;
  const sorted = [...buckets].filter((bucket) => !Number.isNaN(bucket.upperBound)).sort((a, b) => a.upperBound - b.upperBound);
  // Buckets with the same bound (the same `le` written twice, e.g. "1" and "1.0") are one bucket.
  const merged: { upperBound: number; count: number }[] = [];
  for (const bucket of sorted) {
    const last = merged.at(-1);
    if (last && last.upperBound === bucket.upperBound) last.count += bucket.count;
    else merged.push({ upperBound: bucket.upperBound, count: bucket.count });
  }
  if (merged.length < 2) return Number.NaN;
  if ((merged.at(-1) as { upperBound: number }).upperBound !== Number.POSITIVE_INFINITY) return Number.NaN;
  let highest = Number.NEGATIVE_INFINITY;
  for (const bucket of merged) {
    if (Number.isNaN(bucket.count)) return Number.NaN;
    highest = Math.max(highest, bucket.count);
    bucket.count = highest;
  }
  const observations = (merged.at(-1) as { count: number }).count;
  if (!(observations > 0)) return Number.NaN;
  let rank = q * observations;
  let index = merged.findIndex((bucket) => bucket.count >= rank);
  if (index < 0) index = merged.length - 1;
  if (index === merged.length - 1) return (merged[merged.length - 2] as { upperBound: number }).upperBound;
  const bucket = merged[index] as { upperBound: number; count: number };
  if (index === 0 && bucket.upperBound <= 0) return bucket.upperBound;
  let start = 0;
  let count = bucket.count;
  if (index > 0) {
    const previous = merged[index - 1] as { upperBound: number; count: number };
    start = previous.upperBound;
    count -= previous.count;
    rank -= previous.count;
  }
  return start + (bucket.upperBound - start) * (rank / count);
}

/** The `le` label as a number: "+Inf", "0.5", "1e-3". NaN when it is not one. */
export function parseUpperBound(le: string): number {
  const text = le.trim();
  if (/^\+?inf(inity)?$/i.test(text)) return Number.POSITIVE_INFINITY;
  if (/^-inf(inity)?$/i.test(text)) return Number.NEGATIVE_INFINITY;
  return text === '' ? Number.NaN : Number(text);
}
