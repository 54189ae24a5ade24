import { randomInt, type Random } from '../../random';
import {
  MAX_BATCH,
  SplitSearch,
  searchBinned,
  searchRandom,
  type Criterion,
  type TrainingData,
} from './split';
import type { TreeArrays } from './tree';

export interface GrowOptions {
  readonly maxDepth: number;
  readonly minSamplesSplit: number;
  readonly minSamplesLeaf: number;
  readonly maxFeatures: number;
  readonly criterion: Criterion;
  /** 'best' searches every bin boundary; 'random' draws one threshold per feature (extra trees). */
  readonly splitter: 'best' | 'random';
}

/** Impurities at or below this are pure (scikit-learn's EPSILON). */
const PURE = 2.220446049250313e-16;

/** Node arrays that double in size as a tree grows. */
class NodeBuffer {
  capacity = 0;
  count = 0;
  valueCount = 0;
  feature = new Int32Array(0);
  threshold = new Float32Array(0);
  left = new Int32Array(0);
  right = new Int32Array(0);
  valueOffset = new Int32Array(0);
  values = new Float64Array(0);

  clear() {
    this.count = 0;
    this.valueCount = 0;
  }

  addNode(): number {
    if (this.count === this.capacity) {
      const capacity = Math.max(64, this.capacity * 2);
      this.feature = grow(this.feature, new Int32Array(capacity));
      this.threshold = grow(this.threshold, new Float32Array(capacity));
      this.left = grow(this.left, new Int32Array(capacity));
      this.right = grow(this.right, new Int32Array(capacity));
      this.valueOffset = grow(this.valueOffset, new Int32Array(capacity));
      this.capacity = capacity;
    }
    const node = this.count++;
    this.feature[node] = -1;
    this.threshold[node] = 0;
    this.left[node] = -1;
    this.right[node] = -1;
    this.valueOffset[node] = -1;
    return node;
  }

  addValues(width: number): number {
    if (this.valueCount + width > this.values.length) {
      this.values = grow(this.values, new Float64Array(Math.max(256, this.values.length * 2)));
    }
    const offset = this.valueCount;
    this.valueCount += width;
    return offset;
  }

  toTree(): TreeArrays {
    return {
      feature: this.feature.slice(0, this.count),
      threshold: this.threshold.slice(0, this.count),
      left: this.left.slice(0, this.count),
      right: this.right.slice(0, this.count),
      valueOffset: this.valueOffset.slice(0, this.count),
      values: this.values.slice(0, this.valueCount),
    };
  }
}

function grow<T extends Int32Array | Float32Array | Float64Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

/**
 * Grows CART trees depth first, as scikit-learn's DepthFirstTreeBuilder does, reusing its buffers
 * from one tree to the next. Nodes are numbered in preorder, so every child comes after its parent.
 */
export class TreeGrower {
  private readonly samples: Int32Array;
  private readonly search: SplitSearch;
  private readonly featureOrder: Int32Array;
  private readonly nodeTotals: Float64Array;
  private readonly stackStart: Int32Array;
  private readonly stackEnd: Int32Array;
  private readonly stackDepth: Int32Array;
  private readonly stackParent: Int32Array;
  private readonly stackSide: Uint8Array;
  private readonly buffer = new NodeBuffer();
  private nodeWeight = 0;
  private nodeImpurity = 0;

  constructor(
    private readonly data: TrainingData,
    private readonly options: GrowOptions,
  ) {
    const rows = data.rows;
    this.samples = new Int32Array(rows);
    this.search = new SplitSearch(
      data,
      this.samples,
      new Float64Array(rows),
      options.criterion,
      options.minSamplesLeaf,
    );
    this.featureOrder = Int32Array.from({ length: data.cols }, (_, f) => f);
    this.nodeTotals = new Float64Array(this.search.width);
    this.stackStart = new Int32Array(rows + 2);
    this.stackEnd = new Int32Array(rows + 2);
    this.stackDepth = new Int32Array(rows + 2);
    this.stackParent = new Int32Array(rows + 2);
    this.stackSide = new Uint8Array(rows + 2);
  }

