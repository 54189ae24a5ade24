/**
 * One fitted tree as parallel arrays, nodes in preorder (every child after its parent, the root at
 * 0). An internal node sends a row left when `x[feature] <= threshold`; thresholds are float32
 * values, so they carry over unchanged to ONNX's TreeEnsemble operators (mode BRANCH_LEQ).
 */
export interface TreeArrays {
  /** Split feature, or -1 at a leaf. */
  readonly feature: Int32Array;
  readonly threshold: Float32Array;
  /** Child node indices within the tree, -1 at a leaf. */
  readonly left: Int32Array;
  readonly right: Int32Array;
  /** Where a leaf's values start in `values`, -1 at an internal node. */
  readonly valueOffset: Int32Array;
  /**
   * Leaf values: per leaf, the class probabilities (weighted class shares) for classification or
   * the mean target for regression.
   */
  readonly values: Float64Array;
}

/** All trees of a forest, concatenated so prediction walks a few flat typed arrays. */
export interface FlatForest {
  /** The width of a leaf's values: the number of classes, or 1 for regression. */
  readonly width: number;
  /** `treeNodeStart[t]` is tree t's root; length trees + 1. */
  readonly treeNodeStart: Int32Array;
  /** `treeValueStart[t]` is where tree t's leaf values start; length trees + 1. */
  readonly treeValueStart: Int32Array;
  readonly feature: Int32Array;
  readonly threshold: Float32Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly valueOffset: Int32Array;
  readonly values: Float64Array;
}

export function flatten(trees: readonly TreeArrays[], width: number): FlatForest {
  const treeNodeStart = new Int32Array(trees.length + 1);
  const treeValueStart = new Int32Array(trees.length + 1);
  trees.forEach((tree, t) => {
    treeNodeStart[t + 1] = (treeNodeStart[t] as number) + tree.feature.length;
    treeValueStart[t + 1] = (treeValueStart[t] as number) + tree.values.length;
  });
  const nodes = treeNodeStart[trees.length] as number;
  const forest = {
    width,
    treeNodeStart,
    treeValueStart,
    feature: new Int32Array(nodes),
    threshold: new Float32Array(nodes),
    left: new Int32Array(nodes),
    right: new Int32Array(nodes),
    valueOffset: new Int32Array(nodes),
    values: new Float64Array(treeValueStart[trees.length] as number),
  };
  trees.forEach((tree, t) => {
    const at = treeNodeStart[t] as number;
    forest.feature.set(tree.feature, at);
    forest.threshold.set(tree.threshold, at);
    forest.left.set(tree.left, at);
    forest.right.set(tree.right, at);
    forest.valueOffset.set(tree.valueOffset, at);
    forest.values.set(tree.values, treeValueStart[t] as number);
  });
  return forest;
}

/** The trees of a flat forest as zero-copy views (node indices and value offsets local to each tree). */
export function treeViews(forest: FlatForest): TreeArrays[] {
  const trees: TreeArrays[] = [];
  for (let t = 0; t + 1 < forest.treeNodeStart.length; t++) {
    const from = forest.treeNodeStart[t] as number;
    const to = forest.treeNodeStart[t + 1] as number;
    trees.push({
      feature: forest.feature.subarray(from, to),
      threshold: forest.threshold.subarray(from, to),
      left: forest.left.subarray(from, to),
      right: forest.right.subarray(from, to),
      valueOffset: forest.valueOffset.subarray(from, to),
      values: forest.values.subarray(
        forest.treeValueStart[t] as number,
        forest.treeValueStart[t + 1] as number,
      ),
    });
  }
  return trees;
}

/** Index into `forest.values` of the leaf that `row` of `data` reaches in tree `t`. */
export function leafValueIndex(
  forest: FlatForest,
  t: number,
  data: Float32Array,
  rowStart: number,
): number {
  const base = forest.treeNodeStart[t] as number;
  const { feature, threshold, left, right } = forest;
  let node = base;
  let split = feature[node] as number;
  while (split >= 0) {
    node =
      base +
      ((data[rowStart + split] as number) <= (threshold[node] as number)
        ? (left[node] as number)
        : (right[node] as number));
    split = feature[node] as number;
  }
  return (forest.treeValueStart[t] as number) + (forest.valueOffset[node] as number);
}

/**
 * Sums the leaf values each row reaches over trees `[fromTree, toTree)` into `out`
 * (`rows × width`). Tree by tree, so one tree's nodes stay in cache across the rows.
 */
export function accumulateLeaves(
  forest: FlatForest,
  data: Float32Array,
  rows: number,
  cols: number,
  out: Float64Array,
  fromTree = 0,
  toTree = forest.treeNodeStart.length - 1,
) {
  const width = forest.width;
  const values = forest.values;
  for (let t = fromTree; t < toTree; t++) {
    for (let r = 0; r < rows; r++) {
      const at = leafValueIndex(forest, t, data, r * cols);
      const outAt = r * width;
      for (let c = 0; c < width; c++)
        out[outAt + c] = (out[outAt + c] as number) + (values[at + c] as number);
    }
  }
}
