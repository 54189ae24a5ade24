import { sortedQuantile, variance } from './stats';
import { robustLoessTrend, stl } from './stl';

/**
 * Outliers of a series and values to put in their place, after R's `forecast::tsoutliers`
 * (Hyndman): take the season out when a robust STL finds a strong one, smooth what is left,
 * and call a value an outlier when its residual lies more than three interquartile ranges
 * outside the residuals' quartiles. Outliers are replaced by linear interpolation of the
 * seasonally adjusted series, with the season added back; the search runs twice, the second
 * time on the cleaned series.
 *
 * Where R smooths with Friedman's super smoother, this uses a robust loess line (a fifth of the
 * series wide), which a spike does not pull towards itself. Three more differences keep it from
 * taking real movement for outliers: only runs of at most two neighbouring values count (a
 * longer run is a shift), a residual must also lie well outside the noise of one-step changes
 * (`STEP_NOISE_LIMIT`), and a positive series' outliers must be outliers in logs too. On clear
 * spikes the values flagged are R's.
 */

export interface Outliers {
  /** Positions of the outliers, ascending. */
  readonly index: readonly number[];
  /** The series with each outlier replaced; the input itself when there are none. */
  readonly cleaned: Float64Array;
}

/** How strong (1 − var(remainder) / var(detrended)) a season must be to be taken out first. */
const SEASONAL_STRENGTH = 0.6;
/** The smoother's span, as a share of the series (the super smoother's middle span). */
const SPAN = 0.2;
/** The longest run of neighbouring values that can be outliers together. */
const MAX_RUN = 2;
/** Interquartile ranges beyond the quartiles past which a residual is an outlier. */
const IQR_LIMIT = 3;
/**
 * Nor is a residual an outlier within this many standard deviations of the noise, as the
 * one-step changes show it (`stepNoise`), of the residuals' median. On a short series the
 * smoother and the season follow most values closely, the interquartile range of the residuals
 * shrinks, and the quartile rule alone flagged 9 of the first 48 months of R's USAccDeaths
 * (R flags 3). With this, none of them; a spike of a few times the noise is still found.
 */
const STEP_NOISE_LIMIT = 5;

function isConstant(y: Float64Array): boolean {
  for (let i = 1; i < y.length; i++) if (y[i] !== y[0]) return false;
  return true;
}

/** The runs of neighbouring flagged positions, as [first, past the last). */
function* runs(flagged: Uint8Array): Generator<[number, number]> {
  for (let i = 0; i < flagged.length;) {
    if (!flagged[i]) {
      i++;
      continue;
    }
    let end = i;
    while (end < flagged.length && flagged[end]) end++;
    yield [i, end];
    i = end;
  }
}

/**
 * The flagged positions that stand in runs of at most MAX_RUN: a longer run is a level shift or
 * a season that changed, which the smoother has not caught up with, not a few bad values.
 */
function spikes(flagged: Uint8Array): number[] {
  const index: number[] = [];
  for (const [first, end] of runs(flagged)) {
    if (end - first <= MAX_RUN) for (let k = first; k < end; k++) index.push(k);
  }
  return index;
}

/** The noise's standard deviation as the spread of one-step changes shows it (robustly). */
function stepNoise(y: Float64Array): number {
  const n = y.length;
  if (n < 3) return 0;
  const steps = new Float64Array(n - 1);
  for (let i = 1; i < n; i++) steps[i - 1] = y[i]! - y[i - 1]!;
  steps.sort();
  const middle = sortedQuantile(steps, 0.5);
  const deviations = steps.map((step) => Math.abs(step - middle)).sort();
  return (1.4826 * sortedQuantile(deviations, 0.5)) / Math.SQRT2;
}

