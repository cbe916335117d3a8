/**
 * Plain-words sentences for a QuotaStatus, shared by notifications, the status bar tooltip and the
 * accessibility label, so a number reads the same everywhere. Pure; no `vscode`.
 */
import { figureText } from '../shared/figures';
import type { Figure, QuotaStatus } from '../shared/snapshot';
import { formatBytes, formatDuration, formatNumber, formatPercent, formatUnitValue, type FormatOptions } from '../shared/format';
import { QUOTA_RULE_IDS } from './series';

/** The share of the limit in percent, or null when either side is unknown. */
export function quotaPercent(status: Pick<QuotaStatus, 'value' | 'limit' | 'ratio'>): number | null {
  if (status.value === null || status.limit === null || status.limit <= 0 || status.ratio === null) return null;
  return (status.value * 100) / status.limit;
}

/**
 * The headline of a rule: "5,520 of 6,000 browser minutes used (92 %)", "3 of 10 concurrent sessions
 * running (30 %)", "not accepting new sessions". No trailing period, no connection name.
 */
export function quotaHeadline(status: QuotaStatus, options: FormatOptions = {}): string {
  const { value, limit } = status;
  if (value === null) return `${status.label}: no value yet`;
  const locale = { locale: options.locale };
  const number = (n: number) => formatNumber(n, locale);
  const percent = quotaPercent(status);
  const share = percent === null ? '' : ` (${formatPercent(percent, locale)})`;
  switch (status.id) {
    case QUOTA_RULE_IDS.browserMinutes:
      return limit === null
        ? `${formatNumber(value, { ...locale, maximumFractionDigits: 0 })} browser minutes used this cycle`
        : `${formatNumber(value, { ...locale, maximumFractionDigits: 0 })} of ${number(limit)} browser minutes used${share}`;
    case QUOTA_RULE_IDS.proxyData:
      return limit === null
        ? `${formatBytes(value, locale)} of proxy data used this cycle`
        : `${formatBytes(value, locale)} of ${formatBytes(limit, locale)} proxy data used${share}`;
    case QUOTA_RULE_IDS.sessions:
    case QUOTA_RULE_IDS.concurrency:
      return limit === null ? `${number(value)} concurrent sessions running` : `${number(value)} of ${number(limit)} concurrent sessions running${share}`;
    case QUOTA_RULE_IDS.queue:
      return limit === null ? `${number(value)} queued` : `${number(value)} of ${number(limit)} queue places taken${share}`;
    case QUOTA_RULE_IDS.availability:
      return value === 0 ? 'not accepting new sessions' : 'accepting new sessions';
    case QUOTA_RULE_IDS.rejections:
      return `${number(value)} ${value === 1 ? 'request' : 'requests'} rejected recently`;
    case QUOTA_RULE_IDS.failureRate:
      return `${formatPercent(value, locale)} of requests failed${limit === null ? '' : ` (limit ${formatPercent(limit, locale)})`}`;
    case QUOTA_RULE_IDS.p95Latency:
      return `p95 latency ${formatDuration(value, locale)}${limit === null ? '' : ` (limit ${formatDuration(limit, locale)})`}`;
    case QUOTA_RULE_IDS.endpointStatus:
      return value === 1 ? 'endpoint up' : value === 0 ? 'endpoint down' : 'endpoint status unknown';
    default:
      break;
  }
  // CPU, memory and anything added later: "CPU at 92 %" or "CPU 0.45 of 0.5 vCPU (90 %)".
  if (status.unit === 'percent' && limit === 100) return `${status.label} at ${formatPercent(value, locale)}`;
  if (limit === null) return `${status.label} ${formatUnitValue(value, status.unit, locale)}`;
  return `${status.label} ${formatUnitValue(value, status.unit, locale)} of ${formatUnitValue(limit, status.unit, locale)}${share}`;
}

/** Headline and detail as one clause list: "5,520 of 6,000 … (92 %); at this rate the budget runs out on 28 Nov". */
export function describeQuota(status: QuotaStatus, options: FormatOptions = {}): string {
  const headline = quotaHeadline(status, options);
  // A null value's detail is usually just "no value yet", which the headline already says.
  if (!status.detail || (status.value === null && status.detail === 'no value yet')) return headline;
  return `${headline}; ${status.detail}`;
}

/**
 * A figure in words: its quota's headline ("3 of 10 concurrent sessions running (30 %)"), else its
 * name and value ("Requests per minute 1,482"), with where it comes from when that is worth saying.
 */
export function figureInWords(quotas: readonly QuotaStatus[], figure: Figure, options: FormatOptions = {}): string {
  const quota = figure.quota === undefined ? undefined : quotas.find((status) => status.id === figure.quota);
  const words = quota ? quotaHeadline(quota, options) : `${figure.label} ${figureText(figure, options)}`;
  return figure.source ? `${words} (${figure.source})` : words;
}
