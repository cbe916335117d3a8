/**
 * Browserbase v1 REST client: reported usage, projects (for pickers and the concurrency limit), and
 * tagged sessions (list by metadata query, create, release, live-view URLs). Every call goes through
 * the shared HttpClient; shapes are checked with zod so a changed API fails with the field's name.
 */
import type * as z from 'zod/mini';
import { ProviderError, type RateLimitInfo } from '../../http/errors';
import type { Auth, HttpClient } from '../../http/httpClient';
import { requestLimits, type RequestLimits } from '../clientSupport';
import { pathId } from '../ids';
import type { CallOptions, ClientTarget, Reading } from '../types';
import { joinUrl } from '../types';
import { parseResponse } from '../validate';
import {
  createSessionBody,
  createSessionProblems,
  planGatedFeatures,
  projectSamples,
  REPORTED_USAGE_NOTE,
  runningSamples,
  usageSamples,
  type CreateSessionParams,
} from './normalize';
import {
  CreatedSessionSchema,
  ProjectListSchema,
  ProjectSchema,
  ProjectUsageSchema,
  SessionListSchema,
  SessionLiveURLsSchema,
  SessionSchema,
  type CreatedSession,
  type Project,
  type ProjectUsage,
  type Session,
  type SessionLiveURLs,
} from './schemas';

export const BROWSERBASE_DEFAULT_BASE_URL = 'https://api.browserbase.com';
const API_KEY_HEADER = 'X-BB-API-Key';

export interface BrowserbaseConfig extends ClientTarget, RequestLimits {
  readonly projectId: string;
  /** Injected clock for `fetchedAt` and durations. */
  readonly now?: () => number;
}

export interface BrowserbaseUsageReading extends Reading {
  readonly projectId: string;
  readonly usage: ProjectUsage;
}
export interface BrowserbaseProjectsResult extends Reading {
  readonly projects: readonly Project[];
}
export interface BrowserbaseProjectReading extends Reading {
  readonly project: Project;
}
export interface BrowserbaseSessionsResult extends Reading {
  readonly sessions: readonly Session[];
}
export interface BrowserbaseSessionResult<S extends Session = Session> extends Reading {
  readonly session: S;
}
export interface BrowserbaseDebugUrlsResult extends Reading {
  readonly urls: SessionLiveURLs;
}

export interface ListSessionsFilter {
  /** A complete metadata query such as `user_metadata['client']:'acme'`; URL-encoded here, not by the caller. */
  readonly q?: string;
  /** PENDING, RUNNING, ERROR, TIMED_OUT, COMPLETED, or whatever Browserbase adds. */
  readonly status?: string;
}

interface Fetched<T> {
  readonly body: T;
  readonly fetchedAt: number;
  readonly rateLimit?: RateLimitInfo;
}

export class BrowserbaseClient {
  private readonly now: () => number;

  constructor(
    private readonly http: HttpClient,
    private readonly config: BrowserbaseConfig,
  ) {
    this.now = config.now ?? Date.now;
  }

  /** Browser minutes and proxy bytes as Browserbase reports them for the configured project. */
  async usage(options: CallOptions = {}): Promise<BrowserbaseUsageReading> {
    const projectId = this.requireProjectId();
    const fetched = await this.call(ProjectUsageSchema(), 'GET', `/v1/projects/${encodeURIComponent(projectId)}/usage`, 'Browserbase project usage', options);
    return {
      ...this.reading(fetched, usageSamples(fetched.body, projectId, fetched.fetchedAt)),
      notes: [REPORTED_USAGE_NOTE],
      projectId,
      usage: fetched.body,
    };
  }

  /** Every project the key can see (a bare array, no pagination). */
  async listProjects(options: CallOptions = {}): Promise<BrowserbaseProjectsResult> {
    const fetched = await this.call(ProjectListSchema(), 'GET', '/v1/projects', 'Browserbase project list', options);
    return { ...this.reading(fetched), projects: fetched.body };
  }

  /** The configured project, with its concurrency limit as a sample. */
  async getProject(options: CallOptions = {}): Promise<BrowserbaseProjectReading> {
    const projectId = this.requireProjectId();
    const fetched = await this.call(ProjectSchema(), 'GET', `/v1/projects/${encodeURIComponent(projectId)}`, 'Browserbase project', options);
    return { ...this.reading(fetched, projectSamples(fetched.body, fetched.fetchedAt)), project: fetched.body };
  }

  async listSessions(filter: ListSessionsFilter = {}, options: CallOptions = {}): Promise<BrowserbaseSessionsResult> {
    const query: Record<string, string> = {};
    // Empty means "no filter": an empty q would be a query Browserbase may reject or match nothing.
    if (filter.q !== undefined && filter.q !== '') query.q = filter.q;
    if (filter.status !== undefined && filter.status !== '') query.status = filter.status;
    const fetched = await this.call(SessionListSchema(), 'GET', '/v1/sessions', 'Browserbase session list', options, { query });
    return { ...this.reading(fetched), sessions: fetched.body };
  }

  /**
   * The configured project's sessions running now, and their count as a sample. The list answers for
   * every project the key can see; the count that goes against the project's concurrency limit is its
   * own sessions only.
   */
  async runningSessions(options: CallOptions = {}): Promise<BrowserbaseSessionsResult> {
    const projectId = this.requireProjectId();
    const result = await this.listSessions({ status: 'RUNNING' }, options);
    const own = result.sessions.filter((session) => session.projectId === projectId);
    return { ...result, sessions: own, samples: runningSamples(own, projectId, result.fetchedAt) };
  }

