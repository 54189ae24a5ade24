import { checkCancelled, TrainingError } from '../errors/training-error';
import type { Table } from '../table';
import { calendarFeatures } from './calendar';
import { detectSeasonality, type Seasonality } from './seasonality';
import { searchForecast, type SearchOptions, type SeriesForecast } from './search';
import { buildSeries, type RegularSeries, type SeriesOptions } from './series';
import type { TimeAxis } from './time-axis';

export interface ForecastTableOptions
  extends
    SeriesOptions,
    Omit<SearchOptions, 'period' | 'series' | 'seriesIndex' | 'seriesCount' | 'regressors'> {
  /** Seasonal period in steps; detected per series from the frequency and autocorrelation. */
  readonly period?: number;
  /** Give regression learners calendar features of the timestamps. On by default. */
  readonly calendar?: boolean;
}

export interface SeriesResult extends SeriesForecast {
  readonly id: string | null;
  /** The training series on its regular grid. */
  readonly data: RegularSeries;
  readonly seasonality: Seasonality;
  /** The times of the forecast steps. */
  readonly futureTimes: Float64Array;
  /** Whether calendar features were given to the models (needed to forecast again). */
  readonly calendar: boolean;
}

export interface TableForecast {
  readonly axis: TimeAxis;
  readonly warnings: readonly string[];
  readonly series: readonly SeriesResult[];
}

export function futureTimesOf(axis: TimeAxis, series: RegularSeries, horizon: number) {
  const end = series.start + series.values.length;
  return Float64Array.from({ length: horizon }, (_, i) => axis.timeAt(end + i));
}

/** Calendar regressors for the training steps and the forecast steps after them, or none. */
export function calendarRegressors(
  axis: TimeAxis,
  times: Float64Array,
  future: Float64Array,
): { columns: number; x: Float64Array } | undefined {
  const all = new Float64Array(times.length + future.length);
  all.set(times);
  all.set(future, times.length);
  const { names, x } = calendarFeatures(axis, all);
  return names.length ? { columns: names.length, x } : undefined;
}

/**
 * Forecasts every series of a table: builds the regular series, detects each one's seasonal
 * period, and runs the search on each, sharing the time budget evenly among the series still to
 * go (a series that finishes early leaves its time to the next).
 */
export async function forecastTable(
  table: Table,
  options: ForecastTableOptions,
): Promise<TableForecast> {
  const { axis, series, warnings } = buildSeries(table, options);
  const results: SeriesResult[] = [];
  const started = options.now();
  const budget = options.budgetSeconds;
  for (let index = 0; index < series.length; index++) {
    checkCancelled(options.signal);
    const data = series[index]!;
    const seasonality = detectSeasonality(data.values, axis.frequency, options.period);
    if (
      options.period !== undefined &&
      options.period > 1 &&
      data.values.length < options.period + 1
    ) {
      throw new TrainingError(
        'invalid-input',
        `A period of ${options.period} needs more than ${options.period} values; the series${data.id ? ` “${data.id}”` : ''} has ${data.values.length}.`,
        'period',
      );
    }
    const futureTimes = futureTimesOf(axis, data, options.horizon);
    const regressors =
      options.calendar === false ? undefined : calendarRegressors(axis, data.times, futureTimes);
    const spent = (options.now() - started) / 1000;
    const share =
      budget === undefined ? undefined : Math.max(0, (budget - spent) / (series.length - index));
    const result = await searchForecast(data.values, {
      ...options,
      period: seasonality.period,
      series: data.id,
      seriesIndex: index,
      seriesCount: series.length,
      ...(share === undefined ? {} : { budgetSeconds: share }),
      ...(regressors ? { regressors } : {}),
    });
    results.push({
      ...result,
      id: data.id,
      data,
      seasonality,
      futureTimes,
      calendar: regressors !== undefined,
    });
  }
  return { axis, warnings, series: results };
}
