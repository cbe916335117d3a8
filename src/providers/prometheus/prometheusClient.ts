/**
 * Client for any Prometheus or OpenMetrics scrape endpoint the user points at (an exporter, a
 * self-hosted Browserless behind an exporter, a provider's metrics URL).
 */
import type { Auth, HttpClient } from '../../http/httpClient';
import { readExposition, watchBlank } from '../../prometheus/readExposition';
import type { ParseIssue } from '../../prometheus/types';
import type { Sample } from '../../shared/samples';
import { requestLimits, validBaseUrl, type RequestLimits } from '../clientSupport';
import { DEFAULT_MAX_SERIES, SeriesCap } from '../seriesCap';
import type { CallOptions, ClientTarget, Reading } from '../types';
import { assertSamplesRead, describeParseIssues, normalizeExposition } from './normalize';

/** `baseUrl` is the whole scrape URL, query string included; `token`, when set, is sent as Bearer. */
export type PrometheusConfig = ClientTarget & RequestLimits;

export interface ScrapeOptions extends CallOptions {
  /** Series kept from one scrape (setting `liveUsage.limits.maxSeriesPerConnection`); default 1,000. */
  readonly maxSeries?: number;
}

/** Asks for OpenMetrics first (it carries `# UNIT`), then 0.0.4 text, then whatever the server has. */
export const PROMETHEUS_ACCEPT = 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

export interface PrometheusReading extends Reading {
  /** What the body was read as: the Content-Type decides (see parsePrometheusText). */
  readonly format: 'openmetrics' | 'prometheus';
  readonly familyCount: number;
  /** Lines the parser skipped, with line numbers (also summarized in `notes`). */
  readonly issues: readonly ParseIssue[];
}

export class PrometheusClient {
  private readonly url: URL;
  private readonly auth: Auth;

  constructor(
    private readonly http: HttpClient,
    private readonly config: PrometheusConfig,
  ) {
    this.url = validBaseUrl(config.baseUrl, 'Prometheus scrape');
    this.auth = config.token ? { kind: 'bearer', token: config.token } : { kind: 'none' };
  }

  async scrape(options: ScrapeOptions = {}): Promise<PrometheusReading> {
    // Streamed: the body reaches the parser in redacted pieces as it arrives, and a large one goes
    // on to the worker piece by piece, so the host never reads, decodes or copies it in one go.
    const response = await this.http.stream({
      url: this.url,
      auth: this.auth,
      accept: PROMETHEUS_ACCEPT,
      expect: 'text',
      ...requestLimits(this.config),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const fetchedAt = Date.now();
    // Large bodies are parsed off the host's thread and converted and capped piece by piece
    // (readExposition hands one part per turn of the event loop).
    const samples: Sample[] = [];
    const cap = new SeriesCap(options.maxSeries ?? DEFAULT_MAX_SERIES);
    let read = 0;
    let parsed = 0;
    const body = watchBlank(response.body);
    const result = await readExposition(body.pieces, {
      contentType: response.contentType,
      ...(options.signal ? { signal: options.signal } : {}),
      keepSamples: false,
      onPart: (part) => {
        for (const family of part.families) parsed += family.samples.length;
        const converted = normalizeExposition(part, { at: fetchedAt, typeLabel: true });
        read += converted.length;
        for (const sample of cap.add(converted)) samples.push(sample);
      },
    });
    assertSamplesRead(body.blank(), parsed, result.issues, `The response of ${new URL(response.url).host}`, response.url);
    const notes = describeParseIssues(result.issues);
    const capNote = cap.note();
    if (capNote) notes.unshift(capNote);
    const flags = result.flags ?? [];
    if (flags.length > 0) {
      const first = flags[0]!;
      notes.push(`The exposition breaks format rules; its values were kept (first at line ${first.line}: ${first.message}).`);
    }
    if (read === 0 && result.issues.length === 0) notes.push('The endpoint answered with no metrics.');
    return {
      fetchedAt,
      samples,
      format: result.format ?? 'prometheus',
      familyCount: result.families.length,
      issues: result.issues,
      ...(notes.length > 0 ? { notes } : {}),
    };
  }
}
