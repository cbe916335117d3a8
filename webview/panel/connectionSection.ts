/**
 * A connection's part of the usage panel: heading with its one state word (the card's), what went
 * wrong, actions, the quota table, its charts (the main ones, then "More charts" opened on demand) and
 * every latest value. Charts are kept by id, so scroll position, focus, zoom and open tables survive
 * updates.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-icon/index.js';
import { html, nothing, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { descriptorOfKind, PROVIDER_NAMES } from '../../src/providers/registry';
import type { ChartData } from '../../src/shared/chartGroups';
import { formatRelativeTime } from '../../src/shared/format';
import type { PanelPageMessage } from '../../src/shared/panelProtocol';
import { formatDateTime } from '../../src/shared/timeAxis';
import { domId } from '../common/dom';
import { define, LightElement } from '../common/lightElement';
import type { Palette } from '../common/palette';
import type { ChartCard, ChartCardHost } from './chartCard';
import './chartCard';
import type { SectionModel } from './sections';
import { quotaTable, valuesTable } from './valueTables';

export interface SectionHost extends ChartCardHost {
  post(message: PanelPageMessage): void;
  moreOpen(connectionId: string): boolean;
  setMoreOpen(connectionId: string, open: boolean): void;
}

export class ConnectionSection extends LightElement {
  static override properties = { model: { attribute: false }, palette: { attribute: false }, now: { attribute: false } };
  declare model: SectionModel;
  declare palette: Palette;
  declare now: number;
  host!: SectionHost;

  /** Charts drawn so far (they are created as they scroll into view). */
  get chartCount(): number {
    return [...this.querySelectorAll<ChartCard>('lu-chart-card')].filter((card) => card.drawnChart).length;
  }

  private charts(list: readonly ChartData[]): TemplateResult {
    return html`${repeat(
      list,
      (chart) => chart.id,
      (chart) => html`<lu-chart-card .host=${this.host} .data=${chart} .palette=${this.palette}></lu-chart-card>`,
    )}`;
  }

  private moreToggled(event: Event): void {
    const details = event.currentTarget as HTMLDetailsElement;
    this.host.setMoreOpen(this.model.connection.id, details.open);
    // Cards inside a closed <details> never intersect: draw them when it opens.
    if (details.open) for (const card of details.querySelectorAll<ChartCard>('lu-chart-card')) card.show();
  }

  protected override render(): TemplateResult {
    const { connection, state, charts, historyFrom } = this.model;
    const id = domId('connection', connection.id);
    const connectionId = connection.id;
    const now = this.now;
    const primary = charts.filter((chart) => chart.primary);
    const more = charts.filter((chart) => !chart.primary);
    const updated = connection.lastSuccessAt ? `updated ${formatRelativeTime(connection.lastSuccessAt, now)}` : 'not updated yet';
    const next = connection.nextPollAt && connection.nextPollAt > now ? `, next poll ${formatRelativeTime(connection.nextPollAt, now)}` : '';
    const known = connection.values.filter((row) => row.known);
    const unknown = connection.values.filter((row) => !row.known);
    const descriptor = descriptorOfKind(connection.kind);
    // A failing fetch says why once: in the state's reason, which carries the error and when it retries.
    const problem = state.kind === 'error' || state.kind === 'authNeeded';
    // The range's own start, beside each chart's (which may start later, where the history does).
    return html`<section
      class="connection state-${state.kind}"
      id=${id}
      data-connection=${connectionId}
      data-range-from=${this.model.rangeFrom ?? nothing}
      aria-labelledby="${id}-title"
    >
      <header class="connection-header">
        <h2 id="${id}-title" tabindex="-1">
          <vscode-icon name=${state.icon} ?spin=${state.kind === 'loading'} aria-hidden="true"></vscode-icon>
          <span class="title-text">${connection.label}</span>
          <span class="state" title=${state.reason ?? state.text}>${state.text}</span>
        </h2>
        <div class="connection-actions">
          ${
            // Read from a team Prometheus, its sessions are not reachable from here.
            connection.kind === 'browserbase' && !connection.via
              ? html`<vscode-button
                  secondary
                  icon="vm"
                  class="open-sessions"
                  aria-label="Sessions by tag of ${connection.label}"
                  @click=${() => this.host.post({ type: 'openSessions', connectionId })}
                  >Sessions by tag</vscode-button
                >`
              : nothing
          }
          <vscode-button
            secondary
            icon="refresh"
            class="refresh"
            aria-label="Refresh ${connection.label}"
            @click=${() => this.host.post({ type: 'refresh', connectionId })}
            >Refresh</vscode-button
          >
          <vscode-button
            secondary
            icon="key"
            class="set-token"
            aria-label="Set token for ${connection.label}"
            @click=${() => this.host.post({ type: 'setToken', connectionId })}
            >Set token</vscode-button
          >
        </div>
      </header>
      <div class="connection-status">
        <p class="meta">
          ${PROVIDER_NAMES[connection.kind]} ·
          ${updated}${next}${connection.polledHere ? '' : ' · polled by another window'}${
            historyFrom === undefined ? '' : ` · history since ${formatDateTime(historyFrom, {}, false)}`
          }
        </p>
        ${
          problem && state.reason
            ? html`<p class="error" role="alert"><vscode-icon name="error" aria-hidden="true"></vscode-icon> ${state.reason}</p>`
            : state.reason
              ? html`<p class="reason">${state.reason}</p>`
              : nothing
        }
        ${
          connection.error && !problem
            ? html`<p class="error" role="alert"><vscode-icon name="error" aria-hidden="true"></vscode-icon> ${connection.error.message}</p>`
            : nothing
        }
        ${
          connection.notes.length > 0
            ? html`<ul class="notes">
                ${connection.notes.map((note) => html`<li>${note}</li>`)}
              </ul>`
            : nothing
        }
      </div>
      ${
        connection.info.length > 0
          ? html`<dl class="info-labels">
              ${connection.info.map(
                (row) =>
                  html`<dt>${row.name}</dt>
                    <dd>
                      ${
                        Object.entries(row.labels)
                          .map(([key, value]) => `${key}=${value}`)
                          .join(', ') || '—'
                      }
                    </dd>`,
              )}
            </dl>`
          : nothing
      }
      <div class="quotas-box">${quotaTable(connection.quotas)}</div>
      <div class="charts">
        ${primary.length === 0 ? html`<p class="empty">No history in this range yet: charts appear after the first polls.</p>` : this.charts(primary)}
      </div>
      <details class="more-charts" ?hidden=${more.length === 0} ?open=${this.host.moreOpen(connectionId)} @toggle=${(event: Event) => this.moreToggled(event)}>
        <summary>More charts (${more.length})</summary>
        <div class="charts">${this.charts(more)}</div>
      </details>
      <details class="latest-values">
        <summary>Latest values (${known.length})</summary>
        ${valuesTable('Latest values', known, descriptor)}
      </details>
      <details class="other-values" ?hidden=${unknown.length === 0}>
        <summary>Other values (${unknown.length})</summary>
        <p class="meta">Values this version of Live Usage does not know yet, as the provider sent them. They are kept in history.</p>
        ${valuesTable('Other values', unknown, descriptor)}
      </details>
    </section>`;
  }
}

define('lu-connection-section', ConnectionSection);
