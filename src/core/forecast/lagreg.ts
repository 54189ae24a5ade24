import { checkCancelled, TrainingError } from '../errors/training-error';
import { directSolveApplies } from '../learners/linear/direct';
import { fit, Model } from '../model';
import { seededRandom } from '../random';
import { numberColumn, Table, type NumberColumn } from '../table';
import { maseScale } from './accuracy';
import { checkHorizon, checkLevels, DEFAULT_LEVELS, numbersField } from './intervals';
import { findOutliers } from './outliers';
import { normalQuantile, sortedQuantile } from './stats';
import type {
  FittedForecaster,
  ForecastFitOptions,
  Forecaster,
  ForecasterJSON,
  ForecastResult,
} from './types';

/**
 * Forecasting as regression: a learner of the training engine (gradient-boosted trees, a random
 * forest or a ridge-regularised linear model) predicts a future value from lagged values,
 * rolling means, the position in the seasonal cycle and any known-in-advance regressors
 * (calendar features among them).
 *
 * Every feature and the target are taken relative to the last observed value and divided by the
 * recent mean absolute one-step change, so that trees — which cannot extrapolate — still follow a
 * trend, and one model serves a series at any level. Two strategies: `recursive` learns one step
 * ahead and feeds its own predictions back; `direct` learns one model per step ahead.
 *
 * The learners learn from the series with its spikes replaced (`findOutliers`), and the changes
 * they learn and predict are clipped to the spread of the changes seen (`changeLimits`); see
 * docs/decisions/0013-outliers-replaced-for-learners-and-as-candidates.md.
 *
 * Prediction intervals are split-conformal: the model is first fitted without the last part of
 * the series, which then yields out-of-sample errors for each step ahead from many origins; the
 * interval at step h is the matching quantile of the errors, normalised by a per-step scale that
 * may only grow with h.
 */

export type LagLearner = 'gbdt' | 'forest' | 'linear';
export type LagStrategy = 'recursive' | 'direct';

export const LAG_LEARNERS: readonly LagLearner[] = ['gbdt', 'forest', 'linear'];

export interface LagRegParams {
  readonly learner: LagLearner;
  readonly strategy: LagStrategy;
  /** The furthest step ahead: direct models need it when fitted. */
  readonly horizon: number;
  /** Number of past values used as features; from the period when left out. */
  readonly lags?: number;
  readonly seed?: number;
  /** Learner hyperparameters over the defaults below. */
  readonly learnerParams?: Readonly<Record<string, unknown>>;
}

const LEARNER_DEFAULTS: Record<LagLearner, Record<string, unknown>> = {
  gbdt: {
    max_iter: 150,
    learning_rate: 0.05,
    max_leaf_nodes: 15,
    min_samples_leaf: 5,
    early_stopping: 'off',
  },
  forest: { n_estimators: 100, min_samples_leaf: 2, max_features: 0.5 },
  linear: { penalty: 'l2', alpha: 1 },
};

interface Layout {
  readonly lags: number;
  readonly windows: readonly number[];
  readonly period: number;
  readonly harmonics: number;
  readonly regressors: number;
  /**
   * The least unit of the features (`localScale`): a share of the mean absolute step of the
   * values the model learned from. Absent in models saved before it (no floor then).
   */
  readonly floor?: number;
}

const featureCount = (layout: Layout) =>
  layout.lags - 1 + layout.windows.length + 2 * layout.harmonics + layout.regressors;

/** The most lags the search gives a model (a cycle of up to 48 steps). */
const MAX_DEFAULT_LAGS = 48;

/**
 * Whether ridge regression on the lags of a series this long (with this many known-in-advance
 * features) may train on tfjs: only when the widest default layout is too big for the exact
 * solve, which runs without it. The gradient-boosted trees and forests on lags never need tfjs.
 */
export function lagRidgeNeedsTfjs(length: number, regressors = 0): boolean {
  const widest = layoutFor(MAX_DEFAULT_LAGS, MAX_DEFAULT_LAGS, regressors);
  return !directSolveApplies(length, featureCount(widest));
}

/**
 * A full cycle of lags for short periods; for long ones (365 days) two weeks of lags, leaving the
 * cycle to the seasonal-position and calendar features.
 */
function defaultLags(period: number): number {
  if (period <= 1) return 8;
  return period <= MAX_DEFAULT_LAGS ? Math.max(period, 4) : 14;
}

