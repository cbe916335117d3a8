/**
 * Launching a tagged session: tags from the query builder or the form's own rows, region,
 * keep-alive, timeout. Says up front that it starts a billed browser; the host asks once to confirm.
 * The button is disabled from the first click until the host answers, and the host joins a repeated
 * request to the one under way, so a double click starts one browser.
 */
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-radio/index.js';
import '@vscode-elements/elements/dist/vscode-radio-group/index.js';
import { describeCondition, tagsProblem, type MetadataCondition } from '../../src/shared/metadataQuery';
import type { LaunchOptions, SessionRow } from '../../src/shared/sessionsProtocol';
import { el, icon, replaceChildren } from '../common/dom';
import { ConditionRows, type RowText } from './conditionRows';

export interface LaunchFormState {
  tagSource: 'query' | 'own';
  ownTags: RowText[];
  region: string;
  keepAlive: boolean;
  timeout: string;
}

export interface LaunchFormHost {
  /** The builder's complete conditions, or a reason they are not usable. */
  queryTags(): { conditions: MetadataCondition[]; problem?: string };
  launch(options: LaunchOptions): void;
  changed(state: LaunchFormState): void;
  copyConnectUrl(sessionId: string): void;
  findTagged(tags: readonly MetadataCondition[]): void;
}

type Field = HTMLElement & { value: string; invalid?: boolean; checked?: boolean; disabled?: boolean };

export class LaunchForm {
  readonly element: HTMLElement;
  private readonly ownRows: ConditionRows;
  private readonly sourceGroup: Field;
  private readonly queryTagsText: HTMLElement;
  private readonly region: Field;
  private readonly keepAlive: Field;
  private readonly timeout: Field;
  private readonly problem: HTMLElement;
  private readonly button: Field;
  private readonly result: HTMLElement;
  private readonly billed: HTMLElement;
  private state: LaunchFormState;
  private pending = false;
  private range: readonly [number, number] = [60, 21600];

  constructor(
    initial: LaunchFormState,
    private readonly host: LaunchFormHost,
  ) {
    this.state = { ...initial };
    this.sourceGroup = el(
      'vscode-radio-group',
      { id: 'tag-source', 'aria-label': 'Tags' },
      el(
        'vscode-radio',
        { name: 'tag-source', value: 'query', label: 'Use the query’s conditions', ...(initial.tagSource === 'query' ? { checked: true } : {}) },
        'Use the query’s conditions',
      ),
      el('vscode-radio', { name: 'tag-source', value: 'own', label: 'Own tags', ...(initial.tagSource === 'own' ? { checked: true } : {}) }, 'Own tags'),
    ) as unknown as Field;
    this.sourceGroup.addEventListener('change', (event) => {
      const value = (event.target as Field).value;
      if (value !== 'query' && value !== 'own') return;
      this.state.tagSource = value;
      this.refresh();
    });
    this.queryTagsText = el('p', { class: 'query-tags' });
    this.ownRows = new ConditionRows('tag', () => this.refresh());
    this.ownRows.set(initial.ownTags);
    this.region = el('vscode-single-select', { id: 'launch-region', 'aria-label': 'Region' }) as Field;
    this.keepAlive = el('vscode-checkbox', { id: 'launch-keep-alive', label: 'Keep alive (runs until released or timed out)' }) as Field;
    this.keepAlive.checked = initial.keepAlive;
    this.timeout = el('vscode-textfield', { id: 'launch-timeout', placeholder: "project's default", 'aria-label': 'Timeout in seconds' }) as Field;
    this.timeout.value = initial.timeout;
    for (const field of [this.region, this.keepAlive]) field.addEventListener('change', () => this.refresh());
    this.timeout.addEventListener('input', () => this.refresh());
    this.billed = el('p', { class: 'billed' });
    this.problem = el('p', { class: 'error launch-problem', role: 'alert', hidden: true });
    this.button = el('vscode-button', { id: 'launch', icon: 'vm-running' }, 'Launch session…') as Field;
    this.button.addEventListener('click', () => this.submit());
    this.result = el('div', { class: 'launch-result', 'aria-live': 'polite' });
    this.element = el(
      'div',
      { class: 'launch-form' },
      this.sourceGroup,
      this.queryTagsText,
      this.ownRows.element,
      el(
        'div',
        { class: 'form-grid' },
        el('label', { for: 'launch-region' }, 'Region'),
        this.region,
        el('label', { for: 'launch-timeout' }, 'Timeout (s)'),
        this.timeout,
        el('span'),
        this.keepAlive,
      ),
      this.billed,
      this.problem,
      el('div', { class: 'form-actions' }, this.button),
      this.result,
    );
  }

  setOptions(regions: readonly string[], range: readonly [number, number]): void {
    this.range = range;
    const chosen = regions.includes(this.state.region) ? this.state.region : (regions[0] ?? '');
    replaceChildren(
      this.region,
      ...regions.map((name, i) =>
        el('vscode-option', { value: name, description: i === 0 ? 'default' : undefined, ...(name === chosen ? { selected: true } : {}) }, name),
      ),
    );
    this.region.value = chosen;
    this.state.region = chosen;
    this.refresh();
  }

