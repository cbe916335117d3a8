/**
 * Fields a provider added after our schemas were written. Schemas strip unknown keys so a new field
 * never breaks parsing; this keeps the numeric ones as samples instead of dropping them silently, so
 * history holds them and the panel lists them under "Other values". Bounded: a hostile body cannot
 * make more than a few series per response, nor put anything odd into a series id.
 */
import { gaugeSample, type Sample } from '../shared/samples';

/** At most this many unknown fields per object are kept; more is a server gone wrong, not news. */
export const MAX_UNKNOWN_FIELDS = 16;
const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

/**
 * Samples `<prefix><field>` for the number and boolean fields of `body` that `known` does not name.
 * Booleans become 0/1 (unit `state`), numbers are kept with no unit: nobody said what they measure.
 */
export function unknownFieldSamples(
  body: unknown,
  known: ReadonlySet<string>,
  prefix: string,
  at: number,
  extra: { readonly windowMs?: number } = {},
): Sample[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return [];
  const samples: Sample[] = [];
  for (const [field, value] of Object.entries(body)) {
    if (samples.length >= MAX_UNKNOWN_FIELDS) break;
    if (known.has(field) || !FIELD_NAME.test(field)) continue;
    if (typeof value === 'number') samples.push(gaugeSample(`${prefix}${field}`, value, 'none', at, extra));
    else if (typeof value === 'boolean') samples.push(gaugeSample(`${prefix}${field}`, value ? 1 : 0, 'state', at, extra));
  }
  return samples;
}

/** The keys a zod object schema declares. */
export function schemaKeys(schema: { readonly shape: Readonly<Record<string, unknown>> }, also: readonly string[] = []): ReadonlySet<string> {
  return new Set([...Object.keys(schema.shape), ...also]);
}
