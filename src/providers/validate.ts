/**
 * Shape validation of provider responses. A body that does not match the documented shape becomes a
 * `badResponse` ProviderError naming the field at fault, e.g. `pressure.running: expected number`.
 */
import type * as z from 'zod/mini';
import { ProviderError } from '../http/errors';

/** Renders a zod issue path as `a.b[2].c`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let result = '';
  for (const part of path) {
    if (typeof part === 'number') result += `[${part}]`;
    else result += result === '' ? String(part) : `.${String(part)}`;
  }
  return result === '' ? '(root)' : result;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') return `expected ${issue.expected}`;
  if (issue.code === 'too_small' || issue.code === 'too_big') return 'value out of range';
  if (issue.code === 'invalid_value') return 'unexpected value';
  return issue.message;
}

/**
 * Validates `data` against `schema`; throws ProviderError('badResponse') naming the first bad field.
 * `at` is where `data` sits in the whole body (an array element read on its own), put before the path.
 */
export function parseResponse<T>(schema: z.ZodMiniType<T>, data: unknown, what: string, url?: string, at: readonly PropertyKey[] = []): T {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue ? formatPath([...at, ...issue.path]) : at.length > 0 ? formatPath(at) : '(root)';
  const reason = issue ? describeIssue(issue) : 'unexpected shape';
  const more = result.error.issues.length > 1 ? ` and ${result.error.issues.length - 1} more problem(s)` : '';
  return failShape(`${what} is not in the documented shape: ${where}: ${reason}${more}`, where, url);
}

function failShape(message: string, where: string, url?: string): never {
  throw new ProviderError('badResponse', message, { where, ...(url ? { url } : {}) });
}
