/**
 * Status and level text (RUNNING, TIMED_OUT, a warning or critical figure) against the themes' colour
 * tables: every text colour reaches 4.5:1 (WCAG AA for text) on the page's background in light, dark
 * and high contrast; a theme colour that already does is used as the theme gives it.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { contrastRatio, parseColour } from '../../../webview/common/colour';
import { MIN_TEXT_CONTRAST, TEXT_COLOUR_SOURCES, textColours, type TextColourVariable } from '../../../webview/common/textColours';
import { THEME_TABLES } from './themeTables';

const ratio = (colour: string, background: string) => contrastRatio(parseColour(colour)!, parseColour(background)!);

describe('status and level text colours in every theme', () => {
  for (const table of THEME_TABLES) {
    for (const background of ['--vscode-editor-background', '--vscode-sideBar-background']) {
      test(`${table.name}, on ${background}: every text colour reaches ${MIN_TEXT_CONTRAST}:1`, () => {
        const colours = textColours((name) => table.colours[name], background);
        const behind = table.colours[background]!;
        for (const [name, colour] of Object.entries(colours)) {
          const measured = ratio(colour, behind);
          assert.ok(measured >= MIN_TEXT_CONTRAST, `${table.name} ${name} ${colour} on ${behind}: ${measured.toFixed(2)}:1`);
        }
      });
    }
  }

  test('the Light Modern colours the issue measured (green 4.3:1, amber 3.1:1 on white) are the ones moved', () => {
    const light = THEME_TABLES.find((table) => table.name === 'Light Modern')!;
    assert.equal(ratio(light.colours['--vscode-charts-green']!, '#ffffff').toFixed(1), '4.3');
    assert.equal(ratio(light.colours['--vscode-editorWarning-foreground']!, '#ffffff').toFixed(1), '3.1');
    const colours = textColours((name) => light.colours[name], '--vscode-editor-background');
    assert.notEqual(colours['--lu-text-ok'], '#388a34');
    assert.notEqual(colours['--lu-text-warning'], '#bf8803');
    // And its error text (#f85149, 3.4:1 on white).
    assert.equal(ratio(light.colours['--vscode-errorForeground']!, '#ffffff').toFixed(1), '3.4');
    assert.notEqual(colours['--lu-text-error'], '#f85149');
    // Darkened, not replaced: still a green and an amber (red channel below green, and above blue).
    const green = parseColour(colours['--lu-text-ok'])!;
    const amber = parseColour(colours['--lu-text-warning'])!;
    assert.ok(green.g > green.r && green.g > green.b, colours['--lu-text-ok']);
    assert.ok(amber.r > amber.b && amber.g > amber.b, colours['--lu-text-warning']);
  });

  test('a theme colour that already reads is kept exactly (the dark themes)', () => {
    for (const table of THEME_TABLES.filter((entry) => entry.kind !== 'light')) {
      const colours = textColours((name) => table.colours[name], '--vscode-editor-background');
      for (const [name, sources] of Object.entries(TEXT_COLOUR_SOURCES) as [TextColourVariable, readonly string[]][]) {
        const theme = table.colours[sources[0]!]!;
        if (ratio(theme, table.colours['--vscode-editor-background']!) >= MIN_TEXT_CONTRAST)
          assert.equal(colours[name], theme.toLowerCase(), `${table.name} ${name}`);
      }
    }
  });

  test('a theme that leaves a colour unset falls back to the next variable, then to the foreground', () => {
    const colours = textColours(
      (name) => ({ '--vscode-editor-background': '#000000', '--vscode-foreground': '#ffffff', '--vscode-charts-yellow': '#ffd370' })[name],
      '--vscode-editor-background',
    );
    assert.equal(colours['--lu-text-warning'], '#ffd370');
    assert.equal(colours['--lu-text-ok'], '#ffffff');
    // No background at all: a light foreground means a dark page, and the colours still reach 4.5:1 on it.
    const unknown = textColours((name) => ({ '--vscode-foreground': '#cccccc', '--vscode-charts-green': '#388a34' })[name], '--vscode-editor-background');
    assert.ok(ratio(unknown['--lu-text-ok'], '#1f1f1f') >= MIN_TEXT_CONTRAST);
  });
});
