import { checkCancelled, TrainingError } from '../errors/training-error';
import { accuracy, maseScale, meanAccuracy, type Accuracy } from './accuracy';
import { DEFAULT_LEVELS } from './intervals';
import { fitForecaster, getForecaster } from './registry';
import { FlooredForecast, floorResult } from './transformed';
import type { ForecastResult } from './types';

/** One cut-off of a rolling-origin evaluation: train on y[0…origin), test on the next steps. */
export interface Fold {
  /** Values before the cut-off train the model; the first forecast step is y[origin]. */
  readonly origin: number;
  /** Steps forecast and scored (the horizon, unless the series ends sooner). */
  readonly horizon: number;
}

export interface FoldPlanOptions {
  readonly horizon: number;
  /** Number of cut-offs; 8 by default. */
  readonly folds?: number;
  /** Steps between consecutive cut-offs; a quarter of the horizon (at least 1) by default. */
  readonly step?: number;
  /** The fewest values a model may be trained on. */
  readonly minTrain: number;
}

/**
 * Many cut-offs a quarter horizon apart: the evaluation then spans nearly three horizons, and
 * on the benchmark series choosing by 8 such folds forecast better than by 3 or 4 folds half a
 * horizon apart (the noise of a few windows picks the wrong model more often than refits cost).
 */
export const DEFAULT_FOLDS = 8;
export const defaultStep = (horizon: number) => Math.max(1, Math.ceil(horizon / 4));

/**
 * Rolling-origin cut-offs, latest last: the last fold tests the final `horizon` values and each
 * earlier one starts `step` steps sooner. Cut-offs that would leave fewer than `minTrain` training
 * values are dropped; when even the last one would, the horizon of the evaluation shrinks to
 * what the series allows (never below one step).
 */
export function planFolds(n: number, options: FoldPlanOptions): Fold[] {
  const folds = options.folds ?? DEFAULT_FOLDS;
  const step = options.step ?? defaultStep(options.horizon);
  if (!Number.isInteger(folds) || folds < 1) {
    throw new TrainingError(
      'invalid-params',
      `The number of folds must be a whole number ≥ 1, got ${folds}.`,
      'folds',
    );
  }
  if (!Number.isInteger(step) || step < 1) {
    throw new TrainingError(
      'invalid-params',
      `The step between cut-offs must be a whole number ≥ 1, got ${step}.`,
      'step',
    );
  }
  const horizon = Math.min(options.horizon, n - options.minTrain);
  if (horizon < 1) {
    throw new TrainingError(
      'invalid-input',
      `Backtesting needs more than ${options.minTrain} values; the series has ${n}.`,
      'series',
    );
  }
  const plan: Fold[] = [];
  for (let k = folds - 1; k >= 0; k--) {
    const origin = n - horizon - k * step;
    if (origin >= options.minTrain) plan.push({ origin, horizon });
  }
  return plan;
}

export interface FoldResult extends Fold {
  readonly actual: Float64Array;
  readonly forecast: ForecastResult;
  readonly scores: Accuracy;
  /**
   * The forecast before the floor of a series that reaches 0 and never goes below it was
   * applied (`FlooredForecast`), with that floor: blends average these and floor the mean.
   */
  readonly unfloored?: { readonly forecast: ForecastResult; readonly floor: number };
}

export interface BacktestResult {
  readonly folds: readonly FoldResult[];
  /** The mean of each measure over the folds. */
  readonly scores: Accuracy;
  /** What the model fitted at the last cut-off, e.g. "ETS(M,Ad,M)". */
  readonly label: string;
}

export interface BacktestOptions {
  readonly period: number;
  readonly folds: readonly Fold[];
  readonly levels?: readonly number[];
  readonly signal?: AbortSignal;
  readonly seed?: number;
  /** Told after each fold's forecast, with how many folds are done (1 after the first). */
  readonly onFold?: (done: number) => void;
  /** Regressors for every step of the series (`n × columns`), for models that read them. */
  readonly regressors?: {
    readonly columns: number;
    readonly x: Float64Array;
    readonly names?: readonly string[];
  };
}

/**
 * Scores a fold's forecast. MASE is scaled alike in every fold: by the in-sample seasonal naive
 * error of the values before the last cut-off (`y` is the whole series backtested, and every
 * fold forecasts the same number of steps). Scaled by each fold's own training values instead,
 * the earliest folds of a series whose swings grow (UKgas) are divided by their small early
 * swings and outweigh the recent folds, which are most like the forecast to be made.
 */
export function scoreFold(
  y: Float64Array,
  fold: Fold,
  forecast: ForecastResult,
  period: number,
): FoldResult {
  const actual = y.slice(fold.origin, fold.origin + fold.horizon);
  const scale = maseScale(y.subarray(0, y.length - fold.horizon), period);
  return { ...fold, actual, forecast, scores: accuracy(actual, forecast.mean, scale) };
}

/** Fits the model at every cut-off and scores its forecasts of the steps that follow. */
export async function backtest(
  model: string,
  y: Float64Array,
  options: BacktestOptions,
  params: Readonly<Record<string, unknown>> = {},
): Promise<BacktestResult> {
  const forecaster = getForecaster(model);
  const results: FoldResult[] = [];
  let label = forecaster.label;
  for (const fold of options.folds) {
    checkCancelled(options.signal);
    const train = y.slice(0, fold.origin);
    const columns = options.regressors?.columns ?? 0;
    const regressors = columns && forecaster.usesRegressors ? options.regressors!.x : undefined;
    const fitted = await fitForecaster(
      model,
      train,
      {
        period: options.period,
        signal: options.signal,
        seed: options.seed,
        ...(regressors
          ? {
              regressors: {
                columns,
                x: regressors.slice(0, fold.origin * columns),
                ...(options.regressors!.names ? { names: options.regressors!.names } : {}),
              },
            }
          : {}),
      },
      params,
    );
    const future = regressors
      ? regressors.slice(fold.origin * columns, (fold.origin + fold.horizon) * columns)
      : undefined;
    const levels = options.levels ?? DEFAULT_LEVELS;
    label = fitted.label;
    if (fitted instanceof FlooredForecast) {
      const raw = fitted.inner.forecast(fold.horizon, levels, future);
      const forecast = floorResult(raw, fitted.floor);
      results.push({
        ...scoreFold(y, fold, forecast, options.period),
        unfloored: { forecast: raw, floor: fitted.floor },
      });
    } else {
      const forecast = fitted.forecast(fold.horizon, levels, future);
      results.push(scoreFold(y, fold, forecast, options.period));
    }
    options.onFold?.(results.length);
  }
  return { folds: results, scores: meanAccuracy(results.map((fold) => fold.scores)), label };
}
