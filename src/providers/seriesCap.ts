/**
 * A bound on how many series one connection keeps, whatever the endpoint sends. An exporter with
 * 100,000 series would otherwise cost megabytes of history per scrape and a snapshot and a webview
 * message of the same size on every update. Pure: normalizers and the connection service call it.
 */
import type { Sample } from '../shared/samples';

/** Default of the setting `liveUsage.limits.maxSeriesPerConnection`. */
export const DEFAULT_MAX_SERIES = 1000;

export interface CappedSamples {
  readonly samples: readonly Sample[];
  /** Distinct series (name + labels) the reading had, when it had more than the cap. */
  readonly total?: number;
  /** Plain words on what was left out, when anything was. */
  readonly note?: string;
}

/** `name{a="1",b="2"}`, labels sorted, so label order never makes two series of one. */
export function seriesKeyOf(sample: Pick<Sample, 'series' | 'labels'>): string {
  if (!sample.labels) return sample.series;
  const entries = Object.entries(sample.labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (entries.length === 0) return sample.series;
  return `${sample.series}{${entries.map(([name, value]) => `${name}=${JSON.stringify(value)}`).join(',')}}`;
}

/**
 * Keeps every sample of the first `maxSeries` distinct series, in the order the endpoint sent them
 * (an exposition lists its most basic families first), and says how many were left out.
 */
export function capSeries(samples: readonly Sample[], maxSeries: number): CappedSamples {
  // No more samples than the cap means no more series either: the usual poll costs nothing here.
  if (samples.length <= maxSeries) return { samples };
  const kept = new Set<string>();
  let over: Set<string> | undefined;
  let example: string | undefined;
  for (const sample of samples) {
    const key = seriesKeyOf(sample);
    if (kept.has(key)) continue;
    if (kept.size < maxSeries) kept.add(key);
    else {
      example ??= key;
      (over ??= new Set()).add(key);
    }
  }
  if (!over) return { samples };
  const total = kept.size + over.size;
  const shown = example && example.length > 120 ? `${example.slice(0, 119)}…` : example;
  return {
    samples: samples.filter((sample) => kept.has(seriesKeyOf(sample))),
    total,
    note: `This endpoint sent ${total.toLocaleString('en-US')} series; the first ${maxSeries.toLocaleString('en-US')} are kept and the other ${over.size.toLocaleString('en-US')} left out, e.g. ${shown ?? '?'} (setting liveUsage.limits.maxSeriesPerConnection).`,
  };
}

/**
 * Bounds a connection's latest-value map: an endpoint that invents new series on every scrape would
 * otherwise grow it forever. The oldest values go first. Returns how many were dropped.
 */
export function trimLatest(latest: Map<string, Sample>, maxSeries: number): number {
  const excess = latest.size - maxSeries;
  if (excess <= 0) return 0;
  const oldest = [...latest.entries()].sort(([, a], [, b]) => a.at - b.at).slice(0, excess);
  for (const [key] of oldest) latest.delete(key);
  return excess;
}
