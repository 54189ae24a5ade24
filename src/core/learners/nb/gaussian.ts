import { TrainingError } from '../../errors/training-error';
import type { Matrix } from '../types';

/** Per-class feature means and variances, `[class * cols + feature]`. */
export interface GaussianStatistics {
  readonly classWeight: Float64Array;
  readonly mean: Float64Array;
  /** Variances with the smoothing already added. */
  readonly variance: Float64Array;
  readonly epsilon: number;
}

/**
 * Weighted per-class means and variances (two passes, as numpy's average), plus `var_smoothing`
 * times the largest unweighted feature variance, as scikit-learn's GaussianNB.
 */
export function gaussianStatistics(
  x: Matrix,
  y: Int32Array,
  classes: number,
  weights: Float64Array,
  varSmoothing: number,
): GaussianStatistics {
  const { rows, cols, data } = x;
  const classWeight = new Float64Array(classes);
  const mean = new Float64Array(classes * cols);
  const variance = new Float64Array(classes * cols);
  for (let i = 0; i < rows; i++) {
    const c = y[i] as number;
    const w = weights[i] as number;
    classWeight[c] = (classWeight[c] as number) + w;
    const row = i * cols;
    const at = c * cols;
    for (let j = 0; j < cols; j++)
      mean[at + j] = (mean[at + j] as number) + w * (data[row + j] as number);
  }
  for (let c = 0; c < classes; c++) {
    const total = classWeight[c] as number;
    for (let j = 0; j < cols; j++)
      mean[c * cols + j] = total > 0 ? (mean[c * cols + j] as number) / total : 0;
  }
  for (let i = 0; i < rows; i++) {
    const c = y[i] as number;
    const w = weights[i] as number;
    const row = i * cols;
    const at = c * cols;
    for (let j = 0; j < cols; j++) {
      const deviation = (data[row + j] as number) - (mean[at + j] as number);
      variance[at + j] = (variance[at + j] as number) + w * deviation * deviation;
    }
  }
  let largest = 0;
  for (let j = 0; j < cols; j++) {
    let sum = 0;
    for (let i = 0; i < rows; i++) sum += data[i * cols + j] as number;
    const overall = sum / rows;
    let squares = 0;
    for (let i = 0; i < rows; i++) {
      const deviation = (data[i * cols + j] as number) - overall;
      squares += deviation * deviation;
    }
    largest = Math.max(largest, squares / rows);
  }
  if (largest === 0) {
    throw new TrainingError(
      'invalid-input',
      'Every feature is constant, so Gaussian naive Bayes has nothing to tell the classes apart by.',
      'columns',
    );
  }
  const epsilon = varSmoothing * largest;
  for (let c = 0; c < classes; c++) {
    const total = classWeight[c] as number;
    for (let j = 0; j < cols; j++) {
      const at = c * cols + j;
      variance[at] = (total > 0 ? (variance[at] as number) / total : 0) + epsilon;
    }
  }
  return { classWeight, mean, variance, epsilon };
}

/** Joint log-likelihoods `log P(class) + log P(x | class)`, row-major `rows × classes`. */
export function gaussianLogLikelihood(stats: GaussianStatistics, x: Matrix): Float64Array {
  const { classWeight, mean, variance } = stats;
  const classes = classWeight.length;
  const { rows, cols, data } = x;
  let totalWeight = 0;
  for (let c = 0; c < classes; c++) totalWeight += classWeight[c] as number;
  const constant = new Float64Array(classes);
  for (let c = 0; c < classes; c++) {
    let logNormaliser = 0;
    for (let j = 0; j < cols; j++)
      logNormaliser += Math.log(2 * Math.PI * (variance[c * cols + j] as number));
    constant[c] = Math.log((classWeight[c] as number) / totalWeight) - 0.5 * logNormaliser;
  }
  const out = new Float64Array(rows * classes);
  for (let i = 0; i < rows; i++) {
    const row = i * cols;
    for (let c = 0; c < classes; c++) {
      const at = c * cols;
      let distance = 0;
      for (let j = 0; j < cols; j++) {
        const deviation = (data[row + j] as number) - (mean[at + j] as number);
        distance += (deviation * deviation) / (variance[at + j] as number);
      }
      out[i * classes + c] = (constant[c] as number) - 0.5 * distance;
    }
  }
  return out;
}
