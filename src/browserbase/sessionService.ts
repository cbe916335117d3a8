/**
 * Tagged Browserbase sessions for one configured connection: find them by a metadata query, launch
 * one with tags, release it, get its live-view URLs. The token is read per call and handed only to
 * the client's HttpClient auth; nothing here logs or keeps it.
 */
import { ProviderError, type ProviderErrorDetails } from '../http/errors';
import type { BrowserbaseClient, BrowserbaseConfig } from '../providers/browserbase/client';
import { createSessionProblems, MAX_SESSION_TIMEOUT_S, MIN_SESSION_TIMEOUT_S } from '../providers/browserbase/normalize';
import { KNOWN_REGIONS, type CreatedSession, type Session, type SessionLiveURLs } from '../providers/browserbase/schemas';
import type { ConnectionConfig } from '../shared/connections';
import {
  buildServerQuery,
  matchesConditions,
  metadataFromConditions,
  validateQuery,
  type MetadataCondition,
  type MetadataQuery,
  type ServerQueryPlan,
} from '../shared/metadataQuery';
import { sessionsInCycle, type CycleWindow } from '../shared/costPerTag';
import { billingCycle } from '../quota/ruleSupport';
import { HEADROOM_OLDEST, type Headroom, type HeadroomView } from '../shared/headroom';
import { countRunning, runningSessionsOf } from '../shared/runawaySessions';

/** What the service needs from the extension host: tests give it a local server and their own clock. */
export interface SessionHost {
  connections(): readonly ConnectionConfig[];
  token(config: ConnectionConfig): Promise<string | undefined>;
  client(config: BrowserbaseConfig): BrowserbaseClient;
  now(): number;
}

/** The regions a session may start in (the first is Browserbase's default) and the timeouts it accepts, in seconds. */
export const SESSION_REGIONS: readonly string[] = KNOWN_REGIONS;
export const SESSION_TIMEOUT_RANGE: readonly [min: number, max: number] = [MIN_SESSION_TIMEOUT_S, MAX_SESSION_TIMEOUT_S];

export interface FoundSessions {
  /** Matching sessions of the connection's project, newest first as Browserbase lists them. */
  readonly sessions: Session[];
  readonly plan: ServerQueryPlan;
  /** How many the server returned before the local checks: the cost of a query sent without `q`. */
  readonly returned: number;
  readonly fetchedAt: number;
}

export interface CycleSessions {
  readonly sessions: readonly Session[];
  readonly cycle: CycleWindow;
  /** When the list was read. */
  readonly at: number;
}

export interface LaunchRequest {
  /** The session's userMetadata, as key path = string value rows. */
  readonly tags: readonly MetadataCondition[];
  readonly region?: string;
  readonly keepAlive?: boolean;
  /** Seconds (60–21600); absent for the project's default. */
  readonly timeout?: number;
}

export interface LaunchResult {
  readonly session: CreatedSession;
  /** True when this call joined a launch already under way (or just finished) instead of starting one. */
  readonly reused: boolean;
}

/** A second identical launch this soon after the first is a double click, not a wish for two browsers. */
const REPEAT_WINDOW_MS = 2000;

export class BrowserbaseSessionService {
  private readonly launches = new Map<string, { readonly key: string; readonly promise: Promise<CreatedSession>; settledAt?: number }>();

  constructor(readonly host: SessionHost) {}

  connections(): ConnectionConfig[] {
    return this.host.connections().filter((connection) => connection.kind === 'browserbase');
  }

