import { checkCancelled, TrainingError } from '../errors/training-error';
import { zeroShare } from './croston';
import { accuracy, maseScale, meanAccuracy, type Accuracy, type AccuracyMetric } from './accuracy';
import {
  backtest,
  DEFAULT_FOLDS,
  planFolds,
  scoreFold,
  type Fold,
  type FoldResult,
} from './backtest';
import {
  decomposeForChart,
  residualDiagnostics,
  type Decomposition,
  type ResidualDiagnostics,
} from './diagnostics';
import { averageResults } from './ensemble';
import { clearlyBetter, farAhead, foldsTooAlike, unbeatenBenchmarks } from './benchmarks';
import { checkHorizon, checkLevels, DEFAULT_LEVELS } from './intervals';
import { multiplicativeGrowth } from './growth';
import { findOutliers } from './outliers';
import { fitForecaster, FORECASTERS, getForecaster, periodOf } from './registry';
import { blendForecasters, floorResult, relabelCleaned, widenForecaster } from './transformed';
import { calibrateIntervals, type IntervalCalibration } from './calibrate';
import type { FittedForecaster, ForecastResult } from './types';
import { sameForecasts } from './ui-view';

export { clearlyBetter } from './benchmarks';
export { sameForecasts } from './ui-view';

/** A model family with fixed settings: one entry of the search. */
export interface CandidateSpec {
  readonly model: string;
  readonly params: Readonly<Record<string, unknown>>;
}

export interface FoldForecast {
  readonly origin: number;
  readonly mean: Float64Array;
  readonly lo: Float64Array;
  readonly hi: Float64Array;
}

export interface LeaderboardEntry {
  /** Order in which candidates were tried, from 1; the ensemble comes after them all. */
  readonly trial: number;
  readonly model: string;
  /** The fitted form at the last cut-off, e.g. "ETS(M,Ad,M)". */
  readonly label: string;
  readonly params: Readonly<Record<string, unknown>>;
  /** Mean over the backtest folds. */
  readonly backtest: Accuracy;
  /** Seconds spent fitting and forecasting all folds. */
  readonly fit_s: number;
  /** Each fold's forecast, with the interval at the first requested level (80% by default). */
  readonly folds: readonly FoldForecast[];
  /** For the ensemble: the trials it averages. */
  readonly members?: readonly number[];
  /**
   * For a blend of the best model with the benchmarks it did not clearly beat, or a mean of the
   * best few that scored a little worse than the best alone: why the search chose it over that
   * model, whose backtest score is better.
   */
  readonly why?: string;
}

export type StopReason = 'complete' | 'budget' | 'trials';

/**
 * Why a candidate was stopped before the deadline: the folds done, and the seconds its whole
 * backtest would take at their pace, against the seconds the budget had left for it when it
 * started.
 */
export interface StopProjection {
  readonly folds: number;
  readonly of: number;
  readonly seconds: number;
  readonly leftSeconds: number;
}

export type ForecastEvent =
  | {
      readonly type: 'series-started';
      readonly series: string | null;
      readonly index: number;
      readonly count: number;
      readonly length: number;
      readonly period: number;
      readonly candidates: number;
      readonly folds: readonly Fold[];
    }
  | {
      readonly type: 'candidate-started';
      readonly series: string | null;
      readonly trial: number;
      readonly model: string;
      readonly params: Readonly<Record<string, unknown>>;
      readonly elapsedSeconds: number;
    }
  | {
      readonly type: 'candidate-finished';
      readonly series: string | null;
      readonly entry: LeaderboardEntry;
      readonly elapsedSeconds: number;
    }
  | {
      readonly type: 'candidate-failed';
      readonly series: string | null;
      readonly trial: number;
      readonly model: string;
      readonly params: Readonly<Record<string, unknown>>;
      readonly reason: string;
      readonly elapsedSeconds: number;
    }
  | {
      /**
       * The budget (less what refitting the best few takes) ran out while it ran, or its folds
       * so far showed that it would (`projected`).
       */
      readonly type: 'candidate-stopped';
      readonly series: string | null;
      readonly trial: number;
      readonly model: string;
      readonly params: Readonly<Record<string, unknown>>;
      readonly elapsedSeconds: number;
      /** Set when it was stopped early, after the folds that showed it would be. */
      readonly projected?: StopProjection;
    }
  | {
      readonly type: 'candidate-skipped';
      readonly series: string | null;
      readonly model: string;
      readonly params: Readonly<Record<string, unknown>>;
      readonly reason: 'budget' | 'trials' | 'too-short';
    }
  | {
      readonly type: 'ensemble';
      readonly series: string | null;
      readonly entry: LeaderboardEntry;
      /**
       * Whether it was chosen: it backtested better than the best single model or within
       * COMBINATION_MARGIN of it (then `entry.why` says so), or it blends that model with the
       * benchmarks it did not clearly beat (`entry.why` says so too).
       */
      readonly kept: boolean;
      /** The best model (or mean of the best few) averaged with the benchmarks it did not beat. */
      readonly blend?: boolean;
    }
  | {
      readonly type: 'series-finished';
      readonly series: string | null;
      readonly best: LeaderboardEntry;
      readonly stopped: StopReason;
      readonly elapsedSeconds: number;
    };

export interface SearchOptions {
  readonly horizon: number;
  /** Seasonal period in steps; 1 for none. */
  readonly period: number;
  /**
   * Other seasonal periods worth trying (daily data: a week when `period` is a year, and the
   * reverse). The cheap seasonal models are also backtested with each, and the backtest decides.
   */
  readonly periods?: readonly number[];
  /** Milliseconds on a monotonic clock (`performance.now`, or a fake one in tests). */
  readonly now: () => number;
  /** Seconds for the whole search, refit included; unlimited when left out. */
  readonly budgetSeconds?: number;
  /** At most this many candidates are backtested. */
  readonly maxTrials?: number;
  readonly seed?: number;
  readonly signal?: AbortSignal;
  readonly metric?: AccuracyMetric;
  /** Backtest cut-offs; 8 by default. */
  readonly folds?: number;
  /** Steps between backtest cut-offs; a quarter of the horizon by default. */
  readonly step?: number;
  /** Interval levels in percent; [80, 95] by default. */
  readonly levels?: readonly number[];
  /**
   * Families to try (naive, snaive, drift, mean, theta, trend, ets, arima, stl, lagreg); all by
   * default.
   */
  readonly families?: readonly string[];
  /** Also try Box–Cox transformed fits of positive series. On by default. */
  readonly boxCox?: boolean;
  /** Try averaging the best 2…k models; 3 by default, 0 or 1 turns it off. */
  readonly ensemble?: number;
  /**
   * Known-in-advance regressors for every training step and the `horizon` steps after it
   * (`(n + horizon) × columns`), read by the models that use them (lag regression).
   */
  readonly regressors?: { readonly columns: number; readonly x: Float64Array };
  /**
   * The user's known-in-advance columns (prices, planned promotions, holidays), laid out as
   * `regressors`. Lag regression reads them beside `regressors`, and a regression on them with
   * ARIMA errors (auto.arima with `xreg`) joins the candidates.
   */
  readonly features?: {
    readonly columns: number;
    readonly x: Float64Array;
    readonly names?: readonly string[];
  };
  /**
   * The period was found in the series' own autocorrelation, with no calendar behind it (yearly
   * data, plain steps): a cycle, such as those of animal populations, sunspots or lake levels,
   * whose length drifts from one to the next, rather than a season. Naive then stays a benchmark
   * beside seasonal naive at that period.
   */
  readonly cycle?: boolean;
  /** A name for the series in events and results. */
  readonly series?: string | null;
  /** Position and count of this series among several, for progress. */
  readonly seriesIndex?: number;
  readonly seriesCount?: number;
  readonly onEvent?: (event: ForecastEvent) => void;
}

