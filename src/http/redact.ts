/**
 * Redaction of credentials from anything that may be shown, logged or stored. Two layers:
 * query parameters whose names look like credentials are masked in every URL, and every known secret
 * value (plus its URL-encoded and Basic-auth forms) is masked in any text.
 */

export const REDACTED = '[redacted]';

const CREDENTIAL_PARAMETER = /^(token|api[-_]?key|apikey|access[-_]?token|auth|key|secret|password|signature|sig)$/i;

/** Masks credential-like query parameters and userinfo in a URL. Never throws. */
export function redactUrl(input: string | URL): string {
  let url: URL;
  try {
    url = new URL(String(input));
  } catch {
    return redactQueryLike(String(input));
  }
  if (url.username) url.username = REDACTED;
  if (url.password) url.password = REDACTED;
  for (const name of [...url.searchParams.keys()]) {
    if (CREDENTIAL_PARAMETER.test(name)) url.searchParams.set(name, REDACTED);
  }
  // URLSearchParams re-encodes the brackets of our marker; keep it readable.
  return url.toString().replaceAll(encodeURIComponent(REDACTED), REDACTED);
}

/** For strings that are not whole URLs but may contain `token=...` fragments. */
function redactQueryLike(text: string): string {
  return text.replace(/(\b(?:token|api[-_]?key|apikey|access[-_]?token|key|secret|password)=)[^&#\s"']*/gi, `$1${REDACTED}`);
}

/** The forms a secret can take on the wire: as is, URL-encoded, and inside a Basic header. */
function secretForms(secret: string): string[] {
  const forms = new Set<string>([secret, encodeURIComponent(secret)]);
  const basic = Buffer.from(`${secret}:`).toString('base64');
  forms.add(basic);
  forms.add(basic.replace(/=+$/, ''));
  forms.add(Buffer.from(secret).toString('base64').replace(/=+$/, ''));
  return [...forms].filter((form) => form.length >= 4);
}

/** Masks every occurrence of each secret, in any of its wire forms, and credential query parameters. */
export function redactText(text: string, secrets: readonly (string | undefined)[] = []): string {
  let result = text;
  const forms = secrets
    .filter((secret): secret is string => typeof secret === 'string' && secret.length >= 4)
    .flatMap(secretForms)
    // Longest first, so a secret that contains another is masked whole.
    .sort((a, b) => b.length - a.length);
  for (const form of forms) result = result.split(form).join(REDACTED);
  return redactQueryLike(result);
}
