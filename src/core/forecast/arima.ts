/**
 * Seasonal ARIMA as R's `stats::arima` estimates it and `forecast::auto.arima` selects it.
 *
 * Estimation: conditional sum of squares for starting values, then exact Gaussian likelihood from
 * a Kalman filter on Harvey's state space form, with the differencing inside the state (diffuse
 * prior of variance 1e6) and the stationary part started at its unconditional covariance. AR
 * parameters are optimised through the PACF transform so that the search stays stationary.
 *
 * Selection: KPSS tests choose d, a seasonal-strength test on an STL decomposition chooses D,
 * and Hyndman & Khandakar's stepwise search over (p, q, P, Q, constant) minimises AICc.
 */
import { checkCancelled, TrainingError } from '../errors/training-error';
import { boxCox, boxCoxLambda, invBoxCox, withLambda } from './boxcox';
import {
  checkHorizon,
  checkLevels,
  DEFAULT_LEVELS,
  numberField,
  numbersField,
  toNumbers,
} from './intervals';
import { bfgs, invert, leastSquares, minRootModulus, numericalHessian, polyroot } from './optim';
import { normalMultiplier } from './stats';
import { stl } from './stl';
import type {
  FittedForecaster,
  ForecastFitOptions,
  Forecaster,
  ForecasterJSON,
  ForecastResult,
} from './types';

export interface ArimaOrder {
  readonly p: number;
  readonly d: number;
  readonly q: number;
  readonly P: number;
  readonly D: number;
  readonly Q: number;
  /** Seasonal period; 1 when there is no seasonal part. */
  readonly period: number;
}

export type ArimaMethod = 'CSS-ML' | 'ML' | 'CSS';

/** The prior variance of the nonstationary (differencing) states, as a multiple of σ². */
const KAPPA = 1e6;

// ---------------------------------------------------------------------------------------------
// Parameter transforms (R's arima.c)

/** Maps unconstrained values to the coefficients of a stationary AR polynomial via the PACF. */
function partrans(p: number, raw: ArrayLike<number>, from: number, out: Float64Array, to: number) {
  const work = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    const value = Math.tanh(raw[from + j]!);
    work[j] = value;
    out[to + j] = value;
  }
  for (let j = 1; j < p; j++) {
    const a = out[to + j]!;
    for (let k = 0; k < j; k++) work[k] = work[k]! - a * out[to + j - k - 1]!;
    for (let k = 0; k < j; k++) out[to + k] = work[k]!;
  }
}

/** The inverse of `partrans`: Durbin–Levinson backwards, then atanh. */
function invpartrans(
  p: number,
  phi: ArrayLike<number>,
  from: number,
  out: Float64Array,
  to: number,
) {
  const work = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    work[j] = phi[from + j]!;
    out[to + j] = phi[from + j]!;
  }
  for (let j = p - 1; j > 0; j--) {
    const a = out[to + j]!;
    for (let k = 0; k < j; k++) work[k] = (out[to + k]! + a * out[to + j - k - 1]!) / (1 - a * a);
    for (let k = 0; k < j; k++) out[to + k] = work[k]!;
  }
  for (let j = 0; j < p; j++) out[to + j] = Math.atanh(out[to + j]!);
}

interface Arma {
  readonly p: number;
  readonly q: number;
  readonly P: number;
  readonly Q: number;
  readonly period: number;
}

const armaOf = (order: ArimaOrder): Arma => ({
  p: order.p,
  q: order.q,
  P: order.P,
  Q: order.Q,
  period: order.period,
});

/** The AR and MA parameters (transformed or not) with the seasonal factors multiplied out. */
function transPars(
  par: ArrayLike<number>,
  arma: Arma,
  transform: boolean,
): { phi: Float64Array; theta: Float64Array } {
  const { p: mp, q: mq, P: msp, Q: msq, period: ns } = arma;
  const p = mp + ns * msp;
  const q = mq + ns * msq;
  let params: ArrayLike<number> = par;
  if (transform) {
    const copy = Float64Array.from(par);
    if (mp > 0) partrans(mp, par, 0, copy, 0);
    if (msp > 0) partrans(msp, par, mp + mq, copy, mp + mq);
    params = copy;
  }
  const phi = new Float64Array(p);
  const theta = new Float64Array(q);
  for (let i = 0; i < mp; i++) phi[i] = params[i]!;
  for (let i = 0; i < mq; i++) theta[i] = params[i + mp]!;
  for (let j = 0; j < msp; j++) {
    const s = params[j + mp + mq]!;
    phi[(j + 1) * ns - 1] = phi[(j + 1) * ns - 1]! + s;
    for (let i = 0; i < mp; i++) phi[(j + 1) * ns + i] = phi[(j + 1) * ns + i]! - params[i]! * s;
  }
  for (let j = 0; j < msq; j++) {
    const s = params[j + mp + mq + msp]!;
    theta[(j + 1) * ns - 1] = theta[(j + 1) * ns - 1]! + s;
    for (let i = 0; i < mq; i++) {
      theta[(j + 1) * ns + i] = theta[(j + 1) * ns + i]! + params[i + mp]! * s;
    }
  }
  return { phi, theta };
}

function undoPars(par: ArrayLike<number>, arma: Arma): Float64Array {
  const out = Float64Array.from(par);
  if (arma.p > 0) partrans(arma.p, par, 0, out, 0);
  if (arma.P > 0) partrans(arma.P, par, arma.p + arma.q, out, arma.p + arma.q);
  return out;
}

function invTrans(par: ArrayLike<number>, arma: Arma): Float64Array {
  const out = Float64Array.from(par);
  if (arma.p > 0) invpartrans(arma.p, par, 0, out, 0);
  if (arma.P > 0) invpartrans(arma.P, par, arma.p + arma.q, out, arma.p + arma.q);
  return out;
}

/** The Jacobian of `undoPars` by forward differences of 1e-3 (R's ARIMA_Gradtrans), row-major. */
function gradTrans(par: ArrayLike<number>, arma: Arma): Float64Array {
  const n = par.length;
  const eps = 1e-3;
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) A[i * n + i] = 1;
  const block = (count: number, offset: number) => {
    if (count === 0) return;
    const w1 = new Float64Array(count);
    const w2 = new Float64Array(count);
    const w3 = new Float64Array(count);
    for (let i = 0; i < count; i++) w1[i] = par[offset + i]!;
    partrans(count, w1, 0, w2, 0);
    for (let i = 0; i < count; i++) {
      w1[i] = w1[i]! + eps;
      partrans(count, w1, 0, w3, 0);
      for (let j = 0; j < count; j++) A[(offset + i) * n + offset + j] = (w3[j]! - w2[j]!) / eps;
      w1[i] = w1[i]! - eps;
    }
  };
  block(arma.p, 0);
  block(arma.P, arma.p + arma.q);
  return A;
}

/** Coefficients past the last non-zero one, as R trims them before root finding. */
function trimmed(values: ArrayLike<number>, tolerance = 0): number {
  let last = 0;
  for (let i = 0; i < values.length; i++) if (Math.abs(values[i]!) > tolerance) last = i + 1;
  return last;
}

/** Whether 1 − φ₁z − … − φ_p z^p has all its roots outside the unit circle. */
function arCheck(ar: ArrayLike<number>): boolean {
  const p = trimmed(ar);
  if (p === 0) return true;
  const poly = [1];
  for (let i = 0; i < p; i++) poly.push(-ar[i]!);
  return polyroot(poly).every((root) => Math.hypot(root.re, root.im) > 1);
}

/** Reflects MA roots inside the unit circle to their inverses (R's `maInvert`). */
function maInvert(ma: Float64Array): Float64Array {
  const q = ma.length;
  const q0 = trimmed(ma);
  if (q0 === 0) return ma;
  const poly = [1];
  for (let i = 0; i < q0; i++) poly.push(ma[i]!);
  const roots = polyroot(poly);
  const inside = roots.map((root) => Math.hypot(root.re, root.im) < 1);
  if (!inside.some(Boolean)) return ma;
  if (q0 === 1) {
    const out = new Float64Array(q);
    out[0] = 1 / ma[0]!;
    return out;
  }
  // Rebuild the polynomial from the (reflected) roots: x ← (x, 0) − (0, x)/root.
  let re = [1];
  let im = [0];
  for (let k = 0; k < roots.length; k++) {
    let { re: rr, im: ri } = roots[k]!;
    if (inside[k]) {
      const d = rr * rr + ri * ri;
      rr = rr / d;
      ri = -ri / d;
    }
    const d = rr * rr + ri * ri;
    const nextRe = [...re, 0];
    const nextIm = [...im, 0];
    for (let i = 0; i < re.length; i++) {
      // (re + i·im) / root
      const qr = (re[i]! * rr + im[i]! * ri) / d;
      const qi = (im[i]! * rr - re[i]! * ri) / d;
      nextRe[i + 1] = nextRe[i + 1]! - qr;
      nextIm[i + 1] = nextIm[i + 1]! - qi;
    }
    re = nextRe;
    im = nextIm;
  }
  const out = new Float64Array(q);
  for (let i = 0; i < q0; i++) out[i] = re[i + 1]!;
  return out;
}

// ---------------------------------------------------------------------------------------------
// State space form and Kalman filter

/**
 * Harvey's state space form of an ARIMA model: a stationary ARMA block of size r = max(p, q + 1)
 * followed by d differencing states. `a` and `P` hold the filtered state and its covariance after
 * the last observation the filter saw.
 */
export interface ArimaStateSpace {
  phi: Float64Array;
  theta: Float64Array;
  delta: Float64Array;
  a: Float64Array;
  /** Column-major rd × rd. */
  P: Float64Array;
  /** The prior covariance of the state at the first observation. */
  Pn: Float64Array;
}

/**
 * The unconditional covariance of the ARMA state (the solution of P = T P Tᵀ + R Rᵀ), from the
 * autocovariances and ψ-weights of the process. It is the matrix R's Gardner et al. (1980) routine
 * computes, obtained by a short recursion on the state's definition instead of by solving the
 * r(r+1)/2 × r(r+1)/2 linear system, so seasonal models of large r cost O(r²) + O(p³).
 *
 * With α_t[i] = φ_{i+1} y_{t−1} + θ_i ε_t + α_{t−1}[i+1] (θ₀ = 1, α[r] = 0), stationarity gives
 *   P[i][j] = φ_{i+1}φ_{j+1} γ(0) + θ_iθ_j + P[i+1][j+1] + φ_{i+1} C(j+1) + φ_{j+1} C(i+1),
 * where C(j) = Cov(y_t, α_t[j]) = Σ_{k≥j} φ_{k+1} γ(k−j+1) + θ_k ψ_{k−j}.
 * Returns null when the AR part is not stationary.
 */