export interface SeriesForecast {
  readonly series: string | null;
  readonly horizon: number;
  readonly period: number;
  readonly metric: AccuracyMetric;
  readonly folds: readonly Fold[];
  /** Best first, by the metric; the ensemble is listed when one was built. */
  readonly leaderboard: readonly LeaderboardEntry[];
  readonly best: LeaderboardEntry;
  /** The best model (or ensemble) refitted on the whole series. */
  readonly model: FittedForecaster;
  readonly forecast: ForecastResult;
  /**
   * How the best model's intervals did on the backtest, and the factor they were widened by
   * (`model` and `forecast` include it); null when the folds held too few values to tell.
   */
  readonly intervals: IntervalCalibration | null;
  readonly fitted: Float64Array;
  readonly residuals: Float64Array;
  readonly diagnostics: ResidualDiagnostics;
  readonly decomposition: Decomposition;
  readonly stopped: StopReason;
  readonly elapsedSeconds: number;
}

const HAS_SEASON = (period: number) => period > 1;

/**
 * The candidates for a series, cheapest and most often best first, so that a short budget still
 * covers the strong classical models: the benchmarks, theta, a linear trend, ETS and ARIMA with automatic
 * selection, STL with a model for the adjusted series, Box–Cox variants for positive data, then
 * regression learners on lags (direct ones, which fit one model per step, last).
 */
export function candidateSpecs(options: {
  readonly period: number;
  readonly periods?: readonly number[];
  readonly horizon: number;
  readonly positive: boolean;
  /**
   * Demand that is often zero (never negative, zero in a quarter of the periods or more). Croston's
   * method is tried on it when the families asked for name it, not by default: on 24 generated
   * demand series it made no held-out forecast better by MASE (an absolute error, which favours
   * the median, often 0 for such demand) and three worse; chosen by RMSE, four better and six
   * worse, even on the whole.
   */
  readonly intermittent?: boolean;
  readonly boxCox?: boolean;
  readonly families?: readonly string[];
  readonly seed?: number;
  /** Regressor columns known in advance: a regression on them with ARIMA errors is tried. */
  readonly xreg?: readonly number[];
  /**
   * The series has outliers (`findOutliers`): the benchmark, theta, ETS, STL and ARIMA are tried
   * on it with them replaced too. A spike in the last season is repeated by seasonal naive and
   * pulls ETS's level and season; on 8 generated monthly series with three spikes each, ETS's
   * held-out MASE went from 1.65 to 0.25 on the cleaned series, ARIMA's from 1.00 to 0.25.
   */
  readonly outliers?: boolean;
  /**
   * The series grows by a rate (`multiplicativeGrowth`): the trend models are fitted on the log
   * scale, where that growth is a straight line, and ETS and ARIMA are tried there too.
   */
  readonly multiplicative?: boolean;
}): CandidateSpec[] {
  const { period, horizon, positive } = options;
  const xreg = options.xreg?.length
    ? [{ model: 'arima', params: { xreg: [...options.xreg] } }]
    : [];
  const seasonal = HAS_SEASON(period);
  const boxCox = (options.boxCox ?? true) && positive;
  // Compound growth is a straight line on the log scale, so the trend models are fitted there.
  // Without a season ETS and ARIMA are tried on logs too: Guerrero's λ then compares the spread of
  // consecutive pairs only, which says little. Seasonal series get Guerrero's λ from whole
  // seasons, and their ETS and ARIMA fits cost too much to double.
  const logScale = boxCox && options.multiplicative === true;
  const has = (name: string) => Object.hasOwn(FORECASTERS, name);
  const stlMethods = ['ets', 'arima'].filter(has);
  const seed = options.seed ?? 0;
  const others = (options.periods ?? []).filter(
    (other) => Number.isInteger(other) && other > 1 && other !== period,
  );
  const withOthers = (model: string, params: Record<string, unknown>, limit = Infinity) =>
    others
      .filter((other) => other <= limit)
      .map((other) => ({ model, params: { ...params, period: other } }));
  if (seasonal && period > LONG_PERIOD) return longPeriodSpecs(options, others);
  const specs: CandidateSpec[] = [
    ...(seasonal ? [{ model: 'snaive', params: {} }] : []),
    ...withOthers('snaive', {}),
    { model: 'naive', params: {} },
    { model: 'drift', params: {} },
    ...(logScale ? [{ model: 'drift', params: { lambda: 0 } }] : []),
    { model: 'mean', params: {} },
    ...crostonSpecs(options, true),
    { model: 'theta', params: {} },
    ...withOthers('theta', {}),
    ...(boxCox ? [{ model: 'theta', params: { lambda: 0 } }] : []),
    // A straight line through compound growth forecasts too low, and more so the longer the
    // history; the backtest, training on shorter windows, cannot see it (see growth.ts).
    { model: 'trend', params: logScale ? { lambda: 0 } : {} },
    { model: 'ets', params: {} },
    { model: 'ets', params: { damped: true } },
    ...(options.outliers
      ? [
          { model: seasonal ? 'snaive' : 'naive', params: { clean: true } },
          { model: 'theta', params: { clean: true } },
          { model: 'ets', params: { clean: true } },
          ...(seasonal ? [{ model: 'stl', params: { method: 'ets', clean: true } }] : []),
        ]
      : []),
    ...(logScale && !seasonal
      ? [
          { model: 'ets', params: { lambda: 0 } },
          { model: 'ets', params: { lambda: 0, damped: true } },
        ]
      : []),
    ...withOthers('ets', {}, LONG_PERIOD),
    ...(seasonal ? [{ model: 'stl', params: { method: 'theta' } }] : []),
    ...(seasonal ? stlMethods.map((method) => ({ model: 'stl', params: { method } })) : []),
    ...withOthers('stl', { method: 'ets' }),
    // STL fits in a fraction of the time of an ARIMA search, so its Box–Cox variant goes first.
    ...(boxCox && seasonal ? [{ model: 'stl', params: { method: 'ets', lambda: 'auto' } }] : []),
    ...xreg,
    { model: 'arima', params: {} },
    ...(options.outliers ? [{ model: 'arima', params: { clean: true } }] : []),
    ...(logScale && !seasonal ? [{ model: 'arima', params: { lambda: 0 } }] : []),
    ...(boxCox
      ? [
          { model: 'ets', params: { lambda: 'auto' } },
          { model: 'arima', params: { lambda: 'auto' } },
        ]
      : []),
    ...(seasonal ? [{ model: 'stl', params: { method: 'ets', robust: true } }] : []),
    { model: 'lagreg', params: { learner: 'linear', strategy: 'recursive', horizon, seed } },
    { model: 'lagreg', params: { learner: 'gbdt', strategy: 'recursive', horizon, seed } },
    { model: 'lagreg', params: { learner: 'forest', strategy: 'recursive', horizon, seed } },
    { model: 'lagreg', params: { learner: 'gbdt', strategy: 'direct', horizon, seed } },
  ];
  const families = options.families;
  return specs.filter((spec) => has(spec.model) && (!families || families.includes(spec.model)));
}

/**
 * Seasonal periods above this (a week of hours, a year of days) get no seasonal ETS (R's ets
 * refuses them too) and no seasonal ARIMA, whose state grows with the period and whose fits take
 * seconds each: STL, theta's seasonal adjustment, seasonal dummies and Fourier terms carry the
 * season instead.
 */
export const LONG_PERIOD = 24;

