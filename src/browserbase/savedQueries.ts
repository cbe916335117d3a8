/**
 * Named metadata queries kept in VS Code's globalState (not settings: they are the user's working
 * set, not configuration to sync or review). Stored as the JSON of the structure, read back with
 * every field checked, so a hand-edited or older entry is skipped rather than run.
 */
import { parseSavedQuery, serializeQuery, type SavedQuery } from '../shared/metadataQuery';

/** The subset of vscode.Memento used here. */
export interface SavedQueryStorage {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void>;
}

const KEY = 'liveUsage.browserbase.savedQueries';

export class SavedQueries {
  constructor(private readonly storage: SavedQueryStorage) {}

  list(): SavedQuery[] {
    const stored = this.storage.get<unknown>(KEY);
    if (!Array.isArray(stored)) return [];
    return stored.flatMap((text) => {
      const parsed = typeof text === 'string' ? parseSavedQuery(text) : undefined;
      return parsed && 'saved' in parsed ? [parsed.saved] : [];
    });
  }

  /** Adds, or replaces the query of the same name. */
  async save(saved: SavedQuery): Promise<void> {
    const others = this.list().filter((query) => query.name !== saved.name);
    await this.storage.update(KEY, [...others, saved].map(serializeQuery));
  }

  async remove(name: string): Promise<void> {
    await this.storage.update(
      KEY,
      this.list()
        .filter((query) => query.name !== name)
        .map(serializeQuery),
    );
  }
}
