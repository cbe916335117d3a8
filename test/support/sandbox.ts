// Shared sandbox for a test file. Call `useSandbox()` at the top level of a file (or inside a
// `describe`): it starts one sandbox before the tests of that scope, clears injected faults after
// each test so a fault never leaks into the next one, and closes the sandbox (and its sockets) after.
//
//   const ctx = useSandbox();
//   test('reads pressure', async () => { const res = await fetch(ctx.sandbox.baseUrl('browserless') + '/pressure'); });
import { after, afterEach, before } from 'node:test';
import type { Sandbox, SandboxOptions } from '../../sandbox/server';
import { startSandbox } from '../../sandbox/server';

export function useSandbox(options?: SandboxOptions): { readonly sandbox: Sandbox } {
  let current: Sandbox | undefined;
  before(async () => {
    current = await startSandbox(options);
  });
  afterEach(() => current?.clearFaults());
  after(async () => {
    await current?.close();
  });
  return {
    get sandbox(): Sandbox {
      if (!current) throw new Error('useSandbox(): the sandbox is only available inside tests and hooks');
      return current;
    },
  };
}
