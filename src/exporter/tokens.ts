/**
 * Where the exporter's tokens come from: never the connections file, only the environment, either
 * as a value or as a file a container runtime mounts (`…_FILE`, as Docker and Kubernetes secrets are).
 * For a connection `bb-prod`, in this order:
 *   LIVE_USAGE_TOKEN_BB_PROD or LIVE_USAGE_TOKEN_BB_PROD_FILE   (this connection only)
 *   BROWSERBASE_API_KEY or BROWSERBASE_API_KEY_FILE               (the provider's own variables)
 * Files are read once, at start. A variable and its `_FILE` twin both set is refused: which one was
 * meant cannot be guessed.
 */
import type { ConnectionConfig } from '../shared/connections';
import { TOKEN_ENVIRONMENT_VARIABLES } from '../providers/registry';

export interface TokenResolution {
  readonly token?: string;
  /** The variable the token came from (never the token). */
  readonly variable?: string;
  /** Why there is no token, for the log: which variables were looked at, or why a file could not be read. */
  readonly problem?: string;
}

export interface TokenEnvironment {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Reads a secret file; throws like fs.readFileSync. */
  readFile(path: string): string;
}

/** Secret files hold a token, not a document. */
const MAX_TOKEN_FILE_BYTES = 64 * 1024;

/** `bb-prod` → `LIVE_USAGE_TOKEN_BB_PROD`. */
export function tokenVariableOf(connectionId: string): string {
  return `LIVE_USAGE_TOKEN_${connectionId.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

function set(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== '';
}

/** One variable and its `_FILE` twin: the token, nothing, or why not. */
function readVariable(name: string, environment: TokenEnvironment): { token?: string; problem?: string; fatal?: string } {
  const direct = environment.env[name];
  const file = environment.env[`${name}_FILE`];
  if (set(direct) && set(file)) return { fatal: `both ${name} and ${name}_FILE are set: keep one` };
  if (set(direct)) return { token: direct.trim() };
  if (!set(file)) return {};
  let text: string;
  try {
    text = environment.readFile(file.trim());
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return { problem: `${name}_FILE names ${file.trim()}, which cannot be read (${typeof code === 'string' ? code : 'error'})` };
  }
  if (text.length > MAX_TOKEN_FILE_BYTES) return { problem: `${name}_FILE names a file larger than ${MAX_TOKEN_FILE_BYTES / 1024} KB, not a token` };
  const token = text.trim();
  return token === '' ? { problem: `${name}_FILE names an empty file` } : { token };
}

export interface ResolvedTokens {
  readonly tokens: ReadonlyMap<string, TokenResolution>;
  /** Mistakes that stop the exporter before it serves (ambiguous variables). */
  readonly fatal: readonly string[];
}

export function resolveTokens(connections: readonly ConnectionConfig[], environment: TokenEnvironment): ResolvedTokens {
  const tokens = new Map<string, TokenResolution>();
  const fatal: string[] = [];
  const owners = new Map<string, string>();
  for (const config of connections) {
    const own = tokenVariableOf(config.id);
    const other = owners.get(own);
    if (other !== undefined) fatal.push(`connections "${other}" and "${config.id}" would both read ${own}: give one of them another id`);
    owners.set(own, config.id);
  }
  for (const config of connections) {
    const variables = [tokenVariableOf(config.id), ...TOKEN_ENVIRONMENT_VARIABLES[config.kind]];
    const problems: string[] = [];
    let resolution: TokenResolution | undefined;
    for (const variable of variables) {
      const read = readVariable(variable, environment);
      if (read.fatal) fatal.push(`connection "${config.id}": ${read.fatal}`);
      if (read.problem) problems.push(read.problem);
      if (read.token !== undefined) {
        resolution = { token: read.token, variable };
        break;
      }
    }
    const looked = variables.map((variable) => `${variable} or ${variable}_FILE`).join(', then ');
    tokens.set(config.id, resolution ?? { problem: problems.length > 0 ? problems.join('; ') : `no token: set ${looked}` });
  }
  return { tokens, fatal };
}