  /** The builder changed: the tags taken from it (and what they would be) change too. */
  refresh(): void {
    this.state = {
      ...this.state,
      ownTags: this.ownRows.texts(),
      region: this.region.value || this.state.region,
      keepAlive: Boolean(this.keepAlive.checked),
      timeout: this.timeout.value,
    };
    this.ownRows.element.hidden = this.state.tagSource !== 'own';
    this.queryTagsText.hidden = this.state.tagSource !== 'query';
    const { problem, inRow } = this.read();
    if (this.state.tagSource === 'query') {
      const fromQuery = this.host.queryTags();
      const tags = fromQuery.conditions;
      // A broken query says so once, in the problem line below.
      this.queryTagsText.hidden = fromQuery.problem !== undefined;
      replaceChildren(
        this.queryTagsText,
        tags.length > 0 ? `Tags: ${tags.map(describeCondition).join(', ')}` : 'The query has no conditions yet: add some above, or choose own tags.',
      );
    }
    replaceChildren(
      this.billed,
      icon('warning'),
      ` Starts a billed browser: Browserbase bills at least one minute per session${this.state.keepAlive ? ', and a keep-alive browser runs until you release it or it times out' : ''}. You will be asked once to confirm.`,
    );
    this.problem.hidden = problem === undefined || inRow === true;
    replaceChildren(this.problem, problem ?? '');
    this.button.disabled = this.pending || problem !== undefined;
    this.host.changed(this.state);
  }

  /** The options to send, or why not (`inRow`: already said under the tag's row). */
  private read(): { options?: LaunchOptions; problem?: string; inRow?: boolean } {
    let tags: MetadataCondition[];
    if (this.state.tagSource === 'query') {
      const fromQuery = this.host.queryTags();
      if (fromQuery.problem) return { problem: `Fix the query first: ${fromQuery.problem}` };
      tags = fromQuery.conditions;
    } else {
      const own = this.ownRows.check();
      if (own.problems[0]) return { problem: own.problems[0], inRow: true };
      tags = own.conditions;
    }
    if (tags.length === 0) return { problem: 'Add at least one tag, so the session can be found again by it.' };
    const problem = tagsProblem(tags);
    if (problem) return { problem };
    const timeoutText = this.state.timeout.trim();
    const [min, max] = this.range;
    const timeout = Number(timeoutText);
    if (timeoutText !== '' && !(Number.isInteger(timeout) && timeout >= min && timeout <= max))
      return { problem: `Timeout: a whole number of seconds from ${min} to ${max}, or empty for the project's default.` };
    this.timeout.invalid = false;
    return {
      options: {
        tags,
        ...(this.state.region ? { region: this.state.region } : {}),
        keepAlive: this.state.keepAlive,
        ...(timeoutText === '' ? {} : { timeout }),
      },
    };
  }

  private submit(): void {
    if (this.pending) return;
    const { options, problem } = this.read();
    if (!options) {
      this.problem.hidden = false;
      replaceChildren(this.problem, problem ?? '');
      return;
    }
    this.pending = true;
    this.button.disabled = true;
    replaceChildren(this.result, el('p', { class: 'pending' }, icon('loading', true), ' Waiting for your confirmation, then starting the browser…'));
    this.host.launch(options);
  }

  /** The host's answer: started, cancelled or refused. */
  finished(
    outcome: { session: SessionRow; connectUrl: string; reused: boolean; tags: readonly MetadataCondition[] } | { cancelled: true } | { error: string },
  ): void {
    this.pending = false;
    if ('cancelled' in outcome) replaceChildren(this.result, el('p', { class: 'meta' }, 'Not launched.'));
    else if ('error' in outcome) replaceChildren(this.result, el('p', { class: 'error', role: 'alert' }, icon('error'), ` ${outcome.error}`));
    else {
      const { session, connectUrl, tags } = outcome;
      const copy = el('vscode-button', { secondary: true, icon: 'copy', class: 'copy-connect' }, 'Copy connect URL');
      copy.addEventListener('click', () => this.host.copyConnectUrl(session.id));
      const find = el('vscode-button', { secondary: true, icon: 'search', class: 'find-tagged' }, 'Find sessions with these tags');
      find.addEventListener('click', () => this.host.findTagged(tags));
      replaceChildren(
        this.result,
        el(
          'div',
          { class: 'launched', 'data-session': session.id },
          el(
            'p',
            {},
            icon('pass'),
            ' Started session ',
            el('code', { class: 'session-id' }, session.id),
            ` (${session.status}, ${session.region}${session.keepAlive ? ', keep-alive' : ''})`,
          ),
          el('p', { class: 'connect' }, 'Connect URL: ', el('code', { class: 'connect-url' }, connectUrl)),
          el('p', { class: 'meta' }, `Tags: ${JSON.stringify(session.userMetadata ?? {})}`),
          el('div', { class: 'form-actions' }, copy, find),
        ),
      );
    }
    this.refresh();
  }
}
