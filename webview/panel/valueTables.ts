/** A connection's tables in the usage panel: its quotas, and every latest value as its semantics read it. */
import { html, nothing, type TemplateResult } from 'lit';
import type { ProviderDescriptor } from '../../src/providers/descriptor';
import { resolveSeries } from '../../src/providers/registry';
import { valueText } from '../../src/shared/figures';
import { formatPercent, formatUnitValue } from '../../src/shared/format';
import { isWithheld } from '../../src/shared/samples';
import type { QuotaStatus, ValueRow } from '../../src/shared/snapshot';

function labelsText(labels: Readonly<Record<string, string>> | undefined): string {
  const entries = labels ? Object.entries(labels) : [];
  return entries.length === 0 ? '' : ` {${entries.map(([key, value]) => `${key}=${value}`).join(', ')}}`;
}

export function quotaTable(quotas: readonly QuotaStatus[]): TemplateResult | typeof nothing {
  if (quotas.length === 0) return nothing;
  return html`<table class="quotas">
    <caption>
      Quotas
    </caption>
    <thead>
      <tr>
        ${['Rule', 'Value', 'Limit', 'Used', 'Level', 'Source', 'Detail'].map((name) => html`<th scope="col">${name}</th>`)}
      </tr>
    </thead>
    <tbody>
      ${quotas.map(
        (quota) =>
          html`<tr class="level-${quota.level}" data-quota=${quota.id}>
            <th scope="row">${quota.label}</th>
            <td class="quota-value">${valueText(quota.value, quota.unit, quota.words)}</td>
            <td>${quota.limit === null ? '—' : formatUnitValue(quota.limit, quota.unit)}</td>
            <td>${quota.ratio === null ? '—' : formatPercent(quota.ratio * 100)}</td>
            <td>${quota.level}</td>
            <td class="quota-source">${quota.source ?? ''}</td>
            <td>${quota.detail ?? ''}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

/** One row of a values table: the value as its semantics read it, a counter's total beside its rate, what it means on hover. */
function valueRow(row: ValueRow, descriptor: ProviderDescriptor): TemplateResult {
  const withheld = isWithheld(row) && row.rawValue !== undefined ? ` (server reported ${row.rawValue}; withheld)` : '';
  const context = row.context
    ? ` (${Object.entries(row.context)
        .filter(([name]) => !name.startsWith('__'))
        .map(([name, value]) => `${name}=${value}`)
        .join(', ')})`
    : '';
  const rate = row.part === 'rate' && row.value === null ? 'after the next reading' : valueText(row.value, row.unit, row.words);
  return html`<tr>
    <th scope="row" title="${row.label}: ${resolveSeries(descriptor, row.series, row.labels).spec.description}">
      ${row.series + labelsText(row.labels) + (row.part === 'value' || row.part === 'rate' ? '' : ` ${row.part}`)}
    </th>
    <td data-series=${row.series}>${rate + (context === ' ()' ? '' : context) + withheld}</td>
    <td>${row.total === undefined ? '' : formatUnitValue(row.total, row.totalUnit ?? 'count')}</td>
    <td>${new Date(row.at).toISOString()}</td>
  </tr>`;
}

export function valuesTable(caption: string, rows: readonly ValueRow[], descriptor: ProviderDescriptor): TemplateResult {
  return html`<table class="values">
    <caption>
      ${caption}
    </caption>
    <thead>
      <tr>
        ${['Series', 'Value', 'Total', 'At'].map((name) => html`<th scope="col">${name}</th>`)}
      </tr>
    </thead>
    <tbody>
      ${rows.map((row) => valueRow(row, descriptor))}
    </tbody>
  </table>`;
}
