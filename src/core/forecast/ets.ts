/**
 * Exponential smoothing state space models, ETS(error, trend, season) of Hyndman, Koehler, Ord &
 * Snyder (2008), estimated and selected as R's `forecast::ets` does: a heuristic start for the
 * initial states, maximum likelihood by Nelder–Mead over smoothing parameters and initial states
 * inside the "usual" and admissible regions, and selection by AICc over every allowed combination.
 */
import { checkCancelled, TrainingError } from '../errors/training-error';
import { randomNormal, seededRandom } from '../random';
import { boxCox, boxCoxLambda, invBoxCox, withLambda } from './boxcox';
import {
  checkHorizon,
  checkLevels,
  DEFAULT_LEVELS,
  numberField,
  numbersField,
  toNumbers,
} from './intervals';
import { leastSquares, nelderMead, RootTracker } from './optim';
import { normalMultiplier } from './stats';
import type {
  FittedForecaster,
  ForecastFitOptions,
  Forecaster,
  ForecasterJSON,
  ForecastResult,
} from './types';

export type EtsError = 'A' | 'M';
export type EtsTrend = 'N' | 'A' | 'M';
export type EtsSeason = 'N' | 'A' | 'M';

export interface EtsSpec {
  readonly error: EtsError;
  readonly trend: EtsTrend;
  readonly season: EtsSeason;
  readonly damped: boolean;
}

/** Smoothing parameters: beta is 0 without trend, gamma 0 without season, phi 1 undamped. */
export interface EtsParameters {
  readonly alpha: number;
  readonly beta: number;
  readonly gamma: number;
  readonly phi: number;
}

export interface EtsParams {
  /** Three letters error/trend/season from A, M, N and Z (choose), e.g. "MAM" or "ZZZ". */
  readonly model?: string;
  /** Damped trend; undefined tries both. */
  readonly damped?: boolean;
  readonly alpha?: number;
  readonly beta?: number;
  readonly gamma?: number;
  readonly phi?: number;
  readonly additiveOnly?: boolean;
  readonly allowMultiplicativeTrend?: boolean;
  readonly ic?: 'aicc' | 'aic' | 'bic';
  /** Box–Cox parameter, or "auto" for Guerrero's choice; undefined for none. */
  readonly lambda?: number | 'auto';
  readonly biasadj?: boolean;
  /** Sample paths for simulated intervals (multiplicative-trend models). */
  readonly paths?: number;
}

const NONE = 0;
const ADD = 1;
const MULT = 2;
const TOL = 1.0e-10;
const HUGEN = 1.0e10;
const code = (component: 'N' | 'A' | 'M') =>
  component === 'N' ? NONE : component === 'A' ? ADD : MULT;

/** Default bounds of R's ets: alpha, beta, gamma in [1e-4, 0.9999], phi in [0.8, 0.98]. */
const LOWER = [1e-4, 1e-4, 1e-4, 0.8] as const;
const UPPER = [0.9999, 0.9999, 0.9999, 0.98] as const;

export const etsLabel = (spec: EtsSpec) =>
  `ETS(${spec.error},${spec.trend}${spec.damped ? 'd' : ''},${spec.season})`;

/**
 * Runs the ETS recursions over y from the full initial state x0 (level, trend, seasons newest
 * first), returning the likelihood term n·log(SSE) (+ 2Σlog|ŷ| for multiplicative errors), or NaN
 * when a forecast is undefined. With `residuals`, `fitted` and `last`, also writes the
 * one-step errors (relative for multiplicative errors), the one-step forecasts and the state after
 * the last observation.
 *
 * Seasonal states live in a ring: the oldest — the one each observation uses — is replaced in
 * place by its update, which becomes the newest, and the slot before it holds the next oldest.
 */
function recurse(
  y: Float64Array,
  x0: Float64Array,
  m: number,
  error: number,
  trend: number,
  season: number,
  p: EtsParameters,
  ring: Float64Array,
  residuals?: Float64Array,
  fitted?: Float64Array,
  last?: Float64Array,
): number {
  const { alpha, beta, gamma, phi } = p;
  const n = y.length;
  let l = x0[0]!;
  let b = trend > NONE ? x0[1]! : 0;
  const offset = trend > NONE ? 2 : 1;
  if (season > NONE) for (let j = 0; j < m; j++) ring[j] = x0[offset + j]!;
  // The oldest seasonal state sits just before the newest in the ring.
  let oldIndex = m - 1;
  const betaOverAlpha = beta / alpha;
  const undampedPhi = Math.abs(phi - 1) < TOL;
  let sse = 0;
  let logSum = 0;
  for (let i = 0; i < n; i++) {
    const olds = season > NONE ? ring[oldIndex]! : 0;
    // One-step forecast.
    let f: number;
    if (trend === NONE) f = l;
    else if (trend === ADD) f = l + phi * b;
    else if (b < 0) return NaN;
    else f = l * Math.pow(b, phi);
    if (season === ADD) f += olds;
    else if (season === MULT) f *= olds;
    const yi = y[i]!;
    const e = error === ADD ? yi - f : (yi - f) / f;
    if (residuals) residuals[i] = e;
    if (fitted) fitted[i] = f;
    sse += e * e;
    logSum += Math.log(Math.abs(f));

    // State update (the error-correction form shared by additive and multiplicative errors).
    let q: number;
    let phib: number;
    if (trend === NONE) {
      q = l;
      phib = 0;
    } else if (trend === ADD) {
      phib = phi * b;
      q = l + phib;
    } else if (undampedPhi) {
      phib = b;
      q = l * b;
    } else {
      phib = Math.pow(b, phi);
      q = l * phib;
    }
    let pv: number;
    if (season === NONE) pv = yi;
    else if (season === ADD) pv = yi - olds;
    else pv = Math.abs(olds) < TOL ? HUGEN : yi / olds;
    const newl = q + alpha * (pv - q);
    if (trend > NONE) {
      const r = trend === ADD ? newl - l : Math.abs(l) < TOL ? HUGEN : newl / l;
      b = phib + betaOverAlpha * (r - phib);
    }
    l = newl;
    if (season > NONE) {
      const t = season === ADD ? yi - q : Math.abs(q) < TOL ? HUGEN : yi / q;
      ring[oldIndex] = olds + gamma * (t - olds);
      oldIndex = oldIndex === 0 ? m - 1 : oldIndex - 1;
    }
  }
  if (last) {
    last[0] = l;
    if (trend > NONE) last[1] = b;
    // The newest state is the one after the next oldest.
    const head = (oldIndex + 1) % m;
    if (season > NONE) for (let j = 0; j < m; j++) last[offset + j] = ring[(head + j) % m]!;
  }
  const lik = n * Math.log(sse);
  return error === MULT ? lik + 2 * logSum : lik;
}

