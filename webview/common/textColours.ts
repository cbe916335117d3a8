/**
 * Text in a status or level colour (a RUNNING or TIMED_OUT session, a warning or critical figure, an
 * error message):
 * the theme's own colour for it, moved just far enough toward black (light themes) or white (dark
 * ones) to reach WCAG's 4.5:1 for text on the background it sits on. The Modern themes' green and
 * amber are meant for icons and lines (3:1): as text on white they read at 4.3:1 and 3.1:1.
 * The stylesheets read the results as `--lu-text-*` variables, set on <body> (not <html>, whose
 * style VS Code owns and the theme observer watches).
 */
import { parseColour, toHex, withContrast, type Rgba } from './colour';
import { onThemeChange } from './theme';

export const MIN_TEXT_CONTRAST = 4.5;

/** Each text colour the stylesheets use, and the theme variables it comes from (first one set wins). */
export const TEXT_COLOUR_SOURCES = {
  '--lu-text-ok': ['--vscode-charts-green', '--vscode-testing-iconPassed'],
  '--lu-text-warning': ['--vscode-editorWarning-foreground', '--vscode-charts-yellow'],
  '--lu-text-critical': ['--vscode-editorError-foreground', '--vscode-errorForeground', '--vscode-charts-red'],
  // Error messages: Light Modern's errorForeground (#f85149) is 3.4:1 on white.
  '--lu-text-error': ['--vscode-errorForeground', '--vscode-editorError-foreground', '--vscode-charts-red'],
} as const;

export type TextColourVariable = keyof typeof TEXT_COLOUR_SOURCES;

/**
 * The text colours for a page on `backgroundVariable`, from the theme's variables as `read` gives
 * them. A variable the theme leaves unset (or that does not parse) falls back to the foreground.
 */
export function textColours(read: (variable: string) => string | undefined, backgroundVariable: string): Record<TextColourVariable, string> {
  const value = (variable: string) => read(variable)?.trim() || undefined;
  const foreground = parseColour(value('--vscode-foreground') ?? '') ?? { r: 204, g: 204, b: 204, a: 1 };
  const backgroundText = value(backgroundVariable) ?? value('--vscode-editor-background') ?? '';
  // Unknown background: judge by the foreground (light text means a dark page).
  const background: Rgba =
    opaque(parseColour(backgroundText)) ?? (luminanceHint(foreground) ? { r: 31, g: 31, b: 31, a: 1 } : { r: 255, g: 255, b: 255, a: 1 });
  const result = {} as Record<TextColourVariable, string>;
  for (const [name, sources] of Object.entries(TEXT_COLOUR_SOURCES) as [TextColourVariable, readonly string[]][]) {
    const theme = sources.map((source) => parseColour(value(source) ?? '')).find((colour) => colour !== undefined) ?? foreground;
    result[name] = toHex(withContrast(theme, background, MIN_TEXT_CONTRAST));
  }
  return result;
}

function opaque(colour: Rgba | undefined): Rgba | undefined {
  return colour ? { ...colour, a: 1 } : undefined;
}

/** Whether a foreground is light (so the page behind it is dark). */
function luminanceHint(colour: Rgba): boolean {
  return colour.r + colour.g + colour.b > 3 * 127;
}

/** Sets the text colours on the page's body now and again whenever VS Code swaps the theme. */
export function followTextColours(backgroundVariable: string): () => void {
  const apply = () => {
    const style = getComputedStyle(document.documentElement);
    const colours = textColours((name) => style.getPropertyValue(name), backgroundVariable);
    for (const [name, colour] of Object.entries(colours)) document.body.style.setProperty(name, colour);
  };
  apply();
  return onThemeChange(apply);
}
