import { calendarPeriods, type Frequency } from './frequency';
import { decompose } from './decompose';
import { acf, normalQuantile } from './stats';

export interface PeriodCandidate {
  readonly period: number;
  /** Autocorrelation at this lag of the series detrended by a moving average (differenced, for plain steps). */
  readonly acf: number;
  /** Whether that autocorrelation stands out from noise at the 5% level (one-sided). */
  readonly significant: boolean;
  /** Whether the series holds at least two full cycles of it. */
  readonly fits: boolean;
}

export interface Seasonality {
  /** The period the models use; 1 when there is none. */
  readonly period: number;
  /** Whether the data show a significant cycle at that period. */
  readonly seasonal: boolean;
  readonly candidates: readonly PeriodCandidate[];
  readonly source: 'calendar' | 'acf' | 'override' | 'none';
}

/**
 * The autocorrelation test of `thetaf` (Hyndman & Billah 2003): lag m is seasonal when r_m exceeds
 * 1.645 standard errors, with Bartlett's standard error from the lower lags.
 */
function testPeriod(r: Float64Array, period: number, n: number): boolean {
  if (period >= r.length) return false;
  let sum = 0;
  for (let k = 1; k < period; k++) sum += r[k]! ** 2;
  const stat = Math.sqrt((1 + 2 * sum) / n);
  return r[period]! > 0 && r[period]! / stat > normalQuantile(0.95);
}

function differences(y: ArrayLike<number>): Float64Array {
  const out = new Float64Array(Math.max(0, y.length - 1));
  for (let i = 1; i < y.length; i++) out[i - 1] = y[i]! - y[i - 1]!;
  return out;
}

/**
 * The series less its centred moving average over one cycle (the trend of classical
 * decomposition): a trend no longer masks the cycle, and a long smooth cycle (a year of days)
 * survives, which differencing would flatten into noise.
 */
function detrended(y: ArrayLike<number>, period: number): Float64Array {
  const { trend } = decompose(Float64Array.from(y), period, 'additive');
  const out: number[] = [];
  for (let t = 0; t < y.length; t++) if (!Number.isNaN(trend[t]!)) out.push(y[t]! - trend[t]!);
  return Float64Array.from(out);
}

/** The test of one calendar period on the series detrended for it. */
function describeCalendar(y: ArrayLike<number>, period: number): PeriodCandidate {
  const fits = y.length >= 2 * period;
  if (!fits || period < 2) return { period, acf: NaN, significant: false, fits };
  const x = detrended(y, period);
  if (x.length <= period + 1) return { period, acf: NaN, significant: false, fits };
  const r = acf(x, period);
  return { period, acf: r[period]!, significant: testPeriod(r, period, x.length), fits };
}

/**
 * A cycle this correlated with itself one period back, once detrended, is worth modelling. Bartlett's
 * test alone is too lenient on long series (a weekly r of 0.07 in four years of daily weather
 * passes it) and too strict on long smooth cycles (a year of days, whose lower lags all correlate).
 */
const MIN_CYCLE_ACF = 0.2;

/** The cycles a series must hold for a period found in its autocorrelation alone. */
const MIN_CYCLES = 3;

/**
 * The seasonal period of a series. Calendar data weigh the periods their frequency suggests (12
 * for monthly, 7 and 365 for daily, 24 and 168 for hourly…) that the data hold two cycles of: the
 * one whose detrended autocorrelation at its lag is highest, if at least MIN_CYCLE_ACF, else the
 * first of them (the calendar's usual choice).
 * Plain-step data take the strongest autocorrelation peak of their differences, at a lag the
 * series holds MIN_CYCLES cycles of, that passes Bartlett's test and MIN_CYCLE_ACF, and rises at
 * least MIN_CYCLE_ACF above the lowest autocorrelation at a shorter lag, if any. An override wins.
 */