  /** The per-row weights of the next tree (bootstrap counts times sample weights); 0 leaves a row out. */
  get weights(): Float64Array {
    return this.search.weights;
  }

  /** Grows one tree on rows with positive weight and adds its impurity decreases to `importances`. */
  grow(random: Random, importances: Float64Array): TreeArrays {
    const { data, options, samples, search, buffer } = this;
    const weights = search.weights;
    let included = 0;
    for (let i = 0; i < data.rows; i++) if ((weights[i] as number) > 0) samples[included++] = i;
    buffer.clear();
    const classes = data.classCount;
    const width = classes > 0 ? classes : 1;
    const { stackStart, stackEnd, stackDepth, stackParent, stackSide } = this;
    let top = this.push(0, 0, included, 0, -1, 0);
    const treeImportances = new Float64Array(data.cols);
    let rootWeight = 0;
    while (top > 0) {
      top--;
      const start = stackStart[top] as number;
      const end = stackEnd[top] as number;
      const depth = stackDepth[top] as number;
      const parent = stackParent[top] as number;
      const node = buffer.addNode();
      if (parent >= 0) {
        if (stackSide[top] === 0) buffer.left[parent] = node;
        else buffer.right[parent] = node;
      }
      this.nodeStatistics(start, end);
      const weight = this.nodeWeight;
      const impurity = this.nodeImpurity;
      if (parent < 0) rootWeight = weight;
      else {
        const parentFeature = buffer.feature[parent] as number;
        treeImportances[parentFeature] =
          (treeImportances[parentFeature] as number) - weight * impurity;
      }
      const rows = end - start;
      let split = false;
      if (
        depth < options.maxDepth &&
        rows >= options.minSamplesSplit &&
        rows >= 2 * options.minSamplesLeaf &&
        impurity > PURE
      ) {
        split = this.findSplit(start, end, random);
      }
      if (!split) {
        const offset = buffer.addValues(width);
        buffer.valueOffset[node] = offset;
        const values = buffer.values;
        if (classes > 0) {
          const totals = this.nodeTotals;
          for (let c = 0; c < classes; c++) values[offset + c] = (totals[c] as number) / weight;
        } else {
          values[offset] = (this.nodeTotals[1] as number) / weight;
        }
        continue;
      }
      const feature = search.bestFeature;
      buffer.feature[node] = feature;
      buffer.threshold[node] = search.bestThreshold;
      treeImportances[feature] = (treeImportances[feature] as number) + weight * impurity;
      const middle = this.partition(start, end);
      // Right first, so that the left child is grown next and numbered right after its parent.
      top = this.push(top, middle, end, depth + 1, node, 1);
      top = this.push(top, start, middle, depth + 1, node, 0);
    }
    addNormalised(importances, treeImportances, rootWeight);
    return buffer.toTree();
  }

  private push(
    top: number,
    start: number,
    end: number,
    depth: number,
    parent: number,
    side: number,
  ) {
    this.stackStart[top] = start;
    this.stackEnd[top] = end;
    this.stackDepth[top] = depth;
    this.stackParent[top] = parent;
    this.stackSide[top] = side;
    return top + 1;
  }

