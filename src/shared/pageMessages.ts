/**
 * The pieces every webview protocol builds its page messages from. What a page sends is untrusted
 * input to the host: each surface's protocol declares its messages once, as zod/mini schemas, and the
 * host parses every arrival with them (objects drop keys they do not declare, so only checked fields
 * go on). The messages the host sends are plain types: the host wrote them.
 *
 * Pages import the protocols with `import type` only, so no schema ends up in a webview bundle.
 */
import * as z from 'zod/mini';
import { MAX_WEBVIEW_MESSAGE_DEPTH, withinDepth } from './guards';

/** A connection, chart or session id a page may name: never empty, never long. */
export const idSchema = z.string().check(z.minLength(1), z.maxLength(200));

/** A whole number from 0: request ids, counts. */
export const countSchema = z.int().check(z.gte(0));

/** Milliseconds a page measured (zod rejects NaN and infinities). */
export const millisecondsSchema = z.number().check(z.gte(0));

/** Buttons a connection has on the sidebar cards and in the usage panel; the host runs the matching command. */
export const connectionActionSchemas = [
  z.object({ type: z.literal('refresh'), connectionId: z.optional(idSchema) }),
  z.object({ type: z.literal('openPanel'), connectionId: z.optional(idSchema) }),
  z.object({ type: z.literal('setToken'), connectionId: idSchema }),
  /** Open the Browserbase sessions panel for a connection. */
  z.object({ type: z.literal('openSessions'), connectionId: idSchema }),
  z.object({ type: z.literal('addConnection') }),
  /** The Get Started walkthrough, from a page's welcome. */
  z.object({ type: z.literal('openWalkthrough') }),
] as const;

export type ConnectionAction = z.infer<(typeof connectionActionSchemas)[number]>;

/**
 * The message, or undefined when the schema does not accept it. A message nested deeper than any real
 * one is refused before the schema reads a field, even where the depth is in a field it would drop.
 */
export function parseWith<T>(schema: z.ZodMiniType<T>, data: unknown): T | undefined {
  if (!withinDepth(data, MAX_WEBVIEW_MESSAGE_DEPTH)) return undefined;
  const result = schema.safeParse(data);
  return result.success ? result.data : undefined;
}
