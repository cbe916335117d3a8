/**
 * The memoizing helper that keeps schema building out of module load: a value is built on its first
 * use, once.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lazy } from '../../../src/shared/lazy';

describe('lazy', () => {
  it('builds nothing until the first call, then builds once and hands back the same value', () => {
    let builds = 0;
    const table = lazy(() => ({ built: ++builds }));
    assert.equal(builds, 0);
    const first = table();
    assert.equal(builds, 1);
    assert.equal(table(), first);
    assert.equal(builds, 1);
  });

  it('builds again on the next call when a build threw, so a failure is not kept', () => {
    let attempts = 0;
    const table = lazy(() => {
      attempts++;
      if (attempts === 1) throw new Error('first build fails');
      return { attempts };
    });
    assert.throws(() => table(), /first build fails/);
    assert.deepEqual(table(), { attempts: 2 });
    assert.equal(attempts, 2);
  });
});
