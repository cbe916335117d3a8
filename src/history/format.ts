/**
 * The on-disk line format of history segments (JSON Lines, one UTC day per file), and a tolerant
 * parser that tells a crash artifact (a torn last line) from real corruption (a bad line before it).
 *
 * Line 1 is a header; a descriptor line (`{"d":…}`) names a series+labels+unit+window once per file
 * and gets a small id; each record is then a short array that refers to it. Times are milliseconds
 * from the file's day start, so a typical record is `[3,43215000,12.5]`: the bulk of a history is
 * records, and interning keeps them a fifth of the size of a JSON Sample.
 *
 * JSON has no NaN or Infinity, but a Prometheus gauge may be +Inf, so non-finite numbers are written
 * as the strings "NaN", "Infinity", "-Infinity" and round-trip exactly.
 */
import type { MetricUnit, Sample, SampleFlag } from '../shared/samples';
import { dayName, type Tier } from './paths';

export const FORMAT_VERSION = 1;

export interface SegmentHeader {
  readonly version: number;
  readonly tier: Tier;
  readonly day: string;
  /** Downsampled tier only: the bucket length its records use. */
  readonly bucketMs?: number;
}

/** One series+labels+unit+window, written once per file and referred to by id. */
export interface Descriptor {
  readonly id: number;
  readonly series: string;
  readonly unit: MetricUnit;
  readonly windowMs?: number;
  /** Frozen and shared by every sample read with this descriptor. */
  readonly labels?: Readonly<Record<string, string>>;
  /** Identity for deduplication: series + labels. */
  readonly seriesKey: string;
  /** Identity for interning: series + labels + unit + window. */
  readonly descriptorKey: string;
}

export interface FullRecord {
  readonly descriptor: Descriptor;
  /** Milliseconds from the file's day start. */
  readonly offset: number;
  readonly value: number | null;
  readonly flags?: readonly SampleFlag[];
  readonly rawValue?: number;
}

export interface AggregateRecord {
  readonly descriptor: Descriptor;
  /** Bucket start, milliseconds from the file's day start. */
  readonly offset: number;
  readonly count: number;
  readonly min: number | null;
  readonly max: number | null;
  readonly mean: number | null;
  readonly last: number | null;
  readonly flags?: readonly SampleFlag[];
}

export interface BadLine {
  /** 1-based. */
  readonly line: number;
  readonly reason: string;
}

export interface ParsedSegment<R> {
  readonly header?: SegmentHeader;
  readonly descriptors: readonly Descriptor[];
  readonly records: R[];
  /** Bytes up to and including the newline of the last line that is not a crash artifact. */
  readonly validBytes: number;
  /** The file ends in a partial or unreadable last line: the mark of an interrupted (or ongoing) append. */
  readonly tornTail: boolean;
  /** Unreadable lines before the last one: the file is corrupt. */
  readonly badLines: readonly BadLine[];
  /** Set when the header names a format this code does not know; nothing else is parsed. */
  readonly unsupportedVersion?: number;
}

// ---------------------------------------------------------------------------------------------
// Encoding

export function encodeNumber(value: number | null): string {
  if (value === null) return 'null';
  if (Number.isFinite(value)) return String(value);
  return Number.isNaN(value) ? '"NaN"' : value > 0 ? '"Infinity"' : '"-Infinity"';
}

export function encodeHeader(tier: Tier, dayStart: number, bucketMs?: number): string {
  return `${JSON.stringify({ h: FORMAT_VERSION, tier, day: dayName(dayStart), ...(bucketMs === undefined ? {} : { bucketMs }) })}\n`;
}

/** What a sample needs to be interned: its descriptor minus the file-local id. */
export type DescriptorShape = Omit<Descriptor, 'id'>;

export function describeSample(sample: Pick<Sample, 'series' | 'unit' | 'windowMs' | 'labels'>): DescriptorShape {
  const entries = sample.labels ? Object.entries(sample.labels).map(([name, value]): [string, string] => [name, String(value)]) : [];
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return makeShape(sample.series, sample.unit, sample.windowMs, entries);
}

