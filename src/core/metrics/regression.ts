import { argsort } from './argsort';
import { checkFinite, checkLength, checkNotEmpty, checkWeights } from './check';

export interface RegressionMetricOptions {
  readonly sampleWeight?: ArrayLike<number>;
}

function checkPair(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options: RegressionMetricOptions,
) {
  checkNotEmpty(yTrue);
  checkLength('yPred', yPred, yTrue.length);
  checkFinite('yTrue', yTrue);
  checkFinite('yPred', yPred);
  checkWeights(options.sampleWeight, yTrue.length);
}

/** Σ w·f(i) / Σ w, or the plain mean without weights (numpy's `average`). */
function weightedMean(
  rows: number,
  weights: ArrayLike<number> | undefined,
  value: (row: number) => number,
) {
  let sum = 0;
  let weightSum = 0;
  for (let i = 0; i < rows; i++) {
    const weight = weights ? (weights[i] as number) : 1;
    sum += value(i) * weight;
    weightSum += weight;
  }
  return sum / weightSum;
}

/** yTrue − yPred for every row. */
export function residuals(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): Float64Array {
  checkLength('yPred', yPred, yTrue.length);
  const out = new Float64Array(yTrue.length);
  for (let i = 0; i < out.length; i++) out[i] = (yTrue[i] as number) - (yPred[i] as number);
  return out;
}

export function meanSquaredError(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options: RegressionMetricOptions = {},
): number {
  checkPair(yTrue, yPred, options);
  return weightedMean(yTrue.length, options.sampleWeight, (i) => {
    const error = (yTrue[i] as number) - (yPred[i] as number);
    return error * error;
  });
}

export function rootMeanSquaredError(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options: RegressionMetricOptions = {},
): number {
  return Math.sqrt(meanSquaredError(yTrue, yPred, options));
}

export function meanAbsoluteError(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options: RegressionMetricOptions = {},
): number {
  checkPair(yTrue, yPred, options);
  return weightedMean(yTrue.length, options.sampleWeight, (i) =>
    Math.abs((yTrue[i] as number) - (yPred[i] as number)),
  );
}

/** |yPred − yTrue| / max(|yTrue|, eps), averaged: a fraction (0.1 is 10 %), as in scikit-learn. */
export function meanAbsolutePercentageError(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options: RegressionMetricOptions = {},
): number {
  checkPair(yTrue, yPred, options);
  return weightedMean(yTrue.length, options.sampleWeight, (i) => {
    const truth = yTrue[i] as number;
    return Math.abs((yPred[i] as number) - truth) / Math.max(Math.abs(truth), Number.EPSILON);
  });
}

/**
 * Median of |yTrue − yPred|. With weights it is scikit-learn's weighted percentile: the smallest
 * error whose cumulative weight reaches half of the total (no interpolation).
 */
export function medianAbsoluteError(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options: RegressionMetricOptions = {},
): number {
  checkPair(yTrue, yPred, options);
  const rows = yTrue.length;
  const errors = new Float64Array(rows);
  for (let i = 0; i < rows; i++) errors[i] = Math.abs((yTrue[i] as number) - (yPred[i] as number));
  const weights = options.sampleWeight;
  if (!weights) return median(errors);
  const order = argsort(errors);
  const cumulative = new Float64Array(rows);
  let running = 0;
  for (let k = 0; k < rows; k++) {
    running += weights[order[k] as number] as number;
    cumulative[k] = running;
  }
  let target = 0.5 * running;
  if (target === 0) target = Number.MIN_VALUE;
  let index = 0;
  while (index < rows - 1 && (cumulative[index] as number) < target) index++;
  return errors[order[index] as number] as number;
}

