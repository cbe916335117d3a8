// Deterministic noise: every generated value is a pure function of (seed, keys), so tests that fix
// `seed` and `now()` can predict what the sandbox answers, and repeated queries for the same instant
// agree with each other the way a real server's stored history does.

const TWO_32 = 0x1_0000_0000;

function mix(h: number, k: number): number {
  let x = Math.imul(k | 0, 0xcc9e2d51);
  x = (x << 15) | (x >>> 17);
  x = Math.imul(x, 0x1b873593);
  let y = h ^ x;
  y = (y << 13) | (y >>> 19);
  return (Math.imul(y, 5) + 0xe6546b64) | 0;
}

function finish(h: number): number {
  let x = h ^ (h >>> 16);
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

export type NoiseKey = number | string;

/** 32-bit hash of the keys; numbers beyond 2^32 (epoch ms) keep their high bits. */
export function hash32(...keys: readonly NoiseKey[]): number {
  let h = 0x9747b28c;
  for (const key of keys) {
    if (typeof key === 'number') {
      const n = Math.floor(key);
      h = mix(h, n >>> 0);
      h = mix(h, Math.floor(n / TWO_32) >>> 0);
    } else {
      for (let i = 0; i < key.length; i++) h = mix(h, key.charCodeAt(i));
      h = mix(h, key.length);
    }
  }
  return finish(h);
}

/** A uniform value in [0, 1) for the keys. */
export function noise(...keys: readonly NoiseKey[]): number {
  return hash32(...keys) / TWO_32;
}

/** A sequential generator (mulberry32) seeded from the keys, for records with many fields. */
export function rng(...keys: readonly NoiseKey[]): () => number {
  let state = hash32(...keys);
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / TWO_32;
  };
}

/** sin wave in [-1, 1] with the given period, so load looks like a daily or hourly cycle. */
export function wave(t: number, periodMs: number, phase = 0): number {
  return Math.sin(2 * Math.PI * (t / periodMs + phase));
}

export function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** A UUID-shaped id derived from the keys (version nibble 4, so it looks like a real one). */
export function uuidFrom(...keys: readonly NoiseKey[]): string {
  const hex = [0, 1, 2, 3]
    .map((i) =>
      hash32(...keys, i)
        .toString(16)
        .padStart(8, '0'),
    )
    .join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${'89ab'[parseInt(hex[16] ?? '0', 16) % 4]}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
