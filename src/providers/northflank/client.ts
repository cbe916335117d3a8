/**
 * Northflank client: container metrics of one service, job or addon, and the project/service lists
 * for pickers. The token's budget is small (1,000 requests an hour, shared with the user's CI and
 * CLI), so every result carries the x-ratelimit-* figures and list calls stop at a page cap.
 */
import type * as z from 'zod/mini';
import { ProviderError, type RateLimitInfo } from '../../http/errors';
import type { Auth, HttpClient, QueryValue } from '../../http/httpClient';
import { requestLimits, type RequestLimits } from '../clientSupport';
import { impossibleValuesNote } from '../../shared/samples';
import { pathId, type IdKind } from '../ids';
import { capSeries, DEFAULT_MAX_SERIES } from '../seriesCap';
import type { CallOptions, ClientTarget, Reading } from '../types';
import { joinUrl } from '../types';
import { parseResponse } from '../validate';
import { metricsInfo, metricsQueryParams, metricsQueryProblems, readMetrics, type MetricInfoSummary, type MetricsQuery } from './normalize';
import { MetricsResponseSchema, ProjectsPageSchema, ServicesPageSchema, type NorthflankProject, type NorthflankService, type Pagination } from './schemas';

export const NORTHFLANK_DEFAULT_BASE_URL = 'https://api.northflank.com';
/** Northflank's maximum page size: fewer pages, less budget. */
export const NORTHFLANK_PAGE_SIZE = 100;
export const NORTHFLANK_DEFAULT_MAX_PAGES = 20;

export type NorthflankResourceKind = 'service' | 'job' | 'addon';

const RESOURCE_SEGMENT: Readonly<Record<NorthflankResourceKind, string>> = { service: 'services', job: 'jobs', addon: 'addons' };

export interface NorthflankConfig extends ClientTarget, RequestLimits {
  readonly projectId: string;
  /** Default `service`. */
  readonly resourceKind?: NorthflankResourceKind;
  /** The service, job or addon whose metrics are read; not needed for the list calls. */
  readonly resourceId?: string;
  /** Safety cap on pages per list call, so a server that always says "more" cannot drain the budget. */
  readonly maxPages?: number;
  readonly now?: () => number;
}

export interface NorthflankMetricsReading extends Reading {
  /** Unit and resolution per metric type, as this response declared them. */
  readonly metricInfo: Readonly<Record<string, MetricInfoSummary>>;
}

interface ListResult extends Reading {
  /** False when the page cap or a server fault stopped the walk early (see notes). */
  readonly complete: boolean;
  readonly pages: number;
}
export interface NorthflankProjectsResult extends ListResult {
  readonly projects: readonly NorthflankProject[];
}
export interface NorthflankServicesResult extends ListResult {
  readonly services: readonly NorthflankService[];
}

export interface ListServicesOptions extends CallOptions {
  /** Another project than the configured one (pickers list services before a choice is saved). */
  readonly projectId?: string;
}

interface Fetched<T> {
  readonly body: T;
  readonly fetchedAt: number;
  readonly rateLimit?: RateLimitInfo;
}

export class NorthflankClient {
  private readonly now: () => number;

  constructor(
    private readonly http: HttpClient,
    private readonly config: NorthflankConfig,
  ) {
    this.now = config.now ?? Date.now;
  }

