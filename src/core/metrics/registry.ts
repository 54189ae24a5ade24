import type { Task } from '../learners/types';
import { TrainingError } from '../errors/training-error';
import {
  accuracy,
  balancedAccuracy,
  f1Score,
  logLoss,
  precisionScore,
  recallScore,
} from './classification';
import { probaColumn, rocAuc, rocAucOneVsRest } from './curves';
import {
  meanAbsoluteError,
  meanAbsolutePercentageError,
  r2Score,
  rootMeanSquaredError,
  spearman,
} from './regression';

export type ClassificationMetricName =
  | 'accuracy'
  | 'balanced_accuracy'
  | 'f1_macro'
  | 'f1_weighted'
  | 'precision_macro'
  | 'recall_macro'
  | 'roc_auc'
  | 'log_loss';

export type RegressionMetricName = 'rmse' | 'mae' | 'r2' | 'mape' | 'spearman';

export type MetricName = ClassificationMetricName | RegressionMetricName;

export interface MetricOptions {
  /** Classification: the number of classes; defaults to what the labels or probabilities imply. */
  readonly nClasses?: number;
  readonly sampleWeight?: ArrayLike<number>;
}

export interface MetricSpec {
  /** The name used by the CLI, in configs and in stored run metrics. */
  readonly name: MetricName;
  readonly label: string;
  readonly task: Task;
  readonly greaterIsBetter: boolean;
  /** `compute` takes row-major `rows × C` probabilities instead of predicted labels. */
  readonly needsProba: boolean;
  /** Whether sample weights change the value (rank correlation ignores them). */
  readonly supportsWeights: boolean;
  /** One sentence a student understands. */
  readonly help: string;
  /**
   * Classification: `yTrue` holds class indices and `prediction` class indices (or probabilities
   * when `needsProba`). Regression: values. NaN when the metric is undefined for this input.
   */
  compute(yTrue: ArrayLike<number>, prediction: ArrayLike<number>, options?: MetricOptions): number;
}

function rocAucAuto(
  yTrue: ArrayLike<number>,
  proba: ArrayLike<number>,
  options: MetricOptions = {},
): number {
  const rows = yTrue.length;
  const nClasses = options.nClasses ?? proba.length / rows;
  if (nClasses * rows !== proba.length) {
    throw new TrainingError(
      'invalid-input',
      `roc_auc needs rows × ${nClasses} probabilities; got ${proba.length} values for ${rows} rows.`,
      'proba',
    );
  }
  const weights = { sampleWeight: options.sampleWeight };
  if (nClasses === 2) return rocAuc(yTrue, probaColumn(proba, rows, 1), weights);
  return rocAucOneVsRest(yTrue, proba, 'weighted', weights);
}

const classification = (
  spec: Omit<MetricSpec, 'task' | 'supportsWeights' | 'needsProba'> & { needsProba?: boolean },
): MetricSpec => ({ task: 'classification', supportsWeights: true, needsProba: false, ...spec });

const regression = (
  spec: Omit<MetricSpec, 'task' | 'supportsWeights' | 'needsProba'> & { supportsWeights?: boolean },
): MetricSpec => ({ task: 'regression', supportsWeights: true, needsProba: false, ...spec });

