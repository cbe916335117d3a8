/**
 * Browserbase metadata queries built from a structure, never from pasted text. Pure (no vscode, no
 * DOM, no zod) so the host and the panel run the same rules.
 *
 * Browserbase documents one condition per query, `user_metadata['a']['b']:'v'`, string equality
 * only, and no escaping for a quote or backslash inside the quotes (docs/browserbase-metadata-query.md).
 * So at most one condition goes to the server, and only one that needs no escaping; every
 * condition is then checked on the returned `userMetadata`, which keeps results exact whatever the
 * server does with the rest.
 */

export interface MetadataCondition {
  /** Nested keys, outermost first: `['order', 'status']` for `{"order": {"status": …}}`. */
  readonly path: readonly string[];
  readonly value: string;
}

export interface MetadataQuery {
  /** All must hold (AND). */
  readonly conditions: readonly MetadataCondition[];
  /** PENDING, RUNNING, ERROR, TIMED_OUT, COMPLETED; absent for any. */
  readonly status?: string;
}

export interface SavedQuery {
  readonly name: string;
  readonly query: MetadataQuery;
}

export interface ServerQueryPlan {
  /** The exact `q` sent; absent when no condition is safe to send, so the list is by status only. */
  readonly q?: string;
  /** Index in `conditions` of the one sent as `q`. */
  readonly serverCondition?: number;
  /** The conditions the server does not see (the returned sessions are checked against all anyway). */
  readonly localConditions: MetadataCondition[];
  /** `q` as it appears in the request URL (URLSearchParams encoding, as the HttpClient sends it). */
  readonly encoded?: string;
}

/** What the preview shows for `q` when no condition can be sent. */
export const NO_SERVER_QUERY = 'none — filtered locally';

export const SESSION_STATUSES = ['PENDING', 'RUNNING', 'ERROR', 'TIMED_OUT', 'COMPLETED'] as const;

/** Browserbase measures `JSON.stringify(userMetadata).length` and requires it to be under this. */
export const METADATA_MAX_CHARS = 512;

// Quote and backslash: how they would be escaped inside '…' is undocumented. Brackets: key
// delimiters. Control characters: nothing says how a server treats them. Such conditions stay local.
function needsEscaping(text: string, specials: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f || specials.includes(text[i] ?? '')) return true;
  }
  return false;
}

export function isServerSafe(condition: MetadataCondition): boolean {
  return (
    condition.value !== '' &&
    !needsEscaping(condition.value, "'\\") &&
    condition.path.length > 0 &&
    condition.path.every((key) => key !== '' && !needsEscaping(key, "'\\[]"))
  );
}

/** Picks the condition Browserbase filters on (the first safe one) and what is left to check here. */
export function buildServerQuery(query: MetadataQuery): ServerQueryPlan {
  const index = query.conditions.findIndex(isServerSafe);
  const chosen = query.conditions[index];
  const localConditions = query.conditions.filter((_, i) => i !== index);
  if (!chosen) return { localConditions };
  const q = `user_metadata${chosen.path.map((key) => `['${key}']`).join('')}:'${chosen.value}'`;
  return { q, serverCondition: index, localConditions, encoded: new URLSearchParams({ q }).toString().slice(2) };
}

