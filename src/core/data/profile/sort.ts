import type { ProfileScratch } from './scratch';

const DIGIT_BITS = 11;
const BUCKETS = 1 << DIGIT_BITS;
const MASK = BUCKETS - 1;
/** Three digits of 11, 11 and 10 bits from each 32-bit half of a key. */
const DIGITS = 6;
/** Below this many values the built-in sort wins. */
const RADIX_FROM = 4096;

/**
 * Sorts NaN-free doubles ascending in place, as `Float64Array.prototype.sort` does (−0 before
 * 0), with an LSD radix sort on 64-bit keys that order like the values: positive numbers get
 * their sign bit set, negative ones have every bit flipped. One pass counts all six digits, and
 * a digit that every key shares is skipped. About 1.6× as fast as the built-in sort on the
 * million-value columns a profile sorts (70 against 117 ms in Node).
 */
export function sortFloat64(values: Float64Array, scratch?: ProfileScratch): void {
  const n = values.length;
  if (n < RADIX_FROM) {
    values.sort();
    return;
  }
  const words = new Uint32Array(values.buffer, values.byteOffset, 2 * n);
  // Keys as (low, high) pairs side by side, so a pass writes one stream per bucket.
  let [from, to] = scratch ? scratch.sortKeys(n) : [new Uint32Array(2 * n), new Uint32Array(2 * n)];
  const counts = new Uint32Array(DIGITS * BUCKETS);
  for (let i = 0; i < n; i++) {
    let lo = words[2 * i] as number;
    let hi = words[2 * i + 1] as number;
    if (hi >= 0x80000000) {
      hi = ~hi >>> 0;
      lo = ~lo >>> 0;
    } else hi = (hi | 0x80000000) >>> 0;
    from[2 * i] = lo;
    from[2 * i + 1] = hi;
    let k = lo & MASK;
    counts[k] = (counts[k] as number) + 1;
    k = BUCKETS + ((lo >>> 11) & MASK);
    counts[k] = (counts[k] as number) + 1;
    k = 2 * BUCKETS + (lo >>> 22);
    counts[k] = (counts[k] as number) + 1;
    k = 3 * BUCKETS + (hi & MASK);
    counts[k] = (counts[k] as number) + 1;
    k = 4 * BUCKETS + ((hi >>> 11) & MASK);
    counts[k] = (counts[k] as number) + 1;
    k = 5 * BUCKETS + (hi >>> 22);
    counts[k] = (counts[k] as number) + 1;
  }
  for (let d = 0; d < DIGITS; d++) {
    const base = d * BUCKETS;
    if (toStarts(counts, base, BUCKETS, n)) continue;
    scatter(from, to, d >= 3 ? 1 : 0, (d % 3) * DIGIT_BITS, base, counts);
    const swap = from;
    from = to;
    to = swap;
  }
  for (let i = 0; i < n; i++) {
    let lo = from[2 * i] as number;
    let hi = from[2 * i + 1] as number;
    if (hi >= 0x80000000) hi = (hi & 0x7fffffff) >>> 0;
    else {
      hi = ~hi >>> 0;
      lo = ~lo >>> 0;
    }
    words[2 * i] = lo;
    words[2 * i + 1] = hi;
  }
}

/**
 * Turns one digit's bucket counts (`buckets` of them from `offset`) into the position where each
 * bucket starts, and tells whether all `n` keys fell in one bucket: a digit every key shares,
 * whose pass would move nothing.
 */
function toStarts(counts: Uint32Array, offset: number, buckets: number, n: number): boolean {
  let total = 0;
  let shared = false;
  for (let b = 0; b < buckets; b++) {
    const size = counts[offset + b] as number;
    if (size === n) shared = true;
    counts[offset + b] = total;
    total += size;
  }
  return shared;
}

