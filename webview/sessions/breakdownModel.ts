/**
 * Usage by tag's rules: which key to break the sessions down by, and how each measure is named and
 * written (the chart's axis says its unit). Pure, tested in Node.
 */
import { formatBytes, formatNumber } from '../../src/shared/format';
import { formatKeyPath } from '../../src/shared/metadataQuery';
import type { SessionRow } from '../../src/shared/sessionColumns';
import { metadataKeyPaths } from '../../src/shared/usageByTag';

export type Measure = 'minutes' | 'sessions' | 'proxyBytes';

export interface MeasureSpec {
  readonly id: Measure;
  /** In the picker and the table header. */
  readonly label: string;
  /** The chart's axis title, unit included. */
  readonly axis: string;
  format(value: number): string;
}

export const MEASURES: readonly MeasureSpec[] = [
  { id: 'minutes', label: 'Browser minutes', axis: 'Browser minutes (min, billed)', format: (value) => `${formatNumber(value)} min` },
  { id: 'sessions', label: 'Sessions', axis: 'Sessions', format: (value) => formatNumber(value) },
  { id: 'proxyBytes', label: 'Proxy data', axis: 'Proxy data (bytes)', format: (value) => formatBytes(value) },
];

export function measureSpec(measure: Measure): MeasureSpec {
  return MEASURES.find((entry) => entry.id === measure) ?? (MEASURES[0] as MeasureSpec);
}

export interface KeyChoice {
  readonly text: string;
  readonly sessions: number;
  /** The query fixes this key to one value: breaking down by it gives one bar. */
  readonly fixed: boolean;
}

/** Every key path holding a string in the rows, most common first, marked when the query fixes it. */
export function keyChoices(rows: readonly SessionRow[], fixed: readonly string[]): KeyChoice[] {
  return metadataKeyPaths(rows).map((entry) => {
    const text = formatKeyPath(entry.path);
    return { text, sessions: entry.sessions, fixed: fixed.includes(text) };
  });
}

/**
 * The key to break down by: the one chosen before while the rows have it and the query does not fix
 * it; else `client` when it tells the rows apart; else the most common key the query does not fix;
 * else (every key fixed) the most common one.
 */
export function chooseKey(choices: readonly KeyChoice[], current: string | undefined): string | undefined {
  const open = choices.filter((choice) => !choice.fixed);
  if (current !== undefined && open.some((choice) => choice.text === current)) return current;
  return open.find((choice) => choice.text === 'client')?.text ?? open[0]?.text ?? choices[0]?.text;
}
