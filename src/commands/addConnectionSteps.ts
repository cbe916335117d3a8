/**
 * The steps of Add Connection per provider, so every prompt's title says where the person is:
 * "Add Connection (3/6): server generation". The provider decides how many steps there are, so the
 * first prompt (which provider?) has no count yet. Pure.
 */
import type { ProviderKind } from '../shared/connections';

export type AddConnectionStep = 'provider' | 'base URL' | 'server generation' | 'token placement' | 'token' | 'project' | 'service' | 'organization' | 'name';

const MIDDLE: Readonly<Record<ProviderKind, readonly AddConnectionStep[]>> = {
  browserless: ['server generation', 'token placement', 'token'],
  browserbase: ['token', 'project'],
  northflank: ['token', 'project', 'service'],
  cerebras: ['token', 'organization'],
  prometheus: ['token'],
};

export function addConnectionSteps(kind: ProviderKind): readonly AddConnectionStep[] {
  return ['provider', 'base URL', ...(MIDDLE[kind] ?? ['token']), 'name'];
}

const WORDS: Readonly<Record<AddConnectionStep, string>> = {
  provider: 'provider',
  'base URL': 'base URL',
  'server generation': 'server generation',
  'token placement': 'where the token goes',
  token: 'token',
  project: 'project',
  service: 'service',
  organization: 'organization',
  name: 'name',
};

/** The title of a step: "Add Connection (2/5): base URL"; the first step before a provider is chosen: "Add Connection: provider". */
export function addConnectionTitle(kind: ProviderKind | undefined, step: AddConnectionStep): string {
  if (kind === undefined) return `Add Connection: ${WORDS[step]}`;
  const steps = addConnectionSteps(kind);
  return `Add Connection (${steps.indexOf(step) + 1}/${steps.length}): ${WORDS[step]}`;
}
