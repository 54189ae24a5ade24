import { TrainingError } from '../errors/training-error';
import type { Random } from '../random';
import { checkRows, countByClass, range, shuffleInPlace, type Split } from './split';

export interface HoldoutOptions {
  /** A fraction in (0, 1) of the rows, or a whole number of rows; defaults to 0.2. */
  readonly testSize?: number;
  readonly rng: Random;
}

/** The number of test rows: ⌈fraction × rows⌉ like scikit-learn, or the count given. */
export function testRowCount(rows: number, testSize: number) {
  let count: number;
  if (testSize > 0 && testSize < 1) count = Math.ceil(testSize * rows);
  else if (Number.isInteger(testSize) && testSize >= 1) count = testSize;
  else {
    throw new TrainingError(
      'invalid-params',
      `testSize must be a fraction between 0 and 1 or a whole number of rows, got ${testSize}.`,
      'testSize',
    );
  }
  if (count >= rows) {
    throw new TrainingError(
      'invalid-input',
      `A holdout of ${count} test rows leaves no training rows out of ${rows}.`,
      'testSize',
    );
  }
  return count;
}

function fromMask(isTest: Uint8Array, testCount: number): [Split] {
  const test = new Int32Array(testCount);
  const train = new Int32Array(isTest.length - testCount);
  let t = 0;
  let r = 0;
  for (let i = 0; i < isTest.length; i++) {
    if (isTest[i]) test[t++] = i;
    else train[r++] = i;
  }
  return [{ train, test }];
}

/** One random train/test split. */
export function holdout(rows: number, options: HoldoutOptions): [Split] {
  checkRows(rows);
  const testCount = testRowCount(rows, options.testSize ?? 0.2);
  const order = shuffleInPlace(range(rows), options.rng);
  const isTest = new Uint8Array(rows);
  for (let k = 0; k < testCount; k++) isTest[order[k] as number] = 1;
  return fromMask(isTest, testCount);
}

/**
 * How many test rows each class gets: its exact share of the test rows, rounded so that the total
 * is exact, every class keeps at least one row on each side, and the rounding goes to the classes
 * furthest from their share (ties to the larger class, then the earlier one).
 */
function testRowsPerClass(counts: Int32Array, rows: number, testCount: number): Int32Array {
  const quotas = new Int32Array(counts.length);
  const shares = new Float64Array(counts.length);
  let assigned = 0;
  counts.forEach((count, c) => {
    if (count === 0) return;
    shares[c] = (count * testCount) / rows;
    quotas[c] = Math.min(count - 1, Math.max(1, Math.floor(shares[c] as number)));
    assigned += quotas[c] as number;
  });
  const pick = (step: 1 | -1) => {
    let best = -1;
    let bestGap = -Infinity;
    counts.forEach((count, c) => {
      const quota = quotas[c] as number;
      const movable = step > 0 ? count > 0 && quota < count - 1 : quota > 1;
      if (!movable) return;
      const gap = step * ((shares[c] as number) - quota);
      if (gap > bestGap || (gap === bestGap && count > (counts[best] as number))) {
        best = c;
        bestGap = gap;
      }
    });
    quotas[best] = (quotas[best] as number) + step;
    assigned += step;
  };
  while (assigned < testCount) pick(1);
  while (assigned > testCount) pick(-1);
  return quotas;
}

/** A random train/test split that keeps each class's share of rows on both sides. */
export function stratifiedHoldout(
  y: ArrayLike<number>,
  classes: readonly string[],
  options: HoldoutOptions,
): [Split] {
  const rows = y.length;
  const counts = countByClass(y, classes);
  const testCount = testRowCount(rows, options.testSize ?? 0.2);
  let present = 0;
  counts.forEach((count, c) => {
    if (count === 0) return;
    present++;
    if (count < 2) {
      throw new TrainingError(
        'invalid-input',
        `A stratified holdout needs at least 2 rows of every class; class “${classes[c]}” has ${count}.`,
        classes[c],
      );
    }
  });
  if (testCount < present || rows - testCount < present) {
    throw new TrainingError(
      'invalid-input',
      `A stratified holdout of ${testCount} test and ${rows - testCount} training rows cannot put each of the ${present} classes on both sides.`,
      'testSize',
    );
  }
  const quotas = testRowsPerClass(counts, rows, testCount);
  const members = classes.map((_, c) => new Int32Array(counts[c] as number));
  const filled = new Int32Array(classes.length);
  for (let i = 0; i < rows; i++) {
    const c = y[i] as number;
    (members[c] as Int32Array)[filled[c] as number] = i;
    filled[c] = (filled[c] as number) + 1;
  }
  const isTest = new Uint8Array(rows);
  members.forEach((rowsOfClass, c) => {
    shuffleInPlace(rowsOfClass, options.rng);
    for (let k = 0; k < (quotas[c] as number); k++) isTest[rowsOfClass[k] as number] = 1;
  });
  return fromMask(isTest, testCount);
}
