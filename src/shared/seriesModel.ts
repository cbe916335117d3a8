/**
 * What a series means, and which of its labels say which series it is. Shared by host and webviews:
 * the provider descriptors (src/providers/<id>/descriptor.ts) declare both per series, and every surface
 * keys and draws a value by them.
 */

/**
 * How a series' numbers are to be read:
 * - gauge: a level at an instant (running sessions, CPU).
 * - windowCount: an amount over a fixed window that ends at the sample's time (a Browserless 5-minute
 *   period, a Cerebras minute); shown as it is, with its window named.
 * - counter: a running total since some start that only grows, except when its source restarts and it
 *   begins again from zero; shown as a rate, the total beside it in tables.
 * - cycleUsage: usage accumulated by the provider over a billing period or a lifetime (Browserbase);
 *   shown as "used this cycle" (see docs/providers.md).
 * - state: an enumerated status, shown by its word (up, down).
 * - boolean: 0 or 1, shown as No or Yes.
 * - info: always 1; its labels are the data (a build's version). Shown as labels, never charted.
 * - histogram: cumulative `le` buckets with `_sum` and `_count`; shown as estimated p50/p95/p99 of the
 *   recent observations and their rate.
 * - summary: quantiles the source computed, with `_sum` and `_count`; quantiles as sent, and the rate of
 *   observations.
 */
export type SeriesSemantics = 'gauge' | 'windowCount' | 'counter' | 'cycleUsage' | 'state' | 'boolean' | 'info' | 'histogram' | 'summary';

export const SERIES_SEMANTICS: readonly SeriesSemantics[] = [
  'gauge',
  'windowCount',
  'counter',
  'cycleUsage',
  'state',
  'boolean',
  'info',
  'histogram',
  'summary',
];

/**
 * Labels that travel with a value without saying which series it is. Names starting with `__` are
 * reserved by Prometheus for such metadata (`__type__`), so they never identify either.
 */
export function isContextLabel(name: string, context: readonly string[] | undefined): boolean {
  return name.startsWith('__') || (context?.includes(name) ?? false);
}

/** The identifying labels of a sample, sorted by name; undefined when there are none. */
export function identifyingLabels(
  labels: Readonly<Record<string, string>> | undefined,
  context: readonly string[] | undefined,
): Readonly<Record<string, string>> | undefined {
  if (!labels) return undefined;
  const entries = Object.entries(labels)
    .filter(([name]) => !isContextLabel(name, context))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return entries.length === 0 ? undefined : Object.fromEntries(entries);
}

/** The context labels of a sample (the rest), or undefined when there are none. */
export function contextLabels(
  labels: Readonly<Record<string, string>> | undefined,
  context: readonly string[] | undefined,
): Readonly<Record<string, string>> | undefined {
  if (!labels) return undefined;
  const entries = Object.entries(labels).filter(([name]) => isContextLabel(name, context));
  return entries.length === 0 ? undefined : Object.fromEntries(entries);
}

/** `series{a=1,b=2}` from a series id and its (already identifying) labels, names sorted. */
export function seriesKey(series: string, labels: Readonly<Record<string, string>> | undefined): string {
  if (!labels) return `${series}{}`;
  const names = Object.keys(labels).sort();
  return `${series}{${names.map((name) => `${name}=${labels[name] ?? ''}`).join(',')}}`;
}

/** The words of a yes/no series. */
export const YES_NO: Readonly<Record<string, string>> = { '0': 'No', '1': 'Yes' };

/** Words for the values of a series that names them (yes/no, up/down), else undefined. */
export function wordsOf(
  spec: { readonly semantics: SeriesSemantics; readonly states?: Readonly<Record<string, string>> } | undefined,
): Readonly<Record<string, string>> | undefined {
  if (!spec) return undefined;
  if (spec.semantics === 'boolean') return YES_NO;
  return spec.semantics === 'state' ? spec.states : undefined;
}
