export interface NumericInput {
  readonly name: string;
  readonly values: Float64Array;
}

export interface CategoricalInput {
  readonly name: string;
  /** Dense level indices 0…levels−1; −1 when missing. */
  readonly codes: Int32Array;
  readonly levels: number;
}

type Matrix = (number | null)[][];

const square = (size: number): Matrix =>
  Array.from({ length: size }, () => Array.from({ length: size }, () => null));

const clamp = (value: number) => Math.max(-1, Math.min(1, value));

interface Moments {
  readonly complete: boolean;
  readonly mean: number;
  readonly squares: number;
}

/** The moments of `values`, or of `values[rows[0]]`, `values[rows[1]]`, … when given `rows`. */
function moments(values: Float64Array, rows: Int32Array | null = null): Moments {
  const n = rows ? rows.length : values.length;
  let count = 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const value = values[rows ? (rows[i] as number) : i] as number;
    if (value === value) {
      count++;
      sum += value;
    }
  }
  const mean = count > 0 ? sum / count : NaN;
  let squares = 0;
  for (let i = 0; i < n; i++) {
    const value = values[rows ? (rows[i] as number) : i] as number;
    if (value === value) squares += (value - mean) * (value - mean);
  }
  return { complete: count === n, mean, squares };
}

/** The mean of the present values, or 0 when there are none. */
export function presentMean(values: Float64Array): number {
  const mean = moments(values).mean;
  return Number.isNaN(mean) ? 0 : mean;
}

const BLOCK_ROWS = 1024;

/** Σ a·b over the first `rows` entries of two blocks. */
function dot(a: Float64Array, aAt: number, b: Float64Array, bAt: number, rows: number): number {
  let s0 = 0;
  let s1 = 0;
  let r = 0;
  for (; r + 1 < rows; r += 2) {
    s0 += (a[aAt + r] as number) * (b[bAt + r] as number);
    s1 += (a[aAt + r + 1] as number) * (b[bAt + r + 1] as number);
  }
  if (r < rows) s0 += (a[aAt + r] as number) * (b[bAt + r] as number);
  return s0 + s1;
}

/**
 * Adds to `sums[at…at+5]` the count, Σx, Σy, Σx², Σy² and Σxy over the rows of two blocks
 * where both values are present.
 */
function pairSums(
  a: Float64Array,
  aAt: number,
  b: Float64Array,
  bAt: number,
  rows: number,
  sums: Float64Array,
  at: number,
): void {
  let count = 0;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (let r = 0; r < rows; r++) {
    const x = a[aAt + r] as number;
    const y = b[bAt + r] as number;
    if (x !== x || y !== y) continue;
    count++;
    sx += x;
    sy += y;
    sxx += x * x;
    syy += y * y;
    sxy += x * y;
  }
  sums[at] = (sums[at] as number) + count;
  sums[at + 1] = (sums[at + 1] as number) + sx;
  sums[at + 2] = (sums[at + 2] as number) + sy;
  sums[at + 3] = (sums[at + 3] as number) + sxx;
  sums[at + 4] = (sums[at + 4] as number) + syy;
  sums[at + 5] = (sums[at + 5] as number) + sxy;
}

/**
 * Pearson's r of every pair, over the rows where both are present (pandas' pairwise-complete
 * `corr`), in one pass over blocks of rows: each block's values are copied, less their column's
 * mean, into a small column-major buffer, so every column is read once instead of once per
 * pair (the pairwise loop is bound by memory, not arithmetic). Pairs of complete columns sum
 * cross products; a pair with gaps also sums its own counts and moments, from which its
 * shared-row means are taken out at the end (the values are already centred, so little is lost).
 * With `rows`, only those rows count, in that order: the same as measuring copies of them, without
 * the copies.
 */
