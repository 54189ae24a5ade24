import { accumulateLeaves, type FlatForest } from '../core/learners/forest/tree';
import { packForest, predictRaw } from '../core/learners/gbdt/forest';
import { nearestNeighbours, prepareRows } from '../core/learners/knn/neighbours';
import { gaussianLogLikelihood } from '../core/learners/nb/gaussian';
import { multinomialLogLikelihood } from '../core/learners/nb/multinomial';
import type { Matrix } from '../core/learners/types';
import { Fields } from './json';
import type { Task } from './types';

/**
 * The lab's fitted learners (src/core/learners) evaluated from their JSON. Tree walks, neighbour
 * search and naive Bayes likelihoods call the lab's own typed-array functions; the rest repeats
 * the lab's arithmetic in the same order, so predictions match it exactly.
 */

/** Class indices or values, and row-major class probabilities for classifiers. */
export interface RawPrediction {
  readonly predicted: Float64Array;
  readonly proba: Float64Array | null;
}

export interface CompiledEstimator {
  readonly features: number;
  /** Only gradient-boosted trees route missing values; the others need finite features. */
  readonly handlesMissing: boolean;
  run(x: Matrix): RawPrediction;
}

/** The first index of the largest of `width` values from `offset`. */
function argmax(values: Float64Array, offset: number, width: number): number {
  let best = 0;
  for (let c = 1; c < width; c++) if (values[offset + c]! > values[offset + best]!) best = c;
  return best;
}

function argmaxRows(values: Float64Array, rows: number, width: number): Float64Array {
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) out[r] = argmax(values, r * width, width);
  return out;
}

/** Softmax of each row of `width` scores, in place. */
function softmax(values: Float64Array, width: number): Float64Array {
  for (let start = 0; start < values.length; start += width) {
    let max = -Infinity;
    for (let c = 0; c < width; c++) max = Math.max(max, values[start + c]!);
    let total = 0;
    for (let c = 0; c < width; c++) {
      const e = Math.exp(values[start + c]! - max);
      values[start + c] = e;
      total += e;
    }
    for (let c = 0; c < width; c++) values[start + c] = values[start + c]! / total;
  }
  return values;
}

function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

function linear(f: Fields, task: Task, classes: number): CompiledEstimator {
  const features = f.integer('features', 1);
  const intercept = f.numbers('intercept');
  const outputs = intercept.length;
  const coef = f.numbers('coef', outputs * features);
  if (task === 'regression' && outputs !== 1) f.fail('intercept', 'one number');
  const labels =
    task === 'classification' ? f.indices('labels', 0, classes, outputs === 1 ? 2 : outputs) : null;
  return {
    features,
    handlesMissing: false,
    run({ rows, data }) {
      const scores = new Float64Array(rows * outputs);
      for (let i = 0; i < rows; i++) {
        for (let k = 0; k < outputs; k++) {
          let sum = intercept[k]!;
          for (let j = 0; j < features; j++)
            sum += data[i * features + j]! * coef[k * features + j]!;
          scores[i * outputs + k] = sum;
        }
      }
      if (!labels) return { predicted: scores, proba: null };
      const proba = new Float64Array(rows * classes);
      for (let i = 0; i < rows; i++) {
        const row = i * classes;
        if (outputs === 1) {
          const positive = sigmoid(scores[i]!);
          proba[row + labels[1]!] = positive;
          proba[row + labels[0]!] = 1 - positive;
          continue;
        }
        let max = -Infinity;
        for (let k = 0; k < outputs; k++) max = Math.max(max, scores[i * outputs + k]!);
        let total = 0;
        for (let k = 0; k < outputs; k++) total += Math.exp(scores[i * outputs + k]! - max);
        for (let k = 0; k < outputs; k++) {
          proba[row + labels[k]!] = Math.exp(scores[i * outputs + k]! - max) / total;
        }
      }
      return { predicted: argmaxRows(proba, rows, classes), proba };
    },
  };
}

