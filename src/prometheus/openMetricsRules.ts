/**
 * The OpenMetrics rules that span lines: a family's metrics come in groups that are never split,
 * timestamps within a group never mix presence or go backwards, histograms are well formed
 * (ordered, cumulative buckets ending at +Inf, `_count` equal to the +Inf bucket, `_sum` and
 * `_count` together, no `_sum` with negative buckets, a negative `_gsum` only with negative
 * buckets), and no family produces a sample name another family owns.
 *
 * Every rule is a flag: the value stays. The one exception follows the OpenMetrics reference parser:
 * a series repeated at the same instant (to the nanosecond) within its group is a re-exposure, and
 * only its first value is kept; the caller reports the skipped line.
 *
 * Group identity ignores label order and never sorts: label sets are compared in place and
 * remembered under an order-independent hash, so the work stays linear in the labels.
 */
import type { Family } from './families';
import { ROLE_BUCKET, ROLE_COUNT, ROLE_GCOUNT, ROLE_GSUM, ROLE_PLAIN, ROLE_SUM, sampleSuffixes } from './families';
import { parsePrometheusNumber } from './numbers';
import type { MetricType } from './types';

type Labels = Readonly<Record<string, string>>;

/** Where a deferred flag points: the line it is about. */
export interface LineRef {
  readonly line: number;
  readonly start: number;
  readonly end: number;
}

export type Flagger = (where: LineRef, message: string) => void;

/** Label sets remembered by an order-independent hash, with exact comparison on a hash match. */
class LabelSetIndex {
  private readonly byHash = new Map<number, { readonly labels: Labels; readonly exclude: string | undefined }[]>();

  constructor(private readonly rules: OpenMetricsRules) {}

  /** Adds the set (labels without `exclude`); false when an equal set was already there. */
  add(labels: Labels, exclude: string | undefined): boolean {
    const hash = this.rules.hashLabels(labels, exclude);
    const bucket = this.byHash.get(hash);
    if (bucket === undefined) {
      this.byHash.set(hash, [{ labels, exclude }]);
      return true;
    }
    for (const entry of bucket) if (this.rules.sameSet(entry.labels, entry.exclude, labels, exclude)) return false;
    bucket.push({ labels, exclude });
    return true;
  }
}

interface HistogramRun {
  lastBound: number | undefined;
  lastBucket: number;
  count: number | undefined;
  hasSum: boolean;
  hasGsum: boolean;
  negativeGsum: boolean;
  negativeBuckets: boolean;
  last: LineRef;
}

/** Per family: the group the last sample belonged to, and what the rules remember about it. */
export class FamilyRules {
  groupLabels: Labels | undefined = undefined;
  groupExclude: string | undefined = undefined;
  hasTimestamp = false;
  timestampMs = 0;
  timestampKey: string | undefined = undefined;
  /** Series seen in the current group (name and the excluded label's value). */
  series = new Set<string>();
  /** Info metrics form one group, so their series are told apart by their whole label set. */
  infoSeries: LabelSetIndex | undefined = undefined;
  run: HistogramRun | undefined = undefined;

  constructor(readonly seen: LabelSetIndex) {}
}

export interface TimedSample {
  readonly name: string;
  readonly role: number;
  readonly labels: Labels;
  readonly value: number;
  readonly hasTimestamp: boolean;
  readonly timestampMs: number;
  /** nanosecondKey of the timestamp, when there is one. */
  readonly timestampKey: string | undefined;
}

export class OpenMetricsRules {
  /** Items visited (labels compared and hashed), for the linearity tests. */
  work = 0;
  private readonly claims = new Map<string, Family>();
  private readonly active = new Set<Family>();

  constructor(private readonly flag: Flagger) {}

  /** A family was created or typed: each sample name it produces must belong to no other family. */
  claim(family: Family, where: LineRef): void {
    // The bare name too, whatever the type: a counter `a` and a gauge `a` cannot both exist.
    this.claimName(family, family.name, where);
    for (const suffix of sampleSuffixes(family.type)) if (suffix !== '') this.claimName(family, family.name + suffix, where);
  }

