/**
 * The input of the language model tools, checked field by field before anything is sent. A model's
 * input is untrusted like a webview's: every field is read from an unknown value, unknown fields are
 * refused (so a token can never be handed in, or echoed back), and each problem is a sentence the model
 * can act on. Pure: the same rules as the sessions panel and the Command Palette (metadataQuery.ts).
 */
import { idProblem } from '../providers/idShapes';
import { parseKeyPath, SESSION_STATUSES, validateQuery, type MetadataCondition, type MetadataQuery } from '../shared/metadataQuery';

export class ToolInputError extends Error {
  override readonly name = 'ToolInputError';
}

/** More conditions than this is not a query a person means; Browserbase metadata is under 512 characters anyway. */
export const MAX_TOOL_CONDITIONS = 10;
export const MAX_LISTED_SESSIONS = 50;
export const DEFAULT_LISTED_SESSIONS = 20;
const MAX_KEY_CHARS = 300;
const MAX_VALUE_CHARS = 600;

export interface UsageInput {
  readonly connectionId?: string;
}

export interface FindInput {
  readonly connectionId?: string;
  readonly query: MetadataQuery;
  readonly limit: number;
}

export interface LaunchInput {
  readonly connectionId?: string;
  readonly tags: readonly MetadataCondition[];
  readonly region?: string;
  readonly keepAlive?: boolean;
  readonly timeoutSeconds?: number;
}

export interface ReleaseInput {
  readonly connectionId?: string;
  readonly sessionId: string;
}

function fields(raw: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new ToolInputError('The input must be a JSON object.');
  const input = raw as Record<string, unknown>;
  const unknown = Object.keys(input).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) {
    // Named, never echoed: a value here could be a token the model was given by mistake.
    const credential = unknown.some((key) => /token|key|secret|password|auth/i.test(key))
      ? ' Live Usage never takes a token or key in tool input: the user stores it with the command "Live Usage: Set Token…".'
      : '';
    throw new ToolInputError(
      `Unknown input field${unknown.length === 1 ? '' : 's'} ${unknown.map((key) => JSON.stringify(key.slice(0, 40))).join(', ')}; expected only ${allowed.join(', ')}.${credential}`,
    );
  }
  return input;
}

function optionalString(input: Record<string, unknown>, name: string, max = 200): string | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.trim() === '' || value.length > max)
    throw new ToolInputError(`${name} must be a non-empty string of at most ${max} characters.`);
  return value.trim();
}

function connectionId(input: Record<string, unknown>): { connectionId?: string } {
  const id = optionalString(input, 'connectionId', 64);
  return id === undefined ? {} : { connectionId: id };
}

/** One `{key, value}` row: the key as typed in the panel (`order > status`) or as an array of keys. */
function condition(raw: unknown, where: string): MetadataCondition {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new ToolInputError(`${where} must be an object like {"key": "client", "value": "acme"}.`);
  const { key, value, ...rest } = raw as Record<string, unknown>;
  const extra = Object.keys(rest);
  if (extra.length > 0)
    throw new ToolInputError(`${where} has unknown field(s) ${extra.map((name) => JSON.stringify(name.slice(0, 40))).join(', ')}; expected key and value.`);
  let path: string[];
  if (Array.isArray(key)) {
    if (key.length === 0 || !key.every((part) => typeof part === 'string'))
      throw new ToolInputError(`${where}: key as an array must list strings, outermost first, e.g. ["workflow", "name"].`);
    path = key as string[];
  } else if (typeof key === 'string') {
    if (key.length > MAX_KEY_CHARS) throw new ToolInputError(`${where}: the key is longer than ${MAX_KEY_CHARS} characters.`);
    const parsed = parseKeyPath(key);
    if ('problem' in parsed) throw new ToolInputError(`${where}: ${parsed.problem}`);
    path = parsed.path;
  } else {
    throw new ToolInputError(`${where}: key is missing; give a metadata key such as "client" or "workflow > name".`);
  }
  if (typeof value !== 'string') {
    const hint = typeof value === 'number' || typeof value === 'boolean' ? ` (send "${String(value)}")` : '';
    throw new ToolInputError(`${where}: value must be a string: Browserbase only matches string metadata values${hint}.`);
  }
  if (value.length > MAX_VALUE_CHARS)
    throw new ToolInputError(`${where}: the value is longer than ${MAX_VALUE_CHARS} characters; Browserbase metadata is under 512 characters in all.`);
  return { path, value };
}