/**
 * A candidate whose folds so far, at their pace, would need more than this many times the budget
 * it has left is stopped after the fold that shows it, not at the deadline. Its later folds train
 * on a few more values and take as long or longer, so the margin only covers a fold that ran slow.
 */
export const OVERRUN = 1.25;

/** The share of zero values from which a non-negative series counts as intermittent demand. */
export const INTERMITTENT_ZEROS = 0.25;

/**
 * Croston's method for intermittent demand, when the families asked for name it: SBA, and with
 * `classic` the original method too. See `intermittent` for why never by default.
 */
function crostonSpecs(
  options: { readonly intermittent?: boolean; readonly families?: readonly string[] },
  classic: boolean,
): CandidateSpec[] {
  if (!options.intermittent || !options.families?.includes('croston')) return [];
  const sba = { model: 'croston', params: {} };
  return classic ? [sba, { model: 'croston', params: { method: 'classic' } }] : [sba];
}

/**
 * Candidates for a long seasonal period, decomposition models first: they fit in milliseconds
 * where the others take seconds, and they are the ones that model such a season at all.
 */
function longPeriodSpecs(
  options: Parameters<typeof candidateSpecs>[0],
  others: readonly number[],
): CandidateSpec[] {
  const { horizon, positive } = options;
  const seed = options.seed ?? 0;
  const boxCox = (options.boxCox ?? true) && positive;
  const has = (name: string) => Object.hasOwn(FORECASTERS, name);
  const shorter = others.filter((other) => other < options.period);
  const specs: CandidateSpec[] = [
    { model: 'snaive', params: {} },
    ...others.map((other) => ({ model: 'snaive', params: { period: other } })),
    { model: 'naive', params: {} },
    { model: 'drift', params: {} },
    { model: 'mean', params: {} },
    ...crostonSpecs(options, false),
    { model: 'theta', params: {} },
    ...others.map((other) => ({ model: 'theta', params: { period: other } })),
    { model: 'stl', params: { method: 'theta' } },
    { model: 'stl', params: { method: 'ets' } },
    ...(options.outliers
      ? [
          { model: 'snaive', params: { clean: true } },
          { model: 'stl', params: { method: 'ets', clean: true } },
        ]
      : []),
    ...shorter.map((other) => ({ model: 'stl', params: { method: 'ets', period: other } })),
    ...(boxCox ? [{ model: 'stl', params: { method: 'ets', lambda: 'auto' } }] : []),
    { model: 'trend', params: {} },
    ...(options.xreg?.length
      ? [{ model: 'arima', params: { fourier: 'auto', xreg: [...options.xreg] } }]
      : []),
    { model: 'arima', params: { fourier: 'auto' } },
    { model: 'stl', params: { method: 'arima' } },
    { model: 'stl', params: { method: 'ets', robust: true } },
    ...shorter
      .filter((other) => other <= LONG_PERIOD)
      .map((other) => ({ model: 'ets', params: { period: other } })),
    { model: 'lagreg', params: { learner: 'linear', strategy: 'recursive', horizon, seed } },
    { model: 'lagreg', params: { learner: 'gbdt', strategy: 'recursive', horizon, seed } },
    // Without a season: ETS takes none this long, and seasonal ARIMA would take minutes.
    { model: 'ets', params: { damped: true, period: 1 } },
    { model: 'arima', params: { seasonal: false } },
  ];
  const families = options.families;
  return specs.filter((spec) => has(spec.model) && (!families || families.includes(spec.model)));
}

const metricOf = (metric: AccuracyMetric) => (entry: LeaderboardEntry) => {
  const value = entry.backtest[metric];
  return Number.isFinite(value) ? value : Infinity;
};

function foldForecasts(folds: readonly FoldResult[]): FoldForecast[] {
  return folds.map((fold) => ({
    origin: fold.origin,
    mean: fold.forecast.mean,
    lo: fold.forecast.intervals[0]?.lo ?? fold.forecast.mean,
    hi: fold.forecast.intervals[0]?.hi ?? fold.forecast.mean,
  }));
}

/**
 * Fewer cut-offs than this choose by noise: one or two windows of a short series say little about
 * which model forecasts best. When the candidates that need the longest training windows would
 * leave fewer, they are dropped so that the others get these many folds.
 */
export const MIN_FOLDS = 4;

/**
 * The fold plan and the candidates it admits. The plan admits every candidate when the series is
 * long enough; otherwise the most demanding candidates (lag regression on short series) are
 * dropped until the folds reach the full horizon (or half of it, when nothing reaches it all) and
 * number at least `MIN_FOLDS` (or as many as the least demanding candidates allow).
 */
function planFor(
  n: number,
  specs: CandidateSpec[],
  options: SearchOptions,
): { folds: Fold[]; eligible: CandidateSpec[]; dropped: CandidateSpec[] } {
  const minimum = (spec: CandidateSpec) =>
    getForecaster(spec.model).minLength(periodOf(spec.params, options.period));
  const lengths = [...new Set(specs.map(minimum))].sort((a, b) => b - a);
  // Windows under two seasons teach the seasonal models nothing and would drop seasonal naive,
  // the benchmark every choice is checked against: when candidates are dropped for more folds,
  // the folds still train on two seasons, unless even the least demanding plan has to go lower.
  const floor = 2 * Math.max(1, options.period) + 1;
  const plansFrom = (minima: readonly number[]) =>
    minima
      .filter((minTrain) => n - minTrain >= 1)
      .map((minTrain) => ({
        minTrain,
        folds: planFolds(n, {
          horizon: options.horizon,
          folds: options.folds,
          step: options.step,
          minTrain,
        }),
      }))
      .filter((plan) => plan.folds.length > 0);
  const atLeast = (least: number) =>
    plansFrom([...new Set(lengths.map((length) => Math.max(length, least)))]);
  const floored = atLeast(floor);
  // A seasonal series under two seasons and a step long still keeps seasonal naive (and the
  // seasonal models that train on one season and a step) when its folds can reach half the
  // horizon: folds that train the other models on a handful of values would otherwise pick, for
  // two years of months forecast a year ahead, a flat line out of naive, mean and drift (held-out
  // MASE 4.35 on such a series, where seasonal naive scores 1.13).
  const seasonalPlans = HAS_SEASON(options.period)
    ? atLeast(getForecaster('snaive').minLength(options.period)).filter(
        (plan) => plan.folds[0]!.horizon >= Math.ceil(options.horizon / 2),
      )
    : [];
  const plans = floored.length
    ? floored
    : seasonalPlans.length
      ? seasonalPlans
      : plansFrom(lengths);
  if (plans.length) {
    const reach = (plan: (typeof plans)[number]) => plan.folds[0]!.horizon;
    const widest = Math.max(...plans.map(reach));
    // Folds that stop short of the horizon score the wrong thing, so candidates are dropped to
    // reach it; when no plan does, to reach at least half of it.
    const needed =
      widest >= options.horizon
        ? options.horizon
        : Math.min(widest, Math.ceil(options.horizon / 2));
    const reaching = plans.filter((plan) => reach(plan) >= needed);
    const enough = Math.min(
      options.folds ?? DEFAULT_FOLDS,
      MIN_FOLDS,
      Math.max(...reaching.map((plan) => plan.folds.length)),
    );
    const chosen = reaching.find((plan) => plan.folds.length >= enough)!;
    return {
      folds: chosen.folds,
      eligible: specs.filter((spec) => minimum(spec) <= chosen.minTrain),
      dropped: specs.filter((spec) => minimum(spec) > chosen.minTrain),
    };
  }
  throw new SeriesTooShortError(options.series ?? null, n, (lengths.at(-1) ?? 2) + 1);
}

