/**
 * What a Browserless card says in words beyond its figures: the queue filling up, and sessions cut off
 * by the server's timeout. Decided from what Browserless really reports (docs/providers.md#browserless):
 * /pressure gives the live `queued` against `maxQueued` but neither the age of a running session nor
 * the server's TIMEOUT setting, so a session close to its timeout cannot be seen before it reaches it.
 * What can be seen is /metrics' `timedout` count of each finished 5-minute period, with its `maxTime`.
 * Pure: tested with plain samples.
 */
import { formatClockTime, formatDuration, formatNumber, type DateFormatOptions } from '../../shared/format';
import { isWithheld, type Sample } from '../../shared/samples';
import { BROWSERLESS_PERIOD_MS, BROWSERLESS_SERIES } from './descriptor';

const P = BROWSERLESS_SERIES.pressure;
const M = BROWSERLESS_SERIES.metrics;

/** A /pressure reading older than this describes a queue that has long moved on. */
const PRESSURE_FRESH_MS = 5 * 60_000;
/** The newest finished period counts while it is among the last few (server clocks drift a little). */
const PERIOD_FRESH_MS = 3 * BROWSERLESS_PERIOD_MS;

function newest(latest: readonly Sample[], series: string): Sample | undefined {
  let found: Sample | undefined;
  for (const sample of latest) {
    if (sample.series !== series || isWithheld(sample) || sample.value === null || !Number.isFinite(sample.value)) continue;
    if (!found || sample.at > found.at) found = sample;
  }
  return found;
}

export function browserlessAlerts(latest: readonly Sample[], now: number, options: DateFormatOptions = {}): string[] {
  const alerts: string[] = [];
  const count = (value: number) => formatNumber(value, { ...(options.locale ? { locale: options.locale } : {}), maximumFractionDigits: 0 });
  const queued = newest(latest, P.queued);
  if (queued?.value && queued.value > 0 && now - queued.at <= PRESSURE_FRESH_MS) {
    const waiting = queued.value;
    const places = newest(latest, P.maxQueued)?.value ?? null;
    const browsers = newest(latest, P.maxConcurrent)?.value ?? null;
    const busy = browsers === null ? 'every browser is busy' : `all ${count(browsers)} browsers are busy`;
    if (places !== null && places > 0 && waiting >= places) {
      alerts.push(`The queue is full (${count(waiting)} of ${count(places)} places) and ${busy}: new requests get HTTP 429 until one finishes.`);
    } else if (places !== null && places > 0) {
      alerts.push(`The queue is filling: ${count(waiting)} of ${count(places)} places taken and ${busy}. At ${count(places)}, new requests get HTTP 429.`);
    } else {
      alerts.push(`${count(waiting)} request${waiting === 1 ? '' : 's'} waiting for a browser: ${busy}.`);
    }
  }
  const timedOut = newest(latest, M.timedout);
  if (timedOut?.value && timedOut.value > 0 && now - timedOut.at <= PERIOD_FRESH_MS) {
    const longest = newest(latest, M.maxTime);
    const sameperiod = longest && longest.at === timedOut.at ? ` (the longest ran ${formatDuration((longest.value ?? 0) / 1000)})` : '';
    const sessions = `${count(timedOut.value)} session${timedOut.value === 1 ? '' : 's'}`;
    alerts.push(
      `${sessions} reached the server's timeout in the 5 minutes to ${formatClockTime(timedOut.at, options)}${sameperiod}: the server ended ${timedOut.value === 1 ? 'it' : 'them'}.`,
    );
  }
  return alerts;
}
