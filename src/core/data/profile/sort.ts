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
 * a digit that every key shares is skipped. Several times faster than the built-in sort on the
 * million-value columns a profile sorts.
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
    let total = 0;
    let shared = false;
    for (let b = 0; b < BUCKETS; b++) {
      const size = counts[base + b] as number;
      if (size === n) shared = true;
      counts[base + b] = total;
      total += size;
    }
    if (shared) continue;
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