/** A series shorter than the least demanding candidate can be backtested on. */
export class SeriesTooShortError extends TrainingError {
  constructor(
    readonly id: string | null,
    readonly length: number,
    readonly needed: number,
  ) {
    super(
      'invalid-input',
      `The series${id ? ` “${id}”` : ''} has ${length} ${length === 1 ? 'value' : 'values'}; forecasting needs at least ${needed}.`,
      'series',
    );
  }
}

/**
 * The forecasting AutoML for one series: backtests every candidate over the same rolling-origin
 * folds within the budget, ranks them by the metric (MASE by default), averages the best few unless
 * the best one alone backtests clearly better (COMBINATION_MARGIN), refits the winner on the whole
 * series and forecasts.
 */
export async function searchForecast(
  y: Float64Array,
  options: SearchOptions,
): Promise<SeriesForecast> {
  checkHorizon(options.horizon);
  const levels = options.levels ?? DEFAULT_LEVELS;
  checkLevels(levels);
  const n = y.length;
  for (let t = 0; t < n; t++) {
    if (!Number.isFinite(y[t]!)) {
      throw new TrainingError(
        'non-finite',
        `The series has a missing or infinite value at step ${t + 1}; fill it first.`,
        `step ${t + 1}`,
      );
    }
  }
  const { now, horizon, period, signal } = options;
  const seriesName = options.series ?? null;
  const metric = options.metric ?? 'mase';
  const started = now();
  const elapsed = () => (now() - started) / 1000;
  const budget = options.budgetSeconds ?? Infinity;
  const maxTrials = options.maxTrials ?? Infinity;
  const emit = (event: ForecastEvent) => options.onEvent?.(event);
  const positive = y.every((value) => value > 0);
  const allRegressors = joinRegressors(n + options.horizon, options.regressors, options.features);
  const featureColumns = options.features
    ? Array.from(
        { length: options.features.columns },
        (_, j) => (options.regressors?.columns ?? 0) + j,
      )
    : undefined;
  const multiplicative = positive && multiplicativeGrowth(y);
  const intermittent = y.every((value) => value >= 0) && zeroShare(y) >= INTERMITTENT_ZEROS;
  const outliers = findOutliers(y, period).index;
  const specs = candidateSpecs({
    ...options,
    positive,
    multiplicative,
    intermittent,
    xreg: featureColumns,
    outliers: outliers.length > 0,
  });
  if (!specs.length) {
    const crostonOnly = !intermittent && options.families?.includes('croston');
    throw new TrainingError(
      'invalid-params',
      crostonOnly
        ? `Croston's method forecasts demand that is often zero, and the series${options.series ? ` “${options.series}”` : ''} ${y.some((value) => value < 0) ? 'goes below 0' : `is zero in only ${Math.round(100 * zeroShare(y))}% of its steps (it needs ${100 * INTERMITTENT_ZEROS}% or more)`}: choose other models too.`
        : `None of the requested model families is available: ${(options.families ?? []).join(', ')}.`,
      'families',
    );
  }
  const { folds, eligible, dropped } = planFor(n, specs, options);
  const trainingRegressors = allRegressors
    ? {
        ...allRegressors,
        x: allRegressors.x.slice(0, n * allRegressors.columns),
      }
    : undefined;
  emit({
    type: 'series-started',
    series: seriesName,
    index: options.seriesIndex ?? 0,
    count: options.seriesCount ?? 1,
    length: n,
    period,
    candidates: eligible.length,
    folds,
  });
  for (const spec of dropped) {
    emit({ type: 'candidate-skipped', series: seriesName, ...spec, reason: 'too-short' });
  }

  const entries: LeaderboardEntry[] = [];
  const foldResults = new Map<number, readonly FoldResult[]>();
  const secondsByFamily = new Map<string, number>();
  let stopped: StopReason = 'complete';
  let trial = 0;
  for (const spec of eligible) {
    checkCancelled(signal);
    if (trial >= maxTrials) {
      stopped = 'trials';
      emit({ type: 'candidate-skipped', series: seriesName, ...spec, reason: 'trials' });
      continue;
    }
    // Keep back what refitting the best few will take: about one fold's fit each.
    const best = [...entries].sort((a, b) => metricOf(metric)(a) - metricOf(metric)(b));
    const reserve = best
      .slice(0, Math.max(1, options.ensemble ?? 3))
      .reduce((sum, entry) => sum + entry.fit_s / folds.length, 0);
    const known = secondsByFamily.get(familyKey(spec));
    const expected =
      known ??
      (spec.params.strategy === 'direct'
        ? (secondsByFamily.get('lagreg:gbdt:recursive') ?? 0) * horizon
        : 0);
    // The first candidate always runs, so that even a spent budget yields a forecast.
    if (entries.length && elapsed() + expected + reserve > budget) {
      stopped = 'budget';
      emit({ type: 'candidate-skipped', series: seriesName, ...spec, reason: 'budget' });
      continue;
    }
    // A candidate still running when the budget (less the refit reserve) runs out is stopped,
    // and so is one whose folds so far show that it would be: the rest of the budget then goes
    // to the candidates after it.
    const deadline = started + (budget - reserve) * 1000;
    const limited = entries.length > 0 && Number.isFinite(budget);
    let projected: StopProjection | undefined;
    const candidateSignal = limited
      ? withDeadline(signal, now, () => (projected ? -Infinity : deadline))
      : signal;
    trial++;
    emit({
      type: 'candidate-started',
      series: seriesName,
      trial,
      ...spec,
      elapsedSeconds: elapsed(),
    });
    const began = now();
    const onFold = (done: number) => {
      const at = now();
      const pace = (at - began) / done;
      const left = deadline - at;
      if (limited && done < folds.length && pace * (folds.length - done) > OVERRUN * left) {
        projected = {
          folds: done,
          of: folds.length,
          seconds: (pace * folds.length) / 1000,
          leftSeconds: (deadline - began) / 1000,
        };
      }
    };
    try {
      const result = await backtest(
        spec.model,
        y,
        {
          period,
          folds,
          levels,
          signal: candidateSignal,
          seed: options.seed,
          onFold,
          ...(trainingRegressors ? { regressors: trainingRegressors } : {}),
        },
        spec.params,
      );
      const seconds = (now() - began) / 1000;
      secondsByFamily.set(familyKey(spec), seconds);
      const entry: LeaderboardEntry = {
        trial,
        model: spec.model,
        // A cleaned candidate's folds each replace what they find; it is listed with what the
        // whole series has, which the model it stands for replaces.
        label: labelWithPeriod(
          spec.params.clean === true ? relabelCleaned(result.label, outliers.length) : result.label,
          spec,
        ),
        params: spec.params,
        backtest: result.scores,
        fit_s: seconds,
        folds: foldForecasts(result.folds),
      };
      foldResults.set(trial, result.folds);
      entries.push(entry);
      emit({ type: 'candidate-finished', series: seriesName, entry, elapsedSeconds: elapsed() });
    } catch (error) {
      checkCancelled(signal);
      const outOfTime = error instanceof TrainingError && error.kind === 'cancelled';
      const ended = { series: seriesName, trial, ...spec, elapsedSeconds: elapsed() };
      if (outOfTime) {
        stopped = 'budget';
        // A later candidate of the same family is then only started where it can finish.
        if (projected) secondsByFamily.set(familyKey(spec), projected.seconds);
        emit({ type: 'candidate-stopped', ...ended, ...(projected ? { projected } : {}) });
      } else emit({ type: 'candidate-failed', ...ended, reason: (error as Error).message });
    }
  }
  if (!entries.length) {
    throw new TrainingError(
      'invalid-input',
      `No model could be fitted to the series${seriesName ? ` “${seriesName}”` : ''}${stopped === 'budget' ? ' within the budget' : ''}.`,
      'series',
    );
  }
  const score = metricOf(metric);
  const { ranked: byScore, standIns } = autoEtsFirst(
    [...entries].sort((a, b) => score(a) - score(b) || a.trial - b.trial),
    score,
  );
  // The regressions on lags are listed with their scores, but forecast with (alone or in a mean)
  // only where they clearly beat the best classical model.
  const { ranked, passedOver, classical } = provenLearners(
    byScore,
    (entry) => foldScores(entry, foldResults, metric),
    folds,
  );
  const explained = (entry: LeaderboardEntry) => withStandIns(entry, standIns, metric);
  let best = explained(ranked[0]!);
  const leaderboard: LeaderboardEntry[] = byScore.map((entry) =>
    entry.trial === best.trial ? best : entry,
  );
  const ensembleSize = Math.min(options.ensemble ?? 3, ranked.length);
  // Trials count failed candidates too, so the combinations are numbered after the last of them.
  let nextTrial = trial + 1;
  if (ensembleSize >= 2) {
    const ensemble = bestEnsemble(
      ranked,
      ensembleSize,
      nextTrial,
      foldResults,
      y,
      folds,
      period,
      metric,
    );
    if (ensemble) {
      const { kept } = ensemble;
      const entry = explained(ensemble.entry);
      emit({ type: 'ensemble', series: seriesName, entry, kept });
      leaderboard.push(entry);
      nextTrial = entry.trial + 1;
      if (kept) best = entry;
    }
  }
  // The benchmarks every forecast should beat: seasonal naive, or naive without a season. A series
  // without a season that has grown at a clear rate over its whole history (multiplicativeGrowth)
  // is expected to go on growing: there the random walk with drift, which carries the growth on,
  // comes first. Naive stays a benchmark even then, because the growth test looks at the whole
  // history once, and a random walk passes it about one time in twenty: a model carrying such
  // growth on has to beat no change on the folds too, or it is blended with it. A period found in
  // the autocorrelation alone is a cycle that may drift out of step: no change stays a benchmark
  // beside it. On R's lynx and LakeHuron (cycles of 9-10 years found), the blend with naive cut
  // the held-out MASE from 1.786 to 1.297 (24 years ahead) and from 2.219 to 2.127 (12 ahead),
  // where naive scores 1.459 and 2.164.
  const plain = (model: string, clean?: true) =>
    entries.find(
      (entry) =>
        entry.model === model &&
        entry.params.period === undefined &&
        entry.params.lambda === undefined &&
        entry.params.clean === clean,
    );
  // On a series with outliers the benchmark is also fitted without them, and whichever of the two
  // scores better on the folds is the one to beat: seasonal naive on the series as it is repeats
  // a spike of its last season a year later.
  const benchmark = (model: string) => {
    const asIs = plain(model);
    const cleaned = outliers.length ? plain(model, true) : undefined;
    if (!asIs || !cleaned) return asIs ?? cleaned;
    return score(cleaned) < score(asIs) ? cleaned : asIs;
  };
  const growth = !HAS_SEASON(period) && multiplicative ? plain('drift') : undefined;
  const benchmarks = (
    HAS_SEASON(period)
      ? [benchmark('snaive'), ...(options.cycle ? [benchmark('naive')] : [])]
      : [growth, benchmark('naive')]
  ).filter((entry): entry is LeaderboardEntry => entry !== undefined);
  // A model that forecasts as a benchmark does on every fold (a seasonal random walk found by
  // ARIMA) is that benchmark: keep the simpler one rather than average two copies of it.
  best = benchmarks.find((benchmark) => sameForecasts(best, benchmark)) ?? best;
  // Folds cut short of the horizon (a series barely longer than the horizon) say nothing of the
  // last steps, where a trend extrapolated from a short history errs most: a win over seasonal
  // naive is then clear only when it is large (farAhead), and no win over naive is clear.
  const coversHorizon = folds[0]!.horizon >= horizon;
  const bestScores = foldScores(best, foldResults, metric);
  // Folds that stop short of the horizon cannot weigh growth against no change either; the growth
  // test over the whole history is then all there is to go by, and drift stays the benchmark.
  const seasonal = HAS_SEASON(period);
  const unbeaten = unbeatenBenchmarks(best, benchmarks, (benchmark) => {
    if (!coversHorizon && !seasonal) return growth !== undefined && benchmark !== growth;
    const theirs = foldScores(benchmark, foldResults, metric);
    return coversHorizon ? clearlyBetter(bestScores, theirs, folds) : farAhead(bestScores, theirs);
  });
  if (unbeaten.length) {
    const members = [
      ...(best.members ?? [best.trial]).map((id) => entries.find((entry) => entry.trial === id)!),
      ...unbeaten,
    ];
    const hedge = explained({
      ...ensembleEntry(members, nextTrial, foldResults, y, folds, period),
      why: whyBlended(best, unbeaten, folds, horizon, seasonal),
    });
    emit({ type: 'ensemble', series: seriesName, entry: hedge, kept: true, blend: true });
    leaderboard.push(hedge);
    best = hedge;
  }
  // Said of the model forecast with when a regression on lags it passed over scored better.
  const unproven = passedOver.filter((entry) => score(entry) < score(best));
  if (unproven.length && classical) {
    const note = whyUnproven(unproven, classical, folds, metric);
    const noted = { ...best, why: best.why ? `${best.why} ${note}` : note };
    const at = leaderboard.findIndex((entry) => entry.trial === best.trial);
    if (at >= 0) leaderboard[at] = noted;
    best = noted;
  }
  leaderboard.sort((a, b) => score(a) - score(b) || a.trial - b.trial);

  checkCancelled(signal);
  const members = best.members
    ? best.members.map((id) => entries.find((entry) => entry.trial === id)!)
    : [best];
  const futureRegressors = allRegressors
    ? allRegressors.x.slice(n * allRegressors.columns, (n + horizon) * allRegressors.columns)
    : undefined;
  const refit = (member: LeaderboardEntry) => {
    checkCancelled(signal);
    const usesRegressors = getForecaster(member.model).usesRegressors;
    return fitForecaster(
      member.model,
      y,
      {
        period,
        signal,
        seed: options.seed,
        ...(usesRegressors && trainingRegressors ? { regressors: trainingRegressors } : {}),
      },
      member.params,
    );
  };
  const fittedMembers: FittedForecaster[] = [];
  for (const member of members) fittedMembers.push(await refit(member));
  // The blend of the members, its intervals widened until they would have held as many of the
  // backtest's values as their level says, and its forecast.
  const forecastWith = (fittedOnes: readonly FittedForecaster[]) => {
    const chosen = fittedOnes.length === 1 ? fittedOnes[0]! : blendForecasters(fittedOnes);
    const intervals = levels.length ? calibrateIntervals(y, best.folds, levels[0]!) : null;
    const model = intervals ? widenForecaster(chosen, intervals.factor) : chosen;
    return { intervals, model, forecast: model.forecast(horizon, levels, futureRegressors) };
  };
  let { intervals, model, forecast } = forecastWith(fittedMembers);
  // A forecast whose interval has no bound at some step (a Box-Cox model with λ < 0 whose bound
  // lies past the transform's pole) tells the user nothing there: a member that has none is left
  // out of the mean, or, forecasting alone, gives way to the best-ranked single model that has
  // bounds. A gap in any member leaves one in the blend, so the members are looked at only then.
  if (unboundedStep(forecast) !== null) {
    const gaps = fittedMembers.map((fitted) =>
      unboundedStep(fitted.forecast(horizon, levels, futureRegressors)),
    );
    const alone = members.length === 1;
    const dropped = whyUnbounded(
      fittedMembers.flatMap((fitted, i) => (gaps[i] ? [{ fitted, gap: gaps[i] }] : [])),
      alone ? 'passed over' : 'left out',
    );
    let kept = members.filter((_, i) => gaps[i] === null);
    let keptFitted = fittedMembers.filter((_, i) => gaps[i] === null);
    let passedOver = false;
    if (!kept.length) {
      for (const entry of ranked) {
        if (members.some((member) => member.trial === entry.trial)) continue;
        const fitted = await refit(entry);
        if (unboundedStep(fitted.forecast(horizon, levels, futureRegressors)) !== null) continue;
        kept = [entry];
        keptFitted = [fitted];
        passedOver = true;
        break;
      }
    }
    if (kept.length) {
      const entry =
        kept.length === 1
          ? kept[0]!
          : ensembleEntry(kept, nextTrial++, foldResults, y, folds, period);
      const why = passedOver
        ? `${dropped} ${entry.label} is the best-ranked model whose intervals have bounds.`
        : kept.length === 1
          ? `${dropped} The forecast is ${entry.label} alone.`
          : `${dropped} The forecast averages the rest.`;
      const replaced = { ...entry, why: best.why ? `${best.why} ${why}` : why };
      const at = leaderboard.findIndex((item) => item.trial === replaced.trial);
      if (at >= 0) leaderboard[at] = replaced;
      else {
        emit({ type: 'ensemble', series: seriesName, entry: replaced, kept: true });
        leaderboard.push(replaced);
        leaderboard.sort((a, b) => score(a) - score(b) || a.trial - b.trial);
      }
      best = replaced;
      ({ intervals, model, forecast } = forecastWith(keptFitted));
    }
  }
  const fitted = model.fitted.length === n ? model.fitted : new Float64Array(n).fill(NaN);
  const residuals = y.map((value, t) => value - fitted[t]!);
  const result: SeriesForecast = {
    series: seriesName,
    horizon,
    period,
    metric,
    folds,
    leaderboard,
    best,
    model,
    forecast,
    intervals,
    fitted,
    residuals,
    diagnostics: residualDiagnostics(residuals, period),
    decomposition: decomposeForChart(y, period),
    stopped,
    elapsedSeconds: elapsed(),
  };
  emit({
    type: 'series-finished',
    series: seriesName,
    best,
    stopped,
    elapsedSeconds: result.elapsedSeconds,
  });
  return result;
}

