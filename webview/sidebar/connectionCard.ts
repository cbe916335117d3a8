/**
 * One connection's card: a title that ellipsizes (the whole name on hover), its state, the headline
 * figure with the sparkline of exactly that figure under it, the other figures with their meters, info
 * labels, alerts and runaway sessions, and codicon actions (refresh, open in the panel, sessions for
 * Browserbase, set token).
 */
import '@vscode-elements/elements/dist/vscode-icon/index.js';
import '@vscode-elements/elements/dist/vscode-toolbar-button/index.js';
import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import type { SidebarPageMessage } from '../../src/shared/sidebarProtocol';
import { domId } from '../common/dom';
import { define, LightElement } from '../common/lightElement';
import type { Palette } from '../common/palette';
import type { CardModel, FigureModel, RunawaysModel } from './cards';
import { drawSparkline } from './sparkline';

function figureRow(figure: FigureModel, headline: boolean): TemplateResult {
  return html`<li class="level-${figure.level}${headline ? ' headline' : ''}" data-figure=${figure.id} data-quota=${figure.quota ?? nothing}>
    <span class="name">${figure.label}</span>
    <span class="value">${figure.text}${figure.share}</span>
    ${figure.source ? html`<span class="source">${figure.source}</span>` : nothing}
    ${figure.meter === undefined ? nothing : html`<div class="meter" aria-hidden="true"><div class="fill level-${figure.level}" data-width=${figure.meter}></div></div>`}
  </li>`;
}

function alertList(alerts: readonly string[]): TemplateResult | typeof nothing {
  if (alerts.length === 0) return nothing;
  return html`<ul class="card-alerts">
    ${alerts.map((alert) => html`<li><vscode-icon name="warning" aria-hidden="true"></vscode-icon><span>${alert}</span></li>`)}
  </ul>`;
}

function runawayList(runaways: RunawaysModel | undefined, headingId: string): TemplateResult | typeof nothing {
  if (!runaways) return nothing;
  return html`<div class="card-runaways">
    <p class="runaways-heading" id=${headingId}><vscode-icon name="warning" aria-hidden="true"></vscode-icon> ${runaways.heading}</p>
    <ul aria-labelledby=${headingId}>
      ${runaways.sessions.map(
        (session) =>
          html`<li data-session=${session.id} title=${session.spoken}>
            <span aria-hidden="true">${session.text}</span><span class="sr-only">${session.spoken}</span>
          </li>`,
      )}
      ${runaways.more ? html`<li class="more">${runaways.more}</li>` : nothing}
    </ul>
  </div>`;
}

export class ConnectionCard extends LightElement {
  static override properties = { model: { attribute: false }, palette: { attribute: false } };
  declare model: CardModel;
  declare palette: Palette;
  /** Set by the page: sends the card's buttons to the host. */
  post: (message: SidebarPageMessage) => void = () => undefined;

  private action(icon: string, label: string, className: string, message: SidebarPageMessage): TemplateResult {
    return html`<vscode-toolbar-button
      icon=${icon}
      label=${label}
      title=${label}
      class=${className}
      @click=${() => this.post(message)}
    ></vscode-toolbar-button>`;
  }

  protected override render(): TemplateResult {
    const card = this.model;
    const { state } = card;
    const connectionId = card.id;
    const titleId = domId('card-title', card.id);
    return html`<article class="card state-${state.kind}" data-connection=${card.id} aria-labelledby=${titleId}>
      <header class="card-header">
        <h2 id=${titleId} title="${card.label} (${card.providerName})">
          <vscode-icon name=${state.icon} ?spin=${state.kind === 'loading'} aria-hidden="true"></vscode-icon>
          <span class="title-text">${card.label}</span>
        </h2>
        <div class="card-actions">
          ${this.action('refresh', `Refresh ${card.label}`, 'refresh', { type: 'refresh', connectionId })}
          ${this.action('graph', `Open ${card.label} in the usage panel`, 'open-panel', { type: 'openPanel', connectionId })}
          ${card.kind === 'browserbase' && !card.via ? this.action('vm', `Find and launch ${card.label} sessions by tag`, 'open-sessions', { type: 'openSessions', connectionId }) : nothing}
          ${this.action('key', `Set the token of ${card.label}`, 'set-token', { type: 'setToken', connectionId })}
        </div>
      </header>
      <div class="card-state"><span class="state">${state.text}</span>${state.reason ? html`<p class="reason">${state.reason}</p>` : nothing}</div>
      ${alertList(card.alerts)} ${runawayList(card.runaways, domId('card-runaways', card.id))}
      <ul class="values">
        ${card.headline ? figureRow(card.headline, true) : nothing}
        ${
          card.sparkline
            ? html`<li class="sparkline-row">
                <canvas class="sparkline" role="img" aria-label=${card.sparkline.description} title=${card.sparkline.description}></canvas>
              </li>`
            : nothing
        }
        ${card.figures.map((figure) => figureRow(figure, false))}
        ${card.info.map((info) => html`<li class="info"><span class="name">${info.name}</span><span class="value">${info.text}</span></li>`)}
      </ul>
      <p class="meta">
        ${card.providerName} · ${card.updated}${card.sparkline ? html` · <span class="sparkline-label">${card.sparkline.label}</span>` : nothing}
      </p>
    </article>`;
  }

  protected override updated(changed: PropertyValues): void {
    super.updated(changed);
    // Widths through CSSOM, which the page's CSP allows (a style attribute it would block).
    for (const fill of this.querySelectorAll<HTMLElement>('.meter .fill[data-width]')) fill.style.width = `${fill.dataset.width ?? 0}%`;
    this.redraw();
  }

  /** Draws the sparkline again (new data, a new width, a new theme). */
  redraw(): void {
    const canvas = this.querySelector<HTMLCanvasElement>('canvas.sparkline');
    if (canvas && this.model.sparkline) drawSparkline(canvas, this.model.sparkline, this.palette);
  }
}

define('lu-connection-card', ConnectionCard);
