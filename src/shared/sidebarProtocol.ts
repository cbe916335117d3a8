/**
 * The sidebar's protocol (the Live Usage overview view). The page says `ready`; the host answers with a whole snapshot and
 * sends a new whole one on every change while the view is visible, and again when it is shown.
 */
import * as z from 'zod/mini';
import { connectionActionSchemas, millisecondsSchema, countSchema, parseWith } from './pageMessages';
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

export const sidebarPageMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  ...connectionActionSchemas,
  /** How long drawing a snapshot took: diagnostics. */
  z.object({ type: z.literal('rendered'), ms: millisecondsSchema, cards: countSchema }),
]);

export type SidebarPageMessage = z.infer<typeof sidebarPageMessageSchema>;

export const parseSidebarPageMessage = (data: unknown): SidebarPageMessage | undefined => parseWith(sidebarPageMessageSchema, data);
