/**
 * Simple exponential smoothing, ETS(A,N,N), fitted by least squares as forecast::ses does
 * (`ets(y, "ANN", opt.crit = "mse")`): the smoothing weight α in [1e-4, 0.9999] and the initial
 * level that minimise the sum of squared one-step errors.
 *
 * For a fixed α the one-step errors are linear in the initial level ℓ₀ — e_t = u_t − (1−α)^(t−1)·ℓ₀
 * — so the best ℓ₀ has a closed form and the search is one-dimensional: a grid over α followed by
 * golden-section refinement. This finds the global least-squares fit whenever the error surface
 * has a single dip between grid points, which it does for all but pathological series.
 */
export interface SesFit {
  readonly alpha: number;
  readonly initialLevel: number;
  /** The level after the last observation: the point forecast for every step ahead. */
  readonly level: number;
  readonly sse: number;
  /** Error variance with forecast::ets's degrees of freedom, SSE / (n − 2). */
  readonly sigma2: number;
  readonly fitted: Float64Array;
}

const ALPHA_MIN = 1e-4;
const ALPHA_MAX = 0.9999;

/** Sum of squared errors at α with the best initial level, and that level. */
function profile(y: Float64Array, alpha: number): { sse: number; level0: number } {
  let a = 0;
  let c = 1;
  let uc = 0;
  let cc = 0;
  let uu = 0;
  const decay = 1 - alpha;
  for (let t = 0; t < y.length; t++) {
    const u = y[t]! - a;
    uc += u * c;
    cc += c * c;
    uu += u * u;
    a = alpha * y[t]! + decay * a;
    c *= decay;
  }
  const level0 = uc / cc;
  return { sse: Math.max(0, uu - uc * level0), level0 };
}

export function fitSes(y: Float64Array, alpha?: number): SesFit {
  let best = alpha ?? ALPHA_MIN;
  if (alpha === undefined) {
    const grid = 60;
    let bestSse = Infinity;
    let bestIndex = 0;
    const at = (i: number) => ALPHA_MIN + ((ALPHA_MAX - ALPHA_MIN) * i) / grid;
    for (let i = 0; i <= grid; i++) {
      const { sse } = profile(y, at(i));
      if (sse < bestSse) {
        bestSse = sse;
        bestIndex = i;
      }
    }
    let low = at(Math.max(0, bestIndex - 1));
    let high = at(Math.min(grid, bestIndex + 1));
    const ratio = (Math.sqrt(5) - 1) / 2;
    let x1 = high - ratio * (high - low);
    let x2 = low + ratio * (high - low);
    let f1 = profile(y, x1).sse;
    let f2 = profile(y, x2).sse;
    while (high - low > 1e-9) {
      if (f1 <= f2) {
        high = x2;
        x2 = x1;
        f2 = f1;
        x1 = high - ratio * (high - low);
        f1 = profile(y, x1).sse;
      } else {
        low = x1;
        x1 = x2;
        f1 = f2;
        x2 = low + ratio * (high - low);
        f2 = profile(y, x2).sse;
      }
    }
    best = (low + high) / 2;
    const edges = [ALPHA_MIN, ALPHA_MAX];
    for (const edge of edges) if (profile(y, edge).sse < profile(y, best).sse) best = edge;
  }
  const { level0 } = profile(y, best);
  const fitted = new Float64Array(y.length);
  let level = level0;
  let sse = 0;
  for (let t = 0; t < y.length; t++) {
    fitted[t] = level;
    const error = y[t]! - level;
    sse += error * error;
    level += best * error;
  }
  return {
    alpha: best,
    initialLevel: level0,
    level,
    sse,
    sigma2: y.length > 2 ? sse / (y.length - 2) : NaN,
    fitted,
  };
}
