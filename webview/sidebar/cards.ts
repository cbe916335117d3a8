/**
 * What each sidebar card shows, from a snapshot: its one state word (the same the usage panel shows),
 * its headline figure with the sparkline drawing exactly that figure (so the card's number is the
 * line's last point), the other figures, info labels and when it was updated; a Browserbase card's
 * runaway sessions and a Browserless card's alerts. Pure, tested in Node.
 */
import { descriptorOfKind, PROVIDER_NAMES } from '../../src/providers/registry';
import { buildSparkline } from '../../src/shared/chartGroups';
import { connectionState, type ConnectionState } from '../../src/shared/connectionState';
import { figureText } from '../../src/shared/figures';
import { formatPercent, formatRelativeTime, formatUnitValue } from '../../src/shared/format';
import { formatRunningFor, shortSessionId } from '../../src/shared/runawaySessions';
import type { MetricUnit } from '../../src/shared/samples';
import type { ConnectionHistory } from '../../src/shared/protocol';
import type { SidebarSnapshot } from '../../src/shared/sidebarProtocol';
import type { ConnectionSnapshot, Figure, QuotaLevel } from '../../src/shared/snapshot';

export interface FigureModel {
  readonly id: string;
  readonly label: string;
  /** "3 / 10", "18,306 min", "accepting new sessions". */
  readonly text: string;
  /** " (30 %)" when a share of a limit reads well. */
  readonly share: string;
  readonly level: QuotaLevel;
  readonly source?: string;
  readonly quota?: string;
  /** How full, 0..100, when the figure has a limit. */
  readonly meter?: number;
}

export interface SparklineModel {
  readonly label: string;
  readonly unit: MetricUnit;
  readonly t: readonly number[];
  readonly v: readonly (number | null)[];
  /** For screen readers and the hover: "running sessions, last hour: now 3, lowest 1, highest 4". */
  readonly description: string;
}

export interface CardModel {
  readonly id: string;
  readonly label: string;
  readonly kind: ConnectionSnapshot['kind'];
  /** Read from a team Prometheus: no session actions here. */
  readonly via?: ConnectionSnapshot['via'];
  readonly providerName: string;
  readonly state: ConnectionState;
  /** The figure the sparkline draws, first on the card. */
  readonly headline?: FigureModel;
  readonly sparkline?: SparklineModel;
  readonly figures: readonly FigureModel[];
  readonly info: readonly { readonly name: string; readonly text: string }[];
  /** "updated 12 s ago", "not updated yet". */
  readonly updated: string;
  /** Warnings beyond the figures, in words (Browserless: the queue filling, sessions ended by the server's timeout). */
  readonly alerts: readonly string[];
  /** Browserbase sessions running past the connection's threshold. */
  readonly runaways?: RunawaysModel;
}

export interface RunawaysModel {
  /** "2 runaway sessions, running over 30 min". */
  readonly heading: string;
  readonly sessions: readonly {
    readonly id: string;
    /** "3f2a9c1e… · 47 min · keep-alive · client=acme" for the eye. */
    readonly text: string;
    /** The same in whole words for screen readers and the hover. */
    readonly spoken: string;
  }[];
  /** "and 3 more", when more run than a snapshot lists. */
  readonly more?: string;
}

function runawaysModel(connection: ConnectionSnapshot): RunawaysModel | undefined {
  const runaways = connection.runaways;
  if (!runaways || runaways.sessions.length === 0) return undefined;
  const count = runaways.sessions.length + runaways.more;
  return {
    heading: `${count} runaway session${count === 1 ? '' : 's'}, running over ${runaways.thresholdMinutes} min`,
    sessions: runaways.sessions.map((session) => {
      const runningFor = formatRunningFor(session.runningMs);
      const tags = session.tags ? ` · ${session.tags}` : '';
      return {
        id: session.id,
        text: `${shortSessionId(session.id)} · ${runningFor}${session.keepAlive ? ' · keep-alive' : ''}${tags}`,
        spoken: `Session ${session.id}, running for ${runningFor}, over the ${runaways.thresholdMinutes} min threshold${session.keepAlive ? ', keep-alive' : ''}${
          session.tags ? `, tags ${session.tags}` : ''
        }`,
      };
    }),
    ...(runaways.more > 0 ? { more: `and ${runaways.more} more` } : {}),
  };
}

