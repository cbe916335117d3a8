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
  const cap = new SeriesCap(maxSeries);
  const kept = cap.add(samples);
  const note = cap.note();
  return note === undefined ? { samples } : { samples: kept, total: cap.total, note };
}

/**
 * The same cap, fed a reading part by part as the parser worker hands the parts over: each part costs
 * work in proportion to its own size, on its own turn of the event loop, so a huge exposition never
 * stalls the extension host in one piece.
 */
export class SeriesCap {
  private readonly kept = new Set<string>();
  /**
   * Series past the cap, by a 53-bit hash of their key: they are only counted, and 100,000 key strings
   * held through a read would cost tens of MB on the host (and the young-generation collections that
   * copy them, milliseconds each). Two keys sharing a hash (odds about n^2 / 2^54) would count as one.
   */
  private over: Set<number> | undefined;
  private example: string | undefined;

  constructor(private readonly maxSeries: number) {}

  /** The samples of `part` that belong to a kept series. */
  add(part: readonly Sample[]): Sample[] {
    const result: Sample[] = [];
    for (const sample of part) {
      const key = seriesKeyOf(sample);
      if (this.kept.has(key)) result.push(sample);
      else if (this.kept.size < this.maxSeries) {
        this.kept.add(key);
        result.push(sample);
      } else {
        this.example ??= key;
        (this.over ??= new Set()).add(hashKey(key));
      }
    }
    return result;
  }

  /** Distinct series seen so far. */
  get total(): number {
    return this.kept.size + (this.over?.size ?? 0);
  }

  /** Plain words on what was left out, once anything was. */
  note(): string | undefined {
    if (!this.over) return undefined;
    const shown = this.example && this.example.length > 120 ? `${this.example.slice(0, 119)}…` : this.example;
    return `This endpoint sent ${this.total.toLocaleString('en-US')} series; the first ${this.maxSeries.toLocaleString('en-US')} are kept and the other ${this.over.size.toLocaleString('en-US')} left out, e.g. ${shown ?? '?'} (setting liveUsage.limits.maxSeriesPerConnection).`;
  }
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

/** Two 32-bit FNV-1a hashes with different seeds, joined into one safe integer. */
function hashKey(key: string): number {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ key.length;
  for (let i = 0; i < key.length; i++) {
    const code = key.charCodeAt(i);
    a = Math.imul(a ^ code, 0x01000193);
    b = Math.imul(b ^ code, 0x5bd1e995);
  }
  return (b >>> 11) * 0x100000000 + (a >>> 0);
}
