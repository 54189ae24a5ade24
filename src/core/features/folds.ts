import { randomInt, type Random } from '../random';

function shuffleInPlace(items: Int32Array, rng: Random, start = 0, end = items.length) {
  for (let i = end - 1; i > start; i--) {
    const j = start + randomInt(rng, i - start + 1);
    const swap = items[i] as number;
    items[i] = items[j] as number;
    items[j] = swap;
  }
}

/** The fold of each row for shuffled K-fold: fold sizes differ by at most one. */
export function kFoldAssignment(rows: number, folds: number, rng: Random): Int32Array {
  const order = new Int32Array(rows);
  for (let i = 0; i < rows; i++) order[i] = i;
  shuffleInPlace(order, rng);
  const fold = new Int32Array(rows);
  for (let i = 0; i < rows; i++) fold[order[i] as number] = i % folds;
  return fold;
}

/**
 * The fold of each row for stratified K-fold: the rows of each class are shuffled and dealt to
 * the folds in turn, the dealing carrying on from one class to the next, so every fold gets its
 * share of each class and the fold sizes differ by at most one.
 */
export function stratifiedFoldAssignment(
  y: Int32Array,
  classes: number,
  folds: number,
  rng: Random,
): Int32Array {
  const starts = new Int32Array(classes + 1);
  for (let i = 0; i < y.length; i++) {
    const slot = (y[i] as number) + 1;
    starts[slot] = (starts[slot] as number) + 1;
  }
  for (let c = 0; c < classes; c++)
    starts[c + 1] = (starts[c + 1] as number) + (starts[c] as number);
  const byClass = new Int32Array(y.length);
  const next = starts.slice(0, classes);
  for (let i = 0; i < y.length; i++) {
    const label = y[i] as number;
    const at = next[label] as number;
    byClass[at] = i;
    next[label] = at + 1;
  }
  for (let c = 0; c < classes; c++) {
    shuffleInPlace(byClass, rng, starts[c] as number, starts[c + 1] as number);
  }
  const fold = new Int32Array(y.length);
  for (let i = 0; i < byClass.length; i++) fold[byClass[i] as number] = i % folds;
  return fold;
}
