/**
 * Launching a tagged session: tags from the query builder or the form's own rows, region, keep-alive,
 * timeout. Says up front that it starts a billed browser; the host asks once to confirm. The button is
 * disabled from the first click until the host answers, and the host joins a repeated request to the
 * one under way, so a double click starts one browser. Above the button, the project's headroom (read
 * when the form opens and after a launch or release) and, when Browserbase would most likely answer
 * 429, a warning that does not block.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-icon/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { html, nothing, type TemplateResult } from 'lit';
import { describeCondition } from '../../src/shared/metadataQuery';
import type { SessionsPageMessage } from '../../src/shared/sessionsProtocol';
import { metadataEntries } from '../../src/shared/sessionTable';
import { define, LightElement } from '../common/lightElement';
import { checkRows } from './builder';
import { conditionRows } from './conditionRows';
import { focusAfterAdding, focusAfterRemoving, focusLaunchAfter, focusWhenDrawn, rowFocusElement, type RowFocus } from './focusRules';
import type { SessionsState, SessionsStateProvider } from './state';

// Drawn as native radios, not vscode-radio: in @vscode-elements/elements 2.5.1 (the latest release) a
// vscode-radio is a checkbox to assistive technology and its group fires no change when the arrow
// keys check a radio, so "Own tags" could not be chosen by keyboard (the library's issues 612 and
// 613, fixed on its main branch but not released). Native radios are announced as radios and the
// browser moves the check, and fires change, on the arrow keys. Styled like vscode-radio in sessions.css.
const TAG_SOURCES = [
  { value: 'query', label: 'Use the query’s conditions' },
  { value: 'own', label: 'Own tags' },
] as const;

// Selects and text fields are named by their `label` property (see conditionRows.ts for why).
const valueOf = (event: Event) => (event.target as HTMLElement & { value: string }).value;

export class LaunchForm extends LightElement {
  static override properties = { state: { attribute: false } };
  declare state: SessionsState;
  provider!: SessionsStateProvider;
  send: (messages: readonly SessionsPageMessage[]) => void = () => undefined;
  /** Where focus goes once the own-tag rows are drawn again after an add or a remove. */
  private pendingFocus: RowFocus | undefined;
  private wasPending = false;

  protected override updated(): void {
    const pending = this.state.launch.pending;
    if (focusLaunchAfter(this.wasPending, pending)) focusWhenDrawn(this.querySelector<HTMLElement>('#launch'));
    this.wasPending = pending;
    const focus = this.pendingFocus;
    const rows = this.querySelector('.rows-tag');
    if (!focus || !rows) return;
    this.pendingFocus = undefined;
    focusWhenDrawn(rowFocusElement(rows, focus));
  }

  private outcome(): TemplateResult | typeof nothing {
    const { launch } = this.state;
    if (launch.pending)
      return html`<p class="pending">
        <vscode-icon name="loading" spin aria-hidden="true"></vscode-icon> Waiting for your confirmation, then starting the browser…
      </p>`;
    const outcome = launch.outcome;
    if (!outcome) return nothing;
    if (outcome.kind === 'cancelled') return html`<p class="meta">Not launched.</p>`;
    if (outcome.kind === 'failed')
      return html`<p class="error" role="alert"><vscode-icon name="error" aria-hidden="true"></vscode-icon> ${outcome.message}</p>`;
    const { session, connectUrl, tags } = outcome;
    return html`<div class="launched" data-session=${session.id}>
      <p>
        <vscode-icon name="pass" aria-hidden="true"></vscode-icon> Started session <code class="session-id">${session.id}</code> (${session.status},
        ${session.region}${session.keepAlive ? ', keep-alive' : ''})
      </p>
      <p class="connect">Connect URL: <code class="connect-url">${connectUrl}</code></p>
      <p class="meta">
        Tags:
        ${
          metadataEntries(session)
            .map((entry) => `${entry.key} = ${entry.value}`)
            .join('; ') || 'none'
        }
      </p>
      <div class="form-actions">
        <vscode-button secondary icon="copy" class="copy-connect" @click=${() => this.send(this.provider.sessionAction(session.id, 'copyConnectUrl'))}
          >Copy connect URL</vscode-button
        >
        <vscode-button
          secondary
          icon="search"
          class="find-tagged"
          @click=${() => {
            this.send(this.provider.findTagged(tags));
            document.getElementById('results-section')?.scrollIntoView({ block: 'start' });
          }}
          >Find sessions with these tags</vscode-button
        >
      </div>
    </div>`;
  }

  private headroom(): TemplateResult {
    const headroom = this.state.headroom;
    return html`<div class="headroom" id="launch-headroom" aria-live="polite">
      <p class="headroom-text"><span class="headroom-label">Headroom:</span> ${headroom ? headroom.text : 'reading the project’s running sessions…'}</p>
      ${
        headroom?.warning
          ? html`<p class="headroom-warning"><vscode-icon name="warning" aria-hidden="true"></vscode-icon> ${headroom.warning} You can still launch.</p>`
          : nothing
      }
    </div>`;
  }

  protected override render(): TemplateResult {
    const { choices, checked, host, launch } = this.state;
    const provider = this.provider;
    const form = choices.launch;
    const read = launch.read;
    const problem = 'problem' in read ? read.problem : undefined;
    const inRow = 'problem' in read && read.inRow === true;
    const regions = host?.regions ?? [];
    return html`<section class="block" id="launch-section" aria-labelledby="launch-title">
      <h2 id="launch-title"><vscode-icon name="vm-running" aria-hidden="true"></vscode-icon> Launch a tagged session</h2>
      <div class="launch-form">
        <fieldset class="radio-group" id="tag-source">
          <legend>Tags of the launched session</legend>
          ${TAG_SOURCES.map(
            (source) =>
              html`<label class="radio"
                ><input
                  type="radio"
                  name="tag-source"
                  value=${source.value}
                  .checked=${form.tagSource === source.value}
                  @change=${() => provider.editLaunch({ tagSource: source.value })}
                />${source.label}</label
              >`,
          )}
        </fieldset>
        ${
          form.tagSource === 'query'
            ? html`<p class="query-tags" ?hidden=${checked.problems.length > 0}>
                ${
                  checked.conditions.length > 0
                    ? `Tags: ${checked.conditions.map(describeCondition).join(', ')}`
                    : 'The query has no conditions yet: add some above, or choose own tags.'
                }
              </p>`
            : conditionRows('tag', form.ownTags, checkRows(form.ownTags, 'tag'), {
                edit: (index, part, text) => provider.editTag(index, part, text),
                add: () => {
                  this.pendingFocus = focusAfterAdding(form.ownTags.length + 1);
                  provider.addTag();
                },
                remove: (index) => {
                  this.pendingFocus = focusAfterRemoving(index, form.ownTags.length);
                  provider.removeTag(index);
                },
              })
        }
        <div class="form-grid">
          <label for="launch-region">Region</label>
          <vscode-single-select
            id="launch-region"
            label="Region of the launched session"
            .value=${form.region}
            @change=${(event: Event) => provider.editLaunch({ region: valueOf(event) })}
          >
            ${regions.map((name, index) => html`<vscode-option value=${name} description=${index === 0 ? 'default' : nothing} ?selected=${name === form.region}>${name}</vscode-option>`)}
          </vscode-single-select>
          <label for="launch-timeout">Timeout (s)</label>
          <vscode-textfield
            id="launch-timeout"
            placeholder="project's default"
            label="Timeout in seconds of the launched session"
            .value=${form.timeout}
            @input=${(event: Event) => provider.editLaunch({ timeout: valueOf(event) })}
          ></vscode-textfield>
          <span></span>
          <vscode-checkbox
            id="launch-keep-alive"
            label="Keep alive (runs until released or timed out)"
            .checked=${form.keepAlive}
            @change=${(event: Event) => provider.editLaunch({ keepAlive: Boolean((event.target as HTMLElement & { checked: boolean }).checked) })}
          ></vscode-checkbox>
        </div>
        <p class="billed">
          <vscode-icon name="warning" aria-hidden="true"></vscode-icon> Starts a billed browser: Browserbase bills at least one minute per
          session${form.keepAlive ? ', and a keep-alive browser runs until you release it or it times out' : ''}. You will be asked once to confirm.
        </p>
        ${this.headroom()}
        <p class="error launch-problem" role="alert" ?hidden=${problem === undefined || inRow}>${problem ?? nothing}</p>
        <div class="form-actions">
          <vscode-button
            id="launch"
            icon="vm-running"
            aria-describedby="launch-headroom"
            ?disabled=${launch.pending || problem !== undefined}
            @click=${() => this.send(provider.launchMessages())}
            >Launch session…</vscode-button
          >
        </div>
        <div class="launch-result" aria-live="polite">${this.outcome()}</div>
      </div>
    </section>`;
  }
}

define('lu-launch-form', LaunchForm);
