/** Theme helpers of the webviews that need no page: colours with alpha, and series styles. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DASHES, seriesStyle, withAlpha, type Palette } from '../../../webview/common/theme';

test('withAlpha understands the colour forms themes use', () => {
  assert.equal(withAlpha('#3794ff', 0.2), 'rgba(55, 148, 255, 0.2)');
  assert.equal(withAlpha('#fff', 0.5), 'rgba(255, 255, 255, 0.5)');
  assert.equal(withAlpha('rgb(1, 2, 3)', 0.1), 'rgba(1, 2, 3, 0.1)');
  assert.equal(withAlpha('rgba(1, 2, 3, 0.9)', 0.1), 'rgba(1, 2, 3, 0.1)');
  assert.equal(withAlpha('red', 0.1), 'red', 'a name is left as it is');
});

test('series past the theme colours get a dash pattern, so no two look alike', () => {
  const palette = { series: ['a', 'b', 'c'] } as unknown as Palette;
  const styles = Array.from({ length: 9 }, (_, index) => seriesStyle(palette, index));
  assert.deepEqual(
    styles.map((style) => style.colour),
    ['a', 'b', 'c', 'a', 'b', 'c', 'a', 'b', 'c'],
  );
  assert.deepEqual(styles[3]?.dash, DASHES[1]);
  assert.equal(new Set(styles.map((style) => `${style.colour}${style.dash.join()}`)).size, 9);
});
