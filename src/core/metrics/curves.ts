import { argsort } from './argsort';
import { checkFinite, checkLength, checkNotEmpty, checkWeights } from './check';
import { TrainingError } from '../errors/training-error';

export interface BinaryScoreOptions {
  /** The class index counted as positive; every other label is negative. Defaults to 1. */
  readonly positive?: number;
  readonly sampleWeight?: ArrayLike<number>;
}

export interface RocCurve {
  readonly fpr: Float64Array;
  readonly tpr: Float64Array;
  /** Decreasing; the first is the highest score + 1 (scikit-learn 1.2), so the curve starts at 0. */
  readonly thresholds: Float64Array;
}

export interface PrecisionRecallCurve {
  /** Ends with 1 (no threshold), like scikit-learn. */
  readonly precision: Float64Array;
  /** Decreasing, ends with 0. */
  readonly recall: Float64Array;
  /** Increasing; one fewer than precision and recall. */
  readonly thresholds: Float64Array;
}

export interface CalibrationCurve {
  /** Fraction of positives in each non-empty bin. */
  readonly probTrue: Float64Array;
  /** Mean predicted probability in each non-empty bin. */
  readonly probPred: Float64Array;
  /** Rows in each non-empty bin. */
  readonly counts: Float64Array;
}

interface CurveCounts {
  /** Cumulative (weighted) false and true positives at each distinct score, highest first. */
  readonly fps: Float64Array;
  readonly tps: Float64Array;
  readonly thresholds: Float64Array;
}

/** Column `column` of row-major `rows × columns` probabilities. */
export function probaColumn(proba: ArrayLike<number>, rows: number, column: number): Float64Array {
  const columns = proba.length / rows;
  if (!Number.isInteger(columns) || column < 0 || column >= columns) {
    throw new TrainingError(
      'invalid-input',
      `Probabilities of ${proba.length} values for ${rows} rows have no column ${column}.`,
      'proba',
    );
  }
  const values = new Float64Array(rows);
  for (let i = 0; i < rows; i++) values[i] = proba[i * columns + column] as number;
  return values;
}

function checkScores(
  yTrue: ArrayLike<number>,
  scores: ArrayLike<number>,
  weights?: ArrayLike<number>,
) {
  checkNotEmpty(yTrue);
  checkLength('scores', scores, yTrue.length);
  checkFinite('scores', scores);
  checkWeights(weights, yTrue.length);
}

/**
 * scikit-learn's `_binary_clf_curve`: rows of zero weight are dropped, the rest are ordered by
 * decreasing score with ties in decreasing row order (a reversed stable argsort), and the counts
 * are running sums in that order so that weighted sums round exactly as numpy's cumsum does.
 */
function curveCounts(
  yTrue: ArrayLike<number>,
  scores: ArrayLike<number>,
  options: BinaryScoreOptions,
): CurveCounts {
  const weights = options.sampleWeight;
  checkScores(yTrue, scores, weights);
  const positive = options.positive ?? 1;
  const rows = yTrue.length;
  let kept = 0;
  const nonzero = new Uint32Array(rows);
  for (let i = 0; i < rows; i++) {
    if (!weights || weights[i] !== 0) nonzero[kept++] = i;
  }
  const sorted = argsort(scores, nonzero.subarray(0, kept)).reverse();
  const fps = new Float64Array(kept);
  const tps = new Float64Array(kept);
  const thresholds = new Float64Array(kept);
  let points = 0;
  let truePositives = 0;
  let falsePositives = 0;
  for (let k = 0; k < kept; k++) {
    const row = sorted[k] as number;
    const weight = weights ? (weights[row] as number) : 1;
    if (yTrue[row] === positive) truePositives += weight;
    else falsePositives += weight;
    const score = scores[row] as number;
    if (k === kept - 1 || scores[sorted[k + 1] as number] !== score) {
      tps[points] = truePositives;
      fps[points] = falsePositives;
      thresholds[points] = score;
      points++;
    }
  }
  return {
    fps: fps.slice(0, points),
    tps: tps.slice(0, points),
    thresholds: thresholds.slice(0, points),
  };
}

/** Whether the curve bends at point i: its second difference (numpy's `diff(_, 2)`) is non-zero. */
function bendsAt(values: Float64Array, i: number) {
  const before = (values[i] as number) - (values[i - 1] as number);
  const after = (values[i + 1] as number) - (values[i] as number);
  return after - before !== 0;
}

