import { TrainingError } from '../errors/training-error';
import { checkRows, type Split } from './split';

export interface TimeSeriesSplitOptions {
  /** Defaults to 5. */
  readonly splits?: number;
  /** Rows left out between the end of training and the start of the test block. */
  readonly gap?: number;
  /** Keep only the latest rows of training (a sliding rather than an expanding window). */
  readonly maxTrainSize?: number;
  /** Rows in each test block; defaults to ⌊rows / (splits + 1)⌋. */
  readonly testSize?: number;
}

const consecutive = (from: number, to: number) => {
  const values = new Int32Array(Math.max(0, to - from));
  for (let i = 0; i < values.length; i++) values[i] = from + i;
  return values;
};

function checkCount(name: string, value: number, minimum: number) {
  if (!Number.isInteger(value) || value < minimum) {
    throw new TrainingError(
      'invalid-params',
      `${name} must be a whole number of at least ${minimum}, got ${value}.`,
      name,
    );
  }
}

/**
 * Forward-chaining splits of rows in time order (scikit-learn's TimeSeriesSplit): every test
 * block follows its training rows, and the test blocks end at the last row.
 */
export function timeSeriesSplit(rows: number, options: TimeSeriesSplitOptions = {}): Split[] {
  checkRows(rows);
  const splits = options.splits ?? 5;
  const gap = options.gap ?? 0;
  checkCount('splits', splits, 2);
  checkCount('gap', gap, 0);
  if (options.maxTrainSize !== undefined) checkCount('maxTrainSize', options.maxTrainSize, 1);
  if (splits + 1 > rows) {
    throw new TrainingError(
      'invalid-input',
      `${splits} time-series splits need at least ${splits + 1} rows; there are ${rows}.`,
      'splits',
    );
  }
  const testSize = options.testSize ?? Math.floor(rows / (splits + 1));
  checkCount('testSize', testSize, 1);
  if (rows - gap - testSize * splits <= 0) {
    throw new TrainingError(
      'invalid-input',
      `${splits} test blocks of ${testSize} rows with a gap of ${gap} leave no training rows out of ${rows}.`,
      'splits',
    );
  }
  const result: Split[] = [];
  for (let testStart = rows - splits * testSize; testStart < rows; testStart += testSize) {
    const trainEnd = testStart - gap;
    const trainStart =
      options.maxTrainSize !== undefined && options.maxTrainSize < trainEnd
        ? trainEnd - options.maxTrainSize
        : 0;
    result.push({
      train: consecutive(trainStart, trainEnd),
      test: consecutive(testStart, testStart + testSize),
    });
  }
  return result;
}
