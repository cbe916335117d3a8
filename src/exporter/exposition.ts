/**
 * The text a scrape of /metrics returns, in either format Prometheus asks for: OpenMetrics 1.0
 * (`# UNIT`, counters as a family with `_total` samples, info families, `# EOF`) or the Prometheus
 * text format 0.0.4 (no units, counters and info metrics named by their sample). Pure: families in,
 * text out; the contract tests read it back with the project's parser in strict OpenMetrics mode.
 */
import { sampleName, type ExportedType } from '../providers/exportedSeries';

export type ExpositionFormat = 'openmetrics' | 'prometheus';

export const CONTENT_TYPES: Readonly<Record<ExpositionFormat, string>> = {
  openmetrics: 'application/openmetrics-text; version=1.0.0; charset=utf-8',
  prometheus: 'text/plain; version=0.0.4; charset=utf-8',
};

export interface ExpositionSample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface ExpositionFamily {
  readonly name: string;
  readonly type: ExportedType;
  readonly help: string;
  readonly unit?: string;
  readonly samples: readonly ExpositionSample[];
}

/**
 * The format to answer with, from an Accept header: OpenMetrics when the client ranks it at least as
 * high as plain text (Prometheus sends `application/openmetrics-text;version=1.0.0,…,text/plain;
 * version=0.0.4;q=0.5`), else 0.0.4 text, which every client reads.
 */
export function negotiateFormat(accept: string | undefined): ExpositionFormat {
  if (!accept) return 'prometheus';
  let openMetrics = -1;
  let text = -1;
  for (const part of accept.split(',')) {
    const [type = '', ...parameters] = part.split(';').map((piece) => piece.trim().toLowerCase());
    let q = 1;
    let version: string | undefined;
    for (const parameter of parameters) {
      const [key, value = ''] = parameter.split('=').map((piece) => piece.trim());
      if (key === 'q') q = Number.isFinite(Number(value)) ? Number(value) : 0;
      if (key === 'version') version = value;
    }
    if (q <= 0) continue;
    // OpenMetrics 0.0.1 is an older draft with the same text; 1.0.0 or no version is what we write.
    if (type === 'application/openmetrics-text' && (version === undefined || version === '1.0.0' || version === '0.0.1'))
      openMetrics = Math.max(openMetrics, q);
    else if (type === 'text/plain' || type === 'text/*' || type === '*/*') text = Math.max(text, q);
  }
  return openMetrics >= 0 && openMetrics >= text ? 'openmetrics' : 'prometheus';
}

/** A number as both formats write it (Go's ParseFloat reads all of these). */
export function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function escapeHelp(help: string, format: ExpositionFormat): string {
  const escaped = help.replace(/\\/g, '\\\\').replace(/\r?\n/g, '\\n');
  return format === 'openmetrics' ? escaped.replace(/"/g, '\\"') : escaped;
}

function labelText(labels: Readonly<Record<string, string>>): string {
  const names = Object.keys(labels);
  if (names.length === 0) return '';
  return `{${names.map((name) => `${name}="${escapeLabelValue(labels[name] ?? '')}"`).join(',')}}`;
}

/** Counters may not go down or be NaN; a value that would break that is left out rather than sent. */
function writable(type: ExportedType, value: number): boolean {
  if (type === 'counter') return Number.isFinite(value) && value >= 0;
  if (type === 'info') return value === 1;
  return true;
}

export function renderExposition(families: readonly ExpositionFamily[], format: ExpositionFormat): string {
  const lines: string[] = [];
  for (const family of families) {
    const sample = sampleName(family);
    // 0.0.4 has no family/sample distinction: the metadata names the sample, and info is a gauge.
    const metadataName = format === 'openmetrics' ? family.name : sample;
    const type = format === 'openmetrics' || family.type !== 'info' ? family.type : 'gauge';
    lines.push(`# HELP ${metadataName} ${escapeHelp(family.help, format)}`);
    lines.push(`# TYPE ${metadataName} ${type}`);
    if (format === 'openmetrics' && family.unit) lines.push(`# UNIT ${metadataName} ${family.unit}`);
    for (const point of family.samples) {
      if (!writable(family.type, point.value)) continue;
      lines.push(`${sample}${labelText(point.labels)} ${formatNumber(point.value)}`);
    }
  }
  if (format === 'openmetrics') lines.push('# EOF');
  return `${lines.join('\n')}\n`;
}
