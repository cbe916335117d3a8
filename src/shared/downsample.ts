/**
 * Pure downsampling for drawing: a chart is a few hundred pixels wide, so a series of 43,200 points
 * (30 days per minute) is reduced to a few points per pixel column before Chart.js sees it. Two
 * algorithms:
 * - min/max buckets (the charts): every peak and trough survives, so a threshold crossing never
 *   disappears from a long range; gaps ("no value") survive too.
 * - LTTB, Largest-Triangle-Three-Buckets (the sparklines): the visually closest shape with the fewest
 *   points, for tiny charts where peaks matter less than the trend.
 * Both return indices into the input, so callers can carry parallel arrays (bucket min/max, counts)
 * along. Inputs are parallel arrays of times (ascending) and values, `null` meaning "no value".
 */

export type Values = ArrayLike<number | null>;

/**
 * Indices of at most `target` points (at least 5 are always allowed): the first, the last, and, for
 * each of (target - 2) / 3 equal time buckets in between, the lowest value, the highest value and
 * the first "no value" of the bucket, in time order. Returns every index when nothing needs dropping.
 */
export function minMaxIndices(t: ArrayLike<number>, v: Values, target: number): number[] {
  const n = Math.min(t.length, v.length);
  const limit = Math.max(5, Math.floor(target));
  if (n <= limit) return Array.from({ length: n }, (_unused, index) => index);
  const buckets = Math.max(1, Math.floor((limit - 2) / 3));
  const first = t[0] as number;
  const span = (t[n - 1] as number) - first;
  // Interior points only: the first and last are always kept on their own.
  const interior = n - 2;
  const bucketOf = (index: number): number => {
    const position = span > 0 ? ((t[index] as number) - first) / span : (index - 1) / interior;
    return Math.min(buckets - 1, Math.max(0, Math.floor(position * buckets)));
  };
  const result: number[] = [0];
  let current = -1;
  let minIndex = -1;
  let maxIndex = -1;
  let gapIndex = -1;
  const flush = () => {
    const picked = [minIndex, maxIndex, gapIndex].filter((index) => index >= 0).sort((a, b) => a - b);
    let previous = -1;
    for (const index of picked) {
      if (index !== previous) result.push(index);
      previous = index;
    }
  };
  for (let index = 1; index < n - 1; index++) {
    const bucket = bucketOf(index);
    if (bucket !== current) {
      if (current >= 0) flush();
      current = bucket;
      minIndex = maxIndex = gapIndex = -1;
    }
    const value = v[index];
    if (value === null || value === undefined || !Number.isFinite(value)) {
      if (gapIndex < 0) gapIndex = index;
      continue;
    }
    if (minIndex < 0 || value < (v[minIndex] as number)) minIndex = index;
    if (maxIndex < 0 || value > (v[maxIndex] as number)) maxIndex = index;
  }
  if (current >= 0) flush();
  result.push(n - 1);
  return result;
}

/**
 * Largest-Triangle-Three-Buckets over the points that have a value: at most `target` indices (at
 * least 3), always the first and the last such point. Points without a value are skipped, so the
 * result suits a sparkline, not a chart that must show gaps.
 */
export function lttbIndices(t: ArrayLike<number>, v: Values, target: number): number[] {
  const valid: number[] = [];
  const n = Math.min(t.length, v.length);
  for (let index = 0; index < n; index++) {
    const value = v[index];
    if (value !== null && value !== undefined && Number.isFinite(value)) valid.push(index);
  }
  const limit = Math.max(3, Math.floor(target));
  if (valid.length <= limit) return valid;
  const x = (k: number) => t[valid[k] as number] as number;
  const y = (k: number) => v[valid[k] as number] as number;
  const count = valid.length;
  const every = (count - 2) / (limit - 2);
  const result: number[] = [valid[0] as number];
  let anchor = 0;
  for (let bucket = 0; bucket < limit - 2; bucket++) {
    // The average of the next bucket is the third corner of the triangle.
    const nextStart = Math.floor((bucket + 1) * every) + 1;
    const nextEnd = Math.min(Math.floor((bucket + 2) * every) + 1, count);
    let averageX = 0;
    let averageY = 0;
    const nextLength = Math.max(1, nextEnd - nextStart);
    for (let k = nextStart; k < Math.max(nextEnd, nextStart + 1) && k < count; k++) {
      averageX += x(k);
      averageY += y(k);
    }
    averageX /= nextLength;
    averageY /= nextLength;
    const start = Math.floor(bucket * every) + 1;
    const end = Math.floor((bucket + 1) * every) + 1;
    const anchorX = x(anchor);
    const anchorY = y(anchor);
    let best = start;
    let bestArea = -1;
    for (let k = start; k < end && k < count - 1; k++) {
      const area = Math.abs((anchorX - averageX) * (y(k) - anchorY) - (anchorX - x(k)) * (averageY - anchorY));
      if (area > bestArea) {
        bestArea = area;
        best = k;
      }
    }
    result.push(valid[best] as number);
    anchor = best;
  }
  result.push(valid[count - 1] as number);
  return result;
}