function stationaryCovariance(phi: Float64Array, theta: Float64Array): Float64Array | null {
  const p = phi.length;
  const q = theta.length;
  const r = Math.max(p, q + 1);
  const ph = (k: number) => (k >= 1 && k <= p ? phi[k - 1]! : 0);
  const th = (k: number) => (k === 0 ? 1 : k <= q ? theta[k - 1]! : 0);
  const psi = new Float64Array(r + 1);
  for (let j = 0; j <= r; j++) {
    let value = th(j);
    for (let k = 1; k <= Math.min(j, p); k++) value += ph(k) * psi[j - k]!;
    psi[j] = value;
  }
  // Right-hand sides Σ_{j≥k} θ_j ψ_{j−k}.
  const rhs = (k: number) => {
    let s = 0;
    for (let j = k; j <= q; j++) s += th(j) * psi[j - k]!;
    return s;
  };
  const gamma = new Float64Array(r + 1);
  if (p > 0) {
    const size = p + 1;
    const system = new Float64Array(size * size);
    for (let k = 0; k <= p; k++) {
      system[k * size + k] = system[k * size + k]! + 1;
      for (let j = 1; j <= p; j++) {
        system[k * size + Math.abs(k - j)] = system[k * size + Math.abs(k - j)]! - ph(j);
      }
    }
    const inverse = invert(system, size);
    if (!inverse) return null;
    for (let k = 0; k <= p; k++) {
      let s = 0;
      for (let j = 0; j <= p; j++) s += inverse[k * size + j]! * rhs(j);
      gamma[k] = s;
    }
  }
  for (let k = p > 0 ? p + 1 : 0; k <= r; k++) {
    let s = rhs(k);
    for (let j = 1; j <= p; j++) s += ph(j) * gamma[k - j]!;
    gamma[k] = s;
  }
  if (!(gamma[0]! > 0) || !Number.isFinite(gamma[0]!)) return null;
  const C = new Float64Array(r + 1);
  for (let j = 1; j < r; j++) {
    let s = 0;
    for (let k = j; k < r; k++) s += ph(k + 1) * gamma[k - j + 1]! + th(k) * psi[k - j]!;
    C[j] = s;
  }
  const P = new Float64Array(r * r);
  const at = (i: number, j: number) => (i < r && j < r ? P[i * r + j]! : 0);
  for (let i = r - 1; i >= 0; i--) {
    for (let j = r - 1; j >= i; j--) {
      const value =
        ph(i + 1) * ph(j + 1) * gamma[0]! +
        th(i) * th(j) +
        at(i + 1, j + 1) +
        ph(i + 1) * C[j + 1]! +
        ph(j + 1) * C[i + 1]!;
      P[i * r + j] = value;
      P[j * r + i] = value;
    }
  }
  return P;
}

/** R's `makeARIMA`, with the prior covariance Pn of the stationary block from its moments. */
function makeStateSpace(
  phi: Float64Array,
  theta: Float64Array,
  delta: Float64Array,
): ArimaStateSpace | null {
  const p = phi.length;
  const q = theta.length;
  const r = Math.max(p, q + 1);
  const d = delta.length;
  const rd = r + d;
  const Pn = new Float64Array(rd * rd);
  if (r > 1) {
    const Q0 = stationaryCovariance(phi, theta);
    if (!Q0) return null;
    for (let i = 0; i < r; i++) for (let j = 0; j < r; j++) Pn[i + rd * j] = Q0[i * r + j]!;
  } else {
    Pn[0] = p > 0 ? 1 / (1 - phi[0]! ** 2) : 1;
    if (!(Pn[0]! > 0)) return null;
  }
  for (let i = r; i < rd; i++) Pn[i + rd * i] = KAPPA;
  return {
    phi,
    theta,
    delta,
    a: new Float64Array(rd),
    P: new Float64Array(rd * rd),
    Pn,
  };
}

export interface LikelihoodTerms {
  /** Σ v_t² / F_t over the observations that count. */
  ssq: number;
  /** Σ log F_t over the same observations. */
  sumlog: number;
  /** How many observations count (those with prediction variance under 1e4). */
  nu: number;
}

/**
 * The Kalman filter of R's ARIMA_Like over y, updating `mod.a` and `mod.P` to the filtered state
 * after the last observation. Standardised innovations go to `residuals` when given. The
 * prediction step uses the sparse structure of the transition (AR column, shift, differencing).
 */
function kalmanLikelihood(
  y: Float64Array,
  mod: ArimaStateSpace,
  residuals?: Float64Array,
  steadyState = false,
): LikelihoodTerms {
  const { phi, theta, delta, a } = mod;
  const P = mod.P;
  const n = y.length;
  const p = phi.length;
  const q = theta.length;
  const d = delta.length;
  const rd = a.length;
  const r = rd - d;
  const Pnew = Float64Array.from(mod.Pn);
  const anew = new Float64Array(rd);
  const M = new Float64Array(rd);
  const mm = d > 0 ? new Float64Array(rd * rd) : null;
  // AR coefficients and the MA loading (1, θ₁, …) padded to the state size.
  const phiExt = new Float64Array(r);
  const load = new Float64Array(r);
  for (let i = 0; i < Math.min(p, r); i++) phiExt[i] = phi[i]!;
  load[0] = 1;
  for (let i = 1; i < r && i - 1 < q; i++) load[i] = theta[i - 1]!;
  let ssq = 0;
  let sumlog = 0;
  let nu = 0;
  // Once the filtered covariance stops changing it stays put (the Riccati recursion is a fixed
  // map), so the covariance steps can be skipped: pure AR models get there after p observations.
  let steady = false;
  const steadyAllowed = steadyState && d === 0;
  for (let l = 0; l < n; l++) {
    for (let i = 0; i < r; i++) {
      let tmp = i < r - 1 ? a[i + 1]! : 0;
      if (i < p) tmp += phi[i]! * a[0]!;
      anew[i] = tmp;
    }
    if (d > 0) {
      for (let i = r + 1; i < rd; i++) anew[i] = a[i - 1]!;
      let tmp = a[0]!;
      for (let i = 0; i < d; i++) tmp += delta[i]! * a[r + i]!;
      anew[r] = tmp;
    }
    if (l > 0 && !steady) {
      if (d === 0) {
        // Pnew = T P Tᵀ + R Rᵀ; symmetric, so one triangle is computed and mirrored.
        const p00 = P[0]!;
        for (let i = 0; i < r; i++) {
          const phii = phiExt[i]!;
          const vi = load[i]!;
          const pi1 = i < r - 1 ? P[i + 1]! : 0;
          for (let j = i; j < r; j++) {
            const phij = phiExt[j]!;
            let tmp = vi * load[j]! + phii * phij * p00 + phij * pi1;
            // j < r − 1 implies i < r − 1 on this triangle.
            if (j < r - 1) tmp += P[i + 1 + r * (j + 1)]! + phii * P[j + 1]!;
            Pnew[i + r * j] = tmp;
            Pnew[j + r * i] = tmp;
          }
        }
      } else {
        const T = mm!;
        // mm = T P
        for (let i = 0; i < r; i++) {
          for (let j = 0; j < rd; j++) {
            let tmp = 0;
            if (i < p) tmp += phi[i]! * P[rd * j]!;
            if (i < r - 1) tmp += P[i + 1 + rd * j]!;
            T[i + rd * j] = tmp;
          }
        }
        for (let j = 0; j < rd; j++) {
          let tmp = P[rd * j]!;
          for (let k = 0; k < d; k++) tmp += delta[k]! * P[r + k + rd * j]!;
          T[r + rd * j] = tmp;
        }
        for (let i = 1; i < d; i++) {
          for (let j = 0; j < rd; j++) T[r + i + rd * j] = P[r + i - 1 + rd * j]!;
        }
        // Pnew = mm Tᵀ
        for (let i = 0; i < r; i++) {
          for (let j = 0; j < rd; j++) {
            let tmp = 0;
            if (i < p) tmp += phi[i]! * T[j]!;
            if (i < r - 1) tmp += T[rd * (i + 1) + j]!;
            Pnew[j + rd * i] = tmp;
          }
        }
        for (let j = 0; j < rd; j++) {
          let tmp = T[j]!;
          for (let k = 0; k < d; k++) tmp += delta[k]! * T[rd * (r + k) + j]!;
          Pnew[j + rd * r] = tmp;
        }
        for (let i = 1; i < d; i++) {
          for (let j = 0; j < rd; j++) Pnew[j + rd * (r + i)] = T[rd * (r + i - 1) + j]!;
        }
        for (let i = 0; i <= q; i++) {
          const vi = i === 0 ? 1 : theta[i - 1]!;
          for (let j = 0; j <= q; j++) {
            Pnew[i + rd * j] = Pnew[i + rd * j]! + vi * (j === 0 ? 1 : theta[j - 1]!);
          }
        }
      }
    }
    const yl = y[l]!;
    if (!Number.isNaN(yl)) {
      let resid0 = yl - anew[0]!;
      for (let i = 0; i < d; i++) resid0 -= delta[i]! * anew[r + i]!;
      let gain = Pnew[0]!;
      for (let i = 0; i < d; i++) gain += 2 * delta[i]! * Pnew[r + i]!;
      for (let i = 0; i < d; i++) {
        for (let j = 0; j < d; j++) gain += delta[i]! * delta[j]! * Pnew[r + i + rd * (r + j)]!;
      }
      for (let i = 0; i < rd; i++) {
        let tmp = Pnew[i]!;
        for (let k = 0; k < d; k++) tmp += Pnew[i + rd * (r + k)]! * delta[k]!;
        M[i] = tmp;
      }
      if (gain < 1e4) {
        nu++;
        ssq += (resid0 * resid0) / gain;
        sumlog += Math.log(gain);
      }
      if (residuals) residuals[l] = resid0 / Math.sqrt(gain);
      for (let i = 0; i < rd; i++) a[i] = anew[i]! + (M[i]! * resid0) / gain;
      if (!steady) {
        let change = 0;
        for (let i = 0; i < rd; i++) {
          const mi = M[i]! / gain;
          for (let j = i; j < rd; j++) {
            const value = Pnew[i + rd * j]! - mi * M[j]!;
            change = Math.max(change, Math.abs(value - P[i + rd * j]!));
            P[i + rd * j] = value;
            P[j + rd * i] = value;
          }
        }
        if (steadyAllowed && l > 0 && change <= 1e-12 * Math.max(1, gain)) steady = true;
      }
    } else {
      a.set(anew);
      P.set(Pnew);
      if (residuals) residuals[l] = NaN;
      // A gap widens the covariance again: it moves until the filter settles once more.
      steady = false;
    }
  }
  return { ssq, sumlog, nu };
}

/**
 * The same sums as `kalmanLikelihood` for a stationary ARMA state (no differencing block, no
 * missing values), by the Chandrasekhar recursions (Morf, Sidhu & Kailath 1974): O(r) a step
 * instead of the O(r²) covariance update. They follow how the predicted covariance changes,
 * Pₜ₊₁ − Pₜ = Wₜ Mₜ Wₜᵀ, rather than the covariance itself. From the stationary prior P₁ = Q₀
 * (which `makeStateSpace` solves exactly, Q₀ = T Q₀ Tᵀ + R Rᵀ) the first change is
 * −c cᵀ / F₁ with c = T Q₀ Z, so W is one column and M a number. With u = Z Wₜ:
 *   Fₜ₊₁ = Fₜ + u² Mₜ,  cₜ₊₁ = cₜ + T Wₜ Mₜ u,  Wₜ₊₁ = T Wₜ − (cₜ₊₁ / Fₜ₊₁) u,
 *   Mₜ₊₁ = Mₜ + Mₜ² u² / Fₜ,
 * where F is the innovation variance, c / F the gain of the predicted state, and T the ARMA
 * transition (the AR column and the shift). The first prediction is T `mod.a`, as in
 * `kalmanLikelihood`; unlike it, this leaves `mod` as it was.
 */
