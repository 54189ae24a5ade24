import { TrainingError } from '../errors/training-error';
import type { SeriesResult, TableForecast } from './forecast-table';
import { calendarRegressors } from './forecast-table';
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
  readonly model: ForecasterJSON;
}

export function saveForecast(
  result: TableForecast,
  columns: { time: string; target: string; series?: readonly string[] },
  horizon: number,
): SavedForecast {
  const { axis } = result;
  return {
    format: 'bunsen-forecast',
    version: 1,
    time: columns.time,
    target: columns.target,
    seriesColumns: columns.series ?? [],
    axis: axis.toJSON(),
    frequency: axis.name,
    horizon,
    series: result.series.map((series: SeriesResult) => ({
      id: series.id,
      period: series.period,
      start: series.data.start,
      length: series.data.values.length,
      lastTime: axis.format(series.data.times[series.data.times.length - 1]!),
      calendar: series.calendar,
      model: series.model.toJSON(),
    })),
  };
}

export interface LoadedSeries {
  readonly id: string | null;
  readonly period: number;
  readonly model: FittedForecaster;
  /** Forecasts h steps after the training data, with the times of those steps. */
  forecast(h: number, levels?: readonly number[]): { times: Float64Array; result: ForecastResult };
}

export function loadForecast(json: unknown): { axis: TimeAxis; series: LoadedSeries[] } {
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
  const axis = TimeAxis.fromJSON(saved.axis);
  return {
    axis,
    series: saved.series.map((entry) => {
      const model = restoreForecaster(entry.model);
      const end = entry.start + entry.length;
      return {
        id: entry.id,
        period: entry.period,
        model,
        forecast(h: number, levels: readonly number[] = DEFAULT_LEVELS) {
          const times = Float64Array.from({ length: h }, (_, i) => axis.timeAt(end + i));
          const regressors = entry.calendar
            ? calendarRegressors(axis, new Float64Array(0), times)
            : undefined;
          return { times, result: model.forecast(h, levels, regressors?.x) };
        },
      };
    }),
  };
}
