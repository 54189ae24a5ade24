import { TrainingError } from '../../errors/training-error';
import type { Estimator, EstimatorJSON, Matrix, Task } from '../types';
import { checkPredictionMatrix } from './checks';
import type { ResolvedForestParams } from './params';
import { accumulateLeaves, treeViews, type FlatForest, type TreeArrays } from './tree';

export const FOREST_FORMAT = 1;

export type ForestLearnerName = 'forest' | 'extratrees';

export interface ForestModel {
  readonly learner: ForestLearnerName;
  readonly task: Task;
  /** Class labels for classification; empty for regression. */
  readonly classes: readonly string[];
  readonly cols: number;
  readonly forest: FlatForest;
  /** Impurity-based importances, normalised to sum to 1 (all zero when no tree split). */
  readonly importances: Float64Array;
  readonly params: ResolvedForestParams;
  /** Out-of-bag accuracy (classification) or R² (regression), when computed. */
  readonly oobScore: number | null;
}

export interface ForestEstimator extends Estimator {
  readonly learner: ForestLearnerName;
  readonly classes: readonly string[];
  readonly treeCount: number;
  readonly oobScore: number | null;
  /** Impurity-based feature importances (mean decrease in impurity), summing to 1. */
  featureImportances(): Float64Array;
  /** Every tree's nodes, e.g. for ONNX export; node indices are local to each tree. */
  trees(): readonly TreeArrays[];
}

export function isForestEstimator(estimator: Estimator): estimator is ForestEstimator {
  return (
    (estimator.learner === 'forest' || estimator.learner === 'extratrees') &&
    typeof (estimator as Partial<ForestEstimator>).trees === 'function'
  );
}

/** The trees of a fitted random forest or extra-trees estimator, e.g. for ONNX export. */
export function forestTrees(estimator: Estimator): readonly TreeArrays[] {
  if (!isForestEstimator(estimator)) {
    throw new TrainingError('invalid-input', `A ${estimator.learner} model has no trees.`);
  }
  return estimator.trees();
}

/** Mean leaf values over the trees, `rows × width`. */
function averageLeaves(model: ForestModel, x: Matrix): Float64Array {
  checkPredictionMatrix(x, model.cols);
  const { forest } = model;
  const out = new Float64Array(x.rows * forest.width);
  accumulateLeaves(forest, x.data, x.rows, x.cols, out);
  const trees = forest.treeNodeStart.length - 1;
  for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) / trees;
  return out;
}

/** Index of the largest of `width` values from `offset`; the first one wins ties. */
export function argmax(values: Float64Array, offset: number, width: number): number {
  let best = 0;
  let bestValue = values[offset] as number;
  for (let c = 1; c < width; c++) {
    const value = values[offset + c] as number;
    if (value > bestValue) {
      bestValue = value;
      best = c;
    }
  }
  return best;
}

export function forestEstimator(model: ForestModel): ForestEstimator {
  const { forest, task } = model;
  const classification = task === 'classification';
  const predictProba = (x: Matrix) => averageLeaves(model, x);
  const predict = (x: Matrix): Float64Array => {
    const averaged = averageLeaves(model, x);
    if (!classification) return averaged;
    const width = forest.width;
    const labels = new Float64Array(x.rows);
    for (let r = 0; r < x.rows; r++) labels[r] = argmax(averaged, r * width, width);
    return labels;
  };
  return {
    learner: model.learner,
    task,
    classes: model.classes,
    treeCount: forest.treeNodeStart.length - 1,
    oobScore: model.oobScore,
    predict,
    ...(classification ? { predictProba } : {}),
    featureImportances: () => model.importances.slice(),
    trees: () => treeViews(forest),
    toJSON: () => forestToJSON(model),
  };
}

function forestToJSON(model: ForestModel): EstimatorJSON {
  const { forest, params } = model;
  return {
    learner: model.learner,
    format: FOREST_FORMAT,
    task: model.task,
    classes: [...model.classes],
    cols: model.cols,
    width: forest.width,
    params: { ...params, max_depth: params.max_depth === Infinity ? null : params.max_depth },
    oobScore: model.oobScore,
    importances: Array.from(model.importances),
    treeNodeStart: Array.from(forest.treeNodeStart),
    treeValueStart: Array.from(forest.treeValueStart),
    feature: Array.from(forest.feature),
    threshold: Array.from(forest.threshold),
    left: Array.from(forest.left),
    right: Array.from(forest.right),
    valueOffset: Array.from(forest.valueOffset),
    values: Array.from(forest.values),
  };
}

