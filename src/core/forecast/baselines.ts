import { TrainingError } from '../errors/training-error';
import {
  checkHorizon,
  checkLevels,
  DEFAULT_LEVELS,
  normalIntervals,
  numberField,
  numbersField,
  toNumbers,
} from './intervals';
import { mean, studentQuantile, variance } from './stats';
import type {
  FittedForecaster,
  ForecastFitOptions,
  Forecaster,
  ForecasterJSON,
  ForecastResult,
} from './types';

/**
 * The random walk family of forecast::rwf / snaive: the value one lag back (a season back for
 * the seasonal naive method), plus an estimated drift per step. Prediction intervals follow
 * forecast::lagwalk: variance mse·k for k whole lags ahead, plus the drift's estimation error.
 */
class LagWalk implements FittedForecaster {
  constructor(
    readonly model: 'naive' | 'snaive' | 'drift',
    private readonly future: Float64Array,
    private readonly drift: number,
    private readonly driftSe: number,
    private readonly mse: number,
    readonly fitted: Float64Array,
  ) {}

  get lag() {
    return this.future.length;
  }

  get label() {
    return this.model === 'snaive'
      ? `Seasonal naive [${this.lag}]`
      : this.model === 'drift'
        ? 'Random walk with drift'
        : 'Naive';
  }

  get params() {
    return this.model === 'drift'
      ? { drift: this.drift }
      : this.model === 'snaive'
        ? { lag: this.lag }
        : {};
  }

  forecast(h: number, levels: readonly number[] = DEFAULT_LEVELS): ForecastResult {
    checkHorizon(h);
    const lag = this.lag;
    const point = new Float64Array(h);
    const se = new Float64Array(h);
    for (let i = 0; i < h; i++) {
      const steps = Math.floor(i / lag) + 1;
      point[i] = this.future[i % lag]! + steps * this.drift;
      se[i] = Math.sqrt(this.mse * steps + (steps * this.driftSe) ** 2);
    }
    return normalIntervals(point, se, levels);
  }

  toJSON(): ForecasterJSON {
    return {
      model: this.model,
      future: toNumbers(this.future),
      drift: this.drift,
      driftSe: this.driftSe,
      mse: this.mse,
    };
  }

  static restore(json: ForecasterJSON): LagWalk {
    const model = json.model as LagWalk['model'];
    return new LagWalk(
      model,
      numbersField(json, 'future'),
      numberField(json, 'drift'),
      numberField(json, 'driftSe'),
      numberField(json, 'mse'),
      new Float64Array(0),
    );
  }
}

function tooShort(name: string, y: Float64Array, needed: number): void {
  if (y.length < needed) {
    throw new TrainingError(
      'invalid-input',
      `${name} needs at least ${needed} values; the series has ${y.length}.`,
      'series',
    );
  }
}

function fitLagWalk(
  model: LagWalk['model'],
  y: Float64Array,
  lag: number,
  withDrift: boolean,
): LagWalk {
  const n = y.length;
  const fitted = new Float64Array(n).fill(NaN);
  const differences = new Float64Array(n - lag);
  for (let t = lag; t < n; t++) differences[t - lag] = y[t]! - y[t - lag]!;
  let drift = 0;
  let driftSe = 0;
  let mse: number;
  if (withDrift) {
    drift = mean(differences);
    const sigma2 = differences.length > 1 ? variance(differences) : 0;
    driftSe = Math.sqrt(sigma2 / differences.length);
    mse = sigma2;
  } else {
    let sum = 0;
    for (const d of differences) sum += d * d;
    mse = sum / differences.length;
  }
  for (let t = lag; t < n; t++) fitted[t] = y[t - lag]! + drift;
  return new LagWalk(model, y.slice(n - lag), drift, driftSe, mse, fitted);
}

export const naive: Forecaster = {
  name: 'naive',
  label: 'Naive',
  minLength: () => 2,
  fit(y) {
    tooShort('The naive method', y, 2);
    return fitLagWalk('naive', y, 1, false);
  },
  restore: (json) => LagWalk.restore(json),
};

export const snaive: Forecaster = {
  name: 'snaive',
  label: 'Seasonal naive',
  minLength: (period) => Math.max(2, period + 1),
  fit(y, options: ForecastFitOptions) {
    const lag = Math.max(1, Math.round(options.period));
    tooShort('The seasonal naive method', y, lag + 1);
    return fitLagWalk('snaive', y, lag, false);
  },
  restore: (json) => LagWalk.restore(json),
};

export const drift: Forecaster = {
  name: 'drift',
  label: 'Random walk with drift',
  minLength: () => 3,
  fit(y) {
    tooShort('The drift method', y, 3);
    return fitLagWalk('drift', y, 1, true);
  },
  restore: (json) => LagWalk.restore(json),
};

/** The historical mean, with forecast::meanf's Student-t intervals. */
class MeanForecast implements FittedForecaster {
  readonly model = 'mean';
  readonly label = 'Mean';

  constructor(
    private readonly mu: number,
    private readonly sd: number,
    private readonly n: number,
    readonly fitted: Float64Array,
  ) {}

  get params() {
    return { mean: this.mu };
  }

  forecast(h: number, levels: readonly number[] = DEFAULT_LEVELS): ForecastResult {
    checkHorizon(h);
    checkLevels(levels);
    const point = new Float64Array(h).fill(this.mu);
    return {
      mean: point,
      intervals: levels.map((level) => {
        const t = this.n > 1 ? studentQuantile(0.5 + level / 200, this.n - 1) : Infinity;
        const width = t * this.sd * Math.sqrt(1 + 1 / this.n);
        return {
          level,
          lo: new Float64Array(h).fill(this.mu - width),
          hi: new Float64Array(h).fill(this.mu + width),
        };
      }),
    };
  }

  toJSON(): ForecasterJSON {
    return { model: 'mean', mean: this.mu, sd: this.sd, n: this.n };
  }
}

export const meanForecaster: Forecaster = {
  name: 'mean',
  label: 'Mean',
  minLength: () => 2,
  fit(y) {
    tooShort('The mean method', y, 2);
    const mu = mean(y);
    return new MeanForecast(
      mu,
      Math.sqrt(variance(y)),
      y.length,
      new Float64Array(y.length).fill(mu),
    );
  },
  restore: (json) =>
    new MeanForecast(
      numberField(json, 'mean'),
      numberField(json, 'sd'),
      numberField(json, 'n'),
      new Float64Array(0),
    ),
};
