/**
 * The sidebar page: one card per connection, kept by connection id (a card updates in place, so focus
 * stays on the button a person is on), or a welcome with "Add connection" and the walkthrough when
 * there is none. Draws from the state provider; sparklines follow the width and the theme.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { html, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { SidebarPageMessage } from '../../src/shared/sidebarProtocol';
import { define, LightElement } from '../common/lightElement';
import type { Palette } from '../common/palette';
import { StoreController } from '../common/storeController';
import { onThemeChange, readPalette } from '../common/theme';
import type { ConnectionCard } from './connectionCard';
import './connectionCard';
import type { SidebarStateProvider } from './state';

export class SidebarApp extends LightElement {
  private palette: Palette = readPalette('--vscode-sideBar-background');
  private readonly cleanup: (() => void)[] = [];

  constructor(
    private readonly provider: SidebarStateProvider,
    private readonly post: (message: SidebarPageMessage) => void,
  ) {
    super();
    new StoreController(this, [provider.store]);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.cleanup.push(
      onThemeChange(() => {
        this.palette = readPalette('--vscode-sideBar-background');
        this.requestUpdate();
      }),
    );
    // The sidebar is resized by dragging its edge: sparklines follow the new width.
    const resize = new ResizeObserver(() => this.querySelectorAll<ConnectionCard>('lu-connection-card').forEach((card) => card.redraw()));
    resize.observe(this);
    this.cleanup.push(() => resize.disconnect());
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    for (const undo of this.cleanup.splice(0)) undo();
  }

  protected override render(): TemplateResult {
    const { snapshot, cards } = this.provider.state;
    if (!snapshot) return html`<p class="loading">Loading Live Usage…</p>`;
    if (cards.length === 0) {
      return html`<h1 class="sr-only">Live Usage</h1>
        <div class="welcome">
          <p>No connections yet. Add one to watch its usage and quotas here and in the status bar.</p>
          <vscode-button icon="add" id="add-connection" @click=${() => this.post({ type: 'addConnection' })}>Add connection</vscode-button>
          <p class="walkthrough-link">
            <a href="#" @click=${(event: Event) => (event.preventDefault(), this.post({ type: 'openWalkthrough' }))}>Get started: a short walkthrough</a>
          </p>
        </div>`;
    }
    // The view's title bar already says "Live Usage" visibly; a screen reader's heading list needs it as the page's own.
    return html`<h1 class="sr-only">Live Usage connections</h1>
      <div class="cards">
        ${repeat(
          cards,
          (card) => card.id,
          (card) => html`<lu-connection-card .model=${card} .palette=${this.palette} .post=${this.post}></lu-connection-card>`,
        )}
      </div>`;
  }
}

define('lu-sidebar', SidebarApp);
