/**
 * The charts' colours, from VS Code's theme: series in the `charts.*` colours the theme defines for
 * exactly this, thresholds in its warning and error colours, axes and grid in its foreground and
 * border colours. Series are drawn opaque: the Modern themes give `charts.orange` a third of its
 * opacity (it comes from the minimap's find highlight), which over dark grey reads as dark brown. A
 * colour that still does not stand out from the chart's background is moved toward white or black
 * until it reaches 3:1 contrast, the WCAG minimum for graphics. Pure: reads the variables through
 * `read`, so the contrast is tested against the themes' colour tables.
 */
import { contrastRatio, parseColour, toHex, withContrast, type Rgba } from './colour';

export type ThemeKind = 'light' | 'dark' | 'highContrast' | 'highContrastLight';

export interface Palette {
  readonly foreground: string;
  readonly muted: string;
  readonly grid: string;
  readonly background: string;
  readonly series: readonly string[];
  readonly warning: string;
  readonly critical: string;
  readonly limit: string;
  readonly focus: string;
  readonly fontFamily: string;
  readonly fontSize: number;
  readonly highContrast: boolean;
  readonly lineWidth: number;
}

/** The order series take colours in; dash patterns cycle after them (see DASHES). */
export const SERIES_VARIABLES = [
  '--vscode-charts-blue',
  '--vscode-charts-orange',
  '--vscode-charts-green',
  '--vscode-charts-purple',
  '--vscode-charts-yellow',
  '--vscode-charts-red',
] as const;

/** WCAG 2.1 non-text contrast: lines and marks against what is behind them. */
export const MIN_GRAPHIC_CONTRAST = 3;

/** Dash patterns cycle after the colours, so two series never look alike even without colour. */
export const DASHES: readonly (readonly number[])[] = [[], [6, 3], [2, 2], [8, 3, 2, 3]];

/** VS Code's own defaults of each variable, for a page shown before the theme's variables arrive. */
const DEFAULTS: Readonly<Record<string, { readonly dark: string; readonly light: string }>> = {
  '--vscode-foreground': { dark: '#cccccc', light: '#3b3b3b' },
  '--vscode-editor-background': { dark: '#1f1f1f', light: '#ffffff' },
  '--vscode-editorWidget-border': { dark: '#454545', light: '#c8c8c8' },
  '--vscode-charts-blue': { dark: '#3794ff', light: '#1a85ff' },
  '--vscode-charts-orange': { dark: '#d18616', light: '#d18616' },
  '--vscode-charts-green': { dark: '#89d185', light: '#388a34' },
  '--vscode-charts-purple': { dark: '#b180d7', light: '#652d90' },
  '--vscode-charts-yellow': { dark: '#cca700', light: '#bf8803' },
  '--vscode-charts-red': { dark: '#f14c4c', light: '#e51400' },
  '--vscode-editorWarning-foreground': { dark: '#cca700', light: '#bf8803' },
  '--vscode-editorError-foreground': { dark: '#f14c4c', light: '#e51400' },
  '--vscode-focusBorder': { dark: '#0078d4', light: '#005fb8' },
};

/**
 * The palette for a chart drawn on `backgroundVariable` (the editor's background in the panel, the
 * side bar's in the sidebar).
 */
export function buildPalette(read: (variable: string) => string | undefined, kind: ThemeKind, backgroundVariable = '--vscode-editor-background'): Palette {
  const light = kind === 'light' || kind === 'highContrastLight';
  const highContrast = kind === 'highContrast' || kind === 'highContrastLight';
  const value = (variable: string, fallback?: string): string => {
    const text = read(variable)?.trim();
    return text ? text : (fallback ?? DEFAULTS[variable]?.[light ? 'light' : 'dark'] ?? '');
  };
  const backgroundText = value(backgroundVariable, value('--vscode-editor-background'));
  const background: Rgba = parseColour(backgroundText) ?? (light ? { r: 255, g: 255, b: 255, a: 1 } : { r: 31, g: 31, b: 31, a: 1 });
  const visible = (text: string): string => {
    const colour = parseColour(text);
    return colour ? toHex(withContrast({ ...colour, a: 1 }, { ...background, a: 1 }, MIN_GRAPHIC_CONTRAST)) : text;
  };
  const foreground = value('--vscode-foreground');
  const contrastBorder = value('--vscode-contrastBorder', '');
  return {
    foreground,
    muted: value('--vscode-descriptionForeground', foreground),
    grid: highContrast && contrastBorder ? contrastBorder : value('--vscode-editorWidget-border'),
    background: toHex({ ...background, a: 1 }),
    series: SERIES_VARIABLES.map((variable) => visible(value(variable))),
    warning: visible(value('--vscode-editorWarning-foreground', value('--vscode-charts-yellow'))),
    critical: visible(value('--vscode-editorError-foreground', value('--vscode-charts-red'))),
    limit: foreground,
    focus: value('--vscode-focusBorder'),
    fontFamily: value('--vscode-font-family', 'sans-serif'),
    fontSize: Number.parseFloat(value('--vscode-font-size', '13px')) || 13,
    highContrast,
    lineWidth: highContrast ? 2.5 : 1.75,
  };
}

export function seriesStyle(palette: Palette, index: number): { colour: string; dash: readonly number[] } {
  const colours = palette.series.length;
  return { colour: palette.series[index % colours] as string, dash: DASHES[Math.floor(index / colours) % DASHES.length] as readonly number[] };
}

/** Colour with an alpha, for bands and bars: works for every form parseColour reads. */
export function withAlpha(colour: string, alpha: number): string {
  const parsed = parseColour(colour);
  return parsed ? `rgba(${Math.round(parsed.r)}, ${Math.round(parsed.g)}, ${Math.round(parsed.b)}, ${alpha})` : colour;
}

/** The contrast of a palette colour against its background (for tests and the end-to-end check). */
export function paletteContrast(colour: string, palette: Palette): number {
  const parsed = parseColour(colour);
  const background = parseColour(palette.background);
  return parsed && background ? contrastRatio(parsed, background) : 0;
}
