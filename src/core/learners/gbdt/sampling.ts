import type { Random } from '../../random';

/**
 * Exactly `count` distinct integers from `[0, total)`, ascending (Knuth's selection sampling):
 * one pass, no sort, and ascending rows keep later passes over the data cache-friendly.
 */
export function sampleSorted(random: Random, total: number, count: number): Uint32Array {
  const out = new Uint32Array(count);
  let chosen = 0;
  for (let i = 0; i < total && chosen < count; i++) {
    if (random() * (total - i) < count - chosen) out[chosen++] = i;
  }
  return out;
}

/**
 * Splits `[0, total)` into `count` ascending sampled rows written to `inBag` and the others
 * written to `outOfBag`.
 */
export function splitSample(
  random: Random,
  total: number,
  count: number,
  inBag: Uint32Array,
  outOfBag: Uint32Array,
) {
  let chosen = 0;
  let rest = 0;
  for (let i = 0; i < total; i++) {
    if (random() * (total - i) < count - chosen) inBag[chosen++] = i;
    else outOfBag[rest++] = i;
  }
}

/** `count` distinct features out of `total`, ascending, written to the front of `out`. */
export function sampleFeatures(
  random: Random,
  total: number,
  count: number,
  scratch: Int32Array,
  out: Int32Array,
) {
  for (let i = 0; i < total; i++) scratch[i] = i;
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(random() * (total - i));
    const picked = scratch[j] as number;
    scratch[j] = scratch[i] as number;
    scratch[i] = picked;
  }
  const chosen = scratch.subarray(0, count).sort();
  out.set(chosen);
}

/**
 * A stratified hold-out: about `fraction` of each class (or of all rows when `classes` is absent)
 * goes to validation. Both index lists come back ascending.
 */
export function holdOut(
  random: Random,
  rows: number,
  fraction: number,
  labels?: Int32Array,
  classes = 1,
): { train: Uint32Array; validation: Uint32Array } {
  const groups: number[][] = Array.from({ length: classes }, () => []);
  for (let r = 0; r < rows; r++) (groups[labels ? (labels[r] as number) : 0] as number[]).push(r);
  const isValidation = new Uint8Array(rows);
  let validationCount = 0;
  for (const group of groups) {
    const size = group.length;
    const take = size < 2 ? 0 : Math.min(size - 1, Math.max(1, Math.round(fraction * size)));
    for (let i = 0; i < take; i++) {
      const j = i + Math.floor(random() * (size - i));
      const picked = group[j] as number;
      group[j] = group[i] as number;
      group[i] = picked;
      isValidation[picked] = 1;
    }
    validationCount += take;
  }
  const train = new Uint32Array(rows - validationCount);
  const validation = new Uint32Array(validationCount);
  let t = 0;
  let v = 0;
  for (let r = 0; r < rows; r++) {
    if (isValidation[r]) validation[v++] = r;
    else train[t++] = r;
  }
  return { train, validation };
}
