/**
 * Persisted sample history: what the charts show after a reload. Plain Node (no `vscode`): the
 * extension passes a folder under its global storage. Design and on-disk format: docs/history.md.
 *
 * Several windows share the folder. For each connection exactly one window (its poller) calls
 * `append` and `compact`; every window may `query` and `latest`. Readers never modify files: a torn
 * last line may be a write in progress in another window, so they skip it; a damaged line earlier
 * in a file is logged and skipped by readers, and set aside (copied to `<name>.corrupt-<time>`)
 * and rewritten without it by the writer.
 */
import { mkdir, rm, stat, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import type { Sample } from '../shared/samples';
import { summarizeDay } from './compaction';
import { downsample, lastWins, mergeBuckets } from './downsample';
import {
  aggregateRecordToSample,
  describeSample,
  encodeAggregateRecord,
  encodeDescriptor,
  encodeFullRecord,
  encodeHeader,
  fullRecordToSample,
  parseSegment,
  payloadOf,
  type AggregateRecord,
  type Descriptor,
  type DescriptorShape,
  type FullRecord,
  type ParsedSegment,
} from './format';
import {
  appendIfUnchanged,
  copyAside,
  exists,
  identityOf,
  isMissing,
  listIfExists,
  readIfExists,
  truncateIfSame,
  unlinkIfExists,
  writeAtomically,
  type FileIdentity,
} from './fileOps';
import {
  assertConnectionId,
  connectionIdOfFolder,
  connectionPaths,
  DAY_MS,
  dayOfSegmentFile,
  dayOfSetAsideFile,
  dayStartOf,
  fileStamp,
  isTemporaryFile,
  segmentFileName,
  type ConnectionPaths,
  type Tier,
} from './paths';

export interface HistoryLog {
  info(message: string): void;
  warn(message: string): void;
}

export interface HistoryRetention {
  /** Days kept at full resolution (setting `liveUsage.history.fullResolutionDays`). */
  readonly fullResolutionDays: number;
  /** Days kept in total, the part older than full resolution downsampled (`liveUsage.history.downsampledDays`). */
  readonly downsampledDays: number;
}

export interface HistoryOptions extends HistoryRetention {
  readonly log: HistoryLog;
  /** Clock for retention decisions; tests inject one. */
  readonly now?: () => number;
  /** Bucket length of the downsampled tier; must divide a day. Default 15 minutes. */
  readonly bucketMs?: number;
}

export interface HistoryQuery {
  /** Inclusive, epoch ms. */
  readonly from: number;
  /** Inclusive, epoch ms. */
  readonly to: number;
  /** Only these series ids (all when absent). */
  readonly series?: readonly string[];
  /**
   * Summarize into buckets of this length (a divisor of a day, at least a second), as the
   * downsampled tier does; `from` is then rounded down to a bucket start. Stored buckets that are
   * already coarser come back as they are.
   */
  readonly bucketMs?: number;
}

export interface AppendResult {
  /** Samples written: new ones and revisions of a stored value. */
  readonly written: number;
  /** Exact repeats of a stored sample (same series, labels, time and payload): not written again. */
  readonly duplicates: number;
  /** Not stored: malformed, older than retention, of a day already downsampled, or over a day in the future. */
  readonly dropped: number;
}

export interface CompactResult {
  /** Full-resolution day files turned into downsampled ones. */
  readonly downsampled: number;
  /** Files deleted: expired days, expired set-aside files, leftovers of interrupted replacements. */
  readonly deleted: number;
}

export const DEFAULT_BUCKET_MS = 15 * 60_000;

/**
 * How far behind the newest sample the writer keeps exact keys in memory. Repeats come from the last
 * poll's window (a Cerebras minute, a Northflank range); anything older is checked against its day
 * file instead, so memory stays bounded (a few thousand keys per connection) and dedupe stays exact.
 */
const RECENT_HORIZON_MS = 2 * 60 * 60_000;
/** Day files whose interned descriptors the writer keeps (today, yesterday, a late backfill or two). */
const DAY_STATES_KEPT = 4;
/** A sample further ahead than this is a clock or parsing error, not data. */
const FUTURE_TOLERANCE_MS = DAY_MS;
/** A temporary file this old is a leftover of a crash, not a replacement in progress. */
const STALE_TEMPORARY_MS = 60 * 60_000;
/** How many reader warnings about damaged files are remembered (so each is logged once). */
const WARNED_LIMIT = 1000;

/** What the writer knows about one day file it appends to. */
interface DayState {
  readonly dayStart: number;
  readonly descriptors: Map<string, Descriptor>;
  nextId: number;
  identity: FileIdentity | undefined;
}

/** The poller's memory for one connection: interned descriptors and recent keys for dedupe. */
interface WriterState {
  readonly days: Map<number, DayState>;
  /** seriesKey -> at -> payload, exact for every stored sample with `at >= floor`. */
  readonly recent: Map<string, Map<number, string>>;
  newest: number;
  floor: number;
  prunedAtFloor: number;
}

type Keys = Map<string, Map<number, string>>;

class WriterStateChanged extends Error {}

/** One day file's share of an append: enough to take it back out. */
interface AppendedPart {
  readonly path: string;
  readonly identity: FileIdentity;
  readonly sizeBefore: number;
}

export class HistoryStore {
  private readonly writers = new Map<string, WriterState>();
  private readonly queues = new Map<string, Promise<void>>();
  private readonly warned = new Set<string>();
  private readonly now: () => number;
  private readonly bucketMs: number;
  private readonly log: HistoryLog;
  private fullMs: number;
  private totalMs: number;
  private closed = false;

  private constructor(
    private readonly root: string,
    options: HistoryOptions,
  ) {
    this.log = options.log;
    this.now = options.now ?? Date.now;
    this.bucketMs = options.bucketMs ?? DEFAULT_BUCKET_MS;
    assertBucketLength(this.bucketMs);
    [this.fullMs, this.totalMs] = retentionMs(options);
  }

  /** Opens (creating if needed) the history kept in `folder`. Files are only read when asked for. */
  static async open(folder: string, options: HistoryOptions): Promise<HistoryStore> {
    const store = new HistoryStore(folder, options);
    await mkdir(folder, { recursive: true });
    return store;
  }

  /** Applies changed retention settings; takes effect at the next `compact`. */
  setRetention(retention: HistoryRetention): void {
    [this.fullMs, this.totalMs] = retentionMs(retention);
  }

  /**
   * Stores samples of one connection. Call only from the window that polls it. Repeats of stored
   * samples are skipped; a changed value for a stored series+labels+time is appended and wins.
   */
  async append(connectionId: string, samples: readonly Sample[]): Promise<AppendResult> {
    const paths = this.pathsOf(connectionId);
    return this.exclusive(connectionId, () => this.appendLocked(connectionId, paths, samples));
  }

  /**
   * Samples with `from <= at <= to`, oldest first: full resolution where it is kept, buckets of the
   * downsampled tier before that. With `bucketMs`, everything comes back as buckets of at least that
   * length (charts of long ranges need hundreds of points, not hundreds of thousands).
   */
  async query(connectionId: string, query: HistoryQuery): Promise<Sample[]> {
    const paths = this.pathsOf(connectionId);
    const bucketMs = query.bucketMs;
    if (bucketMs !== undefined) assertBucketLength(bucketMs);
    const to = query.to;
    // Whole buckets: a chart's first point must not summarize only the tail of its bucket.
    const from = bucketMs === undefined ? query.from : Math.floor(query.from / bucketMs) * bucketMs;
    if (Number.isNaN(from) || Number.isNaN(to) || from > to) return [];
    const wanted = query.series ? new Set(query.series) : undefined;
    if (wanted && wanted.size === 0) return [];

    const fullDays = await this.segmentDays(paths.full);
    const covered = new Set(fullDays);
    const result: Sample[] = [];
    for (const dayStart of fullDays) {
      if (dayStart > to || dayStart + DAY_MS <= from) continue;
      const parsed = await this.readForQuery(connectionId, paths, 'full', dayStart);
      if (!parsed) continue;
      const wholeDay = !wanted && dayStart >= from && dayStart + DAY_MS - 1 <= to;
      const inRange = wholeDay
        ? parsed.records
        : parsed.records.filter((record) => {
            const at = dayStart + record.offset;
            return at >= from && at <= to && (!wanted || wanted.has(record.descriptor.series));
          });
      if (bucketMs === undefined) {
        for (const record of lastWins(inRange)) result.push(fullRecordToSample(record, dayStart));
      } else {
        for (const bucket of downsample(inRange, bucketMs)) result.push(aggregateRecordToSample(bucket, dayStart, bucketMs));
      }
    }
    for (const dayStart of await this.segmentDays(paths.agg)) {
      // A day kept at full resolution wins over its buckets (both exist only between writing the
      // buckets and deleting the day, or after a crash in between).
      if (covered.has(dayStart) || dayStart > to || dayStart + DAY_MS <= from) continue;
      const parsed = await this.readForQuery(connectionId, paths, 'agg', dayStart);
      const storedMs = parsed?.header?.bucketMs;
      if (!parsed || storedMs === undefined) continue;
      const inRange = parsed.records.filter((record) => {
        const at = dayStart + record.offset;
        return at >= from && at <= to && (!wanted || wanted.has(record.descriptor.series));
      });
      if (bucketMs !== undefined && bucketMs > storedMs) {
        for (const bucket of mergeBuckets(inRange, bucketMs)) result.push(aggregateRecordToSample(bucket, dayStart, bucketMs));
      } else {
        for (const record of lastWins(inRange)) result.push(aggregateRecordToSample(record, dayStart, storedMs));
      }
    }
    // Days are read in order and a file is mostly in order, so this sort is close to linear.
    return result.sort((a, b) => a.at - b.at);
  }

  /**
   * When the connection's oldest stored reading was taken (epoch ms), or undefined without history:
   * how much history there is, for the usage panel to open on a range that fits it. Reads only the
   * oldest day file.
   */
  async earliest(connectionId: string): Promise<number | undefined> {
    const paths = this.pathsOf(connectionId);
    const days = [
      ...(await this.segmentDays(paths.agg)).map((day) => ['agg', day] as const),
      ...(await this.segmentDays(paths.full)).map((day) => ['full', day] as const),
    ];
    days.sort((a, b) => a[1] - b[1]);
    for (const [tier, dayStart] of days) {
      const parsed = await this.readForQuery(connectionId, paths, tier, dayStart);
      if (!parsed || parsed.records.length === 0) continue;
      let offset = Number.POSITIVE_INFINITY;
      for (const record of parsed.records) offset = Math.min(offset, record.offset);
      return dayStart + offset;
    }
    return undefined;
  }

  /**
   * The newest sample of each series+labels among those within `withinMs` (default a day) of the
   * newest stored sample: what the status bar showed at the last poll, for restoring it after a
   * reload before the first poll. Full-resolution tier only. Ordered by series, then labels.
   */
  async latest(connectionId: string, options: { readonly withinMs?: number } = {}): Promise<Sample[]> {
    const paths = this.pathsOf(connectionId);
    const withinMs = options.withinMs ?? DAY_MS;
    const newestBySeries = new Map<string, { record: FullRecord; at: number }>();
    let newestAt = Number.NEGATIVE_INFINITY;
    const days = (await this.segmentDays(paths.full)).reverse();
    for (const dayStart of days) {
      if (dayStart + DAY_MS <= newestAt - withinMs) break;
      const parsed = await this.readForQuery(connectionId, paths, 'full', dayStart);
      if (!parsed) continue;
      for (const record of parsed.records) {
        const at = dayStart + record.offset;
        newestAt = Math.max(newestAt, at);
        const known = newestBySeries.get(record.descriptor.seriesKey);
        // `>=` so that a later line (a revision) wins over an earlier one at the same time.
        if (!known || at >= known.at) newestBySeries.set(record.descriptor.seriesKey, { record, at });
      }
    }
    const entries = [...newestBySeries.entries()].filter(([, { at }]) => at >= newestAt - withinMs);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return entries.map(([, { record, at }]) => fullRecordToSample(record, dayStartOf(at)));
  }

  /**
   * Retention pass: downsamples full-resolution days older than `fullResolutionDays`, deletes days
   * older than the total, set-aside files of expired days and leftovers of interrupted writes.
   * Meant for the polling window (at start and hourly); without ids it covers every connection.
   */
  async compact(now: number = this.now(), connectionIds?: readonly string[]): Promise<CompactResult> {
    this.assertOpen();
    const ids = connectionIds ?? (await this.storedConnectionIds());
    let downsampled = 0;
    let deleted = 0;
    for (const id of ids) {
      const paths = this.pathsOf(id);
      const result = await this.exclusive(id, () => this.compactLocked(id, paths, now));
      downsampled += result.downsampled;
      deleted += result.deleted;
    }
    return { downsampled, deleted };
  }

  /** Deletes everything kept for a connection (when the user removes it). */
  async removeConnection(connectionId: string): Promise<void> {
    const paths = this.pathsOf(connectionId);
    await this.exclusive(connectionId, async () => {
      this.writers.delete(connectionId);
      await rm(paths.root, { recursive: true, force: true, maxRetries: 5 });
    });
  }

  /** Connection ids with a history folder. */
  async storedConnectionIds(): Promise<string[]> {
    const ids: string[] = [];
    for (const name of await listIfExists(this.root)) {
      const id = connectionIdOfFolder(name);
      if (id !== undefined) ids.push(id);
    }
    return ids.sort();
  }

  /** Waits for pending writes; the store refuses work afterwards. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.queues.values()]);
    this.writers.clear();
  }

  // -------------------------------------------------------------------------------------------
  // Appending

  private async appendLocked(connectionId: string, paths: ConnectionPaths, samples: readonly Sample[]): Promise<AppendResult> {
    const now = this.now();
    let dropped = 0;
    let firstProblem: string | undefined;
    const byDay = new Map<number, Sample[]>();
    for (const sample of samples) {
      const problem = sampleProblem(sample, now);
      if (problem !== undefined) {
        dropped++;
        firstProblem ??= problem;
        continue;
      }
      const dayStart = dayStartOf(sample.at);
      if (dayStart + DAY_MS <= now - this.totalMs) {
        dropped++;
        continue;
      }
      let list = byDay.get(dayStart);
      if (!list) byDay.set(dayStart, (list = []));
      list.push(sample);
    }
    if (firstProblem !== undefined) this.log.warn(`History of ${connectionId}: ${dropped} sample(s) not stored, e.g. ${firstProblem}.`);

    let written = 0;
    let duplicates = 0;
    // What this batch appended so far, to take back out if a later day of it fails: all or nothing.
    const appended: AppendedPart[] = [];
    for (const dayStart of [...byDay.keys()].sort((a, b) => a - b)) {
      const daySamples = byDay.get(dayStart) ?? [];
      // A day past full resolution is accepted (a first fetch may return weeks of Browserless
      // periods) until it has been downsampled; after that its buckets cannot take more samples.
      if (dayStart + DAY_MS <= now - this.fullMs && (await exists(join(paths.agg, segmentFileName(dayStart))))) {
        dropped += daySamples.length;
        continue;
      }
      for (let attempt = 0; ; attempt++) {
        try {
          const result = await this.appendDay(connectionId, paths, dayStart, daySamples);
          written += result.written;
          duplicates += result.duplicates;
          if (result.appended) appended.push(result.appended);
          break;
        } catch (error) {
          // Whatever was assigned in memory for this batch may not be on disk: start again from the files.
          this.writers.delete(connectionId);
          if (error instanceof WriterStateChanged && attempt < 2) continue;
          await this.undo(connectionId, appended);
          throw error;
        }
      }
    }
    return { written, duplicates, dropped };
  }

  /** Takes the parts of a failed batch that did get in back out of their files. */
  private async undo(connectionId: string, parts: readonly AppendedPart[]): Promise<void> {
    for (const part of parts) {
      try {
        await truncateIfSame(part.path, part.identity, part.sizeBefore);
      } catch (error) {
        this.log.warn(`History of ${connectionId}: could not take a failed batch back out of ${part.path}: ${String(error)}`);
      }
    }
  }

  private async appendDay(
    connectionId: string,
    paths: ConnectionPaths,
    dayStart: number,
    samples: readonly Sample[],
  ): Promise<{ written: number; duplicates: number; appended?: AppendedPart }> {
    const writer = await this.writerOf(connectionId, paths);
    let day = writer.days.get(dayStart);
    let fileKeys: Keys | undefined;
    const olderThanFloor = samples.some((sample) => sample.at < writer.floor);
    if (day === undefined || olderThanFloor) {
      const loaded = await this.loadDay(connectionId, paths, dayStart);
      day = loaded.day;
      if (olderThanFloor) fileKeys = keysOf(loaded.records, dayStart);
      this.remember(writer, day);
      addKeys(writer.recent, loaded.records, dayStart, writer.floor);
    } else {
      this.remember(writer, day);
    }

    const chunks: string[] = day.identity === undefined ? [encodeHeader('full', dayStart)] : [];
    let written = 0;
    let duplicates = 0;
    let newest = writer.newest;
    for (const sample of samples) {
      const shape = describeSample(sample);
      const payload = payloadOf(sample.value, sample.flags, sample.rawValue);
      const keys = sample.at >= writer.floor || fileKeys === undefined ? writer.recent : fileKeys;
      let times = keys.get(shape.seriesKey);
      if (times === undefined) keys.set(shape.seriesKey, (times = new Map()));
      if (times.get(sample.at) === payload) {
        duplicates++;
        continue;
      }
      times.set(sample.at, payload);
      let descriptor = day.descriptors.get(shape.descriptorKey);
      if (descriptor === undefined) {
        descriptor = intern(day, shape);
        chunks.push(encodeDescriptor(descriptor));
      }
      chunks.push(encodeFullRecord(descriptor.id, sample.at - dayStart, payload));
      newest = Math.max(newest, sample.at);
      written++;
    }
    if (written === 0) return { written, duplicates };

    const path = join(paths.full, segmentFileName(dayStart));
    if (day.identity === undefined) await mkdir(paths.full, { recursive: true });
    const data = Buffer.from(chunks.join(''), 'utf8');
    const identity = await appendIfUnchanged(path, data, day.identity);
    if (identity === undefined) throw new WriterStateChanged(`${path} changed underneath`);
    day.identity = identity;
    writer.newest = newest;
    this.advanceFloor(writer);
    return { written, duplicates, appended: { path, identity, sizeBefore: identity.size - data.length } };
  }

  /** The writer state of a connection, loading recent keys from its newest files on first use. */
  private async writerOf(connectionId: string, paths: ConnectionPaths): Promise<WriterState> {
    const known = this.writers.get(connectionId);
    if (known) return known;
    const writer: WriterState = {
      days: new Map(),
      recent: new Map(),
      newest: Number.NEGATIVE_INFINITY,
      floor: Number.NEGATIVE_INFINITY,
      prunedAtFloor: Number.NEGATIVE_INFINITY,
    };
    const days = (await this.segmentDays(paths.full)).reverse();
    const loaded: { dayStart: number; records: readonly FullRecord[] }[] = [];
    for (const dayStart of days) {
      // Files are loaded newest first until they reach back past the horizon behind the newest sample.
      if (dayStart + DAY_MS <= writer.newest - RECENT_HORIZON_MS) break;
      const { day, records } = await this.loadDay(connectionId, paths, dayStart);
      this.remember(writer, day);
      for (const record of records) writer.newest = Math.max(writer.newest, dayStart + record.offset);
      loaded.push({ dayStart, records });
    }
    // With nothing stored at all the floor stays at -Infinity: every key is "recent", and none exists.
    writer.floor = writer.newest - RECENT_HORIZON_MS;
    for (const { dayStart, records } of loaded) addKeys(writer.recent, records, dayStart, writer.floor);
    writer.prunedAtFloor = writer.floor;
    this.writers.set(connectionId, writer);
    return writer;
  }

  private remember(writer: WriterState, day: DayState): void {
    writer.days.delete(day.dayStart);
    writer.days.set(day.dayStart, day);
    while (writer.days.size > DAY_STATES_KEPT) {
      const oldest = writer.days.keys().next().value;
      if (oldest === undefined) break;
      writer.days.delete(oldest);
    }
  }

  private advanceFloor(writer: WriterState): void {
    writer.floor = Math.max(writer.floor, writer.newest - RECENT_HORIZON_MS);
    // Pruning walks every key, so it waits until a quarter of the horizon has gone by.
    if (writer.floor - writer.prunedAtFloor < RECENT_HORIZON_MS / 4) return;
    for (const [seriesKey, times] of writer.recent) {
      for (const at of times.keys()) if (at < writer.floor) times.delete(at);
      if (times.size === 0) writer.recent.delete(seriesKey);
    }
    writer.prunedAtFloor = writer.floor;
  }

  /**
   * Opens a day file for appending: a torn last line (an append that was killed) is cut off so the
   * next append does not glue onto it; a damaged line before it gets the file set aside and
   * rewritten from its readable lines.
   */
  private async loadDay(connectionId: string, paths: ConnectionPaths, dayStart: number): Promise<{ day: DayState; records: readonly FullRecord[] }> {
    const path = join(paths.full, segmentFileName(dayStart));
    const buffer = await readIfExists(path);
    const empty = (): DayState => ({ dayStart, descriptors: new Map(), nextId: 0, identity: undefined });
    if (buffer === undefined || buffer.length === 0) return { day: empty(), records: [] };
    const parsed = parseSegment(buffer, 'full');
    if (parsed.unsupportedVersion !== undefined || parsed.badLines.length > 0) {
      const records = await this.setAside(connectionId, path, 'full', dayStart, parsed);
      const day = empty();
      const rewritten = await readIfExists(path);
      // Reparse what was just written so the interned ids are exactly those on disk.
      const reparsed = rewritten ? parseSegment(rewritten, 'full') : undefined;
      for (const descriptor of reparsed?.descriptors ?? []) intern(day, descriptor, descriptor.id);
      day.identity = rewritten && rewritten.length > 0 ? await identityOf(path) : undefined;
      return { day, records };
    }
    if (parsed.tornTail) {
      await truncate(path, parsed.validBytes);
      this.log.info(`History file ${path} ended in a partial line (an interrupted write); removed its last ${buffer.length - parsed.validBytes} byte(s).`);
    }
    const day = empty();
    for (const descriptor of parsed.descriptors) intern(day, descriptor, descriptor.id);
    const identity = await identityOf(path);
    // A file truncated to nothing is written again from its header.
    day.identity = identity && identity.size > 0 ? { ino: identity.ino, size: parsed.validBytes } : undefined;
    return { day, records: parsed.records };
  }

  // -------------------------------------------------------------------------------------------
  // Reading and repairing

  private async readForQuery<T extends Tier>(
    connectionId: string,
    paths: ConnectionPaths,
    tier: T,
    dayStart: number,
  ): Promise<ParsedSegment<T extends 'full' ? FullRecord : AggregateRecord> | undefined> {
    const path = join(tier === 'full' ? paths.full : paths.agg, segmentFileName(dayStart));
    const buffer = await readIfExists(path);
    if (buffer === undefined) return undefined;
    const parsed = parseSegment(buffer, tier);
    if (parsed.badLines.length === 0 && parsed.unsupportedVersion === undefined) return parsed;
    if (this.writers.has(connectionId) && !this.closed) {
      // This window writes the connection, so it may repair: under the lock, with no append in flight.
      await this.exclusive(connectionId, async () => {
        const again = await readIfExists(path);
        if (again === undefined) return;
        const current = parseSegment(again, tier);
        if (current.badLines.length > 0 || current.unsupportedVersion !== undefined) {
          await this.setAside(connectionId, path, tier, dayStart, current);
          this.writers.get(connectionId)?.days.delete(dayStart);
        }
      });
      const repaired = await readIfExists(path);
      return repaired ? parseSegment(repaired, tier) : undefined;
    }
    const warning = `${path}:${buffer.length}`;
    if (!this.warned.has(warning)) {
      if (this.warned.size >= WARNED_LIMIT) this.warned.clear();
      this.warned.add(warning);
      this.log.warn(`History file ${path} has ${describeDamage(parsed)}; reading the rest. The window that records ${connectionId} sets it aside.`);
    }
    return parsed.unsupportedVersion === undefined ? parsed : undefined;
  }

  /**
   * Keeps a copy of a damaged file as `<name>.corrupt-<time>` and replaces the file, atomically, by
   * its readable records. Nothing is dropped silently: the copy stays until its day expires.
   */
  private async setAside<R extends FullRecord | AggregateRecord>(
    connectionId: string,
    path: string,
    tier: Tier,
    dayStart: number,
    parsed: ParsedSegment<R>,
    rewrite = true,
  ): Promise<readonly R[]> {
    // A copy, not a rename, so readers in other windows never find the day missing.
    const asidePath = await copyAside(path, `${path}.corrupt-${fileStamp(this.now())}`);
    const records = parsed.unsupportedVersion === undefined ? parsed.records : [];
    if (rewrite && records.length > 0) await writeAtomically(path, encodeSegment(tier, dayStart, records, parsed.header?.bucketMs ?? this.bucketMs));
    else if (rewrite) await unlinkIfExists(path);
    this.log.warn(
      `History of ${connectionId}: file ${path} has ${describeDamage(parsed)}; set aside as ${asidePath}, ${records.length} readable record(s) kept.`,
    );
    return records;
  }

  // -------------------------------------------------------------------------------------------
  // Retention

  private async compactLocked(connectionId: string, paths: ConnectionPaths, now: number): Promise<CompactResult> {
    const fullCutoff = now - this.fullMs;
    const totalCutoff = now - this.totalMs;
    const writer = this.writers.get(connectionId);
    let downsampled = 0;
    let deleted = 0;

    for (const dayStart of await this.segmentDays(paths.full)) {
      const dayEnd = dayStart + DAY_MS;
      if (dayEnd > fullCutoff) continue;
      writer?.days.delete(dayStart);
      const path = join(paths.full, segmentFileName(dayStart));
      if (dayEnd <= totalCutoff) {
        if (await unlinkIfExists(path)) deleted++;
        continue;
      }
      const identity = await identityOf(path);
      if (identity === undefined) continue;
      // Read as a stream: memory follows the series, not the size of the day.
      const summary = await summarizeDay(path, identity.size, this.bucketMs);
      // The day file is deleted below, so a damaged one is only copied aside, not rewritten.
      if (summary.badLineCount > 0 || summary.unsupportedVersion !== undefined) {
        const asidePath = await copyAside(path, `${path}.corrupt-${fileStamp(this.now())}`);
        this.log.warn(`History of ${connectionId}: file ${path} has ${describeDamage(summary)}; set aside as ${asidePath}, its readable records downsampled.`);
      }
      const buckets = summary.buckets;
      await mkdir(paths.agg, { recursive: true });
      if (buckets.length > 0) await writeAtomically(join(paths.agg, segmentFileName(dayStart)), encodeSegment('agg', dayStart, buckets, this.bucketMs));
      // A file that grew while it was summarized (a late append) stays for the next pass, which
      // summarizes it again from the start and replaces these buckets.
      if ((await identityOf(path))?.size !== summary.bytes) continue;
      if (await unlinkIfExists(path)) downsampled++;
    }

    for (const dayStart of await this.segmentDays(paths.agg)) {
      if (dayStart + DAY_MS <= totalCutoff && (await unlinkIfExists(join(paths.agg, segmentFileName(dayStart))))) deleted++;
    }
    for (const folder of [paths.full, paths.agg]) {
      for (const name of await listIfExists(folder)) {
        const asideDay = dayOfSetAsideFile(name);
        const expired = asideDay !== undefined && asideDay + DAY_MS <= totalCutoff;
        // Modification times are wall-clock, whatever clock the store was given.
        const stale = isTemporaryFile(name) && (await isOlderThan(join(folder, name), Date.now() - STALE_TEMPORARY_MS));
        if ((expired || stale) && (await unlinkIfExists(join(folder, name)))) deleted++;
      }
    }
    return { downsampled, deleted };
  }

  // -------------------------------------------------------------------------------------------
  // Plumbing

  private pathsOf(connectionId: string): ConnectionPaths {
    this.assertOpen();
    assertConnectionId(connectionId);
    return connectionPaths(this.root, connectionId);
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('The history store is closed.');
  }

  /** Day starts of the segment files in a folder, oldest first. */
  private async segmentDays(folder: string): Promise<number[]> {
    const days: number[] = [];
    for (const name of await listIfExists(folder)) {
      const day = dayOfSegmentFile(name);
      if (day !== undefined) days.push(day);
    }
    return days.sort((a, b) => a - b);
  }

  /** Runs tasks of one connection one at a time, in call order, whatever the outcome of earlier ones. */
  private exclusive<T>(connectionId: string, task: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(connectionId) ?? Promise.resolve();
    const run = previous.then(task);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(connectionId, settled);
    void settled.then(() => {
      if (this.queues.get(connectionId) === settled) this.queues.delete(connectionId);
    });
    return run;
  }
}

function assertBucketLength(bucketMs: number): void {
  if (!(Number.isInteger(bucketMs) && bucketMs >= 1000 && DAY_MS % bucketMs === 0)) {
    throw new RangeError(`A history bucket must be a whole number of milliseconds (at least 1000) that divides a day, not ${bucketMs}.`);
  }
}

function retentionMs(retention: HistoryRetention): [number, number] {
  const { fullResolutionDays, downsampledDays } = retention;
  if (!(Number.isFinite(fullResolutionDays) && fullResolutionDays > 0) || !(Number.isFinite(downsampledDays) && downsampledDays >= 0)) {
    throw new RangeError(`History retention must be positive day counts, not ${fullResolutionDays} and ${downsampledDays}.`);
  }
  // "Days kept in total": a total shorter than full resolution does not cut full resolution short.
  return [fullResolutionDays * DAY_MS, Math.max(fullResolutionDays, downsampledDays) * DAY_MS];
}

/** Why a sample cannot be stored, or undefined. Samples come from our own normalizers, but a bad one must not poison a file. */
function sampleProblem(sample: Sample, now: number): string | undefined {
  if (typeof sample !== 'object' || sample === null) return 'a sample that is not an object';
  const { series, unit, at, value, windowMs, labels, flags, rawValue } = sample;
  if (typeof series !== 'string' || series === '') return 'a sample without a series id';
  if (typeof unit !== 'string') return `${series} without a unit`;
  if (typeof at !== 'number' || !Number.isFinite(at) || at < 0) return `${series} with time ${String(at)}`;
  if (at > now + FUTURE_TOLERANCE_MS) return `${series} dated ${new Date(at).toISOString()}, over a day ahead of this clock`;
  if (value !== null && typeof value !== 'number') return `${series} with a value that is not a number`;
  if (windowMs !== undefined && !(typeof windowMs === 'number' && Number.isFinite(windowMs))) return `${series} with window ${String(windowMs)}`;
  if (labels !== undefined && (typeof labels !== 'object' || labels === null)) return `${series} with malformed labels`;
  if (flags !== undefined && !(Array.isArray(flags) && flags.every((flag) => typeof flag === 'string'))) return `${series} with malformed flags`;
  if (rawValue !== undefined && typeof rawValue !== 'number') return `${series} with a raw value that is not a number`;
  return undefined;
}

function intern(day: DayState, shape: DescriptorShape, id: number = day.nextId): Descriptor {
  const descriptor: Descriptor = { ...shape, id };
  day.descriptors.set(descriptor.descriptorKey, descriptor);
  day.nextId = Math.max(day.nextId, id + 1);
  return descriptor;
}

function keysOf(records: readonly FullRecord[], dayStart: number): Keys {
  const keys: Keys = new Map();
  addKeys(keys, records, dayStart, Number.NEGATIVE_INFINITY);
  return keys;
}

/** Records in file order, so a revision (a later line) replaces the payload of the original. */
function addKeys(keys: Keys, records: readonly FullRecord[], dayStart: number, floor: number): void {
  for (const record of records) {
    const at = dayStart + record.offset;
    if (at < floor) continue;
    let times = keys.get(record.descriptor.seriesKey);
    if (times === undefined) keys.set(record.descriptor.seriesKey, (times = new Map()));
    times.set(at, payloadOf(record.value, record.flags, record.rawValue));
  }
}

/** A whole segment, descriptors renumbered from 0 in order of first use. */
function encodeSegment(tier: Tier, dayStart: number, records: readonly (FullRecord | AggregateRecord)[], bucketMs: number): string {
  const chunks = [encodeHeader(tier, dayStart, tier === 'agg' ? bucketMs : undefined)];
  const ids = new Map<string, number>();
  for (const record of records) {
    let id = ids.get(record.descriptor.descriptorKey);
    if (id === undefined) {
      id = ids.size;
      ids.set(record.descriptor.descriptorKey, id);
      chunks.push(encodeDescriptor({ ...record.descriptor, id }));
    }
    chunks.push(
      'count' in record ? encodeAggregateRecord(id, record) : encodeFullRecord(id, record.offset, payloadOf(record.value, record.flags, record.rawValue)),
    );
  }
  return chunks.join('');
}

function describeDamage(parsed: Pick<ParsedSegment<unknown>, 'badLines' | 'unsupportedVersion'> & { readonly badLineCount?: number }): string {
  if (parsed.unsupportedVersion !== undefined) return `format version ${parsed.unsupportedVersion}, which this version of the extension cannot read`;
  const [first] = parsed.badLines;
  const count = parsed.badLineCount ?? parsed.badLines.length;
  const more = count > 1 ? ` and ${count - 1} more` : '';
  return `an unreadable line ${first?.line ?? '?'} (${first?.reason ?? 'unknown'})${more}`;
}

async function isOlderThan(path: string, cutoff: number): Promise<boolean> {
  try {
    return (await stat(path)).mtimeMs < cutoff;
  } catch (error) {
    if (isMissing(error)) return false;
    throw error;
  }
}
