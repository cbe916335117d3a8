/**
 * History samples (oldest first, as the history store returns them) as one set of parallel arrays
 * per series, identifying label set and unit: what the host posts to a webview. Structured-cloning a
 * hundred thousand Sample objects, each with its series name and labels, would cost far more than these
 * arrays. Readings that differ only in a context label (Browserless `reason`) land in one column.
 */
import type { SeriesColumns } from './protocol';
import type { MetricUnit, Sample } from './samples';

/** Which column a sample belongs to, and how that column reads: the host answers from the descriptor. */
export interface ColumnIdentity {
  /** `series{identifying labels}`. */
  readonly key: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly unit: MetricUnit;
  readonly extra?: Pick<SeriesColumns, 'semantics' | 'known' | 'family' | 'component' | 'rate'>;
}

interface Building {
  readonly series: string;
  readonly unit: MetricUnit;
  readonly labels?: Readonly<Record<string, string>>;
  readonly extra?: ColumnIdentity['extra'];
  readonly t: number[];
  readonly v: (number | null)[];
  lo?: (number | null)[];
  hi?: (number | null)[];
  last?: (number | null)[];
  n?: number[];
}

function labelsKey(labels: Readonly<Record<string, string>> | undefined): string {
  if (!labels) return '';
  return Object.keys(labels)
    .sort()
    .map((name) => `${name}=${labels[name]}`)
    .join(',');
}

/** Every label identifies: for callers without a descriptor. */
function plainIdentity(sample: Sample): ColumnIdentity {
  return { key: `${sample.series}{${labelsKey(sample.labels)}}`, ...(sample.labels ? { labels: sample.labels } : {}), unit: sample.unit };
}

export function toColumns(samples: readonly Sample[], identify: (sample: Sample) => ColumnIdentity = plainIdentity): SeriesColumns[] {
  const byKey = new Map<string, Building>();
  const identities = new Map<string, ColumnIdentity>();
  for (const sample of samples) {
    // Samples of one series share their labels object when read from history: identify each once.
    const memo = `${sample.series}\u0000${labelsKey(sample.labels)}\u0000${sample.unit}`;
    let identity = identities.get(memo);
    if (!identity) {
      identity = identify(sample);
      identities.set(memo, identity);
    }
    const key = `${identity.key}${identity.unit}`;
    let columns = byKey.get(key);
    if (!columns) {
      columns = {
        series: sample.series,
        unit: identity.unit,
        ...(identity.labels && Object.keys(identity.labels).length > 0 ? { labels: identity.labels } : {}),
        ...(identity.extra ? { extra: identity.extra } : {}),
        t: [],
        v: [],
      };
      byKey.set(key, columns);
    }
    const length = columns.t.length;
    // One point per time: a repeat (the same reading with two window lengths, or under two context
    // labels) keeps the later one. Samples come oldest first, but two label sets of one column may
    // interleave: an older one is put in its place.
    let index = length;
    if (length > 0 && (columns.t[length - 1] as number) >= sample.at) {
      index = columns.t.lastIndexOf(sample.at);
      if (index < 0) {
        index = insertionPoint(columns.t, sample.at);
        columns.t.splice(index, 0, sample.at);
        columns.v.splice(index, 0, null);
        columns.lo?.splice(index, 0, null);
        columns.hi?.splice(index, 0, null);
        columns.last?.splice(index, 0, null);
        columns.n?.splice(index, 0, 0);
      }
    }
    const aggregate = sample.aggregate;
    if (aggregate && !columns.n) {
      // Readings before the first bucket (none in practice: a query is all buckets or none) get a band of width zero.
      columns.lo = columns.v.slice();
      columns.hi = columns.v.slice();
      columns.last = columns.v.slice();
      columns.n = columns.v.map((value) => (value === null ? 0 : 1));
    }
    columns.t[index] = sample.at;
    columns.v[index] = sample.value;
    if (columns.lo && columns.hi && columns.last && columns.n) {
      columns.lo[index] = aggregate ? aggregate.min : sample.value;
      columns.hi[index] = aggregate ? aggregate.max : sample.value;
      columns.last[index] = aggregate ? aggregate.last : sample.value;
      columns.n[index] = aggregate ? aggregate.count : sample.value === null ? 0 : 1;
    }
  }
  return [...byKey.values()].map(({ extra, ...columns }) => ({ ...columns, ...extra }));
}

function insertionPoint(times: readonly number[], at: number): number {
  let low = 0;
  let high = times.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((times[middle] as number) < at) low = middle + 1;
    else high = middle;
  }
  return low;
}