function chandrasekharLikelihood(y: Float64Array, mod: ArimaStateSpace): LikelihoodTerms {
  const { phi, Pn, a: a0 } = mod;
  const r = a0.length;
  const n = y.length;
  // φ padded to the state's size, so that T x is xᵢ₊₁ + φᵢ x₀ for every i (x_r = 0). Each
  // product below runs in place, in increasing i: xᵢ₊₁ is read before it is overwritten.
  const ar = new Float64Array(r);
  for (let i = 0; i < Math.min(phi.length, r); i++) ar[i] = phi[i]!;
  const state = new Float64Array(r);
  const c = new Float64Array(r);
  for (let i = 0; i < r; i++) {
    state[i] = (i < r - 1 ? a0[i + 1]! : 0) + ar[i]! * a0[0]!;
    c[i] = (i < r - 1 ? Pn[i + 1]! : 0) + ar[i]! * Pn[0]!;
  }
  const W = Float64Array.from(c);
  let F = Pn[0]!;
  let M = -1 / F;
  let ssq = 0;
  let sumlog = 0;
  let nu = 0;
  const last = r - 1;
  for (let t = 0; t < n; t++) {
    const v = y[t]! - state[0]!;
    if (F < 1e4) {
      nu++;
      ssq += (v * v) / F;
      sumlog += Math.log(F);
    }
    // The next predicted state: T a + (c / F) v.
    const step = v / F;
    const s0 = state[0]!;
    for (let i = 0; i < last; i++) state[i] = state[i + 1]! + ar[i]! * s0 + c[i]! * step;
    state[last] = ar[last]! * s0 + c[last]! * step;
    // The next innovation variance, gain and covariance change, from T W.
    const u = W[0]!;
    const Mu = M * u;
    const F1 = F + u * Mu;
    const gain = u / F1;
    for (let i = 0; i < r; i++) {
      const tw = (i < last ? W[i + 1]! : 0) + ar[i]! * u;
      const ci = c[i]! + tw * Mu;
      c[i] = ci;
      W[i] = tw - ci * gain;
    }
    M += (Mu * Mu) / F;
    F = F1;
  }
  return { ssq, sumlog, nu };
}

/**
 * The sums of a stationary ARMA's exact Gaussian likelihood over `y` (no missing values), from
 * a fresh state: by the Chandrasekhar recursions the estimation uses, or by R's Kalman filter.
 * Both give the same sums to rounding; null when the AR part is not stationary.
 */
export function armaLikelihoodTerms(
  y: Float64Array,
  phi: Float64Array,
  theta: Float64Array,
  method: 'chandrasekhar' | 'kalman',
): LikelihoodTerms | null {
  const mod = makeStateSpace(phi, theta, new Float64Array(0));
  if (!mod) return null;
  return method === 'kalman' ? kalmanLikelihood(y, mod) : chandrasekharLikelihood(y, mod);
}

/** Forecast means and variances (in units of σ²) from the filtered state (R's KalmanForecast). */
function kalmanForecast(h: number, mod: ArimaStateSpace) {
  const { phi, theta, delta } = mod;
  const rd = mod.a.length;
  const d = delta.length;
  const r = rd - d;
  const p = phi.length;
  // Dense T, V and Z.
  const T = new Float64Array(rd * rd);
  for (let i = 0; i < p; i++) T[i] = phi[i]!;
  for (let i = 1; i < r; i++) T[i - 1 + rd * i] = 1;
  if (d > 0) {
    T[r] = 1;
    for (let k = 0; k < d; k++) T[r + rd * (r + k)] = delta[k]!;
    for (let i = 1; i < d; i++) T[r + i + rd * (r + i - 1)] = 1;
  }
  const R = new Float64Array(rd);
  R[0] = 1;
  for (let i = 0; i < theta.length && i + 1 < r; i++) R[i + 1] = theta[i]!;
  const Z = new Float64Array(rd);
  Z[0] = 1;
  for (let k = 0; k < d; k++) Z[r + k] = delta[k]!;
  let a = Float64Array.from(mod.a);
  let P = Float64Array.from(mod.P);
  const mean = new Float64Array(h);
  const variance = new Float64Array(h);
  const mm = new Float64Array(rd * rd);
  for (let l = 0; l < h; l++) {
    const anew = new Float64Array(rd);
    let fc = 0;
    for (let i = 0; i < rd; i++) {
      let tmp = 0;
      for (let k = 0; k < rd; k++) tmp += T[i + rd * k]! * a[k]!;
      anew[i] = tmp;
      fc += tmp * Z[i]!;
    }
    a = anew;
    mean[l] = fc;
    for (let i = 0; i < rd; i++) {
      for (let j = 0; j < rd; j++) {
        let tmp = 0;
        for (let k = 0; k < rd; k++) tmp += T[i + rd * k]! * P[k + rd * j]!;
        mm[i + rd * j] = tmp;
      }
    }
    const Pnew = new Float64Array(rd * rd);
    let v = 0;
    for (let i = 0; i < rd; i++) {
      for (let j = 0; j < rd; j++) {
        let tmp = R[i]! * R[j]!;
        for (let k = 0; k < rd; k++) tmp += mm[i + rd * k]! * T[j + rd * k]!;
        Pnew[i + rd * j] = tmp;
        v += Z[i]! * Z[j]! * tmp;
      }
    }
    P = Pnew;
    variance[l] = v;
  }
  return { mean, variance };
}

/** Differences y with lag 1 d times, then with lag `period` D times (R's C code order). */
function difference(y: ArrayLike<number>, d: number, D: number, period: number): Float64Array {
  let w = Float64Array.from(y);
  for (let i = 0; i < d; i++) {
    const next = new Float64Array(Math.max(w.length - 1, 0));
    for (let t = 1; t < w.length; t++) next[t - 1] = w[t]! - w[t - 1]!;
    w = next;
  }
  for (let i = 0; i < D; i++) {
    const next = new Float64Array(Math.max(w.length - period, 0));
    for (let t = period; t < w.length; t++) next[t - period] = w[t]! - w[t - period]!;
    w = next;
  }
  return w;
}

/** Conditional sum of squares: ssq/nu after `ncond` conditioning values (R's ARIMA_CSS). */
function cssResiduals(
  y: Float64Array,
  order: ArimaOrder,
  phi: Float64Array,
  theta: Float64Array,
  ncond: number,
  residuals: Float64Array,
): number {
  const n = y.length;
  const w = Float64Array.from(y);
  for (let i = 0; i < order.d; i++) for (let l = n - 1; l > 0; l--) w[l] = w[l]! - w[l - 1]!;
  const ns = order.period;
  for (let i = 0; i < order.D; i++) for (let l = n - 1; l >= ns; l--) w[l] = w[l]! - w[l - ns]!;
  // A seasonal model's expanded coefficients are mostly zeros (ARIMA(5,0,0)(2,1,0)[24] has 18
  // of its 53 AR terms): only the others are summed. Skipping a zero term changes no sum while
  // the series is finite; a missing value must still spread through every lag, as in R.
  let finite = true;
  for (let l = 0; l < n && finite; l++) finite = Number.isFinite(w[l]!);
  const lagsOf = (coefficients: Float64Array) => {
    const lags: number[] = [];
    for (let j = 0; j < coefficients.length; j++)
      if (!finite || coefficients[j] !== 0) lags.push(j);
    return Int32Array.from(lags);
  };
  const arLags = lagsOf(phi);
  const maLags = lagsOf(theta);
  const q = theta.length;
  let ssq = 0;
  let nu = 0;
  for (let l = 0; l < ncond; l++) residuals[l] = 0;
  for (let l = ncond; l < n; l++) {
    let tmp = w[l]!;
    for (let k = 0; k < arLags.length; k++) {
      const j = arLags[k]!;
      tmp -= phi[j]! * w[l - j - 1]!;
    }
    const upto = Math.min(l - ncond, q);
    for (let k = 0; k < maLags.length; k++) {
      const j = maLags[k]!;
      if (j >= upto) break;
      tmp -= theta[j]! * residuals[l - j - 1]!;
    }
    residuals[l] = tmp;
    if (!Number.isNaN(tmp)) {
      nu++;
      ssq += tmp * tmp;
    }
  }
  return ssq / nu;
}

// ---------------------------------------------------------------------------------------------
// Estimation (R's stats::arima)

export interface ArimaEstimate {
  readonly order: ArimaOrder;
  /** ar1…ar_p, ma1…ma_q, sar1…, sma1…, then regression coefficients. */
  readonly coef: Float64Array;
  readonly names: readonly string[];
  readonly mask: readonly boolean[];
  /** Innovation variance as stats::arima reports it (ssq / n.used for ML, CSS mean square). */
  readonly sigma2: number;
  readonly loglik: number;
  /** NaN for CSS fits. */
  readonly aic: number;
  /** Covariance of the estimated coefficients (row-major, free ones only), or null. */
  readonly varCoef: Float64Array | null;
  readonly residuals: Float64Array;
  readonly nUsed: number;
  /** The state space model filtered to the end of the data. */
  readonly model: ArimaStateSpace;
  /** Regression columns: "intercept", "drift" or user names, with the design used. */
  readonly xregNames: readonly string[];
  readonly method: ArimaMethod;
}

export interface ArimaEstimateOptions {
  readonly includeMean?: boolean;
  /** Row-major n × columns regression design (drift, user regressors). */
  readonly xreg?: { readonly columns: number; readonly x: Float64Array; readonly names: string[] };
  readonly method?: ArimaMethod;
  /** Fixed coefficient values (NaN or null for free ones), in `coef` order. */
  readonly fixed?: readonly (number | null)[];
  /**
   * For CSS fits only used to rank candidates: skip the Kalman pass that sets up the forecast
   * state (the model then carries only its polynomials).
   */
  readonly rankOnly?: boolean;
}

const failure = (message: string) => new TrainingError('invalid-input', message, 'series');

/**
 * R's `stats::arima(x, order, seasonal, xreg, include.mean, method)` with its defaults
 * (transform.pars = TRUE, BFGS with R's numerical gradient, kappa = 1e6). Throws a TrainingError
 * wherever R stops with an error (non-stationary CSS start, non-finite objective, …).
 */
