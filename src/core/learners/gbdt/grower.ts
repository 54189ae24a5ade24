import type { BinnedData } from './binning';
import { histogramLength } from './histogram';
import { SerialHistogramBuilder, type HistogramBuilder } from './histogram-builder';
import { SplitChoice, type SplitConstraints } from './split';

export interface GrowerSettings {
  readonly maxLeafNodes: number;
  /** 0 means unlimited. */
  readonly maxDepth: number;
  readonly minSamplesLeaf: number;
  readonly l2: number;
  readonly learningRate: number;
}

/** A node needs at least this much hessian on each side of a split, as in scikit-learn. */
const MIN_HESSIAN = 1e-3;

/** What every split the grower makes must satisfy. */
export function splitConstraints(
  settings: GrowerSettings,
  constantHessian: boolean,
): SplitConstraints {
  return {
    l2: settings.l2,
    minSamplesLeaf: settings.minSamplesLeaf,
    minHessian: MIN_HESSIAN,
    hessianSlot: constantHessian ? 2 : 1,
  };
}

/** How many histograms a grower holds at most at once: one per open node, and one being built. */
export const liveHistograms = (settings: GrowerSettings) => settings.maxLeafNodes + 2;

/**
 * One tree as parallel arrays. Node 0 is the root and children always come after their parent.
 * A leaf has `feature = -1` and `left = right = -1`; an internal node sends a row left when its
 * value is `<= threshold` (equivalently its bin code is `<= bin`), or when the value is missing
 * and `missingLeft` is 1.
 */
export interface GrownTree {
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  readonly bin: Uint8Array;
  readonly missingLeft: Uint8Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly value: Float64Array;
}

class GrowingNode {
  histogram: Float64Array | null = null;
  readonly split = new SplitChoice();

  constructor(
    readonly id: number,
    readonly start: number,
    readonly end: number,
    readonly gradient: number,
    readonly hessian: number,
    readonly depth: number,
  ) {}

  get count() {
    return this.end - this.start;
  }
}

/**
 * Grows trees leaf-wise (best-first) on binned data, reusing its row-index and histogram buffers
 * from one tree to the next. After `grow`, the leaves' row ranges stay available so the caller can
 * update training predictions without walking the tree.
 */
export class TreeGrower {
  private readonly rowIndex: Uint32Array;
  private readonly capacity: number;

  private readonly feature: Int32Array;
  private readonly threshold: Float64Array;
  private readonly bin: Uint8Array;
  private readonly missingLeft: Uint8Array;
  private readonly left: Int32Array;
  private readonly right: Int32Array;
  private readonly value: Float64Array;
  private nodeCount = 0;

  private readonly leafStart: Int32Array;
  private readonly leafEnd: Int32Array;
  private readonly leafValue: Float64Array;
  private leafCount = 0;

  private gradients: Float32Array = new Float32Array(0);
  private hessians: Float32Array = new Float32Array(0);
  private features: Int32Array = new Int32Array(0);
  private featureCount = 0;
  private groups: Int32Array = new Int32Array(0);
  private groupCount = 0;

  constructor(
    private readonly binned: BinnedData,
    private readonly settings: GrowerSettings,
    private readonly constantHessian: boolean,
    private readonly histograms: HistogramBuilder = new SerialHistogramBuilder(
      binned,
      constantHessian,
      histogramLength(binned.offsets, binned.cols),
      splitConstraints(settings, constantHessian),
    ),
  ) {
    const rows = binned.rows;
    this.rowIndex = histograms.rowIndex;
    const leaves = Math.max(2, Math.min(settings.maxLeafNodes, rows));
    this.capacity = 2 * leaves - 1;
    this.feature = new Int32Array(this.capacity);
    this.threshold = new Float64Array(this.capacity);
    this.bin = new Uint8Array(this.capacity);
    this.missingLeft = new Uint8Array(this.capacity);
    this.left = new Int32Array(this.capacity);
    this.right = new Int32Array(this.capacity);
    this.value = new Float64Array(this.capacity);
    this.leafStart = new Int32Array(leaves);
    this.leafEnd = new Int32Array(leaves);
    this.leafValue = new Float64Array(leaves);
  }

