import type { ParamInfo, Task } from '../types';
import { boolParam, choiceParam, floatParam, intParam, invalidParam } from './checks';

export type ForestCriterion = 'gini' | 'entropy';
export type MaxFeatures = 'auto' | 'sqrt' | 'log2' | number;

export interface ForestParams {
  /** Number of trees. */
  readonly n_estimators: number;
  /** Deepest a tree may grow; 0 or null for no limit. */
  readonly max_depth: number | null;
  readonly min_samples_split: number;
  readonly min_samples_leaf: number;
  /** Features tried per split: 'sqrt', 'log2' or a fraction in (0, 1]; 'auto' is sqrt for classification, all for regression. */
  readonly max_features: MaxFeatures;
  /** Classification split criterion; regression always uses squared error. */
  readonly criterion: ForestCriterion;
  readonly bootstrap: boolean;
  /** Fraction of the rows drawn for each tree when bootstrapping. */
  readonly max_samples: number;
  readonly class_weight: 'none' | 'balanced' | null;
  /** Scores each row with the trees that did not see it (bootstrap only). */
  readonly oob_score: boolean;
}

export interface ResolvedForestParams {
  readonly n_estimators: number;
  readonly max_depth: number;
  readonly min_samples_split: number;
  readonly min_samples_leaf: number;
  readonly max_features: number;
  readonly criterion: ForestCriterion | 'squared_error';
  readonly bootstrap: boolean;
  readonly max_samples: number;
  readonly class_weight: 'none' | 'balanced';
  readonly oob_score: boolean;
}

export const MAX_TREES = 5000;

export function forestParamInfo(bootstrap: boolean): readonly ParamInfo[] {
  return [
    {
      name: 'n_estimators',
      kind: 'int',
      default: 100,
      min: 1,
      max: MAX_TREES,
      log: true,
      help: 'How many trees vote; more trees are steadier but slower to train and predict.',
    },
    {
      name: 'max_depth',
      kind: 'int',
      default: 0,
      min: 0,
      max: 64,
      help: 'The deepest a tree may grow (0 means no limit); shallower trees are simpler and less prone to overfitting.',
    },
    {
      name: 'min_samples_split',
      kind: 'int',
      default: 2,
      min: 2,
      max: 100,
      log: true,
      help: 'A node is only split when it holds at least this many rows.',
    },
    {
      name: 'min_samples_leaf',
      kind: 'int',
      default: 1,
      min: 1,
      max: 100,
      log: true,
      help: 'Every leaf keeps at least this many rows; larger values smooth the predictions.',
    },
    {
      name: 'max_features',
      kind: 'choice',
      default: 'auto',
      choices: ['auto', 'sqrt', 'log2', 0.2, 0.33, 0.5, 0.75, 1],
      help: 'How many features each split may look at: auto is the square root for classification and all of them for regression; a number is a fraction of the features.',
    },
    {
      name: 'criterion',
      kind: 'choice',
      default: 'gini',
      choices: ['gini', 'entropy'],
      help: 'How a classification split measures class mixing (regression always uses squared error).',
    },
    {
      name: 'bootstrap',
      kind: 'bool',
      default: bootstrap,
      help: 'Train each tree on a random resample of the rows drawn with replacement.',
    },
    {
      name: 'max_samples',
      kind: 'float',
      default: 1,
      min: 0.05,
      max: 1,
      help: 'With bootstrap, the fraction of the rows drawn for each tree.',
    },
    {
      name: 'class_weight',
      kind: 'choice',
      default: 'none',
      choices: ['none', 'balanced'],
      help: 'Balanced gives rare classes more weight so that every class counts equally.',
    },
    {
      name: 'oob_score',
      kind: 'bool',
      default: false,
      help: 'With bootstrap, score every row using only the trees that never saw it, a free validation estimate.',
    },
  ];
}

function featureCount(value: MaxFeatures | undefined, task: Task, cols: number): number {
  const choice = value ?? 'auto';
  if (choice === 'sqrt' || (choice === 'auto' && task === 'classification')) {
    return Math.max(1, Math.floor(Math.sqrt(cols)));
  }
  if (choice === 'auto') return cols;
  if (choice === 'log2') return Math.max(1, Math.floor(Math.log2(cols)));
  const fraction = floatParam(choice, 'max_features', 1, 0, 1, true);
  return Math.max(1, Math.floor(fraction * cols));
}

export function resolveForestParams(
  params: Partial<ForestParams>,
  task: Task,
  cols: number,
  defaultBootstrap: boolean,
): ResolvedForestParams {
  const depth = params.max_depth;
  const max_depth =
    depth === null || depth === undefined || depth === 0 || depth === Infinity
      ? Infinity
      : intParam(depth, 'max_depth', 0, 1);
  const bootstrap = boolParam(params.bootstrap, 'bootstrap', defaultBootstrap);
  const oob_score = boolParam(params.oob_score, 'oob_score', false);
  if (oob_score && !bootstrap) {
    throw invalidParam('oob_score', 'out-of-bag scores need bootstrap to be on.');
  }
  const class_weight = params.class_weight === null ? 'none' : params.class_weight;
  return {
    n_estimators: intParam(params.n_estimators, 'n_estimators', 100, 1, MAX_TREES),
    max_depth,
    min_samples_split: intParam(params.min_samples_split, 'min_samples_split', 2, 2),
    min_samples_leaf: intParam(params.min_samples_leaf, 'min_samples_leaf', 1, 1),
    max_features: featureCount(params.max_features, task, cols),
    criterion:
      task === 'regression'
        ? 'squared_error'
        : choiceParam(params.criterion, 'criterion', 'gini', ['gini', 'entropy']),
    bootstrap,
    max_samples: floatParam(params.max_samples, 'max_samples', 1, 0, 1, true),
    class_weight: choiceParam(class_weight, 'class_weight', 'none', ['none', 'balanced']),
    oob_score,
  };
}
