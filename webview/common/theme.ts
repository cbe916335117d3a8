/**
 * Colours come from VS Code's theme variables at draw time, so charts match light, dark and
 * high-contrast themes and follow a theme change (VS Code swaps the body class and the variables on
 * <html> without reloading the page).
 */

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

/** Dash patterns cycle after the colours, so two series never look alike even without colour. */
export const DASHES: readonly (readonly number[])[] = [[], [6, 3], [2, 2], [8, 3, 2, 3]];

function variable(style: CSSStyleDeclaration, name: string, fallback: string): string {
  const value = style.getPropertyValue(name).trim();
  return value === '' ? fallback : value;
}

export function themeKindOfBody(): 'light' | 'dark' | 'highContrast' | 'highContrastLight' {
  const classes = document.body.classList;
  if (classes.contains('vscode-high-contrast-light')) return 'highContrastLight';
  if (classes.contains('vscode-high-contrast')) return 'highContrast';
  if (classes.contains('vscode-light')) return 'light';
  return 'dark';
}

export function readPalette(): Palette {
  const style = getComputedStyle(document.documentElement);
  const kind = themeKindOfBody();
  const highContrast = kind === 'highContrast' || kind === 'highContrastLight';
  const light = kind === 'light' || kind === 'highContrastLight';
  const foreground = variable(style, '--vscode-foreground', light ? '#333333' : '#cccccc');
  const contrastBorder = variable(style, '--vscode-contrastBorder', '');
  return {
    foreground,
    muted: variable(style, '--vscode-descriptionForeground', foreground),
    grid: highContrast && contrastBorder ? contrastBorder : variable(style, '--vscode-editorWidget-border', light ? '#e5e5e5' : '#454545'),
    background: variable(style, '--vscode-editor-background', light ? '#ffffff' : '#1e1e1e'),
    series: [
      variable(style, '--vscode-charts-blue', '#3794ff'),
      variable(style, '--vscode-charts-orange', '#d18616'),
      variable(style, '--vscode-charts-green', '#89d185'),
      variable(style, '--vscode-charts-purple', '#b180d7'),
      variable(style, '--vscode-charts-yellow', '#cca700'),
      variable(style, '--vscode-charts-red', '#f14c4c'),
    ],
    warning: variable(style, '--vscode-editorWarning-foreground', variable(style, '--vscode-charts-yellow', '#cca700')),
    critical: variable(style, '--vscode-editorError-foreground', variable(style, '--vscode-charts-red', '#f14c4c')),
    limit: foreground,
    focus: variable(style, '--vscode-focusBorder', '#007fd4'),
    fontFamily: variable(style, '--vscode-font-family', 'sans-serif'),
    fontSize: Number.parseFloat(variable(style, '--vscode-font-size', '13px')) || 13,
    highContrast,
    lineWidth: highContrast ? 2.5 : 1.75,
  };
}

export function seriesStyle(palette: Palette, index: number): { colour: string; dash: readonly number[] } {
  const colours = palette.series.length;
  return { colour: palette.series[index % colours] as string, dash: DASHES[Math.floor(index / colours) % DASHES.length] as readonly number[] };
}

/** Colour with an alpha, for bands: works for #rgb, #rrggbb and rgb() values. */
export function withAlpha(colour: string, alpha: number): string {
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(colour);
  if (hex) {
    const digits = (hex[1] as string).length === 3 ? [...(hex[1] as string)].map((digit) => digit + digit).join('') : (hex[1] as string);
    const [r, g, b] = [0, 2, 4].map((start) => Number.parseInt(digits.slice(start, start + 2), 16));
    return `rgba(${r}, ${g}, ${b}, ${alpha})`;
  }
  const rgb = /^rgba?\(([^)]+)\)$/.exec(colour);
  if (rgb) {
    const [r, g, b] = (rgb[1] as string).split(',').map((part) => part.trim());
    return `rgba(${r}, ${g}, ${b}, ${alpha})`;
  }
  return colour;
}

/** Calls `changed` (once per frame at most) when VS Code switches theme. */
export function onThemeChange(changed: () => void): () => void {
  let scheduled = false;
  const observer = new MutationObserver(() => {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(() => {
      scheduled = false;
      changed();
    });
  });
  observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style'] });
  return () => observer.disconnect();
}
