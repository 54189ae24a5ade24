import { directSolveApplies } from '../learners/linear/direct';
import type { LearnerName } from '../learners/types';
import { GPU_LEARNERS } from './executor';
import type { Params } from './types';

export interface FitShape {
  /** Training rows of the fit. */
  readonly rows: number;
  /** Feature-matrix columns. */
  readonly cols: number;
  /** 0 for regression. */
  readonly classes: number;
  /** Rows predicted after the fit (the validation rows). */
  readonly predictRows: number;
}

const number = (params: Params, name: string, fallback: number) => {
  const value = params[name];
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
};

function featuresPerSplit(learner: LearnerName, params: Params, shape: FitShape): number {
  const value = params.max_features;
  if (typeof value === 'number') return Math.max(1, Math.floor(value * shape.cols));
  if (value === 'log2') return Math.max(1, Math.floor(Math.log2(shape.cols)));
  const sqrt = value === 'sqrt' || shape.classes > 0;
  return sqrt ? Math.max(1, Math.floor(Math.sqrt(shape.cols))) : shape.cols;
}

function hiddenUnits(params: Params): number[] {
  const layers = params.hidden_layers ?? '64,64';
  const units = Array.isArray(layers) ? layers : String(layers).split(',');
  return units.map(Number).filter((unit) => unit > 0);
}

/** Least squares with an L2 penalty or none on few enough columns: one exact solve, no tfjs. */
function solvedExactly(learner: LearnerName, params: Params, shape: FitShape): boolean {
  const penalty = params.penalty ?? 'l2';
  return (
    learner === 'linear' &&
    shape.classes === 0 &&
    (penalty === 'l2' || penalty === 'none') &&
    directSolveApplies(shape.rows, shape.cols)
  );
}

/** Whether a fit runs on tfjs (and so waits for it to load and start on its first trial). */
export function fitUsesTfjs(learner: LearnerName, params: Params, shape: FitShape): boolean {
  return GPU_LEARNERS.has(learner) && !solvedExactly(learner, params, shape);
}

/**
 * The seconds one fit and its validation predictions take on a reference machine (one core of a
 * 2020s laptop, fitted to measured trials). The search ranks learners by these estimates rather
 * than by measured times so that, with a seed and a trial cap, the same trials run on any machine;
 * measured times only bound the budget.
 */
export function fitCost(learner: LearnerName, params: Params, shape: FitShape): number {
  const { rows, cols, predictRows } = shape;
  const outputs = Math.max(1, shape.classes > 2 ? shape.classes : 1);
  switch (learner) {
    case 'gbdt': {
      const trees = number(params, 'max_iter', 100) * outputs;
      const leaves = number(params, 'max_leaf_nodes', 31);
      const used = Math.max(1, cols * number(params, 'colsample', 1));
      const perTree = 1.2e-8 * rows * used + 4e-9 * leaves * used * 255 + 2e-4;
      return 0.01 + trees * perTree + 2e-8 * predictRows * trees * Math.log2(leaves + 1);
    }
    case 'forest':
    case 'extratrees': {
      const trees = number(params, 'n_estimators', 100);
      const leafRows = Math.max(1, number(params, 'min_samples_leaf', 1));
      const depth = Math.max(1, 1.5 * Math.log2(rows / leafRows));
      const split = learner === 'extratrees' ? 1.5 : 1;
      const perTree = 2.5e-8 * split * rows * depth * featuresPerSplit(learner, params, shape);
      return 0.01 + trees * (perTree + 1e-4) + 3e-8 * predictRows * trees * depth;
    }
    case 'linear':
      if (solvedExactly(learner, params, shape)) return 0.005 + 3e-9 * rows * cols * cols;
      return 0.02 + 6e-7 * rows * cols * outputs;
    case 'mlp': {
      const units = [cols, ...hiddenUnits(params), outputs];
      let weights = 0;
      for (let l = 1; l < units.length; l++)
        weights += (units[l - 1] as number) * (units[l] as number);
      const epochs = Math.min(number(params, 'max_iter', 200), 40);
      const batches = Math.ceil(rows / Math.max(1, number(params, 'batch_size', 200)));
      return 0.05 + epochs * (6e-9 * rows * weights + 1.5e-3 * batches);
    }
    case 'knn':
      return 0.005 + 5e-9 * rows * predictRows * cols;
    case 'nb':
      return 0.01 + 2e-8 * (rows + predictRows) * cols * outputs;
  }
}
