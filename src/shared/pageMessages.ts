/**
 * The pieces every webview protocol builds its page messages from. What a page sends is untrusted
 * input to the host: each surface's protocol declares its messages once, as zod/mini schemas, and the
 * host parses every arrival with them (objects drop keys they do not declare, so only checked fields
 * go on). The messages the host sends are plain types: the host wrote them.
 *
 * Pages import the protocols with `import type` only, so no schema ends up in a webview bundle.
 */
import * as z from 'zod/mini';
import { lazy } from './lazy';
import { MAX_WEBVIEW_MESSAGE_DEPTH, withinDepth } from './guards';

/** A connection, chart or session id a page may name: never empty, never long. */
export const idSchema = lazy(() => z.string().check(z.minLength(1), z.maxLength(200)));

/** A whole number from 0: request ids, counts. */
export const countSchema = lazy(() => z.int().check(z.gte(0)));

/** Milliseconds a page measured (zod rejects NaN and infinities). */
export const millisecondsSchema = lazy(() => z.number().check(z.gte(0)));

/** Buttons a connection has on the sidebar cards and in the usage panel; the host runs the matching command. */
export const connectionActionSchemas = lazy(() => ({
  refresh: z.object({ connectionId: z.optional(idSchema()) }),
  openPanel: z.object({ connectionId: z.optional(idSchema()) }),
  setToken: z.object({ connectionId: idSchema() }),
  /** Open the Browserbase sessions panel for a connection. */
  openSessions: z.object({ connectionId: idSchema() }),
  addConnection: z.object({}),
  /** The Get Started walkthrough, from a page's welcome. */
  openWalkthrough: z.object({}),
}));

/** A surface's page messages: each message's fields, by its `type`. */
export type MessageSchemas = Readonly<Record<string, z.ZodMiniType<object>>>;

/** An object's declared fields (an empty schema's output is an index signature of `never`: dropped). */
type Fields<T> = { [F in keyof T as string extends F ? never : F]: T[F] };

/** The messages a table of schemas declares, each with its `type`. */
export type MessageOf<S extends MessageSchemas> = { [K in keyof S & string]: { readonly type: K } & Fields<z.infer<S[K]>> }[keyof S & string];

export type ConnectionAction = MessageOf<ReturnType<typeof connectionActionSchemas>>;

/**
 * The parser of a surface's page messages: the schema of the message's `type` reads it (a type the
 * surface does not declare is refused), and the message goes on with only the fields it declares.
 * A message nested deeper than any real one is refused before a schema reads a field, even where the
 * depth is in a field it would drop. (A table by type rather than zod's unions: the same checks, for
 * a few KB less in the extension's bundle.) `table` gives the schemas: a lazy() one, so they are built
 * on the first message rather than when the extension loads.
 */
export function messageParser<S extends MessageSchemas>(table: () => S): (data: unknown) => MessageOf<S> | undefined {
  return (data) => {
    if (typeof data !== 'object' || data === null || !withinDepth(data, MAX_WEBVIEW_MESSAGE_DEPTH)) return undefined;
    const type: unknown = (data as { type?: unknown }).type;
    const schemas = table();
    if (typeof type !== 'string' || !Object.hasOwn(schemas, type)) return undefined;
    const result = schemas[type]!.safeParse(data);
    return result.success ? ({ type, ...result.data } as MessageOf<S>) : undefined;
  };
}
