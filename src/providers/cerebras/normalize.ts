/**
 * Pure normalizer for the Cerebras Metrics API exposition (Prometheus 0.0.4 text). Every family, even
 * one named `_total`, is a gauge over the last complete minute, so no rate() logic applies: each value
 * is stored as is, with a one-minute window ending on the minute.
 */
import type { ParseIssue, ParseResult, PromSample } from '../../prometheus/types';
import { impossibleValuesNote, type MetricUnit, type Sample } from '../../shared/samples';
import type { Reading } from '../types';
import { assertSamplesRead, describeParseIssues, isBlank, isMeasurement, toSample, type BodyShape } from '../prometheus/normalize';
import { SeriesCap } from '../seriesCap';
import { CEREBRAS_SERIES, CEREBRAS_WINDOW_MS } from './descriptor';

// One table of series ids and one window, the descriptor's: history, charts and rules agree on them.
export { CEREBRAS_SERIES, CEREBRAS_WINDOW_MS } from './descriptor';

interface KnownFamily {
  readonly series: string;
  readonly unit: MetricUnit;
  /** Counts are never negative: a negative one is flagged and withheld. */
  readonly count: boolean;
  /** Carries a `percentile` or `statistic` label (avg, p50, p90, p95, p99). */
  readonly statistic: boolean;
  /** Cannot be negative (a latency). */
  readonly nonNegative?: boolean;
}

const count = (series: string, unit: MetricUnit = 'count'): KnownFamily => ({ series, unit, count: true, statistic: false });
const latency = (series: string): KnownFamily => ({ series, unit: 'seconds', count: false, statistic: true, nonNegative: true });

/** Keyed by the sample name without a trailing `_total`, so either spelling matches. */
const KNOWN_FAMILIES: Readonly<Record<string, KnownFamily>> = {
  // -1 error computing status, 0 down, 1 up: -1 is a real value, not a bad count.
  inference_endpoint_status: { series: CEREBRAS_SERIES.endpointStatus, unit: 'state', count: false, statistic: false },
  requests_count: count(CEREBRAS_SERIES.requests),
  requests_success: count(CEREBRAS_SERIES.requestsSuccess),
  requests_failure: count(CEREBRAS_SERIES.requestsFailure),
  input_tokens: count(CEREBRAS_SERIES.inputTokens, 'tokens'),
  output_tokens: count(CEREBRAS_SERIES.outputTokens, 'tokens'),
  // Assumed to be cached prompt tokens, like the token families beside it (Cerebras bills and limits
  // in tokens); the reference page does not state a unit.
  cache_reads: count(CEREBRAS_SERIES.cacheReads, 'tokens'),
  // Scale not documented (0..1 or percent): kept as sent rather than rescaled on a guess.
  cache_rate: { series: CEREBRAS_SERIES.cacheRate, unit: 'ratio', count: false, statistic: false },
  queue_time_seconds: latency(CEREBRAS_SERIES.queueTime),
  e2e_latency_seconds: latency(CEREBRAS_SERIES.e2eLatency),
  ttft_seconds: latency(CEREBRAS_SERIES.ttft),
  tpot: latency(CEREBRAS_SERIES.tpot),
  tpot_seconds: latency(CEREBRAS_SERIES.tpot),
  latency_generation_seconds: latency(CEREBRAS_SERIES.generationLatency),
};

/**
 * Labels as we store them: `percentile` (in the reference's example) and `statistic` (in the guide)
 * become one `statistic`; `organization_id` is dropped, since it is the connection's own id and would
 * only split series.
 */
function labelsOf(sample: PromSample, statistic: boolean): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [name, value] of Object.entries(sample.labels)) {
    if (name === 'organization_id') continue;
    if (statistic && name === 'percentile') {
      labels.statistic ??= value;
      continue;
    }
    labels[name] = value;
  }
  return labels;
}

export interface CerebrasMetricsReading extends Reading {
  readonly offered: true;
  /** End of the minute the values describe (the last complete minute before the fetch). */
  readonly minuteEnd: number;
  /** Models (the `endpoint` label) seen in this reading. */
  readonly endpoints: readonly string[];
  /** False for an empty body: the organization has the API but no metrics enabled yet. */
  readonly hasMetrics: boolean;
}