  /** All requested metric types in one call, one sample per point and container. */
  async metrics(query: MetricsQuery, options: CallOptions & { readonly maxSeries?: number } = {}): Promise<NorthflankMetricsReading> {
    const problems = metricsQueryProblems(query);
    const first = problems[0];
    if (first) {
      const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem(s))` : '';
      throw new ProviderError('request', `Metrics query not sent: ${first.message}${more}`, { where: first.path });
    }
    const kind = this.config.resourceKind ?? 'service';
    const projectId = requireId(this.config.projectId, 'project id', 'northflankProject');
    const resourceId = requireId(this.config.resourceId, `${kind} id`, 'northflankResource');
    const path = `/v1/projects/${encodeURIComponent(projectId)}/${RESOURCE_SEGMENT[kind]}/${encodeURIComponent(resourceId)}/metrics`;
    const fetched = await this.call(MetricsResponseSchema(), path, `Northflank ${kind} metrics`, metricsQueryParams(query), options);
    const read = readMetrics(fetched.body);
    const capped = capSeries(read.samples, options.maxSeries ?? DEFAULT_MAX_SERIES);
    const samples = capped.samples;
    const notes = [...read.notes, capped.note, impossibleValuesNote(samples, 'the metrics')].filter((note): note is string => note !== undefined);
    return {
      fetchedAt: fetched.fetchedAt,
      samples,
      ...(notes.length > 0 ? { notes } : {}),
      metricInfo: metricsInfo(fetched.body),
      ...(fetched.rateLimit ? { rateLimit: fetched.rateLimit } : {}),
    };
  }

  async listProjects(options: CallOptions = {}): Promise<NorthflankProjectsResult> {
    const result = await this.paginate(ProjectsPageSchema(), '/v1/projects', 'Northflank project list', (body) => body.data.projects, options);
    const { items, ...rest } = result;
    return { ...rest, projects: items };
  }

  async listServices(options: ListServicesOptions = {}): Promise<NorthflankServicesResult> {
    const projectId = requireId(options.projectId ?? this.config.projectId, 'project id', 'northflankProject');
    const path = `/v1/projects/${encodeURIComponent(projectId)}/services`;
    const result = await this.paginate(ServicesPageSchema(), path, 'Northflank service list', (body) => body.data.services, options);
    const { items, ...rest } = result;
    return { ...rest, services: items };
  }

  /**
   * Follows `pagination.cursor` while `hasNextPage`, stopping at the page cap, on a missing cursor,
   * or on a cursor seen before (a server bug that would otherwise loop until the budget is gone).
   */
  private async paginate<B extends { readonly pagination?: Pagination | undefined }, T>(
    schema: z.ZodMiniType<B>,
    path: string,
    what: string,
    pick: (body: B) => readonly T[],
    options: CallOptions,
  ): Promise<ListResult & { readonly items: T[] }> {
    const maxPages = Math.max(1, Math.floor(this.config.maxPages ?? NORTHFLANK_DEFAULT_MAX_PAGES));
    const items: T[] = [];
    const seen = new Set<string>();
    let cursor: string | undefined;
    let rateLimit: RateLimitInfo | undefined;
    let fetchedAt = this.now();
    const finish = (pages: number, complete: boolean, note?: string) => ({
      fetchedAt,
      samples: [],
      items,
      pages,
      complete,
      ...(rateLimit ? { rateLimit } : {}),
      ...(note ? { notes: [note] } : {}),
    });
    for (let page = 1; page <= maxPages; page++) {
      const query: Record<string, QueryValue> = { per_page: NORTHFLANK_PAGE_SIZE, ...(cursor === undefined ? {} : { cursor }) };
      const fetched = await this.call(schema, path, `${what} (page ${page})`, query, options);
      items.push(...pick(fetched.body));
      // The latest page has the freshest budget figures; keep older ones if it sent none.
      rateLimit = fetched.rateLimit ?? rateLimit;
      fetchedAt = fetched.fetchedAt;
      const pagination = fetched.body.pagination;
      if (!pagination?.hasNextPage) return finish(page, true);
      const next = pagination.cursor;
      if (!next) return finish(page, false, `${what}: the server said more pages exist but sent no cursor; showing the first ${items.length}.`);
      if (seen.has(next)) return finish(page, false, `${what}: the server repeated a page cursor; stopped at ${items.length} items.`);
      seen.add(next);
      cursor = next;
    }
    return finish(maxPages, false, `${what}: stopped after ${maxPages} pages (${items.length} items) to save the API budget; the list may be incomplete.`);
  }

  private auth(): Auth {
    const token = this.config.token;
    if (!token) throw new ProviderError('auth', 'No Northflank API token is set');
    return { kind: 'bearer', token };
  }

  private async call<T>(
    schema: z.ZodMiniType<T>,
    path: string,
    what: string,
    query: Readonly<Record<string, QueryValue>>,
    options: CallOptions,
  ): Promise<Fetched<T>> {
    const response = await this.http.json({
      url: joinUrl(this.config.baseUrl, path),
      query,
      auth: this.auth(),
      ...requestLimits(this.config),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const body = parseResponse(schema, response.body, what, response.url);
    return { body, fetchedAt: this.now(), ...(response.rateLimit ? { rateLimit: response.rateLimit } : {}) };
  }
}

function requireId(id: string | undefined, what: string, kind: IdKind): string {
  if (id === undefined || id.trim() === '') throw new ProviderError('request', `No Northflank ${what} is set; choose one first`);
  return pathId(id, kind);
}
