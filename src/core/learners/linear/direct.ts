/**
 * Least squares with an L2 penalty (or none) solved exactly: the normal equations on the
 * standardised columns, accumulated and factorised in float64. This is what scikit-learn's Ridge
 * does by default on data of this shape, and it needs no iterations and no tfjs: on a few hundred
 * columns one pass over the rows is far cheaper than starting a backend, and the answer is exact
 * to float64 rounding rather than to the optimiser's tolerance on a float32 objective.
 */
import { checkCancelled } from '../../errors/training-error';
import type { Matrix } from '../types';

/** rows × cols² above which one pass of the normal equations costs more than iterating. */
export const DIRECT_WORK_LIMIT = 3e8;
/** Columns above which the cols² Gram matrix (and its cols³ factorisation) is not worth it. */
export const DIRECT_MAX_COLS = 1024;
/** A pivot this small relative to its diagonal marks a (near) singular system. */
const SINGULAR = 1e-11;
const CHECK_EVERY = 8192;

export function directSolveApplies(rows: number, cols: number): boolean {
  return cols <= DIRECT_MAX_COLS && rows * cols * cols <= DIRECT_WORK_LIMIT;
}

export interface DirectProblem {
  readonly x: Matrix;
  readonly y: Float64Array;
  /** Row weights summing to 1. */
  readonly unit: Float64Array;
  readonly means: Float64Array;
  readonly scales: Float64Array;
  /** Per standardised column: the ridge term added to the diagonal. */
  readonly ridge: Float64Array;
  /** The target is divided by this, as the iterative path does. */
  readonly yScale: number;
  readonly fitIntercept: boolean;
  readonly signal?: AbortSignal;
}

/**
 * θ (coefficients on the standardised columns, then the intercept, both in units of yScale) of
 * min ½Σ uᵢ(yᵢ/yScale − zᵢ·v − b)² + ½Σ ridgeⱼ vⱼ², or undefined when the system is singular
 * (collinear columns with no penalty), which the caller then leaves to the iterative solver.
 */
export function solveDirect(problem: DirectProblem): Float64Array | undefined {
  const { x, y, unit, means, scales, ridge, yScale, fitIntercept, signal } = problem;
  const { rows, cols, data } = x;
  const gram = new Float64Array(cols * cols);
  const rhs = new Float64Array(cols);
  const z = new Float64Array(cols);
  const inverse = scales.map((s) => 1 / s);
  for (let i = 0; i < rows; i++) {
    if (i % CHECK_EVERY === 0) checkCancelled(signal);
    const u = unit[i] as number;
    if (u === 0) continue;
    const offset = i * cols;
    for (let j = 0; j < cols; j++) {
      z[j] = ((data[offset + j] as number) - (means[j] as number)) * (inverse[j] as number);
    }
    const target = (u * (y[i] as number)) / yScale;
    for (let j = 0; j < cols; j++) {
      const zj = z[j] as number;
      if (zj === 0) continue;
      rhs[j] = (rhs[j] as number) + target * zj;
      const weighted = u * zj;
      const row = j * cols;
      for (let k = j; k < cols; k++)
        gram[row + k] = (gram[row + k] as number) + weighted * (z[k] as number);
    }
  }
  checkCancelled(signal);
  for (let j = 0; j < cols; j++) {
    const at = j * cols + j;
    gram[at] = (gram[at] as number) + (ridge[j] as number);
  }
  const coefficients = choleskySolve(gram, rhs, cols);
  if (!coefficients) return undefined;
  const theta = new Float64Array(cols + 1);
  theta.set(coefficients);
  if (fitIntercept) {
    // The columns are centred on the weighted means, so the intercept is the target's mean.
    let mean = 0;
    for (let i = 0; i < rows; i++) mean += (unit[i] as number) * (y[i] as number);
    theta[cols] = mean / yScale;
  }
  return theta;
}

/**
 * Solves A·v = b for a symmetric positive definite A given by its upper triangle (row-major),
 * factorising in place as Uᵀ·U; undefined when a pivot is not clearly positive.
 */
export function choleskySolve(
  a: Float64Array,
  b: Float64Array,
  n: number,
): Float64Array | undefined {
  for (let j = 0; j < n; j++) {
    const diagonal = a[j * n + j] as number;
    let pivot = diagonal;
    for (let k = 0; k < j; k++) {
      const u = a[k * n + j] as number;
      pivot -= u * u;
    }
    if (!(pivot > SINGULAR * Math.abs(diagonal)) || !Number.isFinite(pivot)) return undefined;
    const root = Math.sqrt(pivot);
    a[j * n + j] = root;
    for (let c = j + 1; c < n; c++) {
      let sum = a[j * n + c] as number;
      for (let k = 0; k < j; k++) sum -= (a[k * n + j] as number) * (a[k * n + c] as number);
      a[j * n + c] = sum / root;
    }
  }
  // Uᵀ·w = b, then U·v = w.
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = b[i] as number;
    for (let k = 0; k < i; k++) sum -= (a[k * n + i] as number) * (w[k] as number);
    w[i] = sum / (a[i * n + i] as number);
  }
  const v = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let sum = w[i] as number;
    for (let k = i + 1; k < n; k++) sum -= (a[i * n + k] as number) * (v[k] as number);
    v[i] = sum / (a[i * n + i] as number);
  }
  return v;
}
