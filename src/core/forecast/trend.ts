import { TrainingError } from '../errors/training-error';
import {
  checkHorizon,
  checkLevels,
  DEFAULT_LEVELS,
  numberField,
  numbersField,
  toNumbers,
} from './intervals';
import { invert } from './optim';
import { studentQuantile } from './stats';
import type { FittedForecaster, Forecaster, ForecasterJSON, ForecastResult } from './types';

/**
 * Regression on time, forecast::tslm(y ~ trend) — with `+ season` (a dummy for every position in
 * the cycle but the first) when the series is seasonal — forecast with forecast.lm's Student-t
 * prediction intervals, which count the uncertainty of the coefficients as well as the noise.
 * The right model for a deterministic trend, which smoothing methods chase with a lag.
 */
class TrendForecast implements FittedForecaster {
  readonly model = 'trend';

  constructor(
    private readonly coefficients: Float64Array,
    /** (XᵀX)⁻¹, row-major. */
    private readonly unscaled: Float64Array,
    private readonly sigma2: number,
    private readonly n: number,
    /** The period of the seasonal dummies; 1 without them. */
    private readonly period: number,
    readonly fitted: Float64Array,
  ) {}

  get label() {
    return this.period > 1 ? 'Linear trend + season' : 'Linear trend';
  }

  get params() {
    return {
      season: this.period > 1,
      intercept: this.coefficients[0]!,
      slope: this.coefficients[1]!,
    };
  }

  forecast(h: number, levels: readonly number[] = DEFAULT_LEVELS): ForecastResult {
    checkHorizon(h);
    checkLevels(levels);
    const p = this.coefficients.length;
    const df = this.n - p;
    const mean = new Float64Array(h);
    const se = new Float64Array(h);
    const at = new Int32Array(3);
    const x = new Float64Array(3);
    for (let i = 0; i < h; i++) {
      const k = designTerms(this.n + i, this.period, at, x);
      let value = 0;
      let quadratic = 0;
      for (let a = 0; a < k; a++) {
        value += x[a]! * this.coefficients[at[a]!]!;
        for (let b = 0; b < k; b++) {
          quadratic += x[a]! * this.unscaled[at[a]! * p + at[b]!]! * x[b]!;
        }
      }
      mean[i] = value;
      se[i] = Math.sqrt(this.sigma2 * (1 + quadratic));
    }
    return {
      mean,
      intervals: levels.map((level) => {
        const t = studentQuantile(0.5 + level / 200, df);
        return {
          level,
          lo: mean.map((value, i) => value - t * se[i]!),
          hi: mean.map((value, i) => value + t * se[i]!),
        };
      }),
    };
  }

  toJSON(): ForecasterJSON {
    return {
      model: 'trend',
      coefficients: toNumbers(this.coefficients),
      unscaled: toNumbers(this.unscaled),
      sigma2: this.sigma2,
      n: this.n,
      period: this.period,
    };
  }

  static restore(json: ForecasterJSON): TrendForecast {
    const coefficients = numbersField(json, 'coefficients');
    const unscaled = numbersField(json, 'unscaled');
    if (unscaled.length !== coefficients.length ** 2) {
      throw new TrainingError('invalid-input', 'The saved trend model is malformed.', 'unscaled');
    }
    return new TrendForecast(
      coefficients,
      unscaled,
      numberField(json, 'sigma2'),
      numberField(json, 'n'),
      numberField(json, 'period'),
      new Float64Array(0),
    );
  }
}

/**
 * The regressors of step t (0-based) that are not zero: 1, t + 1 and, past the cycle's first
 * position, that position's dummy. Their columns go to `at` and their values to `value`; returns
 * how many there are. A row has at most three, so sums over rows cost no more with a long cycle
 * (365 days) than with a short one.
 */
function designTerms(t: number, period: number, at: Int32Array, value: Float64Array): number {
  at[0] = 0;
  value[0] = 1;
  at[1] = 1;
  value[1] = t + 1;
  const season = t % period;
  if (period > 1 && season > 0) {
    at[2] = 1 + season;
    value[2] = 1;
    return 3;
  }
  return 2;
}

export function fitTrend(y: Float64Array, period: number, season?: boolean): TrendForecast {
  const n = y.length;
  const m = Math.round(period);
  const seasonal = (season ?? true) && m > 1 && n >= 2 * m;
  const cycle = seasonal ? m : 1;
  const p = 2 + (cycle - 1);
  if (n <= p) {
    throw new TrainingError(
      'invalid-input',
      `A linear trend${seasonal ? ' with seasonal dummies' : ''} needs more than ${p} values; the series has ${n}.`,
      'series',
    );
  }
  const xtx = new Float64Array(p * p);
  const xty = new Float64Array(p);
  const at = new Int32Array(3);
  const x = new Float64Array(3);
  for (let t = 0; t < n; t++) {
    const k = designTerms(t, cycle, at, x);
    for (let a = 0; a < k; a++) {
      const row = at[a]!;
      xty[row] = xty[row]! + x[a]! * y[t]!;
      for (let b = 0; b < k; b++) {
        const cell = row * p + at[b]!;
        xtx[cell] = xtx[cell]! + x[a]! * x[b]!;
      }
    }
  }
  const unscaled = invert(xtx, p);
  if (!unscaled) {
    throw new TrainingError('invalid-input', 'The trend regression is singular.', 'series');
  }
  const coefficients = new Float64Array(p);
  for (let a = 0; a < p; a++) {
    for (let b = 0; b < p; b++) coefficients[a] = coefficients[a]! + unscaled[a * p + b]! * xty[b]!;
  }
  const fitted = new Float64Array(n);
  let sse = 0;
  for (let t = 0; t < n; t++) {
    const k = designTerms(t, cycle, at, x);
    let value = 0;
    for (let a = 0; a < k; a++) value += x[a]! * coefficients[at[a]!]!;
    fitted[t] = value;
    sse += (y[t]! - value) ** 2;
  }
  return new TrendForecast(coefficients, unscaled, sse / (n - p), n, cycle, fitted);
}

export const trend: Forecaster = {
  name: 'trend',
  label: 'Linear trend',
  minLength: () => 4,
  fit: (y, options, params) => fitTrend(y, options.period, params?.season as boolean | undefined),
  restore: (json) => TrendForecast.restore(json),
};
