/**
 * Client for the Browserless management routes (/pressure, /metrics, /metrics/total) of v2 servers
 * (hosted and open source) and legacy v1 servers.
 *
 * A 404 on any of them means the server or plan does not offer the route (old servers lack /pressure;
 * Browserless' docs say private fleets read /metrics on their own host and shared plans may not have
 * these routes): a "not offered" reading with a note, never an error. `/metrics` and `/metrics/total`
 * are read as streams by the parser worker, so their size never blocks the extension host; a body
 * over the size limit skips that route for an hour with a note, while the others keep working.
 */
import { describeBytes } from '../../http/body';
import { ProviderError } from '../../http/errors';
import type { Auth, HttpClient, HttpRequest, HttpStreamResponse } from '../../http/httpClient';
import { parseObjectCounting, readMetricsPeriods } from '../../worker/metricsPeriods';
import { notOfferedReading, requestLimits, validBaseUrl, type NotOfferedReading, type RequestLimits } from '../clientSupport';
import { joinUrl, type CallOptions, type ClientTarget } from '../types';
import { BROWSERLESS_PERIOD_MS } from './descriptor';
import { normalizePressure, normalizeTotal, type BrowserlessPressureReading, type BrowserlessTotalReading } from './normalize';
import { PeriodCollector, type BrowserlessMetricsReading, type BrowserlessVersion } from './periods';

/**
 * Where the token goes. `query` (`?token=`) is what the hosted v2 service documents; the open-source
 * v2 server also takes `bearer` and `basic`; v1, hosted or not, takes `query` and `basic` (and a
 * cookie, which Live Usage does not send).
 */
export type BrowserlessAuthMode = 'query' | 'bearer' | 'basic';

export interface BrowserlessConfig extends ClientTarget, RequestLimits {
  readonly version: BrowserlessVersion;
  readonly authMode: BrowserlessAuthMode;
  /** Periods one /metrics call hands over at most (default METRICS_PERIODS_PER_CALL). */
  readonly maxPeriods?: number;
  /** Injected clock: readings' `fetchedAt` and the pause after a body over the limit. */
  readonly now?: () => number;
}

export type BrowserlessPressureResult = BrowserlessPressureReading | NotOfferedReading;
export type BrowserlessMetricsResult = BrowserlessMetricsReading | NotOfferedReading;
export type BrowserlessTotalResult = BrowserlessTotalReading | NotOfferedReading;

/** Returns why a configuration cannot work, or undefined. For settings validation before connecting. */
export function checkBrowserlessConfig(config: Pick<BrowserlessConfig, 'version' | 'authMode'>): string | undefined {
  if (config.version === 'v1' && config.authMode === 'bearer') {
    // v1 base64-decodes the last word of the Authorization header, so a Bearer token never matches.
    return 'Browserless v1 does not accept Bearer tokens: choose the query (?token=) or Basic auth mode for a v1 server.';
  }
  return undefined;
}

/**
 * The v2 router splits Accept on commas and compares each element whole: `application/json` matches,
 * `application/json; charset=utf-8` alone gets 404. A GET must not carry a Content-Type (the
 * open-source server finds no route for it, 404; the hosted docs say 400): HttpClient sends none.
 */
const ACCEPT_JSON = 'application/json';

/** One week of 5-minute periods: what one /metrics call hands over at most (a server keeps up to 10,000). */
export const METRICS_PERIODS_PER_CALL = 12 * 24 * 7;
/**
 * Size limit of /metrics and /metrics/total, unless the connection sets its own. Read as streams, they
 * cost the host little memory whatever their size; the limit bounds download and parse time.
 */
export const MANAGEMENT_MAX_BYTES = 32 * 1024 * 1024;
/** After a body over the limit, the route rests this long: it would only come back as large. */
export const TOO_LARGE_PAUSE_MS = 60 * 60 * 1000;

type HeavyRoute = '/metrics' | '/metrics/total' | '/metrics/all';

function isTooLarge(error: unknown): error is ProviderError {
  return error instanceof ProviderError && error.kind === 'badResponse' && error.where === 'body size';
}

/** The parser worker's "could not read" names the route it was reading. */
function unreadable(error: unknown, route: HeavyRoute, url: string): unknown {
  if (!(error instanceof ProviderError) || error.code !== 'PARSE_FAILED') return error;
  const reason = error.message.replace(/^The response could not be read: /, '');
  return new ProviderError('badResponse', `The Browserless ${route} response could not be read: ${reason}`, { url, where: 'body', code: error.code });
}

