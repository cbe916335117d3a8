/**
 * The time ranges the usage panel offers and how much history each one asks for. Shared: the webview
 * shows the labels, the host turns a range into a history query.
 */

export const RANGE_IDS = ['1h', '24h', '7d', '30d', 'cycle'] as const;
export type RangeId = (typeof RANGE_IDS)[number];

/** The range a panel falls back on when the one it asked for is not on offer. */
export const DEFAULT_RANGE: RangeId = '24h';

export const RANGE_LABELS: Readonly<Record<RangeId, string>> = {
  '1h': 'Last hour',
  '24h': 'Last 24 hours',
  '7d': 'Last 7 days',
  '30d': 'Last 30 days',
  cycle: 'Billing cycle',
};

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

/** Span of each fixed range; the billing cycle's depends on the connection (see the host). */
export const RANGE_SPANS: Readonly<Record<Exclude<RangeId, 'cycle'>, number>> = {
  '1h': HOUR,
  '24h': DAY,
  '7d': 7 * DAY,
  '30d': 30 * DAY,
};

export function isRangeId(value: unknown): value is RangeId {
  return typeof value === 'string' && (RANGE_IDS as readonly string[]).includes(value);
}

/**
 * The history bucket for a span, or undefined for full resolution. About 1,500–3,000 points per
 * series at most: enough for any screen once the webview reduces them to its pixel columns, small
 * enough to post to a webview every poll. Buckets keep min and max, so peaks survive.
 */
export function bucketForSpan(spanMs: number): number | undefined {
  if (spanMs <= 2 * HOUR) return undefined;
  if (spanMs <= 2 * DAY) return 60_000;
  if (spanMs <= 8 * DAY) return 5 * 60_000;
  return 15 * 60_000;
}

/**
 * The shortest fixed range that holds all the history there is (`historyMs`: from the oldest reading
 * to now), so a panel opened with twenty minutes of history does not draw a few dots at the edge of a
 * 24-hour chart. No history yet: the last hour, where the first readings will show.
 */
export function fittingRange(historyMs: number | undefined): Exclude<RangeId, 'cycle'> {
  if (historyMs === undefined || !(historyMs >= 0)) return '1h';
  for (const id of ['1h', '24h', '7d'] as const) if (historyMs <= RANGE_SPANS[id]) return id;
  return '30d';
}
