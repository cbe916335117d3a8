/**
 * The sessions page's side of its protocol (src/shared/sessionsProtocol.ts): typed posts and checked
 * arrivals over the shared webview API handle.
 */
import { parseSessionsHostMessage, type SessionsHostMessage, type SessionsWebviewMessage } from '../../src/shared/sessionsProtocol';
import { onMessage, postRaw } from '../common/vscodeApi';

export { loadState, saveState } from '../common/vscodeApi';

export function post(message: SessionsWebviewMessage): void {
  postRaw(message);
}

export function onHostMessage(handle: (message: SessionsHostMessage) => void): void {
  onMessage(parseSessionsHostMessage, handle);
}