function layoutFor(period: number, lags: number, regressors: number): Layout {
  const windows = [3, period].filter((w, i, all) => w > 1 && w <= lags && all.indexOf(w) === i);
  return {
    lags,
    windows,
    period,
    harmonics: period > 2 ? Math.min(2, Math.floor(period / 2)) : 0,
    regressors,
  };
}

/**
 * The share of the series' mean absolute one-step change below which a window's own does not
 * go as the unit of its features (`localScale`).
 */
const SCALE_FLOOR_SHARE = 0.1;

/**
 * The largest change per step ahead, in units of the origin's `localScale`, that a learner is
 * taught to predict, whatever the spread of its changes (`changeLimits`): a bigger one (a spike,
 * a level shift) is learned as this big. A learner
 * that learned a jump of a thousand units predicts part of it from every quiet window, and a
 * recursive forecast, whose unit grows with each change it predicts, then runs off.
 */
const MAX_STEP_UNITS = 50;

/** The layout with its unit's floor taken from the values the model learns from, y[0…n). */
function flooredLayout(layout: Layout, y: Float64Array, n: number): Layout {
  // The mean absolute one-step change: the series' typical step.
  const step = maseScale(y.subarray(0, n), 1);
  return { ...layout, floor: Number.isFinite(step) ? SCALE_FLOOR_SHARE * step : 0 };
}

/**
 * The unit of every feature for an origin t: the mean absolute one-step change over the window
 * ending at t, but no less than a tenth of the series' typical step (`layout.floor`). A window
 * that holds still would otherwise make its unit tiny, and the next real change (a spike after
 * a flat stretch) a jump of hundreds of thousands of units, from which a recursive forecast runs
 * off to infinity. Where the series never moves, a thousandth of its level (or 1).
 */
function localScale(y: Float64Array, t: number, layout: Layout): number {
  let sum = 0;
  let count = 0;
  for (let k = Math.max(1, t - layout.lags + 1); k <= t; k++) {
    sum += Math.abs(y[k]! - y[k - 1]!);
    count++;
  }
  const scale = Math.max(count ? sum / count : 0, layout.floor ?? 0);
  return scale > 1e-12 * (Math.abs(y[t]!) + 1) ? scale : Math.abs(y[t]!) * 1e-3 || 1;
}

/**
 * Writes the features for predicting step `target` (an absolute index) from the history up to
 * and including index t; returns their unit (`localScale`), the unit of the change predicted.
 */
function writeFeatures(
  layout: Layout,
  y: Float64Array,
  t: number,
  target: number,
  regressors: Float64Array | undefined,
  regressorRow: number,
  out: Float64Array,
  at: number,
): number {
  const level = y[t]!;
  const scale = localScale(y, t, layout);
  let j = at;
  for (let k = 1; k < layout.lags; k++) out[j++] = (y[t - k]! - level) / scale;
  for (const window of layout.windows) {
    let sum = 0;
    for (let k = 0; k < window; k++) sum += y[t - k]!;
    out[j++] = (sum / window - level) / scale;
  }
  for (let harmonic = 1; harmonic <= layout.harmonics; harmonic++) {
    const phase = (2 * Math.PI * harmonic * (target % layout.period)) / layout.period;
    out[j++] = Math.sin(phase);
    out[j++] = Math.cos(phase);
  }
  for (let c = 0; c < layout.regressors; c++) {
    out[j++] = regressors![regressorRow * layout.regressors + c]!;
  }
  return scale;
}

function featureNames(layout: Layout): string[] {
  const names: string[] = [];
  for (let k = 1; k < layout.lags; k++) names.push(`lag_${k}`);
  for (const window of layout.windows) names.push(`mean_${window}`);
  for (let harmonic = 1; harmonic <= layout.harmonics; harmonic++) {
    names.push(`season_sin_${harmonic}`, `season_cos_${harmonic}`);
  }
  for (let c = 0; c < layout.regressors; c++) names.push(`regressor_${c + 1}`);
  return names;
}

function tableOf(names: readonly string[], x: Float64Array, rows: number, target?: Float64Array) {
  const columns: NumberColumn[] = names.map((name, c) => {
    const values = new Float64Array(rows);
    for (let r = 0; r < rows; r++) values[r] = x[r * names.length + c]!;
    return numberColumn(name, values);
  });
  if (target) columns.push(numberColumn('target', target));
  return new Table(columns);
}

