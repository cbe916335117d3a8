/**
 * The gate for URLs a server sent that we would hand to the operating system (vscode.env.openExternal):
 * a live-view link must not become `file:`, `command:`, `vscode:` or `javascript:`, nor plain http to
 * another machine, whatever the server says.
 */
import { isIP } from 'node:net';

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

/** Why `url` must not be opened, in plain words, or undefined when it may be. */
export function externalUrlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'it is not a URL';
  }
  if (parsed.username !== '' || parsed.password !== '') return 'it carries a user name or password';
  if (parsed.protocol === 'https:') return undefined;
  if (parsed.protocol === 'http:') return isLoopback(parsed.hostname) ? undefined : 'it is plain http to another machine (only https is opened)';
  return `its scheme ${parsed.protocol} is not https`;
}

/** The URL, checked; otherwise an Error whose message says it was not opened and why. */
export function checkedExternalUrl(url: string, what: string): string {
  const problem = externalUrlProblem(url);
  if (problem !== undefined) throw new Error(`The ${what} the server sent was not opened: ${problem}.`);
  return url;
}