function isNotOffered(error: unknown): error is ProviderError {
  return error instanceof ProviderError && error.kind === 'notOffered';
}

export class BrowserlessClient {
  private readonly auth: Auth;
  private readonly now: () => number;
  /** v1 only: once /metrics/total answered 404, go straight to /metrics/all. */
  private totalRoute: BrowserlessTotalReading['route'] = '/metrics/total';
  /** Until when a route whose body was over the limit is skipped, and the note that says so. */
  private readonly resting = new Map<HeavyRoute, { readonly until: number; readonly note: string }>();

  constructor(
    private readonly http: HttpClient,
    private readonly config: BrowserlessConfig,
  ) {
    const problem = checkBrowserlessConfig(config);
    if (problem) throw new ProviderError('request', problem);
    // Validates the URL now, so a typo is reported at configuration time rather than at first poll.
    validBaseUrl(config.baseUrl, 'Browserless');
    this.auth = BrowserlessClient.authFor(config);
    this.now = config.now ?? Date.now;
  }

  private static authFor(config: BrowserlessConfig): Auth {
    const token = config.token;
    if (token === undefined || token === '') return { kind: 'none' };
    switch (config.authMode) {
      case 'query':
        return { kind: 'query', name: 'token', token };
      case 'bearer':
        return { kind: 'bearer', token };
      case 'basic':
        return { kind: 'basic', token };
    }
  }

  get version(): BrowserlessVersion {
    return this.config.version;
  }

  private get host(): string {
    return new URL(this.config.baseUrl).host;
  }

  private request(path: string, options: CallOptions, extra: Partial<HttpRequest> = {}): HttpRequest {
    return {
      url: joinUrl(this.config.baseUrl, path),
      auth: this.auth,
      accept: ACCEPT_JSON,
      expect: 'json',
      // Every route may be missing on some server or plan: a 404 is "not offered", never an error.
      optionalRoute: true,
      ...requestLimits(this.config),
      ...(options.signal ? { signal: options.signal } : {}),
      ...extra,
    };
  }

  /** Live load. Cheap: this is what the status bar polls. */
  async pressure(options: CallOptions = {}): Promise<BrowserlessPressureResult> {
    try {
      const response = await this.http.json(this.request('/pressure', options));
      return normalizePressure(response.body, this.now(), response.url);
    } catch (error) {
      if (!isNotOffered(error)) throw error;
      return notOfferedReading(
        this.now(),
        `${this.host} does not offer /pressure (HTTP 404): older servers and some plans have no such route. Live load is not shown; 5-minute periods and totals are, where offered.`,
      );
    }
  }

  /**
   * Finished 5-minute periods that end after `since`, oldest first, at most `maxPeriods` a call. The
   * server always sends every period it keeps (up to 10,000): the body is streamed through the parser
   * worker, which keeps only the new ones. Poll about once per period with the previous reading's
   * `latestDate` as `since`; when a call leaves periods for later (`remaining`), the next one goes on
   * from there.
   */
  async metrics(options: CallOptions & { readonly since?: number } = {}): Promise<BrowserlessMetricsResult> {
    const resting = this.restingNote('/metrics');
    if (resting) return { ...this.emptyMetrics(), tooLarge: true, notes: [resting] };
    const v1 = this.config.version === 'v1';
    let response: HttpStreamResponse;
    try {
      response = await this.http.stream(this.request('/metrics', options, this.heavyLimit()));
    } catch (error) {
      if (isNotOffered(error)) {
        return notOfferedReading(
          this.now(),
          `${this.host} does not offer /metrics (HTTP 404). Browserless' docs say private fleets read it on their own host, and shared plans may not offer it: 5-minute periods are not shown; live load and totals are, where offered. If no route answers at all, check the base URL.`,
        );
      }
      return this.tooLargeOr(error, '/metrics', () => ({ ...this.emptyMetrics(), tooLarge: true as const }));
    }
    const collector = new PeriodCollector({
      version: this.config.version,
      fetchedAt: this.now(),
      url: response.url,
      ...(options.since === undefined ? {} : { since: options.since }),
    });
    try {
      const read = {
        // The worker compares the dates as sent: v1's are starts, five minutes before the ends `since` is in.
        ...(options.since === undefined ? {} : { since: v1 ? options.since - BROWSERLESS_PERIOD_MS : options.since }),
        keepLast: v1,
        limit: Math.max(1, this.config.maxPeriods ?? METRICS_PERIODS_PER_CALL),
        ...(options.signal ? { signal: options.signal } : {}),
      };
      // Each batch is validated and normalized as it arrives, in its own turn of the event loop.
      const summary = await readMetricsPeriods(response.body, read, (part) => collector.add(part.periods, part.indexes));
      return collector.finish({ elements: summary.elements, ...(summary.overLimit ? { remaining: summary.overLimit } : {}) });
    } catch (error) {
      return this.tooLargeOr(unreadable(error, '/metrics', response.url), '/metrics', () => ({ ...this.emptyMetrics(), tooLarge: true as const }));
    }
  }

