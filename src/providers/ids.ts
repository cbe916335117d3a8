/**
 * The shapes of the ids that go into a provider's URL path. An id from settings, a webview or a
 * server's list is checked here before it enters a path: percent-encoding alone does not make `.` or
 * `..` safe (the URL parser resolves them, so `POST /v1/sessions/.` becomes `POST /v1/sessions/`, which
 * creates a billed session), and a slash or `%2F` can reach another route.
 */
import { ProviderError } from '../http/errors';
import { idProblem, type IdKind } from './idShapes';

export { idProblem, SEGMENT_ID, type IdKind } from './idShapes';

/** The id, checked; otherwise a `request` error and no request at all. */
export function pathId(id: string, kind: IdKind): string {
  const problem = idProblem(id, kind);
  if (problem !== undefined) throw new ProviderError('request', `Not sent: ${problem}.`);
  return id;
}
