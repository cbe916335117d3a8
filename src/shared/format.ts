/**
 * Small pure formatters shared by the status bar, quota messages and the webviews (which is why they
 * live in shared/: no `vscode`, no DOM). Every function takes an optional locale so tests are
 * deterministic and the host can pass VS Code's display language.
 */
import { rateParts, type MetricUnit } from './samples';

/** English with day-before-month dates ("28 Nov") and comma thousands ("5,520"), as the docs show. */
export const DEFAULT_LOCALE = 'en-GB';

/** Shown where a value is missing; a dash instead of a 0 that would look like a real reading. */
export const NO_VALUE = '—';

export interface FormatOptions {
  readonly locale?: string;
  /** Default: 0 from 100 up, 1 from 10 up, else 2; enough precision to tell values apart, no more. */
  readonly maximumFractionDigits?: number;
}

const numberFormats = new Map<string, Intl.NumberFormat>();

// Intl formatters are costly to build and this runs on every poll for every connection.
function numberFormat(locale: string, maximumFractionDigits: number, compact: boolean): Intl.NumberFormat {
  const key = `${locale}|${maximumFractionDigits}|${compact ? 'c' : ''}`;
  let format = numberFormats.get(key);
  if (!format) {
    try {
      format = new Intl.NumberFormat(locale, { maximumFractionDigits, ...(compact ? { notation: 'compact' } : {}) });
    } catch {
      // An unknown locale tag from settings must not break the status bar.
      format = new Intl.NumberFormat(DEFAULT_LOCALE, { maximumFractionDigits, ...(compact ? { notation: 'compact' } : {}) });
    }
    numberFormats.set(key, format);
  }
  return format;
}

function defaultFractionDigits(value: number): number {
  const magnitude = Math.abs(value);
  if (magnitude >= 100) return 0;
  if (magnitude >= 10) return 1;
  return 2;
}

/** "5,520", "12.3", "0.45"; a dash for null or a non-finite number. */
export function formatNumber(value: number | null | undefined, options: FormatOptions = {}): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return NO_VALUE;
  const digits = options.maximumFractionDigits ?? defaultFractionDigits(value);
  return numberFormat(options.locale ?? DEFAULT_LOCALE, digits, false).format(value);
}

/** Like formatNumber, but "12.3k" from ten thousand up, for the narrow status bar. */
export function formatCompactNumber(value: number | null | undefined, options: FormatOptions = {}): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return NO_VALUE;
  if (Math.abs(value) < 10_000) return formatNumber(value, options);
  return numberFormat(options.locale ?? DEFAULT_LOCALE, options.maximumFractionDigits ?? 1, true).format(value);
}

/** "92 %": a percentage (0..100 scale), never a fraction. */
export function formatPercent(percent: number | null | undefined, options: FormatOptions = {}): string {
  if (percent === null || percent === undefined || !Number.isFinite(percent)) return NO_VALUE;
  // Truncated toward zero, not rounded: 89.6 % must not read "90 %" while the level says it is below
  // the 90 % threshold, and 99.6 % must not read "100 %" (full). Below 1 % one decimal is kept, so a
  // small share does not read as "0 %", i.e. nothing.
  const digits = options.maximumFractionDigits ?? (Math.abs(percent) < 1 && percent !== 0 ? 1 : 0);
  const scale = 10 ** digits;
  // The epsilon absorbs float noise such as 0.29 * 100 = 28.999999999999996.
  const shown = percent >= 0 ? Math.floor(percent * scale + 1e-9) / scale : Math.ceil(percent * scale - 1e-9) / scale;
  return `${formatNumber(shown, { ...options, maximumFractionDigits: digits })} %`;
}

const BYTE_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'] as const;

/**
 * Decimal units (1 GB = 10^9 bytes), the way Browserbase and most providers bill data:
 * "1.2 GB", "512 B".
 */
