import { LEARNERS } from '../learners/registry';
import type { LearnerName, Task } from '../learners/types';
import type { Params } from './types';

interface NumberDim {
  readonly kind: 'float' | 'int';
  readonly name: string;
  readonly min: number;
  readonly max: number;
  /** Searched on a log scale (rates, counts, regularisation). */
  readonly log: boolean;
}

interface ChoiceDim {
  readonly kind: 'choice';
  readonly name: string;
  readonly choices: readonly (string | number)[];
}

export type Dim = NumberDim | ChoiceDim;

/** What local search may change, and the configurations every search of the learner starts from. */
export interface LearnerSpace {
  readonly learner: LearnerName;
  readonly dims: readonly Dim[];
  /**
   * Known-good configurations, tried in this order before local search: the library default
   * (scikit-learn's, which our learners reproduce) first, then settings that do well across many
   * tabular data sets (in the spirit of FLAML's zero-shot portfolios).
   */
  readonly initial: readonly Params[];
  /** Turns a value the learner accepts but the space does not list (e.g. 'sqrt') into a number. */
  readonly numeric?: (name: string, value: unknown) => number | undefined;
}

export interface DataShape {
  readonly task: Task;
  /** Training rows of a full-fidelity fit. */
  readonly rows: number;
  /** Raw input columns. */
  readonly cols: number;
  /** 0 for regression. */
  readonly classes: number;
}

const float = (name: string, min: number, max: number, log = false): Dim => ({
  kind: 'float',
  name,
  min,
  max,
  log,
});
const int = (name: string, min: number, max: number, log = true): Dim => ({
  kind: 'int',
  name,
  min,
  max: Math.max(min, max),
  log,
});
const choice = (name: string, choices: readonly (string | number)[]): Dim => ({
  kind: 'choice',
  name,
  choices,
});

function treeEnsembleSpace(learner: 'forest' | 'extratrees', shape: DataShape): LearnerSpace {
  const classification = shape.task === 'classification';
  const cols = Math.max(1, shape.cols);
  return {
    learner,
    dims: [
      int('n_estimators', 10, 1000),
      float('max_features', Math.min(1, 1 / cols), 1, true),
      int('min_samples_leaf', 1, Math.min(64, Math.max(1, Math.floor(shape.rows / 20)))),
    ],
    initial: [
      {},
      classification
        ? { n_estimators: 200, max_features: 0.5 }
        : { n_estimators: 200, max_features: learner === 'forest' ? 0.33 : 0.5 },
      { n_estimators: 300, max_features: classification ? 0.2 : 0.75, min_samples_leaf: 2 },
    ],
    numeric: (name, value) => {
      if (name !== 'max_features' || typeof value === 'number') return undefined;
      if (value === 'sqrt' || (value === 'auto' && classification))
        return Math.floor(Math.sqrt(cols)) / cols;
      if (value === 'log2') return Math.max(1, Math.floor(Math.log2(cols))) / cols;
      return 1;
    },
  };
}

