export type TextNorm = 'l2' | 'l1' | 'none';

/** Sparse vectors stored flat: vector `v` holds `indices/values[starts[v] … starts[v + 1])`. */
export interface SparseVectors {
  readonly starts: Int32Array;
  readonly indices: Int32Array;
  readonly values: Float64Array;
}

/**
 * Builds one sparse vector at a time by accumulating into a dense scratch row, then appends it
 * (weighted and normalised) to flat typed arrays: no object per entry.
 */
export class SparseBuilder {
  private readonly scratch: Float64Array;
  private readonly touched: Uint8Array;
  private touchedList: Int32Array;
  private touchedCount = 0;
  private indices = new Int32Array(1024);
  private values = new Float64Array(1024);
  private size = 0;
  private vectorCount = 0;
  private readonly starts: Int32Array;

  constructor(vectors: number, width: number) {
    this.scratch = new Float64Array(width);
    this.touched = new Uint8Array(width);
    this.touchedList = new Int32Array(64);
    this.starts = new Int32Array(vectors + 1);
  }

  add(index: number, amount: number) {
    if (!this.touched[index]) {
      this.touched[index] = 1;
      if (this.touchedCount === this.touchedList.length) {
        const grown = new Int32Array(this.touchedList.length * 2);
        grown.set(this.touchedList);
        this.touchedList = grown;
      }
      this.touchedList[this.touchedCount++] = index;
    }
    this.scratch[index] = (this.scratch[index] as number) + amount;
  }

  /**
   * Ends the current vector: counts become `1 + ln(count)` when `sublinear`, are multiplied by
   * `weights` when given, and the vector is scaled to unit norm unless `norm` is `none`.
   */
  finish(weights: Float64Array | null, norm: TextNorm, sublinear: boolean) {
    const { scratch, touched, touchedList } = this;
    const count = this.touchedCount;
    let total = 0;
    for (let k = 0; k < count; k++) {
      const index = touchedList[k] as number;
      let value = scratch[index] as number;
      if (sublinear && value !== 0) value = Math.sign(value) * (1 + Math.log(Math.abs(value)));
      if (weights) value *= weights[index] as number;
      scratch[index] = value;
      total += norm === 'l2' ? value * value : Math.abs(value);
    }
    const scale =
      norm === 'none' || total === 0 ? 1 : norm === 'l2' ? 1 / Math.sqrt(total) : 1 / total;
    this.reserve(count);
    for (let k = 0; k < count; k++) {
      const index = touchedList[k] as number;
      this.indices[this.size] = index;
      this.values[this.size++] = (scratch[index] as number) * scale;
      scratch[index] = 0;
      touched[index] = 0;
    }
    this.touchedCount = 0;
    this.starts[++this.vectorCount] = this.size;
  }

  private reserve(extra: number) {
    if (this.size + extra <= this.indices.length) return;
    const capacity = Math.max(this.indices.length * 2, this.size + extra);
    const indices = new Int32Array(capacity);
    indices.set(this.indices.subarray(0, this.size));
    const values = new Float64Array(capacity);
    values.set(this.values.subarray(0, this.size));
    this.indices = indices;
    this.values = values;
  }

  build(): SparseVectors {
    return {
      starts: this.starts,
      indices: this.indices.subarray(0, this.size),
      values: this.values.subarray(0, this.size),
    };
  }
}

/** Writes vector `codes[row]` into each row of zero-filled `out`; missing text stays zero. */
export function writeSparseRows(
  codes: Int32Array,
  vectors: SparseVectors,
  out: Float32Array,
  stride: number,
  offset: number,
) {
  const { starts, indices, values } = vectors;
  for (let row = 0, rowStart = offset; row < codes.length; row++, rowStart += stride) {
    const code = codes[row] as number;
    if (code < 0) continue;
    for (let k = starts[code] as number, end = starts[code + 1] as number; k < end; k++) {
      out[rowStart + (indices[k] as number)] = values[k] as number;
    }
  }
}
