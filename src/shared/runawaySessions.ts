/**
 * Runaway Browserbase sessions: sessions still running longer than the connection's threshold
 * (`runawaySessionMinutes`, default 30), keep-alive ones included. Each bills until it is released or
 * times out (up to six hours), and holds one of the project's concurrent slots meanwhile. Pure and
 * shared: the poll keeps the running sessions, the snapshot builder picks the runaways, and the status
 * bar, the card, the sessions table and the notification all read the same list.
 */
import { formatDuration, type FormatOptions } from './format';
import { formatKeyPath } from './metadataQuery';

export const DEFAULT_RUNAWAY_MINUTES = 30;
export const MIN_RUNAWAY_MINUTES = 1;
/** Browserbase ends every session after six hours at the latest: a longer threshold would never fire. */
export const MAX_RUNAWAY_MINUTES = 360;
/** A snapshot lists this many runaways by name; the rest are counted. */
export const MAX_LISTED_RUNAWAYS = 20;
/** A poll keeps this many running sessions: a project's concurrency is far lower, a hostile list is not. */
export const MAX_KEPT_RUNNING = 200;
/** Tags as shown beside a session: enough to recognise it, never a wall of text. */
const MAX_TAG_CHARS = 160;
const MAX_REGION_CHARS = 40;
/**
 * Browserbase session ids are UUIDs (src/providers/ids.ts, which this shared module cannot import):
 * a listed session with any other id could be neither released nor shown safely, so it is left out.
 */
const SESSION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What a poll keeps of one running session: only fields a person or a model needs, no URLs or keys. */
export interface RunningSession {
  readonly id: string;
  /** Epoch ms. */
  readonly startedAt: number;
  readonly keepAlive: boolean;
  readonly region: string;
  /** Epoch ms at which Browserbase ends it anyway (its timeout), when known. */
  readonly expiresAt?: number;
  /** `client=acme, workflow > name=checkout`: its userMetadata strings, cut short. */
  readonly tags: string;
}

export interface RunawaySession extends RunningSession {
  /** How long it has run at the snapshot's time. */
  readonly runningMs: number;
}

export interface RunawaySessions {
  readonly thresholdMinutes: number;
  /** Oldest first, at most MAX_LISTED_RUNAWAYS. */
  readonly sessions: readonly RunawaySession[];
  /** Runaways beyond the listed ones. */
  readonly more: number;
  /** When the running sessions were read. */
  readonly readAt: number;
}

/** The connection's threshold in minutes: its setting, else the default. */
export function runawayThresholdMinutes(setting: number | undefined): number {
  return setting !== undefined && Number.isFinite(setting) && setting >= MIN_RUNAWAY_MINUTES ? Math.min(setting, MAX_RUNAWAY_MINUTES) : DEFAULT_RUNAWAY_MINUTES;
}

/** Every string in the metadata as `key path=value`, in the order the server sent them, cut at a readable length. */
export function describeTags(metadata: unknown): string {
  const parts: string[] = [];
  let length = 0;
  const walk = (node: unknown, path: string[]): boolean => {
    if (!node || typeof node !== 'object' || Array.isArray(node)) return true;
    for (const [key, value] of Object.entries(node)) {
      if (length > MAX_TAG_CHARS) return false;
      if (typeof value === 'string') {
        const part = `${formatKeyPath([...path, key])}=${value}`;
        parts.push(part);
        length += part.length + 2;
      } else if (!walk(value, [...path, key])) return false;
    }
    return true;
  };
  const complete = walk(metadata, []);
  const text = parts.join(', ');
  if (complete && text.length <= MAX_TAG_CHARS) return text;
  return `${text.slice(0, MAX_TAG_CHARS - 1)}…`;
}

/** The fields a session list item has that matter here (a Browserbase Session fits). */
export interface ListedSession {
  readonly id: string;
  readonly status: string;
  readonly projectId: string;
  readonly startedAt?: string | null;
  readonly expiresAt?: string | null;
  readonly endedAt?: string | null;
  readonly keepAlive: boolean;
  readonly region: string;
  readonly userMetadata?: unknown;
}

