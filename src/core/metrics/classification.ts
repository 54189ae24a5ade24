import {
  checkFinite,
  checkLabel,
  checkLength,
  checkNotEmpty,
  checkWeights,
  countClasses,
} from './check';
import { TrainingError } from '../errors/training-error';

export interface LabelMetricOptions {
  /** The number of classes C (labels are indices 0..C-1); defaults to the largest label + 1. */
  readonly nClasses?: number;
  readonly sampleWeight?: ArrayLike<number>;
}

/**
 * How per-class scores are combined, as in scikit-learn: `macro` is the plain mean and `weighted`
 * the support-weighted mean over the classes that occur in yTrue or yPred; `micro` pools counts.
 */
export type Average = 'macro' | 'weighted' | 'micro';

export interface ClassScores {
  readonly precision: Float64Array;
  readonly recall: Float64Array;
  readonly f1: Float64Array;
  /** The (weighted) number of true rows of each class. */
  readonly support: Float64Array;
}

interface Tally {
  readonly nClasses: number;
  /** Row-major C×C, rows are true classes and columns predicted ones. */
  readonly matrix: Float64Array;
  /** 1 where the class occurs in yTrue or yPred (whatever its weight), as sklearn's unique_labels. */
  readonly present: Uint8Array;
}

function tally(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, options: LabelMetricOptions) {
  const rows = yTrue.length;
  checkNotEmpty(yTrue);
  checkLength('yPred', yPred, rows);
  const weights = options.sampleWeight;
  checkWeights(weights, rows);
  const nClasses = countClasses(yTrue, yPred, options.nClasses);
  const matrix = new Float64Array(nClasses * nClasses);
  const present = new Uint8Array(nClasses);
  for (let i = 0; i < rows; i++) {
    const truth = yTrue[i] as number;
    const guess = yPred[i] as number;
    checkLabel('yTrue', truth, i, nClasses);
    checkLabel('yPred', guess, i, nClasses);
    const cell = truth * nClasses + guess;
    matrix[cell] = (matrix[cell] as number) + (weights ? (weights[i] as number) : 1);
    present[truth] = 1;
    present[guess] = 1;
  }
  return { nClasses, matrix, present } satisfies Tally;
}

function rowSums(matrix: Float64Array, nClasses: number) {
  const sums = new Float64Array(nClasses);
  for (let r = 0; r < nClasses; r++) {
    let sum = 0;
    for (let c = 0; c < nClasses; c++) sum += matrix[r * nClasses + c] as number;
    sums[r] = sum;
  }
  return sums;
}

function columnSums(matrix: Float64Array, nClasses: number) {
  const sums = new Float64Array(nClasses);
  for (let r = 0; r < nClasses; r++) {
    for (let c = 0; c < nClasses; c++) {
      sums[c] = (sums[c] as number) + (matrix[r * nClasses + c] as number);
    }
  }
  return sums;
}

const trace = (matrix: Float64Array, nClasses: number) => {
  let sum = 0;
  for (let c = 0; c < nClasses; c++) sum += matrix[c * nClasses + c] as number;
  return sum;
};

const divideOrZero = (numerator: number, denominator: number) =>
  denominator === 0 ? 0 : numerator / denominator;

const fScore = (precision: number, recall: number) => {
  const denominator = precision + recall;
  return (2 * precision * recall) / (denominator === 0 ? 1 : denominator);
};

/** Row-major C×C counts (or summed weights): rows are true classes, columns predicted ones. */
export function confusionMatrix(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options: LabelMetricOptions = {},
): Float64Array {
  return tally(yTrue, yPred, options).matrix;
}

export function accuracy(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options: LabelMetricOptions = {},
): number {
  const { matrix, nClasses } = tally(yTrue, yPred, options);
  let total = 0;
  for (let i = 0; i < matrix.length; i++) total += matrix[i] as number;
  return trace(matrix, nClasses) / total;
}

/** Mean recall over the classes that have true rows (classes only predicted are skipped). */
export function balancedAccuracy(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options: LabelMetricOptions = {},
): number {
  const { matrix, nClasses } = tally(yTrue, yPred, options);
  const truths = rowSums(matrix, nClasses);
  let sum = 0;
  let count = 0;
  for (let c = 0; c < nClasses; c++) {
    const support = truths[c] as number;
    if (support === 0) continue;
    sum += (matrix[c * nClasses + c] as number) / support;
    count++;
  }
  return sum / count;
}

function scoresOf({ matrix, nClasses }: Tally): ClassScores {
  const support = rowSums(matrix, nClasses);
  const predicted = columnSums(matrix, nClasses);
  const precision = new Float64Array(nClasses);
  const recall = new Float64Array(nClasses);
  const f1 = new Float64Array(nClasses);
  for (let c = 0; c < nClasses; c++) {
    const hits = matrix[c * nClasses + c] as number;
    precision[c] = divideOrZero(hits, predicted[c] as number);
    recall[c] = divideOrZero(hits, support[c] as number);
    f1[c] = fScore(precision[c] as number, recall[c] as number);
  }
  return { precision, recall, f1, support };
}

/** Precision, recall, F1 and support of every class, with zero where a ratio is 0/0. */
export function classScores(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options: LabelMetricOptions = {},
): ClassScores {
  return scoresOf(tally(yTrue, yPred, options));
}

