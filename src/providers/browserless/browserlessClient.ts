/**
 * Client for the Browserless management routes (/pressure, /metrics, /metrics/total) of v2 servers
 * (hosted and open source) and legacy v1 servers.
 */
import { ProviderError } from '../../http/errors';
import type { Auth, HttpClient, HttpRequest } from '../../http/httpClient';
import { notOfferedReading, requestLimits, validBaseUrl, type NotOfferedReading, type RequestLimits } from '../clientSupport';
import { joinUrl, type CallOptions, type ClientTarget } from '../types';
import {
  normalizeMetrics,
  normalizePressure,
  normalizeTotal,
  type BrowserlessMetricsReading,
  type BrowserlessPressureReading,
  type BrowserlessTotalReading,
  type BrowserlessVersion,
} from './normalize';

/**
 * Where the token goes. `query` (`?token=`) is the only one the hosted service documents; the
 * open-source v2 server also takes `bearer` and `basic`; v1 takes `query` and `basic` only.
 */
export type BrowserlessAuthMode = 'query' | 'bearer' | 'basic';

export interface BrowserlessConfig extends ClientTarget, RequestLimits {
  readonly version: BrowserlessVersion;
  readonly authMode: BrowserlessAuthMode;
}

export type BrowserlessPressureResult = BrowserlessPressureReading | NotOfferedReading;

/** Returns why a configuration cannot work, or undefined. For settings validation before connecting. */
export function checkBrowserlessConfig(config: Pick<BrowserlessConfig, 'version' | 'authMode'>): string | undefined {
  if (config.version === 'v1' && config.authMode === 'bearer') {
    // v1 base64-decodes the last word of the Authorization header, so a Bearer token never matches.
    return 'Browserless v1 does not accept Bearer tokens: choose the query (?token=) or Basic auth mode for a v1 server.';
  }
  return undefined;
}

/**
 * The real server matches Accept as an exact string (`application/json; charset=utf-8` gets 404) and
 * answers 400 to a GET with a Content-Type, so this exact header and no body are sent.
 */
const ACCEPT_JSON = 'application/json';

export class BrowserlessClient {
  private readonly auth: Auth;
  /** v1 only: once /metrics/total answered 404, go straight to /metrics/all. */
  private totalRoute: BrowserlessTotalReading['route'] = '/metrics/total';

  constructor(
    private readonly http: HttpClient,
    private readonly config: BrowserlessConfig,
  ) {
    const problem = checkBrowserlessConfig(config);
    if (problem) throw new ProviderError('request', problem);
    // Validates the URL now, so a typo is reported at configuration time rather than at first poll.
    validBaseUrl(config.baseUrl, 'Browserless');
    this.auth = BrowserlessClient.authFor(config);
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

  private request(path: string, options: CallOptions, extra: Partial<HttpRequest> = {}): Omit<HttpRequest, 'expect'> {
    return {
      url: joinUrl(this.config.baseUrl, path),
      auth: this.auth,
      accept: ACCEPT_JSON,
      ...requestLimits(this.config),
      ...(options.signal ? { signal: options.signal } : {}),
      ...extra,
    };
  }

  /** Live load. Cheap: this is what the status bar polls. A server without /pressure is not an error. */
  async pressure(options: CallOptions = {}): Promise<BrowserlessPressureResult> {
    try {
      const response = await this.http.json(this.request('/pressure', options, { optionalRoute: true }));
      return normalizePressure(response.body, Date.now(), response.url);
    } catch (error) {
      if (error instanceof ProviderError && error.kind === 'notOffered') {
        return notOfferedReading(
          Date.now(),
          'This Browserless server does not offer /pressure (HTTP 404); live load is not available, 5-minute metrics still are.',
        );
      }
      throw error;
    }
  }

  /**
   * Finished 5-minute periods, oldest first. The body can hold up to 10,000 periods: poll about once
   * per period and pass the previous reading's `latestDate` as `since` to get only the new ones.
   */
  async metrics(options: CallOptions & { readonly since?: number } = {}): Promise<BrowserlessMetricsReading> {
    const response = await this.http.json(this.request('/metrics', options));
    return normalizeMetrics(response.body, Date.now(), {
      version: this.config.version,
      url: response.url,
      ...(options.since === undefined ? {} : { since: options.since }),
    });
  }

  /** Totals over every stored period, with the server's monthly units estimate. */
  async metricsTotal(options: CallOptions = {}): Promise<BrowserlessTotalReading> {
    if (this.config.version === 'v2') return this.fetchTotal('/metrics/total', options, false);
    if (this.totalRoute === '/metrics/all') return this.fetchTotal('/metrics/all', options, false);
    try {
      // The v1 docs name /metrics/all, the v1 source serves /metrics/total: try the source first.
      return await this.fetchTotal('/metrics/total', options, true);
    } catch (error) {
      if (!(error instanceof ProviderError && error.kind === 'notOffered')) throw error;
    }
    try {
      const reading = await this.fetchTotal('/metrics/all', options, true);
      this.totalRoute = '/metrics/all';
      return reading;
    } catch (error) {
      if (!(error instanceof ProviderError && error.kind === 'notOffered')) throw error;
      throw new ProviderError(
        'notOffered',
        `${new URL(this.config.baseUrl).host} offers neither /metrics/total nor /metrics/all (HTTP 404): is this a Browserless server?`,
        {
          ...(error.status === undefined ? {} : { status: error.status }),
          ...(error.url === undefined ? {} : { url: error.url }),
        },
      );
    }
  }

  private async fetchTotal(route: BrowserlessTotalReading['route'], options: CallOptions, optionalRoute: boolean): Promise<BrowserlessTotalReading> {
    const response = await this.http.json(this.request(route, options, optionalRoute ? { optionalRoute } : {}));
    return normalizeTotal(response.body, Date.now(), { version: this.config.version, route, url: response.url });
  }
}
