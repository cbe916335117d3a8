/**
 * The page's handle on VS Code's webview API (acquireVsCodeApi may be called once per page), the UI
 * choices kept in the webview state VS Code restores after a reload (never domain data), and checked
 * arrival of the host's messages. Each surface's host.ts types it with its own protocol.
 */

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const api: VsCodeApi = acquireVsCodeApi();

export function postRaw(message: unknown): void {
  api.postMessage(message);
}

export function loadState<T extends object>(fallback: T): T {
  const state = api.getState();
  return typeof state === 'object' && state !== null ? { ...fallback, ...(state as Partial<T>) } : fallback;
}

export function saveState(state: object): void {
  api.setState(state);
}

/** Calls `handle` with each host message `parse` accepts; anything else is dropped. */
export function onMessage<T>(parse: (data: unknown) => T | undefined, handle: (message: T, receivedAt: number) => void): void {
  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    const receivedAt = performance.now();
    const message = parse(event.data);
    if (message !== undefined) handle(message, receivedAt);
  });
}
