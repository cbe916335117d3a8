/**
 * The extension host's side of the parser worker. One worker thread serves every connection: it is
 * started on the first large body, stopped after a minute without work (an idle thread still holds
 * memory), and stopped for good on dispose. A worker that dies (a crash, running out of its memory
 * limit) or stays silent past the job deadline fails the jobs it had with a clear error for those
 * polls; the next job starts a fresh worker. Nothing here ever waits without a deadline.
 *
 * The host never takes in much at once: input goes out in slices, one per turn of the event loop,
 * and output comes back one bounded part per request, so each message costs the host a few
 * milliseconds at most, whatever the body's size.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { ProviderError } from '../http/errors';
import { systemClock, type Clock, type TimerHandle } from '../polling/clock';
import type { FromWorker, JobSpec, ToWorker } from './protocol';

/** Characters of text per input message (about 1 ms to copy on a busy machine). */
const INPUT_SLICE = 256 * 1024;

export interface ParseWorkerOptions {
  /** The bundled worker script; default: parseWorker.js beside this bundle (see defaultScript). */
  readonly file?: string;
  readonly clock?: Clock;
  /** Stop the thread after this long without jobs. */
  readonly idleMs?: number;
  /** A job not finished by then fails, and the worker is restarted (it may be stuck). */
  readonly jobTimeoutMs?: number;
  /** Heap limit of the thread: a body that needs more fails its poll instead of starving the host. */
  readonly maxHeapMb?: number;
}

export type JobInput = string | Uint8Array | AsyncIterable<string | Uint8Array>;

/** A message for one job, or the reason the job cannot go on. */
type Delivery = FromWorker | { readonly type: 'error'; readonly error: Error };

class JobChannel {
  private readonly queue: Delivery[] = [];
  private waiter: ((delivery: Delivery) => void) | undefined;
  failed: Error | undefined;

  deliver(delivery: Delivery): void {
    if (delivery.type === 'error') this.failed ??= delivery.error;
    const waiter = this.waiter;
    if (waiter !== undefined) {
      this.waiter = undefined;
      waiter(delivery);
    } else this.queue.push(delivery);
  }

  next(): Promise<Delivery> {
    const queued = this.queue.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve) => (this.waiter = resolve));
  }
}

function workerError(message: string, code: string): ProviderError {
  return new ProviderError('badResponse', message, { code });
}

export class ParseWorkerHost {
  private worker: Worker | undefined;
  private readonly jobs = new Map<number, JobChannel>();
  private nextId = 1;
  private idleTimer: TimerHandle | undefined;
  private disposed = false;
  private readonly file: string;
  /** The TypeScript entry, when running from source without a bundle (tests, the bench). */
  private readonly source: string | undefined;
  private readonly clock: Clock;
  private readonly idleMs: number;
  private readonly jobTimeoutMs: number;
  private readonly maxHeapMb: number;

  constructor(options: ParseWorkerOptions = {}) {
    this.file = options.file ?? path.join(__dirname, 'parseWorker.js');
    this.source = options.file === undefined ? sourceEntry(this.file) : undefined;
    this.clock = options.clock ?? systemClock;
    this.idleMs = options.idleMs ?? 60_000;
    this.jobTimeoutMs = options.jobTimeoutMs ?? 60_000;
    this.maxHeapMb = options.maxHeapMb ?? 768;
  }

  /** Whether a worker thread is running now (for tests and the bench). */
  get running(): boolean {
    return this.worker !== undefined;
  }

