/**
 * The sessions page's side of its protocol (src/shared/sessionsProtocol.ts): typed posts, checked
 * arrivals, and the UI choices kept in the webview state for a reload.
 */
import { parseSessionsHostMessage, type SessionsHostMessage, type SessionsWebviewMessage } from '../../src/shared/sessionsProtocol';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const api: VsCodeApi = acquireVsCodeApi();

export function post(message: SessionsWebviewMessage): void {
  api.postMessage(message);
}

export function loadState<T extends object>(fallback: T): T {
  const state = api.getState();
  return typeof state === 'object' && state !== null ? { ...fallback, ...(state as Partial<T>) } : fallback;
}

export function saveState(state: object): void {
  api.setState(state);
}

export function onHostMessage(handle: (message: SessionsHostMessage) => void): void {
  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    const message = parseSessionsHostMessage(event.data);
    if (message) handle(message);
  });
}