/** Moves the k-th smallest value to index k, smaller ones before it and larger ones after. */
function selectInPlace(values: Float64Array, k: number) {
  let left = 0;
  let right = values.length - 1;
  while (left < right) {
    const pivot = values[(left + right) >>> 1] as number;
    let i = left;
    let j = right;
    while (i <= j) {
      while ((values[i] as number) < pivot) i++;
      while ((values[j] as number) > pivot) j--;
      if (i <= j) {
        const swap = values[i] as number;
        values[i++] = values[j] as number;
        values[j--] = swap;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else return;
  }
}

/** numpy's median (mean of the two middle values for an even count), in linear time; reorders. */
function median(values: Float64Array) {
  const middle = values.length >> 1;
  selectInPlace(values, middle);
  const upper = values[middle] as number;
  if (values.length % 2 === 1) return upper;
  let lower = -Infinity;
  for (let i = 0; i < middle; i++) lower = Math.max(lower, values[i] as number);
  return (lower + upper) / 2;
}

/** scikit-learn's finite convention: 1 for a perfect fit, 0 when only the truth is constant. */
function oneMinusRatio(numerator: number, denominator: number) {
  if (numerator === 0) return 1;
  if (denominator === 0) return 0;
  return 1 - numerator / denominator;
}

export function r2Score(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options: RegressionMetricOptions = {},
): number {
  checkPair(yTrue, yPred, options);
  const rows = yTrue.length;
  if (rows < 2) return NaN;
  const weights = options.sampleWeight;
  const mean = weightedMean(rows, weights, (i) => yTrue[i] as number);
  let residual = 0;
  let total = 0;
  for (let i = 0; i < rows; i++) {
    const weight = weights ? (weights[i] as number) : 1;
    const truth = yTrue[i] as number;
    const error = truth - (yPred[i] as number);
    const spread = truth - mean;
    residual += weight * (error * error);
    total += weight * (spread * spread);
  }
  return oneMinusRatio(residual, total);
}

export function explainedVariance(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options: RegressionMetricOptions = {},
): number {
  checkPair(yTrue, yPred, options);
  const rows = yTrue.length;
  const weights = options.sampleWeight;
  const difference = (i: number) => (yTrue[i] as number) - (yPred[i] as number);
  const meanDifference = weightedMean(rows, weights, difference);
  const meanTruth = weightedMean(rows, weights, (i) => yTrue[i] as number);
  const numerator = weightedMean(rows, weights, (i) => (difference(i) - meanDifference) ** 2);
  const denominator = weightedMean(rows, weights, (i) => ((yTrue[i] as number) - meanTruth) ** 2);
  return oneMinusRatio(numerator, denominator);
}

/** Ranks from 1, ties sharing the average of the ranks they span (scipy's `rankdata`). */
export function averageRanks(values: ArrayLike<number>): Float64Array {
  const rows = values.length;
  const order = argsort(values);
  const ranks = new Float64Array(rows);
  let start = 0;
  while (start < rows) {
    let end = start + 1;
    const value = values[order[start] as number];
    while (end < rows && values[order[end] as number] === value) end++;
    const rank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) ranks[order[k] as number] = rank;
    start = end;
  }
  return ranks;
}

/** Pearson correlation; NaN when either side is constant. */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  checkLength('b', b, a.length);
  const rows = a.length;
  let meanA = 0;
  let meanB = 0;
  for (let i = 0; i < rows; i++) {
    meanA += a[i] as number;
    meanB += b[i] as number;
  }
  meanA /= rows;
  meanB /= rows;
  let cross = 0;
  let squaresA = 0;
  let squaresB = 0;
  for (let i = 0; i < rows; i++) {
    const da = (a[i] as number) - meanA;
    const db = (b[i] as number) - meanB;
    cross += da * db;
    squaresA += da * da;
    squaresB += db * db;
  }
  if (squaresA === 0 || squaresB === 0) return NaN;
  return Math.max(-1, Math.min(1, cross / Math.sqrt(squaresA * squaresB)));
}

/** Spearman's rank correlation with average ranks for ties (scipy.stats.spearmanr). */
export function spearman(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  checkPair(yTrue, yPred, {});
  return pearson(averageRanks(yTrue), averageRanks(yPred));
}