  /**
   * Runs one job: sends `input`, then yields the worker's parts one at a time and returns its
   * summary. Breaking out of the loop cancels the job.
   */
  async *run(spec: JobSpec, input: JobInput, signal?: AbortSignal): AsyncGenerator<unknown, unknown, undefined> {
    if (this.disposed) throw new ProviderError('cancelled', 'Live Usage is shutting down.');
    signal?.throwIfAborted();
    const worker = this.start();
    const id = this.nextId++;
    const channel = new JobChannel();
    this.jobs.set(id, channel);
    const deadline = this.clock.setTimeout(() => this.timedOut(id), this.jobTimeoutMs);
    const onAbort = (): void => channel.deliver({ type: 'error', error: new ProviderError('cancelled', 'The request was cancelled.') });
    signal?.addEventListener('abort', onAbort, { once: true });
    let finished = false;
    try {
      this.post(worker, { type: 'begin', id, spec });
      await this.send(worker, id, input, channel);
      this.post(worker, { type: 'next', id });
      for (;;) {
        const delivery = await channel.next();
        if (delivery.type === 'error') throw delivery.error;
        if (delivery.type === 'failed') throw workerError(`The response could not be read: ${delivery.message}.`, 'PARSE_FAILED');
        if (delivery.type === 'done') {
          finished = true;
          return delivery.summary;
        }
        yield delivery.part;
        // Ask for the next part only from the next turn of the event loop: a reply that arrived
        // while this part was being taken in would otherwise be handled in the same turn (Node drains
        // a port's queue in one go), and timers and I/O would wait for all the parts in a row.
        await nextTurn();
        if (channel.failed !== undefined) throw channel.failed;
        this.post(worker, { type: 'next', id });
      }
    } finally {
      this.clock.clearTimeout(deadline);
      signal?.removeEventListener('abort', onAbort);
      this.jobs.delete(id);
      if (!finished && this.worker === worker) this.post(worker, { type: 'cancel', id });
      if (this.jobs.size === 0) this.scheduleIdleStop();
    }
  }

  /** Stops the worker and fails its jobs; later runs are refused. */
  async dispose(): Promise<void> {
    this.disposed = true;
    await this.stop(new ProviderError('cancelled', 'Live Usage is shutting down.'));
  }

  private start(): Worker {
    if (this.idleTimer !== undefined) {
      this.clock.clearTimeout(this.idleTimer);
      this.idleTimer = undefined;
    }
    if (this.worker !== undefined) return this.worker;
    const resourceLimits = { maxOldGenerationSizeMb: this.maxHeapMb };
    const worker =
      this.source === undefined
        ? new Worker(this.file, { resourceLimits })
        : new Worker(`require('tsx/cjs');require(${JSON.stringify(this.source)});`, { eval: true, resourceLimits });
    // The thread must never keep a process alive on its own (the extension host decides when to exit).
    worker.unref();
    worker.on('message', (message: FromWorker) => this.jobs.get(message.id)?.deliver(message));
    worker.on('error', (error: Error & { code?: string }) => {
      const missing = (error.code ?? '') === 'ERR_MODULE_NOT_FOUND' || /Cannot find module/.test(error.message);
      const reason = missing
        ? `Live Usage's parser worker (${path.basename(this.file)}) is missing from the installation`
        : error.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? `reading the response needed more than the parser's ${this.maxHeapMb} MB memory limit`
          : `Live Usage's parser worker failed (${error.message})`;
      this.lost(
        worker,
        workerError(`The response could not be read: ${reason}. The next poll tries again.`, missing ? 'PARSER_WORKER_MISSING' : 'PARSER_WORKER_CRASHED'),
      );
    });
    worker.on('exit', (code) => {
      this.lost(
        worker,
        workerError(
          `The response could not be read: Live Usage's parser worker stopped (exit code ${code}). The next poll tries again.`,
          'PARSER_WORKER_EXITED',
        ),
      );
    });
    this.worker = worker;
    return worker;
  }

  /** The worker is gone: every job it had fails with `error`. */
  private lost(worker: Worker, error: Error): void {
    if (this.worker === worker) this.worker = undefined;
    for (const channel of this.jobs.values()) channel.deliver({ type: 'error', error });
  }