export function pearsonMatrix(
  columns: readonly NumericInput[],
  rows: Int32Array | null = null,
): Matrix {
  const k = columns.length;
  const stats = columns.map((column) => moments(column.values, rows));
  const matrix = square(k);
  const n = rows ? rows.length : (columns[0]?.values.length ?? 0);
  const complete = stats.map((stat) => stat.complete);
  const products = new Float64Array(k * k);
  const sums = complete.every(Boolean) ? new Float64Array(0) : new Float64Array(6 * k * k);
  const buffer = new Float64Array(BLOCK_ROWS * k);
  for (let start = 0; start < n; start += BLOCK_ROWS) {
    const block = Math.min(BLOCK_ROWS, n - start);
    for (let c = 0; c < k; c++) {
      const values = (columns[c] as NumericInput).values;
      const mean = (stats[c] as Moments).mean;
      const at = c * BLOCK_ROWS;
      if (rows) {
        for (let r = 0; r < block; r++) {
          buffer[at + r] = (values[rows[start + r] as number] as number) - mean;
        }
      } else {
        for (let r = 0; r < block; r++) buffer[at + r] = (values[start + r] as number) - mean;
      }
    }
    for (let i = 0; i < k; i++) {
      for (let j = i + 1; j < k; j++) {
        const pair = i * k + j;
        if (complete[i] && complete[j]) {
          const sum = dot(buffer, i * BLOCK_ROWS, buffer, j * BLOCK_ROWS, block);
          products[pair] = (products[pair] as number) + sum;
        } else pairSums(buffer, i * BLOCK_ROWS, buffer, j * BLOCK_ROWS, block, sums, 6 * pair);
      }
    }
  }
  for (let i = 0; i < k; i++) {
    const row = matrix[i] as (number | null)[];
    const squares = (stats[i] as Moments).squares;
    row[i] = squares > 0 ? 1 : null;
    for (let j = i + 1; j < k; j++) {
      const pair = i * k + j;
      let r: number | null;
      if (complete[i] && complete[j]) {
        const denominator = Math.sqrt(squares * (stats[j] as Moments).squares);
        r = denominator > 0 ? clamp((products[pair] as number) / denominator) : null;
      } else {
        const at = 6 * pair;
        const count = sums[at] as number;
        const sx = sums[at + 1] as number;
        const sy = sums[at + 2] as number;
        const xx = (sums[at + 3] as number) - (sx * sx) / count;
        const yy = (sums[at + 4] as number) - (sy * sy) / count;
        const xy = (sums[at + 5] as number) - (sx * sy) / count;
        const denominator = Math.sqrt(xx * yy);
        r = count >= 2 && xx > 0 && yy > 0 && denominator > 0 ? clamp(xy / denominator) : null;
      }
      row[j] = r;
      (matrix[j] as (number | null)[])[i] = r;
    }
  }
  return matrix;
}

/**
 * Bias-corrected Cramér's V (Bergsma 2013): φ² is reduced by its expectation under independence
 * and the table's dimensions are corrected likewise, so unrelated columns score near 0 even for
 * small samples. Rows or columns of the contingency table that are empty do not count.
 */
