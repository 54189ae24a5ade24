import type { Random } from '../random';

export type Task = 'classification' | 'regression';

/** A dense row-major matrix of features. NaN marks a missing value. */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float32Array;
}

export interface ClassificationTarget {
  readonly task: 'classification';
  /** Class labels; `y[i]` is an index into this list. */
  readonly classes: readonly string[];
  readonly y: Int32Array;
}

export interface RegressionTarget {
  readonly task: 'regression';
  readonly y: Float64Array;
}

export type Target = ClassificationTarget | RegressionTarget;

export interface TrainingProgress {
  /** Iteration, epoch, tree or step number, counting from 1. */
  readonly step: number;
  /** The planned number of steps when known (early stopping may end sooner). */
  readonly total?: number;
  /** Curves to plot live, e.g. { loss: 0.41, val_loss: 0.45 }. */
  readonly metrics: Readonly<Record<string, number>>;
}

export interface FitContext {
  /** The only source of randomness a learner may use. */
  readonly rng: Random;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: TrainingProgress) => void;
  /** Per-row weights, e.g. class weights for imbalance; defaults to 1. */
  readonly sampleWeight?: Float64Array;
  /** A validation set for early stopping and validation curves, when the caller has one. */
  readonly validation?: { readonly x: Matrix; readonly target: Target };
}

/** A fitted learner. Prediction is plain typed-array code: no tfjs needed after training. */
export interface Estimator {
  readonly learner: LearnerName;
  readonly task: Task;
  /** Regression: predicted values. Classification: predicted class indices. */
  predict(x: Matrix): Float64Array;
  /** Classification only: probabilities, row-major `rows × classes`. */
  predictProba?(x: Matrix): Float64Array;
  /** Plain JSON (numbers, strings, arrays, objects) from which `fromJSON` rebuilds it exactly. */
  toJSON(): EstimatorJSON;
}

export interface EstimatorJSON {
  readonly learner: LearnerName;
  readonly format: number;
  readonly [field: string]: unknown;
}

export type LearnerName = 'linear' | 'mlp' | 'gbdt' | 'forest' | 'extratrees' | 'knn' | 'nb';

export interface ParamInfo {
  readonly name: string;
  readonly kind: 'int' | 'float' | 'choice' | 'bool';
  readonly default: number | string | boolean;
  readonly min?: number;
  readonly max?: number;
  readonly choices?: readonly (string | number)[];
  /** Sample on a log scale in searches (learning rates, regularisation). */
  readonly log?: boolean;
  /** One sentence a student understands. */
  readonly help: string;
}

export interface Learner<P extends object = Record<string, unknown>> {
  readonly name: LearnerName;
  readonly label: string;
  readonly tasks: readonly Task[];
  /** Whether missing values (NaN) in the matrix are handled natively. */
  readonly handlesMissing: boolean;
  readonly params: readonly ParamInfo[];
  fit(x: Matrix, target: Target, params: Partial<P>, context: FitContext): Promise<Estimator>;
  fromJSON(json: EstimatorJSON): Estimator;
}