export function estimateArima(
  x: Float64Array,
  order: ArimaOrder,
  options: ArimaEstimateOptions = {},
): ArimaEstimate {
  const arma = armaOf(order);
  const { p, q, P, Q, d, D, period } = order;
  const narma = p + q + P + Q;
  let deltaPoly = [1];
  const multiply = (a: number[], b: number[]) => {
    const out = new Array(a.length + b.length - 1).fill(0);
    for (let i = 0; i < a.length; i++)
      for (let j = 0; j < b.length; j++) out[i + j] += a[i]! * b[j]!;
    return out;
  };
  for (let i = 0; i < d; i++) deltaPoly = multiply(deltaPoly, [1, -1]);
  for (let i = 0; i < D; i++) {
    const seasonal = new Array(period + 1).fill(0);
    seasonal[0] = 1;
    seasonal[period] = -1;
    deltaPoly = multiply(deltaPoly, seasonal);
  }
  const delta = Float64Array.from(deltaPoly.slice(1), (v) => -v);
  const n = x.length;
  const observed = x.reduce((count, value) => count + (Number.isNaN(value) ? 0 : 1), 0);
  let nUsed = observed - delta.length;
  let method = options.method ?? 'CSS-ML';

  const xregColumns: Float64Array[] = [];
  const xregNames: string[] = [];
  if ((options.includeMean ?? true) && d + D === 0) {
    xregColumns.push(new Float64Array(n).fill(1));
    xregNames.push('intercept');
  }
  if (options.xreg) {
    const { columns, x: values, names } = options.xreg;
    for (let j = 0; j < columns; j++) {
      xregColumns.push(Float64Array.from({ length: n }, (_, t) => values[t * columns + j]!));
      xregNames.push(names[j] ?? `xreg${j + 1}`);
    }
  }
  const ncxreg = xregColumns.length;
  const anyMissing = x.some((v) => Number.isNaN(v));
  if (method === 'CSS-ML' && anyMissing) method = 'ML';
  let ncond = 0;
  if (method === 'CSS' || method === 'CSS-ML') ncond = d + D * period + p + period * P;

  const total = narma + ncxreg;
  const fixed = options.fixed;
  if (fixed && fixed.length !== total) {
    throw new TrainingError('invalid-params', `Expected ${total} fixed coefficients.`, 'fixed');
  }
  const mask = Array.from({ length: total }, (_, i) => {
    const value = fixed?.[i];
    return value === null || value === undefined || Number.isNaN(value);
  });
  const noOptim = !mask.some(Boolean);
  let transform = !noOptim;
  if (transform) {
    for (let i = 0; i < p; i++) if (!mask[i]) transform = false;
    for (let i = 0; i < P; i++) if (!mask[p + q + i]) transform = false;
  }
  const init0 = new Float64Array(total);
  const parscale = new Float64Array(total).fill(1);
  if (ncxreg > 0) {
    const dx = difference(x, d, D, period);
    const dcols = xregColumns.map((column) => difference(column, d, D, period));
    // R's lm(x ~ xreg - 1, na.action = na.omit): rows with a missing value are left out.
    const fitOn = (target: Float64Array, columns: Float64Array[]) => {
      const kept: number[] = [];
      for (let t = 0; t < target.length; t++) {
        if (!Number.isNaN(target[t]!) && columns.every((column) => !Number.isNaN(column[t]!))) {
          kept.push(t);
        }
      }
      const rows = kept.length;
      const design = new Float64Array(rows * ncxreg);
      kept.forEach((t, row) => {
        for (let j = 0; j < ncxreg; j++) design[row * ncxreg + j] = columns[j]![t]!;
      });
      return leastSquares(
        design,
        Float64Array.from(kept, (t) => target[t]!),
        rows,
        ncxreg,
      );
    };
    let fit = dx.length > ncxreg ? fitOn(dx, dcols) : null;
    if (!fit || fit.rank === 0) fit = fitOn(x, xregColumns);
    if (fit.rank < ncxreg) {
      throw new TrainingError(
        'invalid-input',
        'The regression columns are collinear after differencing.',
        'regressors',
      );
    }
    nUsed = observed - delta.length;
    for (let j = 0; j < ncxreg; j++) {
      init0[narma + j] = fit.coefficients[j]!;
      const se = fit.standardErrors[j]!;
      parscale[narma + j] = Number.isFinite(se) && se > 0 ? 10 * se : 1;
    }
  }
  if (nUsed <= 0) throw failure('Too few observations for this ARIMA order.');

  const init = Float64Array.from(init0);
  const coef = Float64Array.from({ length: total }, (_, i) => (mask[i] ? NaN : fixed![i]!));
  const free = mask.flatMap((m, i) => (m ? [i] : []));
  const freeScale = Float64Array.from(free, (i) => parscale[i]!);
  const withFree = (values: ArrayLike<number>) => {
    const par = Float64Array.from(coef);
    for (let k = 0; k < free.length; k++) par[free[k]!] = values[k]!;
    return par;
  };
  const pick = (par: ArrayLike<number>) => Float64Array.from(free, (i) => par[i]!);
  const adjusted = new Float64Array(n);
  const regress = (par: ArrayLike<number>) => {
    for (let t = 0; t < n; t++) {
      let value = x[t]!;
      for (let j = 0; j < ncxreg; j++) value -= xregColumns[j]![t]! * par[narma + j]!;
      adjusted[t] = value;
    }
    return adjusted;
  };
  const cssBuffer = new Float64Array(n);
  const armaCss = (values: Float64Array) => {
    const par = withFree(values);
    const { phi, theta } = transPars(par, arma, false);
    const res = cssResiduals(regress(par), order, phi, theta, ncond, cssBuffer);
    return 0.5 * Math.log(res);
  };
  // The likelihood the optimiser sees runs on the differenced series, whose state is only the
  // ARMA block: it is the limit of R's filter with the differencing states in the state vector
  // as their prior variance kappa grows (R's kappa = 1e6 moves it by about 1e-7 relatively), at
  // a fraction of the cost for seasonal differencing. Without missing values it is summed by the
  // Chandrasekhar recursions, O(r) a step. Reported fits, residuals and forecast states come from
  // R's full filter.
  const noDelta = new Float64Array(0);
  const differenced = new Float64Array(n);
  const skip = d + D * period;
  const armaLik = (values: Float64Array, trans: boolean) => {
    const par = withFree(values);
    const { phi, theta } = transPars(par, arma, trans);
    const adjustedSeries = regress(par);
    let target = adjustedSeries;
    let mod: ArimaStateSpace | null;
    if (delta.length > 0) {
      differenced.set(adjustedSeries);
      for (let i = 0; i < d; i++) {
        for (let l = n - 1; l > 0; l--) differenced[l] = differenced[l]! - differenced[l - 1]!;
      }
      for (let i = 0; i < D; i++) {
        for (let l = n - 1; l >= period; l--) {
          differenced[l] = differenced[l]! - differenced[l - period]!;
        }
      }
      target = differenced.subarray(skip);
      mod = makeStateSpace(phi, theta, noDelta);
    } else mod = makeStateSpace(phi, theta, delta);
    if (!mod) return Number.MAX_VALUE;
    const res = anyMissing
      ? kalmanLikelihood(target, mod, undefined, true)
      : chandrasekharLikelihood(target, mod);
    const s2 = res.ssq / res.nu;
    return 0.5 * (Math.log(s2) + res.sumlog / res.nu);
  };
  const armaLikExact = (values: Float64Array, trans: boolean) => {
    const par = withFree(values);
    const { phi, theta } = transPars(par, arma, trans);
    const mod = makeStateSpace(phi, theta, delta);
    if (!mod) return Number.MAX_VALUE;
    const res = kalmanLikelihood(regress(par), mod);
    const s2 = res.ssq / res.nu;
    return 0.5 * (Math.log(s2) + res.sumlog / res.nu);
  };
  const optimOptions = { parscale: freeScale, ndeps: 1e-3, maxit: 100 };

  let value: number;
  let varCoef: Float64Array | null = null;
  let finalCoef: Float64Array;
  let sigma2: number;
  let residuals: Float64Array;
  let mod: ArimaStateSpace;
  const solveScaled = (hessian: Float64Array, k: number) => {
    const scaled = hessian.map((v) => v * nUsed);
    return invert(scaled, k);
  };

  if (method === 'CSS') {
    let estimate: Float64Array = new Float64Array(0);
    if (noOptim) value = armaCss(estimate);
    else {
      const res = bfgs(armaCss, pick(init), optimOptions);
      estimate = res.x;
      value = res.value;
      const hessian = numericalHessian(armaCss, estimate, optimOptions);
      varCoef = solveScaled(hessian, free.length);
      if (!varCoef) throw failure('The CSS Hessian is singular.');
    }
    finalCoef = withFree(estimate);
    const { phi, theta } = transPars(finalCoef, arma, false);
    const target = Float64Array.from(regress(finalCoef));
    if (options.rankOnly) {
      const rd = Math.max(phi.length, theta.length + 1) + delta.length;
      mod = {
        phi,
        theta,
        delta,
        a: new Float64Array(rd),
        P: new Float64Array(rd * rd),
        Pn: new Float64Array(rd * rd),
      };
    } else {
      const built = makeStateSpace(phi, theta, delta);
      if (!built) throw failure('The CSS estimates give a non-stationary AR part.');
      mod = built;
      kalmanLikelihood(target, mod);
    }
    residuals = new Float64Array(n);
    sigma2 = cssResiduals(target, order, phi, theta, ncond, residuals);
  } else {
    if (method === 'CSS-ML') {
      if (!noOptim) {
        const res = bfgs(armaCss, pick(init), optimOptions);
        if (res.converged) for (let k = 0; k < free.length; k++) init[free[k]!] = res.x[k]!;
      }
      if (p > 0 && !arCheck(init.subarray(0, p))) {
        throw failure('The CSS start has a non-stationary AR part.');
      }
      if (P > 0 && !arCheck(init.subarray(p + q, p + q + P))) {
        throw failure('The CSS start has a non-stationary seasonal AR part.');
      }
      ncond = 0;
    }
    let start: Float64Array = init;
    if (transform) {
      start = invTrans(init, arma);
      if (q > 0) start.set(maInvert(start.slice(p, p + q)), p);
      if (Q > 0) start.set(maInvert(start.slice(p + q + P, p + q + P + Q)), p + q + P);
      if (start.some((v) => !Number.isFinite(v))) {
        throw failure('The CSS start is on the boundary of stationarity.');
      }
    }
    const objective = (values: Float64Array) => armaLik(values, transform);
    let estimate: Float64Array = pick(start);
    let hessian: Float64Array | null = null;
    if (noOptim) value = objective(estimate);
    else {
      const res = bfgs(objective, estimate, optimOptions);
      estimate = res.x;
      value = res.value;
      hessian = numericalHessian(objective, estimate, optimOptions);
    }
    let coefs: Float64Array = withFree(estimate);
    if (transform) {
      const maFree = (from: number, count: number) => {
        for (let i = from; i < from + count; i++) if (!mask[i]) return false;
        return true;
      };
      if (q > 0 && maFree(p, q)) coefs.set(maInvert(coefs.slice(p, p + q)), p);
      if (Q > 0 && maFree(p + q + P, Q)) {
        coefs.set(maInvert(coefs.slice(p + q + P, p + q + P + Q)), p + q + P);
      }
      const moved = free.some((i, k) => coefs[i] !== estimate[k]);
      if (moved) {
        estimate = pick(coefs);
        value = objective(estimate);
        hessian = numericalHessian(objective, estimate, optimOptions);
      }
      const k = free.length;
      const A = gradTrans(coefs, arma);
      const Am = new Float64Array(k * k);
      for (let a = 0; a < k; a++)
        for (let b = 0; b < k; b++) Am[a * k + b] = A[free[a]! * total + free[b]!]!;
      const inverse = solveScaled(hessian!, k);
      if (!inverse) throw failure('The likelihood Hessian is singular.');
      // var = Aᵀ H⁻¹ A
      const temp = new Float64Array(k * k);
      for (let a = 0; a < k; a++)
        for (let b = 0; b < k; b++) {
          let s = 0;
          for (let c = 0; c < k; c++) s += inverse[a * k + c]! * Am[c * k + b]!;
          temp[a * k + b] = s;
        }
      varCoef = new Float64Array(k * k);
      for (let a = 0; a < k; a++)
        for (let b = 0; b < k; b++) {
          let s = 0;
          for (let c = 0; c < k; c++) s += Am[c * k + a]! * temp[c * k + b]!;
          varCoef[a * k + b] = s;
        }
      coefs = undoPars(coefs, arma);
    } else if (hessian) {
      varCoef = solveScaled(hessian, free.length);
      if (!varCoef) throw failure('The likelihood Hessian is singular.');
    }
    finalCoef = coefs;
    const { phi, theta } = transPars(finalCoef, arma, false);
    const built = makeStateSpace(phi, theta, delta);
    if (!built) throw failure('The estimates give a non-stationary AR part.');
    mod = built;
    residuals = new Float64Array(n);
    const terms = kalmanLikelihood(Float64Array.from(regress(finalCoef)), mod, residuals);
    sigma2 = terms.ssq / nUsed;
    if (delta.length > 0) value = armaLikExact(estimate, transform);
  }
  const deviance = 2 * nUsed * value + nUsed + nUsed * Math.log(2 * Math.PI);
  const names: string[] = [];
  for (let i = 1; i <= p; i++) names.push(`ar${i}`);
  for (let i = 1; i <= q; i++) names.push(`ma${i}`);
  for (let i = 1; i <= P; i++) names.push(`sar${i}`);
  for (let i = 1; i <= Q; i++) names.push(`sma${i}`);
  names.push(...xregNames);
  return {
    order,
    coef: finalCoef,
    names,
    mask,
    sigma2,
    loglik: -0.5 * deviance,
    aic: method !== 'CSS' ? deviance + 2 * free.length + 2 : NaN,
    varCoef,
    residuals,
    nUsed,
    model: mod,
    xregNames,
    method,
  };
}

