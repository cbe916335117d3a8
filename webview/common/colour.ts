/**
 * Colour arithmetic for the charts' palette: parsing the values VS Code puts in its theme variables
 * (#rgb, #rgba, #rrggbb, #rrggbbaa, rgb(), rgba()), WCAG contrast ratios, and nudging a colour until it
 * stands out from its background. Pure, so the palette's contrast is tested against theme tables.
 */

export interface Rgba {
  readonly r: number;
  readonly g: number;
  readonly b: number;
  /** 0..1 */
  readonly a: number;
}

export function parseColour(text: string): Rgba | undefined {
  const value = text.trim();
  const hex = /^#([0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/i.exec(value)?.[1];
  if (hex) {
    const digits = hex.length <= 4 ? [...hex].map((digit) => digit + digit) : (hex.match(/../g) ?? []);
    const [r, g, b, a] = digits.map((pair) => Number.parseInt(pair, 16));
    return { r: r ?? 0, g: g ?? 0, b: b ?? 0, a: a === undefined ? 1 : a / 255 };
  }
  const functional = /^rgba?\(([^)]+)\)$/i.exec(value)?.[1];
  if (functional) {
    const parts = functional.split(/[\s,/]+/).filter(Boolean);
    const [r, g, b] = parts.slice(0, 3).map(Number);
    const alpha = parts[3] === undefined ? 1 : parts[3].endsWith('%') ? Number.parseFloat(parts[3]) / 100 : Number(parts[3]);
    if ([r, g, b, alpha].some((part) => part === undefined || !Number.isFinite(part))) return undefined;
    return { r: r as number, g: g as number, b: b as number, a: Math.min(1, Math.max(0, alpha)) };
  }
  return undefined;
}

const hexByte = (value: number) =>
  Math.round(Math.min(255, Math.max(0, value)))
    .toString(16)
    .padStart(2, '0');

/** #rrggbb (opaque colours) or #rrggbbaa. */
export function toHex(colour: Rgba): string {
  return `#${hexByte(colour.r)}${hexByte(colour.g)}${hexByte(colour.b)}${colour.a < 1 ? hexByte(colour.a * 255) : ''}`;
}

/** `top` drawn over an opaque `bottom`: what the eye sees. */
export function composite(top: Rgba, bottom: Rgba): Rgba {
  const a = top.a;
  return { r: top.r * a + bottom.r * (1 - a), g: top.g * a + bottom.g * (1 - a), b: top.b * a + bottom.b * (1 - a), a: 1 };
}

function channel(value: number): number {
  const c = value / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

/** WCAG relative luminance of an opaque colour. */
export function luminance(colour: Rgba): number {
  return 0.2126 * channel(colour.r) + 0.7152 * channel(colour.g) + 0.0722 * channel(colour.b);
}

/** WCAG contrast ratio (1..21) of a colour, as drawn over `background`. */
export function contrastRatio(colour: Rgba, background: Rgba): number {
  const seen = composite(colour, background);
  const [lighter, darker] = [luminance(seen), luminance(background)].sort((a, b) => b - a) as [number, number];
  return (lighter + 0.05) / (darker + 0.05);
}

function mix(colour: Rgba, toward: Rgba, share: number): Rgba {
  return {
    r: colour.r + (toward.r - colour.r) * share,
    g: colour.g + (toward.g - colour.g) * share,
    b: colour.b + (toward.b - colour.b) * share,
    a: 1,
  };
}

/**
 * The colour as drawn over `background`, made opaque, and moved toward white on a dark background (or
 * black on a light one) just far enough to reach `minimum` contrast. A theme colour that already
 * stands out comes back unchanged.
 */
export function withContrast(colour: Rgba, background: Rgba, minimum: number): Rgba {
  const seen = composite(colour, background);
  if (contrastRatio(seen, background) >= minimum) return seen;
  const target: Rgba = luminance(background) < 0.5 ? { r: 255, g: 255, b: 255, a: 1 } : { r: 0, g: 0, b: 0, a: 1 };
  for (let step = 1; step <= 20; step++) {
    const moved = mix(seen, target, step / 20);
    if (contrastRatio(moved, background) >= minimum) return moved;
  }
  return target;
}