export function detectSeasonality(
  y: ArrayLike<number>,
  frequency: Frequency,
  override?: number,
): Seasonality {
  const n = y.length;
  if (override !== undefined) {
    return {
      period: override,
      seasonal: override > 1,
      candidates: override > 1 ? [describeCalendar(y, override)] : [],
      source: 'override',
    };
  }
  const calendar = calendarPeriods(frequency);
  if (calendar.length) {
    const candidates = calendar.map((period) => describeCalendar(y, period));
    const strong = candidates
      .filter((candidate) => candidate.fits && candidate.acf >= MIN_CYCLE_ACF)
      .sort((a, b) => b.acf - a.acf);
    const chosen = strong[0] ?? candidates.find((candidate) => candidate.fits);
    if (chosen) {
      return {
        period: chosen.period,
        seasonal: chosen.acf >= MIN_CYCLE_ACF || chosen.significant,
        candidates,
        source: 'calendar',
      };
    }
    return { period: 1, seasonal: false, candidates, source: 'none' };
  }
  // Plain steps: the strongest peak of the differenced series' autocorrelation.
  const diffs = differences(y);
  const maxLag = Math.min(diffs.length - 1, Math.max(2, Math.min(Math.floor(n / 2), 2000)));
  const r = diffs.length > 2 ? acf(diffs, maxLag) : new Float64Array(1);
  const describe = (period: number): PeriodCandidate => ({
    period,
    acf: r[period]!,
    significant: true,
    fits: n >= 2 * period,
  });
  const peaks: PeriodCandidate[] = [];
  // The lowest autocorrelation at a shorter lag: a cycle's peak rises from a trough, where steps
  // that merely persist (a trending walk) decay slowly, with ripples that peak by chance.
  let trough = r[1] ?? 0;
  // A cycle seen only twice is one comparison, which chance passes on a trending series (log
  // prices of 120 years peak at lag 56); three cycles are asked for, as of a nested period.
  for (let lag = 2; lag < r.length - 1 && MIN_CYCLES * lag <= n; lag++) {
    const peak = r[lag]! > r[lag - 1]! && r[lag]! >= r[lag + 1]!;
    if (
      peak &&
      r[lag]! >= MIN_CYCLE_ACF &&
      r[lag]! - trough >= MIN_CYCLE_ACF &&
      testPeriod(r, lag, diffs.length)
    ) {
      peaks.push(describe(lag));
    }
    trough = Math.min(trough, r[lag]!);
  }
  if (!peaks.length) return { period: 1, seasonal: false, candidates: [], source: 'none' };
  const strongest = Math.max(...peaks.map((peak) => peak.acf));
  // Multiples of a cycle peak nearly as high as the cycle itself; prefer the fundamental…
  const fundamental = refinePeriod(y, peaks.find((peak) => peak.acf >= 0.8 * strongest)!.period);
  // …unless a multiple of it stands above its neighbouring multiples: a longer cycle made of
  // shorter ones (the week of 336 half-hours over the day of 48), which models the days as well.
  const period = nestedPeriod(r, fundamental, n) ?? fundamental;
  return { period, seasonal: true, candidates: peaks, source: 'acf' };
}

/**
 * How far a nesting cycle's autocorrelation must stand above its neighbouring multiples, in
 * standard errors of an autocorrelation (1/√n): on short series, one multiple of a cycle stands
 * out by chance.
 */
const NEST_ERRORS = 3;

/**
 * The smallest multiple m of `period` whose autocorrelation exceeds that at m − period and at
 * m + period by NEST_ERRORS standard errors, is nearly as high as the period's own, and that the
 * series holds MIN_CYCLES cycles of; null when none does.
 */
function nestedPeriod(r: Float64Array, period: number, n: number): number | null {
  const base = r[period]!;
  const margin = NEST_ERRORS / Math.sqrt(n);
  for (let m = 2 * period; m + period < r.length && MIN_CYCLES * m <= n; m += period) {
    const here = r[m]!;
    if (here >= 0.9 * base && here - r[m - period]! >= margin && here - r[m + period]! >= margin) {
      return m;
    }
  }
  return null;
}

/**
 * The lag next to a peak of the differences' autocorrelation that the series itself, detrended
 * over one cycle, repeats best at: differencing sharpens noise, so a smooth cycle of 24 steps can
 * peak at 23 or 25 there.
 */
function refinePeriod(y: ArrayLike<number>, period: number): number {
  let best = period;
  let bestAcf = -Infinity;
  for (const lag of [period - 1, period, period + 1]) {
    if (lag < 2) continue;
    const candidate = describeCalendar(y, lag);
    if (candidate.fits && candidate.acf > bestAcf) {
      best = lag;
      bestAcf = candidate.acf;
    }
  }
  return best;
}