/** One search: the outliers of y and the cleaned series. */
function searchOnce(y: Float64Array, period: number): Outliers {
  const n = y.length;
  if (n < 3 || isConstant(y)) return { index: [], cleaned: y };
  let seasonal: Float64Array | null = null;
  let adjusted = y;
  if (period > 1 && n > 2 * period) {
    const fit = stl(y, { period, seasonalWindow: 11, robust: true });
    const detrended = new Float64Array(n);
    for (let i = 0; i < n; i++) detrended[i] = y[i]! - fit.trend[i]!;
    const strength = 1 - variance(fit.remainder) / variance(detrended);
    if (strength >= SEASONAL_STRENGTH) {
      seasonal = fit.seasonal;
      adjusted = new Float64Array(n);
      for (let i = 0; i < n; i++) adjusted[i] = y[i]! - seasonal[i]!;
    }
  }
  const trend = robustLoessTrend(adjusted, Math.max(7, Math.round(SPAN * n) | 1));
  const residuals = new Float64Array(n);
  for (let i = 0; i < n; i++) residuals[i] = adjusted[i]! - trend[i]!;
  const sorted = residuals.slice().sort();
  const q1 = sortedQuantile(sorted, 0.25);
  const q3 = sortedQuantile(sorted, 0.75);
  const iqr = q3 - q1;
  const median = sortedQuantile(sorted, 0.5);
  const widen = STEP_NOISE_LIMIT * stepNoise(adjusted);
  const low = Math.min(q1 - IQR_LIMIT * iqr, median - widen);
  const high = Math.max(q3 + IQR_LIMIT * iqr, median + widen);
  if (!(high - low > 1e-14)) return { index: [], cleaned: y };
  const flagged = new Uint8Array(n);
  for (let i = 0; i < n; i++) if (residuals[i]! < low || residuals[i]! > high) flagged[i] = 1;
  const index = spikes(flagged);
  if (!index.length) return { index, cleaned: y };
  return { index, cleaned: interpolate(adjusted, seasonal, index) };
}

/**
 * The adjusted series with the flagged positions filled by a straight line between their
 * nearest unflagged neighbours (the nearest one alone at either end), plus the season.
 */
function interpolate(
  adjusted: Float64Array,
  seasonal: Float64Array | null,
  index: readonly number[],
): Float64Array {
  const n = adjusted.length;
  const flagged = new Uint8Array(n);
  for (const i of index) flagged[i] = 1;
  const out = adjusted.slice();
  for (const [first, end] of runs(flagged)) {
    const before = first - 1;
    for (let k = first; k < end; k++) {
      if (before < 0) out[k] = adjusted[end]!;
      else if (end >= n) out[k] = adjusted[before]!;
      else {
        const share = (k - before) / (end - before);
        out[k] = adjusted[before]! + share * (adjusted[end]! - adjusted[before]!);
      }
    }
  }
  if (seasonal) for (let k = 0; k < n; k++) out[k] = out[k]! + seasonal[k]!;
  return out;
}

/**
 * The outliers of y (a series without missing values) at this seasonal period (1 for none),
 * and the series with them replaced. A series of positive values is searched both as it is and
 * in logs, and a value is an outlier only when both searches flag it: the peaks of a season
 * that grows with the level stand out only on the first scale, values near zero only on the
 * second, a spike on both. Its replacement then comes from the logs.
 */
export function findOutliers(y: Float64Array, period: number): Outliers {
  const m = Math.max(1, Math.round(period));
  // A gap is no outlier: a series that still has one is left to the model's own check.
  if (!y.every(Number.isFinite)) return { index: [], cleaned: y };
  const plain = search(y, m);
  if (!plain.index.length || !y.every((value) => value > 0)) return plain;
  const logged = search(y.map(Math.log), m);
  const index = plain.index.filter((i) => logged.index.includes(i));
  if (!index.length) return { index, cleaned: y };
  const cleaned = y.slice();
  for (const i of index) cleaned[i] = Math.exp(logged.cleaned[i]!);
  return { index, cleaned };
}

/** Two searches, the second on the series the first cleaned (as R iterates). */
function search(y: Float64Array, period: number): Outliers {
  const first = searchOnce(y, period);
  if (!first.index.length) return first;
  const second = searchOnce(first.cleaned, period);
  if (!second.index.length) {
    return { index: first.index, cleaned: restore(y, first.cleaned, first.index) };
  }
  const index = [...new Set([...first.index, ...second.index])].sort((a, b) => a - b);
  return { index, cleaned: restore(y, second.cleaned, index) };
}

/** y with only the flagged positions taken from the cleaned series (the rest exactly as given). */
function restore(y: Float64Array, cleaned: Float64Array, index: readonly number[]): Float64Array {
  const out = y.slice();
  for (const i of index) out[i] = cleaned[i]!;
  return out;
}