/**
 * Whether the parameters give a forecastable model (Hyndman et al. 2008, ch. 10): the bounds on
 * alpha, beta, gamma and phi, and for seasonal models all roots of the characteristic polynomial
 * inside the unit circle (with R's 1e-10 slack).
 */
function admissible(
  alpha: number,
  beta: number,
  gamma: number,
  phi: number,
  m: number,
  hasTrend: boolean,
  hasSeason: boolean,
  roots: RootTracker,
): boolean {
  if (phi < 0 || phi > 1 + 1e-8) return false;
  if (!hasSeason) {
    if (alpha < 1 - 1 / phi || alpha > 1 + 1 / phi) return false;
    if (hasTrend && (beta < alpha * (phi - 1) || beta > (1 + phi) * (2 - alpha))) return false;
    return true;
  }
  if (m <= 1) return true;
  const b = hasTrend ? beta : 0;
  if (gamma < Math.max(1 - 1 / phi - alpha, 0) || gamma > 1 + 1 / phi - alpha) return false;
  if (alpha < 1 - 1 / phi - (gamma * (1 - m + phi + phi * m)) / (2 * phi * m)) return false;
  if (b < -(1 - phi) * (gamma / m + alpha)) return false;
  // φ(1−α−γ) + (α+β−αφ+γ−1) z + (α+β−αφ) z² + … + (α+β−αφ) z^(m−1) + (α+β−φ) z^m + z^(m+1).
  // Without a trend z = 1 is always a root, so the test needs the roots themselves.
  const poly = new Float64Array(m + 2);
  poly[0] = phi * (1 - alpha - gamma);
  poly[1] = alpha + b - alpha * phi + gamma - 1;
  for (let i = 2; i < m; i++) poly[i] = alpha + b - alpha * phi;
  poly[m] = alpha + b - phi;
  poly[m + 1] = 1;
  return roots.maxModulus(poly) <= 1 + 1e-10;
}

interface FreeParameters {
  alpha: boolean;
  beta: boolean;
  gamma: boolean;
  phi: boolean;
}

interface Fixed {
  alpha?: number;
  beta?: number;
  gamma?: number;
  phi?: number;
}

/** A fitted ETS model: everything needed to forecast, plus fit statistics. */
export interface EtsFit {
  readonly spec: EtsSpec;
  readonly period: number;
  readonly parameters: EtsParameters;
  /** Initial state as estimated: level, trend, the m seasonal states newest first. */
  readonly initialState: Float64Array;
  /** State after the last observation, same layout. */
  readonly lastState: Float64Array;
  readonly loglik: number;
  readonly aic: number;
  readonly aicc: number;
  readonly bic: number;
  readonly sigma2: number;
  readonly residuals: Float64Array;
  readonly fitted: Float64Array;
  /** Number of estimated quantities (smoothing parameters and free initial states). */
  readonly estimated: number;
}

/** R's classical decomposition seasonal figure (stats::decompose), aligned with y[0]. */
function decomposeFigure(y: Float64Array, m: number, multiplicative: boolean): Float64Array {
  const n = y.length;
  const weights = new Float64Array(m % 2 === 0 ? m + 1 : m);
  if (m % 2 === 0) {
    weights.fill(1 / m);
    weights[0] = 0.5 / m;
    weights[m] = 0.5 / m;
  } else weights.fill(1 / m);
  const half = (weights.length - 1) / 2;
  const sums = new Float64Array(m);
  const counts = new Float64Array(m);
  for (let t = half; t < n - half; t++) {
    let trend = 0;
    for (let k = 0; k < weights.length; k++) trend += weights[k]! * y[t - half + k]!;
    const detrended = multiplicative ? y[t]! / trend : y[t]! - trend;
    sums[t % m] = sums[t % m]! + detrended;
    counts[t % m] = counts[t % m]! + 1;
  }
  const figure = new Float64Array(m);
  let total = 0;
  for (let i = 0; i < m; i++) {
    figure[i] = sums[i]! / counts[i]!;
    total += figure[i]!;
  }
  const average = total / m;
  for (let i = 0; i < m; i++)
    figure[i] = multiplicative ? figure[i]! / average : figure[i]! - average;
  return figure;
}

/**
 * R's `initstate`: seasonal states from a classical decomposition (or, with under three seasons
 * of data, from a regression on a trend and one Fourier pair), then level and trend from a line
 * fitted to the first max(10, 2m) seasonally adjusted values.
 */
function initialStates(y: Float64Array, spec: EtsSpec, m: number): Float64Array {
  const n = y.length;
  const out: number[] = [];
  let adjusted = y;
  let seasons: number[] = [];
  if (spec.season !== 'N') {
    if (n < 4) {
      throw new TrainingError('invalid-input', 'ETS needs at least 4 values.', 'series');
    }
    const seasonal = new Float64Array(n);
    if (n < 3 * m) {
      const hasSine = m !== 2;
      const cols = hasSine ? 4 : 3;
      const design = new Float64Array(n * cols);
      for (let t = 0; t < n; t++) {
        const time = t + 1;
        design[t * cols] = 1;
        design[t * cols + 1] = time;
        if (hasSine) design[t * cols + 2] = Math.sin((2 * Math.PI * time) / m);
        design[t * cols + cols - 1] = Math.cos((2 * Math.PI * time) / m);
      }
      const { coefficients } = leastSquares(design, y, n, cols);
      for (let t = 0; t < n; t++) {
        const line = coefficients[0]! + coefficients[1]! * (t + 1);
        seasonal[t] = spec.season === 'A' ? y[t]! - line : y[t]! / line;
      }
    } else {
      const figure = decomposeFigure(y, m, spec.season === 'M');
      for (let t = 0; t < n; t++) seasonal[t] = figure[t % m]!;
    }
    // Newest first: the states at time 0 are the seasonal values of times m−1, …, 1 (0-based).
    for (let j = m - 1; j >= 1; j--) seasons.push(seasonal[j]!);
    adjusted = new Float64Array(n);
    if (spec.season === 'A') {
      for (let t = 0; t < n; t++) adjusted[t] = y[t]! - seasonal[t]!;
    } else {
      seasons = seasons.map((s) => Math.max(s, 0.01));
      const sum = seasons.reduce((a, b) => a + b, 0);
      if (sum > m) {
        const scale = seasons.reduce((a, b) => a + b + 0.01, 0);
        seasons = seasons.map((s) => s / scale);
      }
      for (let t = 0; t < n; t++) adjusted[t] = y[t]! / Math.max(seasonal[t]!, 0.01);
    }
  }
  const period = spec.season !== 'N' ? m : 1;
  const maxn = Math.min(Math.max(10, 2 * period), n);
  if (spec.trend === 'N') {
    let sum = 0;
    for (let t = 0; t < maxn; t++) sum += adjusted[t]!;
    out.push(sum / maxn);
  } else {
    // lsfit(1:maxn, y): intercept at time 0 and slope.
    let tMean = 0;
    let yMean = 0;
    for (let t = 0; t < maxn; t++) {
      tMean += t + 1;
      yMean += adjusted[t]!;
    }
    tMean /= maxn;
    yMean /= maxn;
    let sxy = 0;
    let sxx = 0;
    for (let t = 0; t < maxn; t++) {
      sxy += (t + 1 - tMean) * (adjusted[t]! - yMean);
      sxx += (t + 1 - tMean) ** 2;
    }
    const slope = sxy / sxx;
    const intercept = yMean - slope * tMean;
    if (spec.trend === 'A') {
      let l0 = intercept;
      let b0 = slope;
      if (Math.abs(l0 + b0) < 1e-8) {
        l0 *= 1 + 1e-3;
        b0 *= 1 - 1e-3;
      }
      out.push(l0, b0);
    } else {
      let l0 = intercept + slope;
      if (Math.abs(l0) < 1e-8) l0 = 1e-7;
      let b0 = (intercept + 2 * slope) / l0;
      l0 /= b0;
      if (Math.abs(b0) > 1e10) b0 = Math.sign(b0) * 1e10;
      if (l0 < 1e-8 || b0 < 1e-8) {
        l0 = Math.max(adjusted[0]!, 1e-3);
        b0 = Math.max(adjusted[1]! / adjusted[0]!, 1e-3);
      }
      out.push(l0, b0);
    }
  }
  return Float64Array.from([...out, ...seasons]);
}