export function formatBytes(bytes: number | null | undefined, options: FormatOptions = {}): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return NO_VALUE;
  let value = bytes;
  let index = 0;
  while (Math.abs(value) >= 1000 && index < BYTE_UNITS.length - 1) {
    value /= 1000;
    index++;
  }
  let digits = options.maximumFractionDigits ?? (index === 0 ? 0 : defaultFractionDigits(value));
  // 999,999 B would round to "1,000 kB"; it reads as "1 MB".
  if (Math.abs(Number(value.toFixed(digits))) >= 1000 && index < BYTE_UNITS.length - 1) {
    value /= 1000;
    index++;
    digits = options.maximumFractionDigits ?? defaultFractionDigits(value);
  }
  return `${formatNumber(value, { ...options, maximumFractionDigits: digits })} ${BYTE_UNITS[index] ?? 'B'}`;
}

/**
 * Seconds as one duration format used everywhere: "850 ms", "1.2 s", "42 s", then whole units, the
 * largest two: "1 min 55 s", "4 min 47 s", "2 h 5 min", "3 d 4 h". A duration never switches style
 * at some count of seconds, so a column of them reads alike.
 */
export function formatDuration(seconds: number | null | undefined, options: FormatOptions = {}): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return NO_VALUE;
  const magnitude = Math.abs(seconds);
  if (magnitude > 0 && magnitude < 1) return `${formatNumber(seconds * 1000, { ...options, maximumFractionDigits: 0 })} ms`;
  if (magnitude < 60) return `${formatNumber(seconds, options)} s`;
  const sign = seconds < 0 ? '-' : '';
  const whole = Math.round(magnitude);
  const units: [number, string][] = [
    [86_400, 'd'],
    [3_600, 'h'],
    [60, 'min'],
    [1, 's'],
  ];
  const largest = units.findIndex(([size]) => whole >= size);
  const [size, name] = units[largest] as [number, string];
  const [nextSize, nextName] = (units[largest + 1] ?? [1, 's']) as [number, string];
  const first = Math.floor(whole / size);
  const rest = Math.floor((whole - first * size) / nextSize);
  const number = (value: number) => formatNumber(value, { ...options, maximumFractionDigits: 0 });
  return rest === 0 ? `${sign}${number(first)} ${name}` : `${sign}${number(first)} ${name} ${rest} ${nextName}`;
}

/** A value with its unit as a person reads it: "45 %", "0.45 vCPU", "1.2 GB", "412 min". */
export function formatUnitValue(value: number | null | undefined, unit: MetricUnit, options: FormatOptions = {}): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return NO_VALUE;
  const rate = rateParts(unit);
  if (rate) {
    // "15.2/s", "1.2 MB/s", "3 units/min": the base as it reads, then what it is per.
    const per = rate.per === 'second' ? '/s' : '/min';
    const plain = rate.base === 'count' || rate.base === 'none' || rate.base === 'state';
    return plain ? `${formatNumber(value, options)}${per}` : `${formatUnitValue(value, rate.base, options)}${per}`;
  }
  const number = (suffix: string) => `${formatNumber(value, options)} ${suffix}`;
  switch (unit) {
    case 'percent':
      return formatPercent(value, options);
    case 'ratio':
    case 'count':
    case 'state':
    case 'none':
      return formatNumber(value, options);
    case 'milliseconds':
      return formatDuration(value / 1000, options);
    case 'seconds':
      return formatDuration(value, options);
    case 'minutes':
      return number('min');
    case 'bytes':
      return formatBytes(value, options);
    case 'megabytes':
      return number('MB');
    case 'kilobitsPerSecond':
      return number('kbit/s');
    case 'requestsPerSecond':
      return number('req/s');
    case 'vcpu':
      return number('vCPU');
    case 'tokens':
      return number(value === 1 ? 'token' : 'tokens');
    case 'units':
      return number(value === 1 ? 'unit' : 'units');
    default:
      // `raw:<unit>`: the unit the source named, shown verbatim rather than guessed.
      return number(unit.slice('raw:'.length));
  }
}