function scaleBy(values: Float64Array, last: number) {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = last > 0 ? (values[i] as number) / last : NaN;
  return out;
}

/**
 * Receiver operating characteristic of binary scores. With `dropIntermediate` (the default) points
 * collinear with their neighbours are dropped, exactly where scikit-learn drops them; the area is
 * unchanged. fpr (tpr) is NaN throughout when there are no negatives (positives).
 */
export function rocCurve(
  yTrue: ArrayLike<number>,
  scores: ArrayLike<number>,
  options: BinaryScoreOptions & { readonly dropIntermediate?: boolean } = {},
): RocCurve {
  const counts = curveCounts(yTrue, scores, options);
  let keep: number[] | undefined;
  const length = counts.fps.length;
  if ((options.dropIntermediate ?? true) && length > 2) {
    keep = [0];
    for (let i = 1; i < length - 1; i++) {
      if (bendsAt(counts.fps, i) || bendsAt(counts.tps, i)) keep.push(i);
    }
    keep.push(length - 1);
  }
  const points = keep ? keep.length : length;
  const fps = new Float64Array(points + 1);
  const tps = new Float64Array(points + 1);
  const thresholds = new Float64Array(points + 1);
  for (let p = 0; p < points; p++) {
    const source = keep ? (keep[p] as number) : p;
    fps[p + 1] = counts.fps[source] as number;
    tps[p + 1] = counts.tps[source] as number;
    thresholds[p + 1] = counts.thresholds[source] as number;
  }
  thresholds[0] = (thresholds[1] as number) + 1;
  return {
    fpr: scaleBy(fps, fps[points] as number),
    tpr: scaleBy(tps, tps[points] as number),
    thresholds,
  };
}

/** Area under a curve by the trapezoidal rule; x must be monotonic (either direction). */
export function auc(x: ArrayLike<number>, y: ArrayLike<number>): number {
  checkLength('y', y, x.length);
  if (x.length < 2) {
    throw new TrainingError('invalid-input', 'An area under a curve needs at least 2 points.');
  }
  let rising = false;
  let falling = false;
  for (let i = 1; i < x.length; i++) {
    const step = (x[i] as number) - (x[i - 1] as number);
    if (step < 0) falling = true;
    else if (step > 0) rising = true;
  }
  if (rising && falling) {
    throw new TrainingError('invalid-input', 'x is neither increasing nor decreasing.', 'x');
  }
  let area = 0;
  for (let i = 1; i < x.length; i++) {
    area +=
      ((x[i] as number) - (x[i - 1] as number)) * (((y[i] as number) + (y[i - 1] as number)) / 2);
  }
  return falling ? -area : area;
}

function hasBothClasses(yTrue: ArrayLike<number>, positive: number) {
  let positives = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === positive) positives++;
  return positives > 0 && positives < yTrue.length;
}

/** Binary ROC AUC; NaN when yTrue holds only one of the two sides. */
export function rocAuc(
  yTrue: ArrayLike<number>,
  scores: ArrayLike<number>,
  options: BinaryScoreOptions = {},
): number {
  if (!hasBothClasses(yTrue, options.positive ?? 1)) {
    checkScores(yTrue, scores, options.sampleWeight);
    return NaN;
  }
  const { fpr, tpr } = rocCurve(yTrue, scores, options);
  return auc(fpr, tpr);
}

/**
 * One-vs-rest ROC AUC of row-major `rows × C` probabilities, averaged over classes with `macro`
 * (plain mean) or `weighted` (by the weighted number of true rows). Classes with no true rows
 * are skipped (scikit-learn refuses such input); NaN when fewer than two classes occur in yTrue.
 */
