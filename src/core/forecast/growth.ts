/**
 * Whether a series grows (or shrinks) by a rate rather than by an amount.
 *
 * A straight line fitted through compound growth lies above the data in the middle and below it
 * at both ends, and the gap at the end widens with the length of the history it is fitted to. The
 * rolling-origin backtest trains on shorter windows than the final refit, over which the curve
 * still looks straight, so it scores the straight line better than it will forecast. Such series
 * get their trend models on the log scale instead, where compound growth is a straight line.
 */

/** Fewer values than this cannot tell a curve from noise. */
const MIN_VALUES = 10;

/**
 * The growth counts as clear when the mean log step exceeds this many standard errors: a random
 * walk without drift crosses it about one time in twenty.
 */
const CLEAR_GROWTH = 2;

/** Residual sum of squares of the least-squares line through (t, values[t]). */
function lineRss(values: Float64Array): number {
  const n = values.length;
  const tMean = (n - 1) / 2;
  let yMean = 0;
  for (let t = 0; t < n; t++) yMean += values[t]! / n;
  let sxy = 0;
  let sxx = 0;
  for (let t = 0; t < n; t++) {
    sxy += (t - tMean) * (values[t]! - yMean);
    sxx += (t - tMean) ** 2;
  }
  const slope = sxy / sxx;
  let rss = 0;
  for (let t = 0; t < n; t++) rss += (values[t]! - yMean - slope * (t - tMean)) ** 2;
  return rss;
}

/**
 * True when the series is strictly positive, its log changes by a clear mean rate per step, and a
 * straight line through the logs explains it better than a straight line through the values: the
 * Gaussian likelihoods of the two regressions on time, the log one with the Jacobian of the
 * transform (the Box–Cox comparison of λ = 0 with λ = 1), have the same number of parameters, so
 * the larger wins outright.
 */
export function multiplicativeGrowth(y: ArrayLike<number>): boolean {
  const n = y.length;
  if (n < MIN_VALUES) return false;
  const logs = new Float64Array(n);
  const values = new Float64Array(n);
  let sumLogs = 0;
  for (let t = 0; t < n; t++) {
    const value = y[t]!;
    if (!(value > 0) || !Number.isFinite(value)) return false;
    values[t] = value;
    logs[t] = Math.log(value);
    sumLogs += logs[t]!;
  }
  const steps = n - 1;
  const meanStep = (logs[n - 1]! - logs[0]!) / steps;
  let squares = 0;
  for (let t = 1; t < n; t++) squares += (logs[t]! - logs[t - 1]! - meanStep) ** 2;
  const standardError = Math.sqrt(squares / (steps - 1) / steps);
  if (!(Math.abs(meanStep) > CLEAR_GROWTH * standardError)) return false;
  const rssLinear = lineRss(values);
  const rssLog = lineRss(logs);
  if (!(rssLinear > 0) || !(rssLog > 0)) return false;
  const logLikelihoodLinear = (-n / 2) * Math.log(rssLinear / n);
  const logLikelihoodLog = (-n / 2) * Math.log(rssLog / n) - sumLogs;
  return logLikelihoodLog > logLikelihoodLinear;
}
