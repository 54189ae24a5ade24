import { gbdtTrees } from '../../../learners/gbdt';
import { forestTrees } from '../../../learners/forest';
import { attr, ML_DOMAIN, type GraphBuilder } from '../graph';
import {
  add,
  argmaxRows,
  cast,
  concat,
  div,
  exp,
  repeatRows,
  reshape,
  softmaxRows,
  squeeze,
  sub,
  sumInOrder,
} from '../ops';
import { TensorType } from '../proto';
import { unsupported } from '../unsupported';
import type { LearnerContext, LearnerOutputs } from './types';

/** Leaf numbers travel as float32 tree outputs, exact up to 2^24. */
const MAX_LEAVES = 2 ** 24;

interface TreeNodes {
  readonly feature: ArrayLike<number>;
  readonly threshold: ArrayLike<number>;
  /** 1 where a missing value goes left; absent when the learner has no missing values. */
  readonly missingLeft?: ArrayLike<number>;
  readonly left: ArrayLike<number>;
  readonly right: ArrayLike<number>;
}

const float32 = new Float32Array(1);
const bits = new Uint32Array(float32.buffer);

/**
 * The largest float32 not above `t`. For any float32 `x`, `x <= t` exactly when
 * `x <= floatAtMost(t)`, so a float32 comparison reproduces the lab's comparison of float32
 * features against double thresholds without ever flipping a split.
 */
export function floatAtMost(t: number): number {
  const rounded = Math.fround(t);
  if (rounded <= t || Number.isNaN(t)) return rounded;
  float32[0] = rounded;
  // One step toward −∞: the magnitude shrinks for positives and grows for negatives.
  if (rounded > 0) bits[0] = (bits[0] as number) - 1;
  else if (rounded === 0) float32[0] = -(2 ** -149);
  else bits[0] = (bits[0] as number) + 1;
  return float32[0] as number;
}

/**
 * A TreeEnsembleRegressor used only to find leaves: tree `t` writes the global number of the leaf
 * a row reaches to target `t`, so the output `[N, T]` says which leaf of every tree each row
 * lands in. The leaf values are then gathered in double and summed in the lab's order, which a
 * float32 TreeEnsemble sum could not reproduce.
 */
function leafNumbers(
  g: GraphBuilder,
  features: string,
  trees: readonly TreeNodes[],
  leafOffsets: readonly number[],
  threshold: (value: number) => number,
): string {
  const treeIds: number[] = [];
  const nodeIds: number[] = [];
  const featureIds: number[] = [];
  const modes: string[] = [];
  const values: number[] = [];
  const trueIds: number[] = [];
  const falseIds: number[] = [];
  const missingTrue: number[] = [];
  const targetTrees: number[] = [];
  const targetNodes: number[] = [];
  const targetIds: number[] = [];
  const targetWeights: number[] = [];
  let anyMissing = false;
  trees.forEach((tree, t) => {
    let leaf = leafOffsets[t] as number;
    for (let node = 0; node < tree.feature.length; node++) {
      const feature = tree.feature[node] as number;
      treeIds.push(t);
      nodeIds.push(node);
      if (feature < 0) {
        featureIds.push(0);
        modes.push('LEAF');
        values.push(0);
        trueIds.push(0);
        falseIds.push(0);
        missingTrue.push(0);
        targetTrees.push(t);
        targetNodes.push(node);
        targetIds.push(t);
        targetWeights.push(leaf++);
      } else {
        const goesLeft = tree.missingLeft ? (tree.missingLeft[node] as number) : 0;
        anyMissing ||= goesLeft === 1;
        featureIds.push(feature);
        modes.push('BRANCH_LEQ');
        values.push(threshold(tree.threshold[node] as number));
        trueIds.push(tree.left[node] as number);
        falseIds.push(tree.right[node] as number);
        missingTrue.push(goesLeft === 1 ? 1 : 0);
      }
    }
  });
  return g.op(
    'TreeEnsembleRegressor',
    [features],
    {
      n_targets: attr.int(trees.length),
      aggregate_function: attr.string('SUM'),
      post_transform: attr.string('NONE'),
      nodes_treeids: attr.ints(treeIds),
      nodes_nodeids: attr.ints(nodeIds),
      nodes_featureids: attr.ints(featureIds),
      nodes_modes: attr.strings(modes),
      nodes_values: attr.floats(values),
      nodes_truenodeids: attr.ints(trueIds),
      nodes_falsenodeids: attr.ints(falseIds),
      ...(anyMissing ? { nodes_missing_value_tracks_true: attr.ints(missingTrue) } : {}),
      target_treeids: attr.ints(targetTrees),
      target_nodeids: attr.ints(targetNodes),
      target_ids: attr.ints(targetIds),
      target_weights: attr.floats(targetWeights),
    },
    ML_DOMAIN,
  );
}

