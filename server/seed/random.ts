// Deterministic randomness for seed data. Every village gets its own generator derived from
// (seed, village index), so a village's data does not depend on how many villages come before it
// or on the order they are written in, and the same command always writes the same database.
//
// sfc32 (128-bit state) rather than a 32-bit generator: with a 32-bit state all streams are
// windows of one 2^32 cycle, so two villages could replay the same numbers and collide on ids.

export interface Rng {
  /** Uniform 32-bit unsigned integer. */
  u32(): number;
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max] (both inclusive). */
  int(min: number, max: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
}

/** splitmix32: spreads a small seed over 32 bits, used to seed sfc32. */
function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** A generator for one stream, e.g. createRng(seed, villageIndex, STREAM_ENTRIES). */
export function createRng(...keys: number[]): Rng {
  let h = 0x811c9dc5;
  for (const k of keys) h = splitmix32((h ^ Math.imul(k >>> 0, 0x01000193)) >>> 0)();
  const sm = splitmix32(h);
  let a = sm(), b = sm(), c = sm(), d = sm();
  const u32 = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
  for (let i = 0; i < 12; i++) u32(); // discard the warm-up outputs
  const next = () => u32() / 4294967296;
  return {
    u32,
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick: (items) => items[Math.floor(next() * items.length)],
  };
}

/** Picks indexes in proportion to weights; built once, sampled in O(log n). */
export function weightedPicker(weights: readonly number[]): (rng: Rng) => number {
  const cumulative: number[] = [];
  let total = 0;
  for (const w of weights) cumulative.push((total += Math.max(0, w)));
  if (total <= 0) throw new RangeError('weightedPicker needs a positive weight');
  return (rng) => {
    const x = rng.next() * total;
    let lo = 0, hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid] > x) hi = mid; else lo = mid + 1;
    }
    return lo;
  };
}

const HEX_CODES = Buffer.from('0123456789abcdef', 'latin1');
const uuidBuf = Buffer.from('00000000-0000-7000-8000-000000000000', 'latin1');
/** Dash-free positions of the 32 hex digits in the 36-character text. */
const DIGIT_POS = [0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 14, 15, 16, 17, 19, 20, 21, 22, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35];

function putHex(value: number, digits: number, from: number): void {
  for (let i = digits - 1; i >= 0; i--) {
    uuidBuf[DIGIT_POS[from + i]] = HEX_CODES[value & 15];
    value = Math.floor(value / 16);
  }
}

/**
 * A UUID in version-7 layout (RFC 9562): 48-bit Unix milliseconds, version 7, variant 10, the
 * rest from the seeded generator. Ids sort by the time the record was made, as real client ids do,
 * and are the same on every run. Written into one buffer and decoded once: a big seed makes tens
 * of millions of these, and string concatenation would leave each as a tree of small strings.
 */
export function uuid7At(rng: Rng, ms: number): string {
  const r1 = rng.u32(), r2 = rng.u32(), r3 = rng.u32();
  putHex(Math.floor(ms / 0x10000), 8, 0); // top 32 of the 48 time bits
  putHex(ms % 0x10000, 4, 8);
  putHex(0x7000 | (r1 & 0x0fff), 4, 12);
  putHex(0x8000 | ((r1 >>> 12) & 0x3fff), 4, 16);
  putHex(r2 >>> 16, 4, 20);
  putHex(r3, 8, 24);
  return uuidBuf.toString('latin1');
}
