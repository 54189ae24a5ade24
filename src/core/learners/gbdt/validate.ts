import { TrainingError } from '../../errors/training-error';
import type { Matrix, Target } from '../types';

/** Bin codes are indexed with 32-bit integers. */
const MAX_CELLS = 2 ** 31 - 1;

/** Checks a feature matrix: shape, and no infinite value (NaN is allowed: it means missing). */
export function checkFeatures(x: Matrix, what = 'The training data') {
  if (x.rows === 0) throw new TrainingError('invalid-input', `${what} has no rows.`);
  if (x.cols === 0) throw new TrainingError('invalid-input', `${what} has no feature columns.`);
  if (x.data.length !== x.rows * x.cols) {
    throw new TrainingError(
      'invalid-input',
      `${what} claims ${x.rows}×${x.cols} values but holds ${x.data.length}.`,
    );
  }
  if (x.rows * x.cols > MAX_CELLS) {
    throw new TrainingError('too-large', `${what} has more than ${MAX_CELLS} values.`);
  }
  const { data, cols } = x;
  for (let i = 0; i < data.length; i++) {
    const value = data[i] as number;
    if (value === Infinity || value === -Infinity) {
      const row = Math.floor(i / cols);
      const column = i - row * cols;
      throw new TrainingError(
        'non-finite',
        `${what} has an infinite value in column ${column} at row ${row}; use NaN for a missing value.`,
        `column ${column}, row ${row}`,
      );
    }
  }
}

/** Checks a target against the matrix it labels; returns the number of distinct classes seen. */
export function checkTarget(target: Target, rows: number, what = 'The training target') {
  if (target.y.length !== rows) {
    throw new TrainingError(
      'invalid-input',
      `${what} has ${target.y.length} values for ${rows} rows.`,
    );
  }
  if (target.task === 'regression') {
    const y = target.y;
    for (let i = 0; i < rows; i++) {
      if (!Number.isFinite(y[i])) {
        throw new TrainingError(
          'non-finite',
          `${what} has a missing or infinite value at row ${i}.`,
          `target, row ${i}`,
        );
      }
    }
    return 0;
  }
  const classCount = target.classes.length;
  const seen = new Uint8Array(classCount);
  let distinct = 0;
  for (let i = 0; i < rows; i++) {
    const label = target.y[i] as number;
    if (label < 0 || label >= classCount) {
      throw new TrainingError(
        'invalid-input',
        `${what} has class index ${label} at row ${i}, but there are ${classCount} classes.`,
        `target, row ${i}`,
      );
    }
    if (seen[label] === 0) {
      seen[label] = 1;
      distinct++;
    }
  }
  return distinct;
}

export function checkSampleWeight(weights: Float64Array, rows: number) {
  if (weights.length !== rows) {
    throw new TrainingError(
      'invalid-input',
      `There are ${weights.length} sample weights for ${rows} rows.`,
      'sampleWeight',
    );
  }
  let total = 0;
  for (let i = 0; i < rows; i++) {
    const w = weights[i] as number;
    if (!Number.isFinite(w) || w < 0) {
      throw new TrainingError(
        'invalid-input',
        `Sample weight ${w} at row ${i} is not a finite non-negative number.`,
        `sampleWeight, row ${i}`,
      );
    }
    total += w;
  }
  if (!(total > 0)) {
    throw new TrainingError('invalid-input', 'Every sample weight is zero.', 'sampleWeight');
  }
}

/** Checks a caller-supplied validation set against the training data's shape and task. */
export function checkValidation(
  validation: { x: Matrix; target: Target },
  train: Matrix,
  target: Target,
) {
  const what = 'The validation data';
  checkFeatures(validation.x, what);
  if (validation.x.cols !== train.cols) {
    throw new TrainingError(
      'invalid-input',
      `${what} has ${validation.x.cols} columns but the training data has ${train.cols}.`,
    );
  }
  if (validation.target.task !== target.task) {
    throw new TrainingError(
      'invalid-input',
      `${what} is for ${validation.target.task} but training is ${target.task}.`,
    );
  }
  if (
    validation.target.task === 'classification' &&
    target.task === 'classification' &&
    validation.target.classes.length !== target.classes.length
  ) {
    throw new TrainingError(
      'invalid-input',
      `${what} has ${validation.target.classes.length} classes but the training data has ${target.classes.length}.`,
    );
  }
  checkTarget(validation.target, validation.x.rows, 'The validation target');
}