function makeShape(series: string, unit: MetricUnit, windowMs: number | undefined, entries: readonly [string, string][]): DescriptorShape {
  const labels = entries.length > 0 ? Object.freeze(Object.fromEntries(entries)) : undefined;
  return {
    series,
    unit,
    ...(windowMs === undefined ? {} : { windowMs }),
    ...(labels ? { labels } : {}),
    seriesKey: JSON.stringify([series, entries]),
    descriptorKey: JSON.stringify([series, unit, windowMs ?? null, entries]),
  };
}

export function encodeDescriptor(descriptor: Descriptor): string {
  return `${JSON.stringify({
    d: descriptor.id,
    s: descriptor.series,
    u: descriptor.unit,
    ...(descriptor.windowMs === undefined ? {} : { w: descriptor.windowMs }),
    ...(descriptor.labels ? { l: descriptor.labels } : {}),
  })}\n`;
}

function encodeExtras(flags: readonly SampleFlag[] | undefined, rawValue: number | undefined): string {
  const hasFlags = flags !== undefined && flags.length > 0;
  if (!hasFlags && rawValue === undefined) return '';
  const parts: string[] = [];
  if (hasFlags) parts.push(`"f":${JSON.stringify(flags)}`);
  if (rawValue !== undefined) parts.push(`"r":${encodeNumber(rawValue)}`);
  return `,{${parts.join(',')}}`;
}

/** The part of a record that is its payload, not its key: compared to tell a repeat from a revision. */
export function payloadOf(value: number | null, flags: readonly SampleFlag[] | undefined, rawValue: number | undefined): string {
  return `${encodeNumber(value)}${encodeExtras(flags, rawValue)}`;
}

export function encodeFullRecord(id: number, offset: number, payload: string): string {
  return `[${id},${offset},${payload}]\n`;
}

export function encodeAggregateRecord(id: number, record: Omit<AggregateRecord, 'descriptor'>): string {
  const numbers = [record.count, record.min, record.max, record.mean, record.last].map(encodeNumber).join(',');
  return `[${id},${record.offset},${numbers}${encodeExtras(record.flags, undefined)}]\n`;
}

// ---------------------------------------------------------------------------------------------
// Decoding

const NEWLINE = 0x0a;

/**
 * Parses a whole segment. Never throws on content: what cannot be read is reported, so the caller
 * decides between skipping (a reader), truncating (the writer, for a torn tail) and setting aside.
 */
export function parseSegment<T extends Tier>(buffer: Buffer, tier: T): ParsedSegment<T extends 'full' ? FullRecord : AggregateRecord> {
  type R = T extends 'full' ? FullRecord : AggregateRecord;
  const lastNewline = buffer.lastIndexOf(NEWLINE);
  const completeBytes = lastNewline + 1;
  const text = buffer.toString('utf8', 0, completeBytes);
  let lineCount = 0;
  for (let at = buffer.indexOf(NEWLINE); at !== -1 && at < completeBytes; at = buffer.indexOf(NEWLINE, at + 1)) lineCount++;

  const reader = new LineReader<R>(tier);
  const badLines: BadLine[] = [];
  const values = parseAllAtOnce(text, lineCount);
  const lines = values ? undefined : text.slice(0, -1).split('\n');
  for (let index = 0; index < lineCount; index++) {
    let problem: string | undefined;
    if (values) problem = reader.read(values[index], index);
    else {
      let value: unknown;
      try {
        value = JSON.parse(lines?.[index] ?? '');
      } catch {
        badLines.push({ line: index + 1, reason: 'not JSON' });
        continue;
      }
      problem = reader.read(value, index);
    }
    if (reader.header && reader.header.version !== FORMAT_VERSION) {
      return { header: reader.header, descriptors: [], records: [], validBytes: 0, tornTail: false, badLines: [], unsupportedVersion: reader.header.version };
    }
    if (problem !== undefined) badLines.push({ line: index + 1, reason: problem });
  }

  // A complete last line that cannot be read is what a power cut leaves (zeros or half a page):
  // like a partial line, it is the tail of an interrupted append, not damage to earlier data.
  let tornTail = completeBytes < buffer.length;
  let validBytes = completeBytes;
  if (lineCount > 0 && badLines.at(-1)?.line === lineCount) {
    badLines.pop();
    tornTail = true;
    // (A negative offset would make lastIndexOf search from the end.)
    validBytes = lastNewline > 0 ? buffer.lastIndexOf(NEWLINE, lastNewline - 1) + 1 : 0;
  }
  return {
    ...(reader.header ? { header: reader.header } : {}),
    descriptors: [...reader.byId.values()],
    records: reader.records,
    validBytes,
    tornTail,
    badLines,
  };
}