/** The string at `path` in userMetadata (own keys only), or undefined when absent or not a string. */
export function metadataString(metadata: unknown, path: readonly string[]): string | undefined {
  let node = metadata;
  for (const key of path) {
    if (!node || typeof node !== 'object' || Array.isArray(node) || !Object.prototype.hasOwnProperty.call(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return typeof node === 'string' ? node : undefined;
}

/** Exact string equality on every condition, as Browserbase defines a match. */
export function matchesConditions(metadata: unknown, conditions: readonly MetadataCondition[]): boolean {
  return conditions.every((condition) => metadataString(metadata, condition.path) === condition.value);
}

/** Why a condition cannot be used, in words for the form; empty when it can. */
export function validateCondition(condition: MetadataCondition): string[] {
  const reasons: string[] = [];
  if (condition.path.length === 0) reasons.push('Enter a key.');
  condition.path.forEach((key, i) => {
    if (key === '') reasons.push(condition.path.length === 1 ? 'The key is empty.' : `Key part ${i + 1} of ${condition.path.length} is empty.`);
  });
  if (condition.value === '') reasons.push('Enter a value: Browserbase matches whole string values.');
  if (reasons.length === 0) {
    const length = JSON.stringify(nest(condition.path, condition.value)).length;
    if (length >= METADATA_MAX_CHARS)
      reasons.push(`No session can carry this tag: it alone is ${length} characters as JSON, and Browserbase allows fewer than ${METADATA_MAX_CHARS}.`);
  }
  return reasons;
}

function nest(path: readonly string[], value: string): unknown {
  return path.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value);
}

/** Every reason the query cannot run or can never match, naming the condition (1-based). */
export function validateQuery(query: MetadataQuery): string[] {
  const reasons = query.conditions.flatMap((condition, i) =>
    validateCondition(condition).map((reason) => (query.conditions.length > 1 ? `Condition ${i + 1}: ${reason}` : reason)),
  );
  if (reasons.length === 0) reasons.push(...conflicts(query.conditions));
  if (query.status !== undefined && !/^[A-Z_]+$/.test(query.status))
    reasons.push(`Unknown status ${JSON.stringify(query.status)}; use one of ${SESSION_STATUSES.join(', ')}.`);
  return reasons;
}

/** Pairs no metadata object can satisfy together: one key with two values, or a string that is also an object. */
function conflicts(conditions: readonly MetadataCondition[]): string[] {
  const reasons: string[] = [];
  conditions.forEach((a, i) =>
    conditions.forEach((b, j) => {
      if (j <= i) return;
      const shorter = a.path.length <= b.path.length ? a : b;
      const longer = shorter === a ? b : a;
      if (!shorter.path.every((key, k) => longer.path[k] === key)) return;
      if (a.path.length !== b.path.length) {
        reasons.push(
          `Conditions ${i + 1} and ${j + 1} contradict: ${formatKeyPath(shorter.path)} cannot be a value and hold ${formatKeyPath(longer.path)} too.`,
        );
      } else if (a.value !== b.value) {
        reasons.push(
          `Conditions ${i + 1} and ${j + 1} contradict: ${formatKeyPath(a.path)} cannot be both ${JSON.stringify(a.value)} and ${JSON.stringify(b.value)}.`,
        );
      }
    }),
  );
  return reasons;
}

/**
 * The userMetadata object a set of tags describes, for launching a session with them; a reason
 * instead when they cannot form one object.
 */
export function metadataFromConditions(
  conditions: readonly MetadataCondition[],
): { readonly metadata: Record<string, unknown> } | { readonly problem: string } {
  const problem = conditions.flatMap((condition) => validateCondition(condition))[0] ?? conflicts(conditions)[0];
  if (problem) return { problem };
  const metadata: Record<string, unknown> = {};
  for (const { path, value } of conditions) {
    let node = metadata;
    path.forEach((key, i) => {
      if (i === path.length - 1) {
        // Own data property even for keys such as __proto__.
        Object.defineProperty(node, key, { value, enumerable: true, writable: true, configurable: true });
      } else {
        if (!Object.prototype.hasOwnProperty.call(node, key))
          Object.defineProperty(node, key, { value: {}, enumerable: true, writable: true, configurable: true });
        node = node[key] as Record<string, unknown>;
      }
    });
  }
  return { metadata };
}

// ---------------------------------------------------------------------------------------------
// Key paths as typed in an input box

/**
 * Key path syntax: `order > status` or `order.status`. When the text holds a `>`, only `>` separates
 * (so keys may contain dots: `example.com > visits`); otherwise `.` does. Spaces around parts are
 * dropped. Any other key, with `>`, `.` at the top level, or edge spaces, is written as a JSON array:
 * `["team's", "env:region"]`. Quotes, brackets and backslashes have no special meaning outside
 * the JSON form, so nothing the user types is ever interpreted as query syntax.
 */
export function parseKeyPath(text: string): { readonly path: string[] } | { readonly problem: string } {
  const trimmed = text.trim();
  if (trimmed === '') return { problem: 'Enter a key, e.g. client or order > status.' };
  if (trimmed.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      return { problem: 'A key path starting with [ must be a JSON array of strings, e.g. ["order", "status"].' };
    }
    if (!Array.isArray(parsed) || parsed.length === 0 || !parsed.every((key) => typeof key === 'string')) {
      return { problem: 'A key path starting with [ must be a non-empty JSON array of strings.' };
    }
    return checkParts(parsed as string[]);
  }
  return checkParts(trimmed.split(trimmed.includes('>') ? '>' : '.').map((part) => part.trim()));
}

function checkParts(path: string[]): { readonly path: string[] } | { readonly problem: string } {
  const empty = path.indexOf('');
  return empty < 0 ? { path } : { problem: path.length === 1 ? 'The key is empty.' : `Key part ${empty + 1} of ${path.length} is empty.` };
}

/** The inverse of parseKeyPath: `a > b` when that reads back the same, else the JSON array. */
export function formatKeyPath(path: readonly string[]): string {
  const plain =
    path.length > 0 &&
    !path[0]?.startsWith('[') &&
    path.every((key) => key !== '' && key === key.trim() && !key.includes('>') && (path.length > 1 || !key.includes('.')));
  return plain ? path.join(' > ') : JSON.stringify(path);
}

export function describeCondition(condition: MetadataCondition): string {
  return `${formatKeyPath(condition.path)} = ${JSON.stringify(condition.value)}`;
}

export function describeQuery(query: MetadataQuery): string {
  const parts = query.conditions.map(describeCondition);
  if (query.status) parts.push(`status ${query.status}`);
  return parts.length > 0 ? parts.join(' and ') : 'all sessions';
}

// ---------------------------------------------------------------------------------------------
// Saved queries: stored as JSON of the structure, read back with every field checked.

export function serializeQuery(saved: SavedQuery): string {
  return JSON.stringify({
    name: saved.name,
    conditions: saved.query.conditions.map(({ path, value }) => ({ path: [...path], value })),
    ...(saved.query.status ? { status: saved.query.status } : {}),
  });
}

export function parseSavedQuery(text: string): { readonly saved: SavedQuery } | { readonly problem: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { problem: 'not JSON' };
  }
  if (!raw || typeof raw !== 'object') return { problem: 'not an object' };
  const { name, conditions, status } = raw as Record<string, unknown>;
  if (typeof name !== 'string' || name.trim() === '') return { problem: 'no name' };
  if (!Array.isArray(conditions)) return { problem: `${name}: no conditions` };
  const parsed: MetadataCondition[] = [];
  for (const item of conditions as unknown[]) {
    const { path, value } = (item ?? {}) as Record<string, unknown>;
    if (!Array.isArray(path) || !path.every((key) => typeof key === 'string') || typeof value !== 'string')
      return { problem: `${name}: a condition is not {path: string[], value: string}` };
    parsed.push({ path: path as string[], value });
  }
  if (status !== undefined && typeof status !== 'string') return { problem: `${name}: status is not a string` };
  const query: MetadataQuery = { conditions: parsed, ...(status ? { status } : {}) };
  const reasons = validateQuery(query);
  return reasons[0] ? { problem: `${name}: ${reasons[0]}` } : { saved: { name, query } };
}

/**
 * Why these tags cannot be a session's userMetadata, checked as the form is typed; undefined when
 * they can. The host checks again with the client's full rules before anything is sent.
 */
export function tagsProblem(conditions: readonly MetadataCondition[]): string | undefined {
  const built = metadataFromConditions(conditions);
  if ('problem' in built) return built.problem;
  const length = JSON.stringify(built.metadata).length;
  return length >= METADATA_MAX_CHARS ? `These tags are ${length} characters as JSON; Browserbase requires fewer than ${METADATA_MAX_CHARS}.` : undefined;
}
