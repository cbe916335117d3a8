/**
 * Rules one sample must follow because of its family's type: histogram buckets carry a numeric `le`,
 * counts are never negative, summaries carry a `quantile`, and, in OpenMetrics, the stricter value
 * rules of each type. Breaking one never costs the sample: the caller flags it and keeps the value
 * (the normalizer withholds impossible values such as a negative count on its own).
 */
import { type Family, ROLE_BUCKET, ROLE_COUNT, ROLE_GCOUNT, ROLE_GSUM, ROLE_INFO, ROLE_PLAIN, ROLE_SUM, ROLE_TOTAL } from './families';
import { KIND_INTEGER, parsePrometheusNumber } from './numbers';

/** Label values already checked, so a repeated `le` or `quantile` is not parsed again. */
export class TypeChecker {
  private lastLe: string | undefined = undefined;
  private lastLeValue = 0;
  private lastQuantile: string | undefined = undefined;
  private lastQuantileValue = 0;

  constructor(
    private readonly om: boolean,
    private readonly flag: (message: string) => void,
  ) {}

  check(family: Family, role: number, labels: Readonly<Record<string, string>>, value: number, valueKind: number): void {
    switch (family.type) {
      case 'histogram':
      case 'gaugehistogram':
        return this.histogram(family, role, labels, value, valueKind);
      case 'summary':
        return this.summary(family, role, labels, value, valueKind);
      case 'counter':
        if (!this.om) return;
        if (role === ROLE_PLAIN) this.flag(`${family.name} is a counter: its samples are named ${family.name}_total and ${family.name}_created`);
        else if (role === ROLE_TOTAL) this.countLike(family, value, 'counter total');
        return;
      case 'stateset':
        if (!this.om) return;
        if (!Object.hasOwn(labels, family.name)) this.flag(`stateset ${family.name} samples need a label named ${family.name}`);
        if (value !== 0 && value !== 1) this.flag(`stateset ${family.name} values must be 0 or 1, not ${value}`);
        return;
      case 'info':
        if (!this.om) return;
        if (role !== ROLE_INFO) this.flag(`${family.name} is an info metric: its samples are named ${family.name}_info`);
        if (value !== 1) this.flag(`info ${family.name} values must be 1, not ${value}`);
        return;
      default:
        return;
    }
  }

  private histogram(family: Family, role: number, labels: Readonly<Record<string, string>>, value: number, valueKind: number): void {
    const om = this.om;
    if (role === ROLE_BUCKET) {
      const le = labels.le;
      if (le === undefined) this.flag(`histogram bucket of ${family.name} has no le label`);
      else {
        const bound = this.leValue(le);
        if (bound === undefined) this.flag(`le label value "${le}" of ${family.name} is not a number`);
        else if (om && (Number.isNaN(bound) || (bound === Infinity && le !== '+Inf')))
          this.flag(`le label value "${le}" of ${family.name} must be a number, with +Inf written as +Inf`);
      }
      if (om) this.countLike(family, value, 'bucket count', valueKind);
      else if (!(value >= 0)) this.flag(`bucket count of histogram ${family.name} must be a non-negative number`);
      return;
    }
    if (role === ROLE_COUNT || role === ROLE_GCOUNT) {
      if (om) this.countLike(family, value, 'count', valueKind);
      else if (!(value >= 0)) this.flag(`count of histogram ${family.name} must be a non-negative number`);
      return;
    }
    if (!om) return;
    if (role === ROLE_SUM) this.countLike(family, value, 'sum');
    else if (role === ROLE_GSUM && Number.isNaN(value)) this.flag(`the _gsum of ${family.name} must not be NaN`);
    else if (role === ROLE_PLAIN) this.flag(`${family.name} is a ${family.type}: its samples carry the suffixes _bucket, _count, _sum and the like`);
  }

  private summary(family: Family, role: number, labels: Readonly<Record<string, string>>, value: number, valueKind: number): void {
    const om = this.om;
    if (role === ROLE_PLAIN) {
      const quantile = labels.quantile;
      if (quantile === undefined) {
        this.flag(`summary ${family.name} sample has no quantile label`);
        return;
      }
      const q = this.quantileValue(quantile);
      if (q === undefined) this.flag(`quantile label value "${quantile}" of ${family.name} is not a number`);
      else if (om && !(q >= 0 && q <= 1)) this.flag(`quantile ${quantile} of ${family.name} is outside [0, 1]`);
      if (om && value < 0) this.flag(`quantile values of summary ${family.name} cannot be negative`);
      return;
    }
    if (role === ROLE_COUNT) {
      if (om) this.countLike(family, value, 'count', valueKind);
      else if (!(value >= 0)) this.flag(`count of summary ${family.name} must be a non-negative number`);
    } else if (role === ROLE_SUM && om) this.countLike(family, value, 'sum');
  }

  /** OpenMetrics: totals, sums, counts and buckets are never NaN or negative; counts are integers. */
  private countLike(family: Family, value: number, what: string, integerKind?: number): void {
    if (Number.isNaN(value)) this.flag(`the ${what} of ${family.name} must not be NaN`);
    else if (value < 0) this.flag(`the ${what} of ${family.name} must not be negative (${value})`);
    else if (integerKind !== undefined && integerKind !== KIND_INTEGER && !Number.isInteger(value))
      this.flag(`the ${what} of ${family.name} must be an integer, not ${value}`);
  }

  private leValue(le: string): number | undefined {
    if (le !== this.lastLe) {
      const parsed = parsePrometheusNumber(le);
      if (parsed === undefined) return undefined;
      this.lastLe = le;
      this.lastLeValue = parsed;
    }
    return this.lastLeValue;
  }

  private quantileValue(quantile: string): number | undefined {
    if (quantile !== this.lastQuantile) {
      const parsed = parsePrometheusNumber(quantile);
      if (parsed === undefined) return undefined;
      this.lastQuantile = quantile;
      this.lastQuantileValue = parsed;
    }
    return this.lastQuantileValue;
  }
}