function conditions(input: Record<string, unknown>, name: string, required: boolean): MetadataCondition[] {
  const raw = input[name];
  if (raw === undefined || raw === null) {
    if (required) throw new ToolInputError(`${name} is required: a list of {"key", "value"} pairs.`);
    return [];
  }
  if (!Array.isArray(raw)) throw new ToolInputError(`${name} must be a list of {"key", "value"} pairs.`);
  if (raw.length > MAX_TOOL_CONDITIONS) throw new ToolInputError(`${name} has ${raw.length} entries; at most ${MAX_TOOL_CONDITIONS}.`);
  return raw.map((entry: unknown, index) => condition(entry, `${name}[${index}]`));
}

export function parseUsageInput(raw: unknown): UsageInput {
  return connectionId(fields(raw, ['connectionId']));
}

export function parseFindInput(raw: unknown): FindInput {
  const input = fields(raw, ['connectionId', 'conditions', 'status', 'limit']);
  const status = optionalString(input, 'status', 20)?.toUpperCase();
  if (status !== undefined && !(SESSION_STATUSES as readonly string[]).includes(status))
    throw new ToolInputError(`status ${JSON.stringify(status)} is not one of ${SESSION_STATUSES.join(', ')}.`);
  const query: MetadataQuery = { conditions: conditions(input, 'conditions', false), ...(status ? { status } : {}) };
  const problem = validateQuery(query)[0];
  if (problem) throw new ToolInputError(`The query cannot run: ${problem}`);
  const limit = input.limit;
  if (limit !== undefined && (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_LISTED_SESSIONS))
    throw new ToolInputError(`limit must be a whole number from 1 to ${MAX_LISTED_SESSIONS}.`);
  return { ...connectionId(input), query, limit: typeof limit === 'number' ? limit : DEFAULT_LISTED_SESSIONS };
}

export function parseLaunchInput(raw: unknown, timeoutRange: readonly [number, number]): LaunchInput {
  const input = fields(raw, ['connectionId', 'tags', 'region', 'keepAlive', 'timeoutSeconds']);
  const region = optionalString(input, 'region', 40);
  const keepAlive = input.keepAlive;
  if (keepAlive !== undefined && typeof keepAlive !== 'boolean') throw new ToolInputError('keepAlive must be true or false.');
  const timeout = input.timeoutSeconds;
  const [min, max] = timeoutRange;
  if (timeout !== undefined && (typeof timeout !== 'number' || !Number.isInteger(timeout) || timeout < min || timeout > max))
    throw new ToolInputError(`timeoutSeconds must be a whole number of seconds from ${min} to ${max}.`);
  return {
    ...connectionId(input),
    tags: conditions(input, 'tags', true),
    ...(region === undefined ? {} : { region }),
    ...(keepAlive === undefined ? {} : { keepAlive }),
    ...(typeof timeout === 'number' ? { timeoutSeconds: timeout } : {}),
  };
}

export function parseReleaseInput(raw: unknown): ReleaseInput {
  const input = fields(raw, ['connectionId', 'sessionId']);
  const sessionId = input.sessionId;
  const problem = idProblem(sessionId, 'browserbaseSession');
  if (problem) throw new ToolInputError(`sessionId: ${problem}.`);
  return { ...connectionId(input), sessionId: sessionId as string };
}