/** Where each tree's leaves start in the global leaf numbering, and the leaf count. */
function numberLeaves(trees: readonly TreeNodes[], part: string) {
  const offsets: number[] = [];
  let total = 0;
  for (const tree of trees) {
    offsets.push(total);
    for (let node = 0; node < tree.feature.length; node++)
      if ((tree.feature[node] as number) < 0) total++;
  }
  if (total >= MAX_LEAVES) {
    throw unsupported(
      part,
      `its ${total} leaves exceed the ${MAX_LEAVES} that float32 leaf numbers can tell apart`,
    );
  }
  return { offsets, total };
}

/** The double leaf values of every row's leaves, `[N, T, width]`. */
function gatherLeaves(
  g: GraphBuilder,
  numbers: string,
  table: Float64Array,
  leaves: number,
  width: number,
): string {
  const values = g.doubles(table, [leaves, width], 'leaf_values');
  return g.op('Gather', [values, cast(g, numbers, TensorType.INT64)], { axis: attr.int(0) });
}

/**
 * Gradient-boosted trees: the baseline plus every tree's leaf value, each boosting round adding
 * its one tree per score slot, in boosting order as the lab adds them; then the lab's link.
 */
export function gbdtGraph(context: LearnerContext): LearnerOutputs {
  const { g, estimator, features, featureCount, part, task, classes } = context;
  const model = gbdtTrees(estimator);
  if (model.features !== featureCount) {
    throw unsupported(
      part,
      `it reads ${model.features} features but the pipeline makes ${featureCount}`,
    );
  }
  if (task === 'classification' && String(model.classes) !== String(classes)) {
    throw unsupported(part, 'its classes differ from the model’s');
  }
  const slots = model.treesPerIteration;
  let raw = repeatRows(g, features, model.baseline);
  if (model.trees.length > 0) {
    const { offsets, total } = numberLeaves(model.trees, part);
    const table = new Float64Array(total);
    model.trees.forEach((tree, t) => {
      let leaf = offsets[t] as number;
      for (let node = 0; node < tree.feature.length; node++)
        if ((tree.feature[node] as number) < 0) table[leaf++] = tree.value[node] as number;
    });
    const numbers = leafNumbers(g, features, model.trees, offsets, floatAtMost);
    const values = gatherLeaves(g, numbers, table, total, 1);
    const rounds = model.trees.length / slots;
    const byRound = reshape(g, values, g.int64s([0, rounds, slots], [3], 'shape'));
    raw = sumInOrder(g, byRound, rounds, raw);
  }
  if (model.link === 'identity') return { value: squeeze(g, raw, [1]) };
  if (model.link === 'sigmoid') {
    const one = g.scalar(1);
    const positive = div(g, one, add(g, one, exp(g, g.op('Neg', [raw]))));
    const labels = cast(g, squeeze(g, g.op('Greater', [raw, g.scalar(0)]), [1]), TensorType.INT64);
    return { labels, proba: concat(g, [sub(g, one, positive), positive], 1) };
  }
  return { labels: argmaxRows(g, raw), proba: softmaxRows(g, raw) };
}

interface ForestLeaves {
  readonly feature: Int32Array;
  readonly threshold: Float32Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly valueOffset: Int32Array;
  readonly values: Float64Array;
}

/**
 * Random forests and extra trees: the mean of the leaf values (class shares or target means),
 * summed tree after tree as the lab sums them, then divided by the number of trees. Thresholds
 * are float32 already, so they carry over unchanged.
 */
export function forestGraph(context: LearnerContext): LearnerOutputs {
  const { g, estimator, features, part, task, classes } = context;
  const trees = forestTrees(estimator) as readonly ForestLeaves[];
  const width = task === 'classification' ? classes.length : 1;
  const { offsets, total } = numberLeaves(trees, part);
  const table = new Float64Array(total * width);
  trees.forEach((tree, t) => {
    let leaf = offsets[t] as number;
    for (let node = 0; node < tree.feature.length; node++) {
      if ((tree.feature[node] as number) >= 0) continue;
      const from = tree.valueOffset[node] as number;
      for (let c = 0; c < width; c++) table[leaf * width + c] = tree.values[from + c] as number;
      leaf++;
    }
  });
  const numbers = leafNumbers(g, features, trees, offsets, (value) => value);
  const values = gatherLeaves(g, numbers, table, total, width);
  const sum = sumInOrder(g, values, trees.length);
  const mean = div(g, sum, g.scalar(trees.length));
  if (task === 'regression') return { value: squeeze(g, mean, [1]) };
  return { labels: argmaxRows(g, mean), proba: mean };
}