// ---------------------------------------------------------------------------------------------
// Model fits as forecast::Arima and auto.arima's myarima report them

export interface ArimaFit extends ArimaEstimate {
  readonly aicc: number;
  readonly bic: number;
  /** σ² with the degrees-of-freedom correction forecast::Arima applies. */
  readonly sigma2Adjusted: number;
  readonly constant: boolean;
  /** Whether drift (a linear time trend regressor) is part of the model. */
  readonly drift: boolean;
}

/** A row-major n × columns regression design with its column names. */
export interface ArimaDesign {
  readonly columns: number;
  readonly x: Float64Array;
  readonly names: string[];
}

/** Builds the regression design for the constant: drift 1…n when d + D = 1. */
function driftDesign(n: number): ArimaDesign {
  return { columns: 1, x: Float64Array.from({ length: n }, (_, t) => t + 1), names: ['drift'] };
}

/** Columns of `a` then columns of `b`, as R's cbind (either may be absent). */
function bindColumns(a: ArimaDesign | undefined, b: ArimaDesign | undefined) {
  if (!a || !b) return a ?? b;
  const n = a.x.length / a.columns;
  const columns = a.columns + b.columns;
  const x = new Float64Array(n * columns);
  for (let t = 0; t < n; t++) {
    for (let j = 0; j < a.columns; j++) x[t * columns + j] = a.x[t * a.columns + j]!;
    for (let j = 0; j < b.columns; j++) x[t * columns + a.columns + j] = b.x[t * b.columns + j]!;
  }
  return { columns, x, names: [...a.names, ...b.names] };
}

function withInformationCriteria(
  estimate: ArimaEstimate,
  n: number,
  drift: boolean,
  constant: boolean,
  offset = 0,
): ArimaFit {
  const { order } = estimate;
  const nstar = n - order.d - order.D * order.period;
  const npar = estimate.mask.filter(Boolean).length + 1;
  const aic =
    estimate.method === 'CSS'
      ? offset + nstar * Math.log(estimate.sigma2) + 2 * npar
      : estimate.aic;
  let sse = 0;
  for (const r of estimate.residuals) if (!Number.isNaN(r)) sse += r * r;
  return {
    ...estimate,
    aic,
    bic: aic + npar * (Math.log(nstar) - 2),
    aicc: aic + (2 * npar * (npar + 1)) / (nstar - npar - 1),
    sigma2Adjusted: sse / (nstar - npar + 1),
    constant,
    drift,
  };
}

/**
 * forecast::Arima with include.constant: a mean when d + D = 0, drift when d + D = 1; with `xreg`,
 * a regression on those columns with ARIMA errors (drift, when present, comes first as in R).
 */
export function fitArima(
  x: Float64Array,
  order: ArimaOrder,
  constant: boolean,
  method: ArimaMethod = 'CSS-ML',
  offset = 0,
  rankOnly = false,
  xreg?: ArimaDesign,
): ArimaFit {
  const differences = order.d + order.D;
  const drift = constant && differences === 1;
  if (x.length <= order.d + order.D * order.period) {
    throw failure('Not enough data to fit this ARIMA model.');
  }
  const design = bindColumns(drift ? driftDesign(x.length) : undefined, xreg);
  const estimate = estimateArima(x, order, {
    includeMean: constant,
    method,
    rankOnly,
    ...(design ? { xreg: design } : {}),
  });
  return withInformationCriteria(estimate, x.length, drift, constant && differences <= 1, offset);
}

/**
 * auto.arima's `myarima`: the fit and its information criterion, or Infinity when the fit fails,
 * when an AR or MA root lies within 1.01 of the unit circle, or when a coefficient variance is
 * negative.
 */
function candidate(
  x: Float64Array,
  order: ArimaOrder,
  constant: boolean,
  ic: 'aicc' | 'aic' | 'bic',
  method: ArimaMethod,
  offset: number,
  xreg?: ArimaDesign,
): { fit: ArimaFit | null; ic: number } {
  let fit: ArimaFit;
  try {
    fit = fitArima(
      x,
      order,
      constant && order.d + order.D <= 1,
      method,
      offset,
      method === 'CSS',
      xreg,
    );
  } catch (error) {
    if (error instanceof TrainingError && error.kind === 'cancelled') throw error;
    return { fit: null, ic: Infinity };
  }
  let value = Number.isFinite(fit.aic) ? fit[ic] : Infinity;
  if (Number.isNaN(value)) value = Infinity;
  // Roots of the expanded AR and MA polynomials (trailing coefficients under 1e-8 dropped).
  const { phi, theta } = fit.model;
  let minroot = 2;
  const rootsOf = (coefficients: Float64Array, sign: number) => {
    const last = trimmed(coefficients, 1e-8);
    if (last === 0) return Infinity;
    return minRootModulus([1, ...Array.from(coefficients.subarray(0, last), (c) => sign * c)]);
  };
  if (order.p + order.P > 0) minroot = Math.min(minroot, rootsOf(phi, -1));
  if (order.q + order.Q > 0 && value < Infinity) minroot = Math.min(minroot, rootsOf(theta, 1));
  let badVariance = false;
  if (fit.varCoef) {
    const k = Math.round(Math.sqrt(fit.varCoef.length));
    for (let i = 0; i < k; i++)
      if (Number.isNaN(Math.sqrt(fit.varCoef[i * k + i]!))) badVariance = true;
  }
  if (minroot < 1 + 1e-2 || badVariance) value = Infinity;
  return { fit, ic: value };
}

// ---------------------------------------------------------------------------------------------
// Differencing tests

/** The KPSS level-stationarity statistic with R's lag truncation trunc(3√n/13) (urca::ur.kpss). */
export function kpssStatistic(x: ArrayLike<number>): number {
  const n = x.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i]!;
  mean /= n;
  const res = Float64Array.from(x, (v) => v - mean);
  let s = 0;
  let numerator = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    s += res[i]!;
    numerator += s * s;
    s2 += res[i]! ** 2;
  }
  numerator /= n * n;
  s2 /= n;
  const lmax = Math.trunc((3 * Math.sqrt(n)) / 13);
  let denominator = s2;
  for (let lag = 1; lag <= lmax; lag++) {
    let cov = 0;
    for (let i = lag; i < n; i++) cov += res[i]! * res[i - lag]!;
    denominator += (2 / n) * (1 - lag / (lmax + 1)) * cov;
  }
  return numerator / denominator;
}

/** Whether all values equal the first, to R's `all.equal` tolerance. */
function isConstant(y: ArrayLike<number>): boolean {
  const first = y[0]!;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < y.length; i++) {
    diff += Math.abs(y[i]! - first);
    scale += Math.abs(y[i]!);
  }
  return scale > 1.5e-8 * y.length ? diff / scale < 1.5e-8 : diff < 1.5e-8 * y.length;
}

/**
 * forecast::ndiffs with the KPSS test at 5%: difference while the statistic exceeds 0.463
 * (urca's 5% critical value; its p-value interpolation crosses 0.05 exactly there), up to maxD.
 */
export function ndiffs(x: Float64Array, maxD = 2): number {
  let d = 0;
  let series = x;
  if (isConstant(series)) return 0;
  let dodiff = kpssStatistic(series) > 0.463;
  while (dodiff && d < maxD) {
    d++;
    series = difference(series, 1, 0, 1);
    if (isConstant(series)) return d;
    dodiff = kpssStatistic(series) > 0.463;
  }
  return d;
}

function sampleVariance(values: Float64Array): number {
  let mean = 0;
  for (const v of values) mean += v;
  mean /= values.length;
  let s = 0;
  for (const v of values) s += (v - mean) ** 2;
  return s / (values.length - 1);
}

/**
 * forecast's `seas.heuristic`: the strength of seasonality 1 − Var(remainder)/Var(remainder +
 * season) of an STL decomposition with s.window = 11 (what `mstl` uses), clamped to [0, 1].
 */
export function seasonalStrength(x: Float64Array, period: number): number {
  const { seasonal, remainder } = stl(x, { period, seasonalWindow: 11 });
  const n = x.length;
  const withSeason = new Float64Array(n);
  for (let i = 0; i < n; i++) withSeason[i] = remainder[i]! + seasonal[i]!;
  return Math.max(0, Math.min(1, 1 - sampleVariance(remainder) / sampleVariance(withSeason)));
}

/** forecast::nsdiffs with the default "seas" test: difference when the strength exceeds 0.64. */
export function nsdiffs(x: Float64Array, period: number, maxD = 1): number {
  if (isConstant(x) || period <= 1 || period >= x.length) return 0;
  let D = 0;
  let series = x;
  let dodiff = series.length > 2 * period && seasonalStrength(series, period) > 0.64;
  while (dodiff && D < maxD) {
    D++;
    series = difference(series, 0, 1, period);
    if (isConstant(series)) return D;
    dodiff = series.length > 2 * period && D < maxD && seasonalStrength(series, period) > 0.64;
  }
  return D;
}

// ---------------------------------------------------------------------------------------------
// Automatic selection (forecast::auto.arima, stepwise)

export interface AutoArimaOptions {
  readonly d?: number;
  readonly D?: number;
  readonly maxP?: number;
  readonly maxQ?: number;
  readonly maxSP?: number;
  readonly maxSQ?: number;
  readonly maxD?: number;
  readonly maxSD?: number;
  readonly seasonal?: boolean;
  readonly ic?: 'aicc' | 'aic' | 'bic';
  /** Use CSS to rank candidates (R's default for series over 150 points or periods above 12). */
  readonly approximation?: boolean;
  readonly allowDrift?: boolean;
  readonly allowMean?: boolean;
  readonly maxModels?: number;
  /** Regressors known for every step (auto.arima's `xreg`): a regression with ARIMA errors. */
  readonly xreg?: ArimaDesign;
  readonly signal?: AbortSignal;
  readonly onCandidate?: (label: string, ic: number) => void;
}

function columnOf(design: ArimaDesign, j: number): Float64Array {
  const n = design.x.length / design.columns;
  return Float64Array.from({ length: n }, (_, t) => design.x[t * design.columns + j]!);
}

/**
 * The series less its least-squares regression on the non-constant regressors (with an
 * intercept), on which auto.arima chooses the differencing, and those regressors' columns. Fails
 * as R does when they are collinear.
 */
function regressionResiduals(x: Float64Array, xreg: ArimaDesign) {
  const n = x.length;
  if (xreg.x.length !== n * xreg.columns) {
    throw new TrainingError(
      'invalid-input',
      `The regressors have ${xreg.x.length / Math.max(1, xreg.columns)} rows; the series has ${n} values.`,
      'regressors',
    );
  }
  const varying: Float64Array[] = [];
  for (let j = 0; j < xreg.columns; j++) {
    const column = columnOf(xreg, j);
    if (!column.every(Number.isFinite)) {
      throw new TrainingError(
        'non-finite',
        `The regressor “${xreg.names[j] ?? `xreg${j + 1}`}” has a missing or infinite value.`,
        xreg.names[j] ?? `xreg${j + 1}`,
      );
    }
    if (!isConstant(column)) varying.push(column);
  }
  if (!varying.length) return { residuals: x, columns: varying };
  const k = varying.length + 1;
  const design = new Float64Array(n * k);
  for (let t = 0; t < n; t++) {
    design[t * k] = 1;
    for (let j = 0; j < varying.length; j++) design[t * k + j + 1] = varying[j]![t]!;
  }
  const fit = leastSquares(design, x, n, k);
  if (fit.rank < k) {
    throw new TrainingError(
      'invalid-input',
      'The regressors are collinear (one is a linear combination of the others and a constant).',
      'regressors',
    );
  }
  return { residuals: fit.residuals, columns: varying };
}

