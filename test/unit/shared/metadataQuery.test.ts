/**
 * The metadata query builder: what goes to Browserbase as `q` (only escape-free conditions, in the
 * documented grammar), exact local matching, key-path input, and saved queries. Property-based
 * parts use values full of quotes, brackets, colons, backslashes, controls and non-ASCII text.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { parseMetadataQuery } from '../../../sandbox/providers/browserbase';
import {
  buildServerQuery,
  describeQuery,
  formatKeyPath,
  isServerSafe,
  matchesConditions,
  metadataFromConditions,
  parseKeyPath,
  parseSavedQuery,
  serializeQuery,
  validateCondition,
  validateQuery,
  type MetadataCondition,
  type MetadataQuery,
} from '../../../src/shared/metadataQuery';

// ---- arbitraries ------------------------------------------------------------------------------

const SPECIALS = [
  "'",
  '"',
  '[',
  ']',
  ':',
  '\\',
  '.',
  '>',
  ' ',
  '%',
  '+',
  '&',
  '=',
  '#',
  '\n',
  '\t',
  '\u0000',
  'é',
  'ß',
  '日本',
  '😀',
  '\u202e',
  'a',
  'b',
  'z',
  '0',
  '_',
  '-',
];
const nasty = fc.string({
  unit: fc.oneof(fc.constantFrom(...SPECIALS), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 })),
  minLength: 1,
  maxLength: 10,
});
/** Mostly plain keys, so some conditions are server-safe and some are not. */
const key = fc.oneof(fc.constantFrom('client', 'order', 'status', 'env', 'run', 'id'), nasty);
const conditionArb: fc.Arbitrary<MetadataCondition> = fc
  .tuple(fc.array(key, { minLength: 1, maxLength: 3 }), fc.oneof(fc.constantFrom('acme', 'shipped', 'run-abc-123'), nasty))
  .map(([path, value]) => ({ path, value }));
/** Valid queries whose conditions use distinct paths (so changing one value changes exactly one tag). */
const queryArb: fc.Arbitrary<MetadataQuery> = fc
  .tuple(
    fc.uniqueArray(conditionArb, { minLength: 1, maxLength: 4, selector: (condition) => JSON.stringify(condition.path) }),
    fc.option(fc.constantFrom('RUNNING', 'COMPLETED', 'PENDING'), { nil: undefined }),
  )
  .map(([conditions, status]) => (status ? { conditions, status } : { conditions }))
  .filter((query) => validateQuery(query).length === 0);

function metadataOf(conditions: readonly MetadataCondition[]): Record<string, unknown> {
  const built = metadataFromConditions(conditions);
  assert.ok('metadata' in built, 'problem' in built ? built.problem : '');
  return built.metadata;
}

// ---- properties ---------------------------------------------------------------------------------

describe('metadata query properties', () => {
  test('saved queries round-trip exactly through serialization', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }).filter((name) => name.trim() !== ''),
        queryArb,
        (name, query) => {
          const parsed = parseSavedQuery(serializeQuery({ name, query }));
          assert.ok('saved' in parsed, 'problem' in parsed ? parsed.problem : '');
          assert.deepEqual(parsed.saved, { name, query });
        },
      ),
      { numRuns: 400 },
    );
  });

  test('local matching is exact: the tagged metadata matches, changing any one value does not', () => {
    fc.assert(
      fc.property(queryArb, fc.nat(), nasty, (query, pick, suffix) => {
        const metadata = metadataOf(query.conditions);
        assert.equal(matchesConditions(metadata, query.conditions), true);
        // Extra tags elsewhere do not matter.
        assert.equal(matchesConditions({ ...metadata, ['unrelated ' + suffix]: 'x' }, query.conditions), true);
        const index = pick % query.conditions.length;
        const changed = query.conditions.map((condition, i) => (i === index ? { ...condition, value: condition.value + suffix } : condition));
        assert.equal(matchesConditions(metadataOf(changed), query.conditions), false);
        // And a session without that tag at all does not match either.
        const without = metadataOf(query.conditions.filter((_, i) => i !== index));
        assert.equal(matchesConditions(without, query.conditions), false);
      }),
      { numRuns: 400 },
    );
  });

  test('the q sent parses back (documented grammar, no escapes) to the chosen condition; the rest stay local', () => {
    fc.assert(
      fc.property(queryArb, (query) => {
        const plan = buildServerQuery(query);
        const firstSafe = query.conditions.findIndex(isServerSafe);
        if (firstSafe < 0) {
          assert.equal(plan.q, undefined);
          assert.equal(plan.encoded, undefined);
          assert.deepEqual(plan.localConditions, query.conditions);
          return;
        }
        assert.equal(plan.serverCondition, firstSafe);
        assert.ok(plan.q !== undefined && plan.encoded !== undefined);
        // The sandbox's parser in strict mode refuses every backslash: nothing here relies on escaping.
        const parsed = parseMetadataQuery(plan.q, true);
        assert.deepEqual(
          { path: [...parsed.path], value: parsed.value },
          { path: [...(query.conditions[firstSafe]?.path ?? [])], value: query.conditions[firstSafe]?.value },
        );
        assert.equal(new URLSearchParams(`q=${plan.encoded}`).get('q'), plan.q);
        assert.deepEqual(
          plan.localConditions,
          query.conditions.filter((_, i) => i !== firstSafe),
        );
      }),
      { numRuns: 600 },
    );
  });

  test('key paths round-trip through their typed form', () => {
    fc.assert(
      fc.property(fc.array(key, { minLength: 1, maxLength: 4 }), (path) => {
        const parsed = parseKeyPath(formatKeyPath(path));
        assert.ok('path' in parsed, `${formatKeyPath(path)}: ${'problem' in parsed ? parsed.problem : ''}`);
        assert.deepEqual(parsed.path, path);
      }),
      { numRuns: 600 },
    );
  });
});