export const METRICS: Readonly<Record<MetricName, MetricSpec>> = {
  accuracy: classification({
    name: 'accuracy',
    label: 'Accuracy',
    greaterIsBetter: true,
    help: 'The share of rows whose class is predicted correctly.',
    compute: accuracy,
  }),
  balanced_accuracy: classification({
    name: 'balanced_accuracy',
    label: 'Balanced accuracy',
    greaterIsBetter: true,
    help: 'Accuracy measured on each class separately and then averaged, so rare classes count as much as common ones.',
    compute: balancedAccuracy,
  }),
  f1_macro: classification({
    name: 'f1_macro',
    label: 'F1 (macro)',
    greaterIsBetter: true,
    help: 'The balance of precision and recall for each class, averaged with every class counting the same.',
    compute: (yTrue, yPred, options) => f1Score(yTrue, yPred, 'macro', options),
  }),
  f1_weighted: classification({
    name: 'f1_weighted',
    label: 'F1 (weighted)',
    greaterIsBetter: true,
    help: 'The balance of precision and recall for each class, averaged with common classes counting more.',
    compute: (yTrue, yPred, options) => f1Score(yTrue, yPred, 'weighted', options),
  }),
  precision_macro: classification({
    name: 'precision_macro',
    label: 'Precision (macro)',
    greaterIsBetter: true,
    help: 'Of the rows predicted as a class, the share that really are, averaged over classes.',
    compute: (yTrue, yPred, options) => precisionScore(yTrue, yPred, 'macro', options),
  }),
  recall_macro: classification({
    name: 'recall_macro',
    label: 'Recall (macro)',
    greaterIsBetter: true,
    help: 'Of the rows of a class, the share the model finds, averaged over classes.',
    compute: (yTrue, yPred, options) => recallScore(yTrue, yPred, 'macro', options),
  }),
  roc_auc: classification({
    name: 'roc_auc',
    label: 'ROC AUC',
    greaterIsBetter: true,
    needsProba: true,
    help: 'How well the predicted probabilities rank each class above the others: 0.5 is chance, 1 is perfect.',
    compute: rocAucAuto,
  }),
  log_loss: classification({
    name: 'log_loss',
    label: 'Log loss',
    greaterIsBetter: false,
    needsProba: true,
    help: 'How surprised the model is by the true classes; confident wrong answers cost the most.',
    compute: (yTrue, proba, options) => logLoss(yTrue, proba, options),
  }),
  rmse: regression({
    name: 'rmse',
    label: 'RMSE',
    greaterIsBetter: false,
    help: 'The typical size of an error, in the units of the target; large errors weigh more.',
    compute: rootMeanSquaredError,
  }),
  mae: regression({
    name: 'mae',
    label: 'MAE',
    greaterIsBetter: false,
    help: 'The average size of an error, in the units of the target.',
    compute: meanAbsoluteError,
  }),
  r2: regression({
    name: 'r2',
    label: 'R²',
    greaterIsBetter: true,
    help: 'The share of the target’s variation the model explains: 1 is perfect, 0 is no better than the mean.',
    compute: r2Score,
  }),
  mape: regression({
    name: 'mape',
    label: 'MAPE',
    greaterIsBetter: false,
    help: 'The average error as a fraction of the true value (0.1 means 10 %); unreliable near zero.',
    compute: meanAbsolutePercentageError,
  }),
  spearman: regression({
    name: 'spearman',
    label: 'Spearman ρ',
    greaterIsBetter: true,
    supportsWeights: false,
    help: 'How well the predictions put the rows in the right order: 1 is the same order.',
    compute: (yTrue, yPred) => spearman(yTrue, yPred),
  }),
};

export const METRIC_NAMES = Object.keys(METRICS) as MetricName[];

export const isMetricName = (name: string): name is MetricName =>
  Object.prototype.hasOwnProperty.call(METRICS, name);

/** The metric called `name`, or an error listing the names there are. */
export function getMetric(name: string): MetricSpec {
  if (isMetricName(name)) return METRICS[name];
  throw new TrainingError(
    'invalid-params',
    `Unknown metric “${name}”; choose one of ${METRIC_NAMES.join(', ')}.`,
    'metric',
  );
}

export const metricsFor = (task: Task): MetricSpec[] =>
  METRIC_NAMES.map((name) => METRICS[name]).filter((metric) => metric.task === task);

/** Whether score `a` is strictly better than `b` under this metric (NaN is never better). */
export const isBetter = (metric: MetricSpec, a: number, b: number): boolean =>
  !Number.isNaN(a) && (Number.isNaN(b) || (metric.greaterIsBetter ? a > b : a < b));