/**
 * The calendar regressors and the user's known-in-advance columns side by side, each checked to
 * cover the series and the horizon.
 */
function joinRegressors(
  steps: number,
  calendar: SearchOptions['regressors'],
  features: SearchOptions['features'],
): { columns: number; x: Float64Array; names: string[] } | undefined {
  const parts = [
    ...(calendar ? [{ ...calendar, names: undefined, what: 'calendar regressors' }] : []),
    ...(features ? [{ ...features, what: 'known-in-advance regressors' }] : []),
  ];
  if (!parts.length) return undefined;
  for (const part of parts) {
    if (
      !Number.isInteger(part.columns) ||
      part.columns < 1 ||
      part.x.length !== steps * part.columns
    ) {
      throw new TrainingError(
        'invalid-input',
        `The ${part.what} must give ${part.columns} values for each of the ${steps} steps (the series and the horizon); got ${part.x.length} values.`,
        'regressors',
      );
    }
  }
  const columns = parts.reduce((sum, part) => sum + part.columns, 0);
  const x = new Float64Array(steps * columns);
  const names: string[] = [];
  let offset = 0;
  for (const part of parts) {
    for (let j = 0; j < part.columns; j++) {
      names.push(
        part.names?.[j] ?? `${part.what === 'calendar regressors' ? 'calendar' : 'x'}${j + 1}`,
      );
      for (let t = 0; t < steps; t++) x[t * columns + offset + j] = part.x[t * part.columns + j]!;
    }
    offset += part.columns;
  }
  return { columns, x, names };
}

