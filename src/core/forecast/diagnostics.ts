import { acf, chiSquareSurvival } from './stats';
import { loessTrend, stl } from './stl';

/** What the lab charts under a forecast: residual autocorrelation and a decomposition. */
export interface ResidualDiagnostics {
  /** Autocorrelations of the in-sample one-step residuals at lags 1…acf.length. */
  readonly acf: Float64Array;
  /** ±bound is the approximate 95% band for white noise, 1.96/√n. */
  readonly bound: number;
  /** Ljung–Box test of no autocorrelation up to `df` lags. */
  readonly ljungBox: { readonly statistic: number; readonly df: number; readonly pValue: number };
}

export interface Decomposition {
  readonly method: 'stl' | 'loess';
  readonly period: number;
  readonly trend: Float64Array;
  readonly seasonal: Float64Array;
  readonly remainder: Float64Array;
}

/** Residuals without the leading steps a model cannot fit (NaN). */
function present(residuals: Float64Array): Float64Array {
  return residuals.filter((value) => Number.isFinite(value));
}

/**
 * Residual autocorrelations up to max(2m, 10) lags (at most n/5), with the Ljung–Box statistic
 * over the same lags (Hyndman & Athanasopoulos's choice for seasonal data).
 */
export function residualDiagnostics(residuals: Float64Array, period: number): ResidualDiagnostics {
  const e = present(residuals);
  const n = e.length;
  const lags = Math.max(1, Math.min(Math.max(2 * period, 10), Math.floor(n / 5)));
  if (n < 3) {
    return {
      acf: new Float64Array(0),
      bound: NaN,
      ljungBox: { statistic: NaN, df: 0, pValue: NaN },
    };
  }
  const r = acf(e, lags).slice(1);
  let q = 0;
  for (let k = 1; k <= r.length; k++) q += r[k - 1]! ** 2 / (n - k);
  q *= n * (n + 2);
  return {
    acf: r,
    bound: 1.96 / Math.sqrt(n),
    ljungBox: { statistic: q, df: r.length, pValue: chiSquareSurvival(q, r.length) },
  };
}

/**
 * Trend, season and remainder for the chart: robust STL when the series holds more than two
 * cycles, else a loess trend with no season.
 */
export function decomposeForChart(y: Float64Array, period: number): Decomposition {
  if (period >= 2 && y.length > 2 * period) {
    const { trend, seasonal, remainder } = stl(y, { period, seasonalWindow: 11, robust: true });
    return { method: 'stl', period, trend, seasonal, remainder };
  }
  const trend = loessTrend(y);
  return {
    method: 'loess',
    period: 1,
    trend,
    seasonal: new Float64Array(y.length),
    remainder: y.map((value, t) => value - trend[t]!),
  };
}
