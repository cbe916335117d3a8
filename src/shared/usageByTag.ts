/**
 * Usage of a set of Browserbase sessions, in total and per value of one metadata key ("minutes per
 * client"), as Browserbase's guide on measuring usage suggests. Pure and allocation-light, so the
 * panel can regroup ten thousand sessions on every change of the chosen key.
 */
import { metadataString } from './metadataQuery';

/** The fields read here; a full Browserbase Session fits. */
export interface UsageSession {
  readonly status: string;
  readonly startedAt?: string | null;
  readonly endedAt?: string | null;
  readonly proxyBytes: number;
  readonly userMetadata?: unknown;
}

export interface UsageFigures {
  readonly sessions: number;
  /** Billed browser minutes of the sessions whose duration is known. */
  readonly minutes: number;
  readonly durationMs: number;
  readonly proxyBytes: number;
  /** Sessions left out of minutes and duration: no start, or finished without an end time. */
  readonly unknownDurations: number;
  /** Sessions still running, whose minutes grow until they end. */
  readonly running: number;
}

export interface TagBucket extends UsageFigures {
  /** The tag value; null for sessions without a string at the key. */
  readonly value: string | null;
  readonly label: string;
}

export type BucketOrder = 'minutes' | 'sessions' | 'proxyBytes' | 'value';

export const NO_VALUE_LABEL = '(no value)';

/** Statuses after which a session no longer runs or bills. Other values, known or not, may still run. */
export const FINISHED_SESSION_STATUSES: ReadonlySet<string> = new Set(['COMPLETED', 'ERROR', 'TIMED_OUT']);
const MINUTE_MS = 60_000;

/**
 * endedAt - startedAt, or now - startedAt while running; null when unknowable, so a gap is never
 * summed as zero. Clamped at 0 against clock skew between Browserbase and this machine. The provider
 * client's sessionDurationMs is this function.
 */
export function usageDurationMs(session: Pick<UsageSession, 'status' | 'startedAt' | 'endedAt'>, now: number): number | null {
  if (!session.startedAt) return null;
  const start = Date.parse(session.startedAt);
  if (Number.isNaN(start)) return null;
  if (session.endedAt) {
    const end = Date.parse(session.endedAt);
    return Number.isNaN(end) ? null : Math.max(0, end - start);
  }
  return FINISHED_SESSION_STATUSES.has(session.status) ? null : Math.max(0, now - start);
}

/** Browserbase bills every session for at least one minute, and whole minutes after that. */
export function billedMinutes(durationMs: number): number {
  return Math.max(1, Math.ceil(durationMs / MINUTE_MS));
}

interface Accumulator {
  sessions: number;
  minutes: number;
  durationMs: number;
  proxyBytes: number;
  unknownDurations: number;
  running: number;
}

const empty = (): Accumulator => ({ sessions: 0, minutes: 0, durationMs: 0, proxyBytes: 0, unknownDurations: 0, running: 0 });

function add(into: Accumulator, session: UsageSession, duration: number | null): void {
  into.sessions++;
  into.proxyBytes += session.proxyBytes;
  if (duration === null) into.unknownDurations++;
  else {
    into.durationMs += duration;
    into.minutes += billedMinutes(duration);
    if (!session.endedAt) into.running++;
  }
}

export function usageTotals(sessions: readonly UsageSession[], now: number): UsageFigures {
  const totals = empty();
  for (const session of sessions) add(totals, session, usageDurationMs(session, now));
  return totals;
}

/**
 * Figures per value of the metadata string at `path`, biggest first by `order` (ties by value), with
 * the sessions lacking that tag in one "(no value)" bucket, always last. Totals come from the same
 * pass, so the buckets add up to them exactly.
 */
export function usageByTag(
  sessions: readonly UsageSession[],
  path: readonly string[],
  now: number,
  order: BucketOrder = 'minutes',
): { readonly buckets: TagBucket[]; readonly totals: UsageFigures } {
  const byValue = new Map<string, Accumulator>();
  const untagged = empty();
  const totals = empty();
  for (const session of sessions) {
    const duration = usageDurationMs(session, now);
    add(totals, session, duration);
    const value = metadataString(session.userMetadata, path);
    let bucket = untagged;
    if (value !== undefined) {
      bucket = byValue.get(value) ?? empty();
      byValue.set(value, bucket);
    }
    add(bucket, session, duration);
  }
  const buckets: TagBucket[] = [...byValue].map(([value, figures]) => ({ ...figures, value, label: value }));
  const byValueText = (a: TagBucket, b: TagBucket) => ((a.value ?? '') < (b.value ?? '') ? -1 : (a.value ?? '') > (b.value ?? '') ? 1 : 0);
  buckets.sort(order === 'value' ? byValueText : (a, b) => b[order] - a[order] || byValueText(a, b));
  if (untagged.sessions > 0) buckets.push({ ...untagged, value: null, label: NO_VALUE_LABEL });
  return { buckets, totals };
}

/** Every key path holding a string in some session, most common first: the choices for "break down by". */
export function metadataKeyPaths(sessions: readonly UsageSession[]): { readonly path: string[]; readonly sessions: number }[] {
  const counts = new Map<string, { path: string[]; sessions: number }>();
  const walk = (node: unknown, path: string[]): void => {
    if (!node || typeof node !== 'object' || Array.isArray(node)) return;
    for (const [key, value] of Object.entries(node)) {
      const at = [...path, key];
      if (typeof value === 'string') {
        const id = JSON.stringify(at);
        const entry = counts.get(id) ?? { path: at, sessions: 0 };
        entry.sessions++;
        counts.set(id, entry);
      } else walk(value, at);
    }
  };
  for (const session of sessions) walk(session.userMetadata, []);
  return [...counts.values()].sort((a, b) => b.sessions - a.sessions || (JSON.stringify(a.path) < JSON.stringify(b.path) ? -1 : 1));
}
