import { TrainingError } from '../errors/training-error';
import {
  checkHorizon,
  checkLevels,
  DEFAULT_LEVELS,
  numberField,
  numbersField,
  toNumbers,
} from './intervals';
import { sortedQuantile } from './stats';
import type {
  FittedForecaster,
  ForecastFitOptions,
  Forecaster,
  ForecasterJSON,
  ForecastResult,
} from './types';

/**
 * Croston's method for intermittent demand (many periods without any): exponential smoothing of
 * the sizes of the non-zero demands and, separately, of the intervals between them; the forecast
 * is their ratio, the demand per period, flat over the horizon. The Syntetos–Boylan
 * approximation (`sba`, the default) multiplies it by 1 − α/2 for the interval's smoothing
 * weight α, which removes the method's known upward bias. Each smoothing weight is chosen from
 * 0.05–0.3 by its own one-step squared error, as statsforecast's optimized Croston does (R's
 * `croston` fixes 0.1).
 *
 * Intervals: Croston's method has no model behind it to give them. Demand per period is taken
 * to vary as it did over the recent past: the intervals are the empirical quantiles of the last
 * values (at least 26 periods, or five demand intervals), widened where needed to hold the
 * forecast, so a period without demand stays inside them as often as it was seen. They do not
 * widen with the horizon, as the forecast does not move.
 */

const ALPHAS = [0.05, 0.1, 0.15, 0.2, 0.25, 0.3];
/** The fewest recent periods whose values make the intervals. */
const MIN_WINDOW = 26;

export type CrostonMethod = 'classic' | 'sba';

/** Exponential smoothing of `x` from its first value: the one-step forecasts and the last level. */
function smooth(x: Float64Array, alpha: number): { forecasts: Float64Array; level: number } {
  const forecasts = new Float64Array(x.length);
  let level = x[0]!;
  for (let i = 0; i < x.length; i++) {
    forecasts[i] = level;
    level += alpha * (x[i]! - level);
  }
  return { forecasts, level };
}

/** The smoothing weight whose one-step forecasts of `x` (after its first) err least. */
function bestAlpha(x: Float64Array): number {
  if (x.length < 3) return 0.1;
  let best = ALPHAS[0]!;
  let bestError = Infinity;
  for (const alpha of ALPHAS) {
    const { forecasts } = smooth(x, alpha);
    let error = 0;
    for (let i = 1; i < x.length; i++) error += (x[i]! - forecasts[i]!) ** 2;
    if (error < bestError - 1e-12) {
      bestError = error;
      best = alpha;
    }
  }
  return best;
}

class CrostonForecast implements FittedForecaster {
  readonly model = 'croston';

  constructor(
    readonly method: CrostonMethod,
    /** Demand per period. */
    private readonly rate: number,
    private readonly alphaSize: number,
    private readonly alphaInterval: number,
    /** The recent values the intervals are drawn from, sorted. */
    private readonly recent: Float64Array,
    readonly fitted: Float64Array,
  ) {}

  get label() {
    return this.method === 'sba' ? 'Croston (SBA)' : 'Croston';
  }

  get params() {
    return {
      method: this.method,
      alpha_size: this.alphaSize,
      alpha_interval: this.alphaInterval,
    };
  }

  forecast(h: number, levels: readonly number[] = DEFAULT_LEVELS): ForecastResult {
    checkHorizon(h);
    checkLevels(levels);
    return {
      mean: new Float64Array(h).fill(this.rate),
      intervals: levels.map((level) => {
        const tail = (1 - level / 100) / 2;
        const lo = Math.min(this.rate, sortedQuantile(this.recent, tail));
        const hi = Math.max(this.rate, sortedQuantile(this.recent, 1 - tail));
        return { level, lo: new Float64Array(h).fill(lo), hi: new Float64Array(h).fill(hi) };
      }),
    };
  }

