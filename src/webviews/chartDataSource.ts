/**
 * History for the charts, read as little as possible: a connection's samples for a window are read
 * again only after it polled, and a long window re-reads only its last two days (where new and
 * backfilled samples land) except for a full read every ten minutes.
 */
import type { HistoryQuery } from '../history/historyStore';
import type { Sample } from '../shared/samples';

export interface HistoryReader {
  query(connectionId: string, query: HistoryQuery): Promise<Sample[]>;
}

export interface SampleWindow {
  readonly from: number;
  readonly to: number;
  readonly bucketMs?: number;
  /** Only these series (all when absent). */
  readonly series?: readonly string[];
}

interface Entry {
  readonly from: number;
  readonly samples: Sample[];
  readonly dataAt: number;
  readonly readAt: number;
  readonly fullAt: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const FULL_READ_EVERY_MS = 10 * 60 * 1000;
/**
 * A poll is stored a moment after the snapshot that announces it: a read this soon after the poll
 * may have missed it, so the next change reads again.
 */
const SETTLE_MS = 2000;

export class ChartDataSource {
  private readonly entries = new Map<string, Entry>();
  private readonly used = new Set<string>();

  constructor(private readonly history: HistoryReader) {}

  /**
   * Samples of a connection in the window, oldest first. `dataAt` is the connection's last successful
   * poll: while it stays the same (and was read after it settled) the cached samples are reused.
   */
  async samples(connectionId: string, window: SampleWindow, dataAt: number, now = Date.now()): Promise<Sample[]> {
    const key = `${connectionId}|${window.bucketMs ?? 0}|${window.series?.join(',') ?? ''}`;
    const entry = this.entries.get(key);
    this.used.add(key);
    const series = window.series === undefined ? {} : { series: window.series };
    const bucket = window.bucketMs === undefined ? {} : { bucketMs: window.bucketMs };
    const inWindow = (samples: Sample[]) => samples.filter((sample) => sample.at >= alignDown(window.from, window.bucketMs) && sample.at <= window.to);
    if (entry && entry.from <= window.from && entry.dataAt === dataAt && entry.readAt - dataAt >= SETTLE_MS) return inWindow(entry.samples);
    const spanDays = (window.to - window.from) / DAY_MS;
    const incremental = entry !== undefined && entry.from <= window.from && spanDays > 2 && now - entry.fullAt < FULL_READ_EVERY_MS;
    let samples: Sample[];
    if (incremental) {
      const since = alignDown(Math.max(window.from, Math.floor(window.to / DAY_MS) * DAY_MS - DAY_MS), window.bucketMs);
      const recent = await this.history.query(connectionId, { from: since, to: window.to, ...series, ...bucket });
      samples = entry.samples.filter((sample) => sample.at < since).concat(recent);
    } else {
      samples = await this.history.query(connectionId, { from: window.from, to: window.to, ...series, ...bucket });
    }
    const kept = inWindow(samples);
    this.entries.set(key, { from: window.from, samples: kept, dataAt, readAt: now, fullAt: incremental ? entry.fullAt : now });
    return kept;
  }

  /** Forgets what was not asked for since the last sweep: removed connections, ranges no longer shown. */
  sweep(): void {
    for (const key of [...this.entries.keys()]) if (!this.used.has(key)) this.entries.delete(key);
    this.used.clear();
  }

  clear(): void {
    this.entries.clear();
    this.used.clear();
  }
}

function alignDown(at: number, bucketMs: number | undefined): number {
  return bucketMs === undefined ? at : Math.floor(at / bucketMs) * bucketMs;
}
