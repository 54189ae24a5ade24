import { TrainingError } from '../errors/training-error';
import type { Table } from '../table';
import type { SeriesResult, TableForecast } from './forecast-table';
import { calendarRegressors } from './forecast-table';
import { buildSeries } from './series';
import { DEFAULT_LEVELS } from './intervals';
import { restoreForecaster } from './registry';
import { TimeAxis, type TimeAxisJSON } from './time-axis';
import type { FittedForecaster, ForecasterJSON, ForecastResult } from './types';

/**
 * A forecast model as saved to disk or the workspace: the time grid and, per series, the fitted
 * model and where its data ended, so that it forecasts again without the training data.
 */
export interface SavedForecast {
  readonly format: 'bunsen-forecast';
  readonly version: 1;
  readonly time: string;
  readonly target: string;
  readonly seriesColumns: readonly string[];
  readonly axis: TimeAxisJSON;
  readonly frequency: string;
  readonly horizon: number;
  readonly series: readonly SavedSeries[];
  /**
   * The known-in-advance columns the models were searched with, in the order the models read
   * them (after the calendar's). Absent when there were none.
   */
  readonly features?: readonly string[];
}

export interface SavedSeries {
  readonly id: string | null;
  readonly period: number;
  /** Grid step of the first training value, and the number of values. */
  readonly start: number;
  readonly length: number;
  /** The last training time, as the input wrote it. */
  readonly lastTime: string | number;
  readonly calendar: boolean;
  /**
   * Whether the model reads the known-in-advance features, whose values at the forecast steps
   * must then be given to forecast again. Absent when it does not.
   */
  readonly features?: boolean;
  readonly model: ForecasterJSON;
}

export function saveForecast(
  result: TableForecast,
  columns: { time: string; target: string; series?: readonly string[] },
  horizon: number,
): SavedForecast {
  const { axis } = result;
  const features = result.series.find((series) => series.features?.length)?.features;
  return {
    format: 'bunsen-forecast',
    version: 1,
    time: columns.time,
    target: columns.target,
    seriesColumns: columns.series ?? [],
    axis: axis.toJSON(),
    frequency: axis.name,
    horizon,
    series: result.series.map((series: SeriesResult) => {
      const model = series.model.toJSON();
      const calendarColumns = series.calendar
        ? (calendarRegressors(axis, series.data.times, new Float64Array(0))?.columns ?? 0)
        : 0;
      const readsFeatures =
        Boolean(series.features?.length) && regressorWidth(model) > calendarColumns;
      return {
        id: series.id,
        period: series.period,
        start: series.data.start,
        length: series.data.values.length,
        lastTime: axis.format(series.data.times[series.data.times.length - 1]!),
        calendar: series.calendar,
        ...(readsFeatures ? { features: true } : {}),
        model,
      };
    }),
    ...(features?.length ? { features: [...features] } : {}),
  };
}

/**
 * How many leading columns of the regressor matrix (calendar columns, then known-in-advance
 * features) a saved model reads: all of them for lag regression, the ones it regresses on for
 * ARIMA, the most any member or inner model reads for ensembles, Box–Cox, cleaned series,
 * floors, scaling, widened intervals and STL.
 */
export function regressorWidth(json: unknown): number {
  if (!json || typeof json !== 'object') return 0;
  const model = json as Record<string, unknown>;
  switch (model.model) {
    case 'ensemble':
      return Array.isArray(model.members) ? Math.max(0, ...model.members.map(regressorWidth)) : 0;
    case 'boxcox':
    case 'cleaned':
    case 'floor':
    case 'scaled':
    case 'widened':
    case 'stl':
      return regressorWidth(model.inner);
    case 'lagreg': {
      const width = (model.layout as { regressors?: unknown } | undefined)?.regressors;
      return typeof width === 'number' ? width : 0;
    }
    case 'arima': {
      const columns = (model.regressors as { columns?: unknown } | undefined)?.columns;
      return Array.isArray(columns) && columns.length ? Math.max(...columns.map(Number)) + 1 : 0;
    }
    default:
      return 0;
  }
}

export interface LoadedSeries {
  readonly id: string | null;
  readonly period: number;
  readonly model: FittedForecaster;
  /** The known-in-advance columns whose future values this series' model needs; often none. */
  readonly features: readonly string[];
  /**
   * Forecasts h steps after the training data, with the times of those steps. A model that reads
   * known-in-advance features needs `future`: rows with the time (and series) columns and every
   * feature's value at each forecast step.
   */
  forecast(
    h: number,
    levels?: readonly number[],
    future?: Table,
  ): { times: Float64Array; result: ForecastResult };
}