  toJSON(): ForecasterJSON {
    return {
      model: 'croston',
      method: this.method,
      rate: this.rate,
      alphaSize: this.alphaSize,
      alphaInterval: this.alphaInterval,
      recent: toNumbers(this.recent),
    };
  }

  static restore(json: ForecasterJSON): CrostonForecast {
    const method = json.method === 'classic' ? 'classic' : 'sba';
    const recent = numbersField(json, 'recent');
    if (recent.length === 0) {
      throw new TrainingError('invalid-input', 'The saved Croston model has no values.', 'recent');
    }
    return new CrostonForecast(
      method,
      numberField(json, 'rate'),
      numberField(json, 'alphaSize'),
      numberField(json, 'alphaInterval'),
      Float64Array.from(recent).sort(),
      new Float64Array(0),
    );
  }
}

/** The share of values that are exactly zero. */
export function zeroShare(y: ArrayLike<number>): number {
  let zeros = 0;
  for (let i = 0; i < y.length; i++) if (y[i] === 0) zeros++;
  return y.length ? zeros / y.length : 0;
}

/** Fits Croston's method; `alpha` fixes both smoothing weights (R's `croston` uses 0.1). */
export function fitCroston(
  y: Float64Array,
  method: CrostonMethod = 'sba',
  alpha?: number,
): CrostonForecast {
  if (alpha !== undefined && !(alpha > 0 && alpha <= 1)) {
    throw new TrainingError(
      'invalid-params',
      `Croston's smoothing weight must be in (0, 1], got ${alpha}.`,
      'alpha',
    );
  }
  const n = y.length;
  const sizes: number[] = [];
  const intervals: number[] = [];
  let last = -1;
  for (let t = 0; t < n; t++) {
    const value = y[t]!;
    if (value < 0 || !Number.isFinite(value)) {
      throw new TrainingError(
        'invalid-input',
        "Croston's method forecasts demand, which is never negative.",
        'series',
      );
    }
    if (value > 0) {
      sizes.push(value);
      intervals.push(t - last);
      last = t;
    }
  }
  if (sizes.length < 2) {
    throw new TrainingError(
      'invalid-input',
      "Croston's method needs at least two periods with demand.",
      'series',
    );
  }
  const z = Float64Array.from(sizes);
  const p = Float64Array.from(intervals);
  const alphaSize = alpha ?? bestAlpha(z);
  const alphaInterval = alpha ?? bestAlpha(p);
  const correction = method === 'sba' ? 1 - alphaInterval / 2 : 1;
  // In-sample one-step forecasts: the ratio as it stood before each period, from the first
  // demand on. The levels after k demands are the smoothers' forecasts of the k-th value next.
  const sizeSmooth = smooth(z, alphaSize);
  const intervalSmooth = smooth(p, alphaInterval);
  const after = (smoothed: { forecasts: Float64Array; level: number }, k: number) =>
    k < smoothed.forecasts.length ? smoothed.forecasts[k]! : smoothed.level;
  const fitted = new Float64Array(n).fill(NaN);
  for (let t = 0, k = 0; t < n; t++) {
    if (k > 0) fitted[t] = (correction * after(sizeSmooth, k)) / after(intervalSmooth, k);
    if (y[t]! > 0) k++;
  }
  const rate = (correction * sizeSmooth.level) / intervalSmooth.level;
  const meanInterval = (last + 1) / sizes.length;
  const window = Math.min(n, Math.max(MIN_WINDOW, Math.ceil(5 * meanInterval)));
  const recent = y.slice(n - window).sort();
  return new CrostonForecast(method, rate, alphaSize, alphaInterval, recent, fitted);
}

export const croston: Forecaster = {
  name: 'croston',
  label: 'Croston',
  minLength: () => 4,
  fit(y: Float64Array, _options: ForecastFitOptions, params = {}) {
    const alpha = params.alpha === undefined ? undefined : Number(params.alpha);
    return fitCroston(y, params.method === 'classic' ? 'classic' : 'sba', alpha);
  },
  restore: (json) => CrostonForecast.restore(json),
};
