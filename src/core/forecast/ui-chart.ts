import type { LeaderboardEntry } from './search';
import type { ForecastSeriesView } from './ui-view';

export interface Band {
  readonly level: number;
  readonly lo: Float64Array;
  readonly hi: Float64Array;
}

/** One backtest fold drawn over the history: the forecast from its cut-off and its interval. */
export interface FoldTrace {
  readonly origin: number;
  readonly times: Float64Array;
  readonly mean: Float64Array;
  readonly lo: Float64Array;
  readonly hi: Float64Array;
}

export interface ForecastChartData {
  readonly history: { readonly times: Float64Array; readonly values: Float64Array };
  readonly folds: readonly FoldTrace[];
  readonly future: {
    readonly times: Float64Array;
    readonly mean: Float64Array;
    /** Widest first, so that narrower bands are drawn over wider ones. */
    readonly bands: readonly Band[];
  };
  readonly xDomain: readonly [number, number];
  readonly yDomain: readonly [number, number];
}

/** Widens `range` to the finite values of `columns` at the `times` within `window`. */
function extendRange(
  range: [number, number],
  times: ArrayLike<number>,
  window: readonly [number, number],
  ...columns: ArrayLike<number>[]
) {
  for (let i = 0; i < times.length; i++) {
    if (times[i]! < window[0] || times[i]! > window[1]) continue;
    for (const column of columns) {
      const value = column[i]!;
      if (!Number.isFinite(value)) continue;
      if (value < range[0]) range[0] = value;
      if (value > range[1]) range[1] = value;
    }
  }
}

/**
 * The values' range `core` widened to take in the intervals' range `wide`, but by no more than
 * the core's own span on either side: one interval that runs off to a billion (a Box-Cox model's
 * upper bound on a short fold) would otherwise flatten every line to the axis. Bands beyond are
 * clipped by the plot.
 */
export function chartRange(
  core: readonly [number, number],
  wide: readonly [number, number],
): [number, number] {
  if (!(core[0] <= core[1])) return wide[0] <= wide[1] ? [wide[0], wide[1]] : [0, 1];
  const span = core[1] - core[0] || Math.abs(core[0]) || 1;
  return [
    wide[0] < core[0] ? Math.max(wide[0], core[0] - span) : core[0],
    wide[1] > core[1] ? Math.min(wide[1], core[1] + span) : core[1],
  ];
}

/**
 * The value range of what the chart shows within the time `window` (all of it by default): the
 * history, the forecast and, with `withFolds`, the backtest folds set it, and their intervals widen
 * it as `chartRange` allows; null when nothing there has a value.
 */
export function valueRange(
  data: Pick<ForecastChartData, 'history' | 'future' | 'folds'>,
  window: readonly [number, number] = [-Infinity, Infinity],
  withFolds = true,
): [number, number] | null {
  const core: [number, number] = [Infinity, -Infinity];
  extendRange(core, data.history.times, window, data.history.values);
  extendRange(core, data.future.times, window, data.future.mean);
  const wide: [number, number] = [...core];
  const bounds = data.future.bands.flatMap((band) => [band.lo, band.hi]);
  extendRange(wide, data.future.times, window, ...bounds);
  if (withFolds) {
    for (const fold of data.folds) {
      extendRange(core, fold.times, window, fold.mean);
      extendRange(wide, fold.times, window, fold.mean, fold.lo, fold.hi);
    }
  }
  return wide[0] <= wide[1] ? chartRange(core, wide) : null;
}

/**
 * What the forecast chart draws for one series: the history, each backtest fold of `entry` (the
 * best model by default) placed on the history's times, and the final forecast with its bands.
 */
export function forecastChartData(
  view: ForecastSeriesView,
  entry: LeaderboardEntry = view.best,
): ForecastChartData {
  const { times, values } = view;
  const folds = entry.folds.map((fold): FoldTrace => {
    const steps = Math.min(fold.mean.length, times.length - fold.origin);
    return {
      origin: fold.origin,
      times: times.slice(fold.origin, fold.origin + steps),
      mean: fold.mean.slice(0, steps),
      lo: fold.lo.slice(0, steps),
      hi: fold.hi.slice(0, steps),
    };
  });
  const bands = [...view.intervals].sort((a, b) => b.level - a.level);
  const history = { times, values };
  const future = { times: view.futureTimes, mean: view.mean, bands };
  const y = valueRange({ history, future, folds }) ?? [0, 1];
  const first = times[0] ?? view.futureTimes[0] ?? 0;
  const last = view.futureTimes.at(-1) ?? times.at(-1) ?? first + 1;
  return {
    history,
    folds,
    future,
    xDomain: [first, last > first ? last : first + 1],
    yDomain: y[0] === y[1] ? [y[0] - 1, y[1] + 1] : y,
  };
}

/** Index of the time nearest `time` in ascending `times`, or -1 when there are none. */
export function nearestIndex(times: ArrayLike<number>, time: number): number {
  const n = times.length;
  if (!n) return -1;
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid]! < time) lo = mid + 1;
    else hi = mid;
  }
  if (lo > 0 && Math.abs(times[lo - 1]! - time) <= Math.abs(times[lo]! - time)) return lo - 1;
  return lo;
}

/** What the tooltip shows at one point of the chart. */
export type ChartPoint =
  | {
      readonly kind: 'history';
      readonly time: number;
      readonly value: number;
      /** The latest backtest fold covering this time, if any. */
      readonly backtest: { readonly mean: number; readonly lo: number; readonly hi: number } | null;
    }
  | {
      readonly kind: 'forecast';
      readonly time: number;
      readonly value: number;
      readonly intervals: readonly { level: number; lo: number; hi: number }[];
    };

/** The history or forecast step nearest `time`. */
export function pointAt(data: ForecastChartData, time: number): ChartPoint | null {
  const { history, future } = data;
  const h = nearestIndex(history.times, time);
  const f = nearestIndex(future.times, time);
  const historyGap = h < 0 ? Infinity : Math.abs(history.times[h]! - time);
  const futureGap = f < 0 ? Infinity : Math.abs(future.times[f]! - time);
  if (h < 0 && f < 0) return null;
  if (futureGap < historyGap) {
    return {
      kind: 'forecast',
      time: future.times[f]!,
      value: future.mean[f]!,
      intervals: [...future.bands]
        .sort((a, b) => a.level - b.level)
        .map((band) => ({ level: band.level, lo: band.lo[f]!, hi: band.hi[f]! })),
    };
  }
  const at = history.times[h]!;
  let backtest: { mean: number; lo: number; hi: number } | null = null;
  for (let k = data.folds.length - 1; k >= 0 && !backtest; k--) {
    const fold = data.folds[k]!;
    const i = nearestIndex(fold.times, at);
    if (i >= 0 && fold.times[i] === at) {
      backtest = { mean: fold.mean[i]!, lo: fold.lo[i]!, hi: fold.hi[i]! };
    }
  }
  return { kind: 'history', time: at, value: history.values[h]!, backtest };
}