interface TrainingSet {
  readonly x: Float64Array;
  readonly target: Float64Array;
  readonly rows: number;
  /** The least and the greatest change the targets were clipped to (`changeLimits`). */
  readonly limits: readonly [number, number];
}

/**
 * How far, in spreads of the targets (their interquartile range, or their mean absolute deviation
 * from the median where that is wider), a change the learner is taught may lie beyond the middle
 * half of them. Forecasts are clipped to the same limits, so that no learner — a linear one fed
 * a window that holds a spike extrapolates far — predicts a change unlike any it learned from.
 */
const CHANGE_SPREADS = 3;

/** The limits of the changes a learner learns and predicts, from the raw changes (in units). */
function changeLimits(changes: Float64Array, h: number): [number, number] {
  const sorted = changes.slice().sort();
  const q1 = sortedQuantile(sorted, 0.25);
  const median = sortedQuantile(sorted, 0.5);
  const q3 = sortedQuantile(sorted, 0.75);
  let deviation = 0;
  for (const change of sorted) deviation += Math.abs(change - median);
  deviation /= sorted.length || 1;
  const spread = Math.max(q3 - q1, deviation);
  const cap = MAX_STEP_UNITS * h;
  return [
    Math.max(-cap, q1 - CHANGE_SPREADS * spread, sorted[0] ?? 0),
    Math.min(cap, q3 + CHANGE_SPREADS * spread, sorted[sorted.length - 1] ?? 0),
  ];
}

/** Rows for learning step h ahead from origins layout.lags − 1 … n − 1 − h. */
function trainingSet(
  layout: Layout,
  y: Float64Array,
  n: number,
  h: number,
  regressors: Float64Array | undefined,
): TrainingSet {
  const first = layout.lags - 1;
  const rows = Math.max(0, n - h - first);
  const width = featureCount(layout);
  const x = new Float64Array(rows * width);
  const target = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const t = first + r;
    const scale = writeFeatures(layout, y, t, t + h, regressors, t + h, x, r * width);
    target[r] = (y[t + h]! - y[t]!) / scale;
  }
  const limits = changeLimits(target, h);
  for (let r = 0; r < rows; r++) {
    target[r] = Math.max(limits[0], Math.min(limits[1], target[r]!));
  }
  return { x, target, rows, limits };
}

interface Fitted {
  readonly models: Model[];
  readonly names: string[];
  /** Per model, the limits of the change it predicts; absent in models saved before them. */
  readonly limits?: readonly (readonly [number, number])[];
}

async function fitModels(
  layout: Layout,
  y: Float64Array,
  n: number,
  params: LagRegParams,
  regressors: Float64Array | undefined,
  signal: AbortSignal | undefined,
): Promise<Fitted> {
  const names = featureNames(layout);
  const steps = params.strategy === 'direct' ? params.horizon : 1;
  const models: Model[] = [];
  const limits: (readonly [number, number])[] = [];
  for (let h = 1; h <= steps; h++) {
    checkCancelled(signal);
    const set = trainingSet(layout, y, n, h, regressors);
    if (set.rows < 5) {
      throw new TrainingError(
        'invalid-input',
        `Lag regression needs at least ${layout.lags + h + 4} values to learn ${h} step${h > 1 ? 's' : ''} ahead; it has ${n}.`,
        'series',
      );
    }
    const model = await fit(
      tableOf(names, set.x, set.rows, set.target),
      {
        target: 'target',
        learner: params.learner,
        task: 'regression',
        params: { ...LEARNER_DEFAULTS[params.learner], ...(params.learnerParams ?? {}) },
      },
      { rng: seededRandom((params.seed ?? 0) * 1009 + h), signal },
    );
    models.push(model);
    limits.push(set.limits);
  }
  return { models, names, limits };
}

/** The one change predicted, within the limits of model `index`'s training targets. */
function clip(fitted: Fitted, index: number, prediction: { predicted: ArrayLike<number> }): number {
  const value = prediction.predicted[0]!;
  const limits = fitted.limits?.[index];
  return limits ? Math.max(limits[0], Math.min(limits[1], value)) : value;
}

