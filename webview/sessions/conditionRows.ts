/**
 * Rows of `key path = value`, as the query builder (conditions) and the launch form (tags) show them:
 * each row says what is wrong with it under itself, as it is typed.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { html, nothing, type TemplateResult } from 'lit';
import type { CheckedRows, RowText } from './builder';

export interface RowEvents {
  edit(index: number, part: 'key' | 'value', text: string): void;
  add(): void;
  remove(index: number): void;
}

// Fields are named through vscode-elements' own \`label\` property, which it puts on the inner input or
// combobox (the way the library means a name to be given, with <vscode-label for> as the other); an
// aria-label on the element stays on its host and leaves the control itself unnamed.
const valueOf = (event: Event) => (event.target as HTMLElement & { value: string }).value;

export function conditionRows(kind: 'condition' | 'tag', rows: readonly RowText[], checked: CheckedRows, events: RowEvents): TemplateResult {
  const noun = kind === 'condition' ? 'Condition' : 'Tag';
  return html`<div class="condition-rows rows-${kind}">
    <div class="condition-list" role="list">
      ${rows.map((row, index) => {
        const state = checked.rows[index];
        const id = `${kind}-${index + 1}-message`;
        return html`<div class="condition-row" role="listitem">
          <vscode-textfield
            class="row-key"
            placeholder="key, e.g. client or order > status"
            label="${noun} ${index + 1} key path"
            aria-describedby=${id}
            ?invalid=${state?.keyBad === true}
            .value=${row.key}
            @input=${(event: Event) => events.edit(index, 'key', valueOf(event))}
          ></vscode-textfield>
          <span class="equals" aria-hidden="true">=</span>
          <vscode-textfield
            class="row-value"
            placeholder="value (any text)"
            label="${noun} ${index + 1} value"
            aria-describedby=${id}
            ?invalid=${state?.problem !== undefined && !state.keyBad}
            .value=${row.value}
            @input=${(event: Event) => events.edit(index, 'value', valueOf(event))}
          ></vscode-textfield>
          <button
            type="button"
            class="icon-button remove-row"
            title="Remove ${kind} ${index + 1}"
            aria-label="Remove ${kind} ${index + 1}"
            @click=${() => events.remove(index)}
          >
            <span class="codicon codicon-close" aria-hidden="true"></span>
          </button>
          <div class="row-message" id=${id} aria-live="polite" ?hidden=${state?.problem === undefined}>${state?.problem ?? nothing}</div>
        </div>`;
      })}
    </div>
    <vscode-button secondary icon="add" class="add-row" @click=${() => events.add()}>${kind === 'condition' ? 'Add condition' : 'Add tag'}</vscode-button>
  </div>`;
}
