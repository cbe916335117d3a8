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
  test('Test Connection polls every feed once and says what it read in words, and from where', async () => {
    const config: ConnectionConfig = { id: 'bb', kind: 'browserbase', label: 'BB', baseUrl: context.sandbox.baseUrl('browserbase'), projectId: 'proj_sandbox' };
    const summary = await probe().test(config, context.sandbox.tokens.browserbase);
    assert.match(summary, /^Read GET \/v1\/projects\/\{id\}\/usage, GET \/v1\/sessions\?status=RUNNING, GET \/v1\/projects\/\{id\} and GET \/v1\/sessions: /);
    assert.match(summary, /: [\d,]+ browser minutes used this cycle/);
    assert.match(summary, /\d of 3 concurrent sessions running \(\d+ %\) \(\d+ series in all\)\./);
    assert.doesNotMatch(summary, /value\(s\)/, 'no counts of values');
  });

  test('Browserless and a Prometheus endpoint read in words too', async () => {
    const browserless: ConnectionConfig = { id: 'bl', kind: 'browserless', label: 'BL', baseUrl: context.sandbox.baseUrl('browserless'), authMode: 'bearer' };
    const words = await probe().test(browserless, context.sandbox.tokens.browserless);
    assert.match(words, /^Read \/pressure, \/metrics and \/metrics\/total: \d+ of \d+ concurrent sessions running \(\d+ %\), \d+ of \d+ queue places taken/);
    const prometheus: ConnectionConfig = { id: 'pr', kind: 'prometheus', label: 'PR', baseUrl: `${context.sandbox.baseUrl('prometheus')}/metrics` };
    const scraped = await probe().test(prometheus, undefined);
    assert.match(scraped, /^Read the scrape URL: .+ \(\d+ series in all\)\.$/);
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
