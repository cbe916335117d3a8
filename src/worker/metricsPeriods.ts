/**
 * The seam for reading Browserless `/metrics` bodies off the extension host's thread. The server
 * returns every stored period (10,000 on current versions, several MB): the worker splits the JSON
 * array, parses each period natively, drops those not newer than `since`, and hands the rest back in
 * small batches, each taken in on its own turn of the event loop.
 *
 *   const periods = parseMetricsPeriods(body, { since: lastDate, keepLast: version === 'v1' });
 *   for (let next = await periods.next(); !next.done; next = await periods.next()) validateAndStore(next.value);
 *   // next.value is now the summary: element count and the latest date, for the next poll's `since`.
 *
 * The body may be the whole text, its bytes, or the response stream (its chunks are forwarded as
 * they arrive, so the host never holds the whole array). Periods come back as the server wrote them:
 * validation and normalization stay with the caller, batch by batch.
 */
import type { PeriodsPart, PeriodsSummary } from './protocol';
import { parseWorker, type JobInput } from './workerHost';

export type { PeriodsSummary } from './protocol';

export interface MetricsPeriodsOptions {
  /** Keep only periods whose numeric `date` is greater than this (undated ones are always kept). */
  readonly since?: number;
  /** Keep the last element whatever its date (v1 appends the window still open). */
  readonly keepLast?: boolean;
  readonly signal?: AbortSignal;
}

/** Yields batches of periods (at most 100 each, in array order), then returns the summary. */
export async function* parseMetricsPeriods(body: JobInput, options: MetricsPeriodsOptions = {}): AsyncGenerator<readonly unknown[], PeriodsSummary, undefined> {
  const job = parseWorker().run(
    { job: 'periods', ...(options.since === undefined ? {} : { since: options.since }), keepLast: options.keepLast ?? false },
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
      yield (next.value as PeriodsPart).periods;
    }
  } finally {
    if (!finished) await job.return(undefined);
  }
}