const GELU_SCALE = Math.sqrt(2 / Math.PI);
const ACTIVATIONS = {
  relu: (z: number) => (z < 0 ? 0 : z),
  tanh: Math.tanh,
  gelu: (z: number) => 0.5 * z * (1 + Math.tanh(GELU_SCALE * (z + 0.044715 * z * z * z))),
};

function mlp(f: Fields, task: Task, classes: number): CompiledEstimator {
  const features = f.integer('features', 1);
  const activate = ACTIVATIONS[f.oneOf('activation', ['relu', 'tanh', 'gelu'] as const)];
  let inputs = features;
  const layers = f.objects('layers').map((layer) => {
    const outputs = layer.integer('outputs', 1);
    if (layer.raw('inputs') !== inputs)
      layer.fail('inputs', `${inputs}, the previous layer's width`);
    const dense = {
      inputs,
      outputs,
      weights: Float32Array.from(layer.numbers('weights', inputs * outputs)),
      bias: Float32Array.from(layer.numbers('bias', outputs)),
    };
    inputs = outputs;
    return dense;
  });
  if (!layers.length) f.fail('layers', 'a list of at least one layer');
  const outputs = inputs;
  if (outputs !== (task === 'classification' ? classes : 1))
    f.fail('layers', 'one output per class');
  const targetMean = f.number('targetMean');
  const targetScale = f.number('targetScale');
  const widest = Math.max(...layers.map((layer) => layer.outputs));
  return {
    features,
    handlesMissing: false,
    run({ rows, data }) {
      const raw = new Float64Array(rows * outputs);
      let current = new Float64Array(widest);
      let next = new Float64Array(widest);
      for (let r = 0; r < rows; r++) {
        let input: ArrayLike<number> = data.subarray(r * features, (r + 1) * features);
        layers.forEach((layer, index) => {
          const { outputs: width, weights, bias } = layer;
          for (let j = 0; j < width; j++) next[j] = bias[j]!;
          for (let k = 0; k < layer.inputs; k++) {
            const value = input[k]!;
            if (value === 0) continue;
            for (let j = 0; j < width; j++) next[j] = next[j]! + value * weights[k * width + j]!;
          }
          if (index < layers.length - 1)
            for (let j = 0; j < width; j++) next[j] = activate(next[j]!);
          [current, next] = [next, current];
          input = current;
        });
        raw.set(current.subarray(0, outputs), r * outputs);
      }
      if (task === 'regression') {
        return { predicted: raw.map((value) => value * targetScale + targetMean), proba: null };
      }
      return { predicted: argmaxRows(raw, rows, classes), proba: softmax(raw.slice(), classes) };
    },
  };
}

function gbdt(f: Fields, task: Task, classes: number): CompiledEstimator {
  const features = f.integer('features', 1);
  const slots = task === 'regression' || classes === 2 ? 1 : classes;
  if (f.raw('treesPerIteration') !== slots) f.fail('treesPerIteration', `${slots}`);
  const count = f.integer('iterations') * slots;
  const baseline = f.numbers('baseline', slots);
  const trees = f.list('trees', count).map((item, t) => {
    const tree = Fields.of(item, `${f.path}.trees[${t}]`);
    const feature = tree.indices('feature', -1, features);
    const nodes = feature.length;
    if (!nodes) tree.fail('feature', 'a list of at least one node');
    const left = tree.indices('left', -1, nodes, nodes);
    const right = tree.indices('right', -1, nodes, nodes);
    // Children after their parent rule out cycles, so every walk reaches a leaf.
    feature.forEach((split, i) => {
      if (split >= 0 && !(left[i]! > i && right[i]! > i))
        tree.fail('left', 'children after parents');
    });
    return {
      feature,
      threshold: tree.numbers('threshold', nodes),
      missingLeft: tree.numbers('missingLeft', nodes),
      left,
      right,
      value: tree.numbers('value', nodes),
    };
  });
  const forest = packForest(trees);
  return {
    features,
    handlesMissing: true,
    run(x) {
      const raw = predictRaw(forest, baseline, slots, x);
      if (task === 'regression') return { predicted: raw, proba: null };
      if (slots > 1)
        return { predicted: argmaxRows(raw, x.rows, slots), proba: softmax(raw.slice(), slots) };
      const proba = new Float64Array(x.rows * 2);
      const predicted = new Float64Array(x.rows);
      raw.forEach((score, r) => {
        const p = 1 / (1 + Math.exp(-score));
        proba[2 * r] = 1 - p;
        proba[2 * r + 1] = p;
        predicted[r] = score > 0 ? 1 : 0;
      });
      return { predicted, proba };
    },
  };
}

