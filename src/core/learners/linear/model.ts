import { TrainingError } from '../../errors/training-error';
import { assertColumns, assertFiniteFeatures, jsonField, numbersFromJSON } from '../tf-training';
import type { Estimator, EstimatorJSON, Matrix, Task } from '../types';

export const LINEAR_FORMAT = 1;

/**
 * A fitted linear model in scikit-learn's layout. `coef` is row-major `outputs × features`:
 * one row for regression and for two classes (the score of `labels[1]` against `labels[0]`),
 * one row per label for more classes (softmax). `labels` maps rows to indices into `classes`;
 * classes without training rows have no row and get probability 0.
 */
export interface LinearState {
  readonly task: Task;
  readonly features: number;
  readonly coef: Float64Array;
  readonly intercept: Float64Array;
  readonly classes?: readonly string[];
  readonly labels?: Int32Array;
  /** Optimisation steps taken, and whether the stopping tolerance was reached. */
  readonly iterations: number;
  readonly converged: boolean;
}

export class LinearModel implements Estimator {
  readonly learner = 'linear' as const;
  readonly task: Task;
  readonly features: number;
  readonly coef: Float64Array;
  readonly intercept: Float64Array;
  readonly classes: readonly string[] | undefined;
  readonly labels: Int32Array | undefined;
  readonly iterations: number;
  readonly converged: boolean;

  constructor(state: LinearState) {
    this.task = state.task;
    this.features = state.features;
    this.coef = state.coef;
    this.intercept = state.intercept;
    this.classes = state.classes;
    this.labels = state.labels;
    this.iterations = state.iterations;
    this.converged = state.converged;
  }

  /** Raw scores `rows × outputs` (the linear part, before any sigmoid or softmax). */
  decisionFunction(x: Matrix): Float64Array {
    assertColumns(x, this.features);
    assertFiniteFeatures(x, 'A linear model');
    const outputs = this.intercept.length;
    const { rows, cols, data } = x;
    const scores = new Float64Array(rows * outputs);
    for (let i = 0; i < rows; i++) {
      const offset = i * cols;
      for (let k = 0; k < outputs; k++) {
        const weights = k * cols;
        let sum = this.intercept[k] as number;
        for (let j = 0; j < cols; j++) {
          sum += (data[offset + j] as number) * (this.coef[weights + j] as number);
        }
        scores[i * outputs + k] = sum;
      }
    }
    return scores;
  }

  predict(x: Matrix): Float64Array {
    if (this.task === 'regression') return this.decisionFunction(x);
    const proba = this.predictProba(x);
    const classes = this.classes?.length ?? 0;
    const out = new Float64Array(x.rows);
    for (let i = 0; i < x.rows; i++) {
      let best = 0;
      for (let c = 1; c < classes; c++) {
        if ((proba[i * classes + c] as number) > (proba[i * classes + best] as number)) best = c;
      }
      out[i] = best;
    }
    return out;
  }

  predictProba(x: Matrix): Float64Array {
    const labels = this.labels;
    const classes = this.classes?.length ?? 0;
    if (this.task !== 'classification' || !labels) {
      throw new TrainingError('invalid-input', 'Probabilities exist only for classification.');
    }
    const scores = this.decisionFunction(x);
    const outputs = this.intercept.length;
    const proba = new Float64Array(x.rows * classes);
    for (let i = 0; i < x.rows; i++) {
      const row = i * classes;
      if (outputs === 1) {
        const positive = sigmoid(scores[i] as number);
        proba[row + (labels[1] as number)] = positive;
        proba[row + (labels[0] as number)] = 1 - positive;
        continue;
      }
      let max = -Infinity;
      for (let k = 0; k < outputs; k++) max = Math.max(max, scores[i * outputs + k] as number);
      let total = 0;
      for (let k = 0; k < outputs; k++)
        total += Math.exp((scores[i * outputs + k] as number) - max);
      for (let k = 0; k < outputs; k++) {
        proba[row + (labels[k] as number)] =
          Math.exp((scores[i * outputs + k] as number) - max) / total;
      }
    }
    return proba;
  }

  toJSON(): EstimatorJSON {
    return {
      learner: 'linear',
      format: LINEAR_FORMAT,
      task: this.task,
      features: this.features,
      coef: Array.from(this.coef),
      intercept: Array.from(this.intercept),
      ...(this.classes && this.labels
        ? { classes: [...this.classes], labels: Array.from(this.labels) }
        : {}),
      iterations: this.iterations,
      converged: this.converged,
    };
  }
}

function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

export function linearFromJSON(json: EstimatorJSON): LinearModel {
  if (json.learner !== 'linear' || json.format !== LINEAR_FORMAT) {
    throw new TrainingError(
      'invalid-input',
      `Expected a linear model in format ${LINEAR_FORMAT}, got ${json.learner} format ${json.format}.`,
    );
  }
  const task = jsonField(json, 'task');
  const features = jsonField(json, 'features');
  const iterations = jsonField(json, 'iterations');
  const converged = jsonField(json, 'converged');
  if (
    (task !== 'classification' && task !== 'regression') ||
    typeof features !== 'number' ||
    !Number.isInteger(features) ||
    features < 1 ||
    typeof iterations !== 'number' ||
    typeof converged !== 'boolean'
  ) {
    throw new TrainingError('invalid-input', 'The saved linear model is malformed.');
  }
  const intercept = numbersFromJSON(jsonField(json, 'intercept'), 'intercept', float64);
  const coef = numbersFromJSON(
    jsonField(json, 'coef'),
    'coef',
    float64,
    intercept.length * features,
  );
  if (task === 'regression') {
    if (intercept.length !== 1) {
      throw new TrainingError('invalid-input', 'A saved linear regression has one output.');
    }
    return new LinearModel({ task, features, coef, intercept, iterations, converged });
  }
  const classes = jsonField(json, 'classes');
  if (!Array.isArray(classes) || !classes.every((name) => typeof name === 'string')) {
    throw new TrainingError('invalid-input', 'The saved linear classifier needs its classes.');
  }
  const outputs = intercept.length;
  const labelCount = outputs === 1 ? 2 : outputs;
  const labelValues = numbersFromJSON(jsonField(json, 'labels'), 'labels', float64, labelCount);
  if (
    !labelValues.every((label) => Number.isInteger(label) && label >= 0 && label < classes.length)
  ) {
    throw new TrainingError('invalid-input', 'The saved linear classifier has a bad label.');
  }
  return new LinearModel({
    task,
    features,
    coef,
    intercept,
    classes: classes as string[],
    labels: Int32Array.from(labelValues),
    iterations,
    converged,
  });
}

const float64 = (length: number) => new Float64Array(length);