type ScoreKind = 'precision' | 'recall' | 'f1';

function averaged(kind: ScoreKind, counts: Tally, average: Average): number {
  const { matrix, nClasses, present } = counts;
  if (average === 'micro') {
    let hits = 0;
    let truths = 0;
    let predictions = 0;
    const support = rowSums(matrix, nClasses);
    const predicted = columnSums(matrix, nClasses);
    for (let c = 0; c < nClasses; c++) {
      if (!present[c]) continue;
      hits += matrix[c * nClasses + c] as number;
      truths += support[c] as number;
      predictions += predicted[c] as number;
    }
    const precision = divideOrZero(hits, predictions);
    const recall = divideOrZero(hits, truths);
    return kind === 'precision'
      ? precision
      : kind === 'recall'
        ? recall
        : fScore(precision, recall);
  }
  const scores = scoresOf(counts);
  const values = scores[kind];
  let sum = 0;
  let weightSum = 0;
  for (let c = 0; c < nClasses; c++) {
    if (!present[c]) continue;
    const weight = average === 'weighted' ? (scores.support[c] as number) : 1;
    sum += (values[c] as number) * weight;
    weightSum += weight;
  }
  return weightSum === 0 ? 0 : sum / weightSum;
}

export function precisionScore(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  average: Average = 'macro',
  options: LabelMetricOptions = {},
): number {
  return averaged('precision', tally(yTrue, yPred, options), average);
}

export function recallScore(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  average: Average = 'macro',
  options: LabelMetricOptions = {},
): number {
  return averaged('recall', tally(yTrue, yPred, options), average);
}

export function f1Score(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  average: Average = 'macro',
  options: LabelMetricOptions = {},
): number {
  return averaged('f1', tally(yTrue, yPred, options), average);
}

const dot = (a: Float64Array, b: Float64Array) => {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] as number) * (b[i] as number);
  return sum;
};

/** Matthews correlation coefficient (multiclass R_K); 0 when either margin is constant. */
export function matthewsCorrelation(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options: LabelMetricOptions = {},
): number {
  const { matrix, nClasses } = tally(yTrue, yPred, options);
  const truths = rowSums(matrix, nClasses);
  const predicted = columnSums(matrix, nClasses);
  const correct = trace(matrix, nClasses);
  let samples = 0;
  for (let c = 0; c < nClasses; c++) samples += predicted[c] as number;
  const covTruePred = correct * samples - dot(truths, predicted);
  const covPredPred = samples * samples - dot(predicted, predicted);
  const covTrueTrue = samples * samples - dot(truths, truths);
  if (covPredPred * covTrueTrue === 0) return 0;
  return covTruePred / Math.sqrt(covTrueTrue * covPredPred);
}

/** Cohen's kappa: agreement beyond chance between the true and predicted labels. */
export function cohenKappa(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options: LabelMetricOptions = {},
): number {
  const { matrix, nClasses } = tally(yTrue, yPred, options);
  const predicted = columnSums(matrix, nClasses);
  const truths = rowSums(matrix, nClasses);
  let total = 0;
  for (let c = 0; c < nClasses; c++) total += predicted[c] as number;
  let observed = 0;
  let expected = 0;
  for (let r = 0; r < nClasses; r++) {
    for (let c = 0; c < nClasses; c++) {
      if (r === c) continue;
      observed += matrix[r * nClasses + c] as number;
      expected += ((predicted[r] as number) * (truths[c] as number)) / total;
    }
  }
  return 1 - observed / expected;
}

/** sklearn 1.2's `eps="auto"` for float64 probabilities. */
export const LOG_LOSS_EPSILON = Number.EPSILON;

/**
 * Mean cross-entropy of row-major `rows × C` probabilities. Like scikit-learn 1.2, probabilities
 * are clipped to [eps, 1 - eps] and each row is renormalised before taking the log.
 */
export function logLoss(
  yTrue: ArrayLike<number>,
  proba: ArrayLike<number>,
  options: { readonly sampleWeight?: ArrayLike<number> } = {},
): number {
  const rows = yTrue.length;
  checkNotEmpty(yTrue);
  const nClasses = proba.length / rows;
  if (!Number.isInteger(nClasses) || nClasses < 2) {
    throw new TrainingError(
      'invalid-input',
      `Probabilities must be rows × classes (at least 2); got ${proba.length} values for ${rows} rows.`,
      'proba',
    );
  }
  checkFinite('proba', proba);
  const weights = options.sampleWeight;
  checkWeights(weights, rows);
  const low = LOG_LOSS_EPSILON;
  const high = 1 - LOG_LOSS_EPSILON;
  let sum = 0;
  let weightSum = 0;
  for (let i = 0; i < rows; i++) {
    const truth = yTrue[i] as number;
    checkLabel('yTrue', truth, i, nClasses);
    const start = i * nClasses;
    let rowSum = 0;
    for (let c = 0; c < nClasses; c++) {
      rowSum += Math.min(Math.max(proba[start + c] as number, low), high);
    }
    const p = Math.min(Math.max(proba[start + truth] as number, low), high);
    const weight = weights ? (weights[i] as number) : 1;
    sum += -Math.log(p / rowSum) * weight;
    weightSum += weight;
  }
  return sum / weightSum;
}
