import { LEARNER_CATALOG } from '../catalog';
import { checkCancelled, TrainingError } from '../../errors/training-error';
import {
  checkMatrix,
  checkPredictionMatrix,
  checkTarget,
  choiceParam,
  intParam,
  invalidParam,
} from '../forest/checks';
import type { Estimator, EstimatorJSON, Learner, Matrix, Task } from '../types';
import { nearestNeighbours, prepareRows, type Neighbours } from './neighbours';
import { type KnnMetric, type KnnParams, type KnnWeights } from './params';

export type { KnnMetric, KnnParams, KnnWeights } from './params';
export { nearestNeighbours, prepareRows, type Neighbours } from './neighbours';

const KNN_FORMAT = 1;

interface KnnModel {
  readonly task: Task;
  readonly classes: readonly string[];
  readonly k: number;
  readonly weights: KnnWeights;
  readonly metric: KnnMetric;
  readonly rows: number;
  readonly cols: number;
  /** The training matrix, row-major. */
  readonly x: Float32Array;
  /** Class indices or target values of the training rows. */
  readonly y: Float64Array;
}

export interface KnnEstimator extends Estimator {
  readonly learner: 'knn';
  readonly classes: readonly string[];
  /** The k nearest training rows of each row of `x`, nearest first. */
  neighbours(x: Matrix): Neighbours;
}

/**
 * Vote weights of one query's neighbours: 1 each, or 1/distance; neighbours at distance 0 take all
 * the weight between them (scikit-learn's rule), so an exact match decides the prediction.
 */
function voteWeights(
  neighbours: Neighbours,
  query: number,
  weighting: KnnWeights,
  out: Float64Array,
) {
  const { k, distance } = neighbours;
  const start = query * k;
  if (weighting === 'uniform') {
    out.fill(1, 0, k);
    return;
  }
  let exact = false;
  for (let j = 0; j < k; j++) if (distance[start + j] === 0) exact = true;
  for (let j = 0; j < k; j++) {
    const d = distance[start + j] as number;
    out[j] = exact ? (d === 0 ? 1 : 0) : 1 / d;
  }
}

function knnEstimator(model: KnnModel): KnnEstimator {
  const classification = model.task === 'classification';
  let train: Float64Array | null = null;
  const neighbours = (x: Matrix): Neighbours => {
    checkPredictionMatrix(x, model.cols);
    train ??= prepareRows(model.x, model.rows, model.cols, model.metric);
    const queries = prepareRows(x.data, x.rows, x.cols, model.metric);
    return nearestNeighbours(train, model.rows, queries, x.rows, x.cols, model.k, model.metric);
  };
  const predictProba = (x: Matrix): Float64Array => {
    const found = neighbours(x);
    const classes = model.classes.length;
    const proba = new Float64Array(x.rows * classes);
    const weights = new Float64Array(model.k);
    for (let q = 0; q < x.rows; q++) {
      voteWeights(found, q, model.weights, weights);
      const out = q * classes;
      let total = 0;
      for (let j = 0; j < model.k; j++) {
        const label = model.y[found.index[q * model.k + j] as number] as number;
        proba[out + label] = (proba[out + label] as number) + (weights[j] as number);
        total += weights[j] as number;
      }
      if (total > 0)
        for (let c = 0; c < classes; c++) proba[out + c] = (proba[out + c] as number) / total;
    }
    return proba;
  };
  const predict = (x: Matrix): Float64Array => {
    const out = new Float64Array(x.rows);
    if (classification) {
      const proba = predictProba(x);
      const classes = model.classes.length;
      for (let q = 0; q < x.rows; q++) {
        let best = 0;
        for (let c = 1; c < classes; c++) {
          if ((proba[q * classes + c] as number) > (proba[q * classes + best] as number)) best = c;
        }
        out[q] = best;
      }
      return out;
    }
    const found = neighbours(x);
    const weights = new Float64Array(model.k);
    for (let q = 0; q < x.rows; q++) {
      voteWeights(found, q, model.weights, weights);
      let sum = 0;
      let total = 0;
      for (let j = 0; j < model.k; j++) {
        sum += (weights[j] as number) * (model.y[found.index[q * model.k + j] as number] as number);
        total += weights[j] as number;
      }
      out[q] = sum / total;
    }
    return out;
  };
  return {
    learner: 'knn',
    task: model.task,
    classes: model.classes,
    predict,
    ...(classification ? { predictProba } : {}),
    neighbours,
    toJSON: () => ({
      learner: 'knn',
      format: KNN_FORMAT,
      task: model.task,
      classes: [...model.classes],
      k: model.k,
      weights: model.weights,
      metric: model.metric,
      rows: model.rows,
      cols: model.cols,
      x: Array.from(model.x),
      y: Array.from(model.y),
    }),
  };
}

