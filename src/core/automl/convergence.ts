import type { MetricSpec } from '../metrics/registry';
import { rowLosses } from './ensemble';
import { pooledMetric } from './metric';
import type { TrialRecord } from './types';
import { distinctRows, type EvaluationPlan } from './validation';

/** Results in a row, at the least, that must bring no clear gain before a search has converged. */
const MIN_PATIENCE = 10;
/** …and at least this many per learner searched, so that each gets its turns after the first. */
const PATIENCE_PER_LEARNER = 2;

/**
 * Results in a row without a clear gain before a search has converged, for `learners` searched
 * and `folds` validation folds. One holdout tells apart only large gains (its standard error is
 * that of a few hundred rows), so real ones hide in its noise for longer: twice the patience.
 */
export function patienceFor(learners: number, folds = 2): number {
  const patience = Math.max(MIN_PATIENCE, PATIENCE_PER_LEARNER * learners);
  return folds === 1 ? 2 * patience : patience;
}

const standardDeviation = (values: ArrayLike<number>): number => {
  const n = values.length;
  if (n < 2) return 0;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i] as number;
  const mean = sum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += ((values[i] as number) - mean) ** 2;
  return Math.sqrt(squares / (n - 1));
};

/**
 * The standard error of a trial's validation score: how much the score would move on other
 * validation rows. With folds, the spread of the fold scores; with one holdout, the spread of the
 * per-row losses, on the metric's scale. For a metric that is not a mean over rows (AUC, F1) on
 * one holdout it is the worth of one row, the least change the metric can resolve.
 */
export function scoreNoise(
  metric: MetricSpec,
  plan: EvaluationPlan,
  classes: number,
  foldScores: readonly number[],
  predictions: Float64Array | null,
): number {
  const rows = plan.y.length;
  // Repeats of the folds validate the same rows again: their scores are not new evidence, so
  // the error is that of one repeat's rows and folds (a bound: repeats do steady the mean some).
  const repeats = Math.max(1, plan.repeats);
  const distinct = distinctRows(plan);
  const oneRow = 1 / Math.max(1, distinct);
  // A pooled score's spread is that of its rows: its fold scores (R² of a few rows) vary far
  // more than the score does.
  if (foldScores.length >= 2 && !pooledMetric(metric, plan.offsets)) {
    return standardDeviation(foldScores) / Math.sqrt(Math.max(1, foldScores.length / repeats));
  }
  if (!predictions || rows < 2) return oneRow;
  const losses = rowLosses(metric, plan.y, predictions, Math.max(1, classes));
  if (!losses) return oneRow;
  const error = standardDeviation(losses) / Math.sqrt(Math.max(1, distinct));
  if (metric.name === 'r2') {
    const variance = standardDeviation(plan.y) ** 2;
    return variance > 0 ? error / variance : oneRow;
  }
  if (metric.name === 'rmse') {
    let squares = 0;
    for (let i = 0; i < rows; i++) squares += losses[i] as number;
    const rmse = Math.sqrt(squares / rows);
    // The delta method: d sqrt(m) = dm / (2 sqrt(m)).
    return rmse > 0 ? error / (2 * rmse) : oneRow;
  }
  return error;
}

export interface ConvergenceInput {
  /** Trials whose results the search has taken in, in id order. */
  readonly records: readonly TrialRecord[];
  /** The first trial id of the current run: only its trials count towards patience. */
  readonly firstOfRun: number;
  readonly patience: number;
  readonly lossOf: (record: TrialRecord) => number;
  /** The standard error of a successful trial's score (see `scoreNoise`). */
  readonly noiseOf: (record: TrialRecord) => number;
}

export interface Convergence {
  readonly converged: boolean;
  /** Why, in a sentence, when it has converged. */
  readonly reason: string;
}

/**
 * Whether the best score has stopped moving: over the last `patience` results of this run, it
 * gained no more than one standard error of the best score before them. Small gains add up, so
 * a steady climb in steps each within the noise still counts as progress once it adds up to more.
 * Only results taken in count (never whichever trial finished first), so that the decision,
 * like every proposal, depends on the seed alone.
 */
export function checkConvergence(input: ConvergenceInput): Convergence {
  const { records, firstOfRun, patience, lossOf, noiseOf } = input;
  const ofRun = records.filter((record) => record.id >= firstOfRun);
  if (ofRun.length < patience) return { converged: false, reason: '' };
  const windowStart = (ofRun[ofRun.length - patience] as TrialRecord).id;
  let before: TrialRecord | null = null;
  let now: TrialRecord | null = null;
  for (const record of records) {
    const loss = lossOf(record);
    if (!Number.isFinite(loss)) continue;
    if (record.id < windowStart && (!before || loss < lossOf(before))) before = record;
    if (!now || loss < lossOf(now)) now = record;
  }
  if (!before || !now) return { converged: false, reason: '' };
  const gain = lossOf(before) - lossOf(now);
  const noise = noiseOf(before);
  if (gain > noise) return { converged: false, reason: '' };
  const format = (value: number) => value.toPrecision(2);
  return {
    converged: true,
    reason:
      gain > 0
        ? `the best score gained only ${format(gain)} over the last ${patience} trials, within its standard error of ${format(noise)}`
        : `the last ${patience} trials did not improve on the best score`,
  };
}
