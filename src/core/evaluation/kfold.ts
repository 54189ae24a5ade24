import { TrainingError } from '../errors/training-error';
import type { Random } from '../random';
import {
  checkFolds,
  checkRows,
  countByClass,
  range,
  shuffleInPlace,
  splitsFromFolds,
  type Split,
} from './split';

export interface KFoldOptions {
  /** Defaults to 5. */
  readonly folds?: number;
  /** Shuffles the rows first; without it folds are consecutive blocks, as scikit-learn's default. */
  readonly rng?: Random;
}

/** k folds of near-equal size (the first `rows % k` folds get one row more). */
export function kFold(rows: number, options: KFoldOptions = {}): Split[] {
  checkRows(rows);
  const folds = options.folds ?? 5;
  checkFolds(folds, rows);
  const order = range(rows);
  if (options.rng) shuffleInPlace(order, options.rng);
  const foldOfRow = new Int32Array(rows);
  const base = Math.floor(rows / folds);
  const larger = rows % folds;
  let position = 0;
  for (let fold = 0; fold < folds; fold++) {
    const size = base + (fold < larger ? 1 : 0);
    for (let k = 0; k < size; k++) foldOfRow[order[position++] as number] = fold;
  }
  return splitsFromFolds(foldOfRow, folds);
}

/**
 * k folds that each hold every class in the proportion of the whole (scikit-learn's
 * StratifiedKFold). Sorting the rows by class (classes in order of first appearance) and dealing
 * them to the folds round robin fixes how many rows of each class every fold gets, so fold sizes
 * differ by at most one; within a class the rows then take those fold slots in row order, or in
 * a shuffled order when `rng` is given.
 */
export function stratifiedKFold(
  y: ArrayLike<number>,
  classes: readonly string[],
  options: KFoldOptions = {},
): Split[] {
  const rows = y.length;
  const folds = options.folds ?? 5;
  checkFolds(folds, rows);
  const counts = countByClass(y, classes);
  counts.forEach((count, c) => {
    if (count > 0 && count < folds) {
      throw new TrainingError(
        'invalid-input',
        `Stratified ${folds}-fold needs at least ${folds} rows of every class; class “${classes[c]}” has ${count}.`,
        classes[c],
      );
    }
  });
  const appearance: number[] = [];
  const seen = new Uint8Array(classes.length);
  for (let i = 0; i < rows; i++) {
    const c = y[i] as number;
    if (!seen[c]) {
      seen[c] = 1;
      appearance.push(c);
    }
  }
  const slots = classes.map((_, c) => new Int32Array(counts[c] as number));
  let start = 0;
  for (const c of appearance) {
    const count = counts[c] as number;
    const slotsOfClass = slots[c] as Int32Array;
    const perFold = new Int32Array(folds);
    for (let p = start; p < start + count; p++) {
      perFold[p % folds] = (perFold[p % folds] as number) + 1;
    }
    let k = 0;
    for (let fold = 0; fold < folds; fold++) {
      for (let n = 0; n < (perFold[fold] as number); n++) slotsOfClass[k++] = fold;
    }
    if (options.rng) shuffleInPlace(slotsOfClass, options.rng);
    start += count;
  }
  const foldOfRow = new Int32Array(rows);
  const taken = new Int32Array(classes.length);
  for (let i = 0; i < rows; i++) {
    const c = y[i] as number;
    foldOfRow[i] = (slots[c] as Int32Array)[taken[c] as number] as number;
    taken[c] = (taken[c] as number) + 1;
  }
  return splitsFromFolds(foldOfRow, folds);
}

/**
 * k folds in which all the rows of a group stay together (scikit-learn's GroupKFold): groups
 * go, largest first, to the fold with the fewest rows so far, so fold sizes stay balanced.
 * Deterministic; groups of equal size go in order of first appearance.
 */
export function groupKFold(
  groups: ArrayLike<number | string>,
  options: { readonly folds?: number } = {},
): Split[] {
  const rows = groups.length;
  const folds = options.folds ?? 5;
  const codes = new Int32Array(rows);
  const codeOf = new Map<number | string, number>();
  const sizes: number[] = [];
  for (let i = 0; i < rows; i++) {
    const group = groups[i] as number | string;
    let code = codeOf.get(group);
    if (code === undefined) {
      code = sizes.length;
      codeOf.set(group, code);
      sizes.push(0);
    }
    codes[i] = code;
    sizes[code] = (sizes[code] as number) + 1;
  }
  checkFolds(folds, sizes.length, 'groups');
  const bySize = sizes
    .map((_, code) => code)
    .sort((a, b) => (sizes[b] as number) - (sizes[a] as number) || a - b);
  const foldRows = new Float64Array(folds);
  const foldOfGroup = new Int32Array(sizes.length);
  for (const code of bySize) {
    let lightest = 0;
    for (let fold = 1; fold < folds; fold++) {
      if ((foldRows[fold] as number) < (foldRows[lightest] as number)) lightest = fold;
    }
    foldRows[lightest] = (foldRows[lightest] as number) + (sizes[code] as number);
    foldOfGroup[code] = lightest;
  }
  const foldOfRow = new Int32Array(rows);
  for (let i = 0; i < rows; i++) foldOfRow[i] = foldOfGroup[codes[i] as number] as number;
  return splitsFromFolds(foldOfRow, folds);
}
