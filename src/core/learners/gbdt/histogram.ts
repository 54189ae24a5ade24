import { FEATURES_PER_WORD } from './binning';
import {
  accumulate4,
  accumulate8,
  accumulateCounts4,
  accumulateCounts8,
  STRIDE,
} from './histogram-kernels';

export { STRIDE };

export class HistogramPool {
  private readonly free: Float64Array[] = [];

  constructor(private readonly length: number) {}

  acquire(): Float64Array {
    return this.free.pop() ?? new Float64Array(this.length);
  }

  release(histogram: Float64Array) {
    this.free.push(histogram);
  }
}

export interface HistogramSource {
  readonly rows: number;
  readonly cols: number;
  /** Packed bin codes, four features per word (see `BinnedData.words`). */
  readonly words: Uint32Array;
  readonly offsets: Int32Array;
  readonly gradients: Float32Array;
  readonly hessians: Float32Array;
  readonly constantHessian: boolean;
}

/** Where the features packed in word group `group` start in a histogram. */
const groupStart = (offsets: Int32Array, group: number) =>
  (offsets[group * FEATURES_PER_WORD] as number) * STRIDE;

/** Where they end. */
const groupEnd = (offsets: Int32Array, cols: number, group: number) =>
  (offsets[Math.min(cols, (group + 1) * FEATURES_PER_WORD)] as number) * STRIDE;

/**
 * Fills `histogram` for the rows `rowIndex[start … end - 1]` and the word groups
 * `groups[0 … groupCount - 1]`. Gradients are first gathered into node order so the loops read
 * them sequentially, unless `rowsInOrder` says `rowIndex[start + i] = i` already (a root grown on
 * every row); the loops then take two word groups at a time, reading two words per row
 * and updating eight features, which amortises the row index and gradient loads (about 20%
 * faster in V8 than one group at a time).
 */
export function buildHistogram(
  source: HistogramSource,
  histogram: Float64Array,
  rowIndex: Uint32Array,
  start: number,
  end: number,
  groups: Int32Array,
  groupCount: number,
  gatheredGradients: Float32Array,
  gatheredHessians: Float32Array,
  bases: Int32Array,
  rowsInOrder: boolean,
) {
  const { rows, cols, words, offsets, constantHessian } = source;
  const count = end - start;
  let orderedGradients = source.gradients;
  let orderedHessians = source.hessians;
  if (!rowsInOrder) {
    gatherGradients(source, rowIndex, start, count, gatheredGradients, gatheredHessians);
    orderedGradients = gatheredGradients;
    orderedHessians = gatheredHessians;
  }
  clearGroups(histogram, offsets, cols, groups, groupCount);
  let pending = -1;
  for (let k = 0; k < groupCount; k++) {
    const group = groups[k] as number;
    if (pending < 0) {
      pending = group;
      continue;
    }
    setBases(bases, offsets, cols, pending, 0);
    setBases(bases, offsets, cols, group, 4);
    const first = pending * rows;
    const second = group * rows;
    if (constantHessian) {
      accumulateCounts8(
        histogram,
        words,
        rowIndex,
        start,
        count,
        first,
        second,
        orderedGradients,
        bases,
      );
    } else {
      accumulate8(
        histogram,
        words,
        rowIndex,
        start,
        count,
        first,
        second,
        orderedGradients,
        orderedHessians,
        bases,
      );
    }
    pending = -1;
  }
  if (pending >= 0) {
    setBases(bases, offsets, cols, pending, 0);
    const column = pending * rows;
    if (constantHessian) {
      accumulateCounts4(histogram, words, rowIndex, start, count, column, orderedGradients, bases);
    } else {
      accumulate4(
        histogram,
        words,
        rowIndex,
        start,
        count,
        column,
        orderedGradients,
        orderedHessians,
        bases,
      );
    }
  }
}

/** Copies the gradients (and hessians) of `rowIndex[start … start + count - 1]` into node order. */
function gatherGradients(
  source: HistogramSource,
  rowIndex: Uint32Array,
  start: number,
  count: number,
  orderedGradients: Float32Array,
  orderedHessians: Float32Array,
) {
  const { gradients, hessians } = source;
  if (source.constantHessian) {
    for (let i = 0; i < count; i++) {
      orderedGradients[i] = gradients[rowIndex[start + i] as number] as number;
    }
    return;
  }
  for (let i = 0; i < count; i++) {
    const row = rowIndex[start + i] as number;
    orderedGradients[i] = gradients[row] as number;
    orderedHessians[i] = hessians[row] as number;
  }
}

function clearGroups(
  histogram: Float64Array,
  offsets: Int32Array,
  cols: number,
  groups: Int32Array,
  groupCount: number,
) {
  for (let k = 0; k < groupCount; k++) {
    const group = groups[k] as number;
    histogram.fill(0, groupStart(offsets, group), groupEnd(offsets, cols, group));
  }
}

/**
 * Writes the histogram positions of the four features of `group` to `bases[at … at + 3]`. The
 * padding bytes of a last, partly filled word are always 0 and go to the spare bin past the last
 * feature, so every group takes the same unrolled path.
 */
function setBases(bases: Int32Array, offsets: Int32Array, cols: number, group: number, at: number) {
  const first = group * FEATURES_PER_WORD;
  for (let j = 0; j < FEATURES_PER_WORD; j++) {
    bases[at + j] = (offsets[Math.min(first + j, cols)] as number) * STRIDE;
  }
}

/** Histogram length: every feature's bins plus one spare bin for padding bytes. */
export const histogramLength = (offsets: Int32Array, cols: number) =>
  ((offsets[cols] as number) + 1) * STRIDE;

/** `parent -= child` over the given word groups: the trick that turns a parent into its other child. */
export function subtractInPlace(
  parent: Float64Array,
  child: Float64Array,
  offsets: Int32Array,
  cols: number,
  groups: Int32Array,
  groupCount: number,
) {
  for (let k = 0; k < groupCount; k++) {
    const group = groups[k] as number;
    const end = groupEnd(offsets, cols, group);
    for (let j = groupStart(offsets, group); j < end; j++) {
      parent[j] = (parent[j] as number) - (child[j] as number);
    }
  }
}