function malformed(field: string, message: string): never {
  throw new TrainingError(
    'invalid-input',
    `This k-nearest-neighbours model is damaged: ${field} ${message}.`,
    field,
  );
}

function knnFromJSON(json: EstimatorJSON): KnnEstimator {
  if (json.learner !== 'knn') malformed('learner', `is ${String(json.learner)}, not knn`);
  if (json.format !== KNN_FORMAT) malformed('format', `${String(json.format)} is not supported`);
  const { task, classes, k, weights, metric, rows, cols, x, y } = json;
  if (task !== 'classification' && task !== 'regression') malformed('task', 'is unknown');
  if (!Array.isArray(classes) || !classes.every((label) => typeof label === 'string')) {
    malformed('classes', 'is not a list of labels');
  }
  if (!Number.isInteger(rows) || (rows as number) < 1)
    malformed('rows', 'is not a positive integer');
  if (!Number.isInteger(cols) || (cols as number) < 1)
    malformed('cols', 'is not a positive integer');
  if (!Number.isInteger(k) || (k as number) < 1 || (k as number) > (rows as number)) {
    malformed('k', 'is out of range');
  }
  if (weights !== 'uniform' && weights !== 'distance') malformed('weights', 'is unknown');
  if (metric !== 'euclidean' && metric !== 'manhattan' && metric !== 'cosine') {
    malformed('metric', 'is unknown');
  }
  const size = (rows as number) * (cols as number);
  if (!Array.isArray(x) || x.length !== size || !x.every((v) => typeof v === 'number')) {
    malformed('x', `is not a list of ${size} numbers`);
  }
  if (!Array.isArray(y) || y.length !== rows || !y.every((v) => typeof v === 'number')) {
    malformed('y', `is not a list of ${String(rows)} numbers`);
  }
  if (
    task === 'classification' &&
    !y.every((label) => Number.isInteger(label) && label >= 0 && label < classes.length)
  ) {
    malformed('y', 'holds an unknown class');
  }
  return knnEstimator({
    task,
    classes: classes as string[],
    k: k as number,
    weights,
    metric,
    rows: rows as number,
    cols: cols as number,
    x: Float32Array.from(x as number[]),
    y: Float64Array.from(y as number[]),
  });
}

/** k-nearest neighbours by brute force: predictions are the (weighted) vote or mean of the k closest training rows. */
export const knn: Learner<KnnParams> = {
  ...LEARNER_CATALOG.knn,
  async fit(x, target, params, context) {
    checkCancelled(context.signal);
    checkMatrix(x);
    checkTarget(x, target, knn.tasks);
    const k = intParam(params.k, 'k', 5, 1);
    if (k > x.rows) {
      throw invalidParam(
        'k',
        `${k} neighbours need at least ${k} training rows, there are ${x.rows}.`,
      );
    }
    const model: KnnModel = {
      task: target.task,
      classes: target.task === 'classification' ? [...target.classes] : [],
      k,
      weights: choiceParam(params.weights, 'weights', 'uniform', ['uniform', 'distance']),
      metric: choiceParam(params.metric, 'metric', 'euclidean', [
        'euclidean',
        'manhattan',
        'cosine',
      ]),
      rows: x.rows,
      cols: x.cols,
      x: x.data.slice(),
      y: Float64Array.from(target.y),
    };
    context.onProgress?.({ step: 1, total: 1, metrics: {} });
    return knnEstimator(model);
  },
  fromJSON: knnFromJSON,
};
