import { TrainingError } from '../errors/training-error';
import { boxCox, boxCoxLambda, invBoxCox, withLambda } from './boxcox';
import { EnsembleForecast } from './ensemble';
import { mapResult } from './intervals';
import type { FittedForecaster, ForecasterJSON, ForecastResult } from './types';

/**
 * A model fitted on the Box–Cox transformed series, forecasting on the original scale: point
 * forecasts are back-transformed medians (forecast's default, biasadj = FALSE) and interval
 * bounds are back-transformed bounds, which keeps their coverage.
 */
export class BoxCoxForecast implements FittedForecaster {
  constructor(
    private readonly inner: FittedForecaster,
    readonly lambda: number,
    readonly fitted: Float64Array,
  ) {}

  get model() {
    return this.inner.model;
  }

  get label() {
    return withLambda(this.inner.label, this.lambda);
  }

  get params() {
    return { ...this.inner.params, lambda: this.lambda };
  }

  forecast(h: number, levels?: readonly number[], futureRegressors?: Float64Array): ForecastResult {
    const result = this.inner.forecast(h, levels, futureRegressors);
    return mapResult(result, (value) => invBoxCox(value, this.lambda));
  }

  toJSON(): ForecasterJSON {
    return { model: 'boxcox', lambda: this.lambda, inner: this.inner.toJSON() };
  }
}

/** The λ to use: a number as given, or Guerrero's choice for "auto". */
export function resolveLambda(y: Float64Array, period: number, lambda: unknown): number {
  if (lambda === 'auto') return boxCoxLambda(y, Math.max(1, period));
  const value = Number(lambda);
  if (!Number.isFinite(value)) {
    throw new TrainingError(
      'invalid-params',
      `The Box-Cox λ must be a number or "auto", got “${String(lambda)}”.`,
      'lambda',
    );
  }
  return value;
}

/** The series on the transformed scale, or an error naming the first value it cannot take. */
export function transformSeries(y: Float64Array, lambda: number): Float64Array {
  const out = boxCox(y, lambda);
  const bad = out.findIndex((value) => !Number.isFinite(value));
  if (bad >= 0) {
    throw new TrainingError(
      'invalid-input',
      `A Box-Cox transform with λ=${lambda} cannot take the value ${y[bad]} at step ${bad + 1}.`,
      `step ${bad + 1}`,
    );
  }
  return out;
}

export function withBoxCox(inner: FittedForecaster, lambda: number): BoxCoxForecast {
  return new BoxCoxForecast(
    inner,
    lambda,
    inner.fitted.map((value) => invBoxCox(value, lambda)),
  );
}

/**
 * A model that forecasts through another and changes only its numbers (scaled, floored): its
 * family, label and parameters are the inner model's.
 */
abstract class WrappedForecast implements FittedForecaster {
  constructor(readonly inner: FittedForecaster) {}

  /** The inner model's, unless the wrapper changes them. */
  get fitted(): Float64Array {
    return this.inner.fitted;
  }

  get model() {
    return this.inner.model;
  }

  get label() {
    return this.inner.label;
  }

  get params() {
    return this.inner.params;
  }

  abstract forecast(
    h: number,
    levels?: readonly number[],
    futureRegressors?: Float64Array,
  ): ForecastResult;

  abstract toJSON(): ForecasterJSON;
}

/**
 * Series whose largest magnitude lies in this range are fitted as they are; others are first
 * scaled by a power of two into it (`scaleFactor`). The models' optimisers, Box–Cox transforms
 * and convergence tests work in absolute terms tuned for values of ordinary size: on a series of
 * values near 1e-9, seasonal ETS and ARIMA failed to fit and Box–Cox with λ=2 lost every digit.
 */
const ORDINARY_MAGNITUDE = { min: 1, max: 2 ** 20 };

/**
 * The power of two that brings a series' largest magnitude to between 64 and 256, or 1 when it
 * already lies in the ordinary range (or the series is all zeros). A power of two scales every
 * double exactly, so a model fitted on the scaled values forecasts the same digits scaled back.
 */
export function scaleFactor(y: ArrayLike<number>): number {
  let largest = 0;
  for (let t = 0; t < y.length; t++) {
    const value = Math.abs(y[t]!);
    if (value > largest && Number.isFinite(value)) largest = value;
  }
  if (largest === 0 || (largest >= ORDINARY_MAGNITUDE.min && largest <= ORDINARY_MAGNITUDE.max)) {
    return 1;
  }
  return 2 ** (7 - Math.round(Math.log2(largest)));
}

/**
 * A model fitted on the series multiplied by `factor` (a power of two, see `scaleFactor`),
 * forecasting on the series' own scale.
 */
export class ScaledForecast extends WrappedForecast {
  private readonly unscaled: Float64Array;

  constructor(
    inner: FittedForecaster,
    readonly factor: number,
  ) {
    super(inner);
    this.unscaled = inner.fitted.map((value) => value / factor);
  }

  override get fitted() {
    return this.unscaled;
  }

  forecast(h: number, levels?: readonly number[], futureRegressors?: Float64Array): ForecastResult {
    const factor = this.factor;
    return mapResult(this.inner.forecast(h, levels, futureRegressors), (value) => value / factor);
  }

  toJSON(): ForecasterJSON {
    return { model: 'scaled', factor: this.factor, inner: this.inner.toJSON() };
  }
}

/** A saved scale factor, checked to be a power of two (a factor of 0 or ∞ forecasts nothing). */
export function savedScaleFactor(value: unknown): number | null {
  const factor = Number(value);
  return Number.isFinite(factor) && factor > 0 && Number.isInteger(Math.log2(factor))
    ? factor
    : null;
}

