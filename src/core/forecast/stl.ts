import { TrainingError } from '../errors/training-error';

/**
 * STL: Seasonal-Trend decomposition by Loess (Cleveland, Cleveland, McRae & Terpenning 1990),
 * a line-for-line port of the authors' Fortran (netlib `stl`, as R's `stats::stl` and statsmodels
 * run it). Positions inside the loess routines stay 1-based like the original, so that every
 * window edge and rounding matches; arrays are read at `position − 1`.
 */

export interface StlOptions {
  /** Seasonal period, ≥ 2. */
  readonly period: number;
  /** Span (odd, in cycles) of the seasonal smoother; "periodic" makes the seasonal pattern fixed. */
  readonly seasonalWindow?: number | 'periodic';
  readonly seasonalDegree?: 0 | 1;
  /** Span of the trend smoother; R's default when left out. */
  readonly trendWindow?: number;
  readonly trendDegree?: 0 | 1;
  readonly lowPassWindow?: number;
  readonly lowPassDegree?: 0 | 1;
  readonly seasonalJump?: number;
  readonly trendJump?: number;
  readonly lowPassJump?: number;
  /** Downweight outliers with bisquare robustness weights (15 outer passes). */
  readonly robust?: boolean;
  readonly inner?: number;
  readonly outer?: number;
}

export interface StlDecomposition {
  readonly period: number;
  readonly trend: Float64Array;
  readonly seasonal: Float64Array;
  readonly remainder: Float64Array;
  /** Final robustness weights (all 1 when not robust). */
  readonly weights: Float64Array;
}

/** Loess estimate at `xs` from positions nleft…nright; NaN when every weight is zero. */
function est(
  y: Float64Array,
  n: number,
  len: number,
  ideg: number,
  xs: number,
  nleft: number,
  nright: number,
  w: Float64Array,
  userw: boolean,
  rw: Float64Array,
): number {
  const range = n - 1;
  let h = Math.max(xs - nleft, nright - xs);
  if (len > n) h += Math.floor((len - n) / 2);
  const h9 = 0.999 * h;
  const h1 = 0.001 * h;
  let a = 0;
  for (let j = nleft; j <= nright; j++) {
    w[j - 1] = 0;
    const r = Math.abs(j - xs);
    if (r <= h9) {
      const q = r / h;
      const c3 = 1 - q * q * q;
      let weight = r <= h1 ? 1 : c3 * c3 * c3;
      if (userw) weight *= rw[j - 1]!;
      w[j - 1] = weight;
      a += weight;
    }
  }
  if (a <= 0) return NaN;
  for (let j = nleft; j <= nright; j++) w[j - 1] = w[j - 1]! / a;
  if (h > 0 && ideg > 0) {
    a = 0;
    for (let j = nleft; j <= nright; j++) a += w[j - 1]! * j;
    let b = xs - a;
    let c = 0;
    for (let j = nleft; j <= nright; j++) c += w[j - 1]! * (j - a) * (j - a);
    if (Math.sqrt(c) > 0.001 * range) {
      b /= c;
      for (let j = nleft; j <= nright; j++) w[j - 1] = w[j - 1]! * (b * (j - a) + 1);
    }
  }
  let ys = 0;
  for (let j = nleft; j <= nright; j++) ys += w[j - 1]! * y[j - 1]!;
  return ys;
}