/**
 * A span of seconds to two significant digits, in milliseconds below a tenth of a second (a
 * budget shared by a thousand series leaves each candidate a few of them): "24 s", "1.5 s",
 * "0.12 s", "4.5 ms".
 */
function timeText(seconds: number): string {
  if (seconds >= 10) return `${Math.round(seconds)} s`;
  if (seconds >= 0.1) return `${Number(seconds.toPrecision(2))} s`;
  return `${Number(Math.max(seconds * 1000, 1).toPrecision(2))} ms`;
}

/** Why the budget stopped a candidate, as a clause: "the time budget ran out before…". */
export function stoppedBecause(event: { readonly projected?: StopProjection }): string {
  const { projected } = event;
  if (!projected) return 'the time budget ran out before its backtest finished';
  const left = projected.leftSeconds;
  return `after ${projected.folds} of ${projected.of} backtest folds it was on course to need about ${timeText(projected.seconds)}, and the time budget had ${left >= 0.0005 ? `${timeText(left)} left` : 'no time left'} for it`;
}

/**
 * A signal that also reads as aborted once the clock passes `deadline()`. Models poll `aborted`
 * between their inner fits (checkCancelled), so this stops a long candidate when the budget ends
 * without timers, and with whatever clock the caller injected.
 */
function withDeadline(
  parent: AbortSignal | undefined,
  now: () => number,
  deadline: () => number,
): AbortSignal {
  const { signal } = new AbortController();
  Object.defineProperty(signal, 'aborted', {
    get: () => parent?.aborted === true || now() >= deadline(),
  });
  return signal;
}

/** Marks a candidate fitted with another period than the series', unless its label shows it. */
function labelWithPeriod(label: string, spec: CandidateSpec): string {
  const period = spec.params.period;
  return typeof period === 'number' && period > 1 && !label.includes(`[${period}]`)
    ? `${label} [period ${period}]`
    : label;
}

/**
 * How close, relatively, the backtest scores of ETS with its trend held damped and ETS choosing
 * its own form must be for the folds to count as unable to tell them apart.
 */
export const ETS_TIE = 0.01;

/**
 * The candidates ranked `byScore`, with ETS choosing its own form moved just ahead of ETS with a
 * damped trend on the same scale and period where the damped one ranked first by a score within
 * ETS_TIE of its own; and each one moved, by its trial, with the damped one it passed. The
 * backtest cannot tell the two apart, and on the whole series the free choice is the better by its
 * information criterion (AICc), since it weighs the damped forms too: the form the whole series
 * supports is forecast with. This matters most where the folds are too short to show a season: on 48 months forecast
 * 24 ahead, the one fold trains on 25 values, and both fit ETS without a season; on all 48 values
 * of US accidental deaths the free choice is ETS(A,N,A) (held-out MASE 0.43) and the damped one
 * ETS(M,Ad,M) (0.87).
 */
export function autoEtsFirst(
  byScore: readonly LeaderboardEntry[],
  score: (entry: LeaderboardEntry) => number,
): { ranked: LeaderboardEntry[]; standIns: Map<number, LeaderboardEntry> } {
  const ranked = [...byScore];
  const standIns = new Map<number, LeaderboardEntry>();
  const sameScale = (a: LeaderboardEntry, b: LeaderboardEntry) =>
    a.params.lambda === b.params.lambda &&
    a.params.period === b.params.period &&
    a.params.clean === b.params.clean;
  for (let i = 0; i < ranked.length; i++) {
    const damped = ranked[i]!;
    if (damped.model !== 'ets' || damped.params.damped !== true || damped.members) continue;
    const j = ranked.findIndex(
      (entry, at) =>
        at > i &&
        entry.model === 'ets' &&
        entry.params.damped === undefined &&
        entry.params.model === undefined &&
        sameScale(entry, damped),
    );
    if (j < 0) continue;
    const own = score(damped);
    const free = ranked[j]!;
    if (!(Number.isFinite(own) && score(free) <= own * (1 + ETS_TIE))) continue;
    ranked.splice(j, 1);
    ranked.splice(i, 0, free);
    standIns.set(free.trial, damped);
    i++;
  }
  return { ranked, standIns };
}

