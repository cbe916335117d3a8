/**
 * Pure Northflank logic: metric query checks and parameters, unit mapping, and samples. Units come
 * from each response's `metricInfo.metricUnit` and are never assumed per metric: the docs' example
 * shows `pct` for everything, network included.
 */
import type { QueryValue } from '../../http/httpClient';
import { nonNegativeSample, type MetricUnit, type Sample } from '../../shared/samples';
import type { MetricsResponse } from './schemas';

/** The documented metric types: the one list, in the descriptor. Others are sent as given, since Northflank adds types over time. */
export { NORTHFLANK_METRIC_TYPES } from './descriptor';

interface MetricsQueryBase {
  /** Batched into one call on purpose: every call spends the token's 1,000-per-hour budget. */
  readonly metricTypes: readonly string[];
  readonly containerName?: string;
  /** Services only. */
  readonly deploymentId?: string;
}

export interface RangeMetricsQuery extends MetricsQueryBase {
  readonly queryType: 'range';
  readonly startTime?: Date;
  readonly endTime?: Date;
  /** Seconds; with at most one of startTime/endTime. */
  readonly duration?: number;
}

export interface SingleMetricsQuery extends MetricsQueryBase {
  readonly queryType: 'single';
  /** Default: now. */
  readonly time?: Date;
}

export type MetricsQuery = RangeMetricsQuery | SingleMetricsQuery;

export interface QueryProblem {
  readonly path: string;
  readonly message: string;
}

function validDate(date: Date | undefined): boolean {
  return date === undefined || (date instanceof Date && !Number.isNaN(date.getTime()));
}

/** What Northflank would refuse or misread; checked before a request spends rate-limit budget. */
export function metricsQueryProblems(query: MetricsQuery): QueryProblem[] {
  const problems: QueryProblem[] = [];
  if (query.metricTypes.length === 0) problems.push({ path: 'metricTypes', message: 'metricTypes must name at least one metric' });
  query.metricTypes.forEach((type, index) => {
    if (typeof type !== 'string' || type.trim() === '')
      problems.push({ path: `metricTypes[${index}]`, message: `metricTypes[${index}] must be a non-empty string` });
  });
  if (query.queryType === 'range') {
    for (const name of ['startTime', 'endTime'] as const) {
      if (!validDate(query[name])) problems.push({ path: name, message: `${name} is not a valid date` });
    }
    if (query.duration !== undefined) {
      if (!Number.isInteger(query.duration) || query.duration <= 0) {
        problems.push({ path: 'duration', message: `duration must be a positive whole number of seconds; got ${String(query.duration)}` });
      }
      if (query.startTime !== undefined && query.endTime !== undefined) {
        problems.push({ path: 'duration', message: 'duration can be combined with at most one of startTime and endTime, not both' });
      }
    }
    if (query.startTime && query.endTime && validDate(query.startTime) && validDate(query.endTime) && query.startTime.getTime() >= query.endTime.getTime()) {
      problems.push({ path: 'endTime', message: 'endTime must be after startTime' });
    }
  } else if (query.queryType === 'single') {
    if (!validDate(query.time)) problems.push({ path: 'time', message: 'time is not a valid date' });
  } else {
    problems.push({ path: 'queryType', message: `queryType must be 'range' or 'single'` });
  }
  return problems;
}

/** Query parameters: queryType always (the docs contradict themselves on the default), repeated metricTypes, ISO times. */
export function metricsQueryParams(query: MetricsQuery): Record<string, QueryValue> {
  const params: Record<string, QueryValue> = {
    queryType: query.queryType,
    metricTypes: [...new Set(query.metricTypes)],
  };
  if (query.queryType === 'range') {
    if (query.startTime) params.startTime = query.startTime.toISOString();
    if (query.endTime) params.endTime = query.endTime.toISOString();
    if (query.duration !== undefined) params.duration = query.duration;
  } else if (query.time) {
    params.time = query.time.toISOString();
  }
  if (query.containerName !== undefined) params.containerName = query.containerName;
  if (query.deploymentId !== undefined) params.deploymentId = query.deploymentId;
  return params;
}

const UNIT_MAP: Readonly<Record<string, MetricUnit>> = {
  pct: 'percent',
  vCPU: 'vcpu',
  mb: 'megabytes',
  kbps: 'kilobitsPerSecond',
  rps: 'requestsPerSecond',
  count: 'count',
};

/** Northflank's unit name to ours; anything else is kept verbatim as `raw:<unit>` rather than guessed. */
export function northflankUnit(metricUnit: string): MetricUnit {
  return Object.prototype.hasOwnProperty.call(UNIT_MAP, metricUnit) ? (UNIT_MAP[metricUnit] as MetricUnit) : `raw:${metricUnit}`;
}

export interface MetricInfoSummary {
  readonly unit: MetricUnit;
  /** The unit string as sent. */
  readonly metricUnit: string;
  readonly resolution?: number;
}

/** A decimal number as text: what a numeric string from Northflank looks like (no hex, NaN or Infinity). */
const NUMERIC = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/**
 * A point's value as a number: numbers as sent, numeric strings read (the official client types values
 * `string | number`), null and absent as "no value". Anything else is refused (`undefined`).
 */
export function metricValue(value: unknown): number | null | undefined {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && NUMERIC.test(value.trim())) return Number(value.trim());
  return undefined;
}

function describeRefused(value: unknown): string {
  if (typeof value === 'string') return value.length > 24 ? `"${value.slice(0, 23)}…"` : JSON.stringify(value);
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

export interface MetricsSamples {
  readonly samples: Sample[];
  /** One note per metric type with values that were not numbers, which were left out. */
  readonly notes: string[];
}

/**
 * One sample per value point, series `northflank.<metricType>`, labelled by container (and volume). A
 * value that is neither a number nor a numeric string is left out, and a note names how many of which
 * metric, and the first of them.
 */
export function readMetrics(response: MetricsResponse): MetricsSamples {
  const samples: Sample[] = [];
  const notes: string[] = [];
  for (const [metricType, entry] of Object.entries(response.data)) {
    const unit = northflankUnit(entry.metricInfo.metricUnit);
    let refused = 0;
    let first: unknown;
    for (const series of entry.values) {
      const labels: Record<string, string> = { container: series.metadata.containerId };
      if (series.metadata.volumeId) labels.volume = series.metadata.volumeId;
      for (const point of series.data) {
        const value = metricValue(point.value);
        if (value === undefined) {
          if (refused++ === 0) first = point.value;
          continue;
        }
        // Every Northflank metric (CPU, memory, network, requests, disk) is a non-negative amount.
        samples.push(nonNegativeSample(`northflank.${metricType}`, value, unit, Date.parse(point.ts), { labels }));
      }
    }
    if (refused > 0) {
      notes.push(`${refused} ${metricType} value(s) were not numbers (the first: ${describeRefused(first)}) and were left out; the other values are shown.`);
    }
  }
  return { samples, notes };
}

/** The samples of `readMetrics`, without its notes. */
export function metricsSamples(response: MetricsResponse): Sample[] {
  return readMetrics(response).samples;
}

export function metricsInfo(response: MetricsResponse): Record<string, MetricInfoSummary> {
  const info: Record<string, MetricInfoSummary> = {};
  for (const [metricType, entry] of Object.entries(response.data)) {
    const { metricUnit, metricResolution } = entry.metricInfo;
    info[metricType] = { unit: northflankUnit(metricUnit), metricUnit, ...(typeof metricResolution === 'number' ? { resolution: metricResolution } : {}) };
  }
  return info;
}
