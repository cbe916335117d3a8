/**
 * The Browserbase sessions panel's protocol (query builder, results, usage by tag, launch form).
 * The page posts `ready`; the host answers `init` (connections, saved queries, launch options) and
 * sends it again whenever those change. Every find and launch carries a request id the answer
 * repeats, so a late answer to an older query never replaces a newer one.
 */
import * as z from 'zod/mini';
import { SESSION_STATUSES, type SavedQuery } from './metadataQuery';
import { countSchema, idSchema, messageParser, millisecondsSchema, type MessageOf } from './pageMessages';
import type { SessionColumns, SessionRow } from './sessionColumns';

export type { SessionColumns, SessionRow } from './sessionColumns';

export interface SessionsConnection {
  readonly id: string;
  readonly label: string;
  readonly projectId?: string;
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
  | { readonly type: 'failed'; readonly requestId: number; readonly operation: 'find' | 'launch'; readonly message: string }
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
  | { readonly type: 'session'; readonly connectionId: string; readonly session: SessionRow };

/** Generous bounds: nothing real comes near them. */
const MAX_CONDITIONS = 50;
const MAX_KEYS = 20;
const MAX_TEXT = 4096;

const textSchema = z.string().check(z.maxLength(MAX_TEXT));
const conditionSchema = z.object({ path: z.array(textSchema).check(z.maxLength(MAX_KEYS)), value: textSchema });
const conditionsSchema = z.array(conditionSchema).check(z.maxLength(MAX_CONDITIONS));
const querySchema = z.object({ conditions: conditionsSchema, status: z.optional(z.enum(SESSION_STATUSES)) });

export const SESSION_ACTIONS = ['copyId', 'copyConnectUrl', 'openDebugger', 'release'] as const;
export type SessionAction = (typeof SESSION_ACTIONS)[number];

const launchOptionsSchema = z.object({
  tags: conditionsSchema,
  region: z.optional(textSchema),
  keepAlive: z.optional(z.boolean()),
  timeout: z.optional(z.number()),
});
export type LaunchOptions = z.infer<typeof launchOptionsSchema>;

export const sessionsPageMessageSchemas = {
  ready: z.object({}),
  find: z.object({ requestId: countSchema, connectionId: idSchema, query: querySchema }),
  launch: z.object({ requestId: countSchema, connectionId: idSchema, options: launchOptionsSchema }),
  sessionAction: z.object({ connectionId: idSchema, sessionId: idSchema, action: z.enum(SESSION_ACTIONS) }),
  saveQuery: z.object({ saved: z.object({ name: textSchema.check(z.trim(), z.minLength(1)), query: querySchema }) }),
  deleteQuery: z.object({ name: textSchema.check(z.minLength(1)) }),
  setToken: z.object({ connectionId: idSchema }),
  addConnection: z.object({}),
  openWalkthrough: z.object({}),
  rendered: z.object({ rows: countSchema, ms: millisecondsSchema }),
};

export type SessionsPageMessage = MessageOf<typeof sessionsPageMessageSchemas>;

export const parseSessionsPageMessage = messageParser(sessionsPageMessageSchemas);