/** One stable counting pass on the digit at `shift` of each key's low (0) or high (1) half. */
function scatter(
  from: Uint32Array,
  to: Uint32Array,
  half: number,
  shift: number,
  base: number,
  counts: Uint32Array,
): void {
  for (let i = 0; i < from.length; i += 2) {
    const lo = from[i] as number;
    const hi = from[i + 1] as number;
    const slot = base + (((half === 0 ? lo : hi) >>> shift) & MASK);
    const at = counts[slot] as number;
    counts[slot] = at + 1;
    to[2 * at] = lo;
    to[2 * at + 1] = hi;
  }
}

/** A grid of values `(base + k) × unit / divisor`, for whole steps k in [0, steps). */
export interface SortGrid {
  readonly unit: number;
  readonly divisor: number;
  readonly base: number;
  readonly steps: number;
}

/** The most steps `sortOnGrid` takes: its keys are 32-bit. */
export const GRID_SORT_STEPS = 2 ** 32;
/** Up to 12 bits a pass: a pass costs about the same up to there, and more above it. */
const GRID_DIGIT_BITS = 12;

/**
 * Sorts doubles that all lie on a grid, in place, with the result `sortFloat64` gives: each value
 * is `(base + k) × unit / divisor` for a whole step k in [0, steps), and is sorted by k as a
 * 32-bit key, in as few counting passes as k's bits need. A column of four-decimal numbers or of
 * timestamps to the second spans up to 2^27 steps: three passes of 9 bits on 4-byte keys, against
 * six of 11 bits on 8-byte keys for any double. Every value is rebuilt from its step, the same
 * double the text parsed to (the caller has checked that it is).
 */
export function sortOnGrid(values: Float64Array, grid: SortGrid, scratch?: ProfileScratch): void {
  const n = values.length;
  const { unit, divisor, base, steps } = grid;
  if (!(steps >= 1 && steps <= GRID_SORT_STEPS)) {
    throw new RangeError(`sortOnGrid takes 1 to 2^32 steps, got ${steps}.`);
  }
  const [buffer, spare] = scratch ? scratch.sortKeys(n) : [new Uint32Array(n), new Uint32Array(n)];
  let from = buffer.subarray(0, n);
  let to = spare.subarray(0, n);
  const bits = Math.max(1, Math.ceil(Math.log2(steps)));
  const digitBits = Math.ceil(bits / Math.ceil(bits / GRID_DIGIT_BITS));
  const buckets = 1 << digitBits;
  const mask = buckets - 1;
  const second = digitBits;
  const third = 2 * digitBits;
  // Three digits are always counted: one a key does not reach is 0 in every key, and skipped.
  const passes = 3;
  const counts = new Uint32Array(passes * buckets);
  for (let i = 0; i < n; i++) {
    const key = Math.round(((values[i] as number) * divisor) / unit) - base;
    from[i] = key;
    let k = key & mask;
    counts[k] = (counts[k] as number) + 1;
    k = buckets + ((key >>> second) & mask);
    counts[k] = (counts[k] as number) + 1;
    k = 2 * buckets + ((key >>> third) & mask);
    counts[k] = (counts[k] as number) + 1;
  }
  for (let d = 0; d < passes; d++) {
    const offset = d * buckets;
    if (toStarts(counts, offset, buckets, n)) continue;
    scatterKeys(from, to, d * digitBits, mask, offset, counts);
    const swap = from;
    from = to;
    to = swap;
  }
  for (let i = 0; i < n; i++) values[i] = ((base + (from[i] as number)) * unit) / divisor;
}

/** One stable counting pass on the digit at `shift` of each 32-bit key. */
function scatterKeys(
  from: Uint32Array,
  to: Uint32Array,
  shift: number,
  mask: number,
  offset: number,
  counts: Uint32Array,
): void {
  for (let i = 0; i < from.length; i++) {
    const key = from[i] as number;
    const slot = offset + ((key >>> shift) & mask);
    const at = counts[slot] as number;
    counts[slot] = at + 1;
    to[at] = key;
  }
}
