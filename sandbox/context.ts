export interface SandboxTokens {
  readonly browserless: string;
  readonly browserbase: string;
  readonly northflank: string;
  readonly cerebras: string;
  /** Unset: the generic exporter is open, as most are. */
  readonly prometheus?: string;
}

export const DEFAULT_TOKENS: SandboxTokens = {
  browserless: 'bl-sandbox-token',
  browserbase: 'bb-sandbox-key',
  northflank: 'nf-sandbox-token',
  cerebras: 'cb-sandbox-key',
};

/** What every provider module gets: one clock, one seed, one start instant for the whole sandbox. */
export interface SandboxContext {
  readonly now: () => number;
  readonly seed: number;
  readonly startedAt: number;
  readonly tokens: SandboxTokens;
  /** `http://127.0.0.1:PORT`, known only once the server listens. */
  origin(): string;
}

/** Applies a partial patch where an explicit `null` is a value (e.g. Browserless cpu `null`). */
export function mergeDefined<T extends object>(target: T, patch: Partial<T>): T {
  const next = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    if (value !== undefined) (next as Record<string, unknown>)[key] = value;
  }
  return next;
}
