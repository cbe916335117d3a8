/**
 * Pure Browserbase logic: samples from API bodies, session durations, and the checks a create request
 * must pass before it is sent. No I/O, so the UI can run the same checks on a form as the client does.
 */
import { countSample, type Sample } from '../../shared/samples';
import { sessionsInCycle } from '../../shared/costPerTag';
import { countRunning } from '../../shared/runawaySessions';
import { usageDurationMs, usageTotals } from '../../shared/usageByTag';
import { BROWSERBASE_SERIES } from './descriptor';
import { FINISHED_SESSION_STATUSES, type Project, type ProjectUsage, type Session } from './schemas';

/** Browserbase measures `JSON.stringify(userMetadata).length` and requires it to be under this. */
export const MAX_USER_METADATA_CHARS = 512;
export const MIN_SESSION_TIMEOUT_S = 60;
export const MAX_SESSION_TIMEOUT_S = 21_600;

/**
 * Whether the usage covers the billing cycle or the project lifetime is not documented: the quota rules
 * decide it (the connection's usageScope) and say which in their detail.
 */
export const REPORTED_USAGE_NOTE =
  'Browserbase does not say whether its usage figures cover the billing cycle or the project’s lifetime: the Browser minutes row says which is used, and why.';

export function usageSamples(usage: ProjectUsage, projectId: string, at: number): Sample[] {
  const labels = { project: projectId, basis: 'reported usage' };
  return [
    countSample(BROWSERBASE_SERIES.usage.browserMinutes, usage.browserMinutes, at, { unit: 'minutes', labels }),
    countSample(BROWSERBASE_SERIES.usage.proxyBytes, usage.proxyBytes, at, { unit: 'bytes', labels }),
  ];
}

/** The project's concurrency limit, charted next to running sessions. */
export function projectSamples(project: Project, at: number): Sample[] {
  return [countSample(BROWSERBASE_SERIES.project.concurrencyLimit, project.concurrency, at, { labels: { project: project.id } })];
}

/**
 * Sessions of the project running now. The list answers for every project the key can see, and only
 * this project's count against its concurrency limit: a session of another project, or one that names
 * no project, is not counted.
 */
export function runningSamples(sessions: readonly Pick<Session, 'status' | 'projectId'>[], projectId: string, at: number): Sample[] {
  return [countSample(BROWSERBASE_SERIES.sessions.running, countRunning(sessions, projectId), at)];
}

/**
 * This billing cycle's use counted from the sessions list, the way Browserbase bills it: every session
 * of the project that started in the cycle, in whole minutes and at least one (running ones up to
 * `at`), and the proxy bytes they moved. A session that started before the cycle counts in the cycle
 * it started in.
 */
export function cycleSamples(sessions: readonly Session[], projectId: string, cycle: { readonly start: number; readonly end: number }, at: number): Sample[] {
  // The same set the cost per tag of the cycle groups (src/shared/costPerTag.ts), so the two add up alike.
  const totals = usageTotals(sessionsInCycle(sessions, projectId, cycle), at);
  const labels = { project: projectId };
  const ids = BROWSERBASE_SERIES.cycle;
  return [
    countSample(ids.browserMinutes, totals.minutes, at, { unit: 'minutes', labels }),
    countSample(ids.proxyBytes, totals.proxyBytes, at, { unit: 'bytes', labels }),
    countSample(ids.sessions, totals.sessions, at, { labels }),
  ];
}

export function isSessionFinished(session: Pick<Session, 'status' | 'endedAt'>): boolean {
  return Boolean(session.endedAt) || FINISHED_SESSION_STATUSES.has(session.status);
}

/**
 * Billed-time estimate of one session: endedAt - startedAt, or now - startedAt while it runs; null
 * when it cannot be known. The one rule is usageDurationMs (src/shared/usageByTag.ts), which the
 * panel's usage by tag also uses.
 */
export function sessionDurationMs(session: Pick<Session, 'status' | 'startedAt' | 'endedAt'>, now: number = Date.now()): number | null {
  return usageDurationMs(session, now);
}

/** Reads a nested string from userMetadata, e.g. `['order', 'status']`; undefined unless it is a string. */
export { metadataString as metadataValue } from '../../shared/metadataQuery';

// ---------------------------------------------------------------------------------------------
// Create-session checks

export type SessionProxy =
  | {
      readonly type: 'browserbase';
      readonly geolocation?: { readonly country: string; readonly city?: string; readonly state?: string };
      readonly domainPattern?: string;
    }
  | { readonly type: 'external'; readonly server: string; readonly username?: string; readonly password?: string; readonly domainPattern?: string }
  | { readonly type: 'none'; readonly domainPattern?: string };

export interface BrowserSettings {
  readonly viewport?: { readonly width?: number; readonly height?: number };
  readonly context?: { readonly id: string; readonly persist?: boolean };
  readonly blockAds?: boolean;
  readonly solveCaptchas?: boolean;
  readonly recordSession?: boolean;
  readonly logSession?: boolean;
  readonly advancedStealth?: boolean;
}

