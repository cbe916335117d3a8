/**
 * Assertions shared by the provider contract tests: awaiting a typed failure, and proving a token
 * never leaks into anything an error carries.
 */
import assert from 'node:assert/strict';
import { ProviderError, type ProviderErrorKind } from '../../src/http/errors';

/** Awaits `promise`, which must reject with a ProviderError of `kind`; returns it for more checks. */
export async function rejectsWith(promise: Promise<unknown>, kind: ProviderErrorKind): Promise<ProviderError> {
  let outcome: unknown;
  try {
    outcome = await promise;
  } catch (error) {
    assert.ok(error instanceof ProviderError, `expected a ProviderError, got ${String(error)}`);
    assert.equal(error.kind, kind, `expected kind ${kind}, got ${error.kind}: ${error.message}`);
    return error;
  }
  assert.fail(`expected a ${kind} error, got ${JSON.stringify(outcome)?.slice(0, 200)}`);
}

/** The secret must not appear in the message, the URL, any field, or the stack. */
export function assertNoSecret(error: ProviderError, secret: string): void {
  const forms = [secret, encodeURIComponent(secret), Buffer.from(`${secret}:`).toString('base64')];
  const places = {
    message: error.message,
    url: error.url ?? '',
    json: JSON.stringify(error),
    stack: error.stack ?? '',
    serverMessage: error.serverMessage ?? '',
  };
  for (const [place, text] of Object.entries(places)) {
    for (const form of forms) assert.ok(!text.includes(form), `the token appears in error.${place}: ${text}`);
  }
}