/** Loess smoothing of y[0…n) into ys, evaluated every `njump` points and interpolated between. */
function ess(
  y: Float64Array,
  n: number,
  len: number,
  ideg: number,
  njump: number,
  userw: boolean,
  rw: Float64Array,
  ys: Float64Array,
  res: Float64Array,
): void {
  if (n < 2) {
    ys[0] = y[0]!;
    return;
  }
  const newnj = Math.min(njump, n - 1);
  let nleft = 0;
  let nright = 0;
  const at = (i: number) => {
    const value = est(y, n, len, ideg, i, nleft, nright, res, userw, rw);
    ys[i - 1] = Number.isNaN(value) ? y[i - 1]! : value;
  };
  if (len >= n) {
    nleft = 1;
    nright = n;
    for (let i = 1; i <= n; i += newnj) at(i);
  } else if (newnj === 1) {
    const nsh = Math.floor((len + 1) / 2);
    nleft = 1;
    nright = len;
    for (let i = 1; i <= n; i++) {
      if (i > nsh && nright !== n) {
        nleft++;
        nright++;
      }
      at(i);
    }
  } else {
    const nsh = Math.floor((len + 1) / 2);
    for (let i = 1; i <= n; i += newnj) {
      if (i < nsh) {
        nleft = 1;
        nright = len;
      } else if (i >= n - nsh + 1) {
        nleft = n - len + 1;
        nright = n;
      } else {
        nleft = i - nsh + 1;
        nright = len + i - nsh;
      }
      at(i);
    }
  }
  if (newnj !== 1) {
    for (let i = 1; i <= n - newnj; i += newnj) {
      const delta = (ys[i + newnj - 1]! - ys[i - 1]!) / newnj;
      for (let j = i + 1; j <= i + newnj - 1; j++) ys[j - 1] = ys[i - 1]! + delta * (j - i);
    }
    const k = Math.floor((n - 1) / newnj) * newnj + 1;
    if (k !== n) {
      at(n);
      if (k !== n - 1) {
        const delta = (ys[n - 1]! - ys[k - 1]!) / (n - k);
        for (let j = k + 1; j <= n - 1; j++) ys[j - 1] = ys[k - 1]! + delta * (j - k);
      }
    }
  }
}

/** Moving average of length `len` over x[0…n), written to ave[0…n−len]. */
function ma(x: Float64Array, n: number, len: number, ave: Float64Array): void {
  const newn = n - len + 1;
  let v = 0;
  for (let i = 0; i < len; i++) v += x[i]!;
  ave[0] = v / len;
  for (let j = 1; j < newn; j++) {
    v += x[len + j - 1]! - x[j - 1]!;
    ave[j] = v / len;
  }
}

/** The low-pass filter: moving averages of lengths np, np and 3. */
function fts(x: Float64Array, n: number, np: number, trend: Float64Array, work: Float64Array) {
  ma(x, n, np, trend);
  ma(trend, n - np + 1, np, work);
  ma(work, n - 2 * np + 2, 3, trend);
}

/** Smooths each cycle-subseries, extended by one value at each end; season has n + 2·np. */
function ss(
  y: Float64Array,
  n: number,
  np: number,
  ns: number,
  isdeg: number,
  nsjump: number,
  userw: boolean,
  rw: Float64Array,
  season: Float64Array,
  work1: Float64Array,
  work2: Float64Array,
  work3: Float64Array,
  work4: Float64Array,
): void {
  for (let j = 1; j <= np; j++) {
    const k = Math.floor((n - j) / np) + 1;
    for (let i = 1; i <= k; i++) work1[i - 1] = y[(i - 1) * np + j - 1]!;
    if (userw) for (let i = 1; i <= k; i++) work3[i - 1] = rw[(i - 1) * np + j - 1]!;
    ess(work1, k, ns, isdeg, nsjump, userw, work3, work2.subarray(1), work4);
    const nright = Math.min(ns, k);
    const first = est(work1, k, ns, isdeg, 0, 1, nright, work4, userw, work3);
    work2[0] = Number.isNaN(first) ? work2[1]! : first;
    const nleft = Math.max(1, k - ns + 1);
    const last = est(work1, k, ns, isdeg, k + 1, nleft, k, work4, userw, work3);
    work2[k + 1] = Number.isNaN(last) ? work2[k]! : last;
    for (let m = 1; m <= k + 2; m++) season[(m - 1) * np + j - 1] = work2[m - 1]!;
  }
}