export function arimaLabel(order: ArimaOrder, constant: boolean): string {
  const seasonal = order.P + order.D + order.Q > 0 && order.period > 1;
  let label = `ARIMA(${order.p},${order.d},${order.q})`;
  if (seasonal) label += `(${order.P},${order.D},${order.Q})[${order.period}]`;
  if (constant && order.d + order.D === 0) label += ' with non-zero mean';
  else if (constant && order.d + order.D === 1) label += ' with drift';
  return label;
}

interface SelectedArima {
  readonly fit: ArimaFit;
  /** Set when the data (or their differences) are constant and no search was run. */
  readonly degenerate?: 'constant';
}

/** forecast::auto.arima(x) with stepwise search and its defaults. */
export function autoArima(
  x: Float64Array,
  period: number,
  options: AutoArimaOptions = {},
): SelectedArima {
  const n = x.length;
  const ic = options.ic ?? 'aicc';
  const signal = options.signal;
  if (isConstant(x)) {
    const mean = x.reduce((a, b) => a + b, 0) / n;
    const order: ArimaOrder = { p: 0, d: 0, q: 0, P: 0, D: 0, Q: 0, period: 1 };
    const estimate = estimateArima(x, order, { includeMean: true, fixed: [mean] });
    return { fit: withInformationCriteria(estimate, n, false, true), degenerate: 'constant' };
  }
  const xreg = options.xreg;
  const regression = xreg ? regressionResiduals(x, xreg) : null;
  const xx = regression?.residuals ?? x;
  const anyConstantAfter = (lag: number, times: number, columns: readonly Float64Array[]) =>
    columns.some((column) =>
      isConstant(lag === 1 ? difference(column, times, 0, 1) : difference(column, 0, times, lag)),
    );
  const m = options.seasonal === false ? 1 : Math.max(1, Math.round(period));
  let maxP = Math.min(options.maxP ?? 5, Math.floor(n / 3));
  let maxQ = Math.min(options.maxQ ?? 5, Math.floor(n / 3));
  let maxSP = Math.min(options.maxSP ?? 2, Math.floor(n / 3 / m));
  let maxSQ = Math.min(options.maxSQ ?? 2, Math.floor(n / 3 / m));
  const criterion = n <= 3 ? 'aic' : ic;
  let D = options.D;
  if (m === 1) {
    D = 0;
    maxSP = 0;
    maxSQ = 0;
  } else if (D === undefined && n <= 2 * m) D = 0;
  else if (D === undefined) {
    D = nsdiffs(xx, m, options.maxSD ?? 1);
    // A regressor that seasonal differencing makes constant would be unidentifiable.
    if (D > 0 && regression && anyConstantAfter(m, D, regression.columns)) D--;
  }
  const dx = D > 0 ? difference(xx, 0, D, m) : xx;
  let d = options.d;
  if (d === undefined) {
    d = ndiffs(dx, options.maxD ?? 2);
    if (d > 0 && regression) {
      const seasonallyDifferenced = regression.columns.map((column) =>
        D! > 0 ? difference(column, 0, D!, m) : column,
      );
      if (anyConstantAfter(1, d, seasonallyDifferenced)) d--;
    }
  }
  const ddx = d > 0 ? difference(dx, d, 0, m) : dx;
  if (ddx.length === 0) throw failure('Not enough data to select an ARIMA model.');
  if (isConstant(ddx)) {
    let fit: ArimaFit;
    const order: ArimaOrder = { p: 0, d, q: 0, P: 0, D, Q: 0, period: m };
    if (xreg) {
      fit = fitArima(x, order, d + D === 0, 'CSS-ML', 0, false, xreg);
    } else if (D > 0 && d === 0) {
      let mean = 0;
      for (const v of ddx) mean += v / m;
      mean /= ddx.length;
      fit = withInformationCriteria(
        estimateArima(x, order, { xreg: driftDesign(n), fixed: [mean] }),
        n,
        true,
        true,
      );
    } else if (d + D >= 2 || (D > 0 && d > 0)) {
      fit = fitArima(x, order, false);
    } else {
      const mean = ddx.reduce((a, b) => a + b, 0) / ddx.length;
      const design = d === 1 ? { xreg: driftDesign(n) } : { includeMean: true };
      fit = withInformationCriteria(
        estimateArima(x, order, { ...design, fixed: [mean] }),
        n,
        d === 1,
        true,
      );
    }
    return { fit };
  }
  if (m > 1) {
    if (maxSP > 0) maxP = Math.min(maxP, m - 1);
    if (maxSQ > 0) maxQ = Math.min(maxQ, m - 1);
  }
  const approximation = options.approximation ?? (n > 150 || m > 12);
  const method: ArimaMethod = approximation ? 'CSS' : 'CSS-ML';
  let offset = 0;
  if (approximation) {
    try {
      const base = estimateArima(
        x,
        { p: 0, d, q: 0, P: 0, D, Q: 0, period: m },
        { includeMean: true, ...(xreg ? { xreg } : {}) },
      );
      offset = -2 * base.loglik - n * Math.log(base.sigma2);
    } catch (error) {
      if (error instanceof TrainingError && error.kind === 'cancelled') throw error;
      offset = 0;
    }
  }
  const allowDrift = (options.allowDrift ?? true) && d + D === 1;
  const allowMean = (options.allowMean ?? true) && d + D === 0;
  let constant = allowDrift || allowMean;
  const nmodels = options.maxModels ?? 94;

  type Row = { p: number; q: number; P: number; Q: number; constant: boolean; ic: number };
  const results: Row[] = [];
  const seen = (p: number, q: number, P: number, Q: number, c: boolean) =>
    results.some((r) => r.p === p && r.q === q && r.P === P && r.Q === Q && r.constant === c);
  let best: ArimaFit | null = null;
  let bestIc = Infinity;
  const tryModel = (p: number, q: number, P: number, Q: number, c: boolean) => {
    checkCancelled(signal);
    const order: ArimaOrder = { p, d: d!, q, P, D: D!, Q, period: m };
    const result = candidate(x, order, c, criterion, method, offset, xreg);
    results.push({ p, q, P, Q, constant: c, ic: result.ic });
    options.onCandidate?.(arimaLabel(order, c), result.ic);
    return result;
  };

  let p = Math.min(n < 10 ? 1 : 2, maxP);
  let q = Math.min(n < 10 ? 1 : 2, maxQ);
  let P = Math.min(n < 10 ? 0 : 1, maxSP);
  let Q = Math.min(n < 10 ? 0 : 1, maxSQ);
  const first = tryModel(p, q, P, Q, constant);
  best = first.fit;
  bestIc = first.ic;
  const consider = (result: { fit: ArimaFit | null; ic: number }, apply: () => void): boolean => {
    if (result.ic < bestIc) {
      best = result.fit;
      bestIc = result.ic;
      apply();
      return true;
    }
    return false;
  };
  consider(tryModel(0, 0, 0, 0, constant), () => {
    p = q = P = Q = 0;
  });
  if (maxP > 0 || maxSP > 0) {
    const ap = maxP > 0 ? 1 : 0;
    const aP = m > 1 && maxSP > 0 ? 1 : 0;
    consider(tryModel(ap, 0, aP, 0, constant), () => {
      p = ap;
      P = aP;
      q = Q = 0;
    });
  }
  if (maxQ > 0 || maxSQ > 0) {
    const aq = maxQ > 0 ? 1 : 0;
    const aQ = m > 1 && maxSQ > 0 ? 1 : 0;
    consider(tryModel(0, aq, 0, aQ, constant), () => {
      p = P = 0;
      Q = aQ;
      q = aq;
    });
  }
  if (constant) {
    consider(tryModel(0, 0, 0, 0, false), () => {
      p = q = P = Q = 0;
    });
  }
  // The neighbourhood in R's order; the first improvement restarts the scan from the new model.
  const moves: [number, number, number, number][] = [
    [0, 0, -1, 0],
    [0, 0, 0, -1],
    [0, 0, 1, 0],
    [0, 0, 0, 1],
    [0, 0, -1, -1],
    [0, 0, -1, 1],
    [0, 0, 1, -1],
    [0, 0, 1, 1],
    [-1, 0, 0, 0],
    [0, -1, 0, 0],
    [1, 0, 0, 0],
    [0, 1, 0, 0],
    [-1, -1, 0, 0],
    [-1, 1, 0, 0],
    [1, -1, 0, 0],
    [1, 1, 0, 0],
  ];
  let k = results.length;
  let startk = 0;
  while (startk < k && k < nmodels) {
    startk = k;
    let improved = false;
    for (const [dp, dq, dP, dQ] of moves) {
      const np = p + dp;
      const nq = q + dq;
      const nP = P + dP;
      const nQ = Q + dQ;
      if (np < 0 || nq < 0 || nP < 0 || nQ < 0) continue;
      if (np > maxP || nq > maxQ || nP > maxSP || nQ > maxSQ) continue;
      if (seen(np, nq, nP, nQ, constant)) continue;
      k++;
      if (k > nmodels) continue;
      if (
        consider(tryModel(np, nq, nP, nQ, constant), () => {
          p = np;
          q = nq;
          P = nP;
          Q = nQ;
        })
      ) {
        improved = true;
        break;
      }
    }
    if (improved) continue;
    if ((allowDrift || allowMean) && !seen(p, q, P, Q, !constant)) {
      k++;
      if (k > nmodels) continue;
      consider(tryModel(p, q, P, Q, !constant), () => {
        constant = !constant;
      });
    }
  }
  if (approximation && best) {
    const ordered = results
      .map((row, index) => ({ row, index }))
      .sort((a, b) => a.row.ic - b.row.ic || a.index - b.index);
    let refit: ArimaFit | null = null;
    for (const { row } of ordered) {
      checkCancelled(signal);
      const order: ArimaOrder = { p: row.p, d, q: row.q, P: row.P, D, Q: row.Q, period: m };
      const result = candidate(x, order, row.constant, criterion, 'CSS-ML', 0, xreg);
      if (result.ic < Infinity) {
        refit = result.fit;
        break;
      }
    }
    // Like R, keep the CSS fit when no candidate can be refitted by maximum likelihood; it then
    // needs its forecast state.
    const ranked: ArimaFit = best;
    best =
      refit ??
      fitArima(x, ranked.order, ranked.constant || ranked.drift, 'CSS', offset, false, xreg);
  }
  if (!best) throw failure('No suitable ARIMA model could be fitted to the series.');
  return { fit: best };
}

// ---------------------------------------------------------------------------------------------
// Forecasting and the Forecaster

/** Harmonic regressors of a seasonal period (forecast::fourier): S1, C1, S2, C2… */
export interface FourierTerms {
  readonly period: number;
  /** Number of sine–cosine pairs. */
  readonly K: number;
}

/** forecast::fourier's columns for times t = from…from + count − 1, row-major. */
export function fourierDesign(terms: FourierTerms, from: number, count: number): ArimaDesign {
  const { period, K } = terms;
  const frequencies: number[] = [];
  const names: string[] = [];
  const label = Math.round(period);
  for (let k = 1; k <= K; k++) {
    const p = k / period;
    // At k = period / 2 the sine is zero at every whole time; R drops that column.
    if (Math.abs(2 * p - Math.round(2 * p)) > Number.EPSILON) {
      frequencies.push(p, -p);
      names.push(`S${k}-${label}`, `C${k}-${label}`);
    } else {
      frequencies.push(-p);
      names.push(`C${k}-${label}`);
    }
  }
  const columns = frequencies.length;
  const x = new Float64Array(count * columns);
  for (let i = 0; i < count; i++) {
    const t = from + i;
    for (let j = 0; j < columns; j++) {
      const f = frequencies[j]!;
      const angle = 2 * Math.PI * Math.abs(f) * t;
      x[i * columns + j] = f > 0 ? Math.sin(angle) : Math.cos(angle);
    }
  }
  return { columns, x, names };
}