  /**
   * Grows one tree on the gradients of the rows `sample[0 … sampleCount - 1]` (ascending), or on
   * every row when `sample` is null, splitting only on `features[0 … featureCount - 1]`, whose
   * word groups (`feature >> 2`) are `groups[0 … groupCount - 1]`.
   */
  grow(
    gradients: Float32Array,
    hessians: Float32Array,
    sample: Uint32Array | null,
    sampleCount: number,
    features: Int32Array,
    featureCount: number,
    groups: Int32Array,
    groupCount: number,
  ): GrownTree {
    const { rowIndex, histograms } = this;
    this.gradients = gradients;
    this.hessians = hessians;
    this.features = features;
    this.featureCount = featureCount;
    this.groups = groups;
    this.groupCount = groupCount;
    this.nodeCount = 0;
    this.leafCount = 0;

    let gradient = 0;
    let hessian = 0;
    if (sample) {
      rowIndex.set(sample.subarray(0, sampleCount));
      for (let i = 0; i < sampleCount; i++) gradient += gradients[sample[i] as number] as number;
      if (this.constantHessian) hessian = sampleCount;
      else for (let i = 0; i < sampleCount; i++) hessian += hessians[sample[i] as number] as number;
    } else {
      for (let i = 0; i < sampleCount; i++) rowIndex[i] = i;
      for (let i = 0; i < sampleCount; i++) gradient += gradients[i] as number;
      if (this.constantHessian) hessian = sampleCount;
      else for (let i = 0; i < sampleCount; i++) hessian += hessians[i] as number;
    }

    const root = this.newNode(0, sampleCount, gradient, hessian, 0);
    if (!this.canSplit(root)) {
      this.makeLeaf(root);
      return this.result();
    }
    const rootHistogram = histograms.acquire();
    this.fillHistogram(rootHistogram, root, sample === null, null);
    root.histogram = rootHistogram;

    const open: GrowingNode[] = [];
    histograms.findSplits(root, null, this.features, this.featureCount);
    if (root.split.feature >= 0) open.push(root);
    let leaves = 1;
    while (open.length > 0) {
      let pick = 0;
      for (let i = 1; i < open.length; i++) {
        if ((open[i] as GrowingNode).split.gain > (open[pick] as GrowingNode).split.gain) pick = i;
      }
      const node = open.splice(pick, 1)[0] as GrowingNode;
      const [leftChild, rightChild] = this.splitNode(node);
      leaves++;
      if (leaves >= this.settings.maxLeafNodes) {
        this.release(node);
        this.makeLeaf(leftChild);
        this.makeLeaf(rightChild);
        for (const waiting of open) {
          this.release(waiting);
          this.makeLeaf(waiting);
        }
        break;
      }
      this.prepareChildren(node, leftChild, rightChild);
      if (leftChild.histogram && rightChild.histogram) {
        histograms.findSplits(leftChild, rightChild, this.features, this.featureCount);
      } else if (leftChild.histogram || rightChild.histogram) {
        const only = leftChild.histogram ? leftChild : rightChild;
        histograms.findSplits(only, null, this.features, this.featureCount);
      }
      for (const child of [leftChild, rightChild]) {
        if (child.histogram && child.split.feature >= 0) open.push(child);
        else {
          this.release(child);
          this.makeLeaf(child);
        }
      }
    }
    return this.result();
  }

  /** Adds each leaf's value to `raw[offset + row]` for the rows the last tree was grown on. */
  addLeafValues(raw: Float64Array, offset: number) {
    const { rowIndex, leafStart, leafEnd, leafValue } = this;
    for (let leaf = 0; leaf < this.leafCount; leaf++) {
      const value = leafValue[leaf] as number;
      const end = leafEnd[leaf] as number;
      for (let i = leafStart[leaf] as number; i < end; i++) {
        const at = offset + (rowIndex[i] as number);
        raw[at] = (raw[at] as number) + value;
      }
    }
  }

  private newNode(start: number, end: number, gradient: number, hessian: number, depth: number) {
    const node = new GrowingNode(this.nodeCount++, start, end, gradient, hessian, depth);
    const id = node.id;
    this.feature[id] = -1;
    this.threshold[id] = 0;
    this.bin[id] = 0;
    this.missingLeft[id] = 0;
    this.left[id] = -1;
    this.right[id] = -1;
    this.value[id] = 0;
    return node;
  }

  private canSplit(node: GrowingNode) {
    const { maxDepth, minSamplesLeaf } = this.settings;
    return (
      node.count >= 2 * minSamplesLeaf &&
      node.hessian >= MIN_HESSIAN &&
      (maxDepth === 0 || node.depth < maxDepth)
    );
  }

