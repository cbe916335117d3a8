/**
 * The shapes an id must have to go into a provider's URL path, and why one does not, in words: pure,
 * so the language model tools' input checks (in the lazily loaded bundle) use the same rules as the
 * clients (ids.ts, which turns a problem into a ProviderError).
 */
export type IdKind = 'browserbaseSession' | 'browserbaseProject' | 'northflankProject' | 'northflankResource' | 'cerebrasOrganization';

interface IdShape {
  readonly pattern: RegExp;
  /** What the id is, for messages: "a Browserbase session id". */
  readonly what: string;
  /** The shape in plain words, for messages. */
  readonly expected: string;
}

/**
 * Browserbase session ids are UUIDs (every id its API has returned, and what its SDK examples show);
 * the strict shape costs nothing and rules out every path trick ids.ts names. Project, organization and Northflank
 * ids are not documented as UUIDs (`org_abc123`, `my-service`), so they get the safe shape of one path
 * segment: letters, digits, `-` and `_`, starting with a letter or digit.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const SEGMENT_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;
const SEGMENT_WORDS = 'letters, digits, - and _ (at most 128, starting with a letter or digit)';

const SHAPES: Readonly<Record<IdKind, IdShape>> = {
  browserbaseSession: { pattern: UUID, what: 'a Browserbase session id', expected: 'a UUID such as 0b6c6f2e-6b0e-4c6e-9d3e-1b2c3d4e5f60' },
  browserbaseProject: { pattern: SEGMENT_ID, what: 'a Browserbase project id', expected: SEGMENT_WORDS },
  northflankProject: { pattern: SEGMENT_ID, what: 'a Northflank project id', expected: SEGMENT_WORDS },
  northflankResource: { pattern: SEGMENT_ID, what: 'a Northflank service, job or add-on id', expected: SEGMENT_WORDS },
  cerebrasOrganization: { pattern: SEGMENT_ID, what: 'a Cerebras organization id', expected: `${SEGMENT_WORDS}, like org_abc123` },
};

/** Why `id` cannot go into a path as `kind`, in plain words, or undefined when it can. */
export function idProblem(id: unknown, kind: IdKind): string | undefined {
  const shape = SHAPES[kind];
  if (typeof id === 'string' && shape.pattern.test(id)) return undefined;
  const shown = typeof id === 'string' ? JSON.stringify(id.length > 60 ? `${id.slice(0, 59)}…` : id) : typeof id;
  return `${shown} is not ${shape.what}: expected ${shape.expected}`;
}