/** Figures a card lists besides its headline. */
const MORE_FIGURES = 3;

function figureModel(figure: Figure): FigureModel {
  // A percentage of a percentage, or of a state, does not read at all.
  const share = figure.ratio === null || figure.unit === 'percent' || figure.words ? '' : ` (${formatPercent(figure.ratio * 100)})`;
  const meter = figure.limit === null || figure.words ? undefined : Math.min(100, Math.max(0, (figure.ratio ?? 0) * 100));
  return {
    id: figure.id,
    label: figure.label,
    text: figureText(figure),
    share,
    level: figure.level,
    ...(figure.source ? { source: figure.source } : {}),
    ...(figure.quota ? { quota: figure.quota } : {}),
    ...(meter === undefined ? {} : { meter }),
  };
}

function sparklineModel(connection: ConnectionSnapshot, history: ConnectionHistory | undefined): SparklineModel | undefined {
  if (!history) return undefined;
  const line = buildSparkline(descriptorOfKind(connection.kind), history, connection);
  // A line needs two readings; until then the card shows no empty box.
  const values = line?.v.filter((value): value is number => value !== null) ?? [];
  if (!line || values.length < 2) return undefined;
  const show = (value: number) => formatUnitValue(value, line.unit);
  const description = `${line.label}: now ${show(values.at(-1) as number)}, lowest ${show(Math.min(...values))}, highest ${show(Math.max(...values))}`;
  return { label: line.label, unit: line.unit, t: line.t, v: line.v, description };
}

export function cardModel(connection: ConnectionSnapshot, history: ConnectionHistory | undefined, now: number): CardModel {
  const descriptor = descriptorOfKind(connection.kind);
  const headlineFigure = connection.figures.find((figure) => figure.id === descriptor.sparkline.figure) ?? connection.figures[0];
  const others = connection.figures.filter((figure) => figure !== headlineFigure).slice(0, MORE_FIGURES);
  const sparkline = headlineFigure ? sparklineModel(connection, history) : undefined;
  return {
    id: connection.id,
    label: connection.label,
    kind: connection.kind,
    ...(connection.via ? { via: connection.via } : {}),
    providerName: PROVIDER_NAMES[connection.kind],
    state: connectionState(connection, now),
    ...(headlineFigure ? { headline: figureModel(headlineFigure) } : {}),
    ...(sparkline ? { sparkline } : {}),
    figures: others.map(figureModel),
    info: connection.info.slice(0, 2).map((row) => ({
      name: row.name,
      text: Object.entries(row.labels)
        .map(([key, value]) => `${key}=${value}`)
        .join(', '),
    })),
    updated: connection.lastSuccessAt ? `updated ${formatRelativeTime(connection.lastSuccessAt, now)}` : 'not updated yet',
    alerts: connection.health === 'disabled' ? [] : (connection.alerts ?? []),
    ...(connection.health === 'disabled' ? {} : runawaysPart(connection)),
  };
}

function runawaysPart(connection: ConnectionSnapshot): { runaways?: RunawaysModel } {
  const runaways = runawaysModel(connection);
  return runaways ? { runaways } : {};
}

/** Every card, in the order the connections are configured. */
export function cardModels(snapshot: SidebarSnapshot, now: number): CardModel[] {
  const histories = new Map(snapshot.histories.map((history) => [history.connectionId, history]));
  return snapshot.connections.map((connection) => cardModel(connection, histories.get(connection.id), now));
}

/**
 * The vertical range a sparkline spans. From zero when the values sit near it (a spike then reads as
 * one); otherwise fitted to the values, so a running total that grows by a few minutes a day is a
 * rising line rather than a flat band at the top. `filled`: the area under the line means something
 * only when the range starts at zero.
 */
export function sparklineRange(values: readonly number[]): { low: number; high: number; filled: boolean } {
  if (values.length === 0) return { low: 0, high: 1, filled: false };
  const min = Math.min(...values);
  const max = Math.max(...values);
  if (min >= 0 && (max === 0 || min <= max * 0.5)) return { low: 0, high: max === 0 ? 1 : max, filled: true };
  if (max === min) {
    const pad = Math.abs(max) * 0.1 || 1;
    return { low: min - pad, high: max + pad, filled: false };
  }
  const pad = (max - min) * 0.1;
  return { low: min - pad, high: max + pad, filled: false };
}
