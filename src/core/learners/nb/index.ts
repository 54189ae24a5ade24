import { LEARNER_CATALOG } from '../catalog';
import { checkCancelled, TrainingError } from '../../errors/training-error';
import {
  checkMatrix,
  checkPredictionMatrix,
  checkSampleWeight,
  checkTarget,
  choiceParam,
  floatParam,
} from '../forest/checks';
import type { Estimator, EstimatorJSON, Learner, Matrix } from '../types';
import { gaussianLogLikelihood, gaussianStatistics, type GaussianStatistics } from './gaussian';
import {
  checkNonNegative,
  multinomialCounts,
  multinomialLogLikelihood,
  type MultinomialCounts,
} from './multinomial';
import { MIN_ALPHA, type NbParams, type NbVariant } from './params';

export type { NbParams, NbVariant } from './params';

const NB_FORMAT = 1;

type NbModel =
  | {
      readonly variant: 'gaussian';
      readonly var_smoothing: number;
      readonly stats: GaussianStatistics;
    }
  | { readonly variant: 'multinomial'; readonly alpha: number; readonly counts: MultinomialCounts };

export interface NbEstimator extends Estimator {
  readonly learner: 'nb';
  readonly variant: NbVariant;
  readonly classes: readonly string[];
  /** Joint log-likelihoods log P(class) + log P(x | class), row-major `rows × classes`. */
  logLikelihood(x: Matrix): Float64Array;
}

/** Turns joint log-likelihoods into probabilities in place, row by row, via log-sum-exp. */
function softmaxRows(values: Float64Array, classes: number) {
  for (let start = 0; start < values.length; start += classes) {
    let max = -Infinity;
    for (let c = 0; c < classes; c++) max = Math.max(max, values[start + c] as number);
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += Math.exp((values[start + c] as number) - max);
    const logSum = max + Math.log(sum);
    for (let c = 0; c < classes; c++) {
      values[start + c] = Math.exp((values[start + c] as number) - logSum);
    }
  }
  return values;
}

function nbEstimator(model: NbModel, classes: readonly string[], cols: number): NbEstimator {
  const logLikelihood = (x: Matrix) => {
    checkPredictionMatrix(x, cols);
    return model.variant === 'gaussian'
      ? gaussianLogLikelihood(model.stats, x)
      : multinomialLogLikelihood(model.counts, model.alpha, x);
  };
  const width = classes.length;
  return {
    learner: 'nb',
    task: 'classification',
    variant: model.variant,
    classes,
    logLikelihood,
    predict(x) {
      const joint = logLikelihood(x);
      const labels = new Float64Array(x.rows);
      for (let r = 0; r < x.rows; r++) {
        let best = 0;
        for (let c = 1; c < width; c++) {
          if ((joint[r * width + c] as number) > (joint[r * width + best] as number)) best = c;
        }
        labels[r] = best;
      }
      return labels;
    },
    predictProba: (x) => softmaxRows(logLikelihood(x), width),
    toJSON: () => ({
      learner: 'nb',
      format: NB_FORMAT,
      variant: model.variant,
      classes: [...classes],
      cols,
      ...(model.variant === 'gaussian'
        ? {
            var_smoothing: model.var_smoothing,
            epsilon: model.stats.epsilon,
            classWeight: Array.from(model.stats.classWeight),
            mean: Array.from(model.stats.mean),
            variance: Array.from(model.stats.variance),
          }
        : {
            alpha: model.alpha,
            classWeight: Array.from(model.counts.classWeight),
            featureCount: Array.from(model.counts.featureCount),
          }),
    }),
  };
}

function malformed(field: string, message: string): never {
  throw new TrainingError(
    'invalid-input',
    `This naive Bayes model is damaged: ${field} ${message}.`,
    field,
  );
}

function numbers(json: EstimatorJSON, field: string, length: number): Float64Array {
  const value = json[field];
  if (
    !Array.isArray(value) ||
    value.length !== length ||
    !value.every((item) => typeof item === 'number' && Number.isFinite(item))
  ) {
    malformed(field, `is not a list of ${length} finite numbers`);
  }
  return Float64Array.from(value as number[]);
}

function nbFromJSON(json: EstimatorJSON): NbEstimator {
  if (json.learner !== 'nb') malformed('learner', `is ${String(json.learner)}, not nb`);
  if (json.format !== NB_FORMAT) malformed('format', `${String(json.format)} is not supported`);
  const { variant, classes, cols } = json;
  if (
    !Array.isArray(classes) ||
    classes.length < 2 ||
    !classes.every((c) => typeof c === 'string')
  ) {
    malformed('classes', 'is not a list of at least two labels');
  }
  if (!Number.isInteger(cols) || (cols as number) < 1)
    malformed('cols', 'is not a positive integer');
  const width = classes.length;
  const size = width * (cols as number);
  const classWeight = numbers(json, 'classWeight', width);
  if (variant === 'gaussian') {
    const { var_smoothing: varSmoothing, epsilon } = json;
    if (typeof varSmoothing !== 'number') malformed('var_smoothing', 'is not a number');
    if (typeof epsilon !== 'number') malformed('epsilon', 'is not a number');
    const stats = {
      classWeight,
      mean: numbers(json, 'mean', size),
      variance: numbers(json, 'variance', size),
      epsilon,
    };
    return nbEstimator({ variant, var_smoothing: varSmoothing, stats }, classes, cols as number);
  }
  if (variant === 'multinomial') {
    const { alpha } = json;
    if (typeof alpha !== 'number' || !(alpha > 0)) malformed('alpha', 'is not a positive number');
    const counts = { classWeight, featureCount: numbers(json, 'featureCount', size) };
    return nbEstimator({ variant, alpha, counts }, classes, cols as number);
  }
  return malformed('variant', 'is unknown');
}

/** Naive Bayes: Gaussian for continuous features or multinomial for counts. */
export const nb: Learner<NbParams> = {
  ...LEARNER_CATALOG.nb,
  async fit(x, target, params, context) {
    checkCancelled(context.signal);
    checkMatrix(x);
    if (target.task !== 'classification') {
      throw new TrainingError('invalid-input', 'Naive Bayes only does classification.', 'task');
    }
    checkTarget(x, target, nb.tasks);
    const variant = choiceParam(params.variant, 'variant', 'gaussian', ['gaussian', 'multinomial']);
    const varSmoothing = floatParam(params.var_smoothing, 'var_smoothing', 1e-9, 0, Infinity);
    const alpha = Math.max(MIN_ALPHA, floatParam(params.alpha, 'alpha', 1, 0, Infinity));
    const weights = checkSampleWeight(x.rows, context.sampleWeight);
    const classes = target.classes.length;
    let model: NbModel;
    if (variant === 'gaussian') {
      model = {
        variant,
        var_smoothing: varSmoothing,
        stats: gaussianStatistics(x, target.y, classes, weights, varSmoothing),
      };
    } else {
      checkNonNegative(x);
      model = { variant, alpha, counts: multinomialCounts(x, target.y, classes, weights) };
    }
    context.onProgress?.({ step: 1, total: 1, metrics: {} });
    return nbEstimator(model, [...target.classes], x.cols);
  },
  fromJSON: nbFromJSON,
};
