import { TrainingError } from '../errors/training-error';
import { arima } from './arima';
import { croston } from './croston';
import { drift, meanForecaster, naive, snaive } from './baselines';
import { EnsembleForecast } from './ensemble';
import { ets } from './ets';
import { lagreg } from './lagreg';
import { createStlForecaster } from './stlf';
import { theta } from './theta';
import { trend } from './trend';
import { findOutliers } from './outliers';
import {
  CleanedForecast,
  floorOf,
  FlooredForecast,
  resolveLambda,
  savedScaleFactor,
  savedWidening,
  scaleFactor,
  ScaledForecast,
  transformSeries,
  WidenedForecast,
  withBoxCox,
} from './transformed';
import type { FittedForecaster, ForecastFitOptions, Forecaster, ForecasterJSON } from './types';

const BASE: Record<string, Forecaster> = {
  naive,
  snaive,
  drift,
  mean: meanForecaster,
  croston,
  theta,
  trend,
  ets,
  arima,
  lagreg,
};

const stlForecaster = createStlForecaster((name) => BASE[name]);

export const FORECASTERS: Readonly<Record<string, Forecaster>> = { ...BASE, stl: stlForecaster };

/** Families that apply a Box–Cox `lambda` parameter themselves; the others get it wrapped. */
const NATIVE_LAMBDA: ReadonlySet<string> = new Set(['ets', 'arima']);

export function forecasterNames(): string[] {
  return Object.keys(FORECASTERS);
}

export function getForecaster(name: string): Forecaster {
  const forecaster = Object.hasOwn(FORECASTERS, name) ? FORECASTERS[name] : undefined;
  if (!forecaster) {
    throw new TrainingError(
      'invalid-params',
      `Unknown forecasting model “${name}”. Choose one of: ${forecasterNames().join(', ')}.`,
      'model',
    );
  }
  return forecaster;
}

/** The seasonal period a candidate fits with: its own `period` parameter, else the series'. */
export function periodOf(params: Readonly<Record<string, unknown>>, fallback: number): number {
  const period = params.period;
  if (period === undefined || period === null) return fallback;
  if (typeof period !== 'number' || !Number.isInteger(period) || period < 1) {
    throw new TrainingError(
      'invalid-params',
      `A seasonal period must be a whole number ≥ 1, got ${String(period)}.`,
      'period',
    );
  }
  return period;
}

/**
 * Fits one model family with its parameters. A `lambda` parameter (a number, or "auto" for
 * Guerrero's choice) fits on the Box–Cox scale: inside the model for ETS and ARIMA, around it for
 * the others. A `period` parameter fits with that seasonal period instead of the series' own
 * (daily data tried with a weekly and a yearly cycle). `clean: true` fits on the series with its
 * outliers replaced (`findOutliers`), before any Box–Cox transform.
 */
export async function fitForecaster(
  name: string,
  y: Float64Array,
  fitOptions: ForecastFitOptions,
  allParams: Readonly<Record<string, unknown>> = {},
): Promise<FittedForecaster> {
  const forecaster = getForecaster(name);
  const { period: ownPeriod, ...params } = allParams;
  const options =
    ownPeriod === undefined
      ? fitOptions
      : { ...fitOptions, period: periodOf(allParams, fitOptions.period) };
  const floor = floorOf(y);
  // Values far from ordinary size (1e-9, 1e12) are fitted scaled by a power of two, exactly.
  const factor = scaleFactor(y);
  const scaled = factor === 1 ? y : y.map((value) => value * factor);
  const wrapped = (model: FittedForecaster) => {
    const unscaled = factor === 1 ? model : new ScaledForecast(model, factor);
    return floor === null ? unscaled : new FlooredForecast(unscaled, floor);
  };
  const { clean, ...own } = params;
  if (clean !== undefined && clean !== true && clean !== false) {
    throw new TrainingError(
      'invalid-params',
      `“clean” is true or false, not “${String(clean)}”.`,
      'clean',
    );
  }
  // With `clean`, the model learns from the series with its outliers replaced.
  const outliers = clean === true ? findOutliers(scaled, options.period) : null;
  const series = outliers ? outliers.cleaned : scaled;
  const cleaned = (model: FittedForecaster) =>
    outliers ? new CleanedForecast(model, outliers.index.length) : model;
  if (own.lambda === undefined || own.lambda === null || NATIVE_LAMBDA.has(name)) {
    return wrapped(cleaned(await forecaster.fit(series, options, own)));
  }
  const { lambda: raw, ...rest } = own;
  const lambda = resolveLambda(series, options.period, raw);
  const inner = await forecaster.fit(transformSeries(series, lambda), options, rest);
  return wrapped(cleaned(withBoxCox(inner, lambda)));
}

/** Rebuilds a saved model (any family, Box–Cox wrapped or an ensemble) from its JSON. */
export function restoreForecaster(json: unknown): FittedForecaster {
  const value = json as ForecasterJSON | null;
  if (!value || typeof value !== 'object' || typeof value.model !== 'string') {
    throw new TrainingError('invalid-input', 'This is not a saved forecasting model.', 'model');
  }
  if (value.model === 'ensemble') {
    if (!Array.isArray(value.members)) {
      throw new TrainingError('invalid-input', 'The saved ensemble lists no members.', 'members');
    }
    return new EnsembleForecast(value.members.map(restoreForecaster));
  }
  if (value.model === 'boxcox') {
    const lambda = Number(value.lambda);
    if (!Number.isFinite(lambda)) {
      throw new TrainingError('invalid-input', 'The saved Box-Cox λ is not a number.', 'lambda');
    }
    return withBoxCox(restoreForecaster(value.inner), lambda);
  }
  if (value.model === 'floor') {
    const floor = Number(value.floor);
    if (!Number.isFinite(floor)) {
      throw new TrainingError(
        'invalid-input',
        'The saved forecast floor is not a number.',
        'floor',
      );
    }
    return new FlooredForecast(restoreForecaster(value.inner), floor);
  }
  if (value.model === 'cleaned') {
    const replaced = Number(value.replaced);
    if (!Number.isInteger(replaced) || replaced < 0) {
      throw new TrainingError(
        'invalid-input',
        'The saved count of replaced outliers is not a whole number.',
        'replaced',
      );
    }
    return new CleanedForecast(restoreForecaster(value.inner), replaced);
  }
  if (value.model === 'scaled') {
    const factor = savedScaleFactor(value.factor);
    if (factor === null) {
      throw new TrainingError(
        'invalid-input',
        'The saved scale factor is not a power of two.',
        'factor',
      );
    }
    return new ScaledForecast(restoreForecaster(value.inner), factor);
  }
  if (value.model === 'widened') {
    const factor = savedWidening(value.factor);
    if (factor === null) {
      throw new TrainingError(
        'invalid-input',
        'The saved interval widening is not a number of at least 1.',
        'factor',
      );
    }
    return new WidenedForecast(restoreForecaster(value.inner), factor);
  }
  const forecaster = getForecaster(value.model);
  if (!forecaster.restore) {
    throw new TrainingError(
      'unsupported',
      `Saved ${forecaster.label} models cannot be reloaded.`,
      value.model,
    );
  }
  return forecaster.restore(value);
}
