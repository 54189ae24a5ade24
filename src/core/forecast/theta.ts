import { TrainingError } from '../errors/training-error';
import { decompose } from './decompose';
import {
  checkHorizon,
  DEFAULT_LEVELS,
  normalIntervals,
  numberField,
  numbersField,
  toNumbers,
} from './intervals';
import { fitSes } from './ses';
import { acf, linearTrend, normalQuantile } from './stats';
import type { FittedForecaster, Forecaster, ForecasterJSON, ForecastResult } from './types';

/**
 * The standard Theta method of Assimakopoulos & Nikolopoulos (2000) as Hyndman & Billah (2003)
 * showed it to be, and as forecast::thetaf computes it: simple exponential smoothing with a drift
 * of half the slope of the linear trend, on data seasonally adjusted by classical multiplicative
 * decomposition when the lag-m autocorrelation is significant at 90%.
 *
 * One departure from thetaf: a series with zero or negative values cannot be divided by seasonal
 * indices, so it is adjusted additively instead.
 */
class ThetaForecast implements FittedForecaster {
  readonly model = 'theta';

  constructor(
    private readonly level: number,
    private readonly alpha: number,
    private readonly drift: number,
    private readonly sigma2: number,
    private readonly n: number,
    /** The last cycle of seasonal indices, or empty when not seasonal. */
    private readonly lastSeason: Float64Array,
    private readonly adjustment: 'multiplicative' | 'additive' | 'none',
    readonly fitted: Float64Array,
  ) {}

  get label() {
    return this.adjustment === 'none' ? 'Theta' : `Theta, ${this.adjustment} seasonal adjustment`;
  }

  get params() {
    return {
      alpha: this.alpha,
      drift: this.drift,
      seasonal: this.adjustment === 'none' ? false : this.adjustment,
    };
  }

  forecast(h: number, levels: readonly number[] = DEFAULT_LEVELS): ForecastResult {
    checkHorizon(h);
    const point = new Float64Array(h);
    const se = new Float64Array(h);
    const start = (1 - (1 - this.alpha) ** this.n) / this.alpha;
    const m = this.lastSeason.length;
    for (let i = 0; i < h; i++) {
      let value = this.level + this.drift * (i + start);
      if (m) {
        const index = this.lastSeason[i % m]!;
        value = this.adjustment === 'multiplicative' ? value * index : value + index;
      }
      point[i] = value;
      se[i] = Math.sqrt(this.sigma2) * Math.sqrt(i * this.alpha ** 2 + 1);
    }
    return normalIntervals(point, se, levels);
  }

  toJSON(): ForecasterJSON {
    return {
      model: 'theta',
      level: this.level,
      alpha: this.alpha,
      drift: this.drift,
      sigma2: this.sigma2,
      n: this.n,
      lastSeason: toNumbers(this.lastSeason),
      adjustment: this.adjustment,
    };
  }

  static restore(json: ForecasterJSON): ThetaForecast {
    const adjustment = json.adjustment;
    if (adjustment !== 'multiplicative' && adjustment !== 'additive' && adjustment !== 'none') {
      throw new TrainingError('invalid-input', 'The saved theta model is malformed.', 'adjustment');
    }
    return new ThetaForecast(
      numberField(json, 'level'),
      numberField(json, 'alpha'),
      numberField(json, 'drift'),
      numberField(json, 'sigma2'),
      numberField(json, 'n'),
      numbersField(json, 'lastSeason'),
      adjustment,
      new Float64Array(0),
    );
  }
}

/** thetaf's seasonality test: |r_m| beyond the 90% two-sided band of Bartlett's formula. */
export function thetaSeasonalTest(y: Float64Array, period: number): boolean {
  const n = y.length;
  if (period <= 1 || n <= 2 * period) return false;
  let constant = true;
  for (let t = 1; t < n && constant; t++) constant = y[t] === y[0];
  if (constant) return false;
  const r = acf(y, period);
  let sum = 0;
  for (let k = 1; k < period; k++) sum += r[k]! ** 2;
  const stat = Math.sqrt((1 + 2 * sum) / n);
  return Math.abs(r[period]!) / stat > normalQuantile(0.95);
}

export function fitTheta(y: Float64Array, period: number): ThetaForecast {
  const n = y.length;
  if (n < 3) {
    throw new TrainingError(
      'invalid-input',
      `The theta method needs at least 3 values; the series has ${n}.`,
      'series',
    );
  }
  const m = Math.round(period);
  let adjusted = y;
  let seasonal: Float64Array | null = null;
  let adjustment: 'multiplicative' | 'additive' | 'none' = 'none';
  if (thetaSeasonalTest(y, m)) {
    const positive = y.every((value) => value > 0);
    const decomposition = decompose(y, m, positive ? 'multiplicative' : 'additive');
    const nearZero = positive && decomposition.figure.some((index) => Math.abs(index) < 1e-4);
    if (!nearZero) {
      seasonal = decomposition.seasonal;
      adjustment = decomposition.type;
      const s = seasonal;
      adjusted = positive ? y.map((value, t) => value / s[t]!) : y.map((value, t) => value - s[t]!);
    }
  }
  const ses = fitSes(adjusted);
  const drift = linearTrend(adjusted).slope / 2;
  const alpha = Math.max(1e-10, ses.alpha);
  const fitted = ses.fitted.slice();
  if (seasonal) {
    for (let t = 0; t < n; t++) {
      fitted[t] =
        adjustment === 'multiplicative' ? fitted[t]! * seasonal[t]! : fitted[t]! + seasonal[t]!;
    }
  }
  return new ThetaForecast(
    ses.level,
    alpha,
    drift,
    ses.sigma2,
    n,
    seasonal ? seasonal.slice(n - m) : new Float64Array(0),
    adjustment,
    fitted,
  );
}

export const theta: Forecaster = {
  name: 'theta',
  label: 'Theta',
  minLength: () => 3,
  fit: (y, options) => fitTheta(y, options.period),
  restore: (json) => ThetaForecast.restore(json),
};