// ---- examples -----------------------------------------------------------------------------------

describe('buildServerQuery', () => {
  test('the documented nested form, and its URL encoding as the HttpClient sends it', () => {
    const plan = buildServerQuery({ conditions: [{ path: ['order', 'status'], value: 'shipped' }] });
    assert.equal(plan.q, "user_metadata['order']['status']:'shipped'");
    assert.equal(plan.encoded, 'user_metadata%5B%27order%27%5D%5B%27status%27%5D%3A%27shipped%27');
    assert.equal(plan.serverCondition, 0);
    assert.deepEqual(plan.localConditions, []);
  });

  test('a quote or backslash keeps a condition local; the first safe one is sent', () => {
    const oreilly = { path: ['client'], value: "o'reilly" };
    const search = { path: ['workflow', 'name'], value: 'search' };
    assert.deepEqual(buildServerQuery({ conditions: [oreilly] }), { localConditions: [oreilly] });
    assert.deepEqual(buildServerQuery({ conditions: [{ path: ['path'], value: 'C:\\exports\\daily' }] }).q, undefined);
    assert.deepEqual(buildServerQuery({ conditions: [{ path: ["team's"], value: 'x' }] }).q, undefined);
    assert.deepEqual(buildServerQuery({ conditions: [{ path: ['a[0]'], value: 'x' }] }).q, undefined);
    assert.deepEqual(buildServerQuery({ conditions: [{ path: ['a'], value: 'line\nbreak' }] }).q, undefined);
    const plan = buildServerQuery({ conditions: [oreilly, search] });
    assert.equal(plan.q, "user_metadata['workflow']['name']:'search'");
    assert.equal(plan.serverCondition, 1);
    assert.deepEqual(plan.localConditions, [oreilly]);
  });

  test('colons, brackets in values, spaces and non-ASCII are sent as they are (URL-encoded)', () => {
    const plan = buildServerQuery({ conditions: [{ path: ['env:region'], value: 'eu [central] 日本 😀' }] });
    assert.equal(plan.q, "user_metadata['env:region']:'eu [central] 日本 😀'");
    assert.equal(new URLSearchParams(`q=${plan.encoded}`).get('q'), plan.q);
  });
});

describe('validation', () => {
  test('conditions name what is wrong', () => {
    assert.deepEqual(validateCondition({ path: [], value: 'x' }), ['Enter a key.']);
    assert.deepEqual(validateCondition({ path: [''], value: 'x' }), ['The key is empty.']);
    assert.deepEqual(validateCondition({ path: ['order', ''], value: 'x' }), ['Key part 2 of 2 is empty.']);
    assert.deepEqual(validateCondition({ path: ['a'], value: '' }), ['Enter a value: Browserbase matches whole string values.']);
    assert.match(validateCondition({ path: ['a'], value: 'x'.repeat(600) })[0] ?? '', /it alone is 608 characters as JSON.*fewer than 512/);
    assert.deepEqual(validateCondition({ path: ['a'], value: 'x'.repeat(503) }), [], '{"a":"x…"} at 511 characters is allowed');
    assert.equal(validateCondition({ path: ['a'], value: 'x'.repeat(504) }).length, 1, 'and at 512 it is not');
  });

  test('queries report contradictions and bad statuses', () => {
    const [same] = validateQuery({
      conditions: [
        { path: ['client'], value: 'acme' },
        { path: ['client'], value: 'globex' },
      ],
    });
    assert.match(same ?? '', /Conditions 1 and 2 contradict: client cannot be both "acme" and "globex"/);
    const [nested] = validateQuery({
      conditions: [
        { path: ['order'], value: 'x' },
        { path: ['order', 'status'], value: 'y' },
      ],
    });
    assert.match(nested ?? '', /order cannot be a value and hold order > status too/);
    assert.deepEqual(
      validateQuery({
        conditions: [
          { path: ['a'], value: 'x' },
          { path: ['a'], value: 'x' },
        ],
      }),
      [],
      'a repeated condition is harmless',
    );
    assert.match(validateQuery({ conditions: [], status: 'running' })[0] ?? '', /Unknown status "running"/);
    assert.match(
      validateQuery({
        conditions: [
          { path: ['a'], value: '' },
          { path: ['b'], value: 'x' },
        ],
      })[0] ?? '',
      /^Condition 1: Enter a value/,
    );
  });
});

