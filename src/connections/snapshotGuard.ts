/**
 * Checks a snapshot another window published (src/polling/sharedSnapshots.ts) before this window
 * mirrors it: during an update two versions of the extension may run side by side, and only a shape
 * this version can draw is taken. Hand-written: it runs on every mirrored poll and must stay cheap.
 */
import { PROVIDER_KINDS } from '../providers/registry';
import { arrayOf, isBoolean, isId, isNumber, isNumberOrNull, isRecord, isString, oneOf, optional } from '../shared/guards';
import { MAX_LISTED_RUNAWAYS, type RunawaySession } from '../shared/runawaySessions';
import { SERIES_SEMANTICS } from '../shared/seriesModel';
import type { ConnectionSnapshot } from '../shared/snapshot';

function isStringRecord(value: unknown): value is Record<string, string> {
  return isRecord(value) && Object.values(value).every(isString);
}

const isSemantics = oneOf(SERIES_SEMANTICS);

function isSample(value: unknown): boolean {
  return (
    isRecord(value) &&
    isString(value.series) &&
    isNumberOrNull(value.value) &&
    isString(value.unit) &&
    isNumber(value.at) &&
    optional(isStringRecord)(value.labels) &&
    optional(arrayOf(isString))(value.flags)
  );
}

const isLevel = oneOf(['ok', 'warning', 'critical'] as const);

function isQuota(value: unknown): boolean {
  return (
    isRecord(value) &&
    isString(value.id) &&
    isString(value.label) &&
    isNumberOrNull(value.value) &&
    isNumberOrNull(value.limit) &&
    isString(value.unit) &&
    isNumberOrNull(value.ratio) &&
    isLevel(value.level) &&
    optional(isString)(value.detail) &&
    optional(isString)(value.source) &&
    optional(isStringRecord)(value.words)
  );
}

const isChartRef = (value: unknown): boolean => isRecord(value) && isString(value.key) && isString(value.dataset);

function isFigure(value: unknown): boolean {
  return (
    isRecord(value) &&
    isString(value.id) &&
    isString(value.label) &&
    isString(value.short) &&
    isNumberOrNull(value.value) &&
    isNumberOrNull(value.limit) &&
    isString(value.unit) &&
    isNumberOrNull(value.ratio) &&
    isLevel(value.level) &&
    optional(isStringRecord)(value.words) &&
    optional(isString)(value.source) &&
    optional(isString)(value.quota) &&
    (value.chart === undefined || isChartRef(value.chart))
  );
}

const isPart = oneOf(['value', 'rate', 'p50', 'p95', 'p99', 'observations'] as const);

function isValueRow(value: unknown): boolean {
  return (
    isRecord(value) &&
    isString(value.key) &&
    isString(value.series) &&
    optional(isStringRecord)(value.labels) &&
    optional(isStringRecord)(value.context) &&
    isString(value.label) &&
    isPart(value.part) &&
    isSemantics(value.semantics) &&
    isBoolean(value.known) &&
    isString(value.unit) &&
    isNumberOrNull(value.value) &&
    isNumber(value.at) &&
    (value.total === undefined || isNumberOrNull(value.total)) &&
    optional(isString)(value.totalUnit) &&
    optional(isStringRecord)(value.words) &&
    optional(arrayOf(isString))(value.flags)
  );
}

const isInfoRow = (value: unknown): boolean => isRecord(value) && isString(value.name) && isStringRecord(value.labels);

function isRunaway(value: unknown): value is RunawaySession {
  return (
    isRecord(value) &&
    isId(value.id) &&
    isNumber(value.startedAt) &&
    isBoolean(value.keepAlive) &&
    isString(value.region) &&
    optional(isNumber)(value.expiresAt) &&
    isString(value.tags) &&
    isNumber(value.runningMs)
  );
}

function isRunaways(value: unknown): boolean {
  return (
    isRecord(value) &&
    isNumber(value.thresholdMinutes) &&
    arrayOf(isRunaway, MAX_LISTED_RUNAWAYS)(value.sessions) &&
    isNumber(value.more) &&
    isNumber(value.readAt)
  );
}

export function isConnectionSnapshot(value: unknown): value is ConnectionSnapshot {
  if (!isRecord(value)) return false;
  const error = value.error;
  return (
    isId(value.id) &&
    isString(value.label) &&
    oneOf(PROVIDER_KINDS)(value.kind) &&
    oneOf(['loading', 'ok', 'stale', 'authNeeded', 'error', 'disabled'] as const)(value.health) &&
    (error === undefined || (isRecord(error) && isString(error.kind) && isString(error.message) && optional(isNumber)(error.retryAt))) &&
    optional(isNumber)(value.lastSuccessAt) &&
    optional(isNumber)(value.lastAttemptAt) &&
    optional(isNumber)(value.nextPollAt) &&
    Array.isArray(value.latest) &&
    value.latest.every(isSample) &&
    Array.isArray(value.quotas) &&
    value.quotas.every(isQuota) &&
    Array.isArray(value.values) &&
    value.values.every(isValueRow) &&
    Array.isArray(value.info) &&
    value.info.every(isInfoRow) &&
    Array.isArray(value.figures) &&
    value.figures.every(isFigure) &&
    isLevel(value.level) &&
    arrayOf(isString)(value.notes) &&
    oneOf(['secretStorage', 'environment', 'none', 'notNeeded'] as const)(value.tokenSource) &&
    isBoolean(value.polledHere) &&
    (value.runaways === undefined || isRunaways(value.runaways)) &&
    optional(arrayOf(isString))(value.alerts)
  );
}
