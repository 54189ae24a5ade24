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

function moments(values: Float64Array): Moments {
  let count = 0;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as number;
    if (value === value) {
      count++;
      sum += value;
    }
  }
  const mean = count > 0 ? sum / count : NaN;
  let squares = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as number;
    if (value === value) squares += (value - mean) * (value - mean);
  }
  return { complete: count === values.length, mean, squares };
}

/**
 * Pearson's r over the rows where both columns are present (pandas' pairwise-complete `corr`),
 * for pairs where at least one column has gaps: means over the shared rows, then the sums.
 */
function pearsonPair(x: Float64Array, y: Float64Array): number | null {
  const n = x.length;
  let count = 0;
  let xSum = 0;
  let ySum = 0;
  for (let i = 0; i < n; i++) {
    const a = x[i] as number;
    const b = y[i] as number;
    if (a === a && b === b) {
      count++;
      xSum += a;
      ySum += b;
    }
  }
  if (count < 2) return null;
  const xMean = xSum / count;
  const yMean = ySum / count;
  let covariance = 0;
  let xSquares = 0;
  let ySquares = 0;
  for (let i = 0; i < n; i++) {
    const a = x[i] as number;
    const b = y[i] as number;
    if (a === a && b === b) {
      const dx = a - xMean;
      const dy = b - yMean;
      covariance += dx * dy;
      xSquares += dx * dx;
      ySquares += dy * dy;
    }
  }
  const denominator = Math.sqrt(xSquares * ySquares);
  return denominator > 0 ? clamp(covariance / denominator) : null;
}

/** The mean of the present values, or 0 when there are none. */
export function presentMean(values: Float64Array): number {
  const mean = moments(values).mean;
  return Number.isNaN(mean) ? 0 : mean;
}

const BLOCK_ROWS = 512;

/**
 * Cross products of the mean-centred complete columns, accumulated block by block: each block's
 * rows are copied row-major into a small buffer, so every column is read once instead of once
 * per pair (the pairwise loop is bound by memory, not arithmetic).
 */
function centredCrossProducts(
  columns: readonly Float64Array[],
  means: readonly number[],
): Float64Array {
  const k = columns.length;
  const products = new Float64Array(k * k);
  const n = columns[0]?.length ?? 0;
  const buffer = new Float64Array(BLOCK_ROWS * k);
  for (let start = 0; start < n; start += BLOCK_ROWS) {
    const rows = Math.min(BLOCK_ROWS, n - start);
    for (let c = 0; c < k; c++) {
      const column = columns[c] as Float64Array;
      const mean = means[c] as number;
      for (let r = 0; r < rows; r++) buffer[r * k + c] = (column[start + r] as number) - mean;
    }
    for (let r = 0; r < rows; r++) {
      const base = r * k;
      for (let i = 0; i < k; i++) {
        const x = buffer[base + i] as number;
        const at = i * k;
        for (let j = i; j < k; j++) {
          products[at + j] = (products[at + j] as number) + x * (buffer[base + j] as number);
        }
      }
    }
  }
  return products;
}

export function pearsonMatrix(columns: readonly NumericInput[]): Matrix {
  const stats = columns.map((column) => moments(column.values));
  const matrix = square(columns.length);
  const complete = columns.flatMap((_, i) => ((stats[i] as Moments).complete ? [i] : []));
  const products = centredCrossProducts(
    complete.map((i) => (columns[i] as NumericInput).values),
    complete.map((i) => (stats[i] as Moments).mean),
  );
  const position = new Map(complete.map((column, at) => [column, at]));
  const k = complete.length;
  for (let i = 0; i < columns.length; i++) {
    const row = matrix[i] as (number | null)[];
    row[i] = (stats[i] as Moments).squares > 0 ? 1 : null;
    for (let j = i + 1; j < columns.length; j++) {
      const a = position.get(i);
      const b = position.get(j);
      let r: number | null;
      if (a !== undefined && b !== undefined) {
        const denominator = Math.sqrt(
          (products[a * k + a] as number) * (products[b * k + b] as number),
        );
        r = denominator > 0 ? clamp((products[a * k + b] as number) / denominator) : null;
      } else {
        r = pearsonPair((columns[i] as NumericInput).values, (columns[j] as NumericInput).values);
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
 */
export function correlationRatio(
  x: Float64Array,
  group: CategoricalInput,
  center = 0,
): number | null {
  const counts = new Float64Array(group.levels);
  const sums = new Float64Array(group.levels);
  const codes = group.codes;
  let n = 0;
  let total = 0;
  let squares = 0;
  for (let i = 0; i < x.length; i++) {
    const value = (x[i] as number) - center;
    const level = codes[i] as number;
    if (value !== value || level < 0) continue;
    counts[level] = (counts[level] as number) + 1;
    sums[level] = (sums[level] as number) + value;
    n++;
    total += value;
    squares += value * value;
  }
  if (n < 2) return null;
  const mean = total / n;
  const totalSquares = squares - total * mean;
  if (!(totalSquares > 0)) return null;
  let between = 0;
  for (let level = 0; level < group.levels; level++) {
    const count = counts[level] as number;
    if (count === 0) continue;
    const deviation = (sums[level] as number) / count - mean;
    between += count * deviation * deviation;
  }
  return Math.min(1, Math.sqrt(between / totalSquares));
}
