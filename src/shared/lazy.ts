/**
 * A value built on its first use and kept. Loading the extension must stay cheap (activation is
 * timed by `npm run bench -- activation`), and building a zod schema costs tens of microseconds, so
 * schemas and other tables activation does not read are made this way instead of at module load.
 */
export function lazy<T extends object>(build: () => T): () => T {
  let built: T | undefined;
  return () => (built ??= build());
}