/** The full state from the free one: the last seasonal state makes the seasons sum to 0 (or m). */
function completeState(
  free: ArrayLike<number>,
  spec: EtsSpec,
  m: number,
  full = new Float64Array(free.length + (spec.season === 'N' ? 0 : 1)),
): Float64Array {
  const count = free.length;
  if (spec.season === 'N') {
    for (let i = 0; i < count; i++) full[i] = free[i]!;
    return full;
  }
  let sum = 0;
  const first = spec.trend !== 'N' ? 2 : 1;
  for (let i = 0; i < count; i++) {
    full[i] = free[i]!;
    if (i >= first) sum += free[i]!;
  }
  full[count] = (spec.season === 'M' ? m : 0) - sum;
  return full;
}

/**
 * R's `etsmodel`: one ETS model fitted by maximum likelihood. Returns null when the model has as
 * many parameters as the data allow (R reports an infinite AIC then). Throws when the likelihood
 * cannot be evaluated at the starting values.
 */
export function fitEtsModel(
  y: Float64Array,
  spec: EtsSpec,
  period: number,
  fixed: Fixed = {},
): EtsFit | null {
  const m = spec.season !== 'N' ? period : 1;
  const lower: number[] = [...LOWER];
  const upper: number[] = [...UPPER];
  if (fixed.alpha !== undefined) {
    upper[1] = Math.min(fixed.alpha, upper[1]!);
    upper[2] = Math.min(1 - fixed.alpha, upper[2]!);
  }
  if (fixed.beta !== undefined) lower[0] = Math.max(fixed.beta, lower[0]!);
  if (fixed.gamma !== undefined) upper[0] = Math.min(1 - fixed.gamma, upper[0]!);

  // initparam
  const free: FreeParameters = {
    alpha: fixed.alpha === undefined,
    beta: spec.trend !== 'N' && fixed.beta === undefined,
    gamma: spec.season !== 'N' && fixed.gamma === undefined,
    phi: spec.damped && fixed.phi === undefined,
  };
  const start: number[] = [];
  let alpha = fixed.alpha ?? lower[0]! + (0.2 * (upper[0]! - lower[0]!)) / m;
  if (free.alpha) {
    if (alpha > 1 || alpha < 0) alpha = lower[0]! + 2e-3;
    start.push(alpha);
  }
  let beta = fixed.beta ?? 0;
  if (free.beta) {
    const betaUpper = Math.min(upper[1]!, alpha);
    beta = lower[1]! + 0.1 * (betaUpper - lower[1]!);
    if (beta < 0 || beta > alpha) beta = alpha - 1e-3;
    start.push(beta);
  }
  let gamma = fixed.gamma ?? 0;
  if (free.gamma) {
    const gammaUpper = Math.min(upper[2]!, 1 - alpha);
    gamma = lower[2]! + 0.05 * (gammaUpper - lower[2]!);
    if (gamma < 0 || gamma > 1 - alpha) gamma = 1 - alpha - 1e-3;
    start.push(gamma);
  }
  let phi = fixed.phi ?? 1;
  if (free.phi) {
    phi = lower[3]! + 0.99 * (upper[3]! - lower[3]!);
    if (phi < 0 || phi > 1) phi = upper[3]! - 1e-3;
    start.push(phi);
  }
  if (!spec.damped) phi = 1;
  const hasTrend = spec.trend !== 'N';
  const hasSeason = spec.season !== 'N';
  const givenGamma = fixed.gamma !== undefined;
  const roots = new RootTracker();
  const withinBounds = (a: number, b: number, g: number, p: number) => {
    if (free.alpha && (a < lower[0]! || a > upper[0]!)) return false;
    if (free.beta && (b < lower[1]! || b > a || b > upper[1]!)) return false;
    if (free.phi && (p < lower[3]! || p > upper[3]!)) return false;
    if (free.gamma && (g < lower[2]! || g > 1 - a || g > upper[2]!)) return false;
    return admissible(a, b, g, p, m, hasTrend, hasSeason && (free.gamma || givenGamma), roots);
  };
  if (!withinBounds(alpha, beta, gamma, phi)) {
    throw new TrainingError(
      'invalid-params',
      `The fixed smoothing parameters of ${etsLabel(spec)} are outside the admissible region.`,
      'params',
    );
  }

  const init = initialStates(y, spec, m);
  const nstate = init.length;
  const par = Float64Array.from([...start, ...init]);
  const np = par.length;
  if (np >= y.length - 1) return null;

  const error = code(spec.error);
  const trend = code(spec.trend);
  const season = code(spec.season);
  const ring = new Float64Array(Math.max(m, 1));
  const nfree = start.length;
  const firstSeason = hasTrend ? 2 : 1;
  const stateBuffer = new Float64Array(nstate + (hasSeason ? 1 : 0));
  const objective = (x: Float64Array): number => {
    let j = 0;
    const a = free.alpha ? x[j++]! : alpha;
    const b = free.beta ? x[j++]! : beta;
    const g = free.gamma ? x[j++]! : gamma;
    const p = free.phi ? x[j++]! : phi;
    if (!withinBounds(a, b, g, p)) return Infinity;
    const state = completeState(x.subarray(nfree), spec, m, stateBuffer);
    if (season === MULT) {
      for (let i = firstSeason; i < state.length; i++) if (state[i]! < 0) return Infinity;
    }
    let lik = recurse(
      y,
      state,
      m,
      error,
      trend,
      season,
      { alpha: a, beta: b, gamma: g, phi: p },
      ring,
    );
    if (lik < -1e10) lik = -1e10;
    return Number.isNaN(lik) ? Infinity : lik;
  };
  const best = nelderMead(objective, par, {
    abstol: -Infinity,
    reltol: Math.sqrt(Number.EPSILON),
    alpha: 1,
    beta: 0.5,
    gamma: 2,
    maxit: 2000,
  });
  const x = best.x;
  let j = 0;
  const parameters: EtsParameters = {
    alpha: free.alpha ? x[j++]! : alpha,
    beta: free.beta ? x[j++]! : beta,
    gamma: free.gamma ? x[j++]! : gamma,
    phi: free.phi ? x[j++]! : phi,
  };
  const initialState = completeState(x.subarray(nfree, nfree + nstate), spec, m);
  const n = y.length;
  const residuals = new Float64Array(n);
  const fitted = new Float64Array(n);
  const lastState = new Float64Array(initialState.length);
  const lik = recurse(
    y,
    initialState,
    m,
    error,
    trend,
    season,
    parameters,
    ring,
    residuals,
    fitted,
    lastState,
  );
  if (!Number.isFinite(lik)) return null;
  const k = np + 1;
  const aic = lik + 2 * k;
  const fixedCount =
    (fixed.alpha !== undefined ? 1 : 0) +
    (hasTrend && fixed.beta !== undefined ? 1 : 0) +
    (hasSeason && fixed.gamma !== undefined ? 1 : 0) +
    (spec.damped && fixed.phi !== undefined ? 1 : 0);
  let sse = 0;
  for (let i = 0; i < n; i++) sse += residuals[i]! ** 2;
  return {
    spec,
    period: m,
    parameters,
    initialState,
    lastState,
    loglik: -0.5 * lik,
    aic,
    bic: lik + Math.log(n) * k,
    aicc: aic + (2 * k * (k + 1)) / (n - k - 1),
    sigma2: sse / (n - (np + fixedCount)),
    residuals,
    fitted,
    estimated: np,
  };
}