/** Point forecasts for steps 1…h from the history y[0…n). */
function predictPath(
  fitted: Fitted,
  layout: Layout,
  strategy: LagStrategy,
  y: Float64Array,
  n: number,
  h: number,
  regressors: Float64Array | undefined,
): Float64Array {
  const width = featureCount(layout);
  const out = new Float64Array(h);
  if (strategy === 'direct') {
    const row = new Float64Array(width);
    for (let step = 1; step <= h; step++) {
      const scale = writeFeatures(layout, y, n - 1, n - 1 + step, regressors, n - 1 + step, row, 0);
      const model = fitted.models[step - 1]!;
      const predicted = clip(fitted, step - 1, model.predictRaw(tableOf(fitted.names, row, 1)));
      out[step - 1] = y[n - 1]! + predicted * scale;
    }
    return out;
  }
  const path = new Float64Array(n + h);
  path.set(y.subarray(0, n));
  const row = new Float64Array(width);
  const model = fitted.models[0]!;
  for (let step = 1; step <= h; step++) {
    const t = n - 2 + step;
    const scale = writeFeatures(layout, path, t, t + 1, regressors, t + 1, row, 0);
    const predicted = clip(fitted, 0, model.predictRaw(tableOf(fitted.names, row, 1)));
    path[t + 1] = path[t]! + predicted * scale;
    out[step - 1] = path[t + 1]!;
  }
  return out;
}

/**
 * Out-of-sample errors for steps 1…horizon: fit on all but the last `holdout` values, then
 * forecast from every origin inside the held-out stretch.
 */
async function calibrationErrors(
  layout: Layout,
  y: Float64Array,
  clean: Float64Array,
  params: LagRegParams,
  regressors: Float64Array | undefined,
  signal: AbortSignal | undefined,
): Promise<Float64Array[] | null> {
  const n = y.length;
  const horizon = params.horizon;
  const origins = Math.min(20, Math.max(8, Math.floor(n / 10)));
  const holdout = horizon + origins - 1;
  const trainEnd = n - holdout;
  if (trainEnd - layout.lags - horizon < Math.max(20, 2 * featureCount(layout))) return null;
  // The held-out values do not set the calibration model's unit.
  const held = flooredLayout(layout, clean, trainEnd);
  const fitted = await fitModels(held, clean, trainEnd, params, regressors, signal);
  const errors = Array.from({ length: horizon }, () => new Float64Array(origins));
  for (let o = 0; o < origins; o++) {
    checkCancelled(signal);
    const end = trainEnd + o;
    const path = predictPath(fitted, held, params.strategy, clean, end, horizon, regressors);
    for (let step = 0; step < horizon; step++) errors[step]![o] = y[end + step]! - path[step]!;
  }
  return errors;
}

/** Per-step scales (root mean square error, never shrinking with h) and conformal multipliers. */
function intervalModel(errors: Float64Array[]): { scales: Float64Array; normalized: Float64Array } {
  const horizon = errors.length;
  const scales = new Float64Array(horizon);
  let running = 0;
  for (let h = 0; h < horizon; h++) {
    const e = errors[h]!;
    let sum = 0;
    for (const value of e) sum += value * value;
    running = Math.max(running, Math.sqrt(sum / e.length));
    scales[h] = running;
  }
  const pooled: number[] = [];
  errors.forEach((e, h) => {
    const scale = scales[h]!;
    for (const value of e) pooled.push(scale > 0 ? Math.abs(value) / scale : 0);
  });
  return { scales, normalized: Float64Array.from(pooled).sort() };
}

/** The split-conformal quantile: the ⌈(m + 1)·level⌉-th smallest of m scores. */
function conformalQuantile(sorted: Float64Array, level: number): number {
  const m = sorted.length;
  const rank = Math.ceil((m + 1) * (level / 100));
  if (rank <= m) return sorted[rank - 1]!;
  // Too few scores for this level: extrapolate with a normal tail fitted to the largest score.
  const top = sorted[m - 1]!;
  return top * (normalQuantile(0.5 + level / 200) / normalQuantile(1 - 0.5 / (m + 1)));
}

class LagRegression implements FittedForecaster {
  readonly model = 'lagreg';

  constructor(
    private readonly settings: LagRegParams,
    private readonly layout: Layout,
    private readonly fittedModels: Fitted,
    /**
     * The last values of the series, the history every forecast starts from. It starts a whole
     * number of periods into the series, so that seasonal positions stay where they were.
     */
    private readonly history: Float64Array,
    private readonly scales: Float64Array,
    private readonly normalized: Float64Array,
    readonly fitted: Float64Array,
  ) {}