/** Known-in-advance regressors: which columns of the regressor matrix, and its width. */
interface ArimaRegressors {
  readonly columns: readonly number[];
  readonly width: number;
  readonly names: readonly string[];
  readonly coef: Float64Array;
}

interface ArimaForecastCore {
  readonly order: ArimaOrder;
  readonly model: ArimaStateSpace;
  /** Regression coefficients by column name ("intercept", "drift"). */
  readonly intercept: number;
  readonly drift: number;
  /** Length of the fitted series (drift continues from n + 1). */
  readonly n: number;
  readonly sigma2: number;
  /** Harmonic regression on a long season, and its coefficients in `fourierDesign` order. */
  readonly fourier?: FourierTerms & { readonly coef: Float64Array };
  readonly regressors?: ArimaRegressors;
}

/** The future regressor values a model needs, checked for shape and finiteness. */
function futureColumns(
  regressors: ArimaRegressors,
  h: number,
  future: Float64Array | undefined,
): Float64Array {
  if (!future || future.length !== h * regressors.width) {
    throw new TrainingError(
      'invalid-input',
      `This regression with ARIMA errors needs the future values of ${regressors.names.join(', ')} for all ${h} forecast steps.`,
      'regressors',
    );
  }
  const out = new Float64Array(h * regressors.columns.length);
  for (let i = 0; i < h; i++) {
    regressors.columns.forEach((column, j) => {
      const value = future[i * regressors.width + column]!;
      if (!Number.isFinite(value)) {
        throw new TrainingError(
          'non-finite',
          `The future value of ${regressors.names[j]} at forecast step ${i + 1} is missing or infinite.`,
          regressors.names[j]!,
        );
      }
      out[i * regressors.columns.length + j] = value;
    });
  }
  return out;
}

/** Point forecasts and standard errors (forecast.Arima via predict.Arima with newxreg). */
function forecastCore(core: ArimaForecastCore, h: number, future?: Float64Array) {
  const { mean, variance } = kalmanForecast(h, core.model);
  const point = new Float64Array(h);
  const se = new Float64Array(h);
  for (let i = 0; i < h; i++) {
    point[i] = mean[i]! + core.intercept + core.drift * (core.n + i + 1);
    se[i] = Math.sqrt(variance[i]! * core.sigma2);
  }
  if (core.fourier) {
    const design = fourierDesign(core.fourier, core.n + 1, h);
    for (let i = 0; i < h; i++) {
      for (let j = 0; j < design.columns; j++) {
        point[i] = point[i]! + design.x[i * design.columns + j]! * core.fourier.coef[j]!;
      }
    }
  }
  if (core.regressors) {
    const { coef } = core.regressors;
    const values = futureColumns(core.regressors, h, future);
    for (let i = 0; i < h; i++) {
      for (let j = 0; j < coef.length; j++) {
        point[i] = point[i]! + values[i * coef.length + j]! * coef[j]!;
      }
    }
  }
  return { point, se };
}

class FittedArima implements FittedForecaster {
  readonly model = 'arima';

  constructor(
    private readonly core: ArimaForecastCore,
    private readonly coefficients: Record<string, number>,
    private readonly constant: boolean,
    readonly fitted: Float64Array,
    private readonly stats: { loglik: number; aic: number; aicc: number; bic: number } | null,
    private readonly lambda: number | null,
    private readonly biasadj: boolean,
  ) {}

  get label() {
    const label = arimaLabel(this.core.order, this.constant);
    const { fourier, regressors } = this.core;
    if (regressors) {
      // As R prints it, the mean or drift showing only among the coefficients.
      const errors = arimaLabel(this.core.order, false);
      const harmonics = fourier ? `, ${fourier.K} harmonics [${fourier.period}]` : '';
      return withLambda(
        `Regression on ${regressors.names.join(', ')}${harmonics} with ${errors} errors`,
        this.lambda,
      );
    }
    return withLambda(
      fourier ? `${label} + ${fourier.K} harmonics [${fourier.period}]` : label,
      this.lambda,
    );
  }

  get aic() {
    return this.stats?.aic;
  }

  get aicc() {
    return this.stats?.aicc;
  }

  get bic() {
    return this.stats?.bic;
  }

  get params() {
    const { p, d, q, P, D, Q, period } = this.core.order;
    return {
      p,
      d,
      q,
      P,
      D,
      Q,
      period,
      constant: this.constant,
      coef: this.coefficients,
      sigma2: this.core.sigma2,
      ...(this.stats ? { loglik: this.stats.loglik } : {}),
      ...(this.lambda !== null ? { lambda: this.lambda, biasadj: this.biasadj } : {}),
      ...(this.core.fourier ? { fourier: this.core.fourier.K } : {}),
      ...(this.core.regressors ? { xreg: [...this.core.regressors.columns] } : {}),
    };
  }

  forecast(
    h: number,
    levels: readonly number[] = DEFAULT_LEVELS,
    futureRegressors?: Float64Array,
  ): ForecastResult {
    checkHorizon(h);
    checkLevels(levels);
    const { point, se } = forecastCore(this.core, h, futureRegressors);
    const lambda = this.lambda;
    const back = (value: number, i?: number) =>
      lambda === null
        ? value
        : invBoxCox(value, lambda, i !== undefined && this.biasadj ? se[i]! ** 2 : undefined);
    return {
      mean: point.map((value, i) => back(value, i)),
      intervals: levels.map((level) => {
        const z = normalMultiplier(level);
        return {
          level,
          lo: point.map((value, i) => back(value - z * se[i]!)),
          hi: point.map((value, i) => back(value + z * se[i]!)),
        };
      }),
    };
  }

  toJSON(): ForecasterJSON {
    const { order, model, intercept, drift, n, sigma2, fourier, regressors } = this.core;
    return {
      ...(fourier
        ? { fourier: { period: fourier.period, K: fourier.K, coef: toNumbers(fourier.coef) } }
        : {}),
      ...(regressors
        ? {
            regressors: {
              columns: [...regressors.columns],
              width: regressors.width,
              names: [...regressors.names],
              coef: toNumbers(regressors.coef),
            },
          }
        : {}),
      model: 'arima',
      order: { ...order },
      constant: this.constant,
      coef: this.coefficients,
      phi: toNumbers(model.phi),
      theta: toNumbers(model.theta),
      delta: toNumbers(model.delta),
      state: toNumbers(model.a),
      covariance: toNumbers(model.P),
      intercept,
      drift,
      n,
      sigma2,
      lambda: this.lambda,
      biasadj: this.biasadj,
    };
  }

  static restore(json: ForecasterJSON): FittedArima {
    const raw = json.order as Record<string, unknown> | undefined;
    const count = (key: string) => {
      const value = raw?.[key];
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
        throw new TrainingError(
          'invalid-input',
          `The saved ARIMA model lacks its order “${key}”.`,
          'order',
        );
      }
      return value;
    };
    const order: ArimaOrder = {
      p: count('p'),
      d: count('d'),
      q: count('q'),
      P: count('P'),
      D: count('D'),
      Q: count('Q'),
      period: Math.max(1, count('period')),
    };
    const phi = numbersField(json, 'phi');
    const theta = numbersField(json, 'theta');
    const delta = numbersField(json, 'delta');
    const a = numbersField(json, 'state');
    const P = numbersField(json, 'covariance');
    const rd = Math.max(phi.length, theta.length + 1) + delta.length;
    if (a.length !== rd || P.length !== rd * rd) {
      throw new TrainingError(
        'invalid-input',
        'The saved ARIMA state has the wrong size.',
        'state',
      );
    }
    const coef =
      json.coef && typeof json.coef === 'object' ? (json.coef as Record<string, number>) : {};
    const lambda =
      json.lambda === null || json.lambda === undefined ? null : numberField(json, 'lambda');
    return new FittedArima(
      {
        order,
        model: { phi, theta, delta, a, P, Pn: new Float64Array(rd * rd) },
        intercept: numberField(json, 'intercept'),
        drift: numberField(json, 'drift'),
        n: numberField(json, 'n'),
        sigma2: numberField(json, 'sigma2'),
        ...restoreRegression(json),
      },
      coef,
      json.constant === true,
      new Float64Array(0),
      null,
      lambda,
      json.biasadj === true,
    );
  }
}

/** The harmonic and regressor parts of a saved model, checked. */
function restoreRegression(
  json: ForecasterJSON,
): Pick<ArimaForecastCore, 'fourier' | 'regressors'> {
  const malformed = (field: string) =>
    new TrainingError('invalid-input', `The saved ARIMA model's “${field}” is malformed.`, field);
  const out: { fourier?: ArimaForecastCore['fourier']; regressors?: ArimaRegressors } = {};
  if (json.fourier !== undefined) {
    const raw = json.fourier as ForecasterJSON;
    const period = numberField(raw, 'period');
    const K = numberField(raw, 'K');
    const coef = numbersField(raw, 'coef');
    if (
      !Number.isInteger(K) ||
      K < 1 ||
      coef.length !== fourierDesign({ period, K }, 1, 1).columns
    ) {
      throw malformed('fourier');
    }
    out.fourier = { period, K, coef };
  }
  if (json.regressors !== undefined) {
    const raw = json.regressors as ForecasterJSON;
    const width = numberField(raw, 'width');
    const coef = numbersField(raw, 'coef');
    const columns = raw.columns;
    const names = raw.names;
    if (
      !Array.isArray(columns) ||
      !Array.isArray(names) ||
      columns.length !== coef.length ||
      names.length !== coef.length ||
      !columns.every((c) => Number.isInteger(c) && c >= 0 && c < width) ||
      !names.every((name) => typeof name === 'string')
    ) {
      throw malformed('regressors');
    }
    out.regressors = { columns: columns as number[], width, names: names as string[], coef };
  }
  return out;
}

export interface ArimaParams {
  /** A fixed order; absent fields of a fixed order default to 0. Omit all for automatic. */
  readonly p?: number;
  readonly d?: number;
  readonly q?: number;
  readonly P?: number;
  readonly D?: number;
  readonly Q?: number;
  /** Mean (d + D = 0) or drift (d + D = 1); with a fixed order, default true when d + D ≤ 1. */
  readonly constant?: boolean;
  readonly method?: ArimaMethod;
  readonly ic?: 'aicc' | 'aic' | 'bic';
  readonly approximation?: boolean;
  readonly seasonal?: boolean;
  readonly lambda?: number | 'auto';
  readonly biasadj?: boolean;
  /**
   * Columns of the fit options' known-in-advance regressors to regress on, with ARIMA errors
   * (auto.arima's or Arima's `xreg`); their future values are then needed to forecast.
   */
  readonly xreg?: readonly number[];
  /**
   * Sine–cosine pairs of the seasonal period as regressors, with non-seasonal ARIMA errors
   * (dynamic harmonic regression, for long seasons); "auto" picks their number by AICc.
   */
  readonly fourier?: number | 'auto';
}

const ORDER_KEYS = ['p', 'd', 'q', 'P', 'D', 'Q'] as const;

