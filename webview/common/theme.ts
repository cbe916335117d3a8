/**
 * The page's theme: which kind VS Code shows (its body classes), the chart palette from the theme's
 * variables at draw time, and a call when VS Code swaps the theme (it changes the body class and the
 * variables on <html> without reloading the page).
 */
import { buildPalette, type Palette, type ThemeKind } from './palette';

export function themeKindOfBody(): ThemeKind {
  const classes = document.body.classList;
  if (classes.contains('vscode-high-contrast-light')) return 'highContrastLight';
  if (classes.contains('vscode-high-contrast')) return 'highContrast';
  if (classes.contains('vscode-light')) return 'light';
  return 'dark';
}

/** The palette for charts drawn on `backgroundVariable`, read now. */
export function readPalette(backgroundVariable?: string): Palette {
  const style = getComputedStyle(document.documentElement);
  return buildPalette((name) => style.getPropertyValue(name), themeKindOfBody(), backgroundVariable);
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
