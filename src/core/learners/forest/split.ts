import type { Random } from '../../random';
import { MAX_BINS, thresholdBetween, type FeatureBins } from './bins';

/** The training rows a forest grows its trees from, shared by every tree. */
export interface TrainingData {
  readonly rows: number;
  readonly cols: number;
  /** The row-major training matrix. */
  readonly x: Float32Array;
  /** Present for best-split search; extra trees draw thresholds from the raw values instead. */
  readonly bins: FeatureBins | null;
  /** 0 for regression. */
  readonly classCount: number;
  readonly labels: Int32Array;
  readonly targets: Float64Array;
}

export type Criterion = 'gini' | 'entropy' | 'squared_error';

/**
 * Below this many rows a node sorts its raw values instead of filling a histogram: scanning up to
 * 255 bins would cost more than sorting a handful of rows, and the split is then exact, so deep
 * trees can still separate rows that share a bin.
 */
export const SORTED_NODE_ROWS = 48;

/**
 * Features searched together in one pass over a node's rows. Rows are stored row-major, so the
 * codes of all features in a batch come from the same cache line.
 */
export const MAX_BATCH = 32;

/**
 * Scratch space for the split search of one node and the best split found so far. The histograms
 * are all zero between searches; each search clears exactly the bins it filled.
 */
export class SplitSearch {
  /** Per batch feature and bin: class weights, or [weight, weighted sum] for regression. */
  readonly histWeight: Float64Array;
  readonly histCount = new Int32Array(MAX_BATCH * MAX_BINS);
  /** Node totals: class weights, or [weight, weighted sum] for regression. */
  readonly totals: Float64Array;
  /** Left-side statistics per batch feature, laid out like the histogram bins. */
  readonly left: Float64Array;
  readonly leftRows = new Int32Array(MAX_BATCH);
  readonly low = new Float64Array(MAX_BATCH);
  readonly high = new Float64Array(MAX_BATCH);
  readonly thresholds = new Float32Array(MAX_BATCH);
  readonly batch = new Int32Array(MAX_BATCH);
  readonly gathered = new Float32Array(MAX_BATCH * SORTED_NODE_ROWS);
  readonly sortedValues = new Float32Array(SORTED_NODE_ROWS);
  readonly sortedSamples = new Int32Array(SORTED_NODE_ROWS);
  /** Statistics per class, or 2 ([weight, weighted sum]) for regression. */
  readonly width: number;
  readonly entropy: boolean;
  /** The node's total weight. */
  totalWeight = 0;
  bestFeature = -1;
  bestBin = -1;
  bestThreshold = 0;
  bestProxy = -Infinity;

  constructor(
    readonly data: TrainingData,
    readonly samples: Int32Array,
    readonly weights: Float64Array,
    readonly criterion: Criterion,
    readonly minSamplesLeaf: number,
  ) {
    this.width = data.classCount > 0 ? data.classCount : 2;
    this.entropy = criterion === 'entropy';
    this.histWeight = new Float64Array(MAX_BATCH * MAX_BINS * this.width);
    this.left = new Float64Array(MAX_BATCH * this.width);
    this.totals = new Float64Array(this.width);
  }

  reset() {
    this.bestFeature = -1;
    this.bestBin = -1;
    this.bestThreshold = 0;
    this.bestProxy = -Infinity;
  }
}

/**
 * The part of the impurity decrease that depends on the split (scikit-learn's proxy improvement):
 * larger is better. `stats` holds the left side's statistics from `at`.
 */
function proxyImprovement(
  search: SplitSearch,
  stats: Float64Array,
  at: number,
  leftWeight: number,
): number {
  const totals = search.totals;
  const classes = search.data.classCount;
  if (classes === 0) {
    const leftSum = stats[at + 1] as number;
    const rightSum = (totals[1] as number) - leftSum;
    return (
      (leftSum * leftSum) / leftWeight +
      (rightSum * rightSum) / ((totals[0] as number) - leftWeight)
    );
  }
  const rightWeight = search.totalWeight - leftWeight;
  let leftScore = 0;
  let rightScore = 0;
  if (search.entropy) {
    for (let c = 0; c < classes; c++) {
      const l = stats[at + c] as number;
      const r = (totals[c] as number) - l;
      if (l > 0) leftScore += l * Math.log(l / leftWeight);
      if (r > 0) rightScore += r * Math.log(r / rightWeight);
    }
    return leftScore + rightScore;
  }
  for (let c = 0; c < classes; c++) {
    const l = stats[at + c] as number;
    const r = (totals[c] as number) - l;
    leftScore += l * l;
    rightScore += r * r;
  }
  return leftScore / leftWeight + rightScore / rightWeight;
}