  private timedOut(id: number): void {
    const channel = this.jobs.get(id);
    if (channel === undefined) return;
    const seconds = Math.round(this.jobTimeoutMs / 1000);
    // A worker that does not answer may be stuck in a loop: only a fresh one can be trusted.
    void this.stop(
      workerError(
        `The response could not be read: Live Usage's parser worker did not finish within ${seconds} s. The next poll tries again.`,
        'PARSER_WORKER_TIMEOUT',
      ),
    );
  }

  private async stop(error: Error): Promise<void> {
    if (this.idleTimer !== undefined) this.clock.clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    const worker = this.worker;
    this.worker = undefined;
    for (const channel of this.jobs.values()) channel.deliver({ type: 'error', error });
    if (worker !== undefined) {
      worker.removeAllListeners('exit');
      await worker.terminate();
    }
  }

  private scheduleIdleStop(): void {
    if (this.worker === undefined || this.idleTimer !== undefined || this.disposed) return;
    this.idleTimer = this.clock.setTimeout(() => {
      this.idleTimer = undefined;
      if (this.jobs.size === 0) void this.stop(new ProviderError('cancelled', 'The parser worker was idle.'));
    }, this.idleMs);
    // An idle thread, and the wait to stop it, must not keep a process alive. Node refs a worker again
    // once messages have passed (Node 20), so it is unref'd anew each time it falls idle.
    (this.idleTimer as { unref?: () => void }).unref?.();
    this.worker.unref();
  }

  private post(worker: Worker, message: ToWorker): void {
    worker.postMessage(message);
  }

  /** Sends the input in slices, one per turn of the event loop, stopping if the job already failed. */
  private async send(worker: Worker, id: number, input: JobInput, channel: JobChannel): Promise<void> {
    if (typeof input === 'string') {
      for (let start = 0; start < input.length || start === 0; start += INPUT_SLICE) {
        if (start > 0) await nextTurn();
        if (channel.failed !== undefined) throw channel.failed;
        this.post(worker, { type: 'input', id, chunk: input.slice(start, start + INPUT_SLICE) });
      }
    } else if (input instanceof Uint8Array) {
      for (let start = 0; start < input.length || start === 0; start += INPUT_SLICE) {
        if (start > 0) await nextTurn();
        if (channel.failed !== undefined) throw channel.failed;
        this.post(worker, { type: 'input', id, chunk: input.subarray(start, start + INPUT_SLICE) });
      }
    } else {
      for await (const chunk of input) {
        if (channel.failed !== undefined) throw channel.failed;
        this.post(worker, { type: 'input', id, chunk });
      }
    }
    if (channel.failed !== undefined) throw channel.failed;
    this.post(worker, { type: 'end', id });
  }
}

/**
 * Run from source (the unit tests and the bench load TypeScript through tsx), there is no bundle
 * beside this file but the worker's TypeScript entry is: the thread then loads it through tsx's
 * require hook. An installed extension always has the bundle, so this never applies there.
 */
function sourceEntry(bundle: string): string | undefined {
  const source = bundle.replace(/\.js$/, '.ts');
  return !existsSync(bundle) && existsSync(source) ? source : undefined;
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

let shared: ParseWorkerHost | undefined;
let sharedOptions: ParseWorkerOptions = {};

/** The worker host every client uses; created on first use. */
export function parseWorker(): ParseWorkerHost {
  shared ??= new ParseWorkerHost(sharedOptions);
  return shared;
}

/**
 * Replaces the shared host's options (tests point it at a freshly built worker bundle). Stops the
 * current host, if any.
 */
export async function configureParseWorker(options: ParseWorkerOptions): Promise<void> {
  const previous = shared;
  shared = undefined;
  sharedOptions = options;
  await previous?.dispose();
}

/** Stops the shared worker (extension deactivation). A later use starts a new host. */
export async function shutdownParseWorker(): Promise<void> {
  const previous = shared;
  shared = undefined;
  await previous?.dispose();
}
