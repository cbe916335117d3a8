/**
 * The newest reading of each series of a connection, and the reading before it (a counter's rate and a
 * histogram's quantiles need two). Keyed by series and identifying labels, so a reading with another
 * context label (Browserless `reason`) replaces the one before instead of sitting beside it.
 */
import type { ProviderDescriptor } from '../providers/descriptor';
import { identify } from '../providers/registry';
import { trimLatest } from '../providers/seriesCap';
import type { Sample } from '../shared/samples';

export class LatestValues {
  private readonly newest = new Map<string, Sample>();
  private readonly before = new Map<string, Sample>();

  constructor(private descriptor: ProviderDescriptor) {}

  /** Readings of a poll or of history; older than what is known are ignored, a repeat of the newest replaces it. */
  merge(samples: readonly Sample[]): void {
    const ordered = [...samples].sort((a, b) => a.at - b.at);
    for (const sample of ordered) {
      const key = identify(this.descriptor, sample).key;
      const current = this.newest.get(key);
      if (current && current.at > sample.at) {
        // Older than the newest but newer than the one before: a late reading still makes a better "before".
        const previous = this.before.get(key);
        if (!previous || previous.at < sample.at) this.before.set(key, sample);
        continue;
      }
      if (current && current.at < sample.at) this.before.set(key, current);
      this.newest.set(key, sample);
    }
  }

  latest(): Sample[] {
    return [...this.newest.values()];
  }

  previous(): Sample[] {
    return [...this.before.values()];
  }

  /** Newest reading time of any series, or 0. */
  newestAt(): number {
    let newest = 0;
    for (const sample of this.newest.values()) newest = Math.max(newest, sample.at);
    return newest;
  }

  /**
   * Keeps at most `maxSeries` series, the most recently read: an endpoint that invents new series on
   * every poll would otherwise grow this forever.
   */
  limit(maxSeries: number): void {
    const before = this.newest.size;
    trimLatest(this.newest, maxSeries);
    if (this.newest.size === before) return;
    for (const key of [...this.before.keys()]) if (!this.newest.has(key)) this.before.delete(key);
  }

  /** A new URL, project or server generation: the old values describe something else. */
  reset(descriptor: ProviderDescriptor): void {
    this.descriptor = descriptor;
    this.newest.clear();
    this.before.clear();
  }
}
