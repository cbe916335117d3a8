/**
 * The quota rule kinds a descriptor can name (all but cycle usage, in cycleUsage.ts). Each reads the
 * series its descriptor entry gives and returns one QuotaStatus, with plain-words details.
 */
import type { QuotaRuleSpec } from '../providers/descriptor';
import { formatClockTime, formatNumber, formatUnitValue } from '../shared/format';
import type { MetricUnit, Sample } from '../shared/samples';
import type { QuotaLevel, QuotaStatus } from '../shared/snapshot';
import {
  byLabels,
  fromSample,
  isUsableSample,
  makeStatus,
  NO_VALUE_YET,
  newestMinute,
  newestOf,
  readLatest,
  settingValue,
  sumOf,
  withheldDetail,
  type Rule,
} from './ruleSupport';

type Spec<K extends QuotaRuleSpec<string>['kind']> = Extract<QuotaRuleSpec<string>, { kind: K }>;

/**
 * A Northflank container whose newest value is this much older than the newest of any container is
 * one from a replaced deployment that lingers in `latest`; it must not decide the worst container.
 */
const STALE_CONTAINER_MS = 15 * 60 * 1000;

export function ofLimitRule({ latest, thresholds }: Rule, spec: Spec<'ofLimit'>): QuotaStatus | undefined {
  // Only once a client reports the value: a permanent "no value yet" row would be noise.
  if (spec.onlyOnceReported && !newestOf(latest, spec.value)) return undefined;
  const value = readLatest(latest, spec.value);
  const limit = readLatest(latest, spec.limit);
  return makeStatus(
    {
      id: spec.id,
      label: spec.label,
      unit: 'count',
      value: value.value,
      limit: limit.value,
      details: [
        value.value === null ? value.why : undefined,
        value.value !== null && limit.value === null ? `the limit: ${limit.why}` : undefined,
        spec.atLimit && value.value !== null && limit.value !== null && value.value >= limit.value ? spec.atLimit : undefined,
      ],
      extra: fromSample(value.value === null ? undefined : value.sample),
    },
    thresholds,
  );
}

export function queueRule({ latest, thresholds, options }: Rule, spec: Spec<'queue'>): QuotaStatus {
  const queued = readLatest(latest, spec.value);
  const maxQueued = readLatest(latest, spec.limit);
  const waiting = queued.value ?? 0;
  const count = (value: number) => formatNumber(value, { locale: options.locale });
  return makeStatus(
    {
      id: spec.id,
      label: spec.label,
      unit: 'count',
      value: queued.value,
      limit: maxQueued.value,
      // Any waiting request means every slot is busy: worth amber even when the queue is long.
      atLeast: waiting > 0 ? 'warning' : 'ok',
      details: [
        queued.value === null ? queued.why : undefined,
        waiting > 0 ? `${count(waiting)} ${waiting === 1 ? 'request is' : 'requests are'} waiting for a free browser` : undefined,
        queued.value !== null && maxQueued.value === 0 ? 'the server allows no queue' : undefined,
      ],
      extra: fromSample(queued.value === null ? undefined : queued.sample),
    },
    thresholds,
  );
}

export function availabilityRule({ latest, thresholds }: Rule, spec: Spec<'availability'>): QuotaStatus {
  const available = readLatest(latest, spec.value);
  let level: QuotaLevel = 'ok';
  let detail: string;
  if (available.value === null) {
    detail = available.why;
  } else if (available.value === 0) {
    level = 'critical';
    const reason = available.sample.labels?.[spec.reasonLabel] ?? '';
    detail = spec.reasons[reason] ?? (reason ? `reason given: ${reason}` : 'new requests get HTTP 429');
  } else {
    detail = 'accepting new sessions';
  }
  return makeStatus(
    {
      id: spec.id,
      label: spec.label,
      unit: 'state',
      value: available.value,
      limit: null,
      level,
      details: [detail],
      extra: fromSample(available.value === null ? undefined : available.sample),
    },
    thresholds,
  );
}

