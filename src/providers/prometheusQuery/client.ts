/**
 * Client for the Prometheus HTTP query API: `GET /api/v1/query` (an instant query) and
 * `GET /api/v1/query_range` (a range at a step), with a bearer token or basic auth. Everything a server
 * sends is checked before use: the envelope against its documented shape, every value as a Prometheus
 * number, and the number of series and points bounded, so one query cannot fill memory.
 */
import * as z from 'zod/mini';
import { ProviderError } from '../../http/errors';
import type { Auth, HttpClient } from '../../http/httpClient';
import { parsePrometheusNumber } from '../../prometheus/parsePrometheusText';
import { lazy } from '../../shared/lazy';
import { requestLimits, validBaseUrl, type RequestLimits } from '../clientSupport';
import { parseResponse } from '../validate';
import { joinUrl, type CallOptions, type ClientTarget } from '../types';

export interface PrometheusQueryTarget extends ClientTarget, RequestLimits {
  /** `bearer` (default) sends the token as a bearer token; `basic` sends `username` and the token as password. */
  readonly authMode?: 'bearer' | 'basic';
  readonly username?: string;
}

/** One value of one series: its metric name, its labels (without `__name__`), when, and the number. */
export interface PromPoint {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly at: number;
  readonly value: number;
}

export interface QueryResult {
  readonly points: readonly PromPoint[];
  readonly series: number;
  readonly warnings: readonly string[];
  readonly fetchedAt: number;
}

/** More series than any exporter connection or panel has; a runaway query is refused, not stored. */
export const MAX_SERIES = 10_000;
/** Points of one answer (a range query over a month of a few series is far below). */
export const MAX_POINTS = 500_000;
/** Prometheus refuses ranges of more than 11,000 points per series. */
export const MAX_POINTS_PER_SERIES = 11_000;

const envelopeSchema = lazy(() =>
  z.object({
    status: z.enum(['success', 'error']),
    data: z.optional(z.object({ resultType: z.enum(['vector', 'matrix', 'scalar', 'string']), result: z.unknown() })),
    errorType: z.optional(z.string()),
    error: z.optional(z.string()),
    warnings: z.optional(z.array(z.string())),
  }),
);

const seriesSchema = lazy(() =>
  z.object({ metric: z.record(z.string(), z.string()), value: z.optional(z.unknown()), values: z.optional(z.array(z.unknown())) }),
);

function valueOf(pair: unknown, where: string, url: string): { at: number; value: number } {
  if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'number' || !Number.isFinite(pair[0]) || typeof pair[1] !== 'string') {
    throw new ProviderError('badResponse', `The query answer is not in the documented shape: ${where}: expected [time, "value"]`, { where, url });
  }
  const value = parsePrometheusNumber(pair[1]);
  if (value === undefined) throw new ProviderError('badResponse', `The query answer has a value that is not a number at ${where}`, { where, url });
  return { at: Math.round(pair[0] * 1000), value };
}

/** The points of a `data.result`, by result type. */
function pointsOf(resultType: string, result: unknown, url: string): { points: PromPoint[]; series: number } {
  if (resultType === 'scalar') {
    const { at, value } = valueOf(result, 'data.result', url);
    return { points: [{ name: '', labels: {}, at, value }], series: 1 };
  }
  if (resultType === 'string') throw new ProviderError('badResponse', 'The query answered with a string, not numbers', { url, where: 'data.resultType' });
  if (!Array.isArray(result)) throw new ProviderError('badResponse', 'The query answer is not in the documented shape: data.result: expected array', { url });
  if (result.length > MAX_SERIES) throw new ProviderError('badResponse', `The query answered with ${result.length} series, more than ${MAX_SERIES}`, { url });
  const points: PromPoint[] = [];
  result.forEach((entry: unknown, index) => {
    const series = parseResponse(seriesSchema(), entry, 'The query answer', url);
    const { __name__: name = '', ...labels } = series.metric;
    const pairs = resultType === 'vector' ? [series.value] : (series.values ?? []);
    if (pairs.length > MAX_POINTS_PER_SERIES)
      throw new ProviderError('badResponse', `data.result[${index}] has more than ${MAX_POINTS_PER_SERIES} points`, { url });
    pairs.forEach((pair, at) => {
      const where = resultType === 'vector' ? `data.result[${index}].value` : `data.result[${index}].values[${at}]`;
      points.push({ name, labels, ...valueOf(pair, where, url) });
    });
    if (points.length > MAX_POINTS) throw new ProviderError('badResponse', `The query answered with more than ${MAX_POINTS} points`, { url });
  });
  return { points, series: result.length };
}

export class PrometheusQueryClient {
  private readonly base: URL;
  private readonly auth: Auth;

  constructor(
    private readonly http: HttpClient,
    private readonly target: PrometheusQueryTarget,
  ) {
    this.base = validBaseUrl(target.baseUrl, 'Prometheus server');
    const { token } = target;
    this.auth = !token
      ? { kind: 'none' }
      : target.authMode === 'basic'
        ? { kind: 'basic', token, ...(target.username === undefined ? {} : { username: target.username }) }
        : { kind: 'bearer', token };
  }

  /** An instant query at `time` (epoch ms; default: the server's now). */
  query(expression: string, options: CallOptions & { readonly time?: number } = {}): Promise<QueryResult> {
    return this.run('/api/v1/query', { query: expression, ...(options.time === undefined ? {} : { time: options.time / 1000 }) }, options);
  }

  /** A range query from `start` to `end` (epoch ms) every `stepMs`. */
  queryRange(
    expression: string,
    range: { readonly start: number; readonly end: number; readonly stepMs: number },
    options: CallOptions = {},
  ): Promise<QueryResult> {
    const stepMs = Math.max(range.stepMs, Math.ceil((range.end - range.start) / MAX_POINTS_PER_SERIES), 1000);
    return this.run(
      '/api/v1/query_range',
      { query: expression, start: range.start / 1000, end: range.end / 1000, step: `${Math.round(stepMs / 1000)}s` },
      options,
    );
  }

  private async run(path: string, query: Readonly<Record<string, string | number>>, options: CallOptions): Promise<QueryResult> {
    const response = await this.http.json({
      url: joinUrl(this.base.toString(), path),
      query,
      auth: this.auth,
      ...requestLimits(this.target),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const fetchedAt = Date.now();
    const envelope = parseResponse(envelopeSchema(), response.body, 'The query answer', response.url);
    if (envelope.status === 'error' || !envelope.data) {
      throw new ProviderError(
        'request',
        `The Prometheus server refused the query: ${envelope.error ?? envelope.errorType ?? 'no reason given'}`.slice(0, 400),
        {
          url: response.url,
        },
      );
    }
    const { points, series } = pointsOf(envelope.data.resultType, envelope.data.result, response.url);
    return { points, series, warnings: envelope.warnings ?? [], fetchedAt };
  }
}
