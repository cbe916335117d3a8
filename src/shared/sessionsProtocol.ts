/**
 * The Browserbase sessions panel's protocol (query builder, results, usage by tag, launch form).
 * The page posts `ready`; the host answers `init` (connections, saved queries, launch options) and
 * sends it again whenever those change. Every find, launch and read of the billing cycle carries a
 * request id the answer repeats, so a late answer to an older query never replaces a newer one. The
 * launch form asks for the project's headroom when it opens and after a launch or a release.
 */
import * as z from 'zod/mini';
import { lazy } from './lazy';
import { SESSION_STATUSES, type SavedQuery } from './metadataQuery';
import { countSchema, idSchema, messageParser, millisecondsSchema, type MessageOf } from './pageMessages';
import type { SessionColumns, SessionRow } from './sessionColumns';

export type { SessionColumns, SessionRow } from './sessionColumns';

export interface SessionsConnection {
  readonly id: string;
  readonly label: string;
  readonly projectId?: string;
  /** A session running this many minutes or longer is a runaway (the connection's runawaySessionMinutes). */
  readonly runawayMinutes: number;
}

export type SessionsHostMessage =
  | {
      readonly type: 'init';
      readonly connections: readonly SessionsConnection[];
      readonly savedQueries: readonly SavedQuery[];
      readonly regions: readonly string[];
      readonly timeoutRange: readonly [number, number];
      /** The connection to show, when the panel was opened for one. */
      readonly connectionId?: string;
    }
  | {
      readonly type: 'results';
      readonly requestId: number;
      readonly connectionId: string;
      readonly sessions: SessionColumns;
      /** The q sent, absent when no condition could be sent; `encoded` as it went in the URL. */
      readonly q?: string;
      readonly encoded?: string;
      /** How many sessions the server returned before every condition was checked here. */
      readonly returned: number;
      readonly fetchedAt: number;
    }
  | { readonly type: 'failed'; readonly requestId: number; readonly operation: 'find' | 'launch' | 'cycle'; readonly message: string }
  /** The person said no to the confirmation: the form is ready again, nothing was started. */
  | { readonly type: 'launchCancelled'; readonly requestId: number }
  | {
      readonly type: 'launched';
      readonly requestId: number;
      readonly connectionId: string;
      readonly session: SessionRow;
      readonly connectUrl: string;
      readonly reused: boolean;
    }
  /** A session changed by an action (released), to update its row. */
  | { readonly type: 'session'; readonly connectionId: string; readonly session: SessionRow }
  /** The project's running sessions against its concurrency, in the words every launch shows (src/shared/headroom.ts). */
  | {
      readonly type: 'headroom';
      readonly connectionId: string;
      readonly text: string;
      /** A launch would most likely be refused with 429: said, never blocking. */
      readonly warning?: string;
      readonly readAt: number;
    }
  /** This billing cycle's sessions of the project, for its cost per tag (src/shared/costPerTag.ts). */
  | {
      readonly type: 'cycle';
      readonly requestId: number;
      readonly connectionId: string;
      readonly sessions: SessionColumns;
      /** The cycle, epoch ms: start inclusive, end exclusive. */
      readonly start: number;
      readonly end: number;
      /** When the sessions were read. */
      readonly at: number;
    };

/** Generous bounds: nothing real comes near them. */
const MAX_EXPORT_CHARS = 16 * 1024 * 1024;
const MAX_CONDITIONS = 50;
const MAX_KEYS = 20;
const MAX_TEXT = 4096;

const textSchema = lazy(() => z.string().check(z.maxLength(MAX_TEXT)));
const conditionSchema = lazy(() => z.object({ path: z.array(textSchema()).check(z.maxLength(MAX_KEYS)), value: textSchema() }));
const conditionsSchema = lazy(() => z.array(conditionSchema()).check(z.maxLength(MAX_CONDITIONS)));
const querySchema = lazy(() => z.object({ conditions: conditionsSchema(), status: z.optional(z.enum(SESSION_STATUSES)) }));

export const SESSION_ACTIONS = ['copyId', 'copyConnectUrl', 'openDebugger', 'release'] as const;
export type SessionAction = (typeof SESSION_ACTIONS)[number];

const launchOptionsSchema = lazy(() =>
  z.object({
    tags: conditionsSchema(),
    region: z.optional(textSchema()),
    keepAlive: z.optional(z.boolean()),
    timeout: z.optional(z.number()),
  }),
);
export type LaunchOptions = z.infer<ReturnType<typeof launchOptionsSchema>>;

export const sessionsPageMessageSchemas = lazy(() => ({
  ready: z.object({}),
  find: z.object({ requestId: countSchema(), connectionId: idSchema(), query: querySchema() }),
  launch: z.object({ requestId: countSchema(), connectionId: idSchema(), options: launchOptionsSchema() }),
  sessionAction: z.object({ connectionId: idSchema(), sessionId: idSchema(), action: z.enum(SESSION_ACTIONS) }),
  saveQuery: z.object({ saved: z.object({ name: textSchema().check(z.trim(), z.minLength(1)), query: querySchema() }) }),
  deleteQuery: z.object({ name: textSchema().check(z.minLength(1)) }),
  setToken: z.object({ connectionId: idSchema() }),
  addConnection: z.object({}),
  openWalkthrough: z.object({}),
  rendered: z.object({ rows: countSchema(), ms: millisecondsSchema() }),
  headroom: z.object({ connectionId: idSchema() }),
  cycle: z.object({ requestId: countSchema(), connectionId: idSchema() }),
  /** Cost per tag as CSV, for the host's save dialog: a plain .csv name (the person picks the folder). */
  exportCsv: z.object({
    fileName: z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,150}\.csv$/)),
    content: z.string().check(z.maxLength(MAX_EXPORT_CHARS)),
  }),
}));

export type SessionsPageMessage = MessageOf<ReturnType<typeof sessionsPageMessageSchemas>>;

export const parseSessionsPageMessage = messageParser(sessionsPageMessageSchemas);