export interface EtsSelectOptions {
  readonly model?: string;
  readonly damped?: boolean;
  readonly fixed?: Fixed;
  readonly additiveOnly?: boolean;
  readonly allowMultiplicativeTrend?: boolean;
  readonly ic?: 'aicc' | 'aic' | 'bic';
  readonly signal?: AbortSignal;
  readonly onCandidate?: (label: string, ic: number) => void;
}

function parseModel(model: string): [string, string, string] {
  const text = model.toUpperCase();
  const [e = '', t = '', s = ''] = text;
  if (!/^[AMZ][NAMZ][NAMZ]$/.test(text)) {
    throw new TrainingError(
      'invalid-params',
      `The ETS model must be three letters (error A/M/Z, trend N/A/M/Z, season N/A/M/Z), got “${model}”.`,
      'model',
    );
  }
  return [e, t, s];
}

/**
 * R's `ets(y, model, damped)`: every allowed combination of the requested components is fitted,
 * and the one with the smallest information criterion wins (the first on ties, in R's order:
 * error A before M, trend N, A, M, season N, A, M, damped before undamped).
 */
export function selectEts(y: Float64Array, period: number, options: EtsSelectOptions = {}): EtsFit {
  const n = y.length;
  const [errorType, trendType, requestedSeason] = parseModel(options.model ?? 'ZZZ');
  let seasonType = requestedSeason;
  const m = Math.max(1, Math.round(period));
  if (m < 1 || n <= m) seasonType = 'N';
  if (m === 1) {
    if (seasonType === 'A' || seasonType === 'M') {
      throw new TrainingError(
        'invalid-params',
        'A seasonal ETS model needs a seasonal period above 1.',
        'model',
      );
    }
    seasonType = 'N';
  }
  if (m > 24) {
    if (seasonType === 'A' || seasonType === 'M') {
      throw new TrainingError(
        'invalid-params',
        `ETS handles seasonal periods up to 24, got ${m}; use a decomposition model instead.`,
        'model',
      );
    }
    seasonType = 'N';
  }
  const additiveOnly = options.additiveOnly ?? false;
  if (
    (errorType === 'A' && (trendType === 'M' || seasonType === 'M')) ||
    (errorType === 'M' && trendType === 'M' && seasonType === 'A') ||
    (additiveOnly && (errorType === 'M' || trendType === 'M' || seasonType === 'M'))
  ) {
    throw new TrainingError(
      'invalid-params',
      `ETS(${errorType},${trendType},${seasonType}) is not an allowed combination.`,
      'model',
    );
  }
  let minimum = Infinity;
  for (let i = 0; i < n; i++) minimum = Math.min(minimum, y[i]!);
  const positive = minimum > 0;
  if (!positive && errorType === 'M') {
    throw new TrainingError(
      'invalid-input',
      'Multiplicative-error ETS needs strictly positive data.',
      'model',
    );
  }
  if (options.damped && trendType === 'N') {
    throw new TrainingError('invalid-params', 'A damped ETS model needs a trend.', 'damped');
  }
  let npars = 2;
  if (trendType === 'A' || trendType === 'M') npars += 2;
  if (seasonType === 'A' || seasonType === 'M') npars += m;
  if (options.damped !== undefined) npars += options.damped ? 1 : 0;
  if (n <= npars + 4) {
    throw new TrainingError(
      'invalid-input',
      `The series has ${n} values, too few for ETS(${errorType},${trendType},${seasonType}) (more than ${npars + 4} needed).`,
      'series',
    );
  }

  const errors: EtsError[] = errorType === 'Z' ? ['A', 'M'] : [errorType as EtsError];
  const trends: EtsTrend[] =
    trendType === 'Z'
      ? options.allowMultiplicativeTrend
        ? ['N', 'A', 'M']
        : ['N', 'A']
      : [trendType as EtsTrend];
  const seasons: EtsSeason[] = seasonType === 'Z' ? ['N', 'A', 'M'] : [seasonType as EtsSeason];
  const dampings = options.damped === undefined ? [true, false] : [options.damped];
  const ic = options.ic ?? 'aicc';
  let best: EtsFit | null = null;
  let bestIc = Infinity;
  let lastFailure: unknown;
  for (const error of errors) {
    for (const trend of trends) {
      for (const season of seasons) {
        for (const damped of dampings) {
          if (trend === 'N' && damped) continue;
          if (error === 'A' && (trend === 'M' || season === 'M')) continue;
          if (error === 'M' && trend === 'M' && season === 'A') continue;
          if (additiveOnly && (error === 'M' || trend === 'M' || season === 'M')) continue;
          if (!positive && error === 'M') continue;
          checkCancelled(options.signal);
          const spec: EtsSpec = { error, trend, season, damped };
          let fit: EtsFit | null = null;
          try {
            fit = fitEtsModel(y, spec, m, options.fixed);
          } catch (failure) {
            if (failure instanceof TrainingError && failure.kind === 'cancelled') throw failure;
            lastFailure = failure;
          }
          const value = fit ? fit[ic] : Infinity;
          options.onCandidate?.(etsLabel(spec), value);
          if (fit && value < bestIc) {
            best = fit;
            bestIc = value;
          }
        }
      }
    }
  }
  if (!best) {
    const reason = lastFailure instanceof Error ? ` (${lastFailure.message})` : '';
    throw new TrainingError(
      'invalid-input',
      `No ETS model could be fitted to the series${reason}.`,
      'series',
    );
  }
  return best;
}

