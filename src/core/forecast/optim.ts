/**
 * Numerical building blocks of the statistical forecasters: the minimisers R's `optim` and
 * `optimize` use (so that estimates land where R's do), least squares, and polynomial roots.
 */
import { TrainingError } from '../errors/training-error';

export type Objective = (x: Float64Array) => number;

export interface MinimizeResult {
  readonly x: Float64Array;
  readonly value: number;
  /** Objective evaluations spent. */
  readonly evaluations: number;
  /** False when the iteration limit stopped the search. */
  readonly converged: boolean;
}

export interface NelderMeadOptions {
  /** Stop once the best value falls below this. */
  readonly abstol?: number;
  /** Stop once the simplex values agree to this relative tolerance. */
  readonly reltol?: number;
  /** Reflection, contraction and expansion factors. */
  readonly alpha?: number;
  readonly beta?: number;
  readonly gamma?: number;
  readonly maxit?: number;
}

/** The value a non-finite objective is replaced by inside the simplex, as in R's `nmmin`. */
const BIG = 1.0e35;

/**
 * The Nelder–Mead simplex search of R's `optim` (Nash's `nmmin`), step for step: the initial
 * simplex steps every coordinate by a tenth of the largest |x0|, non-finite values count as 1e35,
 * and the search stops when the spread of the simplex values falls under `reltol` relative to the
 * starting value, or after `maxit` evaluations.
 */
export function nelderMead(
  fn: Objective,
  start: ArrayLike<number>,
  options: NelderMeadOptions = {},
): MinimizeResult {
  const abstol = options.abstol ?? -Infinity;
  const reltol = options.reltol ?? Math.sqrt(Number.EPSILON);
  const alpha = options.alpha ?? 1;
  const beta = options.beta ?? 0.5;
  const gamma = options.gamma ?? 2;
  const maxit = options.maxit ?? 500;
  const n = start.length;
  const b = Float64Array.from(start);
  if (maxit <= 0 || n === 0) {
    return { x: b, value: fn(b), evaluations: 1, converged: true };
  }
  let f = fn(b);
  if (!Number.isFinite(f)) {
    throw new TrainingError(
      'non-finite',
      'The objective cannot be evaluated at the initial parameters.',
    );
  }
  const n1 = n + 1;
  const c = n + 2;
  // Column j of the (n+1) × (n+2) table holds vertex j in rows 0…n−1 and its value in row n;
  // the last column is the centroid.
  const p: Float64Array[] = Array.from({ length: n1 }, () => new Float64Array(c));
  let funcount = 1;
  const convtol = reltol * (Math.abs(f) + reltol);
  p[n1 - 1]![0] = f;
  for (let i = 0; i < n; i++) p[i]![0] = b[i]!;
  let l = 1;
  let size = 0;
  let step = 0;
  for (let i = 0; i < n; i++) if (0.1 * Math.abs(b[i]!) > step) step = 0.1 * Math.abs(b[i]!);
  if (step === 0) step = 0.1;
  for (let j = 2; j <= n1; j++) {
    for (let i = 0; i < n; i++) p[i]![j - 1] = b[i]!;
    let trystep = step;
    while (p[j - 2]![j - 1] === b[j - 2]) {
      p[j - 2]![j - 1] = b[j - 2]! + trystep;
      trystep *= 10;
    }
    size += trystep;
  }
  let oldsize = size;
  let calcvert = true;
  let failed = false;
  do {
    if (calcvert) {
      for (let j = 0; j < n1; j++) {
        if (j + 1 !== l) {
          for (let i = 0; i < n; i++) b[i] = p[i]![j]!;
          f = fn(b);
          if (!Number.isFinite(f)) f = BIG;
          funcount++;
          p[n1 - 1]![j] = f;
        }
      }
      calcvert = false;
    }
    let vl = p[n1 - 1]![l - 1]!;
    let vh = vl;
    let h = l;
    for (let j = 1; j <= n1; j++) {
      if (j !== l) {
        const value = p[n1 - 1]![j - 1]!;
        if (value < vl) {
          l = j;
          vl = value;
        }
        if (value > vh) {
          h = j;
          vh = value;
        }
      }
    }
    if (vh <= vl + convtol || vl <= abstol) break;

    for (let i = 0; i < n; i++) {
      const row = p[i]!;
      let temp = -row[h - 1]!;
      for (let j = 0; j < n1; j++) temp += row[j]!;
      row[c - 1] = temp / n;
    }
    for (let i = 0; i < n; i++) b[i] = (1 + alpha) * p[i]![c - 1]! - alpha * p[i]![h - 1]!;
    f = fn(b);
    if (!Number.isFinite(f)) f = BIG;
    funcount++;
    const vr = f;
    if (vr < vl) {
      p[n1 - 1]![c - 1] = f;
      for (let i = 0; i < n; i++) {
        const expanded = gamma * b[i]! + (1 - gamma) * p[i]![c - 1]!;
        p[i]![c - 1] = b[i]!;
        b[i] = expanded;
      }
      f = fn(b);
      if (!Number.isFinite(f)) f = BIG;
      funcount++;
      if (f < vr) {
        for (let i = 0; i < n; i++) p[i]![h - 1] = b[i]!;
        p[n1 - 1]![h - 1] = f;
      } else {
        for (let i = 0; i < n; i++) p[i]![h - 1] = p[i]![c - 1]!;
        p[n1 - 1]![h - 1] = vr;
      }
    } else {
      if (vr < vh) {
        for (let i = 0; i < n; i++) p[i]![h - 1] = b[i]!;
        p[n1 - 1]![h - 1] = vr;
      }
      for (let i = 0; i < n; i++) b[i] = (1 - beta) * p[i]![h - 1]! + beta * p[i]![c - 1]!;
      f = fn(b);
      if (!Number.isFinite(f)) f = BIG;
      funcount++;
      if (f < p[n1 - 1]![h - 1]!) {
        for (let i = 0; i < n; i++) p[i]![h - 1] = b[i]!;
        p[n1 - 1]![h - 1] = f;
      } else if (vr >= vh) {
        // Shrink the simplex towards the best vertex.
        calcvert = true;
        size = 0;
        for (let j = 0; j < n1; j++) {
          if (j + 1 !== l) {
            for (let i = 0; i < n; i++) {
              const row = p[i]!;
              row[j] = beta * (row[j]! - row[l - 1]!) + row[l - 1]!;
              size += Math.abs(row[j]! - row[l - 1]!);
            }
          }
        }
        if (size < oldsize) {
          oldsize = size;
        } else {
          failed = true;
          break;
        }
      }
    }
  } while (funcount <= maxit);

  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = p[i]![l - 1]!;
  return {
    x,
    value: p[n1 - 1]![l - 1]!,
    evaluations: funcount,
    converged: !failed && funcount <= maxit,
  };
}