describe('metadataFromConditions', () => {
  test('nests paths into one object', () => {
    assert.deepEqual(
      metadataOf([
        { path: ['client'], value: 'acme' },
        { path: ['order', 'status'], value: 'shipped' },
        { path: ['order', 'id'], value: '7' },
      ]),
      {
        client: 'acme',
        order: { status: 'shipped', id: '7' },
      },
    );
  });

  test('__proto__ is an own key, never the prototype', () => {
    const metadata = metadataOf([{ path: ['__proto__', 'polluted'], value: 'yes' }]);
    assert.equal(JSON.stringify(metadata), '{"__proto__":{"polluted":"yes"}}');
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(matchesConditions(JSON.parse(JSON.stringify(metadata)), [{ path: ['__proto__', 'polluted'], value: 'yes' }]), true);
  });

  test('contradictions and empty keys are refused with the reason', () => {
    assert.deepEqual(
      metadataFromConditions([
        { path: ['a'], value: 'x' },
        { path: ['a', 'b'], value: 'y' },
      ]),
      {
        problem: 'Conditions 1 and 2 contradict: a cannot be a value and hold a > b too.',
      },
    );
    assert.deepEqual(metadataFromConditions([{ path: ['a', ''], value: 'x' }]), { problem: 'Key part 2 of 2 is empty.' });
  });
});

describe('matchesConditions', () => {
  test('only own string values match; numbers, objects and inherited keys do not', () => {
    assert.equal(matchesConditions({ retries: 3 }, [{ path: ['retries'], value: '3' }]), false);
    assert.equal(matchesConditions({ a: { b: 'x' } }, [{ path: ['a'], value: '[object Object]' }]), false);
    assert.equal(matchesConditions({}, [{ path: ['toString'], value: 'x' }]), false);
    assert.equal(matchesConditions(null, [{ path: ['a'], value: 'x' }]), false);
    assert.equal(matchesConditions(null, []), true, 'no conditions: everything matches');
  });
});

describe('key path input', () => {
  const path = (text: string) => {
    const parsed = parseKeyPath(text);
    return 'path' in parsed ? parsed.path : parsed.problem;
  };
  test('dots, arrows and JSON arrays', () => {
    assert.deepEqual(path('order.status'), ['order', 'status']);
    assert.deepEqual(path(' order > status '), ['order', 'status']);
    assert.deepEqual(path('example.com > visits'), ['example.com', 'visits']);
    assert.deepEqual(path("o'reilly"), ["o'reilly"]);
    assert.deepEqual(path('["team\'s", "env:region"]'), ["team's", 'env:region']);
    assert.deepEqual(path('C:\\exports'), ['C:\\exports']);
  });
  test('problems are explained', () => {
    assert.equal(path(''), 'Enter a key, e.g. client or order > status.');
    assert.equal(path('a..b'), 'Key part 2 of 3 is empty.');
    assert.match(String(path('[oops')), /must be a JSON array of strings/);
    assert.match(String(path('[1, 2]')), /non-empty JSON array of strings/);
  });
  test('formatting picks the readable form when it reads back the same', () => {
    assert.equal(formatKeyPath(['order', 'status']), 'order > status');
    assert.equal(formatKeyPath(['example.com', 'visits']), 'example.com > visits');
    assert.equal(formatKeyPath(['example.com']), '["example.com"]');
    assert.equal(formatKeyPath(['a>b']), '["a>b"]');
    assert.equal(describeQuery({ conditions: [{ path: ['client'], value: "o'reilly" }], status: 'RUNNING' }), 'client = "o\'reilly" and status RUNNING');
  });
});

describe('parseSavedQuery', () => {
  test('refuses anything but the structure, with a reason', () => {
    const reason = (text: string) => {
      const parsed = parseSavedQuery(text);
      return 'problem' in parsed ? parsed.problem : 'accepted';
    };
    assert.equal(reason("user_metadata['a']:'b'"), 'not JSON');
    assert.equal(reason('{"conditions":[]}'), 'no name');
    assert.equal(reason('{"name":"x","conditions":[{"path":"a","value":"b"}]}'), 'x: a condition is not {path: string[], value: string}');
    assert.equal(reason('{"name":"x","conditions":[{"path":["a"],"value":1}]}'), 'x: a condition is not {path: string[], value: string}');
    assert.equal(reason('{"name":"x","conditions":[{"path":["a"],"value":""}]}'), 'x: Enter a value: Browserbase matches whole string values.');
    assert.equal(reason('{"name":"x","conditions":[],"status":"RUNNING"}'), 'accepted');
  });
});
