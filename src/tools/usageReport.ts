/**
 * What the "read usage" language model tool answers: for every connection, the figures the status bar
 * and the cards show (from the provider descriptors through the snapshot builder, so a number reads the
 * same to a model as to a person), its quota levels with when the allowance runs out at the current
 * pace, how old each reading is, and what needs doing (a missing token, a runaway session). Pure: built
 * from snapshots, which never hold a token.
 */
import type * as Registry from '../providers/registry';
import { describeQuota, quotaPercent } from '../quota/describeQuota';
import { figureText } from '../shared/figures';
import { formatDuration } from '../shared/format';
import type { ConnectionSnapshot, Figure, QuotaStatus } from '../shared/snapshot';

/** The registry's names and token variables; lent by the running extension (the registry carries every provider). */
export type ProviderWords = Pick<typeof Registry, 'PROVIDER_NAMES' | 'TOKEN_ENVIRONMENT_VARIABLES'>;

/** How fetching is going, in words a model can repeat. */
const HEALTH_WORDS: Readonly<Record<ConnectionSnapshot['health'], string>> = {
  loading: 'loading: nothing read yet',
  ok: 'ok',
  stale: 'stale: the last reading is old (polling paused or failing)',
  authNeeded: 'needs a token',
  error: 'failing',
  disabled: 'disabled: not polled (enabled: false)',
};

const iso = (at: number | undefined) => (at === undefined ? null : new Date(at).toISOString());
const round = (value: number | null) => (value === null ? null : Math.round(value * 1000) / 1000);

/** When the value a figure shows was read: the series its quota reads, or its chart line, else the connection's last read. */
function readAtOf(snapshot: ConnectionSnapshot, figure: Figure): number | undefined {
  const quota = figure.quota === undefined ? undefined : snapshot.quotas.find((status) => status.id === figure.quota);
  const series = quota?.from?.series ?? quota?.basis?.series;
  if (series) {
    const times = snapshot.latest.filter((sample) => sample.series === series).map((sample) => sample.at);
    if (times.length > 0) return Math.max(...times);
  }
  const row = figure.chart ? snapshot.values.find((value) => value.key === figure.chart?.dataset) : undefined;
  return row?.at ?? snapshot.lastSuccessAt;
}

function figureReport(snapshot: ConnectionSnapshot, figure: Figure, now: number) {
  const readAt = readAtOf(snapshot, figure);
  return {
    name: figure.label,
    text: figure.value === null ? 'no value yet' : figureText(figure),
    value: figure.value,
    limit: figure.limit,
    unit: figure.unit,
    percentOfLimit: figure.ratio === null ? null : Math.round(figure.ratio * 1000) / 10,
    level: figure.level,
    ...(figure.source ? { source: figure.source } : {}),
    readAt: iso(readAt),
    ageSeconds: readAt === undefined ? null : Math.max(0, Math.round((now - readAt) / 1000)),
  };
}

function quotaReport(quota: QuotaStatus) {
  const percent = quotaPercent(quota);
  return {
    name: quota.label,
    summary: describeQuota(quota),
    used: quota.value,
    limit: quota.limit,
    unit: quota.unit,
    percent: percent === null ? null : round(percent),
    level: quota.level,
    ...(quota.exhaustedAt === undefined ? {} : { runsOutAt: iso(quota.exhaustedAt) }),
    ...(quota.source ? { source: quota.source } : {}),
  };
}

/** What the person must do for a connection to be read, in words the model can pass on. */
function tokenAdvice(snapshot: ConnectionSnapshot, providers: ProviderWords): string | undefined {
  if (snapshot.health !== 'authNeeded') return undefined;
  const variables = providers.TOKEN_ENVIRONMENT_VARIABLES[snapshot.kind];
  const environment = variables.length > 0 ? ` (or start VS Code with ${variables.join(' or ')} set)` : '';
  const rejected = snapshot.tokenSource !== 'none' ? `The server rejected its token${snapshot.error ? ` (${snapshot.error.message})` : ''}. ` : '';
  return `${rejected}Ask the user to run the command "Live Usage: Set Token…" and pick "${snapshot.label}"${environment}. The token is kept in VS Code's secret storage; never ask for it in chat.`;
}

export function connectionReport(snapshot: ConnectionSnapshot, now: number, providers: ProviderWords) {
  const advice = tokenAdvice(snapshot, providers);
  const runaways = snapshot.runaways;
  return {
    connectionId: snapshot.id,
    label: snapshot.label,
    provider: providers.PROVIDER_NAMES[snapshot.kind],
    state: HEALTH_WORDS[snapshot.health],
    ...(snapshot.error && snapshot.health !== 'ok' ? { error: snapshot.error.message } : {}),
    ...(advice ? { whatToDo: advice } : {}),
    lastReadAt: iso(snapshot.lastSuccessAt),
    lastReadAgo: snapshot.lastSuccessAt === undefined ? 'never' : `${formatDuration(Math.max(0, now - snapshot.lastSuccessAt) / 1000)} ago`,
    level: snapshot.level,
    figures: snapshot.figures.map((figure) => figureReport(snapshot, figure, now)),
    quotas: snapshot.quotas.map(quotaReport),
    ...(runaways && runaways.sessions.length > 0
      ? {
          runawaySessions: {
            thresholdMinutes: runaways.thresholdMinutes,
            count: runaways.sessions.length + runaways.more,
            sessions: runaways.sessions.map((session) => ({
              sessionId: session.id,
              runningMinutes: Math.floor(session.runningMs / 60_000),
              keepAlive: session.keepAlive,
              tags: session.tags,
              ...(session.expiresAt === undefined ? {} : { timesOutAt: iso(session.expiresAt) }),
            })),
            note: 'Each bills until released or timed out; the releaseBrowserbaseSession tool releases one (the user confirms).',
          },
        }
      : {}),
    ...(snapshot.alerts && snapshot.alerts.length > 0 ? { alerts: snapshot.alerts } : {}),
    ...(snapshot.notes.length > 0 ? { notes: snapshot.notes } : {}),
  };
}

/** The whole answer: one entry per connection, or the one asked for. */
export function usageReport(snapshots: readonly ConnectionSnapshot[], now: number, providers: ProviderWords) {
  return {
    readAt: iso(now),
    explanation:
      'Figures are what Live Usage shows in the status bar and on its cards. level is ok, warning or critical against the quota thresholds; ' +
      'runsOutAt is when an allowance runs out at the current pace (absent when it does not run out this cycle). ageSeconds says how old each reading is.',
    connections: snapshots.map((snapshot) => connectionReport(snapshot, now, providers)),
  };
}