/**
 * One JSON.parse for the whole file is several times faster than one per line. Records never hold a
 * raw newline (JSON escapes it), so joining lines with commas yields an array of the lines' values;
 * when anything is off (a bad line, a count mismatch) the caller falls back to line by line.
 */
export function parseAllAtOnce(text: string, lineCount: number): unknown[] | undefined {
  if (lineCount === 0) return [];
  try {
    const values: unknown = JSON.parse(`[${text.slice(0, -1).replaceAll('\n', ',')}]`);
    return Array.isArray(values) && values.length === lineCount ? values : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reads lines in order, keeping what it understood; returns why a line is unreadable, if it is.
 * Records go to `records`, or to `sink` when one is given (a stream that must not hold them all).
 */
export class LineReader<R> {
  readonly byId = new Map<number, Descriptor>();
  readonly records: R[] = [];
  header: SegmentHeader | undefined;

  constructor(
    private readonly tier: Tier,
    private readonly sink?: (record: R) => void,
  ) {}

  read(value: unknown, index: number): string | undefined {
    // A damaged header costs only itself: the file name already says the day, the caller the tier.
    if (index === 0) {
      const header = readHeader(value);
      if (typeof header === 'string') return header;
      if (header.version === FORMAT_VERSION && header.tier !== this.tier) return `header says tier ${header.tier}`;
      this.header = header;
      return undefined;
    }
    if (Array.isArray(value)) {
      const record = this.tier === 'full' ? this.readFull(value) : this.readAggregate(value);
      if (typeof record === 'string') return record;
      if (this.sink) this.sink(record as R);
      else this.records.push(record as R);
      return undefined;
    }
    const descriptor = readDescriptor(value);
    if (typeof descriptor === 'string') return descriptor;
    if (this.byId.has(descriptor.id)) return `descriptor ${descriptor.id} defined twice`;
    this.byId.set(descriptor.id, descriptor);
    return undefined;
  }

  private readFull(line: unknown[]): FullRecord | string {
    // The hot loop of every read: indexes rather than destructuring, the common case first.
    const length = line.length;
    if (length !== 3 && length !== 4) return 'record of the wrong length';
    const id = line[0];
    const descriptor = typeof id === 'number' ? this.byId.get(id) : undefined;
    if (descriptor === undefined) return `refers to unknown descriptor ${JSON.stringify(id)}`;
    const offset = line[1];
    if (!isOffset(offset)) return 'time offset out of range';
    const value = line[2];
    const decoded = typeof value === 'number' || value === null ? value : decodeNumber(value);
    if (decoded === undefined) return 'value is not a number';
    if (length === 3) return { descriptor, offset, value: decoded };
    const extra = readExtras(line[3]);
    if (typeof extra === 'string') return extra;
    return { descriptor, offset, value: decoded, ...extra };
  }

  private readAggregate(line: unknown[]): AggregateRecord | string {
    if (line.length !== 7 && line.length !== 8) return 'bucket of the wrong length';
    const [id, offset, count, min, max, mean, last, extras] = line;
    const descriptor = this.descriptorOf(id);
    if (typeof descriptor === 'string') return descriptor;
    if (!isOffset(offset)) return 'time offset out of range';
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) return 'bucket count is not a count';
    const numbers = [min, max, mean, last].map(decodeNumber);
    if (numbers.some((number) => number === undefined)) return 'bucket value is not a number';
    const extra = readExtras(extras);
    if (typeof extra === 'string' || extra.rawValue !== undefined) return typeof extra === 'string' ? extra : 'raw value in a bucket';
    const [minimum, maximum, average, latest] = numbers as (number | null)[];
    return { descriptor, offset, count, min: minimum ?? null, max: maximum ?? null, mean: average ?? null, last: latest ?? null, ...extra };
  }

  private descriptorOf(id: unknown): Descriptor | string {
    const descriptor = typeof id === 'number' ? this.byId.get(id) : undefined;
    return descriptor ?? `refers to unknown descriptor ${JSON.stringify(id)}`;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isOffset(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value < 86_400_000;
}

function decodeNumber(value: unknown): number | null | undefined {
  if (value === null || typeof value === 'number') return value;
  if (value === 'NaN') return Number.NaN;
  if (value === 'Infinity') return Number.POSITIVE_INFINITY;
  if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
  return undefined;
}

function readHeader(value: unknown): SegmentHeader | string {
  if (!isObject(value) || typeof value.h !== 'number') return 'no header line';
  if (value.h !== FORMAT_VERSION) return { version: value.h, tier: 'full', day: '' };
  if ((value.tier !== 'full' && value.tier !== 'agg') || typeof value.day !== 'string') return 'malformed header';
  if (value.tier === 'agg' && !(typeof value.bucketMs === 'number' && value.bucketMs > 0 && 86_400_000 % value.bucketMs === 0))
    return 'malformed header (bucket length)';
  return { version: value.h, tier: value.tier, day: value.day, ...(typeof value.bucketMs === 'number' ? { bucketMs: value.bucketMs } : {}) };
}

function readDescriptor(value: unknown): Descriptor | string {
  if (!isObject(value)) return 'neither record nor descriptor';
  const { d: id, s: series, u: unit, w: windowMs, l: labels } = value;
  if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) return 'descriptor without an id';
  if (typeof series !== 'string' || series === '' || typeof unit !== 'string') return 'descriptor without series or unit';
  if (windowMs !== undefined && !(typeof windowMs === 'number' && Number.isFinite(windowMs))) return 'descriptor with a bad window';
  if (labels !== undefined && !(isObject(labels) && Object.values(labels).every((label) => typeof label === 'string'))) return 'descriptor with bad labels';
  const entries = labels === undefined ? [] : (Object.entries(labels) as [string, string][]);
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return { id, ...makeShape(series, unit as MetricUnit, windowMs, entries) };
}

function readExtras(value: unknown): { flags?: SampleFlag[]; rawValue?: number } | string {
  if (value === undefined) return {};
  if (!isObject(value)) return 'malformed flags';
  const { f: flags, r: raw } = value;
  if (flags !== undefined && !(Array.isArray(flags) && flags.every((flag) => typeof flag === 'string'))) return 'malformed flags';
  const rawValue = raw === undefined ? undefined : decodeNumber(raw);
  if (raw !== undefined && (rawValue === undefined || rawValue === null)) return 'malformed raw value';
  return {
    // Flags written by a newer version are kept as they are rather than dropped.
    ...(Array.isArray(flags) && flags.length > 0 ? { flags: flags as SampleFlag[] } : {}),
    ...(typeof rawValue === 'number' ? { rawValue } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Back to Samples

type Writable<T> = { -readonly [K in keyof T]: T[K] };

function baseSample(descriptor: Descriptor, at: number, value: number | null): Writable<Sample> {
  const sample: Writable<Sample> = { series: descriptor.series, value, unit: descriptor.unit, at };
  if (descriptor.windowMs !== undefined) sample.windowMs = descriptor.windowMs;
  if (descriptor.labels) sample.labels = descriptor.labels;
  return sample;
}

export function fullRecordToSample(record: FullRecord, dayStart: number): Sample {
  const sample = baseSample(record.descriptor, dayStart + record.offset, record.value);
  if (record.flags) sample.flags = record.flags;
  if (record.rawValue !== undefined) sample.rawValue = record.rawValue;
  return sample;
}

/**
 * A bucket as a Sample: `value` is its mean and `at` its start, so buckets never share a time with
 * the full-resolution samples of the next day and a chart's points stay strictly in order.
 */
export function aggregateRecordToSample(record: AggregateRecord, dayStart: number, bucketMs: number): Sample {
  const sample = baseSample(record.descriptor, dayStart + record.offset, record.mean);
  if (record.flags) sample.flags = record.flags;
  sample.aggregate = { bucketMs, count: record.count, min: record.min, max: record.max, last: record.last };
  return sample;
}
