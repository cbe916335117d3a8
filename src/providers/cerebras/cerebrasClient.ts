/**
 * Client for the Cerebras Metrics API (private preview, dedicated endpoints only):
 * `GET {base}/api/v1/metrics/organizations/{organizationId}` with a Bearer API key.
 * The API allows 6 requests per minute per organization and values change once a minute: poll every
 * 60 s.
 */
import { ProviderError } from '../../http/errors';
import type { Auth, HttpClient, HttpStreamResponse } from '../../http/httpClient';
import { readExposition, watchBlank } from '../../prometheus/readExposition';
import { pathId } from '../ids';
import { DEFAULT_MAX_SERIES } from '../seriesCap';
import { notOfferedReading, requestLimits, validBaseUrl, type NotOfferedReading, type RequestLimits } from '../clientSupport';
import { formatFromContentType } from '../prometheus/normalize';
import { joinUrl, type CallOptions, type ClientTarget } from '../types';
import { CerebrasConverter, type CerebrasMetricsReading } from './normalize';

export const CEREBRAS_DEFAULT_BASE_URL = 'https://cloud.cerebras.ai';

export interface CerebrasConfig extends ClientTarget, RequestLimits {
  /** From the dashboard's Settings page, e.g. `org_abc123`. */
  readonly organizationId: string;
}

export type CerebrasMetricsResult = CerebrasMetricsReading | NotOfferedReading;

const PREVIEW_HINT = 'The Cerebras Metrics API is a private preview for dedicated endpoints, enabled per organization by Cerebras.';

export class CerebrasClient {
  private readonly url: URL;
  private readonly auth: Auth;

  constructor(
    private readonly http: HttpClient,
    private readonly config: CerebrasConfig,
  ) {
    const organizationId = config.organizationId.trim();
    if (organizationId === '')
      throw new ProviderError('request', 'A Cerebras organization id (like org_abc123, from the dashboard Settings page) is required.');
    validBaseUrl(config.baseUrl, 'Cerebras');
    this.url = joinUrl(config.baseUrl, `/api/v1/metrics/organizations/${encodeURIComponent(pathId(organizationId, 'cerebrasOrganization'))}`);
    this.auth = config.token ? { kind: 'bearer', token: config.token } : { kind: 'none' };
  }

  /**
   * The last complete minute's metrics. A 404 (organization unknown or API not enabled) is a
   * not-offered result; 401/403 stay `auth` errors, with a message that names the likely causes.
   */
  async metrics(options: CallOptions & { readonly maxSeries?: number } = {}): Promise<CerebrasMetricsResult> {
    const organization = this.config.organizationId.trim();
    let response: HttpStreamResponse;
    try {
      response = await this.http.stream({
        expect: 'text',
        url: this.url,
        auth: this.auth,
        optionalRoute: true,
        ...requestLimits(this.config),
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (error) {
      if (error instanceof ProviderError && error.kind === 'notOffered') {
        return notOfferedReading(
          Date.now(),
          `The Metrics API is not enabled for organization ${organization} (HTTP 404). ${PREVIEW_HINT} Check the organization id, or ask your Cerebras account representative.`,
        );
      }
      throw error instanceof ProviderError && error.kind === 'auth' ? explainAuth(error, organization) : error;
    }
    const fetchedAt = Date.now();
    // The API speaks 0.0.4 text (blank lines, no # EOF): parse leniently unless it says OpenMetrics.
    const format = formatFromContentType(response.contentType) === 'openmetrics' ? 'openmetrics' : 'prometheus';
    // Streamed like the Prometheus client's scrape: a large body goes to the worker piece by piece,
    // and each part is converted and capped on its own turn of the event loop.
    const body = watchBlank(response.body);
    const converter = new CerebrasConverter(fetchedAt, options.maxSeries ?? DEFAULT_MAX_SERIES);
    const result = await readExposition(body.pieces, {
      format,
      keepSamples: false,
      onPart: (part) => converter.add(part),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return converter.finish({ blank: body.blank() }, result.issues, response.url);
  }
}

/** Keeps the `auth` kind (the UI offers "Set key") but says what a refusal means for this API. */
function explainAuth(error: ProviderError, organization: string): ProviderError {
  const cause =
    error.status === 403
      ? `the key has no access to the metrics of organization ${organization}, or the Metrics API is not enabled for it`
      : 'the API key is missing or wrong, or the Metrics API is not enabled for this organization';
  return new ProviderError('auth', `Cerebras refused the metrics request (HTTP ${error.status ?? 401}): ${cause}. ${PREVIEW_HINT}`, {
    ...(error.status === undefined ? {} : { status: error.status }),
    ...(error.url === undefined ? {} : { url: error.url }),
    ...(error.serverMessage === undefined ? {} : { serverMessage: error.serverMessage }),
    ...(error.rateLimit === undefined ? {} : { rateLimit: error.rateLimit }),
  });
}