// ---------------------------------------------------------------------------------------------
// Forecasting

interface Moments {
  mean: Float64Array;
  variance: Float64Array;
}

/** Point forecasts from a state, R's `etsforecast` (NaN for a multiplicative trend below 0). */
function pointForecasts(state: Float64Array, spec: EtsSpec, m: number, phi: number, h: number) {
  const f = new Float64Array(h);
  const l = state[0]!;
  const b = spec.trend !== 'N' ? state[1]! : 0;
  const offset = spec.trend !== 'N' ? 2 : 1;
  let phistar = phi;
  for (let i = 0; i < h; i++) {
    let value: number;
    if (spec.trend === 'N') value = l;
    else if (spec.trend === 'A') value = l + phistar * b;
    else value = b < 0 ? NaN : l * Math.pow(b, phistar);
    let j = m - 1 - i;
    while (j < 0) j += m;
    if (spec.season === 'A') value += state[offset + j]!;
    else if (spec.season === 'M') value *= state[offset + j]!;
    f[i] = value;
    if (i < h - 1) phistar += Math.abs(phi - 1) < TOL ? 1 : Math.pow(phi, i + 1);
  }
  return f;
}

/**
 * Linear (class 1) models: mean and variance from the state space matrices, var_h =
 * σ²(1 + Σ_{j<h} c_j²) with c_j = H F^(j−1) G. Also returns the c_j for class 2.
 *
 * The seasonal smoothing weight sits on the newest seasonal state. (forecast 8.20's `class1` puts
 * it on the state after that when the model has no trend, which shifts the seasonal variance
 * increments one step early for ETS(A,N,A); the test fixtures carry the corrected values.)
 */
function class1(
  state: Float64Array,
  spec: EtsSpec,
  m: number,
  p: EtsParameters,
  sigma2: number,
  h: number,
) {
  const size = state.length;
  const hasTrend = spec.trend === 'A';
  const hasSeason = spec.season === 'A';
  const phi = spec.damped ? p.phi : 1;
  const H = new Float64Array(size);
  H[0] = 1;
  if (hasSeason) H[size - 1] = 1;
  if (hasTrend) H[1] = phi;
  const G = new Float64Array(size);
  G[0] = p.alpha;
  if (hasTrend) G[1] = p.beta;
  if (hasSeason) G[size - m] = p.gamma;
  // Apply F to a vector: level += phi·b, b *= phi, seasons rotate (newest ← oldest).
  const applyF = (v: Float64Array) => {
    const out = new Float64Array(size);
    out[0] = v[0]! + (hasTrend ? phi * v[1]! : 0);
    if (hasTrend) out[1] = phi * v[1]!;
    if (hasSeason) {
      const first = size - m;
      out[first] = v[size - 1]!;
      for (let i = first + 1; i < size; i++) out[i] = v[i - 1]!;
    }
    return out;
  };
  const dot = (a: Float64Array, b: Float64Array) => {
    let s = 0;
    for (let i = 0; i < size; i++) s += a[i]! * b[i]!;
    return s;
  };
  const mean = new Float64Array(h);
  const variance = new Float64Array(h);
  const c = new Float64Array(Math.max(h - 1, 0));
  let x = Float64Array.from(state);
  let g = Float64Array.from(G);
  let cumulative = 0;
  for (let i = 0; i < h; i++) {
    mean[i] = dot(H, x);
    variance[i] = sigma2 * (1 + cumulative);
    if (i < h - 1) {
      c[i] = dot(H, g);
      cumulative += c[i]! ** 2;
      x = applyF(x);
      g = applyF(g);
    }
  }
  return { mean, variance, c };
}

/** Multiplicative errors with additive trend and season (class 2), Hyndman et al. (2008) §6.4. */
function class2(
  state: Float64Array,
  spec: EtsSpec,
  m: number,
  p: EtsParameters,
  sigma2: number,
  h: number,
): Moments {
  const { mean, c } = class1(state, spec, m, p, sigma2, h);
  const theta = new Float64Array(h);
  theta[0] = mean[0]! ** 2;
  for (let j = 1; j < h; j++) {
    let s = 0;
    for (let i = 0; i < j; i++) s += c[i]! ** 2 * theta[j - 1 - i]!;
    theta[j] = mean[j]! ** 2 + sigma2 * s;
  }
  const variance = new Float64Array(h);
  for (let j = 0; j < h; j++) variance[j] = (1 + sigma2) * theta[j]! - mean[j]! ** 2;
  return { mean, variance };
}

/** Dense row-major helpers for class 3. */
function matmul(a: Float64Array, b: Float64Array, n: number, k: number, m: number): Float64Array {
  const out = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let q = 0; q < k; q++) {
      const aiq = a[i * k + q]!;
      if (aiq === 0) continue;
      for (let j = 0; j < m; j++) out[i * m + j] = out[i * m + j]! + aiq * b[q * m + j]!;
    }
  }
  return out;
}

function transpose(a: Float64Array, n: number, m: number): Float64Array {
  const out = new Float64Array(n * m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) out[j * n + i] = a[i * m + j]!;
  return out;
}

