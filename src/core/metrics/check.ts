import { TrainingError } from '../errors/training-error';

export function checkLength(name: string, values: ArrayLike<number>, rows: number) {
  if (values.length !== rows) {
    throw new TrainingError(
      'invalid-input',
      `${name} has ${values.length} values but there are ${rows} rows.`,
      name,
    );
  }
}

export function checkNotEmpty(values: ArrayLike<number>) {
  if (values.length === 0) {
    throw new TrainingError('invalid-input', 'A metric needs at least one row.');
  }
}

/** The number of classes: the given count, or one more than the largest label. */
export function countClasses(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, given?: number) {
  if (given !== undefined) {
    if (!Number.isInteger(given) || given < 1) {
      throw new TrainingError(
        'invalid-params',
        `nClasses must be a positive integer, got ${given}.`,
      );
    }
    return given;
  }
  let largest = -1;
  for (let i = 0; i < yTrue.length; i++) largest = Math.max(largest, yTrue[i] as number);
  for (let i = 0; i < yPred.length; i++) largest = Math.max(largest, yPred[i] as number);
  return largest + 1;
}

export function checkLabel(name: string, label: number, row: number, nClasses: number) {
  if (!(label >= 0 && label < nClasses && Number.isInteger(label))) {
    throw new TrainingError(
      'invalid-input',
      `${name}[${row}] = ${label} is not a class index in 0..${nClasses - 1}.`,
      `${name}[${row}]`,
    );
  }
}

export function checkFinite(name: string, values: ArrayLike<number>) {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i] as number)) {
      throw new TrainingError(
        'non-finite',
        `${name}[${i}] is ${values[i]}; metrics need finite numbers.`,
        `${name}[${i}]`,
      );
    }
  }
}

export function checkWeights(sampleWeight: ArrayLike<number> | undefined, rows: number) {
  if (!sampleWeight) return;
  checkLength('sampleWeight', sampleWeight, rows);
  for (let i = 0; i < rows; i++) {
    const weight = sampleWeight[i] as number;
    if (!(weight >= 0 && Number.isFinite(weight))) {
      throw new TrainingError(
        'invalid-input',
        `sampleWeight[${i}] is ${weight}; weights must be finite and not negative.`,
        `sampleWeight[${i}]`,
      );
    }
  }
}
