// A small writer for Prometheus text 0.0.4 and OpenMetrics 1.0, kept separate from the extension's
// parser on purpose: the sandbox must not share code with the thing it tests.

export type FamilyType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface Sample {
  /** Appended to the family name: `_total`, `_bucket`, `_sum`, `_count` or nothing. */
  readonly suffix?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly value: number;
  /** Epoch milliseconds; written as ms in 0.0.4 and as seconds in OpenMetrics. */
  readonly timestampMs?: number;
}

export interface Family {
  /** For counters, the name without `_total` (OpenMetrics names the family that way). */
  readonly name: string;
  readonly help: string;
  readonly type: FamilyType;
  readonly unit?: string;
  readonly samples: readonly Sample[];
}

export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

export function escapeHelp(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function labelSet(labels: Readonly<Record<string, string>> | undefined): string {
  const entries = Object.entries(labels ?? {});
  if (entries.length === 0) return '';
  return `{${entries.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(',')}}`;
}

function sampleLine(name: string, sample: Sample, timestamp: string | undefined): string {
  const ts = timestamp === undefined ? '' : ` ${timestamp}`;
  return `${name}${sample.suffix ?? ''}${labelSet(sample.labels)} ${formatValue(sample.value)}${ts}`;
}

/** Prometheus 0.0.4: `_total` in the TYPE line of counters, blank lines between families, no EOF. */
export function toPrometheusText(families: readonly Family[], options: { blankLines?: boolean } = {}): string {
  const blocks = families.map((family) => {
    const metaName = family.type === 'counter' ? `${family.name}_total` : family.name;
    const lines = [`# HELP ${metaName} ${escapeHelp(family.help)}`, `# TYPE ${metaName} ${family.type}`];
    for (const sample of family.samples) {
      lines.push(sampleLine(family.name, sample, sample.timestampMs === undefined ? undefined : String(Math.round(sample.timestampMs))));
    }
    return lines.join('\n') + '\n';
  });
  return blocks.join(options.blankLines ? '\n' : '');
}

/** OpenMetrics 1.0: family names without `_total`, `# UNIT`, timestamps in seconds, `# EOF`. */
export function toOpenMetrics(families: readonly Family[]): string {
  const lines: string[] = [];
  for (const family of families) {
    lines.push(`# TYPE ${family.name} ${family.type === 'untyped' ? 'unknown' : family.type}`);
    if (family.unit !== undefined) lines.push(`# UNIT ${family.name} ${family.unit}`);
    lines.push(`# HELP ${family.name} ${escapeHelp(family.help).replace(/"/g, '\\"')}`);
    for (const sample of family.samples) {
      lines.push(sampleLine(family.name, sample, sample.timestampMs === undefined ? undefined : formatValue(sample.timestampMs / 1000)));
    }
  }
  lines.push('# EOF');
  return lines.join('\n') + '\n';
}
