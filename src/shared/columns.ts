/**
 * History samples (oldest first, as the history store returns them) as one set of parallel arrays
 * per series, label set and unit: what the host posts to a webview. Structured-cloning a hundred
 * thousand Sample objects, each with its series name and labels, would cost far more than these arrays.
 */
import type { SeriesColumns } from './protocol';
import type { Sample } from './samples';

interface Building {
  readonly series: string;
  readonly unit: Sample['unit'];
  readonly labels?: Readonly<Record<string, string>>;
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

export function toColumns(samples: readonly Sample[]): SeriesColumns[] {
  const byKey = new Map<string, Building>();
  for (const sample of samples) {
    const key = `${sample.series}{${labelsKey(sample.labels)}}${sample.unit}`;
    let columns = byKey.get(key);
    if (!columns) {
      columns = {
        series: sample.series,
        unit: sample.unit,
        ...(sample.labels && Object.keys(sample.labels).length > 0 ? { labels: sample.labels } : {}),
        t: [],
        v: [],
      };
      byKey.set(key, columns);
    }
    const length = columns.t.length;
    // One point per time: a repeat (the same reading with two window lengths) keeps the later one.
    const index = length > 0 && columns.t[length - 1] === sample.at ? length - 1 : length;
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
  return [...byKey.values()];
}
