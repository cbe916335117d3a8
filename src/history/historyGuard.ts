/**
 * History as the extension uses it: a HistoryStore behind a guard that turns a storage failure (a
 * folder that cannot be created, a read-only folder, a full disk) into "history paused", with the
 * reason in plain words, instead of a failed start or an error on every poll. Live values never
 * depend on it: appends are skipped while paused, reads come back empty, and the next append after the
 * retry time tries the disk again, so history resumes by itself.
 */
import type { Sample } from '../shared/samples';
import { HistoryStore, type AppendResult, type CompactResult, type HistoryOptions, type HistoryQuery, type HistoryRetention } from './historyStore';

export type HistoryStatus = { readonly state: 'recording' } | { readonly state: 'paused'; readonly reason: string; readonly since: number };

export interface GuardOptions extends HistoryOptions {
  /** How long a pause lasts before an append tries the disk again. Default one minute. */
  readonly retryMs?: number;
}

type Opener = (folder: string, options: HistoryOptions) => Promise<HistoryStore>;

const DEFAULT_RETRY_MS = 60_000;

/** A failure of the disk or file system (it has an errno code), as opposed to a bug or bad input. */
function isStorageError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string' && /^E[A-Z]+$/.test((error as NodeJS.ErrnoException).code ?? '');
}

/** A storage failure in plain words, with the code and the path, e.g. "the disk is full (ENOSPC, /…/2024-05-10.jsonl)". */
export function describeStorageError(error: unknown): string {
  if (!isStorageError(error)) return error instanceof Error ? error.message : String(error);
  const { code, syscall } = error;
  const path = error.path;
  const at = path ? `, ${path}` : '';
  const creating = syscall === 'mkdir';
  switch (code) {
    case 'ENOSPC':
      return `the disk is full (ENOSPC${at})`;
    case 'EDQUOT':
      return `the disk quota is used up (EDQUOT${at})`;
    case 'EFBIG':
      return `a file reached this system's file size limit (EFBIG${at})`;
    case 'EROFS':
      return `the file system is read-only (EROFS${at})`;
    case 'EACCES':
    case 'EPERM':
      return `no permission to ${creating ? 'create' : 'write'} ${path ?? 'the history folder'} (${code})`;
    case 'ENOTDIR':
    case 'EEXIST':
      return `${path ?? 'the history folder'} or a folder above it is a file, not a folder (${code})`;
    case 'ENOENT':
      return creating
        ? `the folder ${path ?? ''} could not be created: a folder above it is missing (ENOENT)`
        : `${path ?? 'a history file'} disappeared while in use (ENOENT)`;
    case 'EMFILE':
    case 'ENFILE':
      return `too many files are open on this system (${code})`;
    case 'EIO':
      return `the disk reported an input/output error (EIO${at})`;
    default:
      return `${error.message} (${code})`;
  }
}

/** The line a connection shows while history is paused, or undefined while it records. */
export function describeHistoryStatus(status: HistoryStatus): string | undefined {
  return status.state === 'paused' ? `History paused: ${status.reason}; live values keep updating, and history resumes when it can write again` : undefined;
}

export class GuardedHistory {
  private store: HistoryStore | undefined;
  private current: HistoryStatus = { state: 'recording' };
  private retryAt = 0;
  private readonly listeners = new Set<(status: HistoryStatus) => void>();
  private readonly now: () => number;
  private readonly retryMs: number;

  private constructor(
    private readonly folder: string,
    private options: GuardOptions,
    private readonly opener: Opener,
  ) {
    this.now = options.now ?? Date.now;
    this.retryMs = options.retryMs ?? DEFAULT_RETRY_MS;
  }

  /** Opens history in `folder`; never fails: a folder that cannot be made starts it paused. */
  static async open(
    folder: string,
    options: GuardOptions,
    opener: Opener = (path, storeOptions) => HistoryStore.open(path, storeOptions),
  ): Promise<GuardedHistory> {
    const guarded = new GuardedHistory(folder, options, opener);
    await guarded.ensureStore();
    return guarded;
  }

