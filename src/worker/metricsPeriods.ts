/**
 * The seam for reading Browserless `/metrics` and `/metrics/total` bodies off the extension host's
 * thread. `/metrics` returns every stored period (10,000 on current versions, several MB): the worker
 * splits the JSON array, parses each period natively, drops those not newer than `since`, keeps at
 * most `limit`, and hands the rest back in small batches, each taken in on its own turn of the event
 * loop.
 *
 *   const periods = parseMetricsPeriods(body, { since: lastDate, keepLast: version === 'v1' });
 *   for (let next = await periods.next(); !next.done; next = await periods.next()) validateAndStore(next.value.periods);
 *   // next.value is now the summary: element count and the latest date, for the next poll's `since`.
 *
 * The body may be the whole text, its bytes, or a stream of either (its chunks are forwarded as they
 * arrive, so the host never holds the whole array). Periods come back as the server wrote them, each
 * with its index in the array: validation and normalization stay with the caller, batch by batch.
 */
import type { ObjectSummary, PeriodsPart, PeriodsSummary } from './protocol';
import { parseWorker, type JobInput } from './workerHost';

export type { ObjectSummary, PeriodsPart, PeriodsSummary } from './protocol';

export interface MetricsPeriodsOptions {
  /** Keep only periods whose numeric `date` is greater than this (undated ones are always kept). */
  readonly since?: number;
  /** Keep the last element whatever its date and the limit (v1 appends the period still open). */
  readonly keepLast?: boolean;
  /** Keep at most this many periods (the oldest of those newer than `since`); the rest are counted in `overLimit`. */
  readonly limit?: number;
  readonly signal?: AbortSignal;
}

/** Yields batches of periods (at most 100 each, in array order), then returns the summary. */
export async function* parseMetricsPeriods(body: JobInput, options: MetricsPeriodsOptions = {}): AsyncGenerator<PeriodsPart, PeriodsSummary, undefined> {
  const job = parseWorker().run(
    {
      job: 'periods',
      ...(options.since === undefined ? {} : { since: options.since }),
      keepLast: options.keepLast ?? false,
      ...(options.limit === undefined ? {} : { limit: options.limit }),
    },
    body,
    options.signal,
  );
  let finished = false;
  try {
    for (;;) {
      const next = await job.next();
      if (next.done === true) {
        finished = true;
        return next.value as PeriodsSummary;
      }
      yield next.value as PeriodsPart;
    }
  } finally {
    if (!finished) await job.return(undefined);
  }
}

/**
 * `parseMetricsPeriods` with a callback per batch, each called in its own turn of the event loop. If
 * the callback throws (a period that fails validation), the job is cancelled in the worker before
 * the error goes on: nothing is left running.
 */
export async function readMetricsPeriods(body: JobInput, options: MetricsPeriodsOptions, onBatch: (part: PeriodsPart) => void): Promise<PeriodsSummary> {
  const periods = parseMetricsPeriods(body, options);
  let done = false;
  try {
    for (;;) {
      const next = await periods.next();
      if (next.done === true) {
        done = true;
        return next.value;
      }
      onBatch(next.value);
    }
  } finally {
    if (!done) await periods.return({ elements: 0, kept: 0 });
  }
}

/**
 * Parses a JSON object in the worker and returns it without the arrays named in `countArrays`, whose
 * lengths come back instead: `/metrics/total` concatenates every session time of every period, the
 * largest part of the body, and only its length is used.
 */
export async function parseObjectCounting(body: JobInput, countArrays: readonly string[], signal?: AbortSignal): Promise<ObjectSummary> {
  const job = parseWorker().run({ job: 'object', countArrays }, body, signal);
  for (;;) {
    const next = await job.next();
    if (next.done === true) return next.value as ObjectSummary;
  }
}
