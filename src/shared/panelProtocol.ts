/**
 * The usage panel's protocol. The page says `ready` with the range it restored (none the first time:
 * the host then picks the range that fits the history there is); the host answers with a whole
 * snapshot and sends a new whole one on every change while the panel is visible, and again when it is
 * shown. A range the page picks comes back as the next snapshot's `range`.
 */
import * as z from 'zod/mini';
import { lazy } from './lazy';
import { connectionActionSchemas, countSchema, messageParser, millisecondsSchema, type MessageOf } from './pageMessages';
import type { ConnectionHistory } from './protocol';
import { RANGE_IDS, type RangeId } from './ranges';
import type { ConnectionSnapshot } from './snapshot';

export type ExportFormat = 'csv' | 'json';

/** Thirty days of a dozen per-minute series as CSV is a few MB; far more is not an export. */
export const MAX_EXPORT_CHARS = 64 * 1024 * 1024;

export interface PanelSnapshot {
  readonly type: 'snapshot';
  readonly now: number;
  readonly range: RangeId;
  /** The ranges on offer (the billing cycle only when a connection has one). */
  readonly ranges: readonly RangeId[];
  /** True when the host chose `range` because it fits the history there is (the page says so). */
  readonly fitted: boolean;
  /** The oldest reading any connection has in history (epoch ms); absent without history. */
  readonly historyFrom?: number;
  readonly connections: readonly ConnectionSnapshot[];
  readonly histories: readonly ConnectionHistory[];
}

/** Scroll the panel to a connection (after "open in panel" from the sidebar or a notification). */
export interface RevealMessage {
  readonly type: 'reveal';
  readonly connectionId: string;
}

export type PanelHostMessage = PanelSnapshot | RevealMessage;

const rangeSchema = lazy(() => z.enum(RANGE_IDS));

export const panelPageMessageSchemas = lazy(() => ({
  ready: z.object({ range: z.optional(rangeSchema()) }),
  setRange: z.object({ range: rangeSchema() }),
  ...connectionActionSchemas(),
  /** A chart's data as the page built it, for the host to write where the person chooses: a plain file name with the format's extension (the person picks the folder in a save dialog). */
  export: z
    .object({
      fileName: z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,150}$/)),
      format: z.enum(['csv', 'json']),
      content: z.string().check(z.maxLength(MAX_EXPORT_CHARS)),
    })
    .check(z.refine((message) => message.fileName.endsWith(`.${message.format}`), 'the file name must end in the format')),
  /** How long drawing took from the snapshot's arrival: diagnostics and the benchmark. */
  rendered: z.object({ phase: z.enum(['first', 'update']), ms: millisecondsSchema(), charts: countSchema() }),
}));

export type PanelPageMessage = MessageOf<ReturnType<typeof panelPageMessageSchemas>>;

export const parsePanelPageMessage = messageParser(panelPageMessageSchemas);