function forest(f: Fields, task: Task, classes: number): CompiledEstimator {
  const features = f.integer('cols', 1);
  const width = task === 'classification' ? classes : 1;
  if (f.raw('width') !== width) f.fail('width', `${width}`);
  const treeNodeStart = f.indices('treeNodeStart', 0, 2 ** 31);
  const trees = treeNodeStart.length - 1;
  if (trees < 1) f.fail('treeNodeStart', 'a list of at least two offsets');
  const nodes = treeNodeStart[trees]!;
  const treeValueStart = f.indices('treeValueStart', 0, 2 ** 31, trees + 1);
  const flat: FlatForest = {
    width,
    treeNodeStart,
    treeValueStart,
    feature: f.indices('feature', -1, features, nodes),
    threshold: Float32Array.from(f.numbers('threshold', nodes)),
    left: f.indices('left', -1, nodes, nodes),
    right: f.indices('right', -1, nodes, nodes),
    valueOffset: f.indices('valueOffset', -1, 2 ** 31, nodes),
    values: f.numbers('values', treeValueStart[trees]),
  };
  for (let t = 0; t < trees; t++) {
    const from = treeNodeStart[t]!;
    const size = treeNodeStart[t + 1]! - from;
    const valueSize = treeValueStart[t + 1]! - treeValueStart[t]!;
    if (size < 1) f.fail('treeNodeStart', 'increasing offsets');
    for (let node = 0; node < size; node++) {
      const at = from + node;
      const l = flat.left[at]!;
      const r = flat.right[at]!;
      const leaf = flat.feature[at]! < 0;
      const offset = flat.valueOffset[at]!;
      if (
        leaf
          ? offset < 0 || offset + width > valueSize
          : l <= node || r <= node || l >= size || r >= size
      ) {
        f.fail(leaf ? 'valueOffset' : 'left', `valid nodes (tree ${t}, node ${node})`);
      }
    }
  }
  return {
    features,
    handlesMissing: false,
    run({ rows, cols, data }) {
      const averaged = new Float64Array(rows * width);
      accumulateLeaves(flat, data, rows, cols, averaged);
      for (let i = 0; i < averaged.length; i++) averaged[i] = averaged[i]! / trees;
      if (task === 'regression') return { predicted: averaged, proba: null };
      return { predicted: argmaxRows(averaged, rows, width), proba: averaged };
    },
  };
}

