/**
 * Whether this process has loaded the palette bundle, dist/palette.js: integration suites run in the
 * extension host's own process, so its module cache is theirs.
 */
export function paletteLoaded(): boolean {
  return Object.keys(require.cache).some((file) => /[\\/]dist[\\/]palette\.js$/.test(file));
}
