/**
 * Test Connection and the pickers, moved out of the connection service: every feed of a connection
 * polled once against the local servers with a plain-words summary, and the project and service lists
 * the Add Connection steps offer (with the stored token when the caller has none).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ProviderProbe } from '../../src/connections/providerProbe';
import { HttpClient } from '../../src/http/httpClient';
import type { ConnectionConfig } from '../../src/shared/connections';
import { useSandbox } from '../support/sandbox';

const context = useSandbox();
let http: HttpClient;
before(() => {
  http = new HttpClient();
});
after(() => http.close());

/** A token store that knows one token per connection id. */
function probe(tokens: Record<string, string> = {}): ProviderProbe {
  return new ProviderProbe(http, {
    resolve: (connectionId: string) =>
      Promise.resolve(tokens[connectionId] ? { token: tokens[connectionId], source: 'secretStorage' as const } : { source: 'none' as const }),
  });
}

describe('ProviderProbe', () => {
  test('Test Connection polls every feed once and says what each read', async () => {
    const config: ConnectionConfig = { id: 'bb', kind: 'browserbase', label: 'BB', baseUrl: context.sandbox.baseUrl('browserbase'), projectId: 'proj_sandbox' };
    const summary = await probe().test(config, context.sandbox.tokens.browserbase);
    assert.match(
      summary,
      /^Connected: \d+ value\(s\) read — usage: 2 value\(s\) \(.*\), sessions: 1 value\(s\), project: 1 value\(s\), billing: 3 value\(s\)\.$/,
    );
  });

  test('a rejected token fails the test with an auth error', async () => {
    const config: ConnectionConfig = { id: 'bb', kind: 'browserbase', label: 'BB', baseUrl: context.sandbox.baseUrl('browserbase'), projectId: 'proj_sandbox' };
    await assert.rejects(probe().test(config, 'wrong'), (error: unknown) => (error as { kind?: string }).kind === 'auth');
  });

  test('pickers list Browserbase projects and Northflank projects and services, with the stored token when none is given', async () => {
    const browserbase: ConnectionConfig = { id: 'bb', kind: 'browserbase', label: 'BB', baseUrl: context.sandbox.baseUrl('browserbase') };
    const projects = await probe().listChoices('browserbaseProjects', browserbase, context.sandbox.tokens.browserbase);
    assert.deepEqual(
      projects?.map((project) => [project.id, project.detail]),
      [
        ['proj_sandbox', 'concurrency 3'],
        ['proj_sandbox_staging', 'concurrency 2'],
      ],
    );
    const northflank: ConnectionConfig = {
      id: 'nf',
      kind: 'northflank',
      label: 'NF',
      baseUrl: context.sandbox.baseUrl('northflank'),
      projectId: 'sandbox-project',
    };
    const stored = probe({ nf: context.sandbox.tokens.northflank });
    assert.ok((await stored.listChoices('northflankProjects', northflank, undefined))?.some((project) => project.id === 'sandbox-project'));
    const services = await stored.listChoices('northflankServices', northflank, undefined);
    assert.ok(services?.some((service) => service.id === 'api'));
    assert.equal(await probe().listChoices('northflankServices', northflank, undefined), undefined, 'no token at all: no list');
  });
});
