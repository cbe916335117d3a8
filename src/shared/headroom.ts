/**
 * Headroom before a Browserbase launch: the project's running sessions against its concurrency, in
 * the words the launch form, the Command Palette and the language model tool all show. A launch at the
 * limit is refused with HTTP 429, so that is said before the billed browser is asked for, as a
 * warning: the launch itself is never blocked (a session may end in the meantime). Pure and shared.
 */
import { formatNumber, type FormatOptions } from './format';
import { formatRunningFor, type RunningSession } from './runawaySessions';

export interface Headroom {
  /** Sessions of the project running now; null when the list could not be read. */
  readonly running: number | null;
  /** The project's concurrency; null when the project could not be read. */
  readonly limit: number | null;
  /** When it was read. */
  readonly readAt: number;
  /** The oldest running sessions, the ones worth releasing first (at most a few). */
  readonly oldest: readonly RunningSession[];
  /** Why a part could not be read, in words. */
  readonly problem?: string;
}

export interface HeadroomView {
  /** "2 of 3 concurrent sessions running: room for 1 more." */
  readonly text: string;
  /** Set when a launch would be refused with 429 (or may be): shown as a warning, never a block. */
  readonly warning?: string;
  /** Running at or over the limit. */
  readonly full: boolean;
}

/** How many of the oldest running sessions a headroom keeps, to suggest which to release. */
export const HEADROOM_OLDEST = 3;

export function describeHeadroom(headroom: Headroom, now: number, options: FormatOptions = {}): HeadroomView {
  const count = (value: number) => formatNumber(value, { ...options, maximumFractionDigits: 0 });
  const { running, limit } = headroom;
  const unknown = headroom.problem ? ` (${headroom.problem})` : '';
  if (running === null && limit === null) return { text: `The project's headroom could not be read${unknown}.`, full: false };
  if (limit === null)
    return {
      text: `${count(running ?? 0)} session${running === 1 ? '' : 's'} running; the project's concurrency limit could not be read${unknown}.`,
      full: false,
    };
  if (running === null)
    return {
      text: `The project allows ${count(limit)} concurrent session${limit === 1 ? '' : 's'}; how many run now could not be read${unknown}.`,
      full: false,
    };
  const of = `${count(running)} of ${count(limit)} concurrent session${limit === 1 ? '' : 's'} running`;
  if (running < limit) {
    const free = limit - running;
    return { text: `${of}: room for ${count(free)} more.`, full: false };
  }
  const oldest = headroom.oldest[0];
  const release = oldest
    ? ` Release one first, e.g. ${oldest.id} (running for ${formatRunningFor(now - oldest.startedAt, options)}${oldest.keepAlive ? ', keep-alive' : ''}).`
    : ' Release one first.';
  return {
    text: `${of}: no room.`,
    warning: `Browserbase will most likely refuse this launch with HTTP 429: the project already runs ${count(running)} of its ${count(limit)} concurrent sessions.${release}`,
    full: true,
  };
}