  status(): HistoryStatus {
    return this.current;
  }

  onDidChangeStatus(listener: (status: HistoryStatus) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  }

  /** Stores samples, or skips them while paused (undefined). Rejects only for what is not a storage failure. */
  async append(connectionId: string, samples: readonly Sample[]): Promise<AppendResult | undefined> {
    if (this.current.state === 'paused' && this.now() < this.retryAt) return undefined;
    const store = await this.ensureStore();
    if (!store) return undefined;
    try {
      const result = await store.append(connectionId, samples);
      this.resume();
      return result;
    } catch (error) {
      if (!isStorageError(error)) throw error;
      this.pause(error);
      return undefined;
    }
  }

  async query(connectionId: string, query: HistoryQuery): Promise<Sample[]> {
    return this.read(() => this.store?.query(connectionId, query));
  }

  /** When the connection's oldest stored reading was taken; undefined without history, or when it cannot be read. */
  async earliest(connectionId: string): Promise<number | undefined> {
    try {
      return await this.store?.earliest(connectionId);
    } catch (error) {
      if (!isStorageError(error)) throw error;
      this.options.log.warn(`History could not be read: ${describeStorageError(error)}`);
      return undefined;
    }
  }

  async latest(connectionId: string, options: { readonly withinMs?: number } = {}): Promise<Sample[]> {
    return this.read(() => this.store?.latest(connectionId, options));
  }

  /** Retention pass; skipped while paused. */
  async compact(now?: number, connectionIds?: readonly string[]): Promise<CompactResult | undefined> {
    if (this.current.state === 'paused' || !this.store) return undefined;
    try {
      return await this.store.compact(now, connectionIds);
    } catch (error) {
      if (!isStorageError(error)) throw error;
      this.pause(error);
      return undefined;
    }
  }

  /** Deletes a connection's history. A user's action: a failure is reported, in plain words. */
  async removeConnection(connectionId: string): Promise<void> {
    if (!this.store) return;
    try {
      await this.store.removeConnection(connectionId);
    } catch (error) {
      if (!isStorageError(error)) throw error;
      throw new Error(`The history of ${connectionId} could not be deleted: ${describeStorageError(error)}`);
    }
  }

  setRetention(retention: HistoryRetention): void {
    this.options = { ...this.options, ...retention };
    this.store?.setRetention(retention);
  }

  async close(): Promise<void> {
    this.listeners.clear();
    await this.store?.close();
  }

  private async ensureStore(): Promise<HistoryStore | undefined> {
    if (this.store) return this.store;
    try {
      this.store = await this.opener(this.folder, this.options);
      return this.store;
    } catch (error) {
      if (!isStorageError(error)) throw error;
      this.pause(error);
      return undefined;
    }
  }

  /** Reads degrade to nothing: a chart without history is better than no chart. */
  private async read(reading: () => Promise<Sample[]> | undefined): Promise<Sample[]> {
    try {
      return (await reading()) ?? [];
    } catch (error) {
      if (!isStorageError(error)) throw error;
      this.options.log.warn(`History could not be read: ${describeStorageError(error)}`);
      return [];
    }
  }

  private pause(error: NodeJS.ErrnoException): void {
    const reason = describeStorageError(error);
    this.retryAt = this.now() + this.retryMs;
    if (this.current.state === 'paused' && this.current.reason === reason) return;
    this.current = { state: 'paused', reason, since: this.now() };
    this.options.log.warn(`${describeHistoryStatus(this.current) ?? ''}. Tried again every ${Math.round(this.retryMs / 1000)} s.`);
    this.emit();
  }

  private resume(): void {
    if (this.current.state === 'recording') return;
    this.current = { state: 'recording' };
    this.options.log.info('History recording again.');
    this.emit();
  }

  private emit(): void {
    for (const listener of this.listeners) listener(this.current);
  }
}
