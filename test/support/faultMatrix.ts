/**
 * Every sandbox fault against one client call, as node:test cases: the same list for each provider
 * route, so no provider skips a failure mode. Call inside a `describe` of a file that uses
 * `useSandbox()`; faults are cleared after each test by that helper.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Sandbox } from '../../sandbox/server';
import type { RequestLimits } from '../../src/providers/clientSupport';
import { assertNoSecret, rejectsWith } from './providerFaults';

/**
 * Deadlines for every call whose outcome must not depend on how busy the machine is: far longer than
 * any answer the local servers give, even with both cores loaded. A test about a deadline shortens only
 * the one it is about, against a fault that can never meet it (a server that never answers, a body that
 * stalls for seconds), so which deadline fires does not depend on timing either.
 */
export const ROOMY_TIMEOUTS = { connectMs: 10_000, headersMs: 10_000, bodyMs: 10_000, totalMs: 30_000 } as const;

export interface FaultMatrixOptions {
  readonly sandbox: () => Sandbox;
  /** Path from the sandbox root, mount prefix included, of the request the call makes. */
  readonly route: string;
  /** The real token of this provider. */
  readonly token: () => string;
  /** Runs the client call under test, with a client built from these limits (and token, when given). */
  readonly call: (limits: RequestLimits, token?: string) => Promise<unknown>;
  /** The field a wrong-shape body must be reported at. */
  readonly wrongShapeWhere: RegExp;
  /** A provider-style 401 body that echoes the token back, to prove redaction. */
  readonly echoingAuthBody: (token: string) => string;
}

export function faultMatrix(options: FaultMatrixOptions): void {
  const { route, call } = options;
  const inject = (fault: Parameters<Sandbox['injectFault']>[0]['fault']) => options.sandbox().injectFault({ route, fault, times: 1 });
  const host = () => new URL(options.sandbox().url).host;

  test('401 from a wrong token: auth error, neither token anywhere in it', async () => {
    const wrong = 'wrong-token-0123456789';
    const error = await rejectsWith(call({ timeouts: ROOMY_TIMEOUTS }, wrong), 'auth');
    assert.equal(error.status, 401);
    assertNoSecret(error, wrong);
    assertNoSecret(error, options.token());
  });

  test('401 whose body echoes the token: the token is redacted everywhere', async () => {
    inject({ kind: 'status', status: 401, body: options.echoingAuthBody(options.token()) });
    const error = await rejectsWith(call({ timeouts: ROOMY_TIMEOUTS }), 'auth');
    assertNoSecret(error, options.token());
    assert.match(error.message, /\[redacted\]/);
  });

  test('404: notFound with the status', async () => {
    inject({ kind: 'status', status: 404 });
    const error = await rejectsWith(call({ timeouts: ROOMY_TIMEOUTS }), 'notFound');
    assert.equal(error.status, 404);
  });

  test('429 with Retry-After: rateLimited with retryAfterMs', async () => {
    inject({ kind: 'rateLimit', retryAfterSeconds: 7 });
    const error = await rejectsWith(call({ timeouts: ROOMY_TIMEOUTS }), 'rateLimited');
    assert.equal(error.retryAfterMs, 7000);
    assert.equal(error.rateLimit?.remaining, 0);
    assert.equal(error.isTransient, true);
  });

  test('500: server error carrying the server message', async () => {
    inject({ kind: 'status', status: 500 });
    const error = await rejectsWith(call({ timeouts: ROOMY_TIMEOUTS }), 'server');
    assert.equal(error.status, 500);
    assert.match(error.message, /HTTP 500.*Internal Server Error/);
  });

  test('latency below the deadline still succeeds', async () => {
    inject({ kind: 'latency', ms: 100 });
    await call({ timeouts: ROOMY_TIMEOUTS });
  });

  test('hang: times out waiting for headers', async () => {
    inject({ kind: 'hang' });
    const error = await rejectsWith(call({ timeouts: { ...ROOMY_TIMEOUTS, headersMs: 300 } }), 'timeout');
    assert.equal(error.phase, 'headers');
  });

  test('slow drip: the total deadline ends it', async () => {
    // Gaps far below the (roomy) body deadline: only the total deadline can end this body.
    inject({ kind: 'slowDrip', chunkDelayMs: 150, chunkBytes: 2 });
    const error = await rejectsWith(call({ timeouts: { ...ROOMY_TIMEOUTS, totalMs: 700 } }), 'timeout');
    assert.equal(error.phase, 'total');
  });

  test('malformed JSON: badResponse', async () => {
    inject({ kind: 'malformedJson' });
    const error = await rejectsWith(call({ timeouts: ROOMY_TIMEOUTS }), 'badResponse');
    assert.match(error.message, /malformed JSON/);
  });

  test('wrong shape: badResponse naming the field', async () => {
    inject({ kind: 'wrongShape' });
    const error = await rejectsWith(call({ timeouts: ROOMY_TIMEOUTS }), 'badResponse');
    assert.match(error.where ?? '', options.wrongShapeWhere);
    assert.ok(error.message.includes(error.where ?? '\u0000'), `the message names ${error.where}: ${error.message}`);
  });

  test('truncated body: network error, not a parse of half a body', async () => {
    inject({ kind: 'truncated' });
    const error = await rejectsWith(call({ timeouts: ROOMY_TIMEOUTS }), 'network');
    assert.ok(error.message.includes(host()), error.message);
  });

  test('oversized body: refused at the size cap', async () => {
    inject({ kind: 'oversized', bytes: 256 * 1024 });
    const error = await rejectsWith(call({ timeouts: ROOMY_TIMEOUTS, maxBytes: 64 * 1024 }), 'badResponse');
    assert.equal(error.where, 'body size');
    assert.match(error.message, /limit/);
  });

  test('connection reset: network error', async () => {
    inject({ kind: 'reset' });
    const error = await rejectsWith(call({ timeouts: ROOMY_TIMEOUTS }), 'network');
    assert.match(error.message, /closed the connection/);
  });

  test('HTML login page: badResponse about content type', async () => {
    inject({ kind: 'html' });
    const error = await rejectsWith(call({ timeouts: ROOMY_TIMEOUTS }), 'badResponse');
    assert.equal(error.where, 'content-type');
    assert.match(error.message, /web page/);
  });
}