/**
 * The floor a series' forecasts keep to: 0 for a series that never goes below zero and reaches
 * it (counts, demand, rainfall), where a negative forecast or interval bound means nothing;
 * null for any other series.
 */
export function floorOf(y: ArrayLike<number>): number | null {
  let zero = false;
  for (let t = 0; t < y.length; t++) {
    const value = y[t]!;
    if (value < 0) return null;
    if (value === 0) zero = true;
  }
  return zero ? 0 : null;
}

/** A forecast with its point forecasts and interval bounds raised to `floor` where below it. */
export const floorResult = (result: ForecastResult, floor: number): ForecastResult =>
  mapResult(result, (value) => Math.max(floor, value));

/**
 * A model whose point forecasts and interval bounds are kept at `floor` or above. A blend of such
 * models floors the mean of their own forecasts (`blendForecasters`), not the mean of floored
 * ones: averaging lower bounds raised to the floor would lift the blend's lower bound above a
 * value (0) that every member's distribution gives a good chance.
 */
export class FlooredForecast extends WrappedForecast {
  constructor(
    inner: FittedForecaster,
    readonly floor: number,
  ) {
    super(inner);
  }

  forecast(h: number, levels?: readonly number[], futureRegressors?: Float64Array): ForecastResult {
    return floorResult(this.inner.forecast(h, levels, futureRegressors), this.floor);
  }

  toJSON(): ForecasterJSON {
    return { model: 'floor', floor: this.floor, inner: this.inner.toJSON() };
  }
}

/**
 * A forecast with every interval's half-widths multiplied by `factor` around the point forecast,
 * on each side apart (a Box–Cox model's intervals are not symmetric); the point forecasts are
 * unchanged.
 */
export function widenResult(result: ForecastResult, factor: number): ForecastResult {
  return {
    mean: result.mean,
    intervals: result.intervals.map(({ level, lo, hi }) => ({
      level,
      lo: lo.map((value, i) => result.mean[i]! - factor * (result.mean[i]! - value)),
      hi: hi.map((value, i) => result.mean[i]! + factor * (value - result.mean[i]!)),
    })),
  };
}

/**
 * A model whose intervals are widened by `factor` (≥ 1): its backtest showed its own intervals
 * held fewer of the values they forecast than their level says (`calibrateIntervals`). A floored
 * model is widened inside its floor, so that the bounds still keep to it.
 */
export class WidenedForecast extends WrappedForecast {
  constructor(
    inner: FittedForecaster,
    readonly factor: number,
  ) {
    super(inner);
  }

  forecast(h: number, levels?: readonly number[], futureRegressors?: Float64Array): ForecastResult {
    return widenResult(this.inner.forecast(h, levels, futureRegressors), this.factor);
  }

  toJSON(): ForecasterJSON {
    return { model: 'widened', factor: this.factor, inner: this.inner.toJSON() };
  }
}

/** `model` with its intervals widened by `factor`, inside its floor when it has one. */
export function widenForecaster(model: FittedForecaster, factor: number): FittedForecaster {
  if (factor === 1) return model;
  if (model instanceof FlooredForecast) {
    return new FlooredForecast(new WidenedForecast(model.inner, factor), model.floor);
  }
  return new WidenedForecast(model, factor);
}

/** A saved widening factor: a finite number of at least 1. */
export function savedWidening(value: unknown): number | null {
  const factor = Number(value);
  return Number.isFinite(factor) && factor >= 1 ? factor : null;
}

/**
 * The mean of fitted models: of their own forecasts, floored once, when every member keeps to
 * the same floor (as members fitted on one series do).
 */
export function blendForecasters(members: readonly FittedForecaster[]): FittedForecaster {
  const first = members[0];
  const floor = first instanceof FlooredForecast ? first.floor : null;
  const shared =
    floor !== null &&
    members.every((member) => member instanceof FlooredForecast && member.floor === floor);
  if (!shared) return new EnsembleForecast([...members]);
  const inner = members.map((member) => (member as FlooredForecast).inner);
  return new FlooredForecast(new EnsembleForecast(inner), floor);
}

/** A model's label with how many outliers of its series were replaced. */
export function cleanedLabel(label: string, replaced: number): string {
  if (!replaced) return `${label}, no outliers to replace`;
  return `${label}, ${replaced === 1 ? '1 outlier' : `${replaced} outliers`} replaced`;
}

/** The label of a model fitted on a cleaned series, given another count of values replaced. */
export function relabelCleaned(label: string, replaced: number): string {
  const bare = label.replace(/, (no outliers to replace|\d+ outliers? replaced)$/, '');
  return cleanedLabel(bare, replaced);
}

/**
 * A model fitted on the series with its outliers replaced (`findOutliers`): it forecasts as the
 * inner model does, and its label and parameters say how many values it did not learn from.
 */
export class CleanedForecast extends WrappedForecast {
  constructor(
    inner: FittedForecaster,
    /** How many values of the series were replaced. */
    readonly replaced: number,
  ) {
    super(inner);
  }

  override get label() {
    return cleanedLabel(this.inner.label, this.replaced);
  }

  override get params() {
    return { ...this.inner.params, clean: true };
  }

  forecast(h: number, levels?: readonly number[], futureRegressors?: Float64Array): ForecastResult {
    return this.inner.forecast(h, levels, futureRegressors);
  }

  toJSON(): ForecasterJSON {
    return { model: 'cleaned', replaced: this.replaced, inner: this.inner.toJSON() };
  }
}
