/**
 * Decides WHEN a quota deserves a notification; showing it (and its buttons) is the host's job. Pure
 * apart from the injected store and clock, so it runs in plain Node tests.
 *
 * Per connection and rule: one notification per upward crossing (ok -> warning, warning -> critical),
 * none while the level stays, re-armed by a real reading back at ok. The highest level notified is
 * persisted, so a reload does not repeat a notification the user already saw. Snoozes and
 * "don't show again" are persisted the same way.
 */
import { PROVIDER_NAMES } from '../providers/registry';
import type { ProviderKind } from '../shared/connections';
import type { QuotaLevel, QuotaStatus } from '../shared/snapshot';
import { describeQuota } from './describeQuota';
import { levelRank } from './evaluateQuotas';

/** The shape of VS Code's Memento (globalState), which is what the host passes. */
export interface QuotaNotifierStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void>;
}

export type Clock = () => number;

export interface QuotaNotification {
  readonly connectionId: string;
  readonly ruleId: string;
  readonly level: Exclude<QuotaLevel, 'ok'>;
  /** Plain words with the numbers, e.g. "Browserbase (prod): 5,520 of 6,000 browser minutes used (92 %); …". */
  readonly message: string;
}

export interface NotifiedConnection {
  readonly id: string;
  readonly label: string;
  /** When given, the provider name is added unless the label already says it: "Browserbase (prod)". */
  readonly kind?: ProviderKind;
}

export interface QuotaNotifierOptions {
  /**
   * After a notification, a new crossing to the same (or a lower) level of that rule waits this long
   * before notifying again. Concurrency that hovers around a threshold (7/10, 8/10, 7/10…) would
   * otherwise notify on every poll that re-crosses it. Escalation to a higher level is never held back,
   * and a level that persists past the cooldown does notify. Default 15 minutes; 0 turns it off.
   */
  readonly repeatCooldownMs?: number;
  readonly locale?: string;
  /** Called when persisting fails; the in-memory state stays authoritative either way. */
  readonly onPersistError?: (error: unknown) => void;
}

export const QUOTA_NOTIFIER_STATE_KEY = 'liveUsage.quotaNotifier.v1';
export const DEFAULT_REPEAT_COOLDOWN_MS = 15 * 60 * 1000;
export const ONE_HOUR_MS = 60 * 60 * 1000;

interface RuleState {
  /** Highest level notified since the rule was last re-armed ('ok' = armed). */
  notified: QuotaLevel;
  notifiedAt?: number;
  /** Level of the notification sent at `notifiedAt`, for the repeat cooldown. */
  lastNotifiedLevel?: QuotaLevel;
  snoozedUntil?: number;
  silenced?: boolean;
}

type PersistedState = Record<string, Record<string, RuleState>>;

function isLevel(value: unknown): value is QuotaLevel {
  return value === 'ok' || value === 'warning' || value === 'critical';
}

function finiteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Rebuilds the state from storage, keeping only well-formed entries: stored data may come from an older or broken version. */
function readState(raw: unknown): Map<string, Map<string, RuleState>> {
  const state = new Map<string, Map<string, RuleState>>();
  if (!isRecord(raw)) return state;
  for (const [connectionId, rules] of Object.entries(raw)) {
    if (!isRecord(rules)) continue;
    const ruleStates = new Map<string, RuleState>();
    for (const [ruleId, entry] of Object.entries(rules)) {
      if (!isRecord(entry)) continue;
      const ruleState: RuleState = { notified: isLevel(entry.notified) ? entry.notified : 'ok' };
      if (finiteNumber(entry.notifiedAt)) ruleState.notifiedAt = entry.notifiedAt;
      if (isLevel(entry.lastNotifiedLevel)) ruleState.lastNotifiedLevel = entry.lastNotifiedLevel;
      if (finiteNumber(entry.snoozedUntil)) ruleState.snoozedUntil = entry.snoozedUntil;
      if (entry.silenced === true) ruleState.silenced = true;
      ruleStates.set(ruleId, ruleState);
    }
    if (ruleStates.size > 0) state.set(connectionId, ruleStates);
  }
  return state;
}

/** "Browserbase (prod)" for a label that does not name its provider; the label alone otherwise. */
export function connectionDisplayName(connection: NotifiedConnection): string {
  if (!connection.kind) return connection.label;
  const provider = PROVIDER_NAMES[connection.kind];
  return connection.label.toLowerCase().includes(provider.toLowerCase()) ? connection.label : `${provider} (${connection.label})`;
}