  /**
   * Sends at most one safe condition as `q` (plus the status), then checks every condition on the
   * returned userMetadata, so the result is exact whether or not the server applied `q`. Sessions of
   * other projects the key can see are left out: usage is per project.
   */
  async find(connectionId: string, query: MetadataQuery, signal?: AbortSignal): Promise<FoundSessions> {
    const problem = validateQuery(query)[0];
    if (problem) throw new ProviderError('request', problem);
    const { client, config } = await this.client(connectionId);
    const plan = buildServerQuery(query);
    const result = await client.listSessions({ ...(plan.q ? { q: plan.q } : {}), ...(query.status ? { status: query.status } : {}) }, signal ? { signal } : {});
    const sessions = result.sessions.filter(
      (session) =>
        (!config.projectId || session.projectId === config.projectId) &&
        (!query.status || session.status === query.status) &&
        matchesConditions(session.userMetadata, query.conditions),
    );
    return { sessions, plan, returned: result.sessions.length, fetchedAt: result.fetchedAt };
  }

  /** Why a launch would be refused, checked without a request; empty when it can go. */
  launchProblems(request: LaunchRequest): string[] {
    const built = metadataFromConditions(request.tags);
    if ('problem' in built) return [built.problem];
    return createSessionProblems({ userMetadata: built.metadata, ...options(request) }).map((problem) => problem.message);
  }

  /**
   * Starts one billed browser. An identical request while it starts, or within two seconds after,
   * gets the same session (a double click starts one); a different one waits its turn.
   */
  launch(connectionId: string, request: LaunchRequest): Promise<LaunchResult> {
    const key = JSON.stringify(request);
    const current = this.launches.get(connectionId);
    if (current) {
      const busy = current.settledAt === undefined;
      if (current.key === key && (busy || this.host.now() - (current.settledAt ?? 0) < REPEAT_WINDOW_MS)) {
        return current.promise.then((session) => ({ session, reused: true }));
      }
      // Different tags while one is starting: joining would hand back a session with the wrong tags.
      if (busy) return Promise.reject(new ProviderError('request', 'Another session is being launched on this connection; wait for it to finish.'));
    }
    const entry: { key: string; promise: Promise<CreatedSession>; settledAt?: number } = { key, promise: this.start(connectionId, request) };
    this.launches.set(connectionId, entry);
    entry.promise.then(
      () => (entry.settledAt = this.host.now()),
      () => this.launches.get(connectionId) === entry && this.launches.delete(connectionId),
    );
    return entry.promise.then((session) => ({ session, reused: false }));
  }

  private async start(connectionId: string, request: LaunchRequest): Promise<CreatedSession> {
    const problem = this.launchProblems(request)[0];
    if (problem) throw new ProviderError('request', `Session not launched: ${problem}`);
    const built = metadataFromConditions(request.tags) as { metadata: Record<string, unknown> };
    const { client } = await this.client(connectionId);
    try {
      return (await client.createSession({ userMetadata: built.metadata, ...options(request) })).session;
    } catch (error) {
      if ((error as { kind?: unknown }).kind !== 'rateLimited') throw error;
      // Name the limit that was hit: the project's concurrency, read now (the 429 headers may describe the creation rate instead).
      const concurrency = await client.getProject({ signal: AbortSignal.timeout(5000) }).then(
        (reading) => reading.project.concurrency,
        () => undefined,
      );
      if (concurrency === undefined) throw error;
      const { message, status, url, retryAfterMs, rateLimit, serverMessage } = error as ProviderErrorDetails & { message: string };
      throw new ProviderError('rateLimited', `${message} This project allows ${concurrency} concurrent session${concurrency === 1 ? '' : 's'}.`, {
        status,
        url,
        retryAfterMs,
        rateLimit,
        serverMessage,
      });
    }
  }