/** The median distance between consecutive times: the series' usual step (0 for fewer than 2 points). */
export function medianStep(t: ArrayLike<number>): number {
  const n = t.length;
  if (n < 2) return 0;
  // A strided sample is plenty for a median and keeps this O(1000) on long series.
  const stride = Math.max(1, Math.floor((n - 1) / 1000));
  const steps: number[] = [];
  for (let index = 1; index < n; index += stride) steps.push((t[index] as number) - (t[index - 1] as number));
  steps.sort((a, b) => a - b);
  return steps[Math.floor(steps.length / 2)] ?? 0;
}

export interface DrawPoint {
  readonly x: number;
  readonly y: number | null;
  /** Index into the input; -1 for a gap marker inserted between two points. */
  readonly index: number;
}

/**
 * The selected points as Chart.js points, with a "no value" point between two neighbours in the data
 * that are more than `maxGapMs` apart, so a time nobody polled is drawn as a gap, not a straight line.
 * (Selected points far apart only because the downsampler dropped what was between them are joined.)
 */
export function pointsForDrawing(t: ArrayLike<number>, v: Values, indices: readonly number[], maxGapMs: number): DrawPoint[] {
  const points: DrawPoint[] = [];
  let previous = -1;
  for (const index of indices) {
    const x = t[index] as number;
    if (previous >= 0 && index === previous + 1 && maxGapMs > 0 && x - (t[previous] as number) > maxGapMs) {
      points.push({ x: ((t[previous] as number) + x) / 2, y: null, index: -1 });
    }
    const value = v[index];
    points.push({ x, y: value === undefined || value === null || !Number.isFinite(value) ? null : value, index });
    previous = index;
  }
  return points;
}

export interface Envelope {
  readonly x: number[];
  readonly low: number[];
  readonly high: number[];
}

/**
 * The band between bucket minima and maxima (history buckets carry both), reduced to at most `count`
 * columns: each column spans the lowest low and the highest high of the points that fall in it.
 * Points without both bounds are left out.
 */
export function envelope(t: ArrayLike<number>, low: Values, high: Values, count: number): Envelope {
  const n = Math.min(t.length, low.length, high.length);
  const result: Envelope = { x: [], low: [], high: [] };
  if (n === 0) return result;
  const columns = Math.max(1, Math.floor(count));
  const first = t[0] as number;
  const span = (t[n - 1] as number) - first;
  let column = -1;
  for (let index = 0; index < n; index++) {
    const lo = low[index];
    const hi = high[index];
    if (lo === null || lo === undefined || hi === null || hi === undefined || !Number.isFinite(lo) || !Number.isFinite(hi)) continue;
    const at = t[index] as number;
    const next = n <= columns ? index : span > 0 ? Math.min(columns - 1, Math.floor(((at - first) / span) * columns)) : 0;
    if (next !== column || result.x.length === 0) {
      column = next;
      result.x.push(at);
      result.low.push(lo);
      result.high.push(hi);
    } else {
      const last = result.x.length - 1;
      result.low[last] = Math.min(result.low[last] as number, lo);
      result.high[last] = Math.max(result.high[last] as number, hi);
    }
  }
  return result;
}