/**
 * The candidates that may be forecast with, in rank order: every classical model, and a regression
 * learner on lags (ridge, boosted trees, a forest) only where its fold scores clearly beat
 * (clearlyBetter, one standard error) those of the best-ranked classical model; the learners left
 * out are `passedOver`. A learner fits many more parameters than ETS or ARIMA and, tried in four
 * forms, is often the luckiest of the candidates on a handful of folds: a narrow lead on a short
 * series says little. On the forecast benchmark (64 splits of generated and R's series, the last
 * 12 and 24 values held out, budget 30 s) this cut the mean held-out MASE from 1.515 to 1.468:
 * UKgas 24 quarters ahead went from 3.57 to 1.50 (a ridge regression that led ETS on the folds
 * by 5% scored 8.1 alone), lynx 24 years ahead from 1.30 to 0.71 and WWWusage 12 ahead from 5.11
 * to 4.55, while lynx 12 ahead went from 0.68 to 0.86 and airline 24 ahead from 0.417 to 0.435.
 * Where no classical model was tried (the user asked for learners only), all of them stay.
 */
export function provenLearners<T extends Pick<LeaderboardEntry, 'model' | 'members'>>(
  ranked: readonly T[],
  scoresOf: (entry: T) => ArrayLike<number>,
  folds: readonly Fold[],
): { ranked: T[]; passedOver: T[]; classical?: T } {
  const learner = (entry: T) => entry.model === 'lagreg';
  const classical = ranked.find((entry) => !learner(entry) && !entry.members);
  if (!classical) return { ranked: [...ranked], passedOver: [] };
  const reference = scoresOf(classical);
  const passedOver = ranked.filter(
    (entry) => learner(entry) && !clearlyBetter(scoresOf(entry), reference, folds),
  );
  return { ranked: ranked.filter((entry) => !passedOver.includes(entry)), passedOver, classical };
}

/** Why regressions on lags that scored better than the model forecast with were passed over. */
export function whyUnproven(
  learners: readonly Pick<LeaderboardEntry, 'label' | 'backtest'>[],
  classical: Pick<LeaderboardEntry, 'label' | 'backtest'>,
  folds: readonly Fold[],
  metric: AccuracyMetric,
): string {
  const [first, ...rest] = learners;
  const others = rest.length
    ? ` and ${rest.length} other regression${rest.length > 1 ? 's' : ''} on lags`
    : '';
  const name = metricName(metric);
  const evidence =
    folds.length < 2
      ? 'but one backtest fold cannot show a lead beyond chance'
      : foldsTooAlike(folds)
        ? `but the ${folds.length} backtest folds lie within one horizon of each other and test nearly the same steps, too alike to show a lead beyond chance`
        : `but not by more than one standard error over the ${folds.length} folds`;
  return `${first!.label}${others} scored better on the backtest (${name} ${digits(first!.backtest[metric])} against ${digits(classical.backtest[metric])} for ${classical.label}) ${evidence}: a regression on lags fits many more parameters than the classical models, so it is forecast with only when it clearly beats the best of them.`;
}

/**
 * `entry` with a sentence added to its `why` for each of its models (itself, or the members of a
 * mean) that stands in for a damped ETS left out (see autoEtsFirst): the user sees a better
 * score passed over.
 */
function withStandIns(
  entry: LeaderboardEntry,
  standIns: ReadonlyMap<number, LeaderboardEntry>,
  metric: AccuracyMetric,
): LeaderboardEntry {
  const members = entry.members ?? [entry.trial];
  const notes = members.flatMap((trial) => {
    const damped = standIns.get(trial);
    return damped && !members.includes(damped.trial) ? [whyOwnEts(damped, metric)] : [];
  });
  if (!notes.length) return entry;
  return { ...entry, why: [entry.why, ...notes].filter(Boolean).join(' ') };
}

/** A metric's name as the reasons above write it. */
const metricName = (metric: AccuracyMetric) =>
  metric === 'smape' ? 'sMAPE' : metric.toUpperCase();

/** A score to four significant digits, without trailing zeros. */
const digits = (value: number) => Number(value.toPrecision(4)).toString();

/** Why ETS choosing its own form is forecast with, and not the damped ETS that scored lower. */
export function whyOwnEts(
  damped: Pick<LeaderboardEntry, 'trial' | 'backtest'>,
  metric: AccuracyMetric,
): string {
  return `ETS choosing its own form stands in for ETS with a damped trend (#${damped.trial}, ${metricName(metric)} ${digits(damped.backtest[metric])}), whose backtest score is within ${Math.round(ETS_TIE * 100)}% of its own: the folds cannot tell the two apart, and on the whole series the free choice fits at least as well by AICc, since it weighs the damped forms too.`;
}

function familyKey(spec: CandidateSpec): string {
  if (spec.model === 'lagreg') {
    return `lagreg:${String(spec.params.learner)}:${String(spec.params.strategy)}`;
  }
  return spec.params.period === undefined
    ? spec.model
    : `${spec.model}:${String(spec.params.period)}`;
}

function foldScores(
  entry: LeaderboardEntry,
  foldResults: Map<number, readonly FoldResult[]>,
  metric: AccuracyMetric,
): Float64Array {
  return Float64Array.from(foldResults.get(entry.trial) ?? [], (fold) => fold.scores[metric]);
}

/**
 * Why the search blends its best model with the benchmarks it did not clearly beat (see
 * clearlyBetter), in words for the leaderboard: the user sees a better score passed over.
 */
export function whyBlended(
  best: Pick<LeaderboardEntry, 'label'>,
  unbeaten: readonly Pick<LeaderboardEntry, 'label'>[],
  folds: readonly Fold[],
  horizon: number,
  /** The benchmark is seasonal naive, which a large enough lead beats on short folds too. */
  seasonal = false,
): string {
  const names = unbeaten.map((entry) => entry.label).join(' and ');
  const better = `that ${best.label} forecasts better than ${names}`;
  const span = folds.at(-1)!.origin - folds[0]!.origin;
  const short = `The backtest folds test only ${folds[0]!.horizon} of the ${horizon} steps ahead (the series is short)`;
  const evidence =
    folds[0]!.horizon < horizon
      ? seasonal
        ? `${short}: there the error of ${best.label} is more than half that of ${names}, too small a lead to trust for the steps they leave out.`
        : `${short}: too few to show ${better}.`
      : folds.length < 2
        ? `One backtest fold cannot show ${better} beyond chance.`
        : span < horizon
          ? `The ${folds.length} backtest folds lie within one horizon of each other and test nearly the same steps: they cannot show ${better}.`
          : `Over the ${folds.length} backtest folds, ${best.label} does not beat ${names} by more than one standard error.`;
  return `${evidence} The forecast averages ${best.label} with ${names}, which bounds the loss should its lead be luck.`;
}

/** The first step and level at which a forecast has no finite value or bound, or null. */
function unboundedStep(result: ForecastResult): { step: number; level: number | null } | null {
  for (let i = 0; i < result.mean.length; i++) {
    if (!Number.isFinite(result.mean[i]!)) return { step: i + 1, level: null };
    for (const { level, lo, hi } of result.intervals) {
      if (!Number.isFinite(lo[i]!) || !Number.isFinite(hi[i]!)) return { step: i + 1, level };
    }
  }
  return null;
}

