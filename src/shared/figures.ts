/**
 * How a figure (or a quota, or a latest value) is written, in the three places it appears: the card
 * and the panel's tables write the value in full ("18,307 min", "Yes", "up"), the status bar compactly
 * and named ("18.3K/30K min", "accepting No"). One set of functions, so every surface writes the same
 * number the same way. Pure, shared by host and webviews.
 */
import { formatCompactNumber, formatPercent, formatUnitValue, NO_VALUE, type FormatOptions } from './format';
import { rateParts, type MetricUnit } from './samples';
import type { Figure } from './snapshot';

/** A value in full: its word when the series names its values, else the number with its unit. */
export function valueText(value: number | null | undefined, unit: MetricUnit, words?: Readonly<Record<string, string>>, options: FormatOptions = {}): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return NO_VALUE;
  if (words) return words[String(value)] ?? formatUnitValue(value, unit, options);
  return formatUnitValue(value, unit, options);
}

/** "18,307 min of 30,000 min" style text of a figure for cards: the value, and its limit when known. */
export function figureText(figure: Pick<Figure, 'value' | 'limit' | 'unit' | 'words'>, options: FormatOptions = {}): string {
  const value = valueText(figure.value, figure.unit, figure.words, options);
  return figure.limit === null || figure.words ? value : `${value} / ${formatUnitValue(figure.limit, figure.unit, options)}`;
}

/** Units whose numbers read well as "3/10 sessions": counts of things, whatever they are. */
function countLike(unit: MetricUnit): boolean {
  return unit === 'count' || unit === 'minutes' || unit === 'units' || unit === 'tokens' || unit === 'none' || unit === 'state';
}

/** Units of an amount of something with a limit in the same unit, where a share reads better than two sizes. */
function shareLike(unit: MetricUnit): boolean {
  return unit === 'vcpu' || unit === 'megabytes' || unit === 'bytes';
}

/**
 * The status bar's text of a figure, always naming it: "3/10 sessions", "18.3K/30K min",
 * "accepting No", "CPU 45 %", "p95 1.2 s".
 */
export function figureCompact(figure: Pick<Figure, 'value' | 'limit' | 'unit' | 'words' | 'short'>, options: FormatOptions = {}): string {
  const { value, limit, unit, short } = figure;
  if (value === null || !Number.isFinite(value)) return `${short} ${NO_VALUE}`;
  if (figure.words) return `${short} ${valueText(value, unit, figure.words, options)}`;
  if (countLike(unit) || (rateParts(unit) && unit !== 'rate:second:bytes')) {
    const number = (n: number) => formatCompactNumber(n, { ...options, maximumFractionDigits: Math.abs(n) >= 10_000 ? 1 : n % 1 === 0 ? 0 : 1 });
    const per = rateParts(unit) ? (rateParts(unit)?.per === 'second' ? '/s' : '/min') : '';
    return `${number(value)}${limit === null ? '' : `/${number(limit)}`}${per} ${short}`;
  }
  if (limit !== null && limit > 0 && shareLike(unit)) return `${short} ${formatPercent((value * 100) / limit, options)}`;
  return `${short} ${formatUnitValue(value, unit, options)}`;
}