function readParams(params: Readonly<Record<string, unknown>> | undefined) {
  const raw = (params ?? {}) as Record<string, unknown>;
  const orders: Partial<Record<(typeof ORDER_KEYS)[number], number>> = {};
  for (const key of ORDER_KEYS) {
    const value = raw[key];
    if (value === undefined || value === null || value === 'auto') continue;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 30) {
      throw new TrainingError(
        'invalid-params',
        `ARIMA order “${key}” must be a whole number from 0 to 30, got ${String(value)}.`,
        key,
      );
    }
    orders[key] = value;
  }
  const flag = (key: string) => {
    const value = raw[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') {
      throw new TrainingError(
        'invalid-params',
        `ARIMA parameter “${key}” must be true or false.`,
        key,
      );
    }
    return value;
  };
  const method = raw.method ?? 'CSS-ML';
  if (method !== 'CSS-ML' && method !== 'ML' && method !== 'CSS') {
    throw new TrainingError('invalid-params', `ARIMA method must be CSS-ML, ML or CSS.`, 'method');
  }
  const ic = raw.ic ?? 'aicc';
  if (ic !== 'aicc' && ic !== 'aic' && ic !== 'bic') {
    throw new TrainingError('invalid-params', `ARIMA “ic” must be aicc, aic or bic.`, 'ic');
  }
  let lambda: number | 'auto' | undefined;
  if (raw.lambda === 'auto') lambda = 'auto';
  else if (raw.lambda !== undefined && raw.lambda !== null) {
    if (typeof raw.lambda !== 'number' || !(Math.abs(raw.lambda) <= 5)) {
      throw new TrainingError(
        'invalid-params',
        'ARIMA “lambda” must be a number in [−5, 5] or "auto".',
        'lambda',
      );
    }
    lambda = raw.lambda;
  }
  const fixedOrder = ['p', 'q', 'P', 'Q'].some(
    (key) => orders[key as keyof typeof orders] !== undefined,
  );
  let xreg: number[] | undefined;
  if (raw.xreg !== undefined && raw.xreg !== null) {
    if (
      !Array.isArray(raw.xreg) ||
      !raw.xreg.length ||
      !raw.xreg.every((c) => Number.isInteger(c) && (c as number) >= 0)
    ) {
      throw new TrainingError(
        'invalid-params',
        'ARIMA “xreg” must list regressor columns by position (whole numbers from 0).',
        'xreg',
      );
    }
    xreg = raw.xreg as number[];
  }
  let fourier: number | 'auto' | undefined;
  if (raw.fourier === 'auto') fourier = 'auto';
  else if (raw.fourier !== undefined && raw.fourier !== null) {
    if (typeof raw.fourier !== 'number' || !Number.isInteger(raw.fourier) || raw.fourier < 1) {
      throw new TrainingError(
        'invalid-params',
        'ARIMA “fourier” must be a whole number of harmonics ≥ 1, or "auto".',
        'fourier',
      );
    }
    fourier = raw.fourier;
  }
  return {
    orders,
    fixedOrder,
    constant: flag('constant'),
    method: method as ArimaMethod,
    ic: ic as 'aicc' | 'aic' | 'bic',
    approximation: flag('approximation'),
    seasonal: flag('seasonal'),
    lambda,
    biasadj: flag('biasadj') ?? false,
    xreg,
    fourier,
  };
}

function coefficientRecord(fit: ArimaFit): Record<string, number> {
  const out: Record<string, number> = {};
  fit.names.forEach((name, i) => {
    out[name] = fit.coef[i]!;
  });
  return out;
}

/** The chosen columns of the fit's regressors, or a clear error when they are not there. */
function selectRegressors(
  regressors: ForecastFitOptions['regressors'],
  columns: readonly number[],
  n: number,
): { design: ArimaDesign; width: number } {
  if (!regressors || regressors.x.length !== n * regressors.columns) {
    throw new TrainingError(
      'invalid-input',
      `This ARIMA model regresses on known-in-advance columns, but ${regressors ? `the regressors have ${regressors.x.length / Math.max(1, regressors.columns)} rows for ${n} values` : 'none were given'}.`,
      'regressors',
    );
  }
  const width = regressors.columns;
  const names = columns.map((column) => {
    if (column >= width) {
      throw new TrainingError(
        'invalid-params',
        `ARIMA “xreg” asks for regressor column ${column + 1}; there are ${width}.`,
        'xreg',
      );
    }
    return regressors.names?.[column] ?? `xreg${column + 1}`;
  });
  const x = new Float64Array(n * columns.length);
  for (let t = 0; t < n; t++) {
    columns.forEach((column, j) => {
      x[t * columns.length + j] = regressors.x[t * width + column]!;
    });
  }
  return { design: { columns: columns.length, x, names }, width };
}

/** At most this many harmonics: more rarely help and each adds two coefficients to estimate. */
const MAX_HARMONICS = 8;

/**
 * The harmonic part of a series: sine–cosine pairs of the season fitted by least squares beside
 * an intercept and a linear trend (which stay with the ARIMA errors). Their number is the one
 * asked for, or for "auto" the one with the lowest AICc of that regression.
 *
 * This is a two-step estimate where R's auto.arima(xreg = fourier(…)) estimates the harmonics
 * jointly with every ARMA candidate: with a long season that means 2K more coefficients in each of
 * dozens of likelihood optimisations, minutes where this takes one regression. The harmonics are
 * nearly orthogonal to the slowly varying errors, so the two estimates differ little.
 */
function harmonicPart(
  x: Float64Array,
  period: number,
  K: number | 'auto',
): FourierTerms & { readonly coef: Float64Array; readonly values: Float64Array } {
  if (period < 2) {
    throw new TrainingError(
      'invalid-params',
      'Harmonic regressors need a seasonal period of at least 2; this series has none.',
      'fourier',
    );
  }
  const largest = Math.floor(period / 2);
  const n = x.length;
  const fitHarmonics = (k: number) => {
    const harmonics = fourierDesign({ period, K: k }, 1, n);
    const columns = harmonics.columns + 2;
    const design = new Float64Array(n * columns);
    for (let t = 0; t < n; t++) {
      design[t * columns] = 1;
      design[t * columns + 1] = t + 1;
      for (let j = 0; j < harmonics.columns; j++) {
        design[t * columns + 2 + j] = harmonics.x[t * harmonics.columns + j]!;
      }
    }
    const fit = leastSquares(design, x, n, columns);
    let sse = 0;
    for (const r of fit.residuals) sse += r * r;
    const parameters = columns + 1;
    const aicc =
      n * Math.log(sse / n) +
      2 * parameters +
      (2 * parameters * (parameters + 1)) / (n - parameters - 1);
    const coef = fit.coefficients.slice(2);
    const values = new Float64Array(n);
    for (let t = 0; t < n; t++) {
      for (let j = 0; j < harmonics.columns; j++) {
        values[t] = values[t]! + harmonics.x[t * harmonics.columns + j]! * coef[j]!;
      }
    }
    return { period, K: k, coef, values, aicc };
  };
  const most = Math.min(largest, K === 'auto' ? MAX_HARMONICS : K);
  if (n <= 2 * most + 5) {
    throw new TrainingError(
      'invalid-input',
      `${n} values are too few for ${most} harmonics of a period of ${period}.`,
      'fourier',
    );
  }
  if (K !== 'auto') return fitHarmonics(most);
  let best = fitHarmonics(1);
  for (let k = 2; k <= most; k++) {
    const next = fitHarmonics(k);
    if (next.aicc < best.aicc) best = next;
  }
  return best;
}

/** Fits ARIMA: the given order (forecast::Arima) or one chosen by auto.arima. */
export function fitArimaForecaster(
  y: Float64Array,
  options: ForecastFitOptions,
  params?: Readonly<Record<string, unknown>>,
): FittedForecaster {
  for (let i = 0; i < y.length; i++) {
    if (!Number.isFinite(y[i]!)) {
      throw new TrainingError(
        'non-finite',
        `The series has a missing or non-finite value at position ${i + 1}; fill it before fitting.`,
        'series',
      );
    }
  }
  const settings = readParams(params);
  const period = Math.max(1, Math.round(options.period));
  let lambda: number | null = null;
  let x = y;
  if (settings.lambda !== undefined) {
    lambda = settings.lambda === 'auto' ? boxCoxLambda(y, period, -0.9) : settings.lambda;
    x = boxCox(y, lambda);
    if (x.some((v) => !Number.isFinite(v))) {
      throw new TrainingError(
        'invalid-input',
        `The Box–Cox transform with λ = ${lambda} is undefined for some values (λ < 0 or log needs positive data).`,
        'lambda',
      );
    }
  }
  const harmonics =
    settings.fourier === undefined ? undefined : harmonicPart(x, period, settings.fourier);
  const userRegressors = settings.xreg
    ? selectRegressors(options.regressors, settings.xreg, y.length)
    : undefined;
  const design = userRegressors?.design;
  // The ARIMA part models what the harmonics leave; fitted values add them back below.
  const series = harmonics ? x.map((value, t) => value - harmonics.values[t]!) : x;
  let fit: ArimaFit;
  if (settings.fixedOrder) {
    const o = settings.orders;
    const seasonalPart = (o.P ?? 0) + (o.D ?? 0) + (o.Q ?? 0) > 0;
    const order: ArimaOrder = {
      p: o.p ?? 0,
      d: o.d ?? 0,
      q: o.q ?? 0,
      P: o.P ?? 0,
      D: o.D ?? 0,
      Q: o.Q ?? 0,
      period: seasonalPart ? period : 1,
    };
    if (seasonalPart && period < 2) {
      throw new TrainingError(
        'invalid-params',
        'A seasonal ARIMA order needs a seasonal period above 1.',
        'P',
      );
    }
    const differences = order.d + order.D;
    const constant = (settings.constant ?? differences <= 1) && differences <= 1;
    checkCancelled(options.signal);
    fit = fitArima(series, order, constant, settings.method, 0, false, design);
  } else {
    if (y.length < 3) {
      throw new TrainingError(
        'invalid-input',
        `ARIMA needs at least 3 values; the series has ${y.length}.`,
        'series',
      );
    }
    fit = autoArima(series, period, {
      d: settings.orders.d,
      D: settings.orders.D,
      ic: settings.ic,
      approximation: settings.approximation,
      // Harmonics carry the season; seasonal differencing or lags on top would double it.
      seasonal: harmonics ? false : settings.seasonal,
      signal: options.signal,
      ...(design ? { xreg: design } : {}),
    }).fit;
  }
  const coef = coefficientRecord(fit);
  // Regression coefficients come last, in the design's order.
  const regression = design
    ? fit.coef.slice(fit.coef.length - design.columns)
    : new Float64Array(0);
  const fittedValues = new Float64Array(y.length);
  for (let t = 0; t < y.length; t++) {
    const value = x[t]! - fit.residuals[t]!;
    fittedValues[t] =
      lambda === null
        ? value
        : invBoxCox(value, lambda, settings.biasadj ? fit.sigma2Adjusted : undefined);
  }
  return new FittedArima(
    {
      order: fit.order,
      model: fit.model,
      intercept: coef.intercept ?? 0,
      drift: coef.drift ?? 0,
      n: y.length,
      sigma2: fit.sigma2Adjusted,
      ...(harmonics
        ? { fourier: { period: harmonics.period, K: harmonics.K, coef: harmonics.coef } }
        : {}),
      ...(userRegressors
        ? {
            regressors: {
              columns: settings.xreg!,
              width: userRegressors.width,
              names: userRegressors.design.names,
              coef: regression,
            },
          }
        : {}),
    },
    coef,
    fit.constant,
    fittedValues,
    { loglik: fit.loglik, aic: fit.aic, aicc: fit.aicc, bic: fit.bic },
    lambda,
    settings.biasadj,
  );
}

export const arima: Forecaster = {
  name: 'arima',
  label: 'ARIMA',
  usesRegressors: true,
  minLength: () => 3,
  fit: fitArimaForecaster,
  restore: (json) => FittedArima.restore(json),
};
