/**
 * The sidebar's protocol (the Live Usage overview view). The page says `ready`; the host answers with a whole snapshot and
 * sends a new whole one on every change while the view is visible, and again when it is shown.
 */
import * as z from 'zod/mini';
import { lazy } from './lazy';
import { connectionActionSchemas, countSchema, messageParser, millisecondsSchema, type MessageOf } from './pageMessages';
import type { ConnectionHistory } from './protocol';
import type { ConnectionSnapshot } from './snapshot';

export interface SidebarSnapshot {
  readonly type: 'snapshot';
  readonly now: number;
  readonly connections: readonly ConnectionSnapshot[];
  /** What each card's sparkline draws, over a short window (the descriptor's `sparkline`). */
  readonly histories: readonly ConnectionHistory[];
}

export type SidebarHostMessage = SidebarSnapshot;

export const sidebarPageMessageSchemas = lazy(() => ({
  ready: z.object({}),
  ...connectionActionSchemas(),
  /** How long drawing a snapshot took: diagnostics. */
  rendered: z.object({ ms: millisecondsSchema(), cards: countSchema() }),
}));

export type SidebarPageMessage = MessageOf<ReturnType<typeof sidebarPageMessageSchemas>>;

export const parseSidebarPageMessage = messageParser(sidebarPageMessageSchemas);
