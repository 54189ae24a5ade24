import { checkCancelled, TrainingError } from '../errors/training-error';
import type { Table } from '../table';
import { calendarFeatures } from './calendar';
import { detectSeasonality, type Seasonality } from './seasonality';
import {
  searchForecast,
  SeriesTooShortError,
  type SearchOptions,
  type SeriesForecast,
} from './search';
import { buildSeries, type RegularSeries, type SeriesOptions } from './series';
import type { TimeAxis } from './time-axis';
import { floorOf } from './transformed';

export interface ForecastTableOptions
  extends
    SeriesOptions,
    Omit<
      SearchOptions,
      'period' | 'series' | 'seriesIndex' | 'seriesCount' | 'regressors' | 'features'
    > {
  /** Seasonal period in steps; detected per series from the frequency and autocorrelation. */
  readonly period?: number;
  /**
   * Numeric columns known in advance (prices, planned promotions, holidays). Their values for the
   * forecast steps come from `future`; regression with ARIMA errors and lag regression use them.
   */
  readonly features?: readonly string[];
  /** Rows for the forecast steps: the time, series and feature columns (the target may be absent). */
  readonly future?: Table;
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
  /** The known-in-advance columns given to the models, after the calendar's; absent if none. */
  readonly features?: readonly string[];
}

export interface TableForecast {
  readonly axis: TimeAxis;
  readonly warnings: readonly string[];
  readonly series: readonly SeriesResult[];
  /** The times were local midnights written in UTC, read as dates: test rows are read so too. */
  readonly localMidnights?: boolean;
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
 * The known-in-advance columns of each series on its regular grid, then at the forecast steps
 * (read from `future`), as one `(n + horizon) × columns` matrix per series id.
 */
function featureMatrices(
  table: Table,
  options: ForecastTableOptions,
  series: readonly RegularSeries[],
  futureTimes: (data: RegularSeries) => Float64Array,
): Map<string | null, { columns: number; x: Float64Array; names: string[] }> {
  const names = [...options.features!];
  const future = options.future;
  if (!future) {
    throw new TrainingError(
      'invalid-input',
      `The known-in-advance columns ${names.join(', ')} need their values for the ${options.horizon} forecast steps; give a table of future rows.`,
      'future',
    );
  }
  const out = new Map<string | null, { columns: number; x: Float64Array; names: string[] }>();
  for (const data of series) {
    out.set(data.id, {
      columns: names.length,
      x: new Float64Array((data.values.length + options.horizon) * names.length),
      names,
    });
  }
  names.forEach((name, j) => {
    for (const [source, label] of [
      [table, 'training data'],
      [future, 'future rows'],
    ] as const) {
      if (!source.has(name)) {
        throw new TrainingError('invalid-input', `The ${label} have no column “${name}”.`, name);
      }
    }
    const past = new Map(
      buildSeries(table, { ...options, target: name }).series.map((s) => [s.id, s]),
    );
    const ahead = new Map(
      buildSeries(future, { ...options, target: name }).series.map((s) => [s.id, s]),
    );
    for (const data of series) {
      const matrix = out.get(data.id)!;
      const known = past.get(data.id);
      const where = data.id === null ? '' : ` of “${data.id}”`;
      if (!known || known.start !== data.start || known.values.length !== data.values.length) {
        throw new TrainingError(
          'invalid-input',
          `The column “${name}”${where} does not cover the same steps as the target.`,
          name,
        );
      }
      known.values.forEach((value, t) => {
        matrix.x[t * names.length + j] = value;
      });
      const next = ahead.get(data.id);
      const steps = futureTimes(data);
      const byTime = new Map<number, number>();
      next?.times.forEach((time, i) => byTime.set(time, next.values[i]!));
      steps.forEach((time, i) => {
        const value = byTime.get(time);
        if (value === undefined || !Number.isFinite(value)) {
          throw new TrainingError(
            'invalid-input',
            `The future rows lack “${name}”${where} for forecast step ${i + 1}.`,
            name,
          );
        }
        matrix.x[(data.values.length + i) * names.length + j] = value;
      });
    }
  });
  return out;
}

function tooShortNote(errors: readonly SeriesTooShortError[]): string {
  const needed = Math.min(...errors.map((error) => error.needed));
  if (errors.length === 1) {
    const { id, length } = errors[0]!;
    return `Series “${id}” has ${length} ${length === 1 ? 'value' : 'values'}, too few to forecast (at least ${needed} are needed), so it is not forecast.`;
  }
  const named = errors.slice(0, 5).map((error) => `“${error.id}” (${error.length})`);
  const more = errors.length > 5 ? ` and ${errors.length - 5} more` : '';
  return `${errors.length} series have too few values to forecast (at least ${needed} are needed), so they are not forecast: ${named.join(', ')}${more}.`;
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
  const { axis, series, warnings, localMidnights } = buildSeries(table, options);
  const notes = [...warnings];
  const results: SeriesResult[] = [];
  const started = options.now();
  const budget = options.budgetSeconds;
  const features = options.features?.length
    ? featureMatrices(table, { ...options, localMidnights }, series, (data) =>
        futureTimesOf(axis, data, options.horizon),
      )
    : undefined;
  const tooShort: SeriesTooShortError[] = [];
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
    // The calendar's other cycles (a week beside a year of days) are tried too, and the backtest
    // decides between them; an explicit period is taken as given.
    const periods =
      options.periods ??
      (seasonality.source === 'calendar'
        ? seasonality.candidates
            .filter((candidate) => candidate.fits && candidate.period !== seasonality.period)
            .map((candidate) => candidate.period)
        : []);
    let result: SeriesForecast;
    try {
      result = await searchForecast(data.values, {
        ...options,
        period: seasonality.period,
        periods,
        cycle: seasonality.source === 'acf',
        series: data.id,
        seriesIndex: index,
        seriesCount: series.length,
        ...(share === undefined ? {} : { budgetSeconds: share }),
        ...(regressors ? { regressors } : {}),
        features: features?.get(data.id),
      });
    } catch (error) {
      // One short series of many (a product launched last week) leaves the others to forecast.
      if (!(error instanceof SeriesTooShortError) || series.length === 1) throw error;
      tooShort.push(error);
      continue;
    }
    results.push({
      ...result,
      id: data.id,
      data,
      seasonality,
      futureTimes,
      calendar: regressors !== undefined,
      ...(options.features?.length ? { features: [...options.features] } : {}),
    });
  }
  if (tooShort.length === series.length) throw tooShort[0]!;
  if (tooShort.length) notes.push(tooShortNote(tooShort));
  // Said once for the table: a series that reaches 0 and never goes below it keeps to 0.
  const floored = series.filter((data) => floorOf(data.values) !== null).length;
  if (floored) {
    const subject =
      series.length === 1
        ? `“${options.target}”`
        : floored === series.length
          ? `every series of “${options.target}”`
          : `${floored} of the ${series.length} series of “${options.target}”`;
    const singular = series.length === 1 || floored === series.length || floored === 1;
    notes.push(
      `Forecasts and intervals are kept at 0 or above: ${subject} never ${singular ? 'goes' : 'go'} below 0 and ${singular ? 'reaches' : 'reach'} it.`,
    );
  }
  return { axis, warnings: notes, series: results, ...(localMidnights ? { localMidnights } : {}) };
}
