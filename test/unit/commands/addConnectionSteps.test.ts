/** Every Add Connection prompt says which step it is out of how many, for each provider. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addConnectionSteps, addConnectionTitle } from '../../../src/commands/addConnectionSteps';
import { PROVIDER_KINDS } from '../../../src/providers/registry';

test('each provider counts its own steps, from the provider to the name', () => {
  assert.equal(addConnectionTitle(undefined, 'provider'), 'Add Connection: provider');
  assert.equal(addConnectionTitle('browserless', 'base URL'), 'Add Connection (2/6): base URL');
  assert.equal(addConnectionTitle('browserless', 'server generation'), 'Add Connection (3/6): server generation');
  assert.equal(addConnectionTitle('browserless', 'token placement'), 'Add Connection (4/6): where the token goes');
  assert.equal(addConnectionTitle('browserbase', 'project'), 'Add Connection (4/5): project');
  assert.equal(addConnectionTitle('prometheus', 'name'), 'Add Connection (4/4): name');
  assert.equal(addConnectionTitle('prometheusQuery', 'credentials'), 'Add Connection (3/4): credentials');
  assert.equal(addConnectionTitle('prometheusQuery', 'credentials', 'user name'), 'Add Connection (3/4): user name');
  assert.equal(addConnectionTitle('prometheusQuery', 'exported connections'), 'Add Connection (4/4): the exporter’s connections to show');
  for (const kind of PROVIDER_KINDS) {
    const steps = addConnectionSteps(kind);
    assert.equal(steps[0], 'provider');
    // A team Prometheus names each connection after the exporter's; every other provider asks for a name.
    assert.equal(steps.at(-1), kind === 'prometheusQuery' ? 'exported connections' : 'name');
    assert.ok(steps.includes('token') || steps.includes('credentials'), `${kind} asks for a token`);
    assert.equal(new Set(steps).size, steps.length);
    steps.forEach((step, index) => assert.match(addConnectionTitle(kind, step), new RegExp(`^Add Connection \\(${index + 1}/${steps.length}\\): `)));
  }
});
