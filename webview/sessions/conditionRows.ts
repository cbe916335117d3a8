/**
 * Rows of `key path = value`, used by the query builder (conditions) and the launch form (tags).
 * Each row is checked as it is typed and says what is wrong under itself; the rows only ever turn
 * into a structure (path array + value string), never into query text.
 */
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { formatKeyPath, parseKeyPath, validateCondition, type MetadataCondition } from '../../src/shared/metadataQuery';
import { el, replaceChildren } from '../common/dom';

export interface RowText {
  key: string;
  value: string;
}

type TextField = HTMLElement & { value: string; invalid: boolean };

interface Row {
  readonly element: HTMLElement;
  readonly key: TextField;
  readonly value: TextField;
  readonly message: HTMLElement;
}

export interface RowsResult {
  /** The complete rows as conditions; blank rows are left out. */
  readonly conditions: MetadataCondition[];
  /** Problems by row (1-based), already shown under each row. */
  readonly problems: string[];
}

export class ConditionRows {
  readonly element: HTMLElement;
  private readonly list: HTMLElement;
  private readonly rows: Row[] = [];
  private counter = 0;

  constructor(
    private readonly kind: 'condition' | 'tag',
    private readonly changed: () => void,
  ) {
    this.list = el('div', { class: 'condition-list', role: 'list' });
    const add = el('vscode-button', { secondary: true, icon: 'add', class: 'add-row' }, kind === 'condition' ? 'Add condition' : 'Add tag');
    add.addEventListener('click', () => {
      this.addRow({ key: '', value: '' }).key.focus();
      this.changed();
    });
    this.element = el('div', { class: `condition-rows rows-${kind}` }, this.list, add);
  }

  /** Replaces every row (at least one blank row stays, so there is somewhere to type) and checks them. */
  set(texts: readonly RowText[]): RowsResult {
    for (const row of this.rows.splice(0)) row.element.remove();
    for (const text of texts.length > 0 ? texts : [{ key: '', value: '' }]) this.addRow(text);
    return this.check();
  }

  setConditions(conditions: readonly MetadataCondition[]): RowsResult {
    return this.set(conditions.map((condition) => ({ key: formatKeyPath(condition.path), value: condition.value })));
  }

  texts(): RowText[] {
    return this.rows.map((row) => ({ key: row.key.value, value: row.value.value }));
  }

  private addRow(text: RowText): Row {
    const id = `${this.kind}-${++this.counter}`;
    const noun = this.kind === 'condition' ? 'Condition' : 'Tag';
    const key = el('vscode-textfield', {
      class: 'row-key',
      placeholder: 'key, e.g. client or order > status',
      'aria-label': `${noun} key path`,
      'aria-describedby': `${id}-message`,
    }) as TextField;
    const value = el('vscode-textfield', {
      class: 'row-value',
      placeholder: 'value (any text)',
      'aria-label': `${noun} value`,
      'aria-describedby': `${id}-message`,
    }) as TextField;
    key.value = text.key;
    value.value = text.value;
    const remove = el(
      'button',
      { type: 'button', class: 'icon-button remove-row', title: `Remove this ${noun.toLowerCase()}`, 'aria-label': `Remove this ${noun.toLowerCase()}` },
      el('span', { class: 'codicon codicon-close', 'aria-hidden': 'true' }),
    );
    const message = el('div', { class: 'row-message', id: `${id}-message`, 'aria-live': 'polite' });
    const element = el(
      'div',
      { class: 'condition-row', role: 'listitem' },
      key,
      el('span', { class: 'equals', 'aria-hidden': 'true' }, '='),
      value,
      remove,
      message,
    );
    const row: Row = { element, key, value, message };
    for (const field of [key, value]) field.addEventListener('input', () => this.changed());
    remove.addEventListener('click', () => {
      this.rows.splice(this.rows.indexOf(row), 1);
      element.remove();
      if (this.rows.length === 0) this.addRow({ key: '', value: '' });
      this.changed();
    });
    this.rows.push(row);
    this.list.append(element);
    return row;
  }

  /** Reads the rows, marks the bad ones, and says why under each. */
  check(): RowsResult {
    const conditions: MetadataCondition[] = [];
    const problems: string[] = [];
    const several = this.rows.length > 1;
    this.rows.forEach((row, index) => {
      const keyText = row.key.value;
      const value = row.value.value;
      let problem: string | undefined;
      let keyBad = false;
      if (keyText.trim() === '' && value === '') {
        // A blank row is no condition (and no problem), so an empty builder lists every session.
      } else {
        const parsed = parseKeyPath(keyText);
        if ('problem' in parsed) {
          problem = parsed.problem;
          keyBad = true;
        } else {
          const condition = { path: parsed.path, value };
          problem = validateCondition(condition)[0];
          if (!problem) conditions.push(condition);
        }
      }
      row.key.invalid = keyBad;
      row.value.invalid = problem !== undefined && !keyBad;
      replaceChildren(row.message, problem ?? '');
      row.message.hidden = problem === undefined;
      if (problem) problems.push(several ? `${this.kind === 'condition' ? 'Condition' : 'Tag'} ${index + 1}: ${problem}` : problem);
    });
    return { conditions, problems };
  }
}