export interface BfgsOptions {
  /** Scale of each parameter: the search and the finite differences run on x / parscale. */
  readonly parscale?: ArrayLike<number>;
  /** Finite-difference step on the scaled parameters. */
  readonly ndeps?: number;
  /** Iteration (gradient evaluation) limit. */
  readonly maxit?: number;
  readonly reltol?: number;
  readonly abstol?: number;
}

const STEP_REDUCTION = 0.2;
const ACCEPT_TOLERANCE = 0.0001;
const REL_TEST = 10.0;

/**
 * A minimiser on parameters scaled by `parscale`, with R's central-difference gradient: each
 * coordinate of the scaled point moves by ±ndeps. A non-finite difference throws, as `optim` does.
 */
class ScaledProblem {
  private readonly point: Float64Array;

  constructor(
    private readonly fn: Objective,
    readonly parscale: Float64Array,
    readonly ndeps: number,
  ) {
    this.point = new Float64Array(parscale.length);
  }

  value(scaled: Float64Array): number {
    const x = this.point;
    for (let i = 0; i < x.length; i++) x[i] = scaled[i]! * this.parscale[i]!;
    return this.fn(x);
  }

  gradient(scaled: Float64Array, out: Float64Array): void {
    const x = this.point;
    const n = x.length;
    for (let i = 0; i < n; i++) x[i] = scaled[i]! * this.parscale[i]!;
    for (let i = 0; i < n; i++) {
      const eps = this.ndeps;
      x[i] = (scaled[i]! + eps) * this.parscale[i]!;
      const up = this.fn(x);
      x[i] = (scaled[i]! - eps) * this.parscale[i]!;
      const down = this.fn(x);
      out[i] = (up - down) / (2 * eps);
      if (!Number.isFinite(out[i]!)) {
        throw new TrainingError(
          'non-finite',
          `The finite-difference gradient is not finite in parameter ${i + 1}.`,
        );
      }
      x[i] = scaled[i]! * this.parscale[i]!;
    }
  }
}