  get label() {
    const learner = { gbdt: 'Boosted trees', forest: 'Random forest', linear: 'Ridge regression' }[
      this.settings.learner
    ];
    return `${learner} on ${this.layout.lags} lags, ${this.settings.strategy}`;
  }

  get params(): Record<string, unknown> {
    return {
      learner: this.settings.learner,
      strategy: this.settings.strategy,
      lags: this.layout.lags,
      ...(this.layout.regressors ? { regressors: this.layout.regressors } : {}),
    };
  }

  forecast(
    h: number,
    levels: readonly number[] = DEFAULT_LEVELS,
    futureRegressors?: Float64Array,
  ): ForecastResult {
    checkHorizon(h);
    checkLevels(levels);
    if (this.settings.strategy === 'direct' && h > this.settings.horizon) {
      throw new TrainingError(
        'invalid-params',
        `This direct model was trained for ${this.settings.horizon} steps ahead, not ${h}.`,
        'horizon',
      );
    }
    const width = this.layout.regressors;
    if (width && (!futureRegressors || futureRegressors.length < h * width)) {
      throw new TrainingError(
        'invalid-input',
        `Forecasting ${h} steps needs ${h} future rows of the ${width} regressors.`,
        'regressors',
      );
    }
    const n = this.history.length;
    // Regressor rows are indexed by step from the start of the history; only the future rows are
    // ever read, so the past ones stay zero.
    let rows: Float64Array | undefined;
    if (width && futureRegressors) {
      rows = new Float64Array((n + h) * width);
      rows.set(futureRegressors.subarray(0, h * width), n * width);
    }
    const mean = predictPath(
      this.fittedModels,
      this.layout,
      this.settings.strategy,
      this.history,
      n,
      h,
      rows,
    );
    const horizon = this.scales.length;
    return {
      mean,
      intervals: levels.map((level) => {
        const q = conformalQuantile(this.normalized, level);
        const lo = new Float64Array(h);
        const hi = new Float64Array(h);
        for (let i = 0; i < h; i++) {
          // Beyond the calibrated steps the width grows like a random walk's.
          const scale =
            i < horizon
              ? this.scales[i]!
              : this.scales[horizon - 1]! * Math.sqrt((i + 1) / horizon);
          lo[i] = mean[i]! - q * scale;
          hi[i] = mean[i]! + q * scale;
        }
        return { level, lo, hi };
      }),
    };
  }

  toJSON(): ForecasterJSON {
    return {
      model: 'lagreg',
      settings: this.settings,
      layout: this.layout,
      history: Array.from(this.history),
      scales: Array.from(this.scales),
      normalized: Array.from(this.normalized),
      names: this.fittedModels.names,
      ...(this.fittedModels.limits ? { limits: this.fittedModels.limits.flat() } : {}),
      models: this.fittedModels.models.map((model) => model.toJSON()),
    };
  }

  static restore(json: ForecasterJSON): LagRegression {
    const layout = json.layout as Layout | undefined;
    const settings = json.settings as LagRegParams | undefined;
    const models = json.models;
    if (!layout || !settings || !Array.isArray(models) || !Array.isArray(json.names)) {
      throw new TrainingError(
        'invalid-input',
        'The saved lag regression model is malformed.',
        'lagreg',
      );
    }
    const flat = json.limits === undefined ? null : numbersField(json, 'limits');
    if (flat && flat.length !== 2 * models.length) {
      throw new TrainingError(
        'invalid-input',
        `The saved lag regression model has ${flat.length} change limits for ${models.length} models.`,
        'lagreg',
      );
    }
    const limits = flat
      ? models.map((_, i) => [flat[2 * i]!, flat[2 * i + 1]!] as const)
      : undefined;
    return new LagRegression(
      settings,
      layout,
      {
        models: models.map((model) => Model.fromJSON(model)),
        names: json.names as string[],
        ...(limits ? { limits } : {}),
      },
      numbersField(json, 'history'),
      numbersField(json, 'scales'),
      numbersField(json, 'normalized'),
      new Float64Array(0),
    );
  }
}

