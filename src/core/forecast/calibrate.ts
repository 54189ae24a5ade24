import type { FoldForecast } from './search';

/**
 * How a model's intervals did on its backtest, and how much wider they should be to hold as
 * many of the backtest's values as their level says.
 */
export interface IntervalCalibration {
  /** The level checked, in percent: the first one requested (80 by default). */
  readonly level: number;
  /** Backtest values forecast (every step of every fold). */
  readonly points: number;
  /** The share of them inside the model's own intervals at `level`. */
  readonly coverage: number;
  /**
   * What every interval's half-widths are multiplied by: 1 when the intervals held at least
   * `level` percent of the backtest's values; else the factor that makes them hold that many,
   * at most MAX_WIDENING.
   */
  readonly factor: number;
  /**
   * The factor the backtest asked for, before the cap: 1 when the intervals held enough, null
   * when no finite factor would do (intervals of no width around forecasts that missed).
   */
  readonly needed: number | null;
}

/**
 * Fewer backtest values than this say too little about a model's intervals to change them: a
 * short series' single fold of a few steps can miss its interval by luck.
 */
export const MIN_CALIBRATION_POINTS = 12;

/**
 * Intervals are widened at most this much, however far the backtest's values fell outside. The
 * backtest's few dozen overlapping values overstate how far the next ones will fall: on R's
 * series and the short windows of the forecast benchmark (69 held-out splits), widening by all
 * the folds asked for raised the 80% intervals' coverage from 0.725 to 0.768 but made their
 * mean scaled interval score worse (8.05 to 8.37, lower is better); widening by at most 1.5 gave
 * 0.761 and 7.76, and caps from 1.25 to 1.6 all scored between 7.72 and 7.81.
 */
export const MAX_WIDENING = 1.5;

/** numpy's default ("linear") quantile of values sorted ascending. */
function quantileOfSorted(sorted: readonly number[], p: number): number {
  const h = (sorted.length - 1) * p;
  const low = Math.floor(h);
  const high = Math.min(sorted.length - 1, low + 1);
  return sorted[low]! + (h - low) * (sorted[high]! - sorted[low]!);
}

/**
 * Checks a model's backtest intervals against the values they forecast. Each value's distance
 * from the point forecast is measured in units of the interval's half-width on its side (the
 * intervals of a Box–Cox model are not symmetric): 1 on the bound. The `level` quantile of those
 * distances is the factor by which the half-widths must grow for `level` percent of the values to
 * fall inside. Intervals are only ever widened: narrowing them on a backtest of a few dozen
 * overlapping windows would trust a lucky stretch. Null when the folds hold too few values.
 */
export function calibrateIntervals(
  y: Float64Array,
  folds: readonly FoldForecast[],
  level: number,
): IntervalCalibration | null {
  const distances: number[] = [];
  let inside = 0;
  for (const fold of folds) {
    for (let i = 0; i < fold.mean.length; i++) {
      const t = fold.origin + i;
      if (t >= y.length) break;
      const actual = y[t]!;
      const mean = fold.mean[i]!;
      const error = actual - mean;
      if (!Number.isFinite(error)) continue;
      const lo = fold.lo[i]!;
      const hi = fold.hi[i]!;
      if (actual >= lo && actual <= hi) inside++;
      const halfWidth = error >= 0 ? hi - mean : mean - lo;
      distances.push(
        error === 0 ? 0 : halfWidth > 0 ? Math.abs(error) / halfWidth : Number.POSITIVE_INFINITY,
      );
    }
  }
  const points = distances.length;
  if (points < MIN_CALIBRATION_POINTS) return null;
  const coverage = inside / points;
  if (coverage >= level / 100) return { level, points, coverage, factor: 1, needed: 1 };
  distances.sort((a, b) => a - b);
  const quantile = Math.max(1, quantileOfSorted(distances, level / 100));
  const needed = Number.isFinite(quantile) ? quantile : null;
  return {
    level,
    points,
    coverage,
    factor: Math.min(MAX_WIDENING, needed ?? MAX_WIDENING),
    needed,
  };
}

const percent = (share: number) => `${Math.round(100 * share)}%`;

/** What the calibration found, for the page: how the intervals did, and how they were widened. */
export function calibrationNote(calibration: IntervalCalibration): string {
  const held = `The chosen model's own ${calibration.level}% intervals held ${percent(calibration.coverage)} of the ${calibration.points} backtest values`;
  if (calibration.factor === 1) return `${held}.`;
  const factor = `${calibration.factor.toFixed(2)}×`;
  const folds = '(the dashed folds show them as the model gave them)';
  if (calibration.needed !== null && calibration.needed <= calibration.factor) {
    return `${held}; the forecast's intervals are widened ${factor} so that they would have held ${calibration.level}% ${folds}.`;
  }
  const asked =
    calibration.needed === null ? 'far wider' : `${calibration.needed.toFixed(2)}× as wide`;
  return `${held}: to hold ${calibration.level}% they would have had to be ${asked}. The forecast's intervals are widened ${factor}, the most a backtest of overlapping folds can vouch for ${folds}.`;
}