const scaleOf = (n: number, parscale?: ArrayLike<number>) =>
  parscale ? Float64Array.from(parscale) : new Float64Array(n).fill(1);

/**
 * The variable-metric (BFGS) minimiser of R's `optim(method = "BFGS")` (Nash's `vmmin`) with its
 * numerical gradient: backtracking line search with Armijo factor 1e-4 and step reduction 0.2,
 * resets of the inverse Hessian when the search direction is not downhill, and convergence when
 * a step improves the value by less than `reltol` relatively.
 */
export function bfgs(
  fn: Objective,
  start: ArrayLike<number>,
  options: BfgsOptions = {},
): MinimizeResult {
  const n = start.length;
  const maxit = options.maxit ?? 100;
  const reltol = options.reltol ?? Math.sqrt(Number.EPSILON);
  const abstol = options.abstol ?? -Infinity;
  const problem = new ScaledProblem(fn, scaleOf(n, options.parscale), options.ndeps ?? 1e-3);
  const b = new Float64Array(n);
  for (let i = 0; i < n; i++) b[i] = start[i]! / problem.parscale[i]!;
  const unscale = (scaled: Float64Array) => scaled.map((v, i) => v * problem.parscale[i]!);

  if (maxit <= 0 || n === 0) {
    return { x: unscale(b), value: problem.value(b), evaluations: 1, converged: true };
  }
  let f = problem.value(b);
  if (!Number.isFinite(f)) {
    throw new TrainingError('non-finite', 'The initial value of the objective is not finite.');
  }
  const g = new Float64Array(n);
  const t = new Float64Array(n);
  const X = new Float64Array(n);
  const c = new Float64Array(n);
  // Lower triangle of the inverse Hessian approximation, row-major.
  const B = new Float64Array(n * n);
  let fmin = f;
  let funcount = 1;
  let gradcount = 1;
  problem.gradient(b, g);
  let iter = 1;
  let ilast = gradcount;
  let count = 0;
  do {
    if (ilast === gradcount) {
      B.fill(0);
      for (let i = 0; i < n; i++) B[i * n + i] = 1;
    }
    for (let i = 0; i < n; i++) {
      X[i] = b[i]!;
      c[i] = g[i]!;
    }
    let gradproj = 0;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j <= i; j++) s -= B[i * n + j]! * g[j]!;
      for (let j = i + 1; j < n; j++) s -= B[j * n + i]! * g[j]!;
      t[i] = s;
      gradproj += s * g[i]!;
    }
    if (gradproj < 0) {
      let steplength = 1;
      let accpoint = false;
      do {
        count = 0;
        for (let i = 0; i < n; i++) {
          b[i] = X[i]! + steplength * t[i]!;
          if (REL_TEST + X[i]! === REL_TEST + b[i]!) count++;
        }
        if (count < n) {
          f = problem.value(b);
          funcount++;
          accpoint = Number.isFinite(f) && f <= fmin + gradproj * steplength * ACCEPT_TOLERANCE;
          if (!accpoint) steplength *= STEP_REDUCTION;
        }
      } while (!(count === n || accpoint));
      const enough = f > abstol && Math.abs(f - fmin) > reltol * (Math.abs(fmin) + reltol);
      if (!enough) {
        count = n;
        fmin = f;
      }
      if (count < n) {
        fmin = f;
        problem.gradient(b, g);
        gradcount++;
        iter++;
        let d1 = 0;
        for (let i = 0; i < n; i++) {
          t[i] = steplength * t[i]!;
          c[i] = g[i]! - c[i]!;
          d1 += t[i]! * c[i]!;
        }
        if (d1 > 0) {
          let d2 = 0;
          for (let i = 0; i < n; i++) {
            let s = 0;
            for (let j = 0; j <= i; j++) s += B[i * n + j]! * c[j]!;
            for (let j = i + 1; j < n; j++) s += B[j * n + i]! * c[j]!;
            X[i] = s;
            d2 += s * c[i]!;
          }
          d2 = 1 + d2 / d1;
          for (let i = 0; i < n; i++) {
            for (let j = 0; j <= i; j++) {
              B[i * n + j] =
                B[i * n + j]! + (d2 * t[i]! * t[j]! - X[i]! * t[j]! - t[i]! * X[j]!) / d1;
            }
          }
        } else {
          ilast = gradcount;
        }
      } else if (ilast < gradcount) {
        count = 0;
        ilast = gradcount;
      }
    } else {
      count = 0;
      if (ilast === gradcount) count = n;
      else ilast = gradcount;
    }
    if (iter >= maxit) break;
    if (gradcount - ilast > 2 * n) ilast = gradcount;
  } while (count !== n || ilast !== gradcount);

  return { x: unscale(b), value: fmin, evaluations: funcount, converged: iter < maxit };
}