/**
 * Sessions of the project the list calls RUNNING: what its concurrency limit counts. The list answers
 * for every project the key can see: a session of another project, or one that names none, is not counted.
 */
export function countRunning(sessions: readonly Pick<ListedSession, 'status' | 'projectId'>[], projectId: string): number {
  return sessions.filter((session) => session.status === 'RUNNING' && projectId !== '' && session.projectId === projectId).length;
}

/**
 * The project's running sessions as a poll keeps them: RUNNING, not ended, with a start time; oldest
 * first, at most MAX_KEPT_RUNNING. Sessions of other projects the key can see are left out.
 */
export function runningSessionsOf(sessions: readonly ListedSession[], projectId: string): RunningSession[] {
  const running: RunningSession[] = [];
  for (const session of sessions) {
    if (session.status !== 'RUNNING' || session.endedAt || projectId === '' || session.projectId !== projectId || !SESSION_ID.test(session.id)) continue;
    const startedAt = session.startedAt ? Date.parse(session.startedAt) : NaN;
    if (Number.isNaN(startedAt)) continue;
    const expiresAt = session.expiresAt ? Date.parse(session.expiresAt) : NaN;
    running.push({
      id: session.id,
      startedAt,
      keepAlive: session.keepAlive,
      region: session.region.slice(0, MAX_REGION_CHARS),
      ...(Number.isNaN(expiresAt) ? {} : { expiresAt }),
      tags: describeTags(session.userMetadata),
    });
  }
  return running.sort((a, b) => a.startedAt - b.startedAt).slice(0, MAX_KEPT_RUNNING);
}

/**
 * The running sessions older than the threshold at `now`, oldest first. A session past its own
 * `expiresAt` has ended on Browserbase's side whatever the last list said, so it is not one.
 */
export function findRunaways(running: readonly RunningSession[], thresholdMinutes: number, now: number, readAt: number): RunawaySessions {
  const thresholdMs = thresholdMinutes * 60_000;
  const runaways = running
    .filter((session) => now - session.startedAt >= thresholdMs && (session.expiresAt === undefined || session.expiresAt > now))
    .sort((a, b) => a.startedAt - b.startedAt)
    .map((session) => ({ ...session, runningMs: Math.max(0, now - session.startedAt) }));
  return {
    thresholdMinutes,
    sessions: runaways.slice(0, MAX_LISTED_RUNAWAYS),
    more: Math.max(0, runaways.length - MAX_LISTED_RUNAWAYS),
    readAt,
  };
}

/** A session id short enough for a tooltip or a toast, still recognisable: `3f2a9c1e…`. */
export function shortSessionId(id: string): string {
  return id.length > 13 ? `${id.slice(0, 8)}…` : id;
}

/** How long a session has run, in whole minutes once past one ("47 min", not "47 min 1 s"): its age, not a stopwatch. */
export function formatRunningFor(ms: number, options: FormatOptions = {}): string {
  const seconds = Math.max(0, ms) / 1000;
  return formatDuration(seconds < 60 ? Math.round(seconds) : Math.floor(seconds / 60) * 60, options);
}

/** The fields of a listed session that say whether it is a runaway (a sessions panel row fits). */
export interface MarkableSession {
  readonly status: string;
  readonly startedAt?: string | null;
  readonly endedAt?: string | null;
  readonly keepAlive: boolean;
}

/**
 * "Runaway: running for 47 min, over the 30 min threshold, keep-alive": what a sessions table says
 * beside a session that is a runaway at `now`, by the rule the snapshot lists them; undefined when it is not one.
 */
export function runawayWords(session: MarkableSession, thresholdMinutes: number, now: number, options: FormatOptions = {}): string | undefined {
  if (session.status !== 'RUNNING' || session.endedAt || !session.startedAt) return undefined;
  const runningMs = now - Date.parse(session.startedAt);
  if (!(runningMs >= thresholdMinutes * 60_000)) return undefined;
  return `Runaway: running for ${formatRunningFor(runningMs, options)}, over the ${thresholdMinutes} min threshold${session.keepAlive ? ', keep-alive' : ''}`;
}