  /** Partitions the node's rows in place (stable, so rows stay ascending) and records the split. */
  private splitNode(node: GrowingNode): [GrowingNode, GrowingNode] {
    const { binned } = this;
    const split = node.split;
    const feature = split.feature;
    const bin = split.bin;
    const leftEnd = this.histograms.partition(node.start, node.end, {
      column: (feature >> 2) * binned.rows,
      shift: 8 * (feature & 3),
      bin,
      missingCode: binned.missingBin[feature] as number,
      missingGoesLeft: split.missingLeft ? 1 : 0,
    });

    const thresholds = binned.thresholds[feature] as Float64Array;
    const leftCount = leftEnd - node.start;
    const missingLeft = binned.hasMissing[feature]
      ? split.missingLeft
      : leftCount > node.count - leftCount;
    const id = node.id;
    this.feature[id] = feature;
    this.threshold[id] = bin < thresholds.length ? (thresholds[bin] as number) : Number.MAX_VALUE;
    this.bin[id] = bin;
    this.missingLeft[id] = missingLeft ? 1 : 0;

    const depth = node.depth + 1;
    const leftChild = this.newNode(
      node.start,
      leftEnd,
      split.leftGradient,
      this.constantHessian ? leftCount : split.leftHessian,
      depth,
    );
    const rightChild = this.newNode(
      leftEnd,
      node.end,
      node.gradient - split.leftGradient,
      this.constantHessian ? node.count - leftCount : node.hessian - split.leftHessian,
      depth,
    );
    this.left[id] = leftChild.id;
    this.right[id] = rightChild.id;
    return [leftChild, rightChild];
  }

  /**
   * Gives histograms to the children that may split: the smaller child's is built from its rows
   * and the larger one's is the parent's minus the smaller's, computed in the parent's buffer.
   */
  private prepareChildren(parent: GrowingNode, leftChild: GrowingNode, rightChild: GrowingNode) {
    const smaller = leftChild.count <= rightChild.count ? leftChild : rightChild;
    const larger = smaller === leftChild ? rightChild : leftChild;
    const smallerSplits = this.canSplit(smaller);
    const largerSplits = this.canSplit(larger);
    const parentHistogram = parent.histogram as Float64Array;
    parent.histogram = null;
    if (!smallerSplits && !largerSplits) {
      this.histograms.release(parentHistogram);
      return;
    }
    if (!largerSplits) {
      this.fillHistogram(parentHistogram, smaller, false, null);
      smaller.histogram = parentHistogram;
      return;
    }
    const smallerHistogram = this.histograms.acquire();
    this.fillHistogram(smallerHistogram, smaller, false, parentHistogram);
    larger.histogram = parentHistogram;
    if (smallerSplits) smaller.histogram = smallerHistogram;
    else this.histograms.release(smallerHistogram);
  }

  /** Builds the node's histogram and, when `parent` is given, subtracts it from the parent's. */
  private fillHistogram(
    histogram: Float64Array,
    node: GrowingNode,
    rowsInOrder: boolean,
    parent: Float64Array | null,
  ) {
    this.histograms.build(
      histogram,
      node.start,
      node.end,
      this.gradients,
      this.hessians,
      rowsInOrder,
      this.groups,
      this.groupCount,
      parent,
    );
  }

  private release(node: GrowingNode) {
    if (node.histogram) this.histograms.release(node.histogram);
    node.histogram = null;
  }

  private makeLeaf(node: GrowingNode) {
    const { l2, learningRate } = this.settings;
    const value = (-node.gradient / (node.hessian + l2 + 1e-15)) * learningRate;
    this.value[node.id] = value;
    const leaf = this.leafCount++;
    this.leafStart[leaf] = node.start;
    this.leafEnd[leaf] = node.end;
    this.leafValue[leaf] = value;
  }

  private result(): GrownTree {
    const count = this.nodeCount;
    return {
      feature: this.feature.slice(0, count),
      threshold: this.threshold.slice(0, count),
      bin: this.bin.slice(0, count),
      missingLeft: this.missingLeft.slice(0, count),
      left: this.left.slice(0, count),
      right: this.right.slice(0, count),
      value: this.value.slice(0, count),
    };
  }
}

/** Adds the tree's leaf values for the binned rows `rows[0 … count - 1]` into `raw[offset + row]`. */
export function addBinnedPredictions(
  tree: GrownTree,
  binned: BinnedData,
  rows: Uint32Array,
  count: number,
  raw: Float64Array,
  offset: number,
) {
  const { feature, bin, missingLeft, left, right, value } = tree;
  const { words, missingBin } = binned;
  const stride = binned.rows;
  for (let i = 0; i < count; i++) {
    const row = rows[i] as number;
    let node = 0;
    let f = feature[0] as number;
    while (f >= 0) {
      const code = ((words[(f >> 2) * stride + row] as number) >>> (8 * (f & 3))) & 255;
      const goLeft =
        code === (missingBin[f] as number)
          ? missingLeft[node] === 1
          : code <= (bin[node] as number);
      node = goLeft ? (left[node] as number) : (right[node] as number);
      f = feature[node] as number;
    }
    raw[offset + row] = (raw[offset + row] as number) + (value[node] as number);
  }
}
