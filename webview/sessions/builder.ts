/**
 * The rules of the query builder and the launch form's tags, on rows of text: each row is parsed and
 * checked as it is typed and says what is wrong with it; complete rows become conditions (path array
 * and value), never query text; the preview shows the `q` sent and what is checked on the page
 * instead. Pure, tested in Node.
 */
import {
  buildServerQuery,
  describeQuery,
  isServerSafe,
  parseKeyPath,
  validateCondition,
  validateQuery,
  type MetadataCondition,
  type MetadataQuery,
} from '../../src/shared/metadataQuery';

export interface RowText {
  readonly key: string;
  readonly value: string;
}

export const BLANK_ROW: RowText = { key: '', value: '' };

export interface CheckedRows {
  /** The complete rows as conditions; blank rows are left out. */
  readonly conditions: MetadataCondition[];
  /** Per row: what is wrong with it, and whether its key is at fault. */
  readonly rows: readonly { readonly problem?: string; readonly keyBad: boolean }[];
  /** The rows' problems, named by row when there are several. */
  readonly problems: readonly string[];
}

export function checkRows(rows: readonly RowText[], kind: 'condition' | 'tag'): CheckedRows {
  const conditions: MetadataCondition[] = [];
  const problems: string[] = [];
  const noun = kind === 'condition' ? 'Condition' : 'Tag';
  const checked = rows.map((row, index) => {
    // A blank row is no condition (and no problem), so an empty builder lists every session.
    if (row.key.trim() === '' && row.value === '') return { keyBad: false };
    const parsed = parseKeyPath(row.key);
    let problem: string | undefined;
    let keyBad = false;
    if ('problem' in parsed) {
      problem = parsed.problem;
      keyBad = true;
    } else {
      const condition = { path: parsed.path, value: row.value };
      problem = validateCondition(condition)[0];
      if (!problem) conditions.push(condition);
    }
    if (problem) problems.push(rows.length > 1 ? `${noun} ${index + 1}: ${problem}` : problem);
    return { ...(problem ? { problem } : {}), keyBad };
  });
  return { conditions, rows: checked, problems };
}

export interface BuiltQuery {
  readonly query: MetadataQuery;
  /** Why it cannot be sent: a row's problem, or conditions that contradict each other. */
  readonly problem?: string;
  /** A problem no row shows (a contradiction), for the line under the rows. */
  readonly queryProblem?: string;
}

export function buildQuery(checked: CheckedRows, status: string): BuiltQuery {
  const query: MetadataQuery = { conditions: checked.conditions, ...(status ? { status } : {}) };
  const rowProblem = checked.problems[0];
  const queryProblem = rowProblem ? undefined : validateQuery(query)[0];
  const problem = rowProblem ?? queryProblem;
  return { query, ...(problem ? { problem } : {}), ...(queryProblem ? { queryProblem } : {}) };
}

export interface QueryPreview {
  /** The exact q sent, or undefined when no condition can be sent. */
  readonly q?: string;
  /** The request line, with q and status as they go in the URL. */
  readonly request: string;
  /** Conditions checked on the page instead, and why. */
  readonly local: readonly string[];
}

export function previewQuery(query: MetadataQuery): QueryPreview {
  const plan = buildServerQuery(query);
  const params = new URLSearchParams();
  if (plan.q) params.set('q', plan.q);
  if (query.status) params.set('status', query.status);
  const search = params.toString();
  return {
    ...(plan.q ? { q: plan.q } : {}),
    request: `GET /v1/sessions${search ? `?${search}` : ''}`,
    local: plan.localConditions.map(
      (condition) =>
        `${describeQuery({ conditions: [condition] })} — ${
          isServerSafe(condition)
            ? 'Browserbase takes one condition per query'
            : 'holds a quote, backslash, bracket or control character, which Browserbase documents no escaping for'
        }`,
    ),
  };
}
