/**
 * The charts' colours against the themes' colour tables: every series, warning and critical colour
 * reaches 3:1 contrast (WCAG's minimum for graphics) on the background it is drawn on, in light, dark
 * and high-contrast themes; a theme colour that already stands out is used as the theme gives it; a
 * translucent one is made opaque first.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { contrastRatio, parseColour, toHex, withContrast } from '../../../webview/common/colour';
import {
  buildPalette,
  DASHES,
  MIN_GRAPHIC_CONTRAST,
  paletteContrast,
  seriesStyle,
  SERIES_VARIABLES,
  withAlpha,
  type ThemeKind,
} from '../../../webview/common/palette';
import { THEME_TABLES } from './themeTables';

describe('colour arithmetic', () => {
  test('parses the forms theme variables take', () => {
    assert.deepEqual(parseColour('#fff'), { r: 255, g: 255, b: 255, a: 1 });
    assert.deepEqual(parseColour('#3794FF'), { r: 55, g: 148, b: 255, a: 1 });
    assert.deepEqual(parseColour('#00000080'), { r: 0, g: 0, b: 0, a: 128 / 255 });
    assert.deepEqual(parseColour('rgba(1, 2, 3, 0.5)'), { r: 1, g: 2, b: 3, a: 0.5 });
    assert.deepEqual(parseColour(' rgb(10 20 30 / 50%) '), { r: 10, g: 20, b: 30, a: 0.5 });
    assert.equal(parseColour('red'), undefined);
    assert.equal(parseColour(''), undefined);
  });

  test('contrast ratios as WCAG defines them', () => {
    const white = parseColour('#ffffff')!;
    const black = parseColour('#000000')!;
    assert.equal(Math.round(contrastRatio(black, white) * 100) / 100, 21);
    assert.equal(Math.round(contrastRatio(white, white) * 100) / 100, 1);
    assert.equal(Math.round(contrastRatio(parseColour('#777777')!, white) * 100) / 100, 4.48);
  });

  test('a colour that stands out is left alone; one that does not is moved just far enough', () => {
    const dark = parseColour('#1f1f1f')!;
    assert.equal(toHex(withContrast(parseColour('#3794ff')!, dark, 3)), '#3794ff');
    const brown = withContrast(parseColour('#5a3a10')!, dark, 3);
    assert.ok(contrastRatio(brown, dark) >= 3);
    assert.ok(contrastRatio(brown, dark) < 3.6, 'not pushed all the way to white');
  });
});

describe('the chart palette in every theme', () => {
  for (const table of THEME_TABLES) {
    for (const background of ['--vscode-editor-background', '--vscode-sideBar-background']) {
      test(`${table.name}, on ${background}: every series and threshold colour reaches ${MIN_GRAPHIC_CONTRAST}:1`, () => {
        const palette = buildPalette((name) => table.colours[name], table.kind as ThemeKind, background);
        for (const colour of [...palette.series, palette.warning, palette.critical]) {
          const ratio = paletteContrast(colour, palette);
          assert.ok(ratio >= MIN_GRAPHIC_CONTRAST, `${colour} on ${palette.background}: ${ratio.toFixed(2)}:1`);
        }
        // Six colours a person can tell apart: none is the same as another.
        assert.equal(new Set(palette.series).size, SERIES_VARIABLES.length);
      });
    }

    test(`${table.name}: theme colours that stand out are the theme's own`, () => {
      const palette = buildPalette((name) => table.colours[name], table.kind as ThemeKind);
      const background = parseColour(table.colours['--vscode-editor-background'] as string)!;
      SERIES_VARIABLES.forEach((variable, index) => {
        const theme = table.colours[variable] ? parseColour(table.colours[variable])! : undefined;
        if (theme && theme.a === 1 && contrastRatio(theme, background) >= MIN_GRAPHIC_CONTRAST) assert.equal(palette.series[index], toHex(theme), variable);
      });
    });
  }

  test('the Modern themes’ translucent charts.orange (brown over dark grey) is drawn as the opaque orange it is', () => {
    for (const table of THEME_TABLES.filter((entry) => entry.colours['--vscode-charts-orange']?.startsWith('rgba'))) {
      const palette = buildPalette((name) => table.colours[name], table.kind as ThemeKind);
      assert.equal(palette.series[1], '#ea5c00', table.name);
      const composited = parseColour('#5c3518')!;
      assert.ok(contrastRatio(composited, parseColour('#1f1f1f')!) < 1.6, 'what a third of it over dark grey looked like');
    }
  });

  test('without theme variables (before they arrive) the defaults still reach the minimum', () => {
    for (const kind of ['light', 'dark'] as const) {
      const palette = buildPalette(() => undefined, kind);
      for (const colour of palette.series) assert.ok(paletteContrast(colour, palette) >= MIN_GRAPHIC_CONTRAST, `${kind} ${colour}`);
    }
  });
});

describe('series styles', () => {
  test('withAlpha understands the colour forms themes use', () => {
    assert.equal(withAlpha('#3794ff', 0.2), 'rgba(55, 148, 255, 0.2)');
    assert.equal(withAlpha('#fff', 0.5), 'rgba(255, 255, 255, 0.5)');
    assert.equal(withAlpha('rgb(1, 2, 3)', 0.1), 'rgba(1, 2, 3, 0.1)');
    assert.equal(withAlpha('rgba(1, 2, 3, 0.9)', 0.1), 'rgba(1, 2, 3, 0.1)');
    assert.equal(withAlpha('red', 0.1), 'red', 'a name is left as it is');
  });

  test('series past the theme colours get a dash pattern, so no two look alike', () => {
    const palette = buildPalette(() => undefined, 'dark');
    const styles = Array.from({ length: 18 }, (_, index) => seriesStyle(palette, index));
    assert.deepEqual(styles[6]?.dash, DASHES[1]);
    assert.equal(styles[6]?.colour, styles[0]?.colour);
    assert.equal(new Set(styles.map((style) => `${style.colour}${style.dash.join()}`)).size, 18);
  });
});