export function recentCountRule({ latest, thresholds, options }: Rule, spec: Spec<'recentCount'>): QuotaStatus {
  const recent = readLatest(latest, spec.value);
  const count = recent.value ?? 0;
  return makeStatus(
    {
      id: spec.id,
      label: spec.label,
      unit: 'count',
      value: recent.value,
      limit: null,
      level: count > 0 ? 'warning' : 'ok',
      details: [
        recent.value === null
          ? recent.why
          : `${formatNumber(count, { locale: options.locale })} ${count === 1 ? 'request' : 'requests'} rejected (HTTP 429) ${spec.window}`,
      ],
      extra: fromSample(recent.value === null ? undefined : recent.sample),
    },
    thresholds,
  );
}

function endpointOf(sample: Sample): string {
  return sample.labels?.endpoint ?? 'the endpoint';
}

/** Failure rate of the newest minute: every Cerebras family is a gauge over the last complete minute. */
export function failureRateRule({ config, latest, thresholds, options }: Rule, spec: Spec<'failureRate'>): QuotaStatus {
  const limit = settingValue(config.quota, spec.limitSetting) ?? spec.defaultLimit;
  const requests = newestMinute(latest, spec.requests);
  let rate: number | null = null;
  let detail: string;
  if (!requests) {
    detail = NO_VALUE_YET;
  } else {
    const requestCount = sumOf(requests.samples);
    const failureSeries = latest.filter((sample) => sample.series === spec.failures);
    // Failures are labelled by HTTP code and a code with no failures this minute may be left out,
    // so the minute's failures are those reported for it, and none reported at all means unknown.
    const failureCount = failureSeries.length === 0 ? null : sumOf(failureSeries.filter((sample) => sample.at === requests.at));
    const minute = formatClockTime(requests.at, options);
    const count = (value: number) => formatNumber(value, { locale: options.locale });
    if (requestCount === null) detail = 'the request count was withheld (the server sent a negative or NaN value)';
    else if (failureSeries.length === 0) detail = 'no failure count reported';
    else if (failureCount === null) detail = 'the failure count was withheld (the server sent a negative or NaN value)';
    else if (requestCount === 0) detail = `no requests in the minute to ${minute}`;
    else {
      rate = (failureCount * 100) / requestCount;
      detail = `${count(failureCount)} of ${count(requestCount)} requests failed in the minute to ${minute}`;
    }
  }
  return makeStatus({ id: spec.id, label: spec.label, unit: 'percent', value: rate, limit, details: [detail] }, thresholds);
}

/** One statistic of the slowest endpoint (p95 latency) against a limit. */
export function slowestRule({ config, latest, thresholds, options }: Rule, spec: Spec<'slowest'>): QuotaStatus {
  const limit = settingValue(config.quota, spec.limitSetting) ?? spec.defaultLimit;
  const matching = latest.filter((sample) => sample.series === spec.value && sample.labels?.statistic === spec.statistic);
  const newest = matching.length === 0 ? undefined : Math.max(...matching.map((sample) => sample.at));
  const usable = byLabels(matching.filter((sample) => sample.at === newest && isUsableSample(sample)));
  const slowest = usable.reduce<Sample | undefined>(
    (worst, sample) => (!worst || (sample.value as number) > (worst.value as number) ? sample : worst),
    undefined,
  );
  return makeStatus(
    {
      id: spec.id,
      label: spec.label,
      unit: 'seconds',
      value: slowest ? (slowest.value as number) : null,
      limit,
      details: [
        slowest
          ? `${spec.what} of ${endpointOf(slowest)} in the minute to ${formatClockTime(slowest.at, options)}`
          : matching.length > 0
            ? `the latest ${spec.statistic} was withheld`
            : NO_VALUE_YET,
      ],
      extra: fromSample(slowest),
    },
    thresholds,
  );
}