function kron(a: Float64Array, ar: number, ac: number, b: Float64Array, br: number, bc: number) {
  const cols = ac * bc;
  const out = new Float64Array(ar * br * cols);
  for (let i = 0; i < ar; i++)
    for (let j = 0; j < ac; j++) {
      const aij = a[i * ac + j]!;
      if (aij === 0) continue;
      for (let k = 0; k < br; k++)
        for (let l = 0; l < bc; l++) out[(i * br + k) * cols + j * bc + l] = aij * b[k * bc + l]!;
    }
  return out;
}

/**
 * Multiplicative errors and season with a non-multiplicative trend (class 3): the exact first two
 * moments from the recursions on M_h = E[x_h s_hᵀ] and V_h = Var(vec M_h), Hyndman et al. (2008)
 * §6.5, as R's `class3` computes them. With a damped trend the level sees l + φb, so φ enters H1,
 * F1 and G1 (R's `class3` uses the undamped matrices, which moves its damped forecasts by about
 * (1 − φ)·b/l relatively, well under 0.1% on typical data).
 */
function class3(
  state: Float64Array,
  spec: EtsSpec,
  m: number,
  p: EtsParameters,
  sigma2: number,
  h: number,
): Moments {
  const size = state.length;
  const t = spec.trend === 'N' ? 1 : 2;
  const phi = spec.damped ? p.phi : 1;
  const H1 = t === 1 ? Float64Array.of(1) : Float64Array.of(1, phi);
  const H2 = new Float64Array(m);
  H2[m - 1] = 1;
  const F1 = t === 1 ? Float64Array.of(1) : Float64Array.of(1, phi, 0, phi);
  const G1 =
    t === 1
      ? Float64Array.of(p.alpha)
      : Float64Array.of(p.alpha, p.alpha * phi, p.beta, p.beta * phi);
  const F2 = new Float64Array(m * m);
  F2[m - 1] = 1;
  for (let i = 1; i < m; i++) F2[i * m + i - 1] = 1;
  const G2 = new Float64Array(m * m);
  G2[m - 1] = p.gamma;
  // Mh = x sᵀ (t × m), with x the level/trend part and s the seasons.
  let Mh = new Float64Array(t * m);
  for (let i = 0; i < t; i++)
    for (let j = 0; j < m; j++) Mh[i * m + j] = state[i]! * state[size - m + j]!;
  const dim = t * m;
  let Vh = new Float64Array(dim * dim);
  const H21 = kron(H2, 1, m, H1, 1, t);
  const F21 = kron(F2, m, m, F1, t, t);
  const G21 = kron(G2, m, m, G1, t, t);
  const K = kron(G2, m, m, F1, t, t);
  const K2 = kron(F2, m, m, G1, t, t);
  for (let i = 0; i < K.length; i++) K[i] = K[i]! + K2[i]!;
  const F21t = transpose(F21, dim, dim);
  const G21t = transpose(G21, dim, dim);
  const Kt = transpose(K, dim, dim);
  const F2t = transpose(F2, m, m);
  const G2t = transpose(G2, m, m);
  const mean = new Float64Array(h);
  const variance = new Float64Array(h);
  const quad = (v: Float64Array, a: Float64Array, at: Float64Array) =>
    matmul(matmul(a, v, dim, dim, dim), at, dim, dim, dim);
  for (let i = 0; i < h; i++) {
    // mu = H1 Mh H2ᵀ
    let mu = 0;
    for (let a = 0; a < t; a++) mu += H1[a]! * Mh[a * m + m - 1]!;
    mean[i] = mu;
    let hv = 0;
    for (let a = 0; a < dim; a++) {
      if (H21[a] === 0) continue;
      for (let b = 0; b < dim; b++) hv += H21[a]! * Vh[a * dim + b]! * H21[b]!;
    }
    variance[i] = (1 + sigma2) * hv + sigma2 * mu * mu;
    // vec(Mh) stacks columns: element (row a, col j) at j·t + a.
    const vec = new Float64Array(dim);
    for (let a = 0; a < t; a++) for (let j = 0; j < m; j++) vec[j * t + a] = Mh[a * m + j]!;
    const outer = new Float64Array(dim * dim);
    for (let a = 0; a < dim; a++)
      for (let b = 0; b < dim; b++) outer[a * dim + b] = vec[a]! * vec[b]!;
    const vPlusOuter = new Float64Array(dim * dim);
    const threeV = new Float64Array(dim * dim);
    for (let a = 0; a < dim * dim; a++) {
      vPlusOuter[a] = Vh[a]! + outer[a]!;
      threeV[a] = 3 * Vh[a]! + 2 * outer[a]!;
    }
    const first = quad(Vh, F21, F21t);
    const cross1 = matmul(matmul(F21, Vh, dim, dim, dim), G21t, dim, dim, dim);
    const cross2 = matmul(matmul(G21, Vh, dim, dim, dim), F21t, dim, dim, dim);
    const kTerm = quad(vPlusOuter, K, Kt);
    const gTerm = quad(threeV, G21, G21t);
    const next = new Float64Array(dim * dim);
    for (let a = 0; a < dim * dim; a++) {
      next[a] = first[a]! + sigma2 * (cross1[a]! + cross2[a]! + kTerm[a]! + sigma2 * gTerm[a]!);
    }
    Vh = next;
    const a1 = matmul(matmul(F1, Mh, t, t, m), F2t, t, m, m);
    const a2 = matmul(matmul(G1, Mh, t, t, m), G2t, t, m, m);
    const nextM = new Float64Array(t * m);
    for (let a = 0; a < t * m; a++) nextM[a] = a1[a]! + a2[a]! * sigma2;
    Mh = nextM;
  }
  return { mean, variance };
}

/** R's quantile type 8 (median-unbiased) of sorted values. */
function quantileType8(sorted: Float64Array, prob: number): number {
  const n = sorted.length;
  const fuzz = 4 * Number.EPSILON;
  const nppm = 1 / 3 + prob * (n + 1 / 3);
  const j = Math.floor(nppm + fuzz);
  let h = nppm - j;
  if (Math.abs(h) < fuzz) h = 0;
  const at = (k: number) => sorted[Math.min(Math.max(k, 1), n) - 1]!;
  const low = at(j);
  const high = at(j + 1);
  return h === 0 ? low : h === 1 ? high : (1 - h) * low + h * high;
}

