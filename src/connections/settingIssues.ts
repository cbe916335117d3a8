/**
 * Settings problems in plain words: the field by its JSON path as it appears in settings.json
 * (`liveUsage.connections[2].quota.warnPercent`), what was expected and what was found. The value
 * itself is never repeated: a field may hold something that should not end up in a log.
 */
import type * as z from 'zod/mini';

/** The kind of a JSON value, as settings.json shows it: "a string", "a list", "true or false". */
export function kindOf(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'boolean') return 'a boolean';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

const EXPECTED: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
};

/** `base` followed by the issue's path in JSON-path notation. */
export function jsonPath(base: string, path: readonly PropertyKey[]): string {
  let result = base;
  for (const part of path) result += typeof part === 'number' ? `[${part}]` : `.${String(part)}`;
  return result;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = root;
  for (const part of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[part];
  }
  return current;
}

function expectation(issue: z.core.$ZodIssue, found: unknown): string {
  switch (issue.code) {
    case 'invalid_type': {
      const expected = EXPECTED[issue.expected] ?? issue.expected;
      return found === undefined ? `required, expected ${expected}` : `expected ${expected}, got ${kindOf(found)}`;
    }
    case 'too_small':
      if (issue.origin === 'string') return 'must not be empty';
      return issue.inclusive === false ? `must be greater than ${String(issue.minimum)}` : `must be at least ${String(issue.minimum)}`;
    case 'too_big':
      return issue.inclusive === false ? `must be less than ${String(issue.maximum)}` : `must be at most ${String(issue.maximum)}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`;
    default:
      return issue.message;
  }
}

/** One issue of a setting that failed its schema, e.g. `liveUsage.connections[0].pollIntervalSeconds: expected a number, got a string`. */
export function describeSettingIssue(issue: z.core.$ZodIssue, root: unknown, base: string): string {
  return `${jsonPath(base, issue.path)}: ${expectation(issue, valueAt(root, issue.path))}`;
}
