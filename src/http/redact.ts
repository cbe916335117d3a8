/**
 * Redaction of credentials from anything that may be shown, logged or stored. Two layers:
 * query parameters whose names look like credentials are masked in every URL, and every known secret
 * value, in every form it can take on the wire or in an echo, is masked in any text.
 *
 * Order matters: text is redacted before it is cut. A cut made first can split a token, and the
 * surviving half no longer matches anything.
 */

export const REDACTED = '[redacted]';

const CREDENTIAL_PARAMETER = /^(token|api[-_]?key|apikey|access[-_]?token|auth|key|secret|password|signature|sig)$/i;

/** Secrets shorter than this are not masked: masking every `a` in a text helps no one. */
const MIN_SECRET_LENGTH = 4;

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

/** Every character outside the unreserved set as `%XX`: what a server that re-encodes strictly echoes. */
function percentEncodeAll(secret: string): string {
  return [...Buffer.from(secret, 'utf8')]
    .map((byte) => (/[A-Za-z0-9\-._~]/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`))
    .join('');
}

/** RFC 3986 strict: encodeURIComponent plus the five characters it leaves alone. */
function encodeStrict(secret: string): string {
  return encodeURIComponent(secret).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Every byte as `%XX`, letters and digits too: the most a server can re-encode a value. */
function percentEncodeEveryByte(secret: string): string {
  return [...Buffer.from(secret, 'utf8')].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join('');
}

function base64Forms(bytes: Buffer): string[] {
  const standard = bytes.toString('base64');
  return [standard, standard.replace(/=+$/, ''), bytes.toString('base64url')];
}

/**
 * The forms a secret can take on the wire or in a server's echo of it: as is; in a URL
 * (`encodeURIComponent`, the form encoding URLSearchParams uses, strict and full percent-encoding);
 * inside a JSON string; inside a Basic header (`secret:` and the bare secret, in standard and
 * URL-safe base64, padded or not); and each of these percent-encoded once more. Matching ignores case, so a server that lower-cases `%2F` or
 * upper-cases the whole value does not slip one through.
 */
export function secretForms(secret: string): string[] {
  const form = new URLSearchParams({ s: secret }).toString().slice('s='.length);
  const json = JSON.stringify(secret).slice(1, -1);
  const plain = [secret, json, json.replaceAll('/', '\\/'), ...base64Forms(Buffer.from(`${secret}:`)), ...base64Forms(Buffer.from(secret))];
  const inUrl = [encodeURIComponent(secret), encodeStrict(secret), form, form.replaceAll('+', '%20'), percentEncodeAll(secret), percentEncodeEveryByte(secret)];
  // Each encoded (again) for a URL: a Basic value in a query, or a URL carrying the request URL (a login redirect's `?next=`).
  const forms = new Set<string>([...plain, ...inUrl, ...[...plain, ...inUrl].map((value) => encodeURIComponent(value))]);
  return [...forms].filter((candidate) => candidate.length >= MIN_SECRET_LENGTH);
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}

function usableSecrets(secrets: readonly (string | undefined)[]): string[] {
  return secrets.filter((secret): secret is string => typeof secret === 'string' && secret.length >= MIN_SECRET_LENGTH);
}

const patterns = new Map<string, RegExp>();
/** Patterns kept: one per set of secrets in use (a connection's token plus the proxy's), a few at a time. */
const PATTERNS_KEPT = 64;

/** One pattern for every form of every secret, longest first so a secret inside another is masked whole. */
function secretsPattern(secrets: readonly string[]): RegExp | undefined {
  if (secrets.length === 0) return undefined;
  const key = JSON.stringify(secrets);
  let pattern = patterns.get(key);
  if (!pattern) {
    const forms = [...new Set(secrets.flatMap(secretForms))].sort((a, b) => b.length - a.length);
    pattern = new RegExp(forms.map(escapeRegExp).join('|'), 'gi');
    if (patterns.size >= PATTERNS_KEPT) patterns.clear();
    patterns.set(key, pattern);
  }
  return pattern;
}

/**
 * Masks every occurrence of each secret, in any of its forms. Only the secrets: safe on data (a
 * response body, an exposition) whose other `key=` text must stay as it is.
 */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[] = []): string {
  const pattern = secretsPattern(usableSecrets(secrets));
  return pattern ? text.replace(pattern, REDACTED) : text;
}

/** Masks every secret in every form, and credential-like query parameters. For messages. */
export function redactText(text: string, secrets: readonly (string | undefined)[] = []): string {
  return redactQueryLike(redactSecrets(text, secrets));
}

/** Redacts, then shortens to at most `maxChars` (an ellipsis marks the cut). */
export function redactThenCut(text: string, maxChars: number, secrets: readonly (string | undefined)[] = []): string {
  const redacted = redactText(text, secrets);
  return redacted.length <= maxChars ? redacted : `${redacted.slice(0, Math.max(0, maxChars - 1))}…`;
}

/**
 * For text that something else already cut at its end (a body read up to a byte cap): complete forms
 * are masked, and an unfinished one at the very end (a suffix that begins some form) is dropped.
 */
export function redactTruncated(text: string, secrets: readonly (string | undefined)[] = []): string {
  const usable = usableSecrets(secrets);
  const redacted = redactText(text, usable);
  const lower = redacted.toLowerCase();
  let drop = 0;
  for (const form of usable.flatMap(secretForms)) {
    const start = form.toLowerCase();
    for (let length = Math.min(start.length - 1, lower.length); length > drop; length--) {
      if (lower.endsWith(start.slice(0, length))) {
        drop = length;
        break;
      }
    }
  }
  return `${redacted.slice(0, redacted.length - drop)}…`;
}

/**
 * Redacts text that arrives in pieces (a response body read as a stream), with the same result as
 * redacting the whole text at once: each piece is masked except its last few characters, which could
 * begin a secret the next piece completes; they are carried over. A form that begins more than its
 * longest length before the end of what has arrived is wholly there, so it is masked exactly as in the
 * whole text.
 */
export class StreamRedactor {
  private carry = '';
  private readonly pattern: RegExp | undefined;
  /** Characters held back: one less than the longest form. */
  private readonly hold: number;

  constructor(secrets: readonly (string | undefined)[]) {
    const usable = usableSecrets(secrets);
    const shared = secretsPattern(usable);
    // A copy: exec moves lastIndex, and the cached pattern is used by every other redaction.
    this.pattern = shared ? new RegExp(shared.source, shared.flags) : undefined;
    this.hold = Math.max(0, ...usable.flatMap(secretForms).map((form) => form.length)) - 1;
  }

  /** The redacted text that can be let go of now. */
  push(text: string): string {
    const pattern = this.pattern;
    if (!pattern) return text;
    const buffer = this.carry + text;
    const safe = buffer.length - this.hold;
    if (safe <= 0) {
      this.carry = buffer;
      return '';
    }
    let out = '';
    let from = 0;
    pattern.lastIndex = 0;
    for (let match = pattern.exec(buffer); match !== null && match.index < safe; match = pattern.exec(buffer)) {
      out += buffer.slice(from, match.index) + REDACTED;
      from = match.index + match[0].length;
    }
    const cut = Math.max(safe, from);
    out += buffer.slice(from, cut);
    this.carry = buffer.slice(cut);
    return out;
  }

  /** The rest, once the text is complete. */
  end(): string {
    const rest = this.pattern ? this.carry.replace(this.pattern, REDACTED) : this.carry;
    this.carry = '';
    return rest;
  }
}
