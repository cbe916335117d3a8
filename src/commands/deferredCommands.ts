/**
 * Every command the manifest contributes is registered while `activate()` runs, before the services
 * behind the handlers exist (they open history and read tokens asynchronously). A command run in
 * those first moments waits for start-up instead of failing with "command not found", and a command
 * run after start-up failed says so plainly. Plain TypeScript, no `vscode`: the registration function
 * and the "still starting" indicator are passed in, so the rules are tested without a window.
 */

/** A command handler as VS Code calls it: any arguments, any result (a promise is awaited by VS Code). */
export type CommandHandler = (...args: never[]) => unknown;

export interface DeferredCommandsOptions {
  /** The command ids to register now (the manifest's `contributes.commands`). */
  readonly ids: readonly string[];
  /** Registers one command with VS Code; returns what unregisters it. */
  register(id: string, run: (...args: unknown[]) => Promise<unknown>): { dispose(): unknown };
  /** Shown while a command waits for start-up (e.g. a status bar progress "Live Usage is starting…"). */
  whileStarting<T>(starting: Promise<T>): Promise<T>;
}

export class StartupFailedError extends Error {
  constructor(reason: string) {
    super(`Live Usage could not start, so this command cannot run: ${reason}. "Live Usage: Show Log" has the details.`);
    this.name = 'StartupFailedError';
  }
}

export class DeferredCommands {
  private readonly handlers = new Map<string, CommandHandler>();
  private readonly registrations = new Map<string, { dispose(): unknown }>();
  private readonly started: Promise<void>;
  private settle: { resolve(): void; reject(error: Error): void } | undefined;
  private failure: Error | undefined;
  private disposed = false;

  constructor(private readonly options: DeferredCommandsOptions) {
    this.started = new Promise<void>((resolve, reject) => (this.settle = { resolve, reject }));
    // Nobody may be waiting when start-up fails; the rejection is still answered per command.
    this.started.catch(() => undefined);
    for (const id of new Set(options.ids)) this.registerId(id);
  }

  /** Whether `id` is registered with VS Code (contributed, or provided later). */
  has(id: string): boolean {
    return this.registrations.has(id);
  }

  /**
   * The services are up: these handlers answer from now on, and commands that were waiting run.
   * A handler for an id that was not contributed is registered now.
   */
  provide(handlers: Readonly<Record<string, CommandHandler>>): void {
    if (this.disposed) return;
    for (const [id, handler] of Object.entries(handlers)) {
      this.handlers.set(id, handler);
      if (!this.registrations.has(id)) this.registerId(id);
    }
  }

  /** Start-up is over: waiting commands run (or learn that their handler is missing). */
  markStarted(): void {
    this.settle?.resolve();
  }

  /** Start-up failed: waiting and later commands say why instead of running. */
  markFailed(reason: string): void {
    this.failure = new StartupFailedError(reason);
    this.settle?.reject(this.failure);
  }

  dispose(): void {
    this.disposed = true;
    for (const registration of this.registrations.values()) registration.dispose();
    this.registrations.clear();
    this.handlers.clear();
  }

  private registerId(id: string): void {
    this.registrations.set(
      id,
      this.options.register(id, (...args) => this.run(id, args)),
    );
  }

  private async run(id: string, args: unknown[]): Promise<unknown> {
    let handler = this.handlers.get(id);
    if (!handler) {
      if (this.failure) throw this.failure;
      await this.options.whileStarting(this.started);
      handler = this.handlers.get(id);
      if (!handler) throw new Error(`Live Usage has no handler for the command ${id}.`);
    }
    return (handler as (...args: unknown[]) => unknown)(...args);
  }
}