/** "just now", "12 s ago", "5 min ago", "3 h ago", "2 d ago"; "in 30 s" for a time ahead. */
export function formatRelativeTime(at: number, now: number, options: FormatOptions = {}): string {
  const difference = now - at;
  const magnitude = Math.abs(difference);
  if (magnitude < 5_000) return 'just now';
  let amount: string;
  if (magnitude < 60_000) amount = `${Math.floor(magnitude / 1000)} s`;
  else if (magnitude < 3_600_000) amount = `${Math.floor(magnitude / 60_000)} min`;
  else if (magnitude < 86_400_000) amount = `${Math.floor(magnitude / 3_600_000)} h`;
  else amount = `${formatNumber(Math.floor(magnitude / 86_400_000), { ...options, maximumFractionDigits: 0 })} d`;
  return difference >= 0 ? `${amount} ago` : `in ${amount}`;
}

export interface DateFormatOptions {
  readonly locale?: string;
  /** IANA zone; default the machine's own, since a date is read by the person at the machine. */
  readonly timeZone?: string;
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();

function dateFormat(options: DateFormatOptions, parts: Intl.DateTimeFormatOptions, name: string): Intl.DateTimeFormat {
  const locale = options.locale ?? DEFAULT_LOCALE;
  const key = `${locale}|${options.timeZone ?? ''}|${name}`;
  let format = dateFormats.get(key);
  if (!format) {
    const zone = options.timeZone === undefined ? {} : { timeZone: options.timeZone };
    try {
      format = new Intl.DateTimeFormat(locale, { ...parts, ...zone });
    } catch {
      format = new Intl.DateTimeFormat(DEFAULT_LOCALE, parts);
    }
    dateFormats.set(key, format);
  }
  return format;
}

/** "28 Nov" (in en-GB): the day a projection or a cycle boundary falls on. */
export function formatDay(at: number, options: DateFormatOptions = {}): string {
  return dateFormat(options, { day: 'numeric', month: 'short' }, 'day').format(at);
}

/** "14:05" (in en-GB): a clock time for "updated at" lines. */
export function formatClockTime(at: number, options: DateFormatOptions = {}): string {
  return dateFormat(options, { hour: '2-digit', minute: '2-digit' }, 'time').format(at);
}

/** The short name of a unit for an axis title or a column header: "%", "ms", "vCPU", "kbit/s". */
export function unitLabel(unit: MetricUnit): string {
  const rate = rateParts(unit);
  if (rate) {
    const base = rate.base === 'count' || rate.base === 'none' || rate.base === 'state' ? '' : unitLabel(rate.base);
    return `${base}/${rate.per === 'second' ? 's' : 'min'}`;
  }
  switch (unit) {
    case 'percent':
      return '%';
    case 'milliseconds':
      return 'ms';
    case 'seconds':
      return 's';
    case 'minutes':
      return 'min';
    case 'megabytes':
      return 'MB';
    case 'kilobitsPerSecond':
      return 'kbit/s';
    case 'requestsPerSecond':
      return 'req/s';
    case 'vcpu':
      return 'vCPU';
    case 'none':
      return '';
    default:
      return unit.startsWith('raw:') ? unit.slice('raw:'.length) : unit;
  }
}

/** The unit in words, for sentences: "seconds", "kilobits per second". */
export function unitName(unit: MetricUnit): string {
  const rate = rateParts(unit);
  if (rate) {
    const base = rate.base === 'count' || rate.base === 'none' || rate.base === 'state' ? 'events' : unitName(rate.base);
    return `${base} per ${rate.per}`;
  }
  const names: Partial<Record<MetricUnit, string>> = {
    percent: 'percent',
    milliseconds: 'milliseconds',
    seconds: 'seconds',
    minutes: 'minutes',
    megabytes: 'megabytes',
    kilobitsPerSecond: 'kilobits per second',
    requestsPerSecond: 'requests per second',
    units: 'billing units',
  };
  return names[unit] ?? unitLabel(unit);
}

/** "Yes" / "No" for a 0/1 value (a boolean series); a dash for no value. */
export function formatBoolean(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return NO_VALUE;
  return value === 0 ? 'No' : 'Yes';
}
