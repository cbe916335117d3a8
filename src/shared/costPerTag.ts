/**
 * Cost per tag this billing cycle (Browserbase): the sessions of the project that started this cycle
 * (the set the cycle's minutes are counted from, src/quota/cycleUsage.ts and the `browserbase.cycle.*`
 * series), grouped by the value of one metadata key, each session rounded up to whole minutes and at
 * least one as Browserbase bills it, with each value's share of the minutes and a projection to the end
 * of the cycle at the pace so far. Pure and shared: the host builds it, the sessions panel and the
 * Command Palette show it, and the CSV export writes it.
 */
import { csvCell } from './exportData';
import { formatDay, formatNumber, formatPercent, type DateFormatOptions } from './format';
import { formatKeyPath } from './metadataQuery';
import { usageByTag, type TagBucket, type UsageFigures, type UsageSession } from './usageByTag';

export interface CycleWindow {
  /** Epoch ms, inclusive. */
  readonly start: number;
  /** Epoch ms, exclusive: the next cycle's start. */
  readonly end: number;
}

export interface TagCost extends TagBucket {
  /** This value's share of the cycle's billed minutes (0–1); null when nothing was billed. */
  readonly share: number | null;
  /** Billed minutes by the cycle's end at the pace so far; null too early in the cycle to say. */
  readonly projectedMinutes: number | null;
}

export interface CostPerTag {
  readonly path: readonly string[];
  readonly cycle: CycleWindow;
  /** When the sessions were read: running sessions count up to here. */
  readonly at: number;
  readonly totals: UsageFigures & { readonly projectedMinutes: number | null };
  /** Biggest first by minutes; sessions without the key last, as "(no value)". */
  readonly buckets: readonly TagCost[];
  /** Why there is no projection, when there is none. */
  readonly projectionNote?: string;
}

/** Under this much of the cycle gone, a pace says more about one session than about the month. */
export const MIN_PROJECTION_ELAPSED_MS = 60 * 60 * 1000;

/** The fields of a listed session the cycle needs (a Browserbase Session fits). */
export interface CycleSession extends UsageSession {
  readonly projectId: string;
}

/**
 * Sessions of the project that started within the cycle: the set Browserbase bills this cycle. A
 * session that started before it counts in the cycle it started in.
 */
export function sessionsInCycle<S extends CycleSession>(sessions: readonly S[], projectId: string, cycle: CycleWindow): S[] {
  return sessions.filter((session) => {
    if (session.projectId !== projectId || !session.startedAt) return false;
    const started = Date.parse(session.startedAt);
    return started >= cycle.start && started < cycle.end;
  });
}

/** `sessions` must already be this cycle's (sessionsInCycle). */
export function costPerTag(sessions: readonly UsageSession[], path: readonly string[], cycle: CycleWindow, at: number): CostPerTag {
  const { buckets, totals } = usageByTag(sessions, path, at);
  const elapsed = Math.min(at, cycle.end) - cycle.start;
  const scale = elapsed >= MIN_PROJECTION_ELAPSED_MS ? (cycle.end - cycle.start) / elapsed : null;
  const project = (minutes: number) => (scale === null ? null : Math.round(minutes * scale));
  return {
    path,
    cycle,
    at,
    totals: { ...totals, projectedMinutes: project(totals.minutes) },
    buckets: buckets.map((bucket) => ({
      ...bucket,
      share: totals.minutes > 0 ? bucket.minutes / totals.minutes : null,
      projectedMinutes: project(bucket.minutes),
    })),
    ...(scale === null ? { projectionNote: 'the cycle started less than an hour ago: too early to project' } : {}),
  };
}

/** "412 billed min · 35 % · about 1,240 min by 1 Dec": one value's cost in the words every surface uses. */
export function tagCostWords(cost: Pick<TagCost, 'minutes' | 'share' | 'projectedMinutes'>, cycle: CycleWindow, options: DateFormatOptions = {}): string {
  const number = (value: number) => formatNumber(value, { ...(options.locale ? { locale: options.locale } : {}), maximumFractionDigits: 0 });
  const parts = [`${number(cost.minutes)} billed min`];
  if (cost.share !== null) parts.push(formatPercent(cost.share * 100, options.locale ? { locale: options.locale } : {}));
  // The cycle's end is exclusive: its last day is the day before.
  if (cost.projectedMinutes !== null) parts.push(`about ${number(cost.projectedMinutes)} min by ${formatDay(cycle.end - 1, options)}`);
  return parts.join(' · ');
}

const iso = (at: number) => new Date(at).toISOString();

/**
 * One row per tag value, RFC 4180 (CRLF, quotes doubled) and safe to open in a spreadsheet: a value a
 * server sent starting with = + - @ is prefixed with an apostrophe, never read as a formula. Sessions
 * without the key have an empty value and `tagged` no, so no real value can be mistaken for them.
 */
export function costPerTagCsv(report: CostPerTag): string {
  const header = [
    'tag key',
    'tag value',
    'tagged',
    'sessions',
    'billed minutes',
    'share of minutes (%)',
    'projected minutes at cycle end',
    'running now',
    'sessions without a known duration',
    'proxy bytes',
    'cycle start',
    'cycle end',
    'as of',
  ];
  const key = formatKeyPath(report.path);
  const rows = report.buckets.map((bucket) => [
    key,
    bucket.value ?? '',
    bucket.value === null ? 'no' : 'yes',
    bucket.sessions,
    bucket.minutes,
    bucket.share === null ? null : Math.round(bucket.share * 10_000) / 100,
    bucket.projectedMinutes,
    bucket.running,
    bucket.unknownDurations,
    bucket.proxyBytes,
    iso(report.cycle.start),
    iso(report.cycle.end),
    iso(report.at),
  ]);
  return `${[header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

/** `live-usage-bb-prod-cost-by-client-2025-11-01.csv`: connection, key and the cycle's first day. */
export function costPerTagFileName(connectionId: string, report: Pick<CostPerTag, 'path' | 'cycle'>): string {
  const safe = (text: string) =>
    text
      .replace(/[^A-Za-z0-9_-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'tag';
  return `live-usage-${safe(connectionId)}-cost-by-${safe(report.path.join('-'))}-${iso(report.cycle.start).slice(0, 10)}.csv`;
}
