/**
 * Cost per tag over this billing cycle, as usage by tag shows it: where the reading stands, then one
 * row per tag value with its sessions, billed minutes, share and projection to the cycle's end (the
 * words the Command Palette uses, tagCostWords), and the CSV export through the host's save dialog.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-icon/index.js';
import { html, nothing, type TemplateResult } from 'lit';
import type { CostPerTag } from '../../src/shared/costPerTag';
import { formatDay, formatNumber, formatPercent } from '../../src/shared/format';
import { formatKeyPath } from '../../src/shared/metadataQuery';
import type { CycleRead } from './cycleCost';

const span = (report: Pick<CostPerTag, 'cycle'>) => `${formatDay(report.cycle.start)} – ${formatDay(report.cycle.end - 1)}`;

/** Reading, failed, or the cycle's totals in a sentence. */
export function cycleStatus(cycle: CycleRead | undefined, report: CostPerTag | undefined): TemplateResult {
  if (!cycle || cycle.busy)
    return html`<p class="cycle-summary" aria-live="polite">
      <vscode-icon name="loading" spin aria-hidden="true"></vscode-icon> Reading this billing cycle’s sessions…
    </p>`;
  if (cycle.error !== undefined) return html`<p class="error cycle-summary" role="alert">${cycle.error}</p>`;
  const sessions = cycle.sessions;
  if (!sessions || sessions.rows.length === 0)
    return html`<p class="cycle-summary">No sessions started this billing cycle${sessions ? ` (${span({ cycle: sessions.window })})` : ''}.</p>`;
  if (!report)
    return html`<p class="cycle-summary">${formatNumber(sessions.rows.length)} sessions this billing cycle (${span({ cycle: sessions.window })}).</p>`;
  const { totals } = report;
  // The cycle and the reading's time as data too: a check can recompute every figure from the same instant.
  return html`<p
    class="cycle-summary"
    id="cycle-summary"
    data-minutes=${totals.minutes}
    data-projected=${totals.projectedMinutes ?? nothing}
    data-cycle-start=${report.cycle.start}
    data-cycle-end=${report.cycle.end}
    data-at=${report.at}
  >
    <strong>${formatNumber(totals.minutes)} billed min</strong> this billing cycle (${span(report)}) in ${formatNumber(totals.sessions)}
    session${totals.sessions === 1 ? '' : 's'}${
      totals.projectedMinutes === null
        ? ` (${report.projectionNote ?? 'no projection'})`
        : `, about ${formatNumber(totals.projectedMinutes)} min by its end at the pace so far`
    }.
  </p>`;
}

export function cycleTable(report: CostPerTag, exportCsv: () => void): TemplateResult {
  const key = formatKeyPath(report.path);
  const projected = `Projected by ${formatDay(report.cycle.end - 1)}`;
  return html`<table class="breakdown-table cycle-table">
      <caption>
        Cost by ${key}, this billing cycle
      </caption>
      <thead>
        <tr>
          ${['Value', 'Sessions', 'Billed minutes', 'Share', projected, 'Running'].map(
            (text, index) => html`<th scope="col" class=${index > 0 ? 'numeric' : nothing}>${text}</th>`,
          )}
        </tr>
      </thead>
      <tbody>
        ${report.buckets.map(
          (bucket) =>
            html`<tr data-value=${bucket.value ?? ''}>
              <th scope="row" class=${bucket.value === null ? 'no-value' : nothing}>${bucket.label}</th>
              <td class="numeric" data-sessions=${bucket.sessions}>${formatNumber(bucket.sessions)}</td>
              <td class="numeric" data-minutes=${bucket.minutes}>
                ${formatNumber(bucket.minutes)} min${bucket.unknownDurations ? ` (+${bucket.unknownDurations} unknown)` : ''}
              </td>
              <td class="numeric" data-share=${bucket.share ?? nothing}>${bucket.share === null ? '—' : formatPercent(bucket.share * 100)}</td>
              <td class="numeric" data-projected=${bucket.projectedMinutes ?? nothing}>
                ${bucket.projectedMinutes === null ? '—' : `${formatNumber(bucket.projectedMinutes)} min`}
              </td>
              <td class="numeric">${formatNumber(bucket.running)}</td>
            </tr>`,
        )}
      </tbody>
    </table>
    <div class="form-actions">
      <vscode-button secondary icon="save" id="export-cycle-csv" aria-label="Export CSV… of the cost by ${key} this billing cycle" @click=${exportCsv}
        >Export CSV…</vscode-button
      >
    </div>`;
}