function consider(
  search: SplitSearch,
  proxy: number,
  feature: number,
  bin: number,
  threshold: number,
) {
  if (proxy > search.bestProxy) {
    search.bestProxy = proxy;
    search.bestFeature = feature;
    search.bestBin = bin;
    search.bestThreshold = threshold;
  }
}

/**
 * Best splits between bins for the first `count` features of `search.batch` over the node
 * `samples[start, end)`; returns how many of them vary in the node.
 */
export function searchBinned(search: SplitSearch, count: number, start: number, end: number) {
  let varying = 0;
  if (end - start < SORTED_NODE_ROWS) {
    gatherValues(search, count, start, end);
    for (let j = 0; j < count; j++) {
      if (searchSortedValues(search, j, start, end)) varying++;
    }
    return varying;
  }
  fillHistograms(search, count, start, end);
  for (let j = 0; j < count; j++) {
    if (scanHistogram(search, j, end - start)) varying++;
  }
  return varying;
}

function fillHistograms(search: SplitSearch, count: number, start: number, end: number) {
  const { data, samples, weights, histWeight, histCount, batch } = search;
  const codes = (data.bins as FeatureBins).codes;
  const cols = data.cols;
  if (data.classCount > 0) {
    const width = data.classCount;
    const labels = data.labels;
    for (let p = start; p < end; p++) {
      const sample = samples[p] as number;
      const row = sample * cols;
      const label = labels[sample] as number;
      const weight = weights[sample] as number;
      for (let j = 0; j < count; j++) {
        const bin = j * MAX_BINS + (codes[row + (batch[j] as number)] as number);
        histCount[bin] = (histCount[bin] as number) + 1;
        const at = bin * width + label;
        histWeight[at] = (histWeight[at] as number) + weight;
      }
    }
  } else {
    const targets = data.targets;
    for (let p = start; p < end; p++) {
      const sample = samples[p] as number;
      const row = sample * cols;
      const weight = weights[sample] as number;
      const weighted = weight * (targets[sample] as number);
      for (let j = 0; j < count; j++) {
        const bin = j * MAX_BINS + (codes[row + (batch[j] as number)] as number);
        histCount[bin] = (histCount[bin] as number) + 1;
        histWeight[bin * 2] = (histWeight[bin * 2] as number) + weight;
        histWeight[bin * 2 + 1] = (histWeight[bin * 2 + 1] as number) + weighted;
      }
    }
  }
}

/** Scans batch feature `j`'s histogram left to right, clearing it; returns whether it varies. */
function scanHistogram(search: SplitSearch, j: number, rows: number) {
  const { data, histWeight, histCount, left, width } = search;
  const bins = data.bins as FeatureBins;
  const feature = search.batch[j] as number;
  const binBase = feature * MAX_BINS;
  const binCount = bins.binCount[feature] as number;
  const histBase = j * MAX_BINS;
  const minLeaf = search.minSamplesLeaf;
  left.fill(0, 0, width);
  let leftRows = 0;
  let leftWeight = 0;
  let previous = -1;
  for (let code = 0; code < binCount; code++) {
    const bin = histBase + code;
    const count = histCount[bin] as number;
    if (count === 0) continue;
    if (previous < 0 && count === rows) {
      histCount[bin] = 0;
      histWeight.fill(0, bin * width, (bin + 1) * width);
      return false;
    }
    if (previous >= 0 && leftRows >= minLeaf && rows - leftRows >= minLeaf) {
      const proxy = proxyImprovement(search, left, 0, leftWeight);
      if (proxy > search.bestProxy) {
        const threshold = thresholdBetween(
          bins.binMax[binBase + previous] as number,
          bins.binMin[binBase + code] as number,
        );
        consider(search, proxy, feature, previous, threshold);
      }
    }
    const at = bin * width;
    if (data.classCount > 0) {
      for (let c = 0; c < width; c++) {
        const weight = histWeight[at + c] as number;
        left[c] = (left[c] as number) + weight;
        leftWeight += weight;
        histWeight[at + c] = 0;
      }
    } else {
      leftWeight += histWeight[at] as number;
      left[1] = (left[1] as number) + (histWeight[at + 1] as number);
      histWeight[at] = 0;
      histWeight[at + 1] = 0;
    }
    leftRows += count;
    histCount[bin] = 0;
    previous = code;
  }
  return true;
}

/** Copies the batch features of a small node's rows, `gathered[j * SORTED_NODE_ROWS + k]`, one row at a time. */
function gatherValues(search: SplitSearch, count: number, start: number, end: number) {
  const { data, samples, batch, gathered } = search;
  const x = data.x;
  const cols = data.cols;
  for (let p = start; p < end; p++) {
    const row = (samples[p] as number) * cols;
    const k = p - start;
    for (let j = 0; j < count; j++) {
      gathered[j * SORTED_NODE_ROWS + k] = x[row + (batch[j] as number)] as number;
    }
  }
}

