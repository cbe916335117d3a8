/**
 * The language model tools' input, checked before anything is sent: unknown fields refused (a token
 * can never be handed in, and its value is never echoed), conditions as the panel builds them (key
 * paths typed or as arrays, string values only), the query rules (contradictions, statuses), and the
 * launch and release fields in their ranges; each problem in a sentence a model can act on.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseFindInput, parseLaunchInput, parseReleaseInput, parseUsageInput, ToolInputError } from '../../../src/tools/toolInput';

const RANGE = [60, 21_600] as const;

function refused(run: () => unknown, message: RegExp): ToolInputError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof ToolInputError, `a ToolInputError, not ${String(error)}`);
    assert.match(error.message, message);
    return error;
  }
  assert.fail(`accepted, but should be refused with ${String(message)}`);
}

describe('any tool', () => {
  test('a field that is not in the schema is refused; a token-like one says tokens never go in tool input, without echoing it', () => {
    const error = refused(
      () => parseUsageInput({ apiKey: 'bb_live_SECRET' }),
      /Unknown input field "apiKey"; expected only connectionId\. Live Usage never takes a token/,
    );
    assert.ok(!error.message.includes('bb_live_SECRET'));
    refused(() => parseFindInput({ conditions: [], query: 'x' }), /Unknown input field "query"/);
  });

  test('not an object: refused; nothing at all: the defaults', () => {
    refused(() => parseUsageInput('all'), /must be a JSON object/);
    refused(() => parseUsageInput([]), /must be a JSON object/);
    assert.deepEqual(parseUsageInput(undefined), {});
    assert.deepEqual(parseUsageInput({ connectionId: ' bb ' }), { connectionId: 'bb' });
    refused(() => parseUsageInput({ connectionId: '' }), /connectionId must be a non-empty string/);
  });
});

describe('find', () => {
  test('key paths as typed in the panel or as a list of keys; the status in any case', () => {
    const input = parseFindInput({
      conditions: [
        { key: 'workflow > name', value: 'checkout' },
        { key: ['example.com', 'visits'], value: "o'reilly" },
      ],
      status: 'running',
    });
    assert.deepEqual(input.query, {
      conditions: [
        { path: ['workflow', 'name'], value: 'checkout' },
        { path: ['example.com', 'visits'], value: "o'reilly" },
      ],
      status: 'RUNNING',
    });
    assert.equal(input.limit, 20);
  });

  test('malformed conditions are refused with what to send instead', () => {
    refused(() => parseFindInput({ conditions: [{ key: 'retries', value: 3 }] }), /conditions\[0\]: value must be a string: .* \(send "3"\)/);
    refused(() => parseFindInput({ conditions: [{ key: 'a..b', value: 'x' }] }), /conditions\[0\]: Key part 2 of 3 is empty/);
    refused(() => parseFindInput({ conditions: [{ value: 'x' }] }), /key is missing/);
    refused(() => parseFindInput({ conditions: [{ key: [], value: 'x' }] }), /must list strings/);
    refused(() => parseFindInput({ conditions: [{ key: 'a', value: 'x', op: 'like' }] }), /unknown field\(s\) "op"/);
    refused(() => parseFindInput({ conditions: 'client=acme' }), /must be a list/);
    refused(() => parseFindInput({ conditions: Array.from({ length: 11 }, () => ({ key: 'a', value: 'b' })) }), /at most 10/);
  });

  test("the panel's query rules: an empty value, contradictions and unknown statuses", () => {
    refused(() => parseFindInput({ conditions: [{ key: 'client', value: '' }] }), /The query cannot run: Enter a value/);
    refused(
      () =>
        parseFindInput({
          conditions: [
            { key: 'client', value: 'acme' },
            { key: 'client', value: 'globex' },
          ],
        }),
      /contradict: client cannot be both "acme" and "globex"/,
    );
    refused(() => parseFindInput({ status: 'DONE' }), /status "DONE" is not one of PENDING, RUNNING, ERROR, TIMED_OUT, COMPLETED/);
    refused(() => parseFindInput({ conditions: [{ key: 'note', value: 'x'.repeat(700) }] }), /longer than 600 characters/);
    refused(() => parseFindInput({ limit: 0 }), /limit must be a whole number from 1 to 50/);
  });
});

describe('launch', () => {
  test('tags are required (an empty list is fine), options within their ranges', () => {
    assert.deepEqual(parseLaunchInput({ tags: [{ key: 'client', value: 'acme' }], keepAlive: true, timeoutSeconds: 600, region: 'eu-central-1' }, RANGE), {
      tags: [{ path: ['client'], value: 'acme' }],
      region: 'eu-central-1',
      keepAlive: true,
      timeoutSeconds: 600,
    });
    assert.deepEqual(parseLaunchInput({ tags: [] }, RANGE), { tags: [] });
    refused(() => parseLaunchInput({}, RANGE), /tags is required/);
    refused(() => parseLaunchInput({ tags: [], timeoutSeconds: 30 }, RANGE), /timeoutSeconds must be a whole number of seconds from 60 to 21600/);
    refused(() => parseLaunchInput({ tags: [], keepAlive: 'yes' }, RANGE), /keepAlive must be true or false/);
  });
});

describe('release', () => {
  test('only a session id in Browserbase shape goes near a URL path', () => {
    assert.deepEqual(parseReleaseInput({ sessionId: '3f2a9c1e-0000-4000-8000-000000000001' }), { sessionId: '3f2a9c1e-0000-4000-8000-000000000001' });
    refused(() => parseReleaseInput({ sessionId: '../projects' }), /sessionId: "\.\.\/projects" is not a Browserbase session id: expected a UUID/);
    refused(() => parseReleaseInput({}), /sessionId: undefined is not a Browserbase session id/);
  });
});
