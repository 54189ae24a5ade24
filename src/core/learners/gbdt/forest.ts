import type { Matrix } from '../types';

/** One tree as plain arrays, the form stored in JSON and read by exporters. */
export interface TreeArrays {
  /** Split feature per node; -1 marks a leaf. */
  readonly feature: number[];
  /** Rows with `value <= threshold` go left. */
  readonly threshold: number[];
  /** 1 when a missing value (NaN) goes left, else 0. */
  readonly missingLeft: number[];
  /** Child node indices within the tree; -1 for leaves. Children always follow their parent. */
  readonly left: number[];
  readonly right: number[];
  /** The leaf's contribution to the raw score (learning rate included); 0 for internal nodes. */
  readonly value: number[];
}

/**
 * Every tree of a model concatenated into parallel typed arrays; tree `t` starts at node
 * `treeStart[t]` and child indices are absolute, so prediction is a tight loop with no lookups.
 */
export interface Forest {
  readonly treeStart: Int32Array;
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  readonly missingLeft: Uint8Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly value: Float64Array;
}

interface TreeLike {
  readonly feature: ArrayLike<number>;
  readonly threshold: ArrayLike<number>;
  readonly missingLeft: ArrayLike<number>;
  readonly left: ArrayLike<number>;
  readonly right: ArrayLike<number>;
  readonly value: ArrayLike<number>;
}

export function packForest(trees: readonly TreeLike[]): Forest {
  const treeStart = new Int32Array(trees.length + 1);
  trees.forEach((tree, t) => (treeStart[t + 1] = (treeStart[t] as number) + tree.feature.length));
  const nodes = treeStart[trees.length] as number;
  const forest: Forest = {
    treeStart,
    feature: new Int32Array(nodes),
    threshold: new Float64Array(nodes),
    missingLeft: new Uint8Array(nodes),
    left: new Int32Array(nodes),
    right: new Int32Array(nodes),
    value: new Float64Array(nodes),
  };
  trees.forEach((tree, t) => {
    const start = treeStart[t] as number;
    forest.feature.set(tree.feature, start);
    forest.threshold.set(tree.threshold, start);
    forest.missingLeft.set(tree.missingLeft, start);
    forest.value.set(tree.value, start);
    for (let i = 0; i < tree.feature.length; i++) {
      const isLeaf = (tree.feature[i] as number) < 0;
      forest.left[start + i] = isLeaf ? -1 : start + (tree.left[i] as number);
      forest.right[start + i] = isLeaf ? -1 : start + (tree.right[i] as number);
    }
  });
  return forest;
}

export function unpackTree(forest: Forest, t: number): TreeArrays {
  const start = forest.treeStart[t] as number;
  const end = forest.treeStart[t + 1] as number;
  const relative = (index: number) => (index < 0 ? -1 : index - start);
  return {
    feature: Array.from(forest.feature.subarray(start, end)),
    threshold: Array.from(forest.threshold.subarray(start, end)),
    missingLeft: Array.from(forest.missingLeft.subarray(start, end)),
    left: Array.from(forest.left.subarray(start, end), relative),
    right: Array.from(forest.right.subarray(start, end), relative),
    value: Array.from(forest.value.subarray(start, end)),
  };
}

/**
 * Raw scores, row-major `rows × treesPerIteration`: the baseline plus every tree's leaf value,
 * tree `t` adding to slot `t % treesPerIteration`.
 */
export function predictRaw(
  forest: Forest,
  baseline: Float64Array,
  treesPerIteration: number,
  x: Matrix,
): Float64Array {
  const { treeStart, feature, threshold, missingLeft, left, right, value } = forest;
  const trees = treeStart.length - 1;
  const { rows, cols, data } = x;
  const raw = new Float64Array(rows * treesPerIteration);
  for (let r = 0; r < rows; r++) {
    const rowStart = r * cols;
    const out = r * treesPerIteration;
    for (let k = 0; k < treesPerIteration; k++) raw[out + k] = baseline[k] as number;
    for (let t = 0; t < trees; t++) {
      let node = treeStart[t] as number;
      let f = feature[node] as number;
      while (f >= 0) {
        const v = data[rowStart + f] as number;
        if (v <= (threshold[node] as number)) node = left[node] as number;
        else if (v !== v && missingLeft[node] === 1) node = left[node] as number;
        else node = right[node] as number;
        f = feature[node] as number;
      }
      const slot = out + (t % treesPerIteration);
      raw[slot] = (raw[slot] as number) + (value[node] as number);
    }
  }
  return raw;
}

/** Adds one tree's leaf values for every row of `x` into `raw[offset + row]`. */
export function addTreePredictions(tree: TreeLike, x: Matrix, raw: Float64Array, offset: number) {
  const { feature, threshold, missingLeft, left, right, value } = tree;
  const { rows, cols, data } = x;
  for (let r = 0; r < rows; r++) {
    const rowStart = r * cols;
    let node = 0;
    let f = feature[0] as number;
    while (f >= 0) {
      const v = data[rowStart + f] as number;
      if (v <= (threshold[node] as number)) node = left[node] as number;
      else if (v !== v && missingLeft[node] === 1) node = left[node] as number;
      else node = right[node] as number;
      f = feature[node] as number;
    }
    raw[offset + r] = (raw[offset + r] as number) + (value[node] as number);
  }
}