function readParams(
  raw: Readonly<Record<string, unknown>> | undefined,
  seed: number | undefined,
): LagRegParams {
  const learner = (raw?.learner ?? 'gbdt') as LagLearner;
  const strategy = (raw?.strategy ?? 'recursive') as LagStrategy;
  const horizon = Number(raw?.horizon ?? 1);
  if (!LAG_LEARNERS.includes(learner)) {
    throw new TrainingError(
      'invalid-params',
      `Lag regression learns with ${LAG_LEARNERS.join(', ')}, not “${String(raw?.learner)}”.`,
      'learner',
    );
  }
  if (strategy !== 'recursive' && strategy !== 'direct') {
    throw new TrainingError(
      'invalid-params',
      `The strategy is recursive or direct, not “${String(raw?.strategy)}”.`,
      'strategy',
    );
  }
  checkHorizon(horizon);
  return {
    learner,
    strategy,
    horizon,
    ...(raw?.lags !== undefined ? { lags: Number(raw.lags) } : {}),
    seed: Number(raw?.seed ?? seed ?? 0),
    ...(raw?.learnerParams ? { learnerParams: raw.learnerParams as Record<string, unknown> } : {}),
  };
}

export async function fitLagRegression(
  y: Float64Array,
  options: ForecastFitOptions,
  rawParams?: Readonly<Record<string, unknown>>,
): Promise<FittedForecaster> {
  const params = readParams(rawParams, options.seed);
  const n = y.length;
  const period = Math.max(1, Math.round(options.period));
  const lags = Math.max(2, Math.min(params.lags ?? defaultLags(period), Math.floor(n / 3)));
  const columns = options.regressors?.columns ?? 0;
  const regressors = columns ? options.regressors!.x : undefined;
  if (regressors && regressors.length < n * columns) {
    throw new TrainingError(
      'invalid-input',
      `The regressors have ${regressors.length / columns} rows; the series has ${n}.`,
      'regressors',
    );
  }
  // The learners learn from, and forecast from, the series with its spikes taken out: a learner
  // taught the jump into a spike and the fall out of it predicts such jumps again, and a
  // recursive forecast whose window holds a spike runs off. Known-in-advance regressors may
  // explain the spikes (a promotion, a holiday), so with them the series is left as it is.
  const clean = columns ? y : findOutliers(y, period).cleaned;
  const layout = flooredLayout(layoutFor(period, lags, columns), clean, n);
  const errors = await calibrationErrors(layout, y, clean, params, regressors, options.signal);
  const final = await fitModels(layout, clean, n, params, regressors, options.signal);

  const oneStep = trainingSet(layout, clean, n, 1, regressors);
  const predicted = final.models[0]!.predictRaw(
    tableOf(final.names, oneStep.x, oneStep.rows),
  ).predicted;
  const fitted = new Float64Array(n).fill(NaN);
  const residuals: number[] = [];
  for (let r = 0; r < oneStep.rows; r++) {
    const t = layout.lags - 1 + r;
    fitted[t + 1] = clean[t]! + predicted[r]! * localScale(clean, t, layout);
    residuals.push(y[t + 1]! - fitted[t + 1]!);
  }
  let scales: Float64Array;
  let normalized: Float64Array;
  if (errors) ({ scales, normalized } = intervalModel(errors));
  else {
    // Too short to hold data out: in-sample one-step errors, widened like a random walk's.
    const rmse = Math.sqrt(residuals.reduce((sum, e) => sum + e * e, 0) / residuals.length);
    scales = Float64Array.from({ length: params.horizon }, (_, h) => rmse * Math.sqrt(h + 1));
    normalized = Float64Array.from(residuals, (e) => (rmse > 0 ? Math.abs(e) / rmse : 0)).sort();
  }
  const needed = layout.lags + Math.max(0, ...layout.windows);
  const keep = Math.min(n, period > 1 ? needed + ((n - needed) % period) : needed);
  return new LagRegression(
    params,
    layout,
    final,
    clean.slice(n - keep),
    scales,
    normalized,
    fitted,
  );
}

export const lagreg: Forecaster = {
  name: 'lagreg',
  label: 'Regression on lags',
  usesRegressors: true,
  // Beyond its lag window the learner should see each position of a short season at least twice,
  // or it learns the seasonal shape from one example of each (trees cannot then tell it from noise).
  minLength: (period) =>
    defaultLags(Math.max(1, period)) +
    10 +
    (period > 1 && period <= MAX_DEFAULT_LAGS ? 2 * period : 0),
  fit: fitLagRegression,
  restore: (json) => LagRegression.restore(json),
};