/**
 * The Hessian R's `optim(hessian = TRUE)` reports: central differences of the numerical gradient,
 * symmetrised. `parscale` and `ndeps` must match the minimisation's.
 */
export function numericalHessian(
  fn: Objective,
  at: ArrayLike<number>,
  options: Pick<BfgsOptions, 'parscale' | 'ndeps'> = {},
): Float64Array {
  const n = at.length;
  const problem = new ScaledProblem(fn, scaleOf(n, options.parscale), options.ndeps ?? 1e-3);
  const scale = problem.parscale;
  const dpar = new Float64Array(n);
  for (let i = 0; i < n; i++) dpar[i] = at[i]! / scale[i]!;
  const df1 = new Float64Array(n);
  const df2 = new Float64Array(n);
  const hessian = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const eps = problem.ndeps / scale[i]!;
    dpar[i] = dpar[i]! + eps;
    problem.gradient(dpar, df1);
    dpar[i] = dpar[i]! - 2 * eps;
    problem.gradient(dpar, df2);
    for (let j = 0; j < n; j++) {
      hessian[i * n + j] = (df1[j]! - df2[j]!) / (2 * eps * scale[i]! * scale[j]!);
    }
    dpar[i] = dpar[i]! + eps;
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const mean = 0.5 * (hessian[i * n + j]! + hessian[j * n + i]!);
      hessian[i * n + j] = mean;
      hessian[j * n + i] = mean;
    }
  }
  return hessian;
}

/**
 * Brent's one-dimensional minimiser on [lower, upper], golden section with parabolic steps: R's
 * `optimize`, whose default tolerance is the fourth root of machine epsilon.
 */
export function brentMinimize(
  fn: (x: number) => number,
  lower: number,
  upper: number,
  tol = Math.pow(Number.EPSILON, 0.25),
): number {
  const golden = (3 - Math.sqrt(5)) * 0.5;
  const eps = Math.sqrt(Number.EPSILON);
  let a = lower;
  let b = upper;
  let v = a + golden * (b - a);
  let w = v;
  let x = v;
  let d = 0;
  let e = 0;
  let fx = fn(x);
  let fv = fx;
  let fw = fx;
  const tol3 = tol / 3;
  for (;;) {
    const xm = (a + b) * 0.5;
    const tol1 = eps * Math.abs(x) + tol3;
    const t2 = tol1 * 2;
    if (Math.abs(x - xm) <= t2 - (b - a) * 0.5) break;
    let p = 0;
    let q = 0;
    let r = 0;
    if (Math.abs(e) > tol1) {
      r = (x - w) * (fx - fv);
      q = (x - v) * (fx - fw);
      p = (x - v) * q - (x - w) * r;
      q = (q - r) * 2;
      if (q > 0) p = -p;
      else q = -q;
      r = e;
      e = d;
    }
    if (Math.abs(p) >= Math.abs(q * 0.5 * r) || p <= q * (a - x) || p >= q * (b - x)) {
      e = x < xm ? b - x : a - x;
      d = golden * e;
    } else {
      d = p / q;
      const u = x + d;
      if (u - a < t2 || b - u < t2) {
        d = tol1;
        if (x >= xm) d = -d;
      }
    }
    const u = Math.abs(d) >= tol1 ? x + d : d > 0 ? x + tol1 : x - tol1;
    const fu = fn(u);
    if (fu <= fx) {
      if (u < x) b = x;
      else a = x;
      v = w;
      w = x;
      x = u;
      fv = fw;
      fw = fx;
      fx = fu;
    } else {
      if (u < x) a = u;
      else b = u;
      if (fu <= fw || w === x) {
        v = w;
        fv = fw;
        w = u;
        fw = fu;
      } else if (fu <= fv || v === x || v === w) {
        v = u;
        fv = fu;
      }
    }
  }
  return x;
}