  private claimName(family: Family, name: string, where: LineRef): void {
    const owner = this.claims.get(name);
    if (owner === undefined) this.claims.set(name, family);
    else if (owner !== family) this.flag(where, `the sample name ${name} of ${family.type} ${family.name} clashes with family ${owner.name}`);
  }

  /**
   * Checks one sample; false when it repeats a series at the same instant and must be skipped.
   * `continued` says the previous sample line belonged to the same family: a repeat after another
   * family's lines is flagged as a split family instead and kept, so no value is lost.
   */
  sample(family: Family, sample: TimedSample, where: LineRef, continued: boolean): boolean {
    let state = family.rules;
    if (state === undefined) {
      state = new FamilyRules(new LabelSetIndex(this));
      family.rules = state;
    }
    const type = family.type;
    const exclude = excludedLabel(type, sample.role, family.name);
    const sameGroup = state.groupLabels !== undefined && (type === 'info' || this.sameSet(state.groupLabels, state.groupExclude, sample.labels, exclude));
    if (sameGroup) {
      if (sample.hasTimestamp !== state.hasTimestamp) {
        this.flag(where, `${family.name}${describeGroup(sample.labels, exclude)} mixes samples with and without timestamps`);
      } else if (sample.hasTimestamp && state.timestampMs > sample.timestampMs && type !== 'info') {
        this.flag(where, `timestamps of ${family.name}${describeGroup(sample.labels, exclude)} go backwards`);
      }
    } else {
      if (type !== 'info' && !state.seen.add(sample.labels, exclude)) {
        this.flag(
          where,
          `samples of ${family.name}${describeGroup(sample.labels, exclude)} are split by other samples; OpenMetrics keeps a metric's samples together`,
        );
      }
      state.series.clear();
      state.infoSeries = undefined;
    }
    // Every series is remembered for its group; one already there at the previous sample's instant is a repeat.
    const fresh = this.recordSeries(state, sample, exclude, type);
    if (!fresh && continued && sameGroup && sample.timestampKey === state.timestampKey) return false;
    if (type === 'histogram' || type === 'gaugehistogram') {
      if (!sameGroup || sample.timestampKey !== state.timestampKey) this.closeRun(family, state);
      this.histogramSample(family, state, sample, where);
    }
    state.groupLabels = sample.labels;
    state.groupExclude = exclude;
    state.hasTimestamp = sample.hasTimestamp;
    state.timestampMs = sample.timestampMs;
    state.timestampKey = sample.timestampKey;
    return true;
  }

  /** Records the sample's series in its group; false when it was already there. */
  private recordSeries(state: FamilyRules, sample: TimedSample, exclude: string | undefined, type: MetricType): boolean {
    if (type === 'info') {
      state.infoSeries ??= new LabelSetIndex(this);
      return state.infoSeries.add(sample.labels, undefined);
    }
    // Within one group only the excluded label (le, quantile, the state) and the name tell series apart.
    const excluded = exclude === undefined ? '' : (sample.labels[exclude] ?? '\u0001');
    const key = `${sample.name}\u0000${excluded}`;
    this.work += key.length;
    if (state.series.has(key)) return false;
    state.series.add(key);
    return true;
  }

  private histogramSample(family: Family, state: FamilyRules, sample: TimedSample, where: LineRef): void {
    const run = (state.run ??= {
      lastBound: undefined,
      lastBucket: 0,
      count: undefined,
      hasSum: false,
      hasGsum: false,
      negativeGsum: false,
      negativeBuckets: false,
      last: where,
    });
    this.active.add(family);
    run.last = where;
    switch (sample.role) {
      case ROLE_BUCKET: {
        const le = sample.labels.le;
        const bound = le === undefined ? undefined : parsePrometheusNumber(le);
        if (bound === undefined || Number.isNaN(bound)) return;
        if (bound < 0) run.negativeBuckets = true;
        if (run.lastBound !== undefined && bound <= run.lastBound) this.flag(where, `buckets of histogram ${family.name} must come in increasing le order`);
        if (sample.value < run.lastBucket) this.flag(where, `bucket counts of histogram ${family.name} must not decrease as le grows`);
        run.lastBound = bound;
        run.lastBucket = sample.value;
        return;
      }
      case ROLE_COUNT:
      case ROLE_GCOUNT:
        run.count = sample.value;
        return;
      case ROLE_SUM:
        run.hasSum = true;
        return;
      case ROLE_GSUM:
        run.hasGsum = true;
        if (sample.value < 0) run.negativeGsum = true;
        return;
      case ROLE_PLAIN:
      default:
        return;
    }
  }