export function loadForecast(json: unknown): {
  axis: TimeAxis;
  series: LoadedSeries[];
  /** The known-in-advance columns the models were searched with (none for most forecasts). */
  features: readonly string[];
} {
  const saved = json as Partial<SavedForecast> | null;
  if (!saved || saved.format !== 'bunsen-forecast' || saved.version !== 1) {
    throw new TrainingError(
      'invalid-input',
      'This is not a saved Bunsen forecast (format bunsen-forecast, version 1).',
      'format',
    );
  }
  if (!Array.isArray(saved.series)) {
    throw new TrainingError('invalid-input', 'The saved forecast lists no series.', 'series');
  }
  const features = saved.features ?? [];
  if (!Array.isArray(features) || features.some((name) => typeof name !== 'string')) {
    throw new TrainingError(
      'invalid-input',
      'The saved forecast’s features should be a list of column names.',
      'features',
    );
  }
  const axis = TimeAxis.fromJSON(saved.axis);
  return {
    axis,
    features,
    series: saved.series.map((entry) => {
      const model = restoreForecaster(entry.model);
      const end = entry.start + entry.length;
      const needs = entry.features === true ? features : [];
      if (entry.features === true && !features.length) {
        throw new TrainingError(
          'invalid-input',
          `The saved model${entry.id === null ? '' : ` of “${entry.id}”`} reads known-in-advance features, but the file does not name them.`,
          'features',
        );
      }
      return {
        id: entry.id,
        period: entry.period,
        model,
        features: needs,
        forecast(h: number, levels: readonly number[] = DEFAULT_LEVELS, future?: Table) {
          const times = Float64Array.from({ length: h }, (_, i) => axis.timeAt(end + i));
          const calendar = entry.calendar
            ? calendarRegressors(axis, new Float64Array(0), times)
            : undefined;
          const known = needs.length
            ? futureFeatures(saved as SavedForecast, entry, axis, times, future)
            : undefined;
          return { times, result: model.forecast(h, levels, joinColumns(h, calendar, known)) };
        },
      };
    }),
  };
}

/** Calendar columns then feature columns, one row per forecast step, as the models were fitted. */
function joinColumns(
  h: number,
  ...parts: ({ columns: number; x: Float64Array } | undefined)[]
): Float64Array | undefined {
  const present = parts.filter((part) => part !== undefined && part.columns > 0);
  if (!present.length) return undefined;
  if (present.length === 1) return present[0]!.x;
  const columns = present.reduce((sum, part) => sum + part!.columns, 0);
  const x = new Float64Array(h * columns);
  let offset = 0;
  for (const part of present) {
    for (let i = 0; i < h; i++) {
      for (let j = 0; j < part!.columns; j++) {
        x[i * columns + offset + j] = part!.x[i * part!.columns + j]!;
      }
    }
    offset += part!.columns;
  }
  return x;
}

/**
 * The saved forecast's known-in-advance features at the forecast steps of one series, read from
 * a table of future rows. Every problem is named: the columns the table lacks, or the first step
 * with no value for a column.
 */
function futureFeatures(
  saved: SavedForecast,
  entry: SavedSeries,
  axis: TimeAxis,
  times: Float64Array,
  future: Table | undefined,
): { columns: number; x: Float64Array } {
  const names = saved.features ?? [];
  const where = entry.id === null ? '' : ` of “${entry.id}”`;
  if (!future) {
    throw new TrainingError(
      'invalid-input',
      `This forecaster${where} was trained with the known-in-advance columns ${names.join(', ')}: give a table of their values for the ${times.length} forecast steps from ${axis.format(times[0]!)}.`,
      'future',
    );
  }
  const missing = [saved.time, ...saved.seriesColumns, ...names].filter(
    (name) => !future.has(name),
  );
  if (missing.length) {
    throw new TrainingError(
      'invalid-input',
      `The future rows lack the column${missing.length > 1 ? 's' : ''} ${missing.map((name) => `“${name}”`).join(', ')}; this forecaster needs ${[saved.time, ...saved.seriesColumns, ...names].join(', ')}.`,
      missing[0]!,
    );
  }
  const x = new Float64Array(times.length * names.length);
  names.forEach((name, j) => {
    const built = buildSeries(future, {
      time: saved.time,
      target: name,
      series: saved.seriesColumns,
      frequency: axis.frequency,
    }).series.find((series) => series.id === entry.id);
    const byTime = new Map<number, number>();
    built?.times.forEach((time, i) => byTime.set(time, built.values[i]!));
    times.forEach((time, i) => {
      const value = byTime.get(time);
      if (value === undefined || !Number.isFinite(value)) {
        throw new TrainingError(
          'invalid-input',
          `The future rows lack “${name}”${where} for forecast step ${i + 1} (${axis.format(time)}).`,
          name,
        );
      }
      x[i * names.length + j] = value;
    });
  });
  return { columns: names.length, x };
}
