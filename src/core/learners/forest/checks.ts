import { TrainingError } from '../../errors/training-error';
import type { Matrix, Target, Task } from '../types';

/** Rejects empty or malformed matrices and NaN/Inf values, naming the first bad column. */
export function checkMatrix(x: Matrix) {
  if (x.rows <= 0) throw new TrainingError('invalid-input', 'The training data has no rows.');
  if (x.cols <= 0) throw new TrainingError('invalid-input', 'The training data has no columns.');
  if (x.data.length !== x.rows * x.cols) {
    throw new TrainingError(
      'invalid-input',
      `A ${x.rows}×${x.cols} matrix needs ${x.rows * x.cols} values, got ${x.data.length}.`,
    );
  }
  checkFinite(x, 'before training');
}

function checkFinite(x: Matrix, when: string) {
  const { data, cols } = x;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i] as number)) {
      const column = i % cols;
      const row = (i - column) / cols;
      throw new TrainingError(
        'non-finite',
        `Column ${column} has a missing or infinite value (row ${row}); impute it ${when}.`,
        `column ${column}`,
      );
    }
  }
}

/** Checks that a prediction matrix has the columns the model was trained on and no NaN/Inf. */
export function checkPredictionMatrix(x: Matrix, cols: number) {
  if (x.cols !== cols || x.data.length !== x.rows * x.cols) {
    throw new TrainingError(
      'invalid-input',
      `The model expects ${cols} columns, got a ${x.rows}×${x.cols} matrix.`,
      'columns',
    );
  }
  checkFinite(x, 'before predicting');
}

/** Checks the target against the matrix and the learner's tasks; returns the number of classes present. */
export function checkTarget(x: Matrix, target: Target, tasks: readonly Task[]): number {
  if (!tasks.includes(target.task)) {
    throw new TrainingError(
      'invalid-input',
      `This learner does not support ${target.task}; it supports ${tasks.join(' and ')}.`,
      'task',
    );
  }
  if (target.y.length !== x.rows) {
    throw new TrainingError(
      'invalid-input',
      `The target has ${target.y.length} values but the matrix has ${x.rows} rows.`,
      'target',
    );
  }
  if (target.task === 'regression') {
    for (let i = 0; i < target.y.length; i++) {
      if (!Number.isFinite(target.y[i] as number)) {
        throw new TrainingError(
          'non-finite',
          `The target has a missing or infinite value at row ${i}.`,
          'target',
        );
      }
    }
    return 0;
  }
  const classCount = target.classes.length;
  const seen = new Uint8Array(classCount);
  let present = 0;
  for (let i = 0; i < target.y.length; i++) {
    const label = target.y[i] as number;
    if (label < 0 || label >= classCount) {
      throw new TrainingError(
        'invalid-input',
        `Row ${i} has class index ${label}, but there are ${classCount} classes.`,
        'target',
      );
    }
    if (seen[label] === 0) {
      seen[label] = 1;
      present++;
    }
  }
  if (present < 2) {
    throw new TrainingError(
      'single-class',
      'The target has only one class; classification needs at least two.',
      'target',
    );
  }
  return present;
}

/** Returns the sample weights (all ones when absent) after checking them. */
export function checkSampleWeight(rows: number, sampleWeight: Float64Array | undefined) {
  const weights = new Float64Array(rows).fill(1);
  if (!sampleWeight) return weights;
  if (sampleWeight.length !== rows) {
    throw new TrainingError(
      'invalid-input',
      `There are ${sampleWeight.length} sample weights for ${rows} rows.`,
      'sampleWeight',
    );
  }
  let total = 0;
  for (let i = 0; i < rows; i++) {
    const weight = sampleWeight[i] as number;
    if (!Number.isFinite(weight) || weight < 0) {
      throw new TrainingError(
        'invalid-input',
        `Sample weight ${weight} at row ${i} is not a finite non-negative number.`,
        'sampleWeight',
      );
    }
    weights[i] = weight;
    total += weight;
  }
  if (total <= 0) {
    throw new TrainingError('invalid-input', 'All sample weights are zero.', 'sampleWeight');
  }
  return weights;
}

const invalid = (name: string, message: string) =>
  new TrainingError('invalid-params', `${name}: ${message}`, name);

/** Reads an integer parameter in [min, max]. */
export function intParam(
  value: unknown,
  name: string,
  fallback: number,
  min: number,
  max = Infinity,
) {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Infinity ? `at least ${min}` : `between ${min} and ${max}`;
    throw invalid(name, `expected a whole number ${range}, got ${String(value)}.`);
  }
  return value;
}

/** Reads a number parameter in [min, max] (or (min, max] when `openMin`). */
export function floatParam(
  value: unknown,
  name: string,
  fallback: number,
  min: number,
  max: number,
  openMin = false,
) {
  if (value === undefined) return fallback;
  const below = typeof value === 'number' && (openMin ? value <= min : value < min);
  if (typeof value !== 'number' || !Number.isFinite(value) || below || value > max) {
    throw invalid(
      name,
      `expected a number in ${openMin ? '(' : '['}${min}, ${max}], got ${String(value)}.`,
    );
  }
  return value;
}

/** Reads one of a fixed set of string choices. */
export function choiceParam<C extends string>(
  value: unknown,
  name: string,
  fallback: C,
  choices: readonly C[],
): C {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    throw invalid(name, `expected one of ${choices.join(', ')}, got ${String(value)}.`);
  }
  return value as C;
}

export function boolParam(value: unknown, name: string, fallback: boolean) {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean')
    throw invalid(name, `expected true or false, got ${String(value)}.`);
  return value;
}

export { invalid as invalidParam };