const SPACES: Readonly<Record<LearnerName, (shape: DataShape) => LearnerSpace>> = {
  gbdt: (shape) => ({
    learner: 'gbdt',
    dims: [
      float('learning_rate', 0.01, 1, true),
      int('max_iter', 10, 1000),
      int('max_leaf_nodes', 4, 255),
      int('min_samples_leaf', 1, Math.min(200, Math.max(2, Math.floor(shape.rows / 10)))),
      float('l2_regularization', 1e-3, 10, true),
      float('colsample', 0.3, 1),
      float('subsample', 0.5, 1),
    ],
    initial: [
      {},
      {
        learning_rate: 0.05,
        max_iter: 200,
        max_leaf_nodes: 15,
        min_samples_leaf: 8,
        l2_regularization: 1,
        colsample: 0.8,
      },
      {
        learning_rate: 0.1,
        max_iter: 100,
        max_leaf_nodes: 63,
        min_samples_leaf: 4,
        subsample: 0.8,
        colsample: 0.6,
      },
    ],
  }),
  forest: (shape) => treeEnsembleSpace('forest', shape),
  extratrees: (shape) => treeEnsembleSpace('extratrees', shape),
  linear: (shape) =>
    shape.task === 'classification'
      ? { learner: 'linear', dims: [float('C', 1e-4, 1e4, true)], initial: [{}, { C: 10 }] }
      : {
          learner: 'linear',
          dims: [float('alpha', 1e-6, 1e3, true)],
          initial: [{}, { alpha: 10 }],
        },
  knn: (shape) => ({
    learner: 'knn',
    dims: [
      int('k', 1, Math.min(100, Math.max(1, Math.floor(shape.rows / 2)))),
      choice('weights', ['uniform', 'distance']),
      choice('metric', ['euclidean', 'manhattan', 'cosine']),
    ],
    initial: [
      {},
      { k: Math.min(15, Math.max(1, Math.floor(shape.rows / 2))), weights: 'distance' },
    ],
  }),
  // Its smoothing barely moves scores, so naive Bayes runs once (per fidelity) as a cheap baseline.
  nb: () => ({ learner: 'nb', dims: [], initial: [{}] }),
  mlp: () => ({
    learner: 'mlp',
    dims: [
      float('learning_rate', 1e-4, 3e-2, true),
      float('alpha', 1e-6, 1e-1, true),
      choice('hidden_layers', ['32', '64', '128', '64,64', '128,64', '128,128', '256,128']),
      int('batch_size', 32, 512),
      float('dropout', 0, 0.5),
    ],
    initial: [{}, { hidden_layers: '128', alpha: 1e-3, learning_rate: 3e-3 }],
  }),
};

export function learnerSpace(learner: LearnerName, shape: DataShape): LearnerSpace {
  return SPACES[learner](shape);
}

function defaultValue(learner: LearnerName, name: string): unknown {
  return LEARNERS[learner].params.find((param) => param.name === name)?.default;
}

const clamp01 = (value: number) => Math.min(1, Math.max(0, value));

/** A configuration as a point of the unit cube, one coordinate per dimension. */
export function toUnit(space: LearnerSpace, params: Params): Float64Array {
  return Float64Array.from(space.dims, (dim) => {
    const given = params[dim.name] ?? defaultValue(space.learner, dim.name);
    if (dim.kind === 'choice') {
      const index = Math.max(0, dim.choices.indexOf(given as string | number));
      return (index + 0.5) / dim.choices.length;
    }
    const value = typeof given === 'number' ? given : (space.numeric?.(dim.name, given) ?? dim.min);
    if (!dim.log) return clamp01((value - dim.min) / (dim.max - dim.min || 1));
    if (value <= dim.min) return 0;
    return clamp01(Math.log(value / dim.min) / Math.log(dim.max / dim.min));
  });
}

const significant = (value: number) => Number(value.toPrecision(4));

/** The configuration at a point of the unit cube; parameters outside the space come from `base`. */
export function fromUnit(space: LearnerSpace, unit: Float64Array, base: Params): Params {
  const params: Record<string, unknown> = { ...base };
  space.dims.forEach((dim, d) => {
    const u = clamp01(unit[d] as number);
    if (dim.kind === 'choice') {
      params[dim.name] =
        dim.choices[Math.min(dim.choices.length - 1, Math.floor(u * dim.choices.length))];
      return;
    }
    const value = dim.log
      ? dim.min * Math.pow(dim.max / dim.min, u)
      : dim.min + u * (dim.max - dim.min);
    params[dim.name] =
      dim.kind === 'int'
        ? Math.min(dim.max, Math.max(dim.min, Math.round(value)))
        : significant(value);
  });
  return params;
}

/** One string per distinct configuration (keys sorted), to skip configurations already tried. */
export function paramsKey(params: Params): string {
  return JSON.stringify(
    Object.keys(params)
      .sort()
      .map((key) => [key, params[key]]),
  );
}
