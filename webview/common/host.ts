/**
 * The sidebar's and the usage panel's side of their protocol (src/shared/protocol.ts): typed posts and
 * checked arrivals over the shared webview API handle.
 */
import { parseHostMessage, type HostMessage, type WebviewMessage } from '../../src/shared/protocol';
import { onMessage, postRaw } from './vscodeApi';

export { loadState, saveState } from './vscodeApi';

export function post(message: WebviewMessage): void {
  postRaw(message);
}

export function onHostMessage(handle: (message: HostMessage, receivedAt: number) => void): void {
  onMessage(parseHostMessage, handle);
}
