import { TrainingError } from '../../errors/training-error';
import type { Estimator, EstimatorJSON, Matrix, Task } from '../types';
import { packForest, predictRaw, unpackTree, type Forest, type TreeArrays } from './forest';

export const GBDT_FORMAT = 1;

/** How raw scores turn into predictions: as they are, through a sigmoid, or through a softmax. */
export type GbdtLink = 'identity' | 'sigmoid' | 'softmax';

export interface GbdtModel {
  readonly task: Task;
  /** Class labels for classification, else empty. */
  readonly classes: readonly string[];
  readonly features: number;
  /** 1 for regression and binary classification, the number of classes for multiclass. */
  readonly treesPerIteration: number;
  /** Boosting rounds kept (fewer than `max_iter` when early stopping ended training). */
  readonly iterations: number;
  readonly baseline: Float64Array;
  readonly forest: Forest;
}

/** Everything an exporter (e.g. to ONNX TreeEnsemble operators) needs, as plain arrays. */
export interface GbdtTrees {
  readonly task: Task;
  readonly classes: readonly string[];
  readonly features: number;
  readonly treesPerIteration: number;
  readonly link: GbdtLink;
  /** Added to each raw score before the trees: one value per score slot. */
  readonly baseline: readonly number[];
  /** Trees in boosting order; tree `t` adds to score slot `classIndex = t % treesPerIteration`. */
  readonly trees: readonly (TreeArrays & { readonly classIndex: number })[];
}

export interface GbdtJSON extends EstimatorJSON {
  readonly learner: 'gbdt';
  readonly format: number;
  readonly task: Task;
  readonly classes: string[];
  readonly features: number;
  readonly treesPerIteration: number;
  readonly iterations: number;
  readonly baseline: number[];
  readonly trees: TreeArrays[];
}

export const linkOf = (model: GbdtModel): GbdtLink =>
  model.task === 'regression' ? 'identity' : model.treesPerIteration === 1 ? 'sigmoid' : 'softmax';

export class GbdtEstimator implements Estimator {
  readonly learner = 'gbdt' as const;
  readonly predictProba?: (x: Matrix) => Float64Array;

  constructor(readonly model: GbdtModel) {
    if (model.task === 'classification') this.predictProba = (x) => this.probabilities(x);
  }

  get task(): Task {
    return this.model.task;
  }

  /** Raw scores, row-major `rows × treesPerIteration`. */
  rawScores(x: Matrix): Float64Array {
    const { features, forest, baseline, treesPerIteration } = this.model;
    if (x.cols !== features) {
      throw new TrainingError(
        'invalid-input',
        `The model expects ${features} feature columns, got ${x.cols}.`,
      );
    }
    return predictRaw(forest, baseline, treesPerIteration, x);
  }

  predict(x: Matrix): Float64Array {
    const raw = this.rawScores(x);
    const { task, treesPerIteration } = this.model;
    if (task === 'regression') return raw;
    const out = new Float64Array(x.rows);
    if (treesPerIteration === 1) {
      for (let r = 0; r < x.rows; r++) out[r] = (raw[r] as number) > 0 ? 1 : 0;
      return out;
    }
    for (let r = 0; r < x.rows; r++) {
      const start = r * treesPerIteration;
      let best = 0;
      for (let k = 1; k < treesPerIteration; k++) {
        if ((raw[start + k] as number) > (raw[start + best] as number)) best = k;
      }
      out[r] = best;
    }
    return out;
  }

  private probabilities(x: Matrix): Float64Array {
    const raw = this.rawScores(x);
    const slots = this.model.treesPerIteration;
    if (slots === 1) {
      const out = new Float64Array(x.rows * 2);
      for (let r = 0; r < x.rows; r++) {
        const p = 1 / (1 + Math.exp(-(raw[r] as number)));
        out[2 * r] = 1 - p;
        out[2 * r + 1] = p;
      }
      return out;
    }
    for (let r = 0; r < x.rows; r++) {
      const start = r * slots;
      let max = -Infinity;
      for (let k = 0; k < slots; k++) max = Math.max(max, raw[start + k] as number);
      let sum = 0;
      for (let k = 0; k < slots; k++) {
        const e = Math.exp((raw[start + k] as number) - max);
        raw[start + k] = e;
        sum += e;
      }
      for (let k = 0; k < slots; k++) raw[start + k] = (raw[start + k] as number) / sum;
    }
    return raw;
  }

  trees(): GbdtTrees {
    const { task, classes, features, treesPerIteration, baseline, forest } = this.model;
    const count = forest.treeStart.length - 1;
    return {
      task,
      classes,
      features,
      treesPerIteration,
      link: linkOf(this.model),
      baseline: Array.from(baseline),
      trees: Array.from({ length: count }, (_, t) => ({
        ...unpackTree(forest, t),
        classIndex: t % treesPerIteration,
      })),
    };
  }

