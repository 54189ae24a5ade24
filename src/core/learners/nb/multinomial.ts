import { TrainingError } from '../../errors/training-error';
import type { Matrix } from '../types';

/** Weighted class totals and per-class feature totals, `featureCount[class * cols + feature]`. */
export interface MultinomialCounts {
  readonly classWeight: Float64Array;
  readonly featureCount: Float64Array;
}

/** Checks that every value is a non-negative count-like number, naming the first bad column. */
export function checkNonNegative(x: Matrix) {
  const { data, cols } = x;
  for (let i = 0; i < data.length; i++) {
    if ((data[i] as number) < 0) {
      const column = i % cols;
      throw new TrainingError(
        'invalid-input',
        `Column ${column} has a negative value (row ${(i - column) / cols}); multinomial naive Bayes needs non-negative counts.`,
        `column ${column}`,
      );
    }
  }
}

export function multinomialCounts(
  x: Matrix,
  y: Int32Array,
  classes: number,
  weights: Float64Array,
): MultinomialCounts {
  const { rows, cols, data } = x;
  const classWeight = new Float64Array(classes);
  const featureCount = new Float64Array(classes * cols);
  for (let i = 0; i < rows; i++) {
    const c = y[i] as number;
    const w = weights[i] as number;
    classWeight[c] = (classWeight[c] as number) + w;
    const row = i * cols;
    const at = c * cols;
    for (let j = 0; j < cols; j++) {
      featureCount[at + j] = (featureCount[at + j] as number) + w * (data[row + j] as number);
    }
  }
  return { classWeight, featureCount };
}

/** Joint log-likelihoods `log P(class) + x · log P(feature | class)`, row-major `rows × classes`. */
export function multinomialLogLikelihood(
  counts: MultinomialCounts,
  alpha: number,
  x: Matrix,
): Float64Array {
  const { classWeight, featureCount } = counts;
  const classes = classWeight.length;
  const { rows, cols, data } = x;
  const logProbability = new Float64Array(classes * cols);
  const logPrior = new Float64Array(classes);
  let totalWeight = 0;
  for (let c = 0; c < classes; c++) totalWeight += classWeight[c] as number;
  for (let c = 0; c < classes; c++) {
    let smoothedTotal = 0;
    for (let j = 0; j < cols; j++) smoothedTotal += (featureCount[c * cols + j] as number) + alpha;
    const logTotal = Math.log(smoothedTotal);
    for (let j = 0; j < cols; j++) {
      logProbability[c * cols + j] =
        Math.log((featureCount[c * cols + j] as number) + alpha) - logTotal;
    }
    logPrior[c] = Math.log(classWeight[c] as number) - Math.log(totalWeight);
  }
  const out = new Float64Array(rows * classes);
  for (let i = 0; i < rows; i++) {
    const row = i * cols;
    for (let c = 0; c < classes; c++) {
      const at = c * cols;
      let sum = 0;
      for (let j = 0; j < cols; j++)
        sum += (data[row + j] as number) * (logProbability[at + j] as number);
      out[i * classes + c] = sum + (logPrior[c] as number);
    }
  }
  return out;
}
