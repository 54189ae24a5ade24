import { METRICS, type MetricSpec } from '../metrics/registry';
import { argmaxRows, lossOf, validationScore } from './metric';
import type { EnsembleChoice, TrialRecord } from './types';
import { distinctRows, type EvaluationPlan } from './validation';

export interface EnsembleCandidate {
  readonly trial: number;
  /** Validation predictions laid out like the plan's `y`. */
  readonly predictions: Float64Array;
  /** Estimated seconds to refit it on all training rows. */
  readonly refitSeconds: number;
}

export interface Selection {
  /** How many times each trial was picked; the weights are these counts normalized. */
  readonly counts: ReadonlyMap<number, number>;
  readonly score: number;
}

export interface SelectionOptions {
  /** Rounds of greedy selection (with replacement). */
  readonly rounds?: number;
  /** The most refit seconds the distinct members may need together. */
  readonly refitAllowance?: number;
}

/** The validation score of out-of-fold predictions, as each trial's score is computed. */
export function foldedScore(
  metric: MetricSpec,
  plan: EvaluationPlan,
  predictions: Float64Array,
  classes: number,
): number {
  return validationScore(metric, plan.y, plan.offsets, predictions, classes);
}

/**
 * Greedy ensemble selection with replacement (Caruana, Niculescu-Mizil, Crew, Ksikes: "Ensemble
 * Selection from Libraries of Models", ICML 2004), as auto-sklearn uses it: start empty, and in
 * each round add whichever candidate makes the averaged validation predictions score best. The
 * ensemble of the best round wins. Candidates come best first, which breaks ties toward them.
 */
export function selectEnsemble(
  candidates: readonly EnsembleCandidate[],
  metric: MetricSpec,
  plan: EvaluationPlan,
  classes: number,
  options: SelectionOptions = {},
): Selection | null {
  if (candidates.length < 2) return null;
  const rounds = options.rounds ?? 25;
  const allowance = options.refitAllowance ?? Infinity;
  const length = (candidates[0] as EnsembleCandidate).predictions.length;
  const sum = new Float64Array(length);
  const blend = new Float64Array(length);
  const counts = new Map<number, number>();
  let refit = 0;
  let bestLoss = Infinity;
  let best: Selection | null = null;
  for (let round = 1; round <= rounds; round++) {
    let pick: EnsembleCandidate | null = null;
    let pickLoss = Infinity;
    for (const candidate of candidates) {
      const isNew = !counts.has(candidate.trial);
      if (isNew && refit + candidate.refitSeconds > allowance) continue;
      const p = candidate.predictions;
      for (let i = 0; i < length; i++) blend[i] = ((sum[i] as number) + (p[i] as number)) / round;
      const loss = lossOf(metric, foldedScore(metric, plan, blend, classes));
      if (loss < pickLoss) {
        pickLoss = loss;
        pick = candidate;
      }
    }
    if (!pick) break;
    if (!counts.has(pick.trial)) refit += pick.refitSeconds;
    counts.set(pick.trial, (counts.get(pick.trial) ?? 0) + 1);
    const p = pick.predictions;
    for (let i = 0; i < length; i++) sum[i] = (sum[i] as number) + (p[i] as number);
    if (pickLoss < bestLoss) {
      bestLoss = pickLoss;
      best = { counts: new Map(counts), score: metric.greaterIsBetter ? 1 - pickLoss : pickLoss };
    }
  }
  return best;
}

/**
 * The objective greedy selection follows. Label metrics (accuracy, balanced accuracy, F1) move in
 * whole rows, so a greedy search on them chases a row or two of luck in the validation folds;
 * the blend is chosen on log loss instead, a proper scoring rule that moves smoothly with every
 * probability, and must then also beat the best single model on the search's own metric.
 */
export function selectionObjective(metric: MetricSpec, classWeight = false): MetricSpec {
  if (metric.task !== 'classification' || metric.needsProba) return metric;
  if (!classWeight) return METRICS.log_loss;
  // With class weights, every class counts alike in the log loss too, as in training.
  const logLoss = METRICS.log_loss;
  return {
    ...logLoss,
    compute: (y, proba, options) =>
      logLoss.compute(y, proba, { ...options, sampleWeight: balancedRowWeights(y) }),
  };
}

/** scikit-learn's "balanced" weights of the rows: rows / (classes present × rows of the class). */
function balancedRowWeights(y: ArrayLike<number>): Float64Array {
  const counts = new Map<number, number>();
  for (let i = 0; i < y.length; i++)
    counts.set(y[i] as number, (counts.get(y[i] as number) ?? 0) + 1);
  return Float64Array.from(
    { length: y.length },
    (_, i) => y.length / (counts.size * (counts.get(y[i] as number) as number)),
  );
}

/** The blend of the selected candidates' predictions, weighted by how often each was picked. */
function blend(
  counts: ReadonlyMap<number, number>,
  predictions: ReadonlyMap<number, Float64Array>,
): Float64Array {
  const total = [...counts.values()].reduce((sum, count) => sum + count, 0);
  let out: Float64Array | null = null;
  for (const [trial, count] of counts) {
    const p = predictions.get(trial) as Float64Array;
    out ??= new Float64Array(p.length);
    for (let i = 0; i < p.length; i++)
      out[i] = (out[i] as number) + (count / total) * (p[i] as number);
  }
  return out ?? new Float64Array(0);
}

/**
 * Each validation row's share of the metric's loss, for metrics that are a mean over rows (the
 * error rate, the class-weighted error rate, log loss, squared and absolute errors); null for
 * the others (AUC, F1, rank correlation).
 */
