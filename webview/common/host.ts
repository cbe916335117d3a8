/**
 * The page's side of the protocol: posts typed messages, checks what arrives, and keeps the UI
 * choices (never domain data) in the webview state VS Code restores after a reload.
 */
import { parseHostMessage, type HostMessage, type WebviewMessage } from '../../src/shared/protocol';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

// acquireVsCodeApi may be called once per page.
const api: VsCodeApi = acquireVsCodeApi();

export function post(message: WebviewMessage): void {
  api.postMessage(message);
}

export function loadState<T extends object>(fallback: T): T {
  const state = api.getState();
  return typeof state === 'object' && state !== null ? { ...fallback, ...(state as Partial<T>) } : fallback;
}

export function saveState<T extends object>(state: T): void {
  api.setState(state);
}

/** Calls `handle` with each valid message from the host; anything else is dropped. */
export function onHostMessage(handle: (message: HostMessage, receivedAt: number) => void): void {
  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    const receivedAt = performance.now();
    const message = parseHostMessage(event.data);
    if (message) handle(message, receivedAt);
  });
}