  async getSession(id: string, options: CallOptions = {}): Promise<BrowserbaseSessionResult> {
    const fetched = await this.call(SessionSchema(), 'GET', sessionPath(id), 'Browserbase session', options);
    return { ...this.reading(fetched), session: fetched.body };
  }

  /**
   * Starts a billed browser. Checked before sending (metadata rules, timeout range), never retried
   * (a retry after a lost answer could start a second browser), and a refusal is explained in plan
   * terms: 429 is the concurrency cap, 401/402 usually a feature the plan lacks.
   */
  async createSession(params: CreateSessionParams, options: CallOptions = {}): Promise<BrowserbaseSessionResult<CreatedSession>> {
    const problems = createSessionProblems(params);
    const first = problems[0];
    if (first) {
      const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem(s))` : '';
      throw new ProviderError('request', `Session not created: ${first.message}${more}`, { where: first.path });
    }
    try {
      const fetched = await this.call(CreatedSessionSchema(), 'POST', '/v1/sessions', 'Browserbase created session', options, {
        json: createSessionBody(this.config.projectId, params),
      });
      return { ...this.reading(fetched), session: fetched.body };
    } catch (error) {
      throw this.explainCreateFailure(error, params);
    }
  }

  /** Ends a (keep-alive) session now, the documented way to stop its billing before the timeout. */
  async releaseSession(id: string, options: CallOptions = {}): Promise<BrowserbaseSessionResult> {
    const json: Record<string, string> = { status: 'REQUEST_RELEASE' };
    if (this.config.projectId !== '') json.projectId = this.config.projectId;
    const fetched = await this.call(SessionSchema(), 'POST', sessionPath(id), 'Browserbase released session', options, { json });
    return { ...this.reading(fetched), session: fetched.body };
  }

  /** Live-view URLs of a running session, one per tab. */
  async sessionDebugUrls(id: string, options: CallOptions = {}): Promise<BrowserbaseDebugUrlsResult> {
    const fetched = await this.call(SessionLiveURLsSchema(), 'GET', `${sessionPath(id)}/debug`, 'Browserbase live-view URLs', options);
    return { ...this.reading(fetched), urls: fetched.body };
  }

  private requireProjectId(): string {
    if (this.config.projectId.trim() === '') {
      throw new ProviderError('request', 'No Browserbase project id is set; choose a project first');
    }
    return pathId(this.config.projectId, 'browserbaseProject');
  }

  private auth(): Auth {
    const token = this.config.token;
    if (!token) throw new ProviderError('auth', 'No Browserbase API key is set');
    return { kind: 'header', name: API_KEY_HEADER, token };
  }

  private reading<T>(fetched: Fetched<T>, samples: Reading['samples'] = []): Reading {
    return { fetchedAt: fetched.fetchedAt, samples, ...(fetched.rateLimit ? { rateLimit: fetched.rateLimit } : {}) };
  }

  private async call<T>(
    schema: z.ZodMiniType<T>,
    method: 'GET' | 'POST',
    path: string,
    what: string,
    options: CallOptions,
    extra: { readonly query?: Readonly<Record<string, string>>; readonly json?: unknown } = {},
  ): Promise<Fetched<T>> {
    const response = await this.http.json({
      method,
      url: joinUrl(this.config.baseUrl, path),
      auth: this.auth(),
      ...(extra.query ? { query: extra.query } : {}),
      ...(extra.json === undefined ? {} : { json: extra.json }),
      ...requestLimits(this.config),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const body = parseResponse(schema, response.body, what, response.url);
    return { body, fetchedAt: this.now(), ...(response.rateLimit ? { rateLimit: response.rateLimit } : {}) };
  }

  private explainCreateFailure(error: unknown, params: CreateSessionParams): unknown {
    if (!(error instanceof ProviderError)) return error;
    const details = {
      ...(error.status === undefined ? {} : { status: error.status }),
      ...(error.url === undefined ? {} : { url: error.url }),
      ...(error.rateLimit ? { rateLimit: error.rateLimit } : {}),
      ...(error.serverMessage === undefined ? {} : { serverMessage: error.serverMessage }),
    };
    const said = error.serverMessage ? ` Browserbase said: ${error.serverMessage}` : '';
    if (error.kind === 'rateLimited') {
      const retryAfterMs = error.retryAfterMs ?? retryFromReset(error.rateLimit, this.now());
      const wait = retryAfterMs === undefined ? '' : ` Try again in ${Math.max(1, Math.ceil(retryAfterMs / 1000))} s.`;
      return new ProviderError(
        'rateLimited',
        `Browserbase did not start the session: the plan's concurrency limit is reached (or sessions are being created too fast) (HTTP 429). Release a running session instead of retrying.${wait}${said}`,
        { ...details, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) },
      );
    }
    if (error.status === 401 || error.status === 402) {
      const features = planGatedFeatures(params);
      const asked = features.length > 0 ? ` (this request asked for ${features.join(', ')})` : '';
      const keyHint = error.status === 401 ? ' If other Browserbase calls fail too, check the API key.' : '';
      return new ProviderError(
        error.kind,
        `Browserbase refused to create the session (HTTP ${error.status}): a feature may not be included in your plan, e.g. keepAlive or proxies on the free plan${asked}.${keyHint}${said}`,
        details,
      );
    }
    return error;
  }
}

function sessionPath(id: string): string {
  return `/v1/sessions/${encodeURIComponent(pathId(id, 'browserbaseSession'))}`;
}

/** When the 429 carries no Retry-After, the rate-limit reset is the next best wait. */
function retryFromReset(rateLimit: RateLimitInfo | undefined, now: number): number | undefined {
  if (rateLimit?.resetAt === undefined) return undefined;
  return Math.max(0, rateLimit.resetAt - now);
}
