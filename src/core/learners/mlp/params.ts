import { invalidParam, ParamReader, type ClassWeight } from '../tf-training';
import type { ParamInfo } from '../types';
import { ACTIVATIONS, type Activation } from './network';

/** Names follow scikit-learn's MLPClassifier/MLPRegressor where the two share an idea. */
export interface MlpParams {
  /** Units per hidden layer, as a list or a comma-separated string such as "64,64". */
  hidden_layers: readonly number[] | string;
  activation: Activation;
  /** The share of hidden units dropped at random in each training step. */
  dropout: number;
  batch_norm: boolean;
  learning_rate: number;
  beta1: number;
  beta2: number;
  /** Rows per gradient step; capped at the number of training rows. */
  batch_size: number;
  /** The most epochs (passes over the training rows). */
  max_iter: number;
  /** L2 penalty on the weights, scaled by 1/batch size as in scikit-learn. */
  alpha: number;
  /** Hold out validation_fraction of the rows and stop when their loss stops improving. */
  early_stopping: boolean;
  validation_fraction: number;
  n_iter_no_change: number;
  /** The least improvement of the monitored loss that counts as one. */
  tol: number;
  class_weight: ClassWeight;
}

export const MLP_DEFAULTS: MlpParams = {
  hidden_layers: '64,64',
  activation: 'relu',
  dropout: 0,
  batch_norm: false,
  learning_rate: 1e-3,
  beta1: 0.9,
  beta2: 0.999,
  batch_size: 200,
  max_iter: 200,
  alpha: 1e-4,
  early_stopping: true,
  validation_fraction: 0.1,
  n_iter_no_change: 10,
  tol: 1e-4,
  class_weight: 'none',
};

export const HIDDEN_LAYER_CHOICES = [
  '32',
  '64',
  '128',
  '256',
  '32,32',
  '64,64',
  '128,64',
  '128,128',
  '256,128',
  '64,64,64',
  '128,128,128',
] as const;

export const MLP_PARAMS: readonly ParamInfo[] = [
  {
    name: 'hidden_layers',
    kind: 'choice',
    default: '64,64',
    choices: HIDDEN_LAYER_CHOICES,
    help: 'How many hidden layers there are and how many units each has, e.g. 64,64 for two layers of 64.',
  },
  {
    name: 'activation',
    kind: 'choice',
    default: MLP_DEFAULTS.activation,
    choices: ACTIVATIONS,
    help: 'The bend applied after each hidden layer, which lets the network learn curved patterns.',
  },
  {
    name: 'dropout',
    kind: 'float',
    default: MLP_DEFAULTS.dropout,
    min: 0,
    max: 0.5,
    help: 'The share of hidden units switched off at random while training, which fights overfitting.',
  },
  {
    name: 'batch_norm',
    kind: 'bool',
    default: MLP_DEFAULTS.batch_norm,
    help: 'Rescales each hidden layer during training, which often makes training faster and steadier.',
  },
  {
    name: 'learning_rate',
    kind: 'float',
    default: MLP_DEFAULTS.learning_rate,
    min: 1e-4,
    max: 1e-1,
    log: true,
    help: 'How big each step of the Adam optimiser is: too small learns slowly, too big diverges.',
  },
  {
    name: 'beta1',
    kind: 'float',
    default: MLP_DEFAULTS.beta1,
    min: 0.5,
    max: 0.99,
    help: "How much of the past gradients Adam's momentum keeps.",
  },
  {
    name: 'beta2',
    kind: 'float',
    default: MLP_DEFAULTS.beta2,
    min: 0.9,
    max: 0.9999,
    help: 'How long Adam remembers the size of past gradients when scaling each step.',
  },
  {
    name: 'batch_size',
    kind: 'int',
    default: MLP_DEFAULTS.batch_size,
    min: 16,
    max: 1024,
    log: true,
    help: 'How many rows each training step looks at (all rows when there are fewer).',
  },
  {
    name: 'max_iter',
    kind: 'int',
    default: MLP_DEFAULTS.max_iter,
    min: 5,
    max: 1000,
    log: true,
    help: 'The most epochs, that is passes over the training rows.',
  },
  {
    name: 'alpha',
    kind: 'float',
    default: MLP_DEFAULTS.alpha,
    min: 1e-6,
    max: 1e-1,
    log: true,
    help: 'How strongly large weights are penalised (L2), which fights overfitting.',
  },
  {
    name: 'early_stopping',
    kind: 'bool',
    default: MLP_DEFAULTS.early_stopping,
    help: 'Hold some rows out and stop, keeping the best weights, once their loss stops improving.',
  },
  {
    name: 'validation_fraction',
    kind: 'float',
    default: MLP_DEFAULTS.validation_fraction,
    min: 0.05,
    max: 0.5,
    help: 'With early stopping, the share of rows held out to judge when to stop.',
  },
  {
    name: 'n_iter_no_change',
    kind: 'int',
    default: MLP_DEFAULTS.n_iter_no_change,
    min: 2,
    max: 100,
    help: 'How many epochs without improvement to wait before stopping.',
  },
  {
    name: 'tol',
    kind: 'float',
    default: MLP_DEFAULTS.tol,
    min: 1e-6,
    max: 1e-2,
    log: true,
    help: 'The least drop in loss that counts as an improvement.',
  },
  {
    name: 'class_weight',
    kind: 'choice',
    default: MLP_DEFAULTS.class_weight,
    choices: ['none', 'balanced'],
    help: 'Classification only: balanced makes every class count equally, however rare it is.',
  },
];

export interface MlpConfig extends Omit<MlpParams, 'hidden_layers'> {
  readonly hidden_layers: readonly number[];
}

function hiddenLayers(value: unknown): number[] {
  const units =
    typeof value === 'string'
      ? value.trim() === ''
        ? []
        : value.split(',').map((part) => Number(part.trim()))
      : Array.isArray(value)
        ? (value as unknown[])
        : undefined;
  if (
    !units ||
    units.length > 8 ||
    !units.every(
      (unit) => typeof unit === 'number' && Number.isInteger(unit) && unit >= 1 && unit <= 4096,
    )
  ) {
    throw invalidParam(
      'hidden_layers',
      'up to 8 layer sizes between 1 and 4096, such as [64, 64] or "64,64"',
      value,
    );
  }
  return units as number[];
}

export function resolveMlpParams(given: Partial<MlpParams>): MlpConfig {
  const read = new ParamReader(given, MLP_DEFAULTS);
  const unit = (v: number) => v > 0 && v < 1;
  return {
    hidden_layers: hiddenLayers(read.raw('hidden_layers')),
    activation: read.choice('activation', ACTIVATIONS),
    dropout: read.number('dropout', 'a number in [0, 1)', (v) => v >= 0 && v < 1),
    batch_norm: read.boolean('batch_norm'),
    learning_rate: read.positive('learning_rate'),
    beta1: read.number('beta1', 'a number in (0, 1)', unit),
    beta2: read.number('beta2', 'a number in (0, 1)', unit),
    batch_size: read.integer('batch_size', 1),
    max_iter: read.integer('max_iter', 1),
    alpha: read.number('alpha', 'a number ≥ 0', (v) => v >= 0),
    early_stopping: read.boolean('early_stopping'),
    validation_fraction: read.number('validation_fraction', 'a number in (0, 1)', unit),
    n_iter_no_change: read.integer('n_iter_no_change', 1),
    tol: read.number('tol', 'a number ≥ 0', (v) => v >= 0),
    class_weight: read.choice('class_weight', ['none', 'balanced'] as const),
  };
}