/** Simulated sample paths from the last state (R's `simulate.ets` with normal errors). */
function simulatePaths(fit: EtsFitCore, h: number, paths: number, seed: number) {
  const { spec, period: m, parameters: p, lastState, sigma2 } = fit;
  const random = seededRandom(seed);
  const sd = Math.sqrt(sigma2);
  const error = code(spec.error);
  const trend = code(spec.trend);
  const season = code(spec.season);
  const values = new Float64Array(paths * h);
  const ring = new Float64Array(Math.max(m, 1));
  const sample = new Float64Array(1);
  const shocks = new Float64Array(h);
  const state = Float64Array.from(lastState);
  const next = new Float64Array(lastState.length);
  for (let path = 0; path < paths; path++) {
    for (let i = 0; i < h; i++) {
      let e = sd * randomNormal(random);
      if (error === MULT) e = Math.max(-1, e);
      shocks[i] = e;
    }
    state.set(lastState);
    for (let i = 0; i < h; i++) {
      const f = pointForecasts(state, spec, m, spec.damped ? p.phi : 1, 1)[0]!;
      if (Number.isNaN(f)) {
        // A multiplicative trend that turned negative ends the path; quantiles skip it.
        values.fill(NaN, path * h + i, (path + 1) * h);
        break;
      }
      const value = error === ADD ? f + shocks[i]! : f * (1 + shocks[i]!);
      values[path * h + i] = value;
      sample[0] = value;
      recurse(sample, state, m, error, trend, season, p, ring, undefined, undefined, next);
      state.set(next);
    }
  }
  return values;
}

interface EtsFitCore {
  readonly spec: EtsSpec;
  readonly period: number;
  readonly parameters: EtsParameters;
  readonly lastState: Float64Array;
  readonly sigma2: number;
}

/**
 * Forecasts h steps ahead with intervals at `levels`: analytic moments for classes 1–3 (normal
 * intervals around the forecast mean), simulated quantiles around the point forecast for the
 * multiplicative-trend models.
 */
export function forecastEts(
  fit: EtsFitCore,
  h: number,
  levels: readonly number[],
  simulation: { paths: number; seed: number },
): ForecastResult & { variance?: Float64Array } {
  const { spec, period: m, parameters: p, lastState, sigma2 } = fit;
  let moments: Moments | null = null;
  if (spec.trend !== 'M') {
    if (spec.error === 'A' && spec.season !== 'M')
      moments = class1(lastState, spec, m, p, sigma2, h);
    else if (spec.error === 'M' && spec.season !== 'M')
      moments = class2(lastState, spec, m, p, sigma2, h);
    else if (spec.error === 'M' && spec.season === 'M')
      moments = class3(lastState, spec, m, p, sigma2, h);
  }
  if (moments) {
    const { mean, variance } = moments;
    return {
      mean,
      variance,
      intervals: levels.map((level) => {
        const z = normalMultiplier(level);
        const lo = new Float64Array(h);
        const hi = new Float64Array(h);
        for (let i = 0; i < h; i++) {
          const width = Math.sqrt(variance[i]!) * z;
          lo[i] = mean[i]! - width;
          hi[i] = mean[i]! + width;
        }
        return { level, lo, hi };
      }),
    };
  }
  const mean = pointForecasts(lastState, spec, m, spec.damped ? p.phi : 1, h);
  if (Number.isNaN(mean[0]!)) {
    throw new TrainingError(
      'non-finite',
      'The multiplicative trend turned negative; this ETS model cannot forecast.',
    );
  }
  const values = simulatePaths(fit, h, simulation.paths, simulation.seed);
  const column = new Float64Array(simulation.paths);
  const sortedColumns: Float64Array[] = [];
  for (let i = 0; i < h; i++) {
    let count = 0;
    for (let path = 0; path < simulation.paths; path++) {
      const value = values[path * h + i]!;
      if (!Number.isNaN(value)) column[count++] = value;
    }
    sortedColumns.push(column.slice(0, count).sort());
  }
  return {
    mean,
    intervals: levels.map((level) => ({
      level,
      lo: Float64Array.from(sortedColumns, (sorted) => quantileType8(sorted, 0.5 - level / 200)),
      hi: Float64Array.from(sortedColumns, (sorted) => quantileType8(sorted, 0.5 + level / 200)),
    })),
  };
}

// ---------------------------------------------------------------------------------------------
// The Forecaster

const DEFAULT_PATHS = 5000;

class FittedEts implements FittedForecaster {
  readonly model = 'ets';

  constructor(
    private readonly core: EtsFitCore,
    readonly fitted: Float64Array,
    private readonly stats: { loglik: number; aic: number; aicc: number; bic: number } | null,
    private readonly lambda: number | null,
    private readonly biasadj: boolean,
    private readonly simulation: { paths: number; seed: number },
  ) {}

  get label() {
    return withLambda(etsLabel(this.core.spec), this.lambda);
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
    const { spec, parameters: p, sigma2 } = this.core;
    return {
      model: `${spec.error}${spec.trend}${spec.season}`,
      damped: spec.damped,
      alpha: p.alpha,
      ...(spec.trend !== 'N' ? { beta: p.beta } : {}),
      ...(spec.season !== 'N' ? { gamma: p.gamma } : {}),
      ...(spec.damped ? { phi: p.phi } : {}),
      sigma2,
      ...(this.stats ? { loglik: this.stats.loglik } : {}),
      ...(this.lambda !== null ? { lambda: this.lambda, biasadj: this.biasadj } : {}),
    };
  }

  forecast(h: number, levels: readonly number[] = DEFAULT_LEVELS): ForecastResult {
    checkHorizon(h);
    checkLevels(levels);
    const result = forecastEts(this.core, h, levels, this.simulation);
    const lambda = this.lambda;
    if (lambda === null) return { mean: result.mean, intervals: result.intervals };
    const variance = result.variance;
    return {
      mean: result.mean.map((value, i) =>
        invBoxCox(value, lambda, this.biasadj && variance ? variance[i] : undefined),
      ),
      intervals: result.intervals.map(({ level, lo, hi }) => ({
        level,
        lo: lo.map((value) => invBoxCox(value, lambda)),
        hi: hi.map((value) => invBoxCox(value, lambda)),
      })),
    };
  }

  toJSON(): ForecasterJSON {
    const { spec, period, parameters, lastState, sigma2 } = this.core;
    return {
      model: 'ets',
      error: spec.error,
      trend: spec.trend,
      season: spec.season,
      damped: spec.damped,
      period,
      alpha: parameters.alpha,
      beta: parameters.beta,
      gamma: parameters.gamma,
      phi: parameters.phi,
      lastState: toNumbers(lastState),
      sigma2,
      lambda: this.lambda,
      biasadj: this.biasadj,
      paths: this.simulation.paths,
      seed: this.simulation.seed,
    };
  }

