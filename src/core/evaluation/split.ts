import { TrainingError } from '../errors/training-error';
import { randomInt, type Random } from '../random';

/** Row indices of one train/test split, each in increasing order. */
export interface Split {
  readonly train: Int32Array;
  readonly test: Int32Array;
}

/** Fisher–Yates shuffle driven by the seeded generator. */
export function shuffleInPlace<T extends { length: number; [index: number]: number }>(
  values: T,
  rng: Random,
): T {
  for (let i = values.length - 1; i > 0; i--) {
    const j = randomInt(rng, i + 1);
    const swap = values[i] as number;
    values[i] = values[j] as number;
    values[j] = swap;
  }
  return values;
}

export function range(length: number): Int32Array {
  const values = new Int32Array(length);
  for (let i = 0; i < length; i++) values[i] = i;
  return values;
}

/** Splits from each row's fold number: fold f tests its rows and trains on all the others. */
export function splitsFromFolds(foldOfRow: Int32Array, folds: number): Split[] {
  const sizes = new Int32Array(folds);
  for (let i = 0; i < foldOfRow.length; i++) {
    const fold = foldOfRow[i] as number;
    sizes[fold] = (sizes[fold] as number) + 1;
  }
  const splits: Split[] = [];
  for (let fold = 0; fold < folds; fold++) {
    const testSize = sizes[fold] as number;
    const test = new Int32Array(testSize);
    const train = new Int32Array(foldOfRow.length - testSize);
    let t = 0;
    let r = 0;
    for (let i = 0; i < foldOfRow.length; i++) {
      if (foldOfRow[i] === fold) test[t++] = i;
      else train[r++] = i;
    }
    splits.push({ train, test });
  }
  return splits;
}

export function checkRows(rows: number) {
  if (!Number.isInteger(rows) || rows < 0) {
    throw new TrainingError(
      'invalid-input',
      `The number of rows must be a whole number, got ${rows}.`,
    );
  }
}

export function checkFolds(folds: number, rows: number, what = 'rows') {
  if (!Number.isInteger(folds) || folds < 2) {
    throw new TrainingError(
      'invalid-params',
      `Cross-validation needs a whole number of folds of at least 2, got ${folds}.`,
      'folds',
    );
  }
  if (folds > rows) {
    throw new TrainingError(
      'invalid-input',
      `${folds}-fold cross-validation needs at least ${folds} ${what}; there are ${rows}.`,
      'folds',
    );
  }
}

/** Class indices checked against the class list; counts rows of each class. */
export function countByClass(y: ArrayLike<number>, classes: readonly string[]): Int32Array {
  const counts = new Int32Array(classes.length);
  for (let i = 0; i < y.length; i++) {
    const label = y[i] as number;
    if (!(label >= 0 && label < classes.length && Number.isInteger(label))) {
      throw new TrainingError(
        'invalid-input',
        `y[${i}] = ${label} is not a class index in 0..${classes.length - 1}.`,
        `y[${i}]`,
      );
    }
    counts[label] = (counts[label] as number) + 1;
  }
  return counts;
}
