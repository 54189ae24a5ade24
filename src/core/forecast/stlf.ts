import { TrainingError } from '../errors/training-error';
import { checkHorizon, DEFAULT_LEVELS, numbersField, toNumbers } from './intervals';
import { stl } from './stl';
import type {
  FittedForecaster,
  ForecastFitOptions,
  Forecaster,
  ForecasterJSON,
  ForecastResult,
} from './types';

/** Models that may forecast the seasonally adjusted series. */
export const STL_METHODS = ['ets', 'arima', 'theta', 'naive', 'drift'] as const;
export type StlMethod = (typeof STL_METHODS)[number];

/**
 * forecast::stlf: decompose with STL (s.window 11 as mstl uses for one season, robust on
 * request), forecast the seasonally adjusted series with a non-seasonal model, and add back the
 * last cycle of the seasonal component, to the point forecasts and the interval bounds alike.
 */
class StlForecast implements FittedForecaster {
  readonly model = 'stl';

  constructor(
    private readonly method: StlMethod,
    private readonly robust: boolean,
    private readonly inner: FittedForecaster,
    private readonly lastSeason: Float64Array,
    readonly fitted: Float64Array,
  ) {}

  get label() {
    return `STL + ${this.inner.label}${this.robust ? ', robust' : ''}`;
  }

  get params() {
    return { method: this.method, robust: this.robust, inner: this.inner.params };
  }

  forecast(h: number, levels: readonly number[] = DEFAULT_LEVELS): ForecastResult {
    checkHorizon(h);
    const base = this.inner.forecast(h, levels);
    const m = this.lastSeason.length;
    const add = (values: Float64Array) => values.map((value, i) => value + this.lastSeason[i % m]!);
    return {
      mean: add(base.mean),
      intervals: base.intervals.map(({ level, lo, hi }) => ({ level, lo: add(lo), hi: add(hi) })),
    };
  }

  toJSON(): ForecasterJSON {
    return {
      model: 'stl',
      method: this.method,
      robust: this.robust,
      lastSeason: toNumbers(this.lastSeason),
      inner: this.inner.toJSON(),
    };
  }
}

/** The STL forecaster, given a way to find the model for the adjusted series by name. */
export function createStlForecaster(resolve: (name: string) => Forecaster | undefined): Forecaster {
  const innerOf = (method: unknown): { method: StlMethod; forecaster: Forecaster } => {
    const name = (method ?? 'ets') as StlMethod;
    const forecaster = STL_METHODS.includes(name) ? resolve(name) : undefined;
    if (!forecaster) {
      throw new TrainingError(
        'invalid-params',
        `STL forecasts the adjusted series with ${STL_METHODS.filter((m) => resolve(m)).join(', ')}, not “${String(method)}”.`,
        'method',
      );
    }
    return { method: name, forecaster };
  };
  return {
    name: 'stl',
    label: 'STL decomposition',
    minLength: (period) => 2 * Math.max(2, period) + 1,
    async fit(y: Float64Array, options: ForecastFitOptions, params = {}) {
      const period = Math.round(options.period);
      if (period < 2) {
        throw new TrainingError(
          'invalid-params',
          'STL needs a seasonal period of at least 2; this series has none.',
          'period',
        );
      }
      const { method, forecaster } = innerOf(params.method);
      const robust = params.robust === true;
      const decomposition = stl(y, { period, seasonalWindow: 11, robust });
      const adjusted = y.map((value, t) => value - decomposition.seasonal[t]!);
      const inner = await forecaster.fit(
        adjusted,
        { period: 1, signal: options.signal, seed: options.seed },
        (params.innerParams ?? {}) as Record<string, unknown>,
      );
      const fitted = inner.fitted.map((value, t) => value + decomposition.seasonal[t]!);
      return new StlForecast(
        method,
        robust,
        inner,
        decomposition.seasonal.slice(y.length - period),
        fitted,
      );
    },
    restore(json: ForecasterJSON) {
      const { method, forecaster } = innerOf(json.method);
      const inner = json.inner as ForecasterJSON | undefined;
      if (!inner || !forecaster.restore) {
        throw new TrainingError('invalid-input', 'The saved STL model is malformed.', 'inner');
      }
      return new StlForecast(
        method,
        json.robust === true,
        forecaster.restore(inner),
        numbersField(json, 'lastSeason'),
        new Float64Array(0),
      );
    },
  };
}