  static restore(json: ForecasterJSON): FittedEts {
    const letter = <T extends string>(field: string, allowed: readonly T[]): T => {
      const value = json[field];
      if (typeof value !== 'string' || !allowed.includes(value as T)) {
        throw new TrainingError(
          'invalid-input',
          `The saved ETS model has an invalid “${field}”.`,
          field,
        );
      }
      return value as T;
    };
    const spec: EtsSpec = {
      error: letter('error', ['A', 'M'] as const),
      trend: letter('trend', ['N', 'A', 'M'] as const),
      season: letter('season', ['N', 'A', 'M'] as const),
      damped: json.damped === true,
    };
    const period = numberField(json, 'period');
    const lastState = numbersField(json, 'lastState');
    const expected = 1 + (spec.trend !== 'N' ? 1 : 0) + (spec.season !== 'N' ? period : 0);
    if (lastState.length !== expected) {
      throw new TrainingError(
        'invalid-input',
        `The saved ETS model's state has ${lastState.length} values; ${etsLabel(spec)} needs ${expected}.`,
        'lastState',
      );
    }
    const lambda =
      json.lambda === null || json.lambda === undefined ? null : numberField(json, 'lambda');
    return new FittedEts(
      {
        spec,
        period,
        parameters: {
          alpha: numberField(json, 'alpha'),
          beta: numberField(json, 'beta'),
          gamma: numberField(json, 'gamma'),
          phi: numberField(json, 'phi'),
        },
        lastState,
        sigma2: numberField(json, 'sigma2'),
      },
      new Float64Array(0),
      null,
      lambda,
      json.biasadj === true,
      {
        paths: typeof json.paths === 'number' ? json.paths : DEFAULT_PATHS,
        seed: typeof json.seed === 'number' ? json.seed : 1,
      },
    );
  }
}

function readParams(params: Readonly<Record<string, unknown>> | undefined): EtsParams {
  const p = (params ?? {}) as Record<string, unknown>;
  const optionalNumber = (key: string, low: number, high: number) => {
    const value = p[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !(value >= low && value <= high)) {
      throw new TrainingError(
        'invalid-params',
        `ETS parameter “${key}” must be a number in [${low}, ${high}], got ${String(value)}.`,
        key,
      );
    }
    return value;
  };
  const optionalBoolean = (key: string) => {
    const value = p[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') {
      throw new TrainingError(
        'invalid-params',
        `ETS parameter “${key}” must be true or false.`,
        key,
      );
    }
    return value;
  };
  const model = p.model ?? 'ZZZ';
  if (typeof model !== 'string') {
    throw new TrainingError(
      'invalid-params',
      'The ETS model must be a string such as "MAM".',
      'model',
    );
  }
  const ic = p.ic ?? 'aicc';
  if (ic !== 'aicc' && ic !== 'aic' && ic !== 'bic') {
    throw new TrainingError(
      'invalid-params',
      `ETS “ic” must be aicc, aic or bic, got ${String(ic)}.`,
      'ic',
    );
  }
  const lambda = p.lambda === 'auto' ? 'auto' : optionalNumber('lambda', -5, 5);
  const paths = optionalNumber('paths', 100, 1e6);
  return {
    model,
    damped: optionalBoolean('damped'),
    alpha: optionalNumber('alpha', 0, 1),
    beta: optionalNumber('beta', 0, 1),
    gamma: optionalNumber('gamma', 0, 1),
    phi: optionalNumber('phi', 0, 1),
    additiveOnly: optionalBoolean('additiveOnly'),
    allowMultiplicativeTrend: optionalBoolean('allowMultiplicativeTrend'),
    ic,
    lambda,
    biasadj: optionalBoolean('biasadj'),
    paths: paths === undefined ? undefined : Math.round(paths),
  };
}

function checkSeries(y: Float64Array): void {
  for (let i = 0; i < y.length; i++) {
    if (!Number.isFinite(y[i]!)) {
      throw new TrainingError(
        'non-finite',
        `The series has a missing or non-finite value at position ${i + 1}; fill it before fitting.`,
        'series',
      );
    }
  }
}

/** Whether all values equal the first, to R's `all.equal` tolerance. */
export function isConstant(y: ArrayLike<number>): boolean {
  const first = y[0]!;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < y.length; i++) {
    diff += Math.abs(y[i]! - first);
    scale += Math.abs(y[i]!);
  }
  return scale > 1.5e-8 * y.length ? diff / scale < 1.5e-8 : diff < 1.5e-8 * y.length;
}

/** Fits ETS to a series (selecting the model unless fixed), R's `ets()` with its defaults. */
export function fitEts(
  y: Float64Array,
  options: ForecastFitOptions,
  params?: Readonly<Record<string, unknown>>,
): FittedForecaster {
  checkSeries(y);
  const settings = readParams(params);
  const period = Math.max(1, Math.round(options.period));
  const simulation = { paths: settings.paths ?? DEFAULT_PATHS, seed: options.seed ?? 1 };
  if (y.length < 7) {
    throw new TrainingError(
      'invalid-input',
      `ETS needs at least 7 values; the series has ${y.length}.`,
      'series',
    );
  }
  if ((settings.model ?? 'ZZZ').toUpperCase() === 'ZZZ' && isConstant(y)) {
    // R fits simple exponential smoothing with alpha ≈ 1 to constant data.
    const core: EtsFitCore = {
      spec: { error: 'A', trend: 'N', season: 'N', damped: false },
      period: 1,
      parameters: { alpha: 0.99999, beta: 0, gamma: 0, phi: 1 },
      lastState: Float64Array.of(y[y.length - 1]!),
      sigma2: 0,
    };
    return new FittedEts(core, Float64Array.from(y), null, null, false, simulation);
  }
  let lambda: number | null = null;
  let series = y;
  if (settings.lambda !== undefined) {
    lambda = settings.lambda === 'auto' ? boxCoxLambda(y, period, -0.9) : settings.lambda;
    series = boxCox(y, lambda);
    checkSeries(series);
  }
  const fit = selectEts(series, period, {
    model: settings.model,
    damped: settings.damped,
    fixed: { alpha: settings.alpha, beta: settings.beta, gamma: settings.gamma, phi: settings.phi },
    additiveOnly: (settings.additiveOnly ?? false) || lambda !== null,
    allowMultiplicativeTrend: settings.allowMultiplicativeTrend,
    ic: settings.ic,
    signal: options.signal,
  });
  const biasadj = settings.biasadj ?? false;
  let fitted = fit.fitted;
  if (lambda !== null) {
    const l = lambda;
    fitted = fitted.map((value) => invBoxCox(value, l, biasadj ? fit.sigma2 : undefined));
  }
  return new FittedEts(fit, fitted, fit, lambda, biasadj, simulation);
}

export const ets: Forecaster = {
  name: 'ets',
  label: 'Exponential smoothing (ETS)',
  minLength: () => 7,
  fit: fitEts,
  restore: (json) => FittedEts.restore(json),
};