/**
 * Converts a parsed exposition. Unknown families are kept under `cerebras.<sample name>` with the
 * one-minute window, since the published metric list is known to be partial.
 */
export function normalizeCerebras(body: BodyShape, result: ParseResult, fetchedAt: number, url?: string): CerebrasMetricsReading {
  const converter = new CerebrasConverter(fetchedAt);
  if (!isBlank(body)) converter.add(result);
  return converter.finish(body, result.issues, url);
}

/**
 * normalizeCerebras fed part by part, as readExposition hands a large body's parts over: each part
 * is converted and capped on its own turn of the event loop, and what the notes need of the whole
 * reading is gathered on the way, so nothing at the end walks every sample again.
 */
export class CerebrasConverter {
  private readonly minuteEnd: number;
  private readonly samples: Sample[] = [];
  private readonly endpoints = new Set<string>();
  private readonly cap: SeriesCap | undefined;
  /** Parsed samples seen, measurements or not (an exposition with none may be unreadable). */
  private parsed = 0;
  private converted = 0;
  private negative = false;
  private readonly impossible: Sample[] = [];

  /** `maxSeries`: keep the samples of the first that many series only (default: all). */
  constructor(
    private readonly fetchedAt: number,
    maxSeries?: number,
  ) {
    this.minuteEnd = Math.floor(fetchedAt / CEREBRAS_WINDOW_MS) * CEREBRAS_WINDOW_MS;
    this.cap = maxSeries === undefined ? undefined : new SeriesCap(maxSeries);
  }

  add(part: ParseResult): void {
    const options = { at: this.minuteEnd, windowMs: CEREBRAS_WINDOW_MS };
    const converted: Sample[] = [];
    for (const family of part.families) {
      this.parsed += family.samples.length;
      for (const sample of family.samples) {
        if (!isMeasurement(family, sample)) continue;
        const known = KNOWN_FAMILIES[sample.name.replace(/_total$/, '')];
        const labels = labelsOf(sample, known?.statistic ?? false);
        if (labels.endpoint !== undefined) this.endpoints.add(labels.endpoint);
        const value = known
          ? toSample(family, sample, options, { series: known.series, unit: known.unit, labels, count: known.count, nonNegative: known.nonNegative === true })
          : toSample(family, sample, { ...options, seriesPrefix: 'cerebras.' }, { labels });
        if (value.flags?.includes('invalidNegative')) this.negative = true;
        if (value.flags?.some((flag) => flag === 'outOfRange' || flag === 'notWholeNumber')) this.impossible.push(value);
        converted.push(value);
      }
    }
    this.converted += converted.length;
    for (const sample of this.cap ? this.cap.add(converted) : converted) this.samples.push(sample);
  }

  finish(body: BodyShape, issues: readonly ParseIssue[], url?: string): CerebrasMetricsReading {
    const { fetchedAt, minuteEnd } = this;
    if (isBlank(body)) {
      return {
        offered: true,
        fetchedAt,
        minuteEnd,
        samples: [],
        endpoints: [],
        hasMetrics: false,
        notes: ['No metrics are enabled for this organization yet (the Metrics API answered with an empty body).'],
      };
    }
    assertSamplesRead(false, this.parsed, issues, 'The Cerebras metrics response', url);
    const notes: string[] = [];
    const capNote = this.cap?.note();
    if (capNote) notes.push(capNote);
    notes.push(...describeParseIssues(issues));
    if (this.converted === 0) notes.push('No metrics are enabled for this organization yet (the Metrics API sent no samples).');
    if (this.negative) notes.push('Cerebras reported a negative count; that value is withheld.');
    const impossible = impossibleValuesNote(this.impossible, 'the metrics');
    if (impossible) notes.push(impossible);
    return {
      offered: true,
      fetchedAt,
      minuteEnd,
      samples: this.samples,
      endpoints: [...this.endpoints].sort(),
      hasMetrics: this.converted > 0,
      ...(notes.length > 0 ? { notes } : {}),
    };
  }
}