/** Exact best split of batch feature `j` over a small node, from its gathered values sorted in place. */
function searchSortedValues(search: SplitSearch, j: number, start: number, end: number) {
  const { data, samples, weights, left, sortedValues, sortedSamples, gathered } = search;
  const feature = search.batch[j] as number;
  const rows = end - start;
  const from = j * SORTED_NODE_ROWS;
  for (let k = 0; k < rows; k++) {
    const sample = samples[start + k] as number;
    const value = gathered[from + k] as number;
    let i = k - 1;
    while (i >= 0 && (sortedValues[i] as number) > value) {
      sortedValues[i + 1] = sortedValues[i] as number;
      sortedSamples[i + 1] = sortedSamples[i] as number;
      i--;
    }
    sortedValues[i + 1] = value;
    sortedSamples[i + 1] = sample;
  }
  if (sortedValues[0] === sortedValues[rows - 1]) return false;
  const classes = data.classCount;
  const labels = data.labels;
  const targets = data.targets;
  const minLeaf = search.minSamplesLeaf;
  left.fill(0, 0, search.width);
  let leftWeight = 0;
  for (let k = 0; k < rows - 1; k++) {
    const sample = sortedSamples[k] as number;
    const weight = weights[sample] as number;
    if (classes > 0) {
      const label = labels[sample] as number;
      left[label] = (left[label] as number) + weight;
    } else {
      left[1] = (left[1] as number) + weight * (targets[sample] as number);
    }
    leftWeight += weight;
    const value = sortedValues[k] as number;
    const next = sortedValues[k + 1] as number;
    if (value === next || k + 1 < minLeaf || rows - k - 1 < minLeaf) continue;
    const proxy = proxyImprovement(search, left, 0, leftWeight);
    if (proxy > search.bestProxy)
      consider(search, proxy, feature, -1, thresholdBetween(value, next));
  }
  return true;
}

/**
 * Extra-trees splits for the first `count` features of `search.batch`: for each, one threshold
 * drawn uniformly between the node's smallest and largest value. Returns how many features vary.
 */
export function searchRandom(
  search: SplitSearch,
  count: number,
  start: number,
  end: number,
  random: Random,
) {
  const { data, samples, weights, left, leftRows, low, high, thresholds, batch, width } = search;
  const x = data.x;
  const cols = data.cols;
  low.fill(Infinity, 0, count);
  high.fill(-Infinity, 0, count);
  for (let p = start; p < end; p++) {
    const row = (samples[p] as number) * cols;
    for (let j = 0; j < count; j++) {
      const value = x[row + (batch[j] as number)] as number;
      if (value < (low[j] as number)) low[j] = value;
      if (value > (high[j] as number)) high[j] = value;
    }
  }
  let varying = 0;
  for (let j = 0; j < count; j++) {
    const min = low[j] as number;
    const max = high[j] as number;
    if (max <= min) {
      thresholds[j] = -Infinity;
      continue;
    }
    varying++;
    let threshold = Math.fround(min + random() * (max - min));
    if (threshold >= max) threshold = min;
    thresholds[j] = threshold;
  }
  if (varying === 0) return 0;
  left.fill(0, 0, count * width);
  leftRows.fill(0, 0, count);
  const classes = data.classCount;
  const labels = data.labels;
  const targets = data.targets;
  for (let p = start; p < end; p++) {
    const sample = samples[p] as number;
    const row = sample * cols;
    const weight = weights[sample] as number;
    const offset = classes > 0 ? (labels[sample] as number) : 0;
    const weighted = classes > 0 ? 0 : weight * (targets[sample] as number);
    for (let j = 0; j < count; j++) {
      if ((x[row + (batch[j] as number)] as number) <= (thresholds[j] as number)) {
        leftRows[j] = (leftRows[j] as number) + 1;
        const at = j * width + offset;
        left[at] = (left[at] as number) + weight;
        if (classes === 0) left[at + 1] = (left[at + 1] as number) + weighted;
      }
    }
  }
  const rows = end - start;
  const minLeaf = search.minSamplesLeaf;
  for (let j = 0; j < count; j++) {
    const leftCount = leftRows[j] as number;
    if (thresholds[j] === -Infinity || leftCount < minLeaf || rows - leftCount < minLeaf) continue;
    const at = j * width;
    let leftWeight = 0;
    if (classes > 0) for (let c = 0; c < classes; c++) leftWeight += left[at + c] as number;
    else leftWeight = left[at] as number;
    const proxy = proxyImprovement(search, left, at, leftWeight);
    consider(search, proxy, batch[j] as number, -1, thresholds[j] as number);
  }
  return varying;
}
