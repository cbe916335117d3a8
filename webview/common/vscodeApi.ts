/**
 * The page's handle on VS Code's webview API (acquireVsCodeApi may be called once per page): typed
 * posts of the surface's protocol, the host's messages, and the UI choices kept in the webview state
 * VS Code restores after a reload (never domain data). The host's messages are not checked again
 * here: the host wrote them, and it checks what the page sends.
 */

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export interface PageConnection<HostMessage, PageMessage> {
  post(message: PageMessage): void;
  onMessage(handle: (message: HostMessage, receivedAt: number) => void): void;
  loadState(): unknown;
  saveState(state: unknown): void;
}

let api: VsCodeApi | undefined;

export function connectToHost<HostMessage, PageMessage>(): PageConnection<HostMessage, PageMessage> {
  api ??= acquireVsCodeApi();
  const vscode = api;
  return {
    post: (message) => vscode.postMessage(message),
    onMessage: (handle) =>
      window.addEventListener('message', (event: MessageEvent<unknown>) => {
        const data = event.data;
        // Only the host posts to the page; anything without a type is not ours.
        if (typeof data === 'object' && data !== null && typeof (data as { type?: unknown }).type === 'string') handle(data as HostMessage, performance.now());
      }),
    loadState: () => vscode.getState(),
    saveState: (state) => vscode.setState(state),
  };
}