export function rocAucOneVsRest(
  yTrue: ArrayLike<number>,
  proba: ArrayLike<number>,
  average: 'macro' | 'weighted' = 'weighted',
  options: { readonly sampleWeight?: ArrayLike<number> } = {},
): number {
  const rows = yTrue.length;
  checkNotEmpty(yTrue);
  const nClasses = proba.length / rows;
  const weights = options.sampleWeight;
  let sum = 0;
  let weightSum = 0;
  let scored = 0;
  for (let c = 0; c < nClasses; c++) {
    if (!hasBothClasses(yTrue, c)) continue;
    const area = rocAuc(yTrue, probaColumn(proba, rows, c), { positive: c, sampleWeight: weights });
    let weight = 1;
    if (average === 'weighted') {
      weight = 0;
      for (let i = 0; i < rows; i++)
        if (yTrue[i] === c) weight += weights ? (weights[i] as number) : 1;
    }
    sum += area * weight;
    weightSum += weight;
    scored++;
  }
  if (scored < 2) return NaN;
  return weightSum === 0 ? 0 : sum / weightSum;
}

/** Precision and recall at every distinct threshold, in scikit-learn 1.2's order and shape. */
export function precisionRecallCurve(
  yTrue: ArrayLike<number>,
  scores: ArrayLike<number>,
  options: BinaryScoreOptions = {},
): PrecisionRecallCurve {
  const { fps, tps, thresholds } = curveCounts(yTrue, scores, options);
  const points = tps.length;
  const allPositives = tps[points - 1] as number;
  const precision = new Float64Array(points + 1);
  const recall = new Float64Array(points + 1);
  const increasing = new Float64Array(points);
  for (let p = 0; p < points; p++) {
    const source = points - 1 - p;
    const hits = tps[source] as number;
    const predicted = hits + (fps[source] as number);
    precision[p] = predicted === 0 ? 0 : hits / predicted;
    recall[p] = allPositives === 0 ? 1 : hits / allPositives;
    increasing[p] = thresholds[source] as number;
  }
  precision[points] = 1;
  recall[points] = 0;
  return { precision, recall, thresholds: increasing };
}

/** Average precision: precision at each threshold weighted by the gain in recall (no interpolation). */
export function averagePrecision(
  yTrue: ArrayLike<number>,
  scores: ArrayLike<number>,
  options: BinaryScoreOptions = {},
): number {
  const { precision, recall } = precisionRecallCurve(yTrue, scores, options);
  let sum = 0;
  for (let i = 0; i + 1 < recall.length; i++) {
    sum += ((recall[i + 1] as number) - (recall[i] as number)) * (precision[i] as number);
  }
  return -sum;
}

/**
 * Reliability curve over `nBins` equal-width bins of [0, 1] (scikit-learn's `calibration_curve`
 * with strategy "uniform"): a probability on an inner edge falls in the lower bin, empty bins
 * are left out.
 */
export function calibrationCurve(
  yTrue: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  options: { readonly positive?: number; readonly nBins?: number } = {},
): CalibrationCurve {
  checkScores(yTrue, probabilities);
  const positive = options.positive ?? 1;
  const nBins = options.nBins ?? 10;
  if (!Number.isInteger(nBins) || nBins < 1) {
    throw new TrainingError('invalid-params', `nBins must be a positive integer, got ${nBins}.`);
  }
  const step = 1 / nBins;
  const edges = new Float64Array(nBins - 1);
  for (let k = 1; k < nBins; k++) edges[k - 1] = k * step;
  const sums = new Float64Array(nBins);
  const hits = new Float64Array(nBins);
  const totals = new Float64Array(nBins);
  for (let i = 0; i < yTrue.length; i++) {
    const p = probabilities[i] as number;
    if (p < 0 || p > 1) {
      throw new TrainingError(
        'invalid-input',
        `probabilities[${i}] = ${p} is outside [0, 1].`,
        `probabilities[${i}]`,
      );
    }
    let low = 0;
    let high = edges.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((edges[middle] as number) < p) low = middle + 1;
      else high = middle;
    }
    sums[low] = (sums[low] as number) + p;
    if (yTrue[i] === positive) hits[low] = (hits[low] as number) + 1;
    totals[low] = (totals[low] as number) + 1;
  }
  const probTrue: number[] = [];
  const probPred: number[] = [];
  const counts: number[] = [];
  for (let b = 0; b < nBins; b++) {
    const total = totals[b] as number;
    if (total === 0) continue;
    probTrue.push((hits[b] as number) / total);
    probPred.push((sums[b] as number) / total);
    counts.push(total);
  }
  return {
    probTrue: Float64Array.from(probTrue),
    probPred: Float64Array.from(probPred),
    counts: Float64Array.from(counts),
  };
}