export interface LeastSquaresFit {
  readonly coefficients: Float64Array;
  /** Standard errors of the coefficients (NaN when the residual degrees of freedom are 0). */
  readonly standardErrors: Float64Array;
  readonly residuals: Float64Array;
  /** Numerical rank of the design. */
  readonly rank: number;
}

/**
 * Ordinary least squares of `y` on the columns of `x` (row-major, rows × cols) by Householder
 * QR, as R's `lm` fits. A rank-deficient design reports rank < cols and zero coefficients for
 * the dependent columns.
 */
export function leastSquares(
  x: Float64Array,
  y: ArrayLike<number>,
  rows: number,
  cols: number,
): LeastSquaresFit {
  const a = Float64Array.from(x);
  const qty = Float64Array.from(y);
  const diag = new Float64Array(cols);
  const usable = new Uint8Array(cols);
  let norm0 = 0;
  for (let i = 0; i < a.length; i++) norm0 = Math.max(norm0, Math.abs(a[i]!));
  const tol = 1e-7 * Math.max(norm0, 1e-300);
  let rank = 0;
  for (let k = 0; k < cols && rank < rows; k++) {
    const r = rank;
    let norm = 0;
    for (let i = r; i < rows; i++) norm += a[i * cols + k]! ** 2;
    norm = Math.sqrt(norm);
    if (norm <= tol) continue;
    const alpha = a[r * cols + k]! > 0 ? -norm : norm;
    // Householder vector v = column − alpha·e_r, stored in place below the diagonal.
    a[r * cols + k] = a[r * cols + k]! - alpha;
    let vnorm2 = 0;
    for (let i = r; i < rows; i++) vnorm2 += a[i * cols + k]! ** 2;
    for (let j = k + 1; j < cols; j++) {
      let dot = 0;
      for (let i = r; i < rows; i++) dot += a[i * cols + k]! * a[i * cols + j]!;
      const scale = (2 * dot) / vnorm2;
      for (let i = r; i < rows; i++) a[i * cols + j] = a[i * cols + j]! - scale * a[i * cols + k]!;
    }
    let dot = 0;
    for (let i = r; i < rows; i++) dot += a[i * cols + k]! * qty[i]!;
    const scale = (2 * dot) / vnorm2;
    for (let i = r; i < rows; i++) qty[i] = qty[i]! - scale * a[i * cols + k]!;
    // Row r of R: the diagonal alpha and the transformed entries to the right.
    diag[k] = alpha;
    usable[k] = 1;
    for (let i = r + 1; i < rows; i++) a[i * cols + k] = 0;
    rank++;
  }
  // Back substitution on the upper-triangular system formed by the usable columns.
  const columns: number[] = [];
  for (let k = 0; k < cols; k++) if (usable[k]) columns.push(k);
  const coefficients = new Float64Array(cols);
  const rInv = new Float64Array(rank * rank);
  const rAt = (row: number, col: number) =>
    col === columns[row] ? diag[col]! : a[row * cols + col]!;
  for (let r = rank - 1; r >= 0; r--) {
    let s = qty[r]!;
    for (let q = r + 1; q < rank; q++) s -= rAt(r, columns[q]!) * coefficients[columns[q]!]!;
    coefficients[columns[r]!] = s / diag[columns[r]!]!;
  }
  // (RᵀR)⁻¹ = R⁻¹R⁻ᵀ gives the coefficient covariance up to σ².
  for (let c = 0; c < rank; c++) {
    for (let r = rank - 1; r >= 0; r--) {
      let s = r === c ? 1 : 0;
      for (let q = r + 1; q < rank; q++) s -= rAt(r, columns[q]!) * rInv[q * rank + c]!;
      rInv[r * rank + c] = s / diag[columns[r]!]!;
    }
  }
  const residuals = new Float64Array(rows);
  let rss = 0;
  for (let i = 0; i < rows; i++) {
    let fit = 0;
    for (let k = 0; k < cols; k++) fit += x[i * cols + k]! * coefficients[k]!;
    residuals[i] = y[i]! - fit;
    rss += residuals[i]! ** 2;
  }
  const sigma2 = rows > rank ? rss / (rows - rank) : NaN;
  const standardErrors = new Float64Array(cols).fill(NaN);
  for (let r = 0; r < rank; r++) {
    let s = 0;
    for (let c = r; c < rank; c++) s += rInv[r * rank + c]! ** 2;
    standardErrors[columns[r]!] = Math.sqrt(sigma2 * s);
  }
  return { coefficients, standardErrors, residuals, rank };
}