  /** Totals over every stored period, with the server's monthly units estimate. */
  async metricsTotal(options: CallOptions = {}): Promise<BrowserlessTotalResult> {
    const route = this.config.version === 'v2' ? '/metrics/total' : this.totalRoute;
    const resting = this.restingNote(route);
    if (resting) return notOfferedReading(this.now(), resting);
    try {
      return await this.fetchTotal(route, options);
    } catch (error) {
      if (!isNotOffered(error)) return this.tooLargeOr(error, route, () => undefined);
      if (this.config.version === 'v1' && route === '/metrics/total') {
        // The v1 docs name /metrics/all, the v1 source serves /metrics/total: the source first, then the docs.
        try {
          const reading = await this.fetchTotal('/metrics/all', options);
          this.totalRoute = '/metrics/all';
          return reading;
        } catch (fallback) {
          if (!isNotOffered(fallback)) return this.tooLargeOr(fallback, '/metrics/all', () => undefined);
        }
        return notOfferedReading(
          this.now(),
          `${this.host} offers neither /metrics/total nor /metrics/all (HTTP 404): totals and the monthly units estimate are not shown. Is this a Browserless v1 server, or does the plan leave these routes out?`,
        );
      }
      return notOfferedReading(
        this.now(),
        `${this.host} does not offer ${route} (HTTP 404). Browserless' docs say private fleets read it on their own host, and shared plans may not offer it: totals and the monthly units estimate are not shown.`,
      );
    }
  }

  private async fetchTotal(route: BrowserlessTotalReading['route'], options: CallOptions): Promise<BrowserlessTotalReading> {
    const response = await this.http.stream(this.request(route, options, this.heavyLimit()));
    // The body lists every session time of every stored period; only their number is used, so the
    // worker parses it and sends back the rest of the object with that count.
    let counted: Awaited<ReturnType<typeof parseObjectCounting>>;
    try {
      counted = await parseObjectCounting(response.body, ['sessionTimes'], options.signal);
    } catch (error) {
      throw unreadable(error, route, response.url);
    }
    const { object, lengths } = counted;
    const sessionCount = lengths.sessionTimes;
    return normalizeTotal(object ?? [], this.now(), {
      version: this.config.version,
      route,
      url: response.url,
      ...(sessionCount === undefined ? {} : { sessionCount }),
    });
  }

  private heavyLimit(): Partial<HttpRequest> {
    return { maxBytes: this.config.maxBytes ?? MANAGEMENT_MAX_BYTES };
  }

  private emptyMetrics(): BrowserlessMetricsReading {
    return { offered: true, fetchedAt: this.now(), periods: [], samples: [], periodCount: 0, remaining: 0 };
  }

  private restingNote(route: HeavyRoute): string | undefined {
    const rest = this.resting.get(route);
    if (rest === undefined) return undefined;
    if (this.now() < rest.until) return rest.note;
    this.resting.delete(route);
    return undefined;
  }

  /**
   * A body over the limit is not a failure to retry at every poll: the route rests for an hour and the
   * reading says so, while the other routes go on. Anything else is rethrown.
   */
  private tooLargeOr<T>(error: unknown, route: HeavyRoute, reading: () => T): (T & { readonly notes: readonly string[] }) | NotOfferedReading {
    if (!isTooLarge(error)) throw error;
    const limit = describeBytes(this.config.maxBytes ?? MANAGEMENT_MAX_BYTES);
    const what =
      route === '/metrics'
        ? `its 5-minute periods are not read; /metrics/total and /pressure still show totals and live load`
        : `totals and the monthly units estimate are not read; /pressure and the 5-minute periods still show`;
    const note = `${this.host} answered ${route} with more than the ${limit} limit (Browserless sends everything it keeps and cannot be asked for less): ${what}. ${route} is tried again in an hour.`;
    this.resting.set(route, { until: this.now() + TOO_LARGE_PAUSE_MS, note });
    const value = reading();
    return value === undefined ? notOfferedReading(this.now(), note) : { ...value, notes: [note] };
  }
}
