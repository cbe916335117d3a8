/**
 * The launch form's rules: which tags it launches with (the query's conditions or its own rows),
 * whether they fit Browserbase's limits, and the timeout the project accepts. Pure, tested in Node.
 */
import { tagsProblem, type MetadataCondition } from '../../src/shared/metadataQuery';
import type { LaunchOptions } from '../../src/shared/sessionsProtocol';
import { checkRows, type CheckedRows, type RowText } from './builder';

export interface LaunchChoices {
  readonly tagSource: 'query' | 'own';
  readonly ownTags: readonly RowText[];
  readonly region: string;
  readonly keepAlive: boolean;
  readonly timeout: string;
}

export type LaunchRead =
  | { readonly options: LaunchOptions; readonly tags: readonly MetadataCondition[] }
  /** `inRow`: already said under the tag's row. */
  | { readonly problem: string; readonly inRow?: boolean };

export function readLaunch(choices: LaunchChoices, query: CheckedRows, timeoutRange: readonly [number, number]): LaunchRead {
  let tags: MetadataCondition[];
  if (choices.tagSource === 'query') {
    if (query.problems[0]) return { problem: `Fix the query first: ${query.problems[0]}` };
    tags = query.conditions;
  } else {
    const own = checkRows(choices.ownTags, 'tag');
    if (own.problems[0]) return { problem: own.problems[0], inRow: true };
    tags = own.conditions;
  }
  if (tags.length === 0) return { problem: 'Add at least one tag, so the session can be found again by it.' };
  const problem = tagsProblem(tags);
  if (problem) return { problem };
  const timeoutText = choices.timeout.trim();
  const [min, max] = timeoutRange;
  const timeout = Number(timeoutText);
  if (timeoutText !== '' && !(Number.isInteger(timeout) && timeout >= min && timeout <= max))
    return { problem: `Timeout: a whole number of seconds from ${min} to ${max}, or empty for the project's default.` };
  const plain = tags.map((tag) => ({ path: [...tag.path], value: tag.value }));
  return {
    tags,
    options: {
      tags: plain,
      ...(choices.region ? { region: choices.region } : {}),
      keepAlive: choices.keepAlive,
      ...(timeoutText === '' ? {} : { timeout }),
    },
  };
}
