/**
 * Working memory a profile reuses from column to column: the copy of a column's present values
 * and the radix sort's two key buffers. Each is the size of the longest column seen, so a table
 * of equal columns allocates them once instead of three column-sized buffers per column, which
 * the collector would otherwise hold until it got round to them. Not shared between profiles
 * running at the same time.
 */
export class ProfileScratch {
  private floats = new Float64Array(0);
  private keys = new Uint32Array(0);
  private spareKeys = new Uint32Array(0);

  /** Room for `n` doubles; its contents are whatever the last user left. */
  values(n: number): Float64Array {
    if (this.floats.length < n) this.floats = new Float64Array(n);
    return this.floats.subarray(0, n);
  }

  /** Two buffers of `2n` words, for `n` 64-bit sort keys; contents undefined. */
  sortKeys(n: number): [Uint32Array, Uint32Array] {
    if (this.keys.length < 2 * n) {
      this.keys = new Uint32Array(2 * n);
      this.spareKeys = new Uint32Array(2 * n);
    }
    return [this.keys.subarray(0, 2 * n), this.spareKeys.subarray(0, 2 * n)];
  }
}