function malformed(field: string, message: string): never {
  throw new TrainingError(
    'invalid-input',
    `This forest model is damaged: ${field} ${message}.`,
    field,
  );
}

function numbers(json: EstimatorJSON, field: string, length?: number): number[] {
  const value = json[field];
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'number')) {
    malformed(field, 'is not a list of numbers');
  }
  if (length !== undefined && value.length !== length) {
    malformed(field, `has ${value.length} entries instead of ${length}`);
  }
  return value as number[];
}

export function forestFromJSON(json: EstimatorJSON, learner: ForestLearnerName): ForestEstimator {
  if (json.learner !== learner) malformed('learner', `is ${String(json.learner)}, not ${learner}`);
  if (json.format !== FOREST_FORMAT) malformed('format', `${String(json.format)} is not supported`);
  const task = json.task;
  if (task !== 'classification' && task !== 'regression') malformed('task', 'is unknown');
  const classes = json.classes;
  if (!Array.isArray(classes) || !classes.every((label) => typeof label === 'string')) {
    malformed('classes', 'is not a list of labels');
  }
  const cols = json.cols;
  const width = json.width;
  if (!Number.isInteger(cols) || (cols as number) < 1)
    malformed('cols', 'is not a positive integer');
  const expectedWidth = task === 'classification' ? classes.length : 1;
  if (width !== expectedWidth) malformed('width', `should be ${expectedWidth}`);
  const treeNodeStart = Int32Array.from(numbers(json, 'treeNodeStart'));
  const trees = treeNodeStart.length - 1;
  const treeValueStart = Int32Array.from(numbers(json, 'treeValueStart', trees + 1));
  const nodes = treeNodeStart[trees] ?? 0;
  const forest: FlatForest = {
    width: expectedWidth,
    treeNodeStart,
    treeValueStart,
    feature: Int32Array.from(numbers(json, 'feature', nodes)),
    threshold: Float32Array.from(numbers(json, 'threshold', nodes)),
    left: Int32Array.from(numbers(json, 'left', nodes)),
    right: Int32Array.from(numbers(json, 'right', nodes)),
    valueOffset: Int32Array.from(numbers(json, 'valueOffset', nodes)),
    values: Float64Array.from(numbers(json, 'values', treeValueStart[trees] ?? 0)),
  };
  if (trees < 1) malformed('treeNodeStart', 'lists no trees');
  checkTrees(forest, cols as number);
  const params = json.params as ResolvedForestParams & { max_depth: number | null };
  if (typeof params !== 'object' || params === null) malformed('params', 'is missing');
  const oobScore = json.oobScore;
  if (oobScore !== null && typeof oobScore !== 'number') malformed('oobScore', 'is not a number');
  return forestEstimator({
    learner,
    task,
    classes: classes as string[],
    cols: cols as number,
    forest,
    importances: Float64Array.from(numbers(json, 'importances', cols as number)),
    params: { ...params, max_depth: params.max_depth ?? Infinity },
    oobScore,
  });
}

/** Checks the invariants prediction relies on, so that a damaged model cannot loop or read out of range. */
function checkTrees(forest: FlatForest, cols: number) {
  const { treeNodeStart, treeValueStart, feature, left, right, valueOffset, width } = forest;
  for (let t = 0; t + 1 < treeNodeStart.length; t++) {
    const from = treeNodeStart[t] as number;
    const size = (treeNodeStart[t + 1] as number) - from;
    const valueSize = (treeValueStart[t + 1] as number) - (treeValueStart[t] as number);
    if (size < 1 || valueSize < width || (treeValueStart[t] as number) < 0) {
      malformed('treeNodeStart', `gives tree ${t} no nodes or values`);
    }
    for (let node = 0; node < size; node++) {
      const at = from + node;
      const split = feature[at] as number;
      if (split >= 0) {
        const l = left[at] as number;
        const r = right[at] as number;
        if (split >= cols) malformed('feature', `names column ${split} of ${cols}`);
        if (l <= node || r <= node || l >= size || r >= size) {
          malformed('left', `has node ${node} of tree ${t} pointing outside the tree`);
        }
      } else {
        const offset = valueOffset[at] as number;
        if (split !== -1 || offset < 0 || offset + width > valueSize) {
          malformed('valueOffset', `has leaf ${node} of tree ${t} pointing outside its values`);
        }
      }
    }
  }
}
