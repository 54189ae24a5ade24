/** Forecast accuracy measures (Hyndman & Koehler 2006). */

export interface Accuracy {
  /** Mean absolute scaled error: MAE over the in-sample MAE of the seasonal naive method. */
  readonly mase: number;
  /** Symmetric MAPE in percent, 200·|y − f| / (|y| + |f|); 0 where both are 0. */
  readonly smape: number;
  readonly rmse: number;
  readonly mae: number;
}

export type AccuracyMetric = keyof Accuracy;
export const ACCURACY_METRICS: readonly AccuracyMetric[] = ['mase', 'smape', 'rmse', 'mae'];

/**
 * The MASE denominator: the mean absolute difference between each training value and the one a
 * season earlier (a step earlier when the series is too short for the period or has none). Falls
 * back to the one-step differences when the seasonal ones are all zero.
 */
export function maseScale(train: ArrayLike<number>, period: number): number {
  const n = train.length;
  const lag = period > 1 && n > period ? period : 1;
  const meanAbsDiff = (k: number) => {
    let sum = 0;
    for (let t = k; t < n; t++) sum += Math.abs(train[t]! - train[t - k]!);
    return n > k ? sum / (n - k) : NaN;
  };
  const scale = meanAbsDiff(lag);
  return scale > 0 || lag === 1 ? scale : meanAbsDiff(1);
}

/** Accuracy of `forecast` against `actual` over their common length (skipping missing actuals). */
export function accuracy(
  actual: ArrayLike<number>,
  forecast: ArrayLike<number>,
  scale: number,
): Accuracy {
  let absSum = 0;
  let squareSum = 0;
  let smapeSum = 0;
  let count = 0;
  const n = Math.min(actual.length, forecast.length);
  for (let i = 0; i < n; i++) {
    const y = actual[i]!;
    const f = forecast[i]!;
    if (Number.isNaN(y)) continue;
    const error = Math.abs(y - f);
    absSum += error;
    squareSum += error * error;
    const denominator = Math.abs(y) + Math.abs(f);
    smapeSum += denominator > 0 ? (200 * error) / denominator : 0;
    count++;
  }
  if (!count) return { mase: NaN, smape: NaN, rmse: NaN, mae: NaN };
  const mae = absSum / count;
  return {
    mase: scale > 0 ? mae / scale : mae === 0 ? 0 : Infinity,
    smape: smapeSum / count,
    rmse: Math.sqrt(squareSum / count),
    mae,
  };
}

/** The mean of each measure over several evaluations (rolling-origin folds, series). */
export function meanAccuracy(scores: readonly Accuracy[]): Accuracy {
  const average = (metric: AccuracyMetric) =>
    scores.reduce((sum, score) => sum + score[metric], 0) / scores.length;
  return {
    mase: average('mase'),
    smape: average('smape'),
    rmse: average('rmse'),
    mae: average('mae'),
  };
}
