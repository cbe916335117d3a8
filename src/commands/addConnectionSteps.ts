/**
 * The steps of Add Connection per provider, so every prompt's title says where the person is:
 * "Add Connection (3/6): server generation". The provider decides how many steps there are, so the
 * first prompt (which provider?) has no count yet. A team Prometheus ends with the exporter's
 * connections to show, each named after its exporter connection, instead of a name. Pure.
 */
import type { ProviderKind } from '../shared/connections';

export type AddConnectionStep =
  | 'provider'
  | 'base URL'
  | 'server generation'
  | 'token placement'
  | 'token'
  | 'credentials'
  | 'project'
  | 'service'
  | 'organization'
  | 'exported connections'
  | 'name';

const MIDDLE: Readonly<Record<ProviderKind, readonly AddConnectionStep[]>> = {
  browserless: ['server generation', 'token placement', 'token'],
  browserbase: ['token', 'project'],
  northflank: ['token', 'project', 'service'],
  cerebras: ['token', 'organization'],
  prometheus: ['token'],
  prometheusQuery: ['credentials', 'exported connections'],
};

export function addConnectionSteps(kind: ProviderKind): readonly AddConnectionStep[] {
  const middle = MIDDLE[kind] ?? ['token'];
  return ['provider', 'base URL', ...middle, ...(middle.includes('exported connections') ? [] : ['name' as const])];
}

const WORDS: Readonly<Record<AddConnectionStep, string>> = {
  provider: 'provider',
  'base URL': 'base URL',
  'server generation': 'server generation',
  'token placement': 'where the token goes',
  token: 'token',
  credentials: 'credentials',
  project: 'project',
  service: 'service',
  organization: 'organization',
  'exported connections': 'the exporter’s connections to show',
  name: 'name',
};

/**
 * The title of a step: "Add Connection (2/5): base URL"; the first step before a provider is chosen:
 * "Add Connection: provider". `words` names a prompt within a step ("user name" in credentials).
 */
export function addConnectionTitle(kind: ProviderKind | undefined, step: AddConnectionStep, words = WORDS[step]): string {
  if (kind === undefined) return `Add Connection: ${words}`;
  const steps = addConnectionSteps(kind);
  return `Add Connection (${steps.indexOf(step) + 1}/${steps.length}): ${words}`;
}
