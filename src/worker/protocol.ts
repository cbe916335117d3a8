/**
 * Messages between the extension host and the parser worker (dist/parseWorker.js). The host sends
 * a job's input in slices, then asks for output one part at a time: each part arrives as its own
 * message, so the host never has to take in more than one part's worth of objects in one go.
 */
import type { ExpositionFormat, MetricType, ParseIssue, ParseOptions, PromSample } from '../prometheus/types';

export type JobSpec =
  /** Parse a Prometheus/OpenMetrics exposition. */
  | { readonly job: 'exposition'; readonly options: Pick<ParseOptions, 'format' | 'contentType'> }
  /** Split a JSON array of Browserless /metrics periods, keeping those dated after `since`, `limit` at most. */
  | { readonly job: 'periods'; readonly since?: number; readonly keepLast?: boolean; readonly limit?: number }
  /** Parse one JSON object, sending back the lengths of the named arrays instead of the arrays (Browserless /metrics/total). */
  | { readonly job: 'object'; readonly countArrays: readonly string[] };

export type ToWorker =
  | { readonly type: 'begin'; readonly id: number; readonly spec: JobSpec }
  | { readonly type: 'input'; readonly id: number; readonly chunk: string | Uint8Array }
  | { readonly type: 'end'; readonly id: number }
  /** The host took the previous part in: the worker may send the next one. */
  | { readonly type: 'next'; readonly id: number }
  | { readonly type: 'cancel'; readonly id: number };

export type FromWorker =
  | { readonly type: 'part'; readonly id: number; readonly part: unknown }
  | { readonly type: 'done'; readonly id: number; readonly summary: unknown }
  | { readonly type: 'failed'; readonly id: number; readonly message: string };

/** A family as first seen in a part; its samples come in that part's and later parts' chunks. */
export interface FamilyHeader {
  readonly name: string;
  readonly type: MetricType;
  readonly help?: string;
  readonly unit?: string;
}

export interface ExpositionPart {
  /** Families appearing for the first time, in exposition order; they get the next indexes. */
  readonly headers: readonly FamilyHeader[];
  /** [family index, samples] in exposition order. */
  readonly chunks: readonly (readonly [number, readonly PromSample[]])[];
}

export interface ExpositionSummary {
  readonly issues: readonly ParseIssue[];
  readonly flags: readonly ParseIssue[];
  readonly sawEof: boolean;
  readonly format: ExpositionFormat;
}

export interface PeriodsPart {
  readonly periods: readonly unknown[];
  /** Each period's position in the whole array, for messages that name one. */
  readonly indexes: readonly number[];
}

export interface PeriodsSummary {
  /** Elements in the array, kept or not. */
  readonly elements: number;
  /** Elements passed on (dated after `since`, undated ones, and the last one with keepLast). */
  readonly kept: number;
  /** The latest numeric `date` among all elements, for the next call's `since`. */
  readonly latestDate?: number;
  /** Elements that would have been kept but came after `limit` was reached (absent when none). */
  readonly overLimit?: number;
}

export interface ObjectSummary {
  /** The object without the counted arrays; null when the body was not a JSON object. */
  readonly object: Readonly<Record<string, unknown>> | null;
  /** The length of each counted array that was present and an array. */
  readonly lengths: Readonly<Record<string, number>>;
}

/**
 * Output budget of one part: the host deserializes it in one go, then converts and caps its samples,
 * so it must stay small (1,000 samples took the host 5-7 ms a part, and a collection on top passed 10).
 */
export const PART_SAMPLES = 500;
export const PART_CHARACTERS = 128 * 1024;
