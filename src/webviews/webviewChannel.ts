/**
 * What every webview surface (the sidebar overview, the usage panel, the sessions panel) needs between
 * the host and its page, in one place:
 *
 * - the ready handshake: nothing is posted before the page says `ready`, and a page that reloads (one
 *   without retained context, shown again) says it again and gets everything anew;
 * - posting only while visible: VS Code drops a message to a hidden webview, so a whole snapshot is
 *   built again when the page is shown, and one-off messages wait in a short queue;
 * - single flight: building a snapshot may read history, so one build runs at a time and changes
 *   meanwhile ask for one more;
 * - validation of what the page sends (the surface's schema) before its controller sees it;
 * - disposal of every subscription when the page goes.
 *
 * No `vscode` import: webviewHost.ts adapts views and panels to `WebviewPage`, and tests drive a fake.
 */

export interface Disposable {
  dispose(): void;
}

export type Subscribe<T> = (listener: (value: T) => unknown) => Disposable;

/** A webview view or panel, as the channel sees it. */
export interface WebviewPage {
  postMessage(message: unknown): PromiseLike<boolean>;
  readonly onDidReceiveMessage: Subscribe<unknown>;
  isVisible(): boolean;
  readonly onDidChangeVisibility: Subscribe<void>;
  readonly onDidDispose: Subscribe<void>;
  /** True when VS Code keeps the page alive while hidden; otherwise it reloads (and says `ready`) when shown. */
  readonly retainsContext: boolean;
}

/** What a surface's controller may do with its page. */
export interface PageHandle<Out> {
  /** Builds and posts a new whole snapshot (now, or once the page is ready and visible). */
  update(): void;
  /** Posts a one-off message, in order, once the page is ready and visible (after any snapshot being built). */
  send(message: Out): void;
}

/** One surface's logic, given a page: what to draw and what to do with what the page says. */
export interface SurfaceController<In extends { readonly type: string }, Out> {
  /** The whole state the page draws; undefined when there is nothing to send. */
  snapshot?(): Promise<Out | undefined> | Out | undefined;
  /** A checked message from the page; `ready` comes here too, before the snapshot it asks for is built. */
  receive(message: In): Promise<void> | void;
  /** The page became visible. */
  shown?(): void;
  dispose?(): void;
}

export interface ChannelOptions<In> {
  /** The surface's schema: the message rebuilt from checked fields, or undefined. */
  parse(data: unknown): In | undefined;
  /** Names the surface in log lines. */
  readonly name: string;
  readonly log: { debug(message: string): void; warn(message: string): void };
  /** A page action that failed, in words for the person (the host shows it). */
  failed(message: string): void;
}

/** One-off messages kept while the page is hidden or loading; older ones give way. */
export const MAX_QUEUED_MESSAGES = 20;

export class WebviewChannel<In extends { readonly type: string }, Out> implements Disposable {
  readonly controller: SurfaceController<In, Out>;
  private ready = false;
  private building = false;
  /** A `ready` is being handled: one-offs wait for the snapshot it asks for. */
  private greeting = false;
  private again = false;
  private disposed = false;
  private readonly queue: Out[] = [];
  private readonly subscriptions: Disposable[];
  /** Messages being handled and snapshots being built, and who waits for them to finish. */
  private inFlight = 0;
  private readonly idleWaiters: (() => void)[] = [];

  constructor(
    private readonly page: WebviewPage,
    createController: (handle: PageHandle<Out>) => SurfaceController<In, Out>,
    private readonly options: ChannelOptions<In>,
  ) {
    this.controller = createController({ update: () => this.update(), send: (message) => this.send(message) });
    this.subscriptions = [
      page.onDidReceiveMessage((data) => this.receive(data)),
      page.onDidChangeVisibility(() => this.visibilityChanged()),
      page.onDidDispose(() => this.dispose()),
    ];
  }

  /** True once the page has said `ready` (and not reloaded since). */
  get isReady(): boolean {
    return this.ready;
  }

  /** Resolves once no message is being handled and no snapshot built (tests wait for the answer to what they sent). */
  whenIdle(): Promise<void> {
    return this.inFlight === 0 ? Promise.resolve() : new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.inFlight++;
    return work.finally(() => {
      this.inFlight--;
      if (this.inFlight === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
    });
  }

  update(): void {
    if (this.disposed || !this.ready || !this.page.isVisible()) return;
    if (this.building) {
      this.again = true;
      return;
    }
    if (!this.controller.snapshot) {
      this.flush();
      return;
    }
    this.building = true;
    void this.track(
      Promise.resolve()
        .then(() => this.controller.snapshot?.())
        .then(async (message) => {
          // Checked again: the page may have been hidden, reloaded or closed while the snapshot was built.
          if (message !== undefined && this.canPost()) await this.page.postMessage(message);
        })
        .catch((error: unknown) => this.options.log.warn(`Could not update the ${this.options.name}: ${describe(error)}`))
        .finally(() => {
          this.building = false;
          if (this.again) {
            this.again = false;
            this.update();
          } else this.flush();
        }),
    );
  }

  send(message: Out): void {
    if (this.disposed) return;
    this.queue.push(message);
    if (this.queue.length > MAX_QUEUED_MESSAGES) this.queue.splice(0, this.queue.length - MAX_QUEUED_MESSAGES);
    if (!this.building && !this.greeting) this.flush();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.queue.length = 0;
    for (const subscription of this.subscriptions.splice(0)) subscription.dispose();
    this.controller.dispose?.();
  }

  private canPost(): boolean {
    return !this.disposed && this.ready && this.page.isVisible();
  }

  private flush(): void {
    while (this.canPost() && this.queue.length > 0) void this.page.postMessage(this.queue.shift());
  }

  private receive(data: unknown): Promise<void> {
    if (this.disposed) return Promise.resolve();
    const message = this.options.parse(data);
    if (!message) {
      this.options.log.debug(`Ignored a message from the ${this.options.name} that is not part of its protocol.`);
      return Promise.resolve();
    }
    const greeting = message.type === 'ready';
    if (greeting) {
      this.ready = true;
      this.greeting = true;
    }
    return this.track(
      Promise.resolve()
        .then(() => this.controller.receive(message))
        .catch((error: unknown) => this.options.failed(describe(error)))
        .finally(() => {
          if (!greeting) return;
          this.greeting = false;
          this.update();
        }),
    );
  }

  private visibilityChanged(): void {
    if (this.disposed) return;
    if (!this.page.isVisible()) {
      // A page without retained context is thrown away when hidden; it says `ready` again when shown.
      if (!this.page.retainsContext) this.ready = false;
      return;
    }
    this.controller.shown?.();
    this.update();
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