  /**
   * The project's running sessions against its concurrency, read now (two GETs at once; nothing is
   * started). A part that cannot be read is left null with the reason, so a launch can still go ahead.
   */
  async headroom(connectionId: string, signal?: AbortSignal): Promise<Headroom> {
    const { client, config } = await this.client(connectionId);
    const options = signal ? { signal } : {};
    const [list, project] = await Promise.allSettled([client.listSessions({ status: 'RUNNING' }, options), client.getProject(options)]);
    const projectId = config.projectId ?? '';
    // Counted as the running-sessions figure counts them, so the form and the card agree.
    const running = list.status === 'fulfilled' ? countRunning(list.value.sessions, projectId) : null;
    const problems = [list, project].flatMap((result) => (result.status === 'rejected' ? [describeFailure(result.reason)] : []));
    return {
      running,
      limit: project.status === 'fulfilled' ? project.value.project.concurrency : null,
      readAt: this.host.now(),
      oldest: list.status === 'fulfilled' ? runningSessionsOf(list.value.sessions, projectId).slice(0, HEADROOM_OLDEST) : [],
      ...(problems.length > 0 ? { problem: [...new Set(problems)].join('; ') } : {}),
    };
  }

  /**
   * This billing cycle's sessions of the project, the list read whole: the set the cycle's minutes
   * are counted from, for its cost per tag (src/shared/costPerTag.ts).
   */
  async cycleSessions(connectionId: string, signal?: AbortSignal): Promise<CycleSessions> {
    const { client, config } = await this.client(connectionId);
    const result = await client.listSessions({}, signal ? { signal } : {});
    const cycle = billingCycle(result.fetchedAt, config.quota?.billingCycleDay);
    return { sessions: sessionsInCycle(result.sessions, config.projectId ?? '', cycle), cycle, at: result.fetchedAt };
  }

  async release(connectionId: string, sessionId: string): Promise<Session> {
    return (await (await this.client(connectionId)).client.releaseSession(sessionId)).session;
  }

  async session(connectionId: string, sessionId: string): Promise<Session> {
    return (await (await this.client(connectionId)).client.getSession(sessionId)).session;
  }

  async debugUrls(connectionId: string, sessionId: string): Promise<SessionLiveURLs> {
    return (await (await this.client(connectionId)).client.sessionDebugUrls(sessionId)).urls;
  }

  private async client(connectionId: string): Promise<{ client: BrowserbaseClient; config: ConnectionConfig }> {
    const config = this.connections().find((connection) => connection.id === connectionId);
    if (!config) throw new ProviderError('request', `No Browserbase connection ${JSON.stringify(connectionId)} is configured`);
    const token = await this.host.token(config);
    if (!token) throw new ProviderError('auth', `No Browserbase API key is set for ${config.label} (Live Usage: Set Token…)`);
    return { client: this.host.client({ baseUrl: config.baseUrl, token, projectId: config.projectId ?? '' }), config };
  }
}

const describeFailure = (error: unknown): string => (error instanceof Error ? error.message : String(error));

function options(request: LaunchRequest): { region?: string; keepAlive?: boolean; timeout?: number } {
  return {
    ...(request.region === undefined ? {} : { region: request.region }),
    ...(request.keepAlive === undefined ? {} : { keepAlive: request.keepAlive }),
    ...(request.timeout === undefined ? {} : { timeout: request.timeout }),
  };
}

/**
 * The one confirmation before a billed browser starts, worded the same from the palette, the panel and
 * the language model tool; with the project's headroom when it was read, its 429 warning first.
 */
export function launchConfirmation(connectionLabel: string, request: LaunchRequest, headroom?: HeadroomView): { message: string; detail: string } {
  const built = metadataFromConditions(request.tags);
  const region = request.region ?? 'the default region';
  return {
    message: `Start a billed Browserbase browser on ${connectionLabel}?`,
    detail: [
      ...(headroom?.warning ? [`Warning: ${headroom.warning}`] : []),
      ...(headroom ? [`Headroom: ${headroom.text}`] : []),
      `Tags (userMetadata): ${'metadata' in built ? JSON.stringify(built.metadata) : ''}`,
      `Region ${region}${request.keepAlive ? ', keep-alive' : ''}, timeout ${request.timeout === undefined ? "the project's default" : `${request.timeout} s`}.`,
      `Browserbase bills every session for at least one minute${request.keepAlive ? ', and a keep-alive browser runs until you release it or it times out' : ''}.`,
    ].join('\n'),
  };
}