/**
 * Solves a x = b for a small dense matrix (row-major n × n) by LU with partial pivoting. Returns
 * null when the matrix is singular to working precision (reciprocal condition below machine
 * epsilon, R's `solve` threshold).
 */
export function invert(matrix: Float64Array, n: number): Float64Array | null {
  const a = Float64Array.from(matrix);
  const inverse = new Float64Array(n * n);
  for (let i = 0; i < n; i++) inverse[i * n + i] = 1;
  for (let k = 0; k < n; k++) {
    let pivot = k;
    for (let i = k + 1; i < n; i++) {
      if (Math.abs(a[i * n + k]!) > Math.abs(a[pivot * n + k]!)) pivot = i;
    }
    if (a[pivot * n + k] === 0) return null;
    if (pivot !== k) {
      for (let j = 0; j < n; j++) {
        [a[k * n + j], a[pivot * n + j]] = [a[pivot * n + j]!, a[k * n + j]!];
        [inverse[k * n + j], inverse[pivot * n + j]] = [
          inverse[pivot * n + j]!,
          inverse[k * n + j]!,
        ];
      }
    }
    const d = a[k * n + k]!;
    for (let j = 0; j < n; j++) {
      a[k * n + j] = a[k * n + j]! / d;
      inverse[k * n + j] = inverse[k * n + j]! / d;
    }
    for (let i = 0; i < n; i++) {
      if (i === k) continue;
      const factor = a[i * n + k]!;
      if (factor === 0) continue;
      for (let j = 0; j < n; j++) {
        a[i * n + j] = a[i * n + j]! - factor * a[k * n + j]!;
        inverse[i * n + j] = inverse[i * n + j]! - factor * inverse[k * n + j]!;
      }
    }
  }
  const norm1 = (m: Float64Array) => {
    let best = 0;
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += Math.abs(m[i * n + j]!);
      best = Math.max(best, s);
    }
    return best;
  };
  const rcond = 1 / (norm1(matrix) * norm1(inverse));
  if (!(rcond >= Number.EPSILON)) return null;
  return inverse;
}

export interface Complex {
  re: number;
  im: number;
}

/**
 * Aberth–Ehrlich iteration on the monic polynomial a[0] = 1, a[1], …, a[degree] (highest power
 * first), refining the root estimates in re/im in place. It converges cubically to all roots at
 * once; estimates near the roots (those of a nearby polynomial) need only a few sweeps.
 */
function aberth(a: Float64Array, degree: number, re: Float64Array, im: Float64Array): void {
  for (let iteration = 0; iteration < 500; iteration++) {
    let moved = 0;
    for (let k = 0; k < degree; k++) {
      // p(z) and p'(z) by Horner.
      let pr = 1;
      let pi = 0;
      let dr = 0;
      let di = 0;
      const zr = re[k]!;
      const zi = im[k]!;
      for (let j = 1; j <= degree; j++) {
        const ndr = dr * zr - di * zi + pr;
        const ndi = dr * zi + di * zr + pi;
        dr = ndr;
        di = ndi;
        const npr = pr * zr - pi * zi + a[j]!;
        const npi = pr * zi + pi * zr;
        pr = npr;
        pi = npi;
      }
      if (pr === 0 && pi === 0) continue;
      // ratio = p / p'
      const dd = dr * dr + di * di;
      let rr: number;
      let ri: number;
      if (dd === 0) {
        rr = 1e-8 * (1 + Math.abs(zr));
        ri = 0;
      } else {
        rr = (pr * dr + pi * di) / dd;
        ri = (pi * dr - pr * di) / dd;
      }
      // Sum of 1 / (z_k − z_j).
      let sr = 0;
      let si = 0;
      for (let j = 0; j < degree; j++) {
        if (j === k) continue;
        const xr = zr - re[j]!;
        const xi = zi - im[j]!;
        const xx = xr * xr + xi * xi;
        if (xx === 0) continue;
        sr += xr / xx;
        si -= xi / xx;
      }
      // w = ratio / (1 − ratio · sum)
      const denr = 1 - (rr * sr - ri * si);
      const deni = -(rr * si + ri * sr);
      const den = denr * denr + deni * deni;
      const wr = (rr * denr + ri * deni) / den;
      const wi = (ri * denr - rr * deni) / den;
      re[k] = zr - wr;
      im[k] = zi - wi;
      moved = Math.max(moved, (wr * wr + wi * wi) / Math.max(1, zr * zr + zi * zi));
    }
    if (moved < 1e-30) break;
  }
}

