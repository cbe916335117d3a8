import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { JsonArraySplitter } from '../../../src/worker/jsonArraySplitter';

/** Splits `text` at the given cut points and feeds the pieces; returns the elements. */
function split(text: string, cuts: readonly number[] = []): unknown[] {
  const elements: unknown[] = [];
  const splitter = new JsonArraySplitter((element) => elements.push(element));
  const points = [...new Set(cuts.map((cut) => cut % (text.length + 1)))].sort((a, b) => a - b);
  let from = 0;
  for (const point of points) {
    splitter.push(text.slice(from, point));
    from = point;
  }
  splitter.push(text.slice(from));
  assert.equal(splitter.end(), elements.length);
  return elements;
}

describe('JsonArraySplitter', () => {
  test('any JSON array, cut anywhere, gives back its elements', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue({ maxDepth: 3 })), fc.array(fc.nat(), { maxLength: 12 }), fc.boolean(), (array, cuts, pretty) => {
        const text = JSON.stringify(array, null, pretty ? 2 : undefined);
        assert.deepEqual(split(text, cuts), JSON.parse(text));
      }),
      { numRuns: 300 },
    );
  });

  test('brackets, braces, commas and escaped quotes inside strings do not split elements', () => {
    const array = [{ a: '],[{', b: 'say \\"hi\\", ok', c: ['x', { d: '}' }] }, '\\', '"', 'end]'];
    assert.deepEqual(split(JSON.stringify(array), [3, 9, 15, 20, 31]), array);
  });

  test('an empty array, with whitespace and a byte order mark', () => {
    assert.deepEqual(split('\ufeff [ ] \n'), []);
  });

  const refuse = (text: string, pattern: RegExp): void => {
    assert.throws(
      () => split(text),
      (error: Error) => pattern.test(error.message) && !error.message.includes('secret'),
    );
  };

  test('what is not a JSON array is refused with a message that quotes none of the body', () => {
    refuse('{"date":1}', /not a JSON array/);
    refuse('', /empty/);
    refuse('[1,2', /cut short/);
    refuse('[1,2] x', /after its JSON array/);
    refuse('[1,,2]', /element 2 is missing/);
    refuse('[1,]', /element 2 is missing/);
    refuse('[{"date": secret}]', /element 1 is not valid JSON/);
  });

  test('an element longer than the limit is refused, also when it arrives in pieces', () => {
    const elements: unknown[] = [];
    const splitter = new JsonArraySplitter((element) => elements.push(element), 10);
    splitter.push('["abc",');
    assert.throws(() => {
      splitter.push('"0123');
      splitter.push('456789"]');
    }, /element 2 is longer than 10/);
    assert.deepEqual(elements, ['abc']);
  });
});