/** -1 (status unknown) and 0 (down) are both an outage as far as the user can tell. */
export function endpointStatusRule({ latest, thresholds }: Rule, spec: Spec<'endpointStatus'>): QuotaStatus {
  const minute = newestMinute(latest, spec.value);
  const usable = byLabels((minute?.samples ?? []).filter(isUsableSample));
  const down = usable.filter((sample) => sample.value === 0);
  const failed = usable.filter((sample) => sample.value === -1);
  const worst = usable.reduce<Sample | undefined>(
    (lowest, sample) => (!lowest || (sample.value as number) < (lowest.value as number) ? sample : lowest),
    undefined,
  );
  const details: string[] = [];
  if (usable.length === 0) details.push(NO_VALUE_YET);
  if (down.length > 0) details.push(`${down.map(endpointOf).join(', ')} ${down.length === 1 ? 'is' : 'are'} down`);
  if (failed.length > 0) details.push(`Cerebras could not determine the status of ${failed.map(endpointOf).join(', ')}`);
  if (usable.length > 0 && down.length === 0 && failed.length === 0) details.push(usable.length === 1 ? 'up' : 'all endpoints up');
  return makeStatus(
    {
      id: spec.id,
      label: spec.label,
      unit: 'state',
      value: worst ? (worst.value as number) : null,
      limit: null,
      level: down.length > 0 || failed.length > 0 ? 'critical' : 'ok',
      details,
      extra: fromSample(worst),
    },
    thresholds,
  );
}

/** The busiest container decides: by share of its limit, or by raw value when no limit is known. */
export function perContainerRule({ config, latest, thresholds, options }: Rule, spec: Spec<'perContainer'>): QuotaStatus {
  const newestByContainer = new Map<string, Sample>();
  for (const sample of latest) {
    if (sample.series !== spec.value) continue;
    const container = sample.labels?.container ?? '';
    const previous = newestByContainer.get(container);
    if (!previous || sample.at > previous.at) newestByContainer.set(container, sample);
  }
  if (newestByContainer.size === 0) {
    return makeStatus({ id: spec.id, label: spec.label, unit: 'percent', value: null, limit: null, details: [NO_VALUE_YET] }, thresholds);
  }
  const newestAt = Math.max(...[...newestByContainer.values()].map((sample) => sample.at));
  const current = [...newestByContainer.values()].filter((sample) => sample.at >= newestAt - STALE_CONTAINER_MS);
  const usable = byLabels(current.filter(isUsableSample));
  if (usable.length === 0) {
    const first = current[0] as Sample;
    return makeStatus({ id: spec.id, label: spec.label, unit: first.unit, value: null, limit: null, details: [withheldDetail(first)] }, thresholds);
  }
  const limitFor = (unit: MetricUnit): number | null => {
    const entry = spec.limits[unit];
    if (typeof entry === 'number') return entry;
    return entry === undefined ? null : (settingValue(config.quota, entry) ?? null);
  };
  const rated = usable.map((sample) => {
    const limit = limitFor(sample.unit);
    return { sample, limit, ratio: limit !== null && limit > 0 ? (sample.value as number) / limit : null };
  });
  const withRatio = rated.filter((entry) => entry.ratio !== null);
  const pool = withRatio.length > 0 ? withRatio : rated;
  const worst = pool.reduce((a, b) => ((b.ratio ?? (b.sample.value as number)) > (a.ratio ?? (a.sample.value as number)) ? b : a));
  const container = worst.sample.labels?.container;
  const value = worst.sample.value as number;
  const locale = { locale: options.locale };
  const shown =
    worst.limit === null
      ? formatUnitValue(value, worst.sample.unit, locale)
      : `${formatUnitValue(value, worst.sample.unit, locale)} of ${formatUnitValue(worst.limit, worst.sample.unit, locale)}`;
  const unit = worst.sample.unit;
  const knownUnit = Object.prototype.hasOwnProperty.call(spec.limits, unit);
  const missing = knownUnit
    ? spec.missingLimit
    : `${spec.label} is reported in ${unit.startsWith('raw:') ? unit.slice(4) : unit}, which has no known limit to compare with`;
  return makeStatus(
    {
      id: spec.id,
      label: spec.label,
      unit,
      value,
      limit: worst.limit,
      details: [container ? `${usable.length > 1 ? 'busiest ' : ''}container ${container}: ${shown}` : undefined, worst.limit === null ? missing : undefined],
      extra: fromSample(worst.sample),
    },
    thresholds,
  );
}
