import { TrainingError } from '../../errors/training-error';
import type { ParamInfo } from '../types';

export type EarlyStopping = 'auto' | 'on' | 'off' | boolean;

export interface GbdtParams {
  readonly max_iter: number;
  readonly learning_rate: number;
  readonly max_leaf_nodes: number;
  /** 0 means no depth limit. */
  readonly max_depth: number;
  readonly min_samples_leaf: number;
  readonly l2_regularization: number;
  readonly max_bins: number;
  readonly subsample: number;
  readonly colsample: number;
  readonly early_stopping: EarlyStopping;
  readonly validation_fraction: number;
  readonly n_iter_no_change: number;
  readonly tol: number;
}

export const defaultGbdtParams: GbdtParams = {
  max_iter: 100,
  learning_rate: 0.1,
  max_leaf_nodes: 31,
  max_depth: 0,
  min_samples_leaf: 20,
  l2_regularization: 0,
  max_bins: 255,
  subsample: 1,
  colsample: 1,
  early_stopping: 'auto',
  validation_fraction: 0.1,
  n_iter_no_change: 10,
  tol: 1e-7,
};

/** Search ranges and explanations; the accepted ranges are wider (see `limits`). */
export const gbdtParamInfo: readonly ParamInfo[] = [
  {
    name: 'max_iter',
    kind: 'int',
    default: 100,
    min: 10,
    max: 1000,
    log: true,
    help: 'How many boosting rounds to run; each round adds one tree (one per class for multiclass).',
  },
  {
    name: 'learning_rate',
    kind: 'float',
    default: 0.1,
    min: 0.01,
    max: 1,
    log: true,
    help: 'How much each new tree corrects the previous ones; smaller is steadier but needs more rounds.',
  },
  {
    name: 'max_leaf_nodes',
    kind: 'int',
    default: 31,
    min: 4,
    max: 255,
    log: true,
    help: 'The most leaves one tree may have; more leaves capture more interactions but overfit sooner.',
  },
  {
    name: 'max_depth',
    kind: 'int',
    default: 0,
    min: 0,
    max: 16,
    help: 'The deepest a tree may grow, counting splits from the root; 0 means no limit.',
  },
  {
    name: 'min_samples_leaf',
    kind: 'int',
    default: 20,
    min: 1,
    max: 200,
    log: true,
    help: 'Every leaf must hold at least this many training rows, which keeps trees from memorising noise.',
  },
  {
    name: 'l2_regularization',
    kind: 'float',
    default: 0,
    min: 0,
    max: 10,
    help: 'Shrinks leaf values toward zero; larger values make each tree more cautious.',
  },
  {
    name: 'max_bins',
    kind: 'int',
    default: 255,
    min: 16,
    max: 255,
    help: 'How many value ranges each feature is bucketed into before searching for splits.',
  },
  {
    name: 'subsample',
    kind: 'float',
    default: 1,
    min: 0.5,
    max: 1,
    help: 'The fraction of rows, drawn at random, that each round learns from; below 1 adds helpful noise.',
  },
  {
    name: 'colsample',
    kind: 'float',
    default: 1,
    min: 0.3,
    max: 1,
    help: 'The fraction of features, drawn at random, that each tree may split on.',
  },
  {
    name: 'early_stopping',
    kind: 'choice',
    default: 'auto',
    choices: ['auto', 'on', 'off'],
    help: 'Stop adding trees once the validation loss stops improving; auto turns it on above 10,000 rows.',
  },
  {
    name: 'validation_fraction',
    kind: 'float',
    default: 0.1,
    min: 0.05,
    max: 0.3,
    help: 'The share of training rows held out to decide when to stop early, if no validation set is given.',
  },
  {
    name: 'n_iter_no_change',
    kind: 'int',
    default: 10,
    min: 3,
    max: 50,
    help: 'Stop early after this many rounds without the validation loss improving.',
  },
  {
    name: 'tol',
    kind: 'float',
    default: 1e-7,
    min: 1e-9,
    max: 1e-2,
    log: true,
    help: 'The smallest drop in validation loss that still counts as an improvement.',
  },
];

interface Limit {
  readonly min: number;
  readonly max: number;
  readonly integer: boolean;
  /** Whether `min` itself is excluded. */
  readonly openMin?: boolean;
}

const limits: Readonly<Record<Exclude<keyof GbdtParams, 'early_stopping'>, Limit>> = {
  max_iter: { min: 1, max: 100_000, integer: true },
  learning_rate: { min: 0, max: 10, integer: false, openMin: true },
  max_leaf_nodes: { min: 2, max: 65_536, integer: true },
  max_depth: { min: 0, max: 64, integer: true },
  min_samples_leaf: { min: 1, max: 1e9, integer: true },
  l2_regularization: { min: 0, max: 1e9, integer: false },
  max_bins: { min: 2, max: 255, integer: true },
  subsample: { min: 0, max: 1, integer: false, openMin: true },
  colsample: { min: 0, max: 1, integer: false, openMin: true },
  validation_fraction: { min: 0, max: 0.9, integer: false, openMin: true },
  n_iter_no_change: { min: 1, max: 100_000, integer: true },
  tol: { min: 0, max: 1e9, integer: false },
};

const invalid = (name: string, message: string) =>
  new TrainingError('invalid-params', `${name} ${message}`, name);

function checkNumber(name: keyof typeof limits, value: unknown): number {
  const limit = limits[name];
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw invalid(name, `must be a finite number, got ${String(value)}.`);
  }
  if (limit.integer && !Number.isInteger(value)) {
    throw invalid(name, `must be a whole number, got ${value}.`);
  }
  const tooSmall = limit.openMin ? value <= limit.min : value < limit.min;
  if (tooSmall || value > limit.max) {
    const lower = limit.openMin ? `above ${limit.min}` : `at least ${limit.min}`;
    throw invalid(name, `must be ${lower} and at most ${limit.max}, got ${value}.`);
  }
  return value;
}

function checkEarlyStopping(value: unknown): EarlyStopping {
  if (value === true || value === false || value === 'auto' || value === 'on' || value === 'off') {
    return value;
  }
  throw invalid('early_stopping', `must be 'auto', 'on' or 'off', got ${String(value)}.`);
}

/** Fills defaults and validates every parameter, naming the first one out of range. */
export function resolveGbdtParams(params: Partial<GbdtParams>): GbdtParams {
  const resolved: Record<string, unknown> = { ...defaultGbdtParams };
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined) continue;
    if (name === 'early_stopping') resolved[name] = checkEarlyStopping(value);
    else if (name in limits) resolved[name] = checkNumber(name as keyof typeof limits, value);
    else throw invalid(name, 'is not a parameter of gradient-boosted trees.');
  }
  return resolved as unknown as GbdtParams;
}

/** Whether early stopping applies: 'auto' follows scikit-learn and turns it on above 10,000 rows. */
export function earlyStoppingEnabled(setting: EarlyStopping, rows: number): boolean {
  if (setting === 'auto') return rows > 10_000;
  return setting === true || setting === 'on';
}