export function rowLosses(
  metric: MetricSpec,
  y: ArrayLike<number>,
  predictions: Float64Array,
  classes: number,
): Float64Array | null {
  const rows = y.length;
  const losses = new Float64Array(rows);
  if (metric.task === 'regression') {
    if (!['rmse', 'r2', 'mae'].includes(metric.name)) return null;
    for (let i = 0; i < rows; i++) {
      const error = (predictions[i] as number) - (y[i] as number);
      losses[i] = metric.name === 'mae' ? Math.abs(error) : error * error;
    }
    return losses;
  }
  const labels = argmaxRows(predictions, classes);
  if (metric.name === 'log_loss') {
    for (let i = 0; i < rows; i++) {
      const p = predictions[i * classes + (y[i] as number)] as number;
      losses[i] = -Math.log(Math.min(1, Math.max(p, 1e-15)));
    }
    return losses;
  }
  if (metric.name !== 'accuracy' && metric.name !== 'balanced_accuracy') return null;
  const counts = new Float64Array(classes);
  for (let i = 0; i < rows; i++) counts[y[i] as number] = (counts[y[i] as number] as number) + 1;
  const present = counts.filter((count) => count > 0).length;
  for (let i = 0; i < rows; i++) {
    const weight =
      metric.name === 'accuracy' ? 1 : rows / (present * (counts[y[i] as number] as number));
    losses[i] = labels[i] === y[i] ? 0 : weight;
  }
  return losses;
}

/** Standard errors the ensemble's mean gain per row must exceed (a one-sided test at ~98 %). */
const SIGNIFICANCE = 2;

/**
 * Whether the ensemble's better score is more than noise: on metrics that are a mean over rows,
 * its mean gain per row must exceed two standard errors of that gain (a paired test: rows where
 * both models do the same add nothing); on the others the gain must be worth at least one
 * validation row; rows validated once per repeat of the folds count once. Ensembles of many
 * trials fit the validation rows they were chosen on, so a
 * small gain there often vanishes on new rows, where the simpler single model does as well.
 */
export function clearlyBetter(
  metric: MetricSpec,
  plan: EvaluationPlan,
  classes: number,
  single: Float64Array,
  ensemble: Float64Array,
  gain: number,
): boolean {
  if (!(gain > 0)) return false;
  const before = rowLosses(metric, plan.y, single, Math.max(1, classes));
  const after = rowLosses(metric, plan.y, ensemble, Math.max(1, classes));
  const rows = plan.y.length;
  const distinct = distinctRows(plan);
  if (!before || !after) return gain >= 1 / distinct;
  let sum = 0;
  let squares = 0;
  for (let i = 0; i < rows; i++) {
    const difference = (before[i] as number) - (after[i] as number);
    sum += difference;
    squares += difference * difference;
  }
  const mean = sum / rows;
  const variance = Math.max(0, squares / rows - mean * mean);
  return mean > SIGNIFICANCE * Math.sqrt(variance / distinct);
}

/**
 * Runs greedy selection over the candidates (best first) and says whether its ensemble is kept:
 * only when it has two or more members and beats the best single trial on the search's metric
 * by more than noise.
 */
export function chooseEnsemble(
  best: TrialRecord,
  candidates: readonly {
    readonly record: TrialRecord;
    readonly predictions: Float64Array;
    readonly refitSeconds: number;
  }[],
  metric: MetricSpec,
  plan: EvaluationPlan,
  classes: number,
  refitAllowance: number,
  classWeight = false,
): EnsembleChoice | null {
  const objective = selectionObjective(metric, classWeight);
  const selection = selectEnsemble(
    candidates.map(({ record, predictions, refitSeconds }) => ({
      trial: record.id,
      predictions,
      refitSeconds,
    })),
    objective,
    plan,
    classes,
    { refitAllowance },
  );
  if (!selection) return null;
  const records = new Map(candidates.map(({ record }) => [record.id, record]));
  const predictions = new Map(
    candidates.map(({ record, predictions }) => [record.id, predictions]),
  );
  const blended = blend(selection.counts, predictions);
  const score =
    objective === metric ? selection.score : foldedScore(metric, plan, blended, classes);
  const total = [...selection.counts.values()].reduce((sum, count) => sum + count, 0);
  const members = [...selection.counts.entries()]
    .map(([trial, count]) => {
      const record = records.get(trial) as TrialRecord;
      return { trial, learner: record.learner, params: record.params, weight: count / total };
    })
    .sort((a, b) => b.weight - a.weight || a.trial - b.trial);
  const single = best.score as number;
  const gain = lossOf(metric, single) - lossOf(metric, score);
  const bestPredictions = predictions.get(best.id);
  const kept =
    members.length >= 2 &&
    bestPredictions !== undefined &&
    clearlyBetter(metric, plan, classes, bestPredictions, blended, gain);
  const format = (value: number) => value.toFixed(4);
  const objectiveName = classWeight ? `class-weighted ${objective.name}` : objective.name;
  const chosenBy = objective === metric ? '' : ` (weights chosen on ${objectiveName})`;
  return {
    members,
    score,
    bestSingleScore: single,
    kept,
    reason: kept
      ? `${members.length} models together${chosenBy} score ${format(score)} against ${format(single)} for the best single model.`
      : members.length < 2
        ? `Greedy selection${chosenBy} kept only one model.`
        : gain > 0
          ? `The ensemble${chosenBy} scores ${format(score)} against ${format(single)} for the best single model, a gain within the noise of the validation rows.`
          : `The ensemble${chosenBy} scores ${format(score)}, no better than the best single model's ${format(single)}.`,
  };
}