export interface CreateSessionParams {
  /** The tags the session is found by later. String leaves only, no arrays, under 512 chars as JSON. */
  readonly userMetadata: Readonly<Record<string, unknown>>;
  readonly keepAlive?: boolean;
  /** Seconds, 60–21600. Omitted: the project's defaultTimeout. */
  readonly timeout?: number;
  readonly region?: string;
  readonly proxies?: true | readonly SessionProxy[];
  readonly browserSettings?: BrowserSettings;
  readonly extensionId?: string;
}

export interface CreateProblem {
  /** The offending field, e.g. `userMetadata.order.total` or `timeout`. */
  readonly path: string;
  readonly message: string;
}

function childPath(parent: string, key: string): string {
  return /^[A-Za-z_$][\w$-]*$/.test(key) ? `${parent}.${key}` : `${parent}[${JSON.stringify(key)}]`;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return `${typeof value} ${String(value)}`;
  if (typeof value === 'object') return value.constructor?.name ? `a ${value.constructor.name}` : 'an object';
  return `a ${typeof value}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * Everything wrong with a userMetadata object, each problem naming its key. The rules are
 * Browserbase's: a JSON object, nested objects allowed, no arrays, string values only (only strings
 * can be queried; the UI coerces form values before calling), under 512 characters as JSON.
 */
export function userMetadataProblems(metadata: unknown): CreateProblem[] {
  const root = 'userMetadata';
  if (!isPlainObject(metadata)) {
    return [{ path: root, message: `userMetadata must be a JSON object, not ${Array.isArray(metadata) ? 'an array' : describeValue(metadata)}` }];
  }
  const problems: CreateProblem[] = [];
  const ancestors = new Set<object>();
  const walk = (node: Record<string, unknown>, path: string): void => {
    ancestors.add(node);
    for (const [key, value] of Object.entries(node)) {
      const at = childPath(path, key);
      if (typeof value === 'string') continue;
      if (Array.isArray(value)) {
        problems.push({ path: at, message: `${at} is an array; Browserbase metadata cannot hold arrays (use a nested object or one string)` });
      } else if (isPlainObject(value)) {
        if (ancestors.has(value)) problems.push({ path: at, message: `${at} refers back to an enclosing object; metadata must be plain JSON` });
        else walk(value, at);
      } else {
        const hint = typeof value === 'number' || typeof value === 'boolean' ? ` (send "${String(value)}")` : '';
        problems.push({
          path: at,
          message: `${at} is ${describeValue(value)}; metadata values must be strings, since Browserbase only matches string values${hint}`,
        });
      }
    }
    ancestors.delete(node);
  };
  walk(metadata, root);
  if (problems.length === 0) {
    const length = JSON.stringify(metadata).length;
    if (length >= MAX_USER_METADATA_CHARS) {
      problems.push({ path: root, message: `userMetadata is ${length} characters as JSON; Browserbase requires fewer than ${MAX_USER_METADATA_CHARS}` });
    }
  }
  return problems;
}

/** Everything that would make Browserbase refuse (or bill for) a create we can tell is wrong. */
export function createSessionProblems(params: CreateSessionParams): CreateProblem[] {
  const problems = userMetadataProblems(params.userMetadata);
  const { timeout } = params;
  if (timeout !== undefined && (!Number.isInteger(timeout) || timeout < MIN_SESSION_TIMEOUT_S || timeout > MAX_SESSION_TIMEOUT_S)) {
    problems.push({
      path: 'timeout',
      message: `timeout must be a whole number of seconds from ${MIN_SESSION_TIMEOUT_S} to ${MAX_SESSION_TIMEOUT_S} (6 hours); got ${String(timeout)}`,
    });
  }
  if (params.region !== undefined && params.region.trim() === '') {
    problems.push({ path: 'region', message: 'region must not be empty (omit it for the default, us-west-2)' });
  }
  return problems;
}

/** The POST /v1/sessions body: only the fields the caller set, so Browserbase defaults apply. */
export function createSessionBody(projectId: string, params: CreateSessionParams): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (projectId !== '') body.projectId = projectId;
  body.userMetadata = params.userMetadata;
  if (params.keepAlive !== undefined) body.keepAlive = params.keepAlive;
  if (params.timeout !== undefined) body.timeout = params.timeout;
  if (params.region !== undefined) body.region = params.region;
  if (params.proxies !== undefined) body.proxies = params.proxies;
  if (params.browserSettings !== undefined) body.browserSettings = params.browserSettings;
  if (params.extensionId !== undefined) body.extensionId = params.extensionId;
  return body;
}

/**
 * Plan-gated features the request asked for, to explain a 401/402 that is not really about the key:
 * keepAlive on the free plan gave 401 (open-operator#10), proxies reportedly 402; advanced stealth is
 * sold on higher plans.
 */
export function planGatedFeatures(params: CreateSessionParams): string[] {
  const features: string[] = [];
  if (params.keepAlive) features.push('keepAlive');
  if (params.proxies === true || (params.proxies !== undefined && params.proxies.some((proxy) => proxy.type !== 'none'))) features.push('proxies');
  if (params.browserSettings?.advancedStealth) features.push('advancedStealth');
  return features;
}
