/**
 * The runaway Browserbase sessions of every connection, as a section of the status bar tooltip and a
 * sentence for screen readers. Pure; server text (tags) is escaped like every label there.
 */
import type { FormatOptions } from '../shared/format';
import { formatRunningFor, shortSessionId } from '../shared/runawaySessions';
import type { ConnectionSnapshot } from '../shared/snapshot';
import { escapeMarkdown } from './markdown';

const OPEN_SESSIONS = 'liveUsage.openBrowserbaseSessions';

function withRunaways(snapshots: readonly ConnectionSnapshot[]): ConnectionSnapshot[] {
  return snapshots.filter((snapshot) => snapshot.health !== 'disabled' && (snapshot.runaways?.sessions.length ?? 0) > 0);
}

function total(snapshot: ConnectionSnapshot): number {
  return (snapshot.runaways?.sessions.length ?? 0) + (snapshot.runaways?.more ?? 0);
}

/**
 * Markdown for the tooltip, empty when no connection has a runaway. One line per session, like the
 * connection blocks above it: a table's five columns wrapped every cell in the hover's width.
 */
export function runawayTooltip(snapshots: readonly ConnectionSnapshot[], options: FormatOptions = {}): string {
  const connections = withRunaways(snapshots);
  if (connections.length === 0) return '';
  const count = connections.reduce((sum, snapshot) => sum + total(snapshot), 0);
  const lines = [`$(warning) **${count} runaway Browserbase session${count === 1 ? '' : 's'}**, billed until released or timed out:`];
  for (const snapshot of connections) {
    const runaways = snapshot.runaways;
    if (!runaways) continue;
    for (const session of runaways.sessions) {
      const parts = [
        snapshot.label,
        shortSessionId(session.id),
        `${formatRunningFor(session.runningMs, options)} (over ${runaways.thresholdMinutes} min)`,
        ...(session.keepAlive ? ['keep-alive'] : []),
        ...(session.tags ? [session.tags] : []),
      ];
      lines.push(parts.map(escapeMarkdown).join(' · '));
    }
    if (runaways.more > 0) lines.push(escapeMarkdown(`${snapshot.label} · ${runaways.more} more`));
  }
  lines.push(`[Open Browserbase sessions](command:${OPEN_SESSIONS}) to release them.`);
  // Two spaces before a line break: CommonMark's hard break, so each session stays its own line.
  return lines.join('  \n');
}

/** "2 runaway Browserbase sessions on BB prod, the oldest running for 47 min": empty when none. */
export function runawaysSpoken(snapshots: readonly ConnectionSnapshot[], options: FormatOptions = {}): string {
  return withRunaways(snapshots)
    .map((snapshot) => {
      const count = total(snapshot);
      const oldest = snapshot.runaways?.sessions[0];
      const age = oldest ? `, the oldest running for ${formatRunningFor(oldest.runningMs, options)}` : '';
      return `${count} runaway Browserbase session${count === 1 ? '' : 's'} on ${snapshot.label}${age}`;
    })
    .join('. ');
}

export const RUNAWAY_TOOLTIP_COMMANDS = [OPEN_SESSIONS] as const;
