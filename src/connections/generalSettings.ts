/**
 * The `liveUsage.*` settings other than the connections, read with their ranges and defaults. A value
 * of the wrong type or out of range is replaced by the default or the nearest bound, and said so, with
 * the setting's name and what it expects. Pure: the caller passes a reader.
 */
import { DEFAULT_MAX_JSON_DEPTH } from '../http/jsonDepth';
import { DEFAULT_MAX_SERIES } from '../providers/seriesCap';
import { kindOf } from './settingIssues';

export interface GeneralSettings {
  readonly pauseWhenUnfocused: boolean;
  readonly fullResolutionDays: number;
  readonly downsampledDays: number;
  readonly statusBarMaxConnections: number;
  readonly notificationsEnabled: boolean;
  /** Series one connection keeps; the rest of a reading is summarized in a note. */
  readonly maxSeriesPerConnection: number;
  /** Deepest JSON nesting read from a server. */
  readonly maxJsonDepth: number;
}

interface NumberRule {
  readonly key: string;
  readonly min: number;
  readonly max: number;
  readonly fallback: number;
  readonly whole?: boolean;
}

const NUMBERS = {
  fullResolutionDays: { key: 'history.fullResolutionDays', min: 1, max: 90, fallback: 7 },
  downsampledDays: { key: 'history.downsampledDays', min: 1, max: 400, fallback: 30 },
  statusBarMaxConnections: { key: 'statusBar.maxConnections', min: 1, max: 6, fallback: 2, whole: true },
  maxSeriesPerConnection: { key: 'limits.maxSeriesPerConnection', min: 10, max: 100_000, fallback: DEFAULT_MAX_SERIES, whole: true },
  maxJsonDepth: { key: 'limits.maxJsonDepth', min: 8, max: 512, fallback: DEFAULT_MAX_JSON_DEPTH, whole: true },
} as const satisfies Record<string, NumberRule>;

const BOOLEANS = {
  pauseWhenUnfocused: { key: 'pauseWhenUnfocused', fallback: true },
  notificationsEnabled: { key: 'notifications.enabled', fallback: true },
} as const;

function readNumber(rule: NumberRule, value: unknown, problems: string[]): number {
  const name = `liveUsage.${rule.key}`;
  if (value === undefined || value === null) return rule.fallback;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    problems.push(`${name}: expected a number, got ${kindOf(value)}; using ${rule.fallback}`);
    return rule.fallback;
  }
  const bounded = Math.min(rule.max, Math.max(rule.min, rule.whole ? Math.round(value) : value));
  if (bounded !== value && (value < rule.min || value > rule.max)) problems.push(`${name}: must be between ${rule.min} and ${rule.max}; using ${bounded}`);
  return bounded;
}

function readBoolean(key: string, fallback: boolean, value: unknown, problems: string[]): boolean {
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'boolean') return value;
  problems.push(`liveUsage.${key}: expected true or false, got ${kindOf(value)}; using ${String(fallback)}`);
  return fallback;
}

/** The general settings from `get` (a reader of `liveUsage.<key>`), and one line per value it had to replace. */
export function readGeneralSettings(get: (key: string) => unknown): { readonly settings: GeneralSettings; readonly problems: readonly string[] } {
  const problems: string[] = [];
  const number = (rule: NumberRule) => readNumber(rule, get(rule.key), problems);
  const boolean = (rule: { key: string; fallback: boolean }) => readBoolean(rule.key, rule.fallback, get(rule.key), problems);
  const settings: GeneralSettings = {
    pauseWhenUnfocused: boolean(BOOLEANS.pauseWhenUnfocused),
    fullResolutionDays: number(NUMBERS.fullResolutionDays),
    downsampledDays: number(NUMBERS.downsampledDays),
    statusBarMaxConnections: number(NUMBERS.statusBarMaxConnections),
    notificationsEnabled: boolean(BOOLEANS.notificationsEnabled),
    maxSeriesPerConnection: number(NUMBERS.maxSeriesPerConnection),
    maxJsonDepth: number(NUMBERS.maxJsonDepth),
  };
  return { settings, problems };
}
