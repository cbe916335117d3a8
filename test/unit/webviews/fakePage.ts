/**
 * A webview page for the channel's tests: records what is posted (as the page would receive it,
 * after a structured clone), drops what VS Code would drop (anything posted while hidden), and lets a
 * test send the page's messages, show and hide it, and close it.
 */
import type { Disposable, Subscribe, WebviewPage } from '../../../src/webviews/webviewChannel';

class Emitter<T> {
  private readonly listeners = new Set<(value: T) => unknown>();
  readonly subscribe: Subscribe<T> = (listener) => {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) } satisfies Disposable;
  };
  fire(value: T): unknown[] {
    return [...this.listeners].map((listener) => listener(value));
  }
  get size(): number {
    return this.listeners.size;
  }
}

export class FakePage implements WebviewPage {
  readonly posted: unknown[] = [];
  /** Messages posted while hidden: VS Code drops these. */
  readonly dropped: unknown[] = [];
  readonly retainsContext: boolean;
  visible = true;
  private readonly messages = new Emitter<unknown>();
  private readonly visibility = new Emitter<void>();
  private readonly disposal = new Emitter<void>();

  constructor(options: { retainsContext?: boolean; visible?: boolean } = {}) {
    this.retainsContext = options.retainsContext ?? false;
    this.visible = options.visible ?? true;
  }

  readonly onDidReceiveMessage = this.messages.subscribe;
  readonly onDidChangeVisibility = this.visibility.subscribe;
  readonly onDidDispose = this.disposal.subscribe;

  isVisible(): boolean {
    return this.visible;
  }

  postMessage(message: unknown): Promise<boolean> {
    const received: unknown = structuredClone(message);
    if (this.visible) this.posted.push(received);
    else this.dropped.push(received);
    return Promise.resolve(this.visible);
  }

  /** The page sends `data`; resolves once the channel has handled it (and what it asked for is built). */
  async receive(data: unknown, idle?: () => Promise<void>): Promise<void> {
    await Promise.all(this.messages.fire(structuredClone(data)));
    await idle?.();
  }

  show(): void {
    this.visible = true;
    this.visibility.fire();
  }

  hide(): void {
    this.visible = false;
    this.visibility.fire();
  }

  close(): void {
    this.disposal.fire();
  }

  /** Subscriptions the channel still holds. */
  get listeners(): number {
    return this.messages.size + this.visibility.size + this.disposal.size;
  }

  postedOfType<T extends { type: string }>(type: string): T[] {
    return this.posted.filter((message): message is T => (message as { type?: unknown }).type === type);
  }
}
