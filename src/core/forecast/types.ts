/**
 * The contract every forecasting model meets. A model is fitted on one regularly spaced series
 * (missing values already filled), with a seasonal period `period` (1 when there is none), and
 * forecasts `h` steps ahead with prediction intervals.
 */

export interface ForecastFitOptions {
  /** Seasonal period in steps (12 for monthly data with yearly seasonality); 1 for none. */
  readonly period: number;
  readonly signal?: AbortSignal;
  /**
   * Seed for models whose prediction intervals are simulated (multiplicative-trend ETS), so that
   * the same fit gives the same intervals; 1 when absent.
   */
  readonly seed?: number;
  /**
   * Known-in-advance regressors aligned with the series (`x[t * columns + j]`), and their
   * future values when forecasting. Only models with `usesRegressors` read them.
   */
  readonly regressors?: {
    readonly columns: number;
    readonly x: Float64Array;
    /** Column names, for labels and messages. */
    readonly names?: readonly string[];
  };
}

export interface ForecastResult {
  /** Point forecasts for steps 1…h. */
  readonly mean: Float64Array;
  /** One interval per requested level (percent, e.g. 80 and 95), in the order asked. */
  readonly intervals: readonly {
    readonly level: number;
    readonly lo: Float64Array;
    readonly hi: Float64Array;
  }[];
}

export interface FittedForecaster {
  /** The family, e.g. "ets", "arima", "snaive". */
  readonly model: string;
  /** A short human-readable form, e.g. "ETS(M,Ad,M)" or "ARIMA(0,1,1)(0,1,1)[12]". */
  readonly label: string;
  /** Parameters chosen or estimated, as plain JSON. */
  readonly params: Readonly<Record<string, unknown>>;
  /** In-sample one-step-ahead fitted values (NaN where the model cannot give one). */
  readonly fitted: Float64Array;
  /** Information criteria where the model has a likelihood. */
  readonly aicc?: number;
  readonly aic?: number;
  readonly bic?: number;
  forecast(h: number, levels?: readonly number[], futureRegressors?: Float64Array): ForecastResult;
  /** Everything needed to forecast again without refitting (embed runtime, registry). */
  toJSON(): ForecasterJSON;
}

export interface ForecasterJSON {
  readonly model: string;
  readonly [key: string]: unknown;
}

export interface Forecaster {
  /** The family name used on the command line and in leaderboards. */
  readonly name: string;
  readonly label: string;
  /** Whether it can use `regressors`. */
  readonly usesRegressors?: boolean;
  /** Shortest series it can fit for a given period. */
  minLength(period: number): number;
  fit(
    y: Float64Array,
    options: ForecastFitOptions,
    params?: Readonly<Record<string, unknown>>,
  ): FittedForecaster | Promise<FittedForecaster>;
  /**
   * Rebuilds a fitted model from its `toJSON()` output, so that a saved model forecasts again
   * without refitting. A restored model may carry no in-sample `fitted` values (empty array).
   */
  restore?(json: ForecasterJSON): FittedForecaster;
}