function knn(f: Fields, task: Task, classes: number): CompiledEstimator {
  const rows = f.integer('rows', 1);
  const features = f.integer('cols', 1);
  const k = f.integer('k', 1);
  if (k > rows) f.fail('k', `at most ${rows}`);
  const uniform = f.oneOf('weights', ['uniform', 'distance']) === 'uniform';
  const metric = f.oneOf('metric', ['euclidean', 'manhattan', 'cosine']);
  const x = Float32Array.from(f.numbers('x', rows * features));
  const y = task === 'classification' ? f.indices('y', 0, classes, rows) : f.numbers('y', rows);
  let train: Float64Array | null = null;
  return {
    features,
    handlesMissing: false,
    run(query) {
      train ??= prepareRows(x, rows, features, metric);
      const queries = prepareRows(query.data, query.rows, features, metric);
      const found = nearestNeighbours(train, rows, queries, query.rows, features, k, metric);
      const width = task === 'classification' ? classes : 1;
      const sums = new Float64Array(query.rows * width);
      const weights = new Float64Array(k);
      const values = new Float64Array(query.rows);
      for (let q = 0; q < query.rows; q++) {
        // Neighbours at distance 0 take all the weight between them (scikit-learn's rule).
        let exact = false;
        for (let j = 0; j < k; j++) if (found.distance[q * k + j] === 0) exact = true;
        for (let j = 0; j < k; j++) {
          const d = found.distance[q * k + j]!;
          weights[j] = uniform ? 1 : exact ? (d === 0 ? 1 : 0) : 1 / d;
        }
        let total = 0;
        let sum = 0;
        for (let j = 0; j < k; j++) {
          const neighbour = y[found.index[q * k + j]!]!;
          if (task === 'classification') {
            sums[q * width + neighbour] = sums[q * width + neighbour]! + weights[j]!;
          } else sum += weights[j]! * neighbour;
          total += weights[j]!;
        }
        values[q] = sum / total;
        if (total > 0 && task === 'classification') {
          for (let c = 0; c < width; c++) sums[q * width + c] = sums[q * width + c]! / total;
        }
      }
      if (task === 'regression') return { predicted: values, proba: null };
      return { predicted: argmaxRows(sums, query.rows, width), proba: sums };
    },
  };
}

function nb(f: Fields, task: Task, classes: number): CompiledEstimator {
  if (task !== 'classification') f.fail('task', 'classification');
  const features = f.integer('cols', 1);
  const size = classes * features;
  const classWeight = f.numbers('classWeight', classes);
  let likelihood: (x: Matrix) => Float64Array;
  if (f.oneOf('variant', ['gaussian', 'multinomial']) === 'gaussian') {
    const stats = {
      classWeight,
      mean: f.numbers('mean', size),
      variance: f.numbers('variance', size),
      epsilon: f.number('epsilon'),
    };
    likelihood = (x) => gaussianLogLikelihood(stats, x);
  } else {
    const counts = { classWeight, featureCount: f.numbers('featureCount', size) };
    const alpha = f.number('alpha');
    if (!(alpha > 0)) f.fail('alpha', 'a positive number');
    likelihood = (x) => multinomialLogLikelihood(counts, alpha, x);
  }
  return {
    features,
    handlesMissing: false,
    run(x) {
      const joint = likelihood(x);
      const predicted = argmaxRows(joint, x.rows, classes);
      for (let start = 0; start < joint.length; start += classes) {
        let max = -Infinity;
        for (let c = 0; c < classes; c++) max = Math.max(max, joint[start + c]!);
        let sum = 0;
        for (let c = 0; c < classes; c++) sum += Math.exp(joint[start + c]! - max);
        const logSum = max + Math.log(sum);
        for (let c = 0; c < classes; c++) joint[start + c] = Math.exp(joint[start + c]! - logSum);
      }
      return { predicted, proba: joint };
    },
  };
}

const LEARNERS = { linear, mlp, gbdt, forest, extratrees: forest, knn, nb };

/** Reads a learner's saved state; `classes` is the model's class count (0 for regression). */
export function compileEstimator(f: Fields, task: Task, classes: number): CompiledEstimator {
  const learner = f.oneOf('learner', Object.keys(LEARNERS) as (keyof typeof LEARNERS)[]);
  if (f.raw('format') !== 1) f.fail('format', '1');
  if (f.raw('task') !== undefined && f.raw('task') !== task) f.fail('task', task);
  if (task === 'classification' && f.raw('classes') !== undefined) f.strings('classes', classes);
  return LEARNERS[learner](f, task, classes);
}
