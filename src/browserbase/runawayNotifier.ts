/**
 * Decides which runaway sessions get a notification: each session once, ever. What was notified is
 * persisted (VS Code's globalState), so a reload, a restart or another window taking over the polling
 * does not repeat it. Pure apart from the injected store and clock; showing it is runawayPresenter.ts.
 */
import type { NotifiedConnection, QuotaNotifierStore } from '../quota/quotaNotifier';
import { connectionDisplayName } from '../quota/quotaNotifier';
import { formatClockTime, type DateFormatOptions } from '../shared/format';
import { formatRunningFor, type RunawaySession } from '../shared/runawaySessions';

export const RUNAWAY_NOTIFIER_STATE_KEY = 'liveUsage.runawayNotifier.v1';
/** Browserbase ends a session after six hours at most: a week later its id can only be noise. */
const FORGET_AFTER_MS = 7 * 24 * 60 * 60 * 1000;
/** Per connection: far more than any project runs at once, and a bound on what a hostile list can store. */
const MAX_REMEMBERED = 500;

type Remembered = Map<string, Map<string, number>>;

function readState(raw: unknown): Remembered {
  const state: Remembered = new Map();
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return state;
  for (const [connectionId, sessions] of Object.entries(raw as Record<string, unknown>)) {
    if (!sessions || typeof sessions !== 'object' || Array.isArray(sessions)) continue;
    const entries = new Map<string, number>();
    for (const [sessionId, at] of Object.entries(sessions as Record<string, unknown>)) {
      if (typeof at === 'number' && Number.isFinite(at)) entries.set(sessionId, at);
    }
    if (entries.size > 0) state.set(connectionId, entries);
  }
  return state;
}

export class RunawayNotifier {
  private readonly state: Remembered;
  private writes: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: QuotaNotifierStore,
    private readonly clock: () => number,
    private readonly onPersistError: (error: unknown) => void = () => undefined,
  ) {
    this.state = readState(store.get<unknown>(RUNAWAY_NOTIFIER_STATE_KEY));
  }

  /** The runaways never notified before, now recorded as notified. */
  evaluate(connectionId: string, runaways: readonly RunawaySession[]): RunawaySession[] {
    if (runaways.length === 0) return [];
    const now = this.clock();
    let remembered = this.state.get(connectionId);
    const fresh = runaways.filter((session) => !remembered?.has(session.id));
    if (fresh.length === 0) return [];
    if (!remembered) {
      remembered = new Map();
      this.state.set(connectionId, remembered);
    }
    for (const session of fresh) remembered.set(session.id, now);
    this.prune(remembered, now);
    void this.persist();
    return fresh;
  }

  wasNotified(connectionId: string, sessionId: string): boolean {
    return this.state.get(connectionId)?.has(sessionId) === true;
  }

  /** Drops what a removed connection remembers, so a new one reusing the id starts clean. */
  forgetConnection(connectionId: string): Promise<void> {
    if (!this.state.delete(connectionId)) return this.writes;
    return this.persist();
  }

  /** Resolves when every change so far has been handed to the store. */
  flush(): Promise<void> {
    return this.writes;
  }

  private prune(remembered: Map<string, number>, now: number): void {
    for (const [id, at] of remembered) if (now - at > FORGET_AFTER_MS) remembered.delete(id);
    // Maps keep insertion order: the oldest notified go first.
    for (const id of remembered.keys()) {
      if (remembered.size <= MAX_REMEMBERED) break;
      remembered.delete(id);
    }
  }

  // Each write carries the whole state and they reach the store in order, so the last one wins.
  private persist(): Promise<void> {
    const snapshot = Object.fromEntries([...this.state].map(([connectionId, sessions]) => [connectionId, Object.fromEntries(sessions)]));
    this.writes = this.writes.then(async () => {
      try {
        await this.store.update(RUNAWAY_NOTIFIER_STATE_KEY, snapshot);
      } catch (error) {
        this.onPersistError(error);
      }
    });
    return this.writes;
  }
}

/**
 * "Browserbase (prod): session 3f2a9c1e-… has run for 47 min, past the 30 min you set for runaways
 * (keep-alive; client=acme). It is billed until you release it or it times out at 18:02."
 */
export function runawayMessage(connection: NotifiedConnection, session: RunawaySession, thresholdMinutes: number, options: DateFormatOptions = {}): string {
  const format = options.locale === undefined ? {} : { locale: options.locale };
  const facts = [session.keepAlive ? 'keep-alive' : '', session.tags].filter(Boolean).join('; ');
  const ends = session.expiresAt === undefined ? 'it times out' : `it times out at ${formatClockTime(session.expiresAt, options)}`;
  return (
    `${connectionDisplayName(connection)}: session ${session.id} has run for ${formatRunningFor(session.runningMs, format)}, ` +
    `past the ${thresholdMinutes} min runaway threshold${facts ? ` (${facts})` : ''}. It is billed until you release it or ${ends}.`
  );
}