interface Settings {
  np: number;
  ns: number;
  nt: number;
  nl: number;
  isdeg: number;
  itdeg: number;
  ildeg: number;
  nsjump: number;
  ntjump: number;
  nljump: number;
  ni: number;
  no: number;
}

/** The inner loop: `ni` passes of seasonal smoothing, low-pass removal and trend smoothing. */
function stp(
  y: Float64Array,
  s: Settings,
  userw: boolean,
  rw: Float64Array,
  season: Float64Array,
  trend: Float64Array,
  work: Float64Array[],
): void {
  const n = y.length;
  const { np } = s;
  const [w1, w2, w3, w4, w5] = work as [
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
  ];
  for (let pass = 0; pass < s.ni; pass++) {
    for (let i = 0; i < n; i++) w1[i] = y[i]! - trend[i]!;
    ss(w1, n, np, s.ns, s.isdeg, s.nsjump, userw, rw, w2, w3, w4, w5, season);
    fts(w2, n + 2 * np, np, w3, w1);
    ess(w3, n, s.nl, s.ildeg, s.nljump, false, w4, w1, w5);
    for (let i = 0; i < n; i++) season[i] = w2[np + i]! - w1[i]!;
    for (let i = 0; i < n; i++) w1[i] = y[i]! - season[i]!;
    ess(w1, n, s.nt, s.itdeg, s.ntjump, userw, rw, trend, w3);
  }
}

/**
 * Bisquare robustness weights from the residuals, scaled by six times their median. The median
 * is the true one, as statsmodels computes it; R's Fortran finds it with a partial sort that is
 * handed its two middle ranks in descending order and so, for even n, can return a value next to
 * the median instead — robust fits then differ slightly from R's.
 */
function rwt(y: Float64Array, fit: Float64Array, rw: Float64Array): void {
  const n = y.length;
  const r = new Float64Array(n);
  for (let i = 0; i < n; i++) r[i] = Math.abs(y[i]! - fit[i]!);
  const sorted = r.slice().sort();
  const mid1 = Math.floor(n / 2) + 1;
  const mid2 = n - mid1 + 1;
  const cmad = 3 * (sorted[mid1 - 1]! + sorted[mid2 - 1]!);
  const c9 = 0.999 * cmad;
  const c1 = 0.001 * cmad;
  for (let i = 0; i < n; i++) {
    const value = r[i]!;
    rw[i] = value <= c1 ? 1 : value <= c9 ? (1 - (value / cmad) ** 2) ** 2 : 0;
  }
}

const oddAtLeast3 = (value: number) => {
  const v = Math.max(3, value);
  return v % 2 === 0 ? v + 1 : v;
};

/** R's `nextodd`: rounds, then moves an even number up by one. */
const nextOdd = (value: number) => {
  const v = Math.round(value);
  return v % 2 === 0 ? v + 1 : v;
};

/**
 * Decomposes y into trend + seasonal + remainder, with R's `stl` defaults for whatever is left
 * out: seasonal degree 0, trend window nextodd(1.5·m / (1 − 1.5/s.window)), low-pass window
 * nextodd(m), jumps of a tenth of each window, 2 inner passes (1 with 15 outer passes if robust).
 */