/** The notification text: connection, headline with numbers, detail, as one sentence. */
export function quotaNotificationMessage(connection: NotifiedConnection, status: QuotaStatus, locale?: string): string {
  const text = `${connectionDisplayName(connection)}: ${describeQuota(status, locale === undefined ? {} : { locale })}`;
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/** "Snooze for 1 hour". */
export function snoozeForAnHour(now: number): number {
  return now + ONE_HOUR_MS;
}

/** "Snooze until tomorrow": the start of the next day on this machine's clock, when the user's day starts again. */
export function snoozeUntilTomorrow(now: number): number {
  const date = new Date(now);
  // setHours(24) moves to the next local midnight, also across daylight-saving changes.
  date.setHours(24, 0, 0, 0);
  return date.getTime();
}

export class QuotaNotifier {
  private readonly state: Map<string, Map<string, RuleState>>;
  private readonly cooldownMs: number;
  private writes: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: QuotaNotifierStore,
    private readonly clock: Clock,
    private readonly options: QuotaNotifierOptions = {},
  ) {
    this.state = readState(store.get<unknown>(QUOTA_NOTIFIER_STATE_KEY));
    const cooldown = options.repeatCooldownMs;
    this.cooldownMs = finiteNumber(cooldown) && cooldown >= 0 ? cooldown : DEFAULT_REPEAT_COOLDOWN_MS;
  }

  /** The notifications this evaluation calls for (possibly none), recording them as sent. */
  evaluate(connection: NotifiedConnection, statuses: readonly QuotaStatus[]): QuotaNotification[] {
    const now = this.clock();
    const notifications: QuotaNotification[] = [];
    let changed = false;
    for (const status of statuses) {
      const rule = this.ruleState(connection.id, status.id);
      if (rule.snoozedUntil !== undefined && now >= rule.snoozedUntil) {
        delete rule.snoozedUntil;
        changed = true;
      }
      if (status.level === 'ok') {
        // Only a real reading re-arms: "no value yet" after a reload or a failed poll says nothing
        // about the quota, and re-arming on it would repeat a notification already shown.
        if (status.value !== null && rule.notified !== 'ok') {
          rule.notified = 'ok';
          changed = true;
        }
        continue;
      }
      // Staying at a level, or easing from critical to warning, is not a new crossing.
      if (levelRank(status.level) <= levelRank(rule.notified)) continue;
      if (rule.silenced || rule.snoozedUntil !== undefined) continue;
      if (
        this.cooldownMs > 0 &&
        rule.notifiedAt !== undefined &&
        now - rule.notifiedAt < this.cooldownMs &&
        levelRank(status.level) <= levelRank(rule.lastNotifiedLevel ?? 'ok')
      ) {
        continue;
      }
      rule.notified = status.level;
      rule.notifiedAt = now;
      rule.lastNotifiedLevel = status.level;
      changed = true;
      notifications.push({
        connectionId: connection.id,
        ruleId: status.id,
        level: status.level,
        message: quotaNotificationMessage(connection, status, this.options.locale),
      });
    }
    // persist() reports failures through onPersistError and never rejects.
    if (changed) void this.persist();
    return notifications;
  }

  /** No notification for this rule before `untilMs` (see snoozeForAnHour, snoozeUntilTomorrow); one after it if the level is still up. */
  snooze(connectionId: string, ruleId: string, untilMs: number): Promise<void> {
    this.ruleState(connectionId, ruleId).snoozedUntil = untilMs;
    return this.persist();
  }

  /** "Don't show again" for this rule of this connection, until unsilenced. */
  silence(connectionId: string, ruleId: string): Promise<void> {
    this.ruleState(connectionId, ruleId).silenced = true;
    return this.persist();
  }

  unsilence(connectionId: string, ruleId: string): Promise<void> {
    delete this.ruleState(connectionId, ruleId).silenced;
    return this.persist();
  }

  isSilenced(connectionId: string, ruleId: string): boolean {
    return this.state.get(connectionId)?.get(ruleId)?.silenced === true;
  }

  /** The end of an active snooze, or undefined. */
  snoozedUntil(connectionId: string, ruleId: string): number | undefined {
    const until = this.state.get(connectionId)?.get(ruleId)?.snoozedUntil;
    return until !== undefined && until > this.clock() ? until : undefined;
  }

  /** Drops everything about a removed connection, so a new one reusing the id starts clean. */
  forgetConnection(connectionId: string): Promise<void> {
    if (!this.state.delete(connectionId)) return this.writes;
    return this.persist();
  }

  /** Resolves when every state change so far has been handed to the store. */
  flush(): Promise<void> {
    return this.writes;
  }

  private ruleState(connectionId: string, ruleId: string): RuleState {
    let rules = this.state.get(connectionId);
    if (!rules) {
      rules = new Map();
      this.state.set(connectionId, rules);
    }
    let rule = rules.get(ruleId);
    if (!rule) {
      rule = { notified: 'ok' };
      rules.set(ruleId, rule);
    }
    return rule;
  }

  private serialize(): PersistedState {
    const out: PersistedState = {};
    for (const [connectionId, rules] of this.state) {
      const entries: Record<string, RuleState> = {};
      for (const [ruleId, rule] of rules) {
        // A rule in its default state needs no storage.
        if (rule.notified === 'ok' && rule.notifiedAt === undefined && !rule.silenced && rule.snoozedUntil === undefined) continue;
        entries[ruleId] = { ...rule };
      }
      if (Object.keys(entries).length > 0) out[connectionId] = entries;
    }
    return out;
  }

  // Writes are chained so they reach the store in order; each carries the whole state, so the last one wins.
  private persist(): Promise<void> {
    const snapshot = this.serialize();
    this.writes = this.writes.then(async () => {
      try {
        await this.store.update(QUOTA_NOTIFIER_STATE_KEY, snapshot);
      } catch (error) {
        this.options.onPersistError?.(error);
      }
    });
    return this.writes;
  }
}
