/**
 * The exporter's connections file: the same schema as the `liveUsage.connections` setting (a JSON
 * list, or an object holding it under `liveUsage.connections` or `connections`, so a settings.json
 * excerpt can be pasted), read by the extension's own parser. Unlike the extension, which skips a bad
 * entry and polls the rest, the exporter refuses the whole file: a team's metrics must not silently
 * miss a connection. Every message names the entry and the field at fault.
 */
import { connectionFields, parseConnections, quotaFields } from '../connections/parseConnections';
import type { ConnectionConfig, ProviderKind } from '../shared/connections';
import { tokenVariableOf } from './tokens';

/** Providers the exporter polls. A Prometheus endpoint is scraped by Prometheus itself. */
const EXPORTABLE: readonly ProviderKind[] = ['browserless', 'browserbase', 'northflank', 'cerebras'];

/** Field names that can only mean a credential. */
const CREDENTIAL_FIELDS = /^(token|tokens|api[-_]?key|apikey|access[-_]?token|password|secret|authorization|bearer)$/i;
const CREDENTIAL_PARAMETER = /^(token|api[-_]?key|apikey|access[-_]?token|auth|key|secret|password|signature|sig)$/i;

export class ConnectionsFileError extends Error {
  override readonly name = 'ConnectionsFileError';
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
  }
}

function entryName(entry: unknown, index: number): string {
  const id = entry && typeof entry === 'object' ? (entry as { id?: unknown }).id : undefined;
  return typeof id === 'string' ? `"${id}"` : `#${index + 1}`;
}

/** What the schema parser cannot see: credentials and unknown fields (it ignores both). */
function entryProblems(entry: unknown, name: string): string[] {
  if (!entry || typeof entry !== 'object' || Array.isArray(entry)) return [];
  const problems: string[] = [];
  const record = entry as Record<string, unknown>;
  const id = typeof record.id === 'string' ? record.id : undefined;
  const where = id ? `${tokenVariableOf(id)} or ${tokenVariableOf(id)}_FILE` : 'LIVE_USAGE_TOKEN_<ID> or LIVE_USAGE_TOKEN_<ID>_FILE';
  for (const field of Object.keys(record)) {
    if (CREDENTIAL_FIELDS.test(field)) problems.push(`connection ${name}: ${field}: tokens are never read from the connections file; set ${where}`);
    else if (!connectionFields().includes(field)) problems.push(`connection ${name}: ${field}: not a connection field`);
  }
  const quota = record.quota;
  if (quota && typeof quota === 'object' && !Array.isArray(quota)) {
    for (const field of Object.keys(quota)) if (!quotaFields().includes(field)) problems.push(`connection ${name}: quota.${field}: not a quota field`);
  }
  if (typeof record.baseUrl === 'string') {
    try {
      const url = new URL(record.baseUrl);
      // A user name or password in the URL the parser refuses itself.
      const secretParameter = [...url.searchParams.keys()].find((key) => CREDENTIAL_PARAMETER.test(key));
      if (secretParameter) problems.push(`connection ${name}: baseUrl: carries a credential (${secretParameter}); set ${where} instead`);
    } catch {
      // The parser reports an unreadable URL.
    }
  }
  return problems;
}

function listIn(document: unknown): unknown {
  if (Array.isArray(document)) return document;
  if (document && typeof document === 'object') {
    const record = document as Record<string, unknown>;
    if (Array.isArray(record['liveUsage.connections'])) return record['liveUsage.connections'];
    if (Array.isArray(record.connections)) return record.connections;
  }
  return undefined;
}

/** The connections in a file's text, or a ConnectionsFileError listing every problem. */
export function parseConnectionsFile(text: string): ConnectionConfig[] {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new ConnectionsFileError([`not valid JSON: ${error instanceof Error ? error.message : String(error)}`]);
  }
  const list = listIn(document);
  if (!Array.isArray(list)) throw new ConnectionsFileError(['must be a JSON list of connections (or an object with a "liveUsage.connections" list)']);
  const problems = list.flatMap((entry, index) => entryProblems(entry, entryName(entry, index)));
  const parsed = parseConnections(list, 'connections');
  problems.push(...parsed.issues.map((issue) => `connection ${issue.entry}: ${issue.detail}`));
  for (const config of parsed.connections) {
    if (!EXPORTABLE.includes(config.kind)) {
      problems.push(
        `connection "${config.id}": kind: the exporter polls ${EXPORTABLE.join(', ')}; ${config.kind === 'prometheus' ? 'add a Prometheus endpoint to the scrape config instead' : 'a team Prometheus is read by the extension, not exported again'}`,
      );
    }
  }
  if (problems.length === 0 && parsed.connections.length === 0) problems.push('lists no connections');
  if (problems.length > 0) throw new ConnectionsFileError(problems);
  return [...parsed.connections];
}
