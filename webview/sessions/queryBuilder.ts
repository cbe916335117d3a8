/**
 * The "Find sessions by metadata" block: rows of conditions, a status, a live preview of the exact `q`
 * sent and the request it goes in (and what is checked on the page instead), Find, and saved queries.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-icon/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { html, nothing, type TemplateResult } from 'lit';
import { describeQuery, NO_SERVER_QUERY, SESSION_STATUSES } from '../../src/shared/metadataQuery';
import type { SessionsPageMessage } from '../../src/shared/sessionsProtocol';
import { define, LightElement } from '../common/lightElement';
import { previewQuery } from './builder';
import { conditionRows } from './conditionRows';
import { focusAfterAdding, focusAfterRemoving, focusWhenDrawn, rowFocusElement, type RowFocus } from './focusRules';
import type { SessionsState, SessionsStateProvider } from './state';

// Selects and text fields are named by their `label` property (see conditionRows.ts for why).
const valueOf = (event: Event) => (event.target as HTMLElement & { value: string }).value;

export class QueryBuilder extends LightElement {
  static override properties = { state: { attribute: false } };
  declare state: SessionsState;
  provider!: SessionsStateProvider;
  send: (messages: readonly SessionsPageMessage[]) => void = () => undefined;
  private saveName = '';
  private saveProblem: string | undefined;
  /** Where focus goes once the rows are drawn again after an add or a remove. */
  private pendingFocus: RowFocus | undefined;

  protected override updated(): void {
    const focus = this.pendingFocus;
    const rows = this.querySelector('.rows-condition');
    if (!focus || !rows) return;
    this.pendingFocus = undefined;
    focusWhenDrawn(rowFocusElement(rows, focus));
  }

  private runSaved(name: string): void {
    this.saveName = name;
    this.send(this.provider.runSaved(name));
  }

  private save(): void {
    const result = this.provider.save(this.saveName);
    this.saveProblem = 'problem' in result ? result.problem : undefined;
    if (!('problem' in result)) this.send([result]);
    this.requestUpdate();
  }

  private preview(): TemplateResult {
    const { built } = this.state;
    if (built.problem) {
      return html`<dl class="query-preview" id="query-preview" aria-live="polite">
        <dt>Query</dt>
        <dd>Fix the conditions above to see what is sent.</dd>
      </dl>`;
    }
    const preview = previewQuery(built.query);
    return html`<dl class="query-preview" id="query-preview" aria-live="polite">
      <dt>q sent</dt>
      <dd><code id="preview-q">${preview.q ?? NO_SERVER_QUERY}</code></dd>
      <dt>Request</dt>
      <dd><code id="preview-url">${preview.request}</code></dd>
      ${
        preview.local.length > 0
          ? html`<dt>Checked here</dt>
              <dd>
                <ul class="local-conditions">
                  ${preview.local.map((line) => html`<li>${line}</li>`)}
                </ul>
              </dd>`
          : nothing
      }
    </dl>`;
  }

  protected override render(): TemplateResult {
    const { choices, checked, built, host } = this.state;
    const provider = this.provider;
    const saved = host?.savedQueries ?? [];
    const problem = built.queryProblem ?? this.saveProblem;
    return html`<section class="block" id="find-section" aria-labelledby="find-title">
      <h2 id="find-title"><vscode-icon name="search" aria-hidden="true"></vscode-icon> Find sessions by metadata</h2>
      <p class="meta">Every condition must hold. Nested keys: order > status. Values match whole strings, exactly.</p>
      ${conditionRows('condition', choices.rows, checked, {
        edit: (index, part, text) => provider.editRow(index, part, text),
        add: () => {
          this.pendingFocus = focusAfterAdding(choices.rows.length + 1);
          provider.addRow();
        },
        remove: (index) => {
          this.pendingFocus = focusAfterRemoving(index, choices.rows.length);
          provider.removeRow(index);
        },
      })}
      <div class="form-line">
        <label for="status">Status</label>
        <vscode-single-select
          id="status"
          label="Status of the sessions to find"
          .value=${choices.status}
          @change=${(event: Event) => provider.setStatus(valueOf(event))}
        >
          <vscode-option value="" ?selected=${choices.status === ''}>Any status</vscode-option>
          ${SESSION_STATUSES.map((status) => html`<vscode-option value=${status} ?selected=${choices.status === status}>${status}</vscode-option>`)}
        </vscode-single-select>
      </div>
      ${this.preview()}
      <p class="error" id="query-problem" role="alert" ?hidden=${problem === undefined}>${problem ?? nothing}</p>
      <div class="form-actions">
        <vscode-button id="find" icon="search" ?disabled=${!provider.canFind} @click=${() => this.send(provider.findMessages())}>Find sessions</vscode-button>
      </div>
      <div class="form-line saved-line">
        <label for="saved">Saved</label>
        <vscode-single-select id="saved" label="Saved queries to run" .value=${''} @change=${(event: Event) => this.runSaved(valueOf(event))}>
          <vscode-option value="" selected>${saved.length > 0 ? 'Saved queries…' : 'No saved queries'}</vscode-option>
          ${saved.map((entry) => html`<vscode-option value=${entry.name} description=${describeQuery(entry.query)}>${entry.name}</vscode-option>`)}
        </vscode-single-select>
        <vscode-textfield
          id="save-name"
          placeholder="name for this query"
          label="Name to save this query under"
          .value=${this.saveName}
          @input=${(event: Event) => (this.saveName = valueOf(event))}
        ></vscode-textfield>
        <vscode-button secondary icon="save" id="save-query" @click=${() => this.save()}>Save query</vscode-button>
        <vscode-button
          secondary
          icon="trash"
          id="delete-query"
          ?disabled=${saved.length === 0}
          @click=${() => {
            const name = (this.querySelector('#saved') as (HTMLElement & { value: string }) | null)?.value || this.saveName.trim();
            if (name) this.send([{ type: 'deleteQuery', name }]);
          }}
          >Delete</vscode-button
        >
      </div>
    </section>`;
  }
}

define('lu-query-builder', QueryBuilder);
