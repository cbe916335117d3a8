/**
 * The Browserbase sessions page: a toolbar (connection, when the results were fetched), the query
 * builder and the launch form side by side, the matching sessions with their totals, and usage by tag;
 * a welcome when there is no Browserbase connection. Draws from the state provider.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-icon/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import { html, nothing, type TemplateResult } from 'lit';
import { formatBytes, formatClockTime, formatNumber } from '../../src/shared/format';
import { describeQuery, NO_SERVER_QUERY } from '../../src/shared/metadataQuery';
import type { SessionsPageMessage } from '../../src/shared/sessionsProtocol';
import { usageTotals } from '../../src/shared/usageByTag';
import { define, LightElement } from '../common/lightElement';
import type { Palette } from '../common/palette';
import { StoreController } from '../common/storeController';
import { onThemeChange, readPalette } from '../common/theme';
import './breakdown';
import './launchForm';
import './queryBuilder';
import './resultsTable';
import type { SessionsStateProvider } from './state';

// Selects and text fields are named by their `label` property (see conditionRows.ts for why).
const valueOf = (event: Event) => (event.target as HTMLElement & { value: string }).value;

export class SessionsApp extends LightElement {
  private palette: Palette = readPalette();
  private stopWatchingTheme: (() => void) | undefined;
  readonly send: (messages: readonly SessionsPageMessage[]) => void;

  constructor(
    private readonly provider: SessionsStateProvider,
    post: (message: SessionsPageMessage) => void,
    /** Rows drawn and how long the first ones took. */
    private readonly drawn: (rows: number, ms: number) => void,
  ) {
    super();
    this.send = (messages) => messages.forEach(post);
    new StoreController(this, [provider.store]);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.stopWatchingTheme = onThemeChange(() => {
      this.palette = readPalette();
      this.requestUpdate();
    });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stopWatchingTheme?.();
  }

  private status(): TemplateResult {
    const { find, results } = this.provider.state;
    if (find?.busy)
      return html`<div class="results-status" id="results-status" aria-live="polite" aria-busy="true">
        <vscode-icon name="loading" spin aria-hidden="true"></vscode-icon> Finding sessions where ${describeQuery(find.query)}…
      </div>`;
    if (find?.error) {
      const auth = /API key|401|403|token/i.test(find.error);
      const connectionId = this.provider.state.choices.connectionId;
      return html`<div class="results-status" id="results-status" aria-live="polite">
        <p class="error" role="alert"><vscode-icon name="error" aria-hidden="true"></vscode-icon> ${find.error}</p>
        ${auth && connectionId ? html`<vscode-button secondary icon="key" @click=${() => this.send([{ type: 'setToken', connectionId }])}>Set API key</vscode-button>` : nothing}
      </div>`;
    }
    if (!results) return html`<div class="results-status" id="results-status" aria-live="polite"></div>`;
    const filtered = results.returned - results.rows.length;
    return html`<div class="results-status" id="results-status" aria-live="polite">
      <p class="meta">
        Fetched ${formatClockTime(results.fetchedAt)} · q ${results.q ? `= ${results.q}` : NO_SERVER_QUERY} · the server returned
        ${formatNumber(results.returned)}${filtered > 0 ? `, ${formatNumber(filtered)} left out here (other projects, or conditions Browserbase was not sent)` : ''}
      </p>
    </div>`;
  }

  private totals(): TemplateResult {
    const results = this.provider.state.results;
    const figures = usageTotals(results?.rows ?? [], results?.now ?? Date.now());
    return html`<p class="totals" id="totals">
      <strong data-sessions=${figures.sessions}>${formatNumber(figures.sessions)} session${figures.sessions === 1 ? '' : 's'}</strong> ·
      <span data-minutes=${figures.minutes}>${formatNumber(figures.minutes)} browser minute${figures.minutes === 1 ? '' : 's'}</span> ·
      <span data-proxy-bytes=${figures.proxyBytes}>${formatBytes(figures.proxyBytes)} proxy</span
      >${figures.running > 0 ? ` · ${figures.running} running` : ''}${
        figures.unknownDurations > 0 ? ` · ${figures.unknownDurations} without a known duration` : ''
      }
    </p>`;
  }

  protected override render(): TemplateResult {
    const state = this.provider.state;
    const { host, choices, results } = state;
    if (!host) return html`<p class="loading">Loading Browserbase sessions…</p>`;
    const connections = host.connections;
    return html`<header class="toolbar">
        <h1>Browserbase sessions</h1>
        ${
          connections.length > 0
            ? html`<label for="connection" class="range-label">Connection</label>
                <vscode-single-select
                  id="connection"
                  label="Connection to search"
                  .value=${choices.connectionId ?? ''}
                  @change=${(event: Event) => this.send(this.provider.selectConnection(valueOf(event)))}
                >
                  ${connections.map(
                    (connection) =>
                      html`<vscode-option
                        value=${connection.id}
                        description=${connection.projectId ?? nothing}
                        ?selected=${connection.id === choices.connectionId}
                        >${connection.label}</vscode-option
                      >`,
                  )}
                </vscode-single-select>`
            : nothing
        }
        <span class="updated">${results ? `Updated ${formatClockTime(results.fetchedAt)}` : ''}</span>
      </header>
      ${
        connections.length === 0
          ? html`<div class="welcome">
              <p>No Browserbase connection yet. Add one (with its API key) to find and launch sessions here.</p>
              <vscode-button icon="add" id="add-connection" @click=${() => this.send([{ type: 'addConnection' }])}>Add connection</vscode-button>
              <p class="walkthrough-link">
                <a href="#" @click=${(event: Event) => (event.preventDefault(), this.send([{ type: 'openWalkthrough' }]))}>Get started: a short walkthrough</a>
              </p>
            </div>`
          : html`<div class="sessions-content">
              <div class="sessions-top">
                <lu-query-builder .provider=${this.provider} .send=${this.send} .state=${state}></lu-query-builder>
                <lu-launch-form .provider=${this.provider} .send=${this.send} .state=${state}></lu-launch-form>
              </div>
              <section class="block" id="results-section" aria-labelledby="results-title">
                <h2 id="results-title"><vscode-icon name="list-flat" aria-hidden="true"></vscode-icon> Matching sessions</h2>
                ${this.status()} ${this.totals()}
                <lu-results-table
                  .provider=${this.provider}
                  .send=${this.send}
                  .drawn=${this.drawn}
                  .results=${results}
                  .sort=${choices.sort}
                ></lu-results-table>
              </section>
              <section class="block" id="usage-section" aria-labelledby="usage-title">
                <h2 id="usage-title"><vscode-icon name="graph" aria-hidden="true"></vscode-icon> Usage by tag</h2>
                <lu-breakdown .provider=${this.provider} .send=${this.send} .state=${state} .palette=${this.palette}></lu-breakdown>
              </section>
            </div>`
      }`;
  }
}

define('lu-sessions', SessionsApp);
