/**
 * Downsampling a full-resolution day file as a stream: the file is read in chunks and its records
 * summarized into buckets as they come, so memory follows the number of series, not the size of the
 * file (a day of a busy endpoint can be hundreds of megabytes; loading it whole took gigabytes).
 *
 * Last-wins needs care without the whole file: a series whose times only move forward (almost all)
 * has no revisions and is summarized in the first pass. A series that goes back in time has a revised
 * value somewhere; its buckets are dropped and it is summarized exactly in further passes over the
 * file, a bounded batch of such series at a time.
 */
import { open } from 'node:fs/promises';
import { Buckets, downsample, type Bucket } from './downsample';
import { FORMAT_VERSION, LineReader, parseAllAtOnce, type BadLine, type FullRecord } from './format';

const CHUNK_BYTES = 1024 * 1024;
/** Records of revised series held at once in a later pass. */
const BATCH_RECORDS = 250_000;
/** Bad lines kept for the message; the rest are only counted. */
const BAD_LINES_KEPT = 10;

export interface DaySummary {
  readonly buckets: Bucket[];
  /** Bytes summarized: the file's size when the pass began (a later append is left for the next pass). */
  readonly bytes: number;
  /** Unreadable lines before the last (a torn last line is not damage); the first few. */
  readonly badLines: readonly BadLine[];
  readonly badLineCount: number;
  /** Set when the header names a format this code cannot read; then nothing else was read. */
  readonly unsupportedVersion?: number;
}

interface PassResult {
  readonly lines: number;
  readonly badLines: BadLine[];
  readonly badLineCount: number;
  readonly lastBadLine?: number;
  readonly unsupportedVersion?: number;
}

/**
 * Reads the first `bytes` of a file line by line (the last, unfinished line left out), handing each
 * record to `sink`. Lines are parsed a chunk at a time with one JSON.parse where they allow it.
 */
async function pass(path: string, bytes: number, chunkBytes: number, sink: (record: FullRecord) => void): Promise<PassResult> {
  const reader = new LineReader<FullRecord>('full', sink);
  const badLines: BadLine[] = [];
  let badLineCount = 0;
  let lastBadLine: number | undefined;
  let lines = 0;
  let carry = Buffer.alloc(0);
  const handle = await open(path, 'r');
  try {
    const chunk = Buffer.alloc(chunkBytes);
    for (let position = 0; position < bytes;) {
      const { bytesRead } = await handle.read(chunk, 0, Math.min(chunkBytes, bytes - position), position);
      if (bytesRead === 0) break;
      position += bytesRead;
      const data = carry.length > 0 ? Buffer.concat([carry, chunk.subarray(0, bytesRead)]) : chunk.subarray(0, bytesRead);
      const end = data.lastIndexOf(0x0a) + 1;
      carry = Buffer.from(data.subarray(end));
      if (end === 0) continue;
      const text = data.toString('utf8', 0, end);
      const texts = text.slice(0, -1).split('\n');
      const values = parseAllAtOnce(text, texts.length);
      for (let index = 0; index < texts.length; index++) {
        const line = lines + index;
        let value: unknown;
        if (values) value = values[index];
        else {
          try {
            value = JSON.parse(texts[index] ?? '');
          } catch {
            value = undefined;
          }
        }
        const problem = value === undefined ? 'not JSON' : reader.read(value, line);
        if (reader.header && reader.header.version !== FORMAT_VERSION)
          return { lines, badLines: [], badLineCount: 0, unsupportedVersion: reader.header.version };
        if (problem === undefined) continue;
        badLineCount++;
        lastBadLine = line + 1;
        if (badLines.length < BAD_LINES_KEPT) badLines.push({ line: line + 1, reason: problem });
      }
      lines += texts.length;
    }
  } finally {
    await handle.close();
  }
  return { lines, badLines, badLineCount, ...(lastBadLine === undefined ? {} : { lastBadLine }) };
}

/** Groups revised series into batches of about BATCH_RECORDS records (one series never split). */
function batchesOf(series: ReadonlySet<string>, counts: ReadonlyMap<string, number>, batchRecords: number): Set<string>[] {
  const batches: Set<string>[] = [];
  let current = new Set<string>();
  let size = 0;
  for (const key of series) {
    const count = counts.get(key) ?? 0;
    if (size > 0 && size + count > batchRecords) {
      batches.push(current);
      current = new Set();
      size = 0;
    }
    current.add(key);
    size += count;
  }
  if (current.size > 0) batches.push(current);
  return batches;
}

export interface StreamLimits {
  /** Bytes read at a time (default 1 MB). */
  readonly chunkBytes?: number;
  /** Records of revised series held at once (default 250,000). */
  readonly batchRecords?: number;
}

/** The buckets of a full-resolution day file of `bytes` bytes, read as a stream. */
export async function summarizeDay(path: string, bytes: number, bucketMs: number, limits: StreamLimits = {}): Promise<DaySummary> {
  const chunkBytes = limits.chunkBytes ?? CHUNK_BYTES;
  const batchRecords = limits.batchRecords ?? BATCH_RECORDS;
  const buckets = new Buckets(bucketMs);
  const newest = new Map<string, number>();
  const counts = new Map<string, number>();
  const descriptorsOf = new Map<string, Set<string>>();
  /** Order of first appearance, so buckets come out in the order a whole-file downsample gives. */
  const order = new Map<string, number>();
  const revised = new Set<string>();
  const first = await pass(path, bytes, chunkBytes, (record) => {
    const key = record.descriptor.seriesKey;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    let descriptors = descriptorsOf.get(key);
    if (!descriptors) descriptorsOf.set(key, (descriptors = new Set()));
    descriptors.add(record.descriptor.descriptorKey);
    if (!order.has(record.descriptor.descriptorKey)) order.set(record.descriptor.descriptorKey, order.size);
    const previous = newest.get(key);
    if (previous !== undefined && record.offset <= previous) revised.add(key);
    else newest.set(key, record.offset);
    buckets.add(record);
  });
  if (first.unsupportedVersion !== undefined) return { buckets: [], bytes, badLines: [], badLineCount: 0, unsupportedVersion: first.unsupportedVersion };

  const exact: Bucket[] = [];
  if (revised.size > 0) {
    for (const key of revised) buckets.drop(descriptorsOf.get(key) ?? []);
    for (const batch of batchesOf(revised, counts, batchRecords)) {
      const records: FullRecord[] = [];
      await pass(path, bytes, chunkBytes, (record) => {
        if (batch.has(record.descriptor.seriesKey)) records.push(record);
      });
      exact.push(...downsample(records, bucketMs));
    }
  }
  const rank = (bucket: Bucket) => order.get(bucket.descriptor.descriptorKey) ?? 0;
  const result = exact.length === 0 ? buckets.result() : [...buckets.result(), ...exact].sort((a, b) => a.offset - b.offset || rank(a) - rank(b));

  // As when the whole file is parsed: an unreadable last complete line is the tail of an interrupted append.
  const tornLast = first.lastBadLine !== undefined && first.lastBadLine === first.lines;
  const badLines = tornLast ? first.badLines.filter((line) => line.line !== first.lastBadLine) : first.badLines;
  return { buckets: result, bytes, badLines, badLineCount: first.badLineCount - (tornLast ? 1 : 0) };
}