  /** Sets `nodeTotals`, the search totals, `nodeWeight` and `nodeImpurity` for `samples[start, end)`. */
  private nodeStatistics(start: number, end: number) {
    const { data, samples, search } = this;
    const weights = search.weights;
    const totals = this.nodeTotals;
    totals.fill(0);
    const classes = data.classCount;
    let weight = 0;
    let impurity = 0;
    if (classes > 0) {
      const labels = data.labels;
      for (let p = start; p < end; p++) {
        const sample = samples[p] as number;
        const label = labels[sample] as number;
        totals[label] = (totals[label] as number) + (weights[sample] as number);
      }
      for (let c = 0; c < classes; c++) weight += totals[c] as number;
      if (search.criterion === 'entropy') {
        for (let c = 0; c < classes; c++) {
          const share = (totals[c] as number) / weight;
          if (share > 0) impurity -= share * Math.log2(share);
        }
      } else {
        let squares = 0;
        for (let c = 0; c < classes; c++) {
          const share = (totals[c] as number) / weight;
          squares += share * share;
        }
        impurity = 1 - squares;
      }
    } else {
      const targets = data.targets;
      let sum = 0;
      for (let p = start; p < end; p++) {
        const sample = samples[p] as number;
        const w = weights[sample] as number;
        weight += w;
        sum += w * (targets[sample] as number);
      }
      const mean = sum / weight;
      // Two passes, so that a node whose targets are all equal has an impurity of exactly zero.
      for (let p = start; p < end; p++) {
        const sample = samples[p] as number;
        const deviation = (targets[sample] as number) - mean;
        impurity += (weights[sample] as number) * deviation * deviation;
      }
      impurity /= weight;
      totals[0] = weight;
      totals[1] = sum;
    }
    search.totals.set(totals);
    search.totalWeight = weight;
    this.nodeWeight = weight;
    this.nodeImpurity = impurity;
  }

  /**
   * Tries features in random order until `maxFeatures` non-constant ones have been searched (features
   * constant in the node do not count, as in scikit-learn); returns whether a valid split was found.
   */
  private findSplit(start: number, end: number, random: Random): boolean {
    const { search, featureOrder, options } = this;
    search.reset();
    const cols = featureOrder.length;
    const batch = search.batch;
    const best = options.splitter === 'best';
    let searched = 0;
    let drawn = 0;
    while (searched < options.maxFeatures && drawn < cols) {
      const count = Math.min(options.maxFeatures - searched, cols - drawn, MAX_BATCH);
      for (let b = 0; b < count; b++) {
        const j = drawn + randomInt(random, cols - drawn);
        const feature = featureOrder[j] as number;
        featureOrder[j] = featureOrder[drawn] as number;
        featureOrder[drawn] = feature;
        batch[b] = feature;
        drawn++;
      }
      searched += best
        ? searchBinned(search, count, start, end)
        : searchRandom(search, count, start, end, random);
    }
    return search.bestFeature >= 0;
  }

  /** Moves the rows that go left to the front of `samples[start, end)`; returns where the right ones begin. */
  private partition(start: number, end: number): number {
    const { data, samples, search } = this;
    const feature = search.bestFeature;
    const cols = data.cols;
    let i = start;
    let j = end - 1;
    if (search.bestBin >= 0 && data.bins) {
      const codes = data.bins.codes;
      const bin = search.bestBin;
      while (i <= j) {
        const sample = samples[i] as number;
        if ((codes[sample * cols + feature] as number) <= bin) {
          i++;
        } else {
          samples[i] = samples[j] as number;
          samples[j] = sample;
          j--;
        }
      }
    } else {
      const x = data.x;
      const threshold = search.bestThreshold;
      while (i <= j) {
        const sample = samples[i] as number;
        if ((x[sample * cols + feature] as number) <= threshold) {
          i++;
        } else {
          samples[i] = samples[j] as number;
          samples[j] = sample;
          j--;
        }
      }
    }
    return i;
  }
}

/** Adds one tree's impurity decreases, normalised to sum to 1 (scikit-learn's per-tree importances). */
function addNormalised(importances: Float64Array, tree: Float64Array, rootWeight: number) {
  let total = 0;
  for (let f = 0; f < tree.length; f++) total += (tree[f] as number) / rootWeight;
  if (total <= 0) return;
  for (let f = 0; f < tree.length; f++) {
    importances[f] = (importances[f] as number) + (tree[f] as number) / rootWeight / total;
  }
}
