/**
 * Checks and names for a connection's fields that the Add and Edit Connection steps share with
 * settings validation (parseConnections.ts). Kept apart from the schema so the palette bundle
 * (src/commands/palette.ts) uses them without carrying the schema library.
 */

/**
 * Why a base URL cannot be used, or undefined. Credentials in it are refused rather than dropped: the
 * user meant them to be sent, and settings are no place for them (the token command keeps them in the
 * OS keychain). The URL is never repeated in the message.
 */
export function baseUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return 'must be a full http:// or https:// URL, e.g. https://production-sfo.browserless.io';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must start with http:// or https://';
  if (url.username !== '' || url.password !== '') {
    return 'contains a user name or password: remove it and store the token with "Live Usage: Set Token…" (kept in the OS keychain, never in settings)';
  }
  return undefined;
}

/** A new id from a label: readable, unique among `taken`. */
export function makeConnectionId(label: string, taken: ReadonlySet<string>): string {
  const base =
    label
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'connection';
  let candidate = base;
  for (let counter = 2; taken.has(candidate); counter++) candidate = `${base}-${counter}`;
  return candidate;
}
