import { TrainingError } from '../errors/training-error';
import type { Task } from '../learners/types';
import { METRICS, metricsFor, type MetricName, type MetricSpec } from '../metrics/registry';

/** The metrics AutoML offers first for each task; every metric of the task is accepted. */
export const AUTOML_METRICS: Readonly<Record<Task, readonly MetricName[]>> = {
  classification: ['accuracy', 'balanced_accuracy', 'roc_auc', 'log_loss', 'f1_macro'],
  regression: ['rmse', 'mae', 'r2', 'spearman'],
};

/** Names other tools use for the same metrics. */
const ALIASES: Readonly<Record<string, MetricName>> = {
  auc: 'roc_auc',
  auc_weighted: 'roc_auc',
  roc_auc_ovr_weighted: 'roc_auc',
  logloss: 'log_loss',
  neg_log_loss: 'log_loss',
  f1: 'f1_macro',
  macro_f1: 'f1_macro',
  r2_score: 'r2',
  neg_root_mean_squared_error: 'rmse',
  neg_mean_absolute_error: 'mae',
  spearman_correlation: 'spearman',
};

export function metricByName(name: string): MetricSpec | undefined {
  const key = name.trim().toLowerCase();
  const resolved = Object.hasOwn(METRICS, key) ? (key as MetricName) : ALIASES[key];
  return resolved ? METRICS[resolved] : undefined;
}

/** The metric called `name` (or an alias), checked against the task. */
export function resolveMetric(name: string, task: Task): MetricSpec {
  const spec = metricByName(name);
  if (!spec) {
    const names = [...AUTOML_METRICS.classification, ...AUTOML_METRICS.regression];
    throw new TrainingError(
      'invalid-params',
      `Unknown metric “${name}”; choose one of ${names.join(', ')} (auc_weighted is roc_auc).`,
      'metric',
    );
  }
  if (spec.task !== task) {
    throw new TrainingError(
      'invalid-params',
      `The metric ${spec.name} is for ${spec.task}, but this is ${task}; choose one of ${metricsFor(
        task,
      )
        .map((metric) => metric.name)
        .join(', ')}.`,
      'metric',
    );
  }
  return spec;
}

/**
 * Accuracy when the classes are roughly balanced; balanced accuracy when they are not, since
 * accuracy then rewards ignoring the rare classes. R² for regression: scale-free, so scores read
 * the same on every data set, and it ranks models exactly as RMSE does on one validation set.
 */
export function defaultMetric(
  task: Task,
  imbalanced: boolean,
): { metric: MetricSpec; reason: string } {
  if (task === 'regression') {
    return { metric: METRICS.r2, reason: 'R² is the default for regression.' };
  }
  return imbalanced
    ? {
        metric: METRICS.balanced_accuracy,
        reason: 'The classes are imbalanced, so models are ranked by balanced accuracy.',
      }
    : {
        metric: METRICS.accuracy,
        reason: 'The classes are roughly balanced, so models are ranked by accuracy.',
      };
}

/**
 * A loss that is lower for better models and near 0 for perfect ones, as FLAML's scheduler
 * expects: 1 − score for scores bounded by 1, the score itself for errors. NaN is the worst.
 */
export function lossOf(metric: MetricSpec, score: number): number {
  if (!Number.isFinite(score)) return Infinity;
  return metric.greaterIsBetter ? 1 - score : score;
}

export const scoreOf = (metric: MetricSpec, loss: number): number =>
  metric.greaterIsBetter ? 1 - loss : loss;

/** Class indices of the most probable class of each row of row-major `rows × k` probabilities. */
export function argmaxRows(proba: ArrayLike<number>, k: number): Float64Array {
  const rows = proba.length / k;
  const labels = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let best = 0;
    const at = i * k;
    for (let c = 1; c < k; c++)
      if ((proba[at + c] as number) > (proba[at + best] as number)) best = c;
    labels[i] = best;
  }
  return labels;
}

/**
 * Scores predictions: class probabilities (`rows × k`) for classification, values for regression.
 * Label metrics see the most probable class.
 */
export function scorePredictions(
  metric: MetricSpec,
  y: ArrayLike<number>,
  prediction: Float64Array,
  classes: number,
): number {
  if (metric.task === 'regression') return metric.compute(y, prediction);
  const input = metric.needsProba ? prediction : argmaxRows(prediction, classes);
  return metric.compute(y, input, { nClasses: classes });
}

/**
 * Metrics scored on all validation rows at once (the out-of-fold predictions pooled) when the
 * folds are small, rather than averaged over folds. R² and Spearman's ρ of a small fold measure
 * it against its own few rows: 54 rows in 10 folds leave 5 a fold, whose own variance is tiny,
 * and fold R² near −2 averaged for models that explain a fifth of the variance overall. From 20
 * rows a fold on, fold scores are steady enough, and averaged as for every other metric.
 */
const POOLED: ReadonlySet<string> = new Set(['r2', 'spearman']);
const POOLED_BELOW_FOLD_ROWS = 20;

export const pooledMetric = (metric: MetricSpec, offsets: Int32Array): boolean => {
  const folds = offsets.length - 1;
  return (
    POOLED.has(metric.name) &&
    folds > 1 &&
    (offsets[folds] as number) / folds < POOLED_BELOW_FOLD_ROWS
  );
};

/**
 * The validation score of out-of-fold `predictions` (laid out as the plan's validation rows): a
 * pooled metric over all of them, any other the mean of its fold scores.
 */
export function validationScore(
  metric: MetricSpec,
  y: Int32Array | Float64Array,
  offsets: Int32Array,
  predictions: Float64Array,
  classes: number,
): number {
  const folds = offsets.length - 1;
  const width = Math.max(1, classes);
  const score = (from: number, to: number) =>
    scorePredictions(
      metric,
      y.subarray(from, to),
      predictions.subarray(from * width, to * width),
      classes,
    );
  if (pooledMetric(metric, offsets)) return score(0, offsets[folds] as number);
  let total = 0;
  for (let f = 0; f < folds; f++) total += score(offsets[f] as number, offsets[f + 1] as number);
  return total / folds;
}