  /** Checks the histogram run that just ended (one group at one instant). */
  private closeRun(family: Family, state: FamilyRules): void {
    const run = state.run;
    if (run === undefined) return;
    state.run = undefined;
    const gauge = family.type === 'gaugehistogram';
    const name = `${gauge ? 'gauge histogram' : 'histogram'} ${family.name}`;
    const where = run.last;
    if (run.lastBound !== Infinity) this.flag(where, `${name} has no +Inf bucket`);
    if (run.count !== undefined && run.lastBucket !== run.count)
      this.flag(where, `the ${gauge ? '_gcount' : '_count'} of ${name} differs from its +Inf bucket`);
    if (run.hasSum && run.count === undefined) this.flag(where, `${name} has a _sum without a _count`);
    if (run.hasGsum && run.count === undefined) this.flag(where, `${name} has a _gsum without a _gcount`);
    if (!run.hasSum && !run.hasGsum && run.count !== undefined)
      this.flag(where, `${name} has a ${gauge ? '_gcount without a _gsum' : '_count without a _sum'}`);
    if (run.negativeBuckets && run.hasSum) this.flag(where, `${name} has negative buckets, so it must not have a _sum`);
    if (!run.negativeBuckets && run.negativeGsum) this.flag(where, `${name} has a negative _gsum but no negative buckets`);
  }

  /** Closes every open histogram run; call once after the last line. */
  finish(): void {
    for (const family of this.active) if (family.rules !== undefined) this.closeRun(family, family.rules);
    this.active.clear();
  }

  /** Whether `a` without `aExclude` and `b` without `bExclude` are the same label set. */
  sameSet(a: Labels, aExclude: string | undefined, b: Labels, bExclude: string | undefined): boolean {
    let inB = 0;
    for (const key in b) {
      this.work++;
      if (key === bExclude) continue;
      if (key === aExclude || !Object.hasOwn(a, key) || a[key] !== b[key]) return false;
      inB++;
    }
    let inA = 0;
    for (const key in a) {
      this.work++;
      if (key !== aExclude) inA++;
    }
    return inA === inB;
  }

  /** A hash of the label set without `exclude` that does not depend on the labels' order. */
  hashLabels(labels: Labels, exclude: string | undefined): number {
    let sum = 0;
    for (const key in labels) {
      if (key === exclude) continue;
      const value = labels[key]!;
      this.work += key.length + value.length + 1;
      sum = (sum + pairHash(key, value)) | 0;
    }
    return sum;
  }
}

/** The label that tells a group's series apart, so it is left out of the group's identity. */
function excludedLabel(type: MetricType, role: number, familyName: string): string | undefined {
  if ((type === 'histogram' || type === 'gaugehistogram') && role === ROLE_BUCKET) return 'le';
  if (type === 'summary' && role === ROLE_PLAIN) return 'quantile';
  if (type === 'stateset') return familyName;
  return undefined;
}

/** FNV-1a over name, separator and value, then a final mix so sums of hashes spread well. */
function pairHash(key: string, value: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ 0xffff, 0x01000193);
  for (let i = 0; i < value.length; i++) h = Math.imul(h ^ value.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** `{a="1",b="2"}` for a message, short, without the excluded label. */
function describeGroup(labels: Labels, exclude: string | undefined): string {
  const parts: string[] = [];
  let length = 0;
  for (const key in labels) {
    if (key === exclude) continue;
    const part = `${key}=${JSON.stringify(labels[key])}`;
    parts.push(part);
    length += part.length;
    if (length > 80) {
      parts.push('…');
      break;
    }
  }
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}
