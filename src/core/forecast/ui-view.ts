import type { AccuracyMetric } from './accuracy';
import type { Fold } from './backtest';
import type { IntervalCalibration } from './calibrate';
import type { Decomposition, ResidualDiagnostics } from './diagnostics';
import type { SeriesResult, TableForecast } from './forecast-table';
import type { LeaderboardEntry, StopReason } from './search';
import type { TimeAxis, TimeAxisJSON } from './time-axis';

/**
 * One series' forecast as plain data (typed arrays, numbers, strings): what a worker sends to
 * the page and what the charts, tables and downloads read. The fitted model stays behind; its
 * saved form travels separately.
 */
export interface ForecastSeriesView {
  readonly id: string | null;
  readonly period: number;
  readonly seasonal: boolean;
  readonly seasonalitySource: string;
  readonly metric: AccuracyMetric;
  readonly horizon: number;
  /** The training series on its grid. */
  readonly times: Float64Array;
  readonly values: Float64Array;
  readonly rows: number;
  readonly filled: number;
  readonly aggregated: number;
  readonly futureTimes: Float64Array;
  readonly mean: Float64Array;
  readonly intervals: readonly { level: number; lo: Float64Array; hi: Float64Array }[];
  /** How the chosen model's intervals did on the backtest and how much they were widened. */
  readonly calibration?: IntervalCalibration | null;
  readonly fitted: Float64Array;
  readonly residuals: Float64Array;
  readonly diagnostics: ResidualDiagnostics;
  readonly decomposition: Decomposition;
  readonly folds: readonly Fold[];
  readonly leaderboard: readonly LeaderboardEntry[];
  readonly best: LeaderboardEntry;
  /** The refitted model's form, e.g. "ETS(M,Ad,M)". */
  readonly modelLabel: string;
  readonly stopped: StopReason;
  readonly elapsedSeconds: number;
}

export interface ForecastView {
  readonly axis: TimeAxisJSON;
  readonly frequency: string;
  readonly warnings: readonly string[];
  readonly series: readonly ForecastSeriesView[];
}

function seriesView(result: SeriesResult): ForecastSeriesView {
  return {
    id: result.id,
    period: result.period,
    seasonal: result.seasonality.seasonal,
    seasonalitySource: result.seasonality.source,
    metric: result.metric,
    horizon: result.horizon,
    times: result.data.times,
    values: result.data.values,
    rows: result.data.rows,
    filled: result.data.filled,
    aggregated: result.data.aggregated,
    futureTimes: result.futureTimes,
    mean: result.forecast.mean,
    intervals: result.forecast.intervals.map(({ level, lo, hi }) => ({ level, lo, hi })),
    calibration: result.intervals,
    fitted: result.fitted,
    residuals: result.residuals,
    diagnostics: result.diagnostics,
    decomposition: result.decomposition,
    folds: result.folds,
    leaderboard: result.leaderboard,
    best: result.best,
    modelLabel: result.model.label,
    stopped: result.stopped,
    elapsedSeconds: result.elapsedSeconds,
  };
}

export function forecastView(result: TableForecast): ForecastView {
  return {
    axis: result.axis.toJSON(),
    frequency: result.axis.name,
    warnings: result.warnings,
    series: result.series.map(seriesView),
  };
}

const csvCell = (value: string | number | null): string => {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  return /[",\n\r]/.test(value) || /^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
};

/**
 * The forecast of every series as CSV: series (when there are several), time, forecast, and the
 * low and high bound of each interval level.
 */
export function forecastCsv(view: ForecastView, axis: TimeAxis): string {
  const multi = view.series.some((series) => series.id !== null);
  const levels = view.series[0]?.intervals.map((interval) => interval.level) ?? [];
  const header = [
    ...(multi ? ['series'] : []),
    'time',
    'forecast',
    ...levels.flatMap((level) => [`lo${level}`, `hi${level}`]),
  ];
  const lines = [header.map(csvCell).join(',')];
  for (const series of view.series) {
    series.futureTimes.forEach((time, i) => {
      const cells: (string | number | null)[] = [
        ...(multi ? [series.id] : []),
        axis.format(time),
        series.mean[i]!,
        ...series.intervals.flatMap((interval) => [interval.lo[i]!, interval.hi[i]!]),
      ];
      lines.push(cells.map(csvCell).join(','));
    });
  }
  return `${lines.join('\n')}\n`;
}

export type LeaderboardKey = AccuracyMetric | 'fit_s' | 'model' | 'trial';

/** The leaderboard sorted by a column; missing scores sort last either way. */
export function sortLeaderboard(
  entries: readonly LeaderboardEntry[],
  key: LeaderboardKey,
  descending = false,
): LeaderboardEntry[] {
  const valueOf = (entry: LeaderboardEntry): number | string =>
    key === 'model'
      ? entry.label
      : key === 'trial'
        ? entry.trial
        : key === 'fit_s'
          ? entry.fit_s
          : entry.backtest[key];
  const sign = descending ? -1 : 1;
  return [...entries].sort((a, b) => {
    const x = valueOf(a);
    const y = valueOf(b);
    if (typeof x === 'string' || typeof y === 'string') {
      return sign * String(x).localeCompare(String(y)) || a.trial - b.trial;
    }
    const xMissing = !Number.isFinite(x);
    const yMissing = !Number.isFinite(y);
    if (xMissing || yMissing) return Number(xMissing) - Number(yMissing) || a.trial - b.trial;
    return sign * (x - y) || a.trial - b.trial;
  });
}

/**
 * Whether two candidates forecast alike on every fold, up to the rounding of their fits (an
 * ARIMA(0,0,0)(0,1,0) and seasonal naive differ in the sixth digit): within a millionth of the
 * fold's largest forecast, so that a series of values near 1e-9 compares as one near 100 does.
 */
export function sameForecasts(
  a: Pick<LeaderboardEntry, 'folds'>,
  b: Pick<LeaderboardEntry, 'folds'>,
): boolean {
  return (
    a.folds.length === b.folds.length &&
    a.folds.every((fold, f) => {
      const other = b.folds[f]!.mean;
      if (fold.mean.length !== other.length) return false;
      let size = 0;
      for (let i = 0; i < other.length; i++) {
        size = Math.max(size, Math.abs(fold.mean[i]!), Math.abs(other[i]!));
      }
      return fold.mean.every((value, i) => Math.abs(value - other[i]!) <= 1e-6 * size);
    })
  );
}

/**
 * For each candidate that forecasts as an earlier one does on every fold (ETS choosing the same
 * form with and without `damped`, an ARIMA that is a seasonal random walk), that earlier trial.
 * Means of several models are left out: they are not tried as such.
 */
export function sameAsEarlier(entries: readonly LeaderboardEntry[]): Map<number, number> {
  const singles = entries.filter((entry) => !entry.members).sort((a, b) => a.trial - b.trial);
  const same = new Map<number, number>();
  singles.forEach((entry, index) => {
    const earlier = singles
      .slice(0, index)
      .find((other) => !same.has(other.trial) && sameForecasts(other, entry));
    if (earlier) same.set(entry.trial, earlier.trial);
  });
  return same;
}