export function cramersV(a: CategoricalInput, b: CategoricalInput): number | null {
  const table = new Float64Array(a.levels * b.levels);
  const rowSums = new Float64Array(a.levels);
  const colSums = new Float64Array(b.levels);
  let n = 0;
  for (let i = 0; i < a.codes.length; i++) {
    const x = a.codes[i] as number;
    const y = b.codes[i] as number;
    if (x < 0 || y < 0) continue;
    const cell = x * b.levels + y;
    table[cell] = (table[cell] as number) + 1;
    n++;
  }
  if (n < 2) return null;
  for (let x = 0; x < a.levels; x++) {
    for (let y = 0; y < b.levels; y++) {
      const count = table[x * b.levels + y] as number;
      rowSums[x] = (rowSums[x] as number) + count;
      colSums[y] = (colSums[y] as number) + count;
    }
  }
  let chi2 = 0;
  let r = 0;
  let k = 0;
  for (let x = 0; x < a.levels; x++) if ((rowSums[x] as number) > 0) r++;
  for (let y = 0; y < b.levels; y++) if ((colSums[y] as number) > 0) k++;
  for (let x = 0; x < a.levels; x++) {
    const rowSum = rowSums[x] as number;
    if (rowSum === 0) continue;
    for (let y = 0; y < b.levels; y++) {
      const colSum = colSums[y] as number;
      if (colSum === 0) continue;
      const expected = (rowSum * colSum) / n;
      const difference = (table[x * b.levels + y] as number) - expected;
      chi2 += (difference * difference) / expected;
    }
  }
  const phi2 = chi2 / n;
  const phi2Corrected = Math.max(0, phi2 - ((k - 1) * (r - 1)) / (n - 1));
  const rCorrected = r - ((r - 1) * (r - 1)) / (n - 1);
  const kCorrected = k - ((k - 1) * (k - 1)) / (n - 1);
  const denominator = Math.min(kCorrected - 1, rCorrected - 1);
  if (!(denominator > 0)) return null;
  return Math.min(1, Math.sqrt(phi2Corrected / denominator));
}

export function cramersVMatrix(columns: readonly CategoricalInput[]): Matrix {
  const matrix = square(columns.length);
  for (let i = 0; i < columns.length; i++) {
    const column = columns[i] as CategoricalInput;
    const row = matrix[i] as (number | null)[];
    row[i] = cramersV(column, column);
    for (let j = i + 1; j < columns.length; j++) {
      const v = cramersV(column, columns[j] as CategoricalInput);
      row[j] = v;
      (matrix[j] as (number | null)[])[i] = v;
    }
  }
  return matrix;
}

/**
 * The correlation ratio η = √(between-group / total sum of squares) of `x` grouped by `group`, in
 * one pass over values shifted by `center` (any value near the mean keeps the sums exact enough).
 * Even and odd rows count into separate tallies, so that runs of one level do not wait on the
 * previous row's store: with few levels that halves the time.
 */
export function correlationRatio(
  x: Float64Array,
  group: CategoricalInput,
  center = 0,
): number | null {
  const levels = group.levels;
  const counts = new Float64Array(2 * levels);
  const sums = new Float64Array(2 * levels);
  const codes = group.codes;
  const length = x.length;
  let n = 0;
  let evenTotal = 0;
  let evenSquares = 0;
  let oddTotal = 0;
  let oddSquares = 0;
  for (let i = 0; i < length; i += 2) {
    const even = (x[i] as number) - center;
    const evenLevel = codes[i] as number;
    if (even === even && evenLevel >= 0) {
      counts[evenLevel] = (counts[evenLevel] as number) + 1;
      sums[evenLevel] = (sums[evenLevel] as number) + even;
      n++;
      evenTotal += even;
      evenSquares += even * even;
    }
    if (i + 1 === length) break;
    const odd = (x[i + 1] as number) - center;
    const oddLevel = codes[i + 1] as number;
    if (odd === odd && oddLevel >= 0) {
      const at = levels + oddLevel;
      counts[at] = (counts[at] as number) + 1;
      sums[at] = (sums[at] as number) + odd;
      n++;
      oddTotal += odd;
      oddSquares += odd * odd;
    }
  }
  if (n < 2) return null;
  const total = evenTotal + oddTotal;
  const mean = total / n;
  const totalSquares = evenSquares + oddSquares - total * mean;
  if (!(totalSquares > 0)) return null;
  let between = 0;
  for (let level = 0; level < levels; level++) {
    const count = (counts[level] as number) + (counts[levels + level] as number);
    if (count === 0) continue;
    const deviation = ((sums[level] as number) + (sums[levels + level] as number)) / count - mean;
    between += count * deviation * deviation;
  }
  return Math.min(1, Math.sqrt(between / totalSquares));
}
