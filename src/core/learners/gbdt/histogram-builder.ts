import type { BinnedData } from './binning';
import { buildHistogram, subtractInPlace, type HistogramSource } from './histogram';
import { partitionInPlace, type PartitionRule } from './partition';
import { findBestSplit, type SplitChoice, type SplitConstraints } from './split';

export type { PartitionRule } from './partition';

/**
 * Owns the memory that tree growing reads and writes (the row index and the histogram buffers):
 * it partitions node rows, builds node histograms and searches them for splits. The serial builder works on the
 * caller's thread; the shared one keeps the row index in a `SharedArrayBuffer` and splits large
 * partitions (by blocks of rows) and large histograms (by word groups) between the caller and
 * helper threads.
 */
export interface HistogramBuilder {
  /** The grower's row index: node rows are `rowIndex[start … end - 1]`. */
  readonly rowIndex: Uint32Array;
  /** A histogram buffer (contents undefined) to pass to `build`. */
  acquire(): Float64Array;
  release(histogram: Float64Array): void;
  /**
   * Partitions `rowIndex[start … end - 1]` by `rule`, stably: rows that go left come first, in
   * their order, then the others; returns where the right side starts.
   */
  partition(start: number, end: number, rule: PartitionRule): number;
  /**
   * Fills the word groups `groups[0 … groupCount - 1]` of `histogram` from the rows
   * `rowIndex[start … end - 1]` (`rowsInOrder` says `rowIndex[start + i] = i`), then, unless
   * `parent` is null, subtracts it from `parent` over the same groups, which turns the parent's
   * histogram into that of its other child.
   */
  build(
    histogram: Float64Array,
    start: number,
    end: number,
    gradients: Float32Array,
    hessians: Float32Array,
    rowsInOrder: boolean,
    groups: Int32Array,
    groupCount: number,
    parent: Float64Array | null,
  ): void;
  /**
   * Finds the best split of `first` and, unless it is null, of its sibling `second`, among
   * `features[0 … featureCount - 1]`; each node's histogram must come from `acquire`.
   */
  findSplits(
    first: SplitRequest,
    second: SplitRequest | null,
    features: Int32Array,
    featureCount: number,
  ): void;
  /** Releases the helpers (if any) for the next fit. */
  close(): void;
}

/** A node whose best split is wanted: its histogram and sums, and where the split goes. */
export interface SplitRequest {
  readonly histogram: Float64Array | null;
  readonly gradient: number;
  readonly hessian: number;
  readonly count: number;
  readonly split: SplitChoice;
}

/** Histogram buffers for one fit, reused from node to node and tree to tree. */
export class PlainPool {
  private readonly free: Float64Array[] = [];

  constructor(private readonly length: number) {}

  acquire(): Float64Array {
    return this.free.pop() ?? new Float64Array(this.length);
  }

  release(histogram: Float64Array) {
    this.free.push(histogram);
  }
}

export class SerialHistogramBuilder implements HistogramBuilder {
  readonly rowIndex: Uint32Array;
  private readonly scratch: Uint32Array;
  private readonly pool: PlainPool;
  private readonly gatheredGradients: Float32Array;
  private readonly gatheredHessians: Float32Array;
  private readonly bases = new Int32Array(8);

  constructor(
    private readonly binned: BinnedData,
    private readonly constantHessian: boolean,
    histogramLength: number,
    private readonly constraints: SplitConstraints,
  ) {
    this.rowIndex = new Uint32Array(binned.rows);
    this.scratch = new Uint32Array(binned.rows);
    this.pool = new PlainPool(histogramLength);
    this.gatheredGradients = new Float32Array(binned.rows);
    this.gatheredHessians = new Float32Array(constantHessian ? 0 : binned.rows);
  }

  acquire() {
    return this.pool.acquire();
  }

  release(histogram: Float64Array) {
    this.pool.release(histogram);
  }

  partition(start: number, end: number, rule: PartitionRule) {
    return partitionInPlace(this.binned.words, rule, this.rowIndex, start, end, this.scratch);
  }

  build(
    histogram: Float64Array,
    start: number,
    end: number,
    gradients: Float32Array,
    hessians: Float32Array,
    rowsInOrder: boolean,
    groups: Int32Array,
    groupCount: number,
    parent: Float64Array | null,
  ) {
    const { binned } = this;
    const source: HistogramSource = {
      rows: binned.rows,
      cols: binned.cols,
      words: binned.words,
      offsets: binned.offsets,
      gradients,
      hessians,
      constantHessian: this.constantHessian,
    };
    buildHistogram(
      source,
      histogram,
      this.rowIndex,
      start,
      end,
      groups,
      groupCount,
      this.gatheredGradients,
      this.gatheredHessians,
      this.bases,
      rowsInOrder,
    );
    if (parent) {
      subtractInPlace(parent, histogram, binned.offsets, binned.cols, groups, groupCount);
    }
  }

  findSplits(
    first: SplitRequest,
    second: SplitRequest | null,
    features: Int32Array,
    featureCount: number,
  ) {
    scanNode(first, features, featureCount, this.binned, this.constraints);
    if (second) scanNode(second, features, featureCount, this.binned, this.constraints);
  }

  close() {}
}

export function scanNode(
  node: SplitRequest,
  features: Int32Array,
  featureCount: number,
  binned: BinnedData,
  constraints: SplitConstraints,
) {
  findBestSplit(
    node.histogram as Float64Array,
    node.gradient,
    node.hessian,
    node.count,
    features,
    featureCount,
    binned.offsets,
    binned.missingBin,
    constraints,
    node.split,
  );
}