  toJSON(): GbdtJSON {
    const { task, classes, features, treesPerIteration, iterations, baseline, forest } = this.model;
    const count = forest.treeStart.length - 1;
    return {
      learner: 'gbdt',
      format: GBDT_FORMAT,
      task,
      classes: [...classes],
      features,
      treesPerIteration,
      iterations,
      baseline: Array.from(baseline),
      trees: Array.from({ length: count }, (_, t) => unpackTree(forest, t)),
    };
  }
}

const malformed = (where: string, message: string) =>
  new TrainingError('invalid-input', `Not a valid gradient-boosted trees model: ${message}`, where);

function numberArray(value: unknown, where: string, length?: number): number[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw malformed(where, `${where} must be an array of finite numbers.`);
  }
  if (length !== undefined && value.length !== length) {
    throw malformed(where, `${where} must have ${length} entries, has ${value.length}.`);
  }
  return value as number[];
}

function positiveInteger(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw malformed(where, `${where} must be a positive whole number.`);
  }
  return value;
}

function parseTree(value: unknown, where: string, features: number): TreeArrays {
  if (typeof value !== 'object' || value === null)
    throw malformed(where, `${where} is not an object.`);
  const tree = value as Record<string, unknown>;
  const feature = numberArray(tree.feature, `${where}.feature`);
  const nodes = feature.length;
  if (nodes === 0) throw malformed(where, `${where} has no nodes.`);
  const parsed: TreeArrays = {
    feature,
    threshold: numberArray(tree.threshold, `${where}.threshold`, nodes),
    missingLeft: numberArray(tree.missingLeft, `${where}.missingLeft`, nodes),
    left: numberArray(tree.left, `${where}.left`, nodes),
    right: numberArray(tree.right, `${where}.right`, nodes),
    value: numberArray(tree.value, `${where}.value`, nodes),
  };
  for (let i = 0; i < nodes; i++) {
    const f = feature[i] as number;
    if (f === -1) continue;
    const left = parsed.left[i] as number;
    const right = parsed.right[i] as number;
    // Children after their parent rule out cycles, so prediction always reaches a leaf.
    const validChild = (child: number) => Number.isInteger(child) && child > i && child < nodes;
    if (!Number.isInteger(f) || f < 0 || f >= features || !validChild(left) || !validChild(right)) {
      throw malformed(`${where}[${i}]`, `node ${i} of ${where} has an invalid feature or child.`);
    }
  }
  return parsed;
}

export function parseGbdtJSON(json: EstimatorJSON): GbdtEstimator {
  const value = json as Partial<Record<keyof GbdtJSON, unknown>>;
  if (value.learner !== 'gbdt') throw malformed('learner', `learner is ${String(value.learner)}.`);
  if (value.format !== GBDT_FORMAT) {
    throw malformed('format', `format ${String(value.format)} is not supported.`);
  }
  const task = value.task;
  if (task !== 'classification' && task !== 'regression') {
    throw malformed('task', `task is ${String(task)}.`);
  }
  const classes = value.classes;
  if (!Array.isArray(classes) || !classes.every((c) => typeof c === 'string')) {
    throw malformed('classes', 'classes must be an array of strings.');
  }
  const features = positiveInteger(value.features, 'features');
  const treesPerIteration = positiveInteger(value.treesPerIteration, 'treesPerIteration');
  const expectedSlots = task === 'regression' ? 1 : classes.length === 2 ? 1 : classes.length;
  if (task === 'classification' && classes.length < 2) {
    throw malformed('classes', 'a classifier needs at least two classes.');
  }
  if (treesPerIteration !== expectedSlots) {
    throw malformed('treesPerIteration', `treesPerIteration must be ${expectedSlots}.`);
  }
  const iterations = value.iterations;
  if (typeof iterations !== 'number' || !Number.isInteger(iterations) || iterations < 0) {
    throw malformed('iterations', 'iterations must be a whole number.');
  }
  const baseline = numberArray(value.baseline, 'baseline', treesPerIteration);
  if (!Array.isArray(value.trees) || value.trees.length !== iterations * treesPerIteration) {
    throw malformed('trees', `trees must list ${iterations * treesPerIteration} trees.`);
  }
  const trees = value.trees.map((tree, t) => parseTree(tree, `trees[${t}]`, features));
  return new GbdtEstimator({
    task,
    classes: [...(classes as string[])],
    features,
    treesPerIteration,
    iterations,
    baseline: Float64Array.from(baseline),
    forest: packForest(trees),
  });
}