/** Why models refitted on the whole series were left out of the forecast. */
function whyUnbounded(
  dropped: readonly {
    readonly fitted: FittedForecaster;
    readonly gap: { readonly step: number; readonly level: number | null };
  }[],
  fate: 'left out' | 'passed over',
): string {
  const one = dropped.length === 1;
  const names = dropped.map(({ fitted }) => fitted.label);
  const subject = one ? names[0]! : `${names.slice(0, -1).join(', ')} and ${names.at(-1)!}`;
  const step = Math.min(...dropped.map(({ gap }) => gap.step));
  const level = dropped.find(({ gap }) => gap.level !== null)?.gap.level;
  const what =
    level === undefined
      ? `${one ? 'it has' : 'they have'} no finite forecast`
      : one
        ? `it has no finite bound to its ${level}% interval`
        : `they have no finite bound to their ${level}% intervals`;
  const pole = dropped.some(({ fitted }) => {
    const lambda = fitted.params.lambda;
    return typeof lambda === 'number' && lambda < 0;
  })
    ? ' (a Box-Cox transform with λ < 0 cannot take a bound past its pole back to the data’s scale)'
    : '';
  return `${subject} ${one ? 'is' : 'are'} ${fate}: refitted on the whole series, ${what} from step ${step}${pole}.`;
}

/** The equally weighted mean of some candidates, scored from their stored fold forecasts. */
function ensembleEntry(
  members: readonly LeaderboardEntry[],
  trial: number,
  foldResults: Map<number, readonly FoldResult[]>,
  y: Float64Array,
  folds: readonly Fold[],
  period: number,
): LeaderboardEntry {
  const results = folds.map((fold, f): FoldResult => {
    const memberFolds = members.map((member) => foldResults.get(member.trial)![f]!);
    // Members trained on one window share its floor, if any: the mean of their own forecasts is
    // floored once, as `blendForecasters` does for the blend refitted on the whole series.
    const floor = memberFolds[0]!.unfloored?.floor;
    const shared =
      floor !== undefined && memberFolds.every((result) => result.unfloored?.floor === floor);
    if (!shared) {
      return scoreFold(
        y,
        fold,
        averageResults(memberFolds.map((result) => result.forecast)),
        period,
      );
    }
    const raw = averageResults(memberFolds.map((result) => result.unfloored!.forecast));
    return {
      ...scoreFold(y, fold, floorResult(raw, floor), period),
      unfloored: { forecast: raw, floor },
    };
  });
  foldResults.set(trial, results);
  return {
    trial,
    model: 'ensemble',
    label: `Mean of ${members.map((member) => member.label).join(' · ')}`,
    params: {
      members: members.map((member) => ({ model: member.model, params: member.params })),
    },
    backtest: meanAccuracy(results.map((result) => result.scores)),
    fit_s: members.reduce((sum, member) => sum + member.fit_s, 0),
    folds: foldForecasts(results),
    members: members.map((member) => member.trial),
  };
}

/**
 * How much better, relatively, the best single model's backtest score must be than a mean of the
 * best few for the search to forecast with it alone. The lowest of some twenty backtest scores
 * flatters the model that got it (selection picks the luckiest fit as much as the best one),
 * while a mean of the best few, scored on the same folds, is flattered far less and errs less
 * when the folds misjudge (the combination puzzle of the M competitions). Over the standard and
 * R benchmark series, 10% cut the mean held-out MASE on R's series from 2.37 to 2.26 and left
 * the standard series within 0.01 (0.962 to 0.967).
 */
export const COMBINATION_MARGIN = 0.1;

/** The same candidate, fitted once on the series as it is and once without its outliers. */
function cleanedTwins(a: LeaderboardEntry, b: LeaderboardEntry): boolean {
  if (a.model !== b.model || a.members || b.members) return false;
  if ((a.params.clean === true) === (b.params.clean === true)) return false;
  const rest = (params: Readonly<Record<string, unknown>>) =>
    JSON.stringify(
      Object.keys(params)
        .filter((key) => key !== 'clean')
        .sort()
        .map((key) => [key, params[key]]),
    );
  return rest(a.params) === rest(b.params);
}

/**
 * The mean of the top 2…k candidates to forecast with, scored on the folds they were backtested
 * on (their stored forecasts; nothing is refitted), and whether it is preferred to the best one
 * alone: the largest mean whose score is within COMBINATION_MARGIN of the lowest score among the
 * best model and these means. When none is, the best-scoring mean is listed but not kept. Only
 * distinct forecasts are combined.
 */
function bestEnsemble(
  ranked: readonly LeaderboardEntry[],
  size: number,
  trial: number,
  foldResults: Map<number, readonly FoldResult[]>,
  y: Float64Array,
  folds: readonly Fold[],
  period: number,
  metric: AccuracyMetric,
): { entry: LeaderboardEntry; kept: boolean } | null {
  // Candidates that forecast exactly alike (e.g. ETS choosing the same form twice) add nothing,
  // and a model fitted on the series as it is and on the series cleaned of its outliers is one
  // model counted twice: only the better-ranked of the two joins.
  const candidates: LeaderboardEntry[] = [];
  for (const entry of ranked) {
    if (!Number.isFinite(entry.backtest[metric])) continue;
    if (!candidates.some((chosen) => sameForecasts(chosen, entry) || cleanedTwins(chosen, entry))) {
      candidates.push(entry);
    }
  }
  const means: { entry: LeaderboardEntry; folds: readonly FoldResult[] }[] = [];
  for (let k = 2; k <= Math.min(size, candidates.length); k++) {
    const entry = ensembleEntry(candidates.slice(0, k), trial, foldResults, y, folds, period);
    means.push({ entry, folds: foldResults.get(trial)! });
  }
  foldResults.delete(trial);
  if (!means.length) return null;
  const single = candidates[0]!.backtest[metric];
  const lowest = Math.min(single, ...means.map(({ entry }) => entry.backtest[metric]));
  const within = means.filter(
    ({ entry }) => entry.backtest[metric] <= lowest * (1 + COMBINATION_MARGIN),
  );
  const chosen =
    within.at(-1) ??
    means.reduce((a, b) => (b.entry.backtest[metric] < a.entry.backtest[metric] ? b : a));
  foldResults.set(trial, chosen.folds);
  const kept = within.length > 0;
  const leader = candidates[0]!;
  const entry =
    kept && chosen.entry.backtest[metric] > single
      ? { ...chosen.entry, why: whyCombined(leader, chosen.entry, metric) }
      : chosen.entry;
  return { entry, kept };
}

/**
 * Why the search forecasts with a mean of the best few although the best of them alone scored
 * better on the backtest, in words for the leaderboard.
 */
export function whyCombined(
  leader: Pick<LeaderboardEntry, 'label' | 'backtest'>,
  mean: Pick<LeaderboardEntry, 'backtest' | 'members'>,
  metric: AccuracyMetric,
): string {
  return `The mean of the best ${mean.members?.length ?? 2} models scores within ${Math.round(COMBINATION_MARGIN * 100)}% of ${leader.label} alone on the backtest (${metricName(metric)} ${digits(mean.backtest[metric])} against ${digits(leader.backtest[metric])}). The best of many backtest scores flatters the model that got it; a mean of the best few is flattered less and errs less when the folds misjudge.`;
}

/** Accuracy of a forecast against later actual values, MASE scaled by the training series. */
export function testAccuracy(
  train: Float64Array,
  actual: ArrayLike<number>,
  forecast: ArrayLike<number>,
  period: number,
): Accuracy {
  return accuracy(actual, forecast, maseScale(train, period));
}
