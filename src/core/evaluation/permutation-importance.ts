import { checkCancelled, TrainingError, yieldToEventLoop } from '../errors/training-error';
import type { Matrix } from '../learners/types';
import { getMetric, type MetricName, type MetricSpec } from '../metrics/registry';
import type { Random } from '../random';
import { range, shuffleInPlace } from './split';

/**
 * Predictions for a matrix: labels or values, or row-major probabilities when the metric needs
 * them. The matrix's buffer is reused between calls, so a predictor must not keep it.
 */
export type Predict = (x: Matrix) => Float64Array | Promise<Float64Array>;

export interface PermutationImportanceOptions {
  /** Shuffles per feature; defaults to 5. */
  readonly repeats?: number;
  readonly rng: Random;
  readonly signal?: AbortSignal;
  readonly sampleWeight?: ArrayLike<number>;
  /** Classification: the number of classes, when the labels in y may not show them all. */
  readonly nClasses?: number;
  readonly onProgress?: (done: number, total: number) => void;
}

export interface PermutationImportance {
  readonly metric: MetricName;
  /** The score on the unshuffled data. */
  readonly baseline: number;
  /** How much the score worsens when a feature is shuffled: positive means the model uses it. */
  readonly importancesMean: Float64Array;
  readonly importancesStd: Float64Array;
  /** Row-major `features × repeats`. */
  readonly importances: Float64Array;
}

/**
 * scikit-learn's permutation_importance: the loss of score when one feature's values are shuffled
 * across rows, breaking its link with the target. Only the shuffled column of a single working
 * copy of the matrix is rewritten for each shuffle, and restored before the next feature.
 */
export async function permutationImportance(
  predict: Predict,
  x: Matrix,
  y: ArrayLike<number>,
  metric: MetricSpec | MetricName,
  options: PermutationImportanceOptions,
): Promise<PermutationImportance> {
  const spec = typeof metric === 'string' ? getMetric(metric) : metric;
  const repeats = options.repeats ?? 5;
  if (!Number.isInteger(repeats) || repeats < 1) {
    throw new TrainingError(
      'invalid-params',
      `repeats must be a whole number of at least 1, got ${repeats}.`,
      'repeats',
    );
  }
  const { rows, cols } = x;
  if (y.length !== rows) {
    throw new TrainingError(
      'invalid-input',
      `y has ${y.length} values but x has ${rows} rows.`,
      'y',
    );
  }
  const { signal, rng } = options;
  const data = new Float32Array(x.data);
  const working: Matrix = { rows, cols, data };
  const metricOptions = { nClasses: options.nClasses, sampleWeight: options.sampleWeight };
  const score = async () => spec.compute(y, await predict(working), metricOptions);

  checkCancelled(signal);
  const baseline = await score();
  const importances = new Float64Array(cols * repeats);
  const original = new Float32Array(rows);
  const order = range(rows);
  for (let feature = 0; feature < cols; feature++) {
    for (let i = 0; i < rows; i++) original[i] = data[i * cols + feature] as number;
    for (let repeat = 0; repeat < repeats; repeat++) {
      checkCancelled(signal);
      shuffleInPlace(order, rng);
      for (let i = 0; i < rows; i++)
        data[i * cols + feature] = original[order[i] as number] as number;
      const shuffled = await score();
      importances[feature * repeats + repeat] = spec.greaterIsBetter
        ? baseline - shuffled
        : shuffled - baseline;
    }
    for (let i = 0; i < rows; i++) data[i * cols + feature] = original[i] as number;
    options.onProgress?.(feature + 1, cols);
    await yieldToEventLoop();
  }

  const importancesMean = new Float64Array(cols);
  const importancesStd = new Float64Array(cols);
  for (let feature = 0; feature < cols; feature++) {
    const values = importances.subarray(feature * repeats, (feature + 1) * repeats);
    let mean = 0;
    for (const value of values) mean += value;
    mean /= repeats;
    let squares = 0;
    for (const value of values) squares += (value - mean) * (value - mean);
    importancesMean[feature] = mean;
    importancesStd[feature] = Math.sqrt(squares / repeats);
  }
  return { metric: spec.name, baseline, importancesMean, importancesStd, importances };
}
