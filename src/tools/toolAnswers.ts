/**
 * How the Browserbase tools put sessions into words for a model: only what a person would read in the
 * sessions table (no connect URL, signing key or project id), metadata bounded, durations as billed.
 * Pure.
 */
import type { Session } from '../providers/browserbase/schemas';
import { describeTags } from '../shared/runawaySessions';
import { billedMinutes, usageDurationMs } from '../shared/usageByTag';

/** Metadata longer than this as JSON is shown as its tag line: Browserbase's own limit is 512. */
const MAX_METADATA_JSON = 600;

const iso = (value: string | null | undefined) => (value ? new Date(Date.parse(value)).toISOString() : null);
/** A server's words cut to what a status or region can be: an answer stays small whatever it sends. */
const clip = (text: string) => (text.length > 40 ? `${text.slice(0, 39)}…` : text);

export function sessionFacts(session: Session, now: number) {
  const duration = usageDurationMs(session, now);
  const running = !session.endedAt && session.status === 'RUNNING';
  const metadata = session.userMetadata ?? {};
  const json = JSON.stringify(metadata);
  return {
    sessionId: session.id,
    status: clip(session.status),
    region: clip(session.region),
    keepAlive: session.keepAlive,
    startedAt: iso(session.startedAt),
    ...(session.endedAt ? { endedAt: iso(session.endedAt) } : {}),
    ...(running && session.expiresAt ? { timesOutAt: iso(session.expiresAt) } : {}),
    ...(running && duration !== null ? { runningMinutes: Math.floor(duration / 60_000) } : {}),
    billedMinutes: duration === null ? null : billedMinutes(duration),
    proxyBytes: session.proxyBytes,
    metadata: json.length <= MAX_METADATA_JSON ? metadata : describeTags(metadata),
  };
}

export const CONNECT_URL_WITHHELD =
  'The connect URL is not given here: it carries a signing key for the browser. The user can copy it from the Browserbase Sessions panel or with the command "Live Usage: Find Browserbase Sessions by Metadata…" (Copy Connect URL); code can connect with the session id and the API key from its own environment.';
