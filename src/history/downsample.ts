/**
 * Pure history transforms: last-write-wins deduplication and downsampling into buckets that keep
 * min, max, mean and last, so a chart of old data still shows the peaks a plain average would hide.
 */
import type { SampleFlag } from '../shared/samples';
import type { AggregateRecord, Descriptor, FullRecord } from './format';

interface Keyed {
  readonly descriptor: Descriptor;
  readonly offset: number;
}

/**
 * Keeps one record per series+labels+time: the last one in file order. A repeat is never written
 * twice, but a provider may revise a value it already sent (a Cerebras minute fetched twice), and
 * the revision is appended after the original.
 */
export function lastWins<R extends Keyed>(records: readonly R[]): readonly R[] {
  // Almost always each series only moves forward in a file, and then nothing can repeat: one
  // lookup per record instead of a map entry per record.
  const newest = new Map<string, number>();
  let forward = true;
  for (const record of records) {
    const previous = newest.get(record.descriptor.seriesKey);
    if (previous !== undefined && record.offset <= previous) {
      forward = false;
      break;
    }
    newest.set(record.descriptor.seriesKey, record.offset);
  }
  if (forward) return records;

  const seen = new Map<string, Map<number, number>>();
  let superseded: Set<number> | undefined;
  for (let index = 0; index < records.length; index++) {
    const record = records[index] as R;
    let times = seen.get(record.descriptor.seriesKey);
    if (times === undefined) {
      times = new Map();
      seen.set(record.descriptor.seriesKey, times);
    }
    const earlier = times.get(record.offset);
    if (earlier !== undefined) (superseded ??= new Set()).add(earlier);
    times.set(record.offset, index);
  }
  return superseded === undefined ? records : records.filter((_record, index) => !superseded.has(index));
}

export type Bucket = Omit<AggregateRecord, 'descriptor'> & { readonly descriptor: Descriptor };

interface Accumulator {
  descriptor: Descriptor;
  offset: number;
  count: number;
  min: number;
  max: number;
  sum: number;
  last: number | null;
  lastOffset: number;
  flags: Set<SampleFlag> | undefined;
}

/** Groups by series+labels+unit+window and bucket start, creating accumulators on first use. */
export class Buckets {
  private readonly byKey = new Map<string, Map<number, Accumulator>>();

  constructor(private readonly bucketMs: number) {}

  /** Adds one full-resolution record (the caller has applied last-wins already). */
  add(record: FullRecord): void {
    const bucket = this.at(record.descriptor, record.offset);
    addFlags(bucket, record.flags);
    const value = record.value;
    if (value === null || Number.isNaN(value)) return;
    bucket.count += 1;
    bucket.min = Math.min(bucket.min, value);
    bucket.max = Math.max(bucket.max, value);
    bucket.sum += value;
    if (record.offset >= bucket.lastOffset) {
      bucket.last = value;
      bucket.lastOffset = record.offset;
    }
  }

  /** Forgets every bucket of these descriptors (to be summarized again another way). */
  drop(descriptorKeys: Iterable<string>): void {
    for (const key of descriptorKeys) this.byKey.delete(key);
  }

  at(descriptor: Descriptor, offset: number): Accumulator {
    const start = Math.floor(offset / this.bucketMs) * this.bucketMs;
    let byOffset = this.byKey.get(descriptor.descriptorKey);
    if (byOffset === undefined) this.byKey.set(descriptor.descriptorKey, (byOffset = new Map()));
    let bucket = byOffset.get(start);
    if (bucket === undefined) {
      bucket = {
        descriptor,
        offset: start,
        count: 0,
        min: Number.POSITIVE_INFINITY,
        max: Number.NEGATIVE_INFINITY,
        sum: 0,
        last: null,
        lastOffset: -1,
        flags: undefined,
      };
      byOffset.set(start, bucket);
    }
    return bucket;
  }

  result(): Bucket[] {
    const result: Bucket[] = [];
    for (const byOffset of this.byKey.values()) {
      for (const bucket of byOffset.values()) {
        const some = bucket.count > 0;
        result.push({
          descriptor: bucket.descriptor,
          offset: bucket.offset,
          count: bucket.count,
          min: some ? bucket.min : null,
          max: some ? bucket.max : null,
          mean: some ? bucket.sum / bucket.count : null,
          last: bucket.last,
          ...(bucket.flags ? { flags: [...bucket.flags].sort() } : {}),
        });
      }
    }
    return result.sort((a, b) => a.offset - b.offset);
  }
}

function addFlags(bucket: Accumulator, flags: readonly SampleFlag[] | undefined): void {
  if (flags) for (const flag of flags) (bucket.flags ??= new Set()).add(flag);
}

/**
 * Buckets of `bucketMs` (a divisor of a day) per series+labels+unit+window. Null and NaN values are
 * "no value": they are not counted, but a bucket of nothing else is still kept (count 0, value null)
 * so the gap stays visible. Flags of any sample in the bucket are carried over.
 */
export function downsample(records: readonly FullRecord[], bucketMs: number): Bucket[] {
  const buckets = new Buckets(bucketMs);
  for (const record of lastWins(records)) buckets.add(record);
  return buckets.result();
}

/** Stored buckets summarized again into coarser ones; means are weighted by their counts. */
export function mergeBuckets(records: readonly AggregateRecord[], bucketMs: number): Bucket[] {
  const buckets = new Buckets(bucketMs);
  for (const record of lastWins(records)) {
    const bucket = buckets.at(record.descriptor, record.offset);
    addFlags(bucket, record.flags);
    if (record.count === 0 || record.min === null || record.max === null || record.mean === null) continue;
    bucket.count += record.count;
    bucket.min = Math.min(bucket.min, record.min);
    bucket.max = Math.max(bucket.max, record.max);
    bucket.sum += record.mean * record.count;
    if (record.last !== null && record.offset >= bucket.lastOffset) {
      bucket.last = record.last;
      bucket.lastOffset = record.offset;
    }
  }
  return buckets.result();
}