/** Monic coefficients, highest power first, of c[0] + … + c[degree]·z^degree. */
function monic(coefficients: ArrayLike<number>, degree: number, out: Float64Array): void {
  const lead = coefficients[degree]!;
  for (let k = 0; k <= degree; k++) out[k] = coefficients[degree - k]! / lead;
}

/** Starting points spread on a circle whose radius bounds the roots (Fujiwara-style). */
function spreadStart(a: Float64Array, degree: number, re: Float64Array, im: Float64Array): void {
  let radius = 0;
  for (let k = 1; k <= degree; k++) radius = Math.max(radius, Math.abs(a[k]!) ** (1 / k));
  radius = Math.max(radius, 1e-12);
  for (let k = 0; k < degree; k++) {
    const angle = (2 * Math.PI * k) / degree + 0.4;
    re[k] = radius * Math.cos(angle);
    im[k] = radius * Math.sin(angle);
  }
}

const degreeOf = (coefficients: ArrayLike<number>) => {
  let degree = coefficients.length - 1;
  while (degree > 0 && coefficients[degree] === 0) degree--;
  return degree;
};

/**
 * The complex roots of c[0] + c[1]·z + … + c[k]·z^k (R's `polyroot` order). Trailing zero
 * coefficients lower the degree. `start` (roots of a nearby polynomial of the same degree) seeds
 * the iteration.
 */
export function polyroot(coefficients: ArrayLike<number>, start?: readonly Complex[]): Complex[] {
  const degree = degreeOf(coefficients);
  if (degree < 1) return [];
  const a = new Float64Array(degree + 1);
  monic(coefficients, degree, a);
  const re = new Float64Array(degree);
  const im = new Float64Array(degree);
  if (start !== undefined && start.length === degree) {
    for (let k = 0; k < degree; k++) {
      re[k] = start[k]!.re;
      im[k] = start[k]!.im;
    }
  } else spreadStart(a, degree, re, im);
  aberth(a, degree, re, im);
  const roots: Complex[] = [];
  for (let k = 0; k < degree; k++) roots.push({ re: re[k]!, im: im[k]! });
  return roots;
}

/**
 * The largest root modulus of a sequence of polynomials that change a little from one call to
 * the next (an optimiser's trial points): each call starts from the previous roots and allocates
 * nothing.
 */
export class RootTracker {
  private a = new Float64Array(0);
  private re = new Float64Array(0);
  private im = new Float64Array(0);
  private seeded = false;

  /** max |z| over the roots of c[0] + c[1]·z + …; 0 for a constant. */
  maxModulus(coefficients: ArrayLike<number>): number {
    const degree = degreeOf(coefficients);
    if (degree < 1) return 0;
    if (this.re.length !== degree) {
      this.a = new Float64Array(degree + 1);
      this.re = new Float64Array(degree);
      this.im = new Float64Array(degree);
      this.seeded = false;
    }
    monic(coefficients, degree, this.a);
    if (!this.seeded) spreadStart(this.a, degree, this.re, this.im);
    aberth(this.a, degree, this.re, this.im);
    let largest = 0;
    for (let k = 0; k < degree; k++) {
      largest = Math.max(largest, this.re[k]! * this.re[k]! + this.im[k]! * this.im[k]!);
    }
    this.seeded = Number.isFinite(largest);
    return Math.sqrt(largest);
  }
}

/** The smallest modulus among the roots of c[0] + c[1]·z + … (Infinity for a constant). */
export function minRootModulus(coefficients: ArrayLike<number>): number {
  let best = Infinity;
  for (const root of polyroot(coefficients)) {
    best = Math.min(best, Math.sqrt(root.re * root.re + root.im * root.im));
  }
  return best;
}