export function stl(y: Float64Array, options: StlOptions): StlDecomposition {
  const n = y.length;
  const period = Math.round(options.period);
  if (period < 2) {
    throw new TrainingError(
      'invalid-params',
      `STL needs a seasonal period of at least 2, got ${options.period}.`,
      'period',
    );
  }
  if (n <= 2 * period) {
    throw new TrainingError(
      'invalid-input',
      `STL needs more than two full cycles (${2 * period} values at period ${period}); the series has ${n}.`,
      'series',
    );
  }
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(y[i]!)) {
      throw new TrainingError(
        'non-finite',
        `STL cannot decompose a series with a missing or infinite value (at step ${i + 1}).`,
        `step ${i + 1}`,
      );
    }
  }
  const periodic = options.seasonalWindow === 'periodic';
  const sWindow = periodic ? 10 * n + 1 : (options.seasonalWindow ?? 11);
  const sDegree = periodic ? 0 : (options.seasonalDegree ?? 0);
  const tWindow =
    options.trendWindow ?? nextOdd(Math.ceil((1.5 * period) / (1 - 1.5 / (sWindow as number))));
  const tDegree = options.trendDegree ?? 1;
  const lWindow = options.lowPassWindow ?? nextOdd(period);
  const robust = options.robust ?? false;
  const settings: Settings = {
    np: Math.max(2, period),
    ns: oddAtLeast3(sWindow as number),
    nt: oddAtLeast3(tWindow),
    nl: oddAtLeast3(lWindow),
    isdeg: sDegree,
    itdeg: tDegree,
    ildeg: options.lowPassDegree ?? tDegree,
    nsjump: options.seasonalJump ?? Math.ceil((sWindow as number) / 10),
    ntjump: options.trendJump ?? Math.ceil(tWindow / 10),
    nljump: options.lowPassJump ?? Math.ceil(lWindow / 10),
    ni: options.inner ?? (robust ? 1 : 2),
    no: options.outer ?? (robust ? 15 : 0),
  };
  const size = n + 2 * settings.np;
  const work = Array.from({ length: 5 }, () => new Float64Array(size));
  const season = new Float64Array(size);
  const trend = new Float64Array(n);
  const rw = new Float64Array(n);
  const fit = new Float64Array(n);
  let userw = false;
  for (let k = 0; ;) {
    stp(y, settings, userw, rw, season, trend, work);
    k++;
    if (k > settings.no) break;
    for (let i = 0; i < n; i++) fit[i] = trend[i]! + season[i]!;
    rwt(y, fit, rw);
    userw = true;
  }
  if (settings.no <= 0) rw.fill(1);
  const seasonal = season.slice(0, n);
  if (periodic) {
    const sums = new Float64Array(period);
    const counts = new Int32Array(period);
    for (let i = 0; i < n; i++) {
      sums[i % period] = sums[i % period]! + seasonal[i]!;
      counts[i % period]! += 1;
    }
    for (let i = 0; i < n; i++) seasonal[i] = sums[i % period]! / counts[i % period]!;
  }
  const remainder = new Float64Array(n);
  for (let i = 0; i < n; i++) remainder[i] = y[i]! - seasonal[i]! - trend[i]!;
  return { period, trend, seasonal, remainder, weights: rw };
}

/**
 * A trend for series without a season (for charts): a loess line of degree 1 over about a fifth
 * of the series, with the same smoother STL uses.
 */
export function loessTrend(
  y: Float64Array,
  span = Math.max(7, nextOdd(y.length / 5)),
): Float64Array {
  const n = y.length;
  const out = new Float64Array(n);
  if (!n) return out;
  const len = oddAtLeast3(span);
  ess(y, n, len, 1, Math.ceil(len / 10), false, new Float64Array(n), out, new Float64Array(n));
  return out;
}

/**
 * A loess line of degree 1 over `span` values that outliers do not pull: after the first fit,
 * each value is weighted by the bisquare of its residual over six median absolute residuals (as
 * STL's outer loop weights them), and the line fitted again, `passes` times.
 */
export function robustLoessTrend(y: Float64Array, span: number, passes = 4): Float64Array {
  const n = y.length;
  const out = new Float64Array(n);
  if (!n) return out;
  const len = oddAtLeast3(span);
  const jump = Math.ceil(len / 10);
  const weights = new Float64Array(n);
  const work = new Float64Array(n);
  ess(y, n, len, 1, jump, false, weights, out, work);
  for (let pass = 0; pass < passes; pass++) {
    rwt(y, out, weights);
    ess(y, n, len, 1, jump, true, weights, out, work);
  }
  return out;
}
