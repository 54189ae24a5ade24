import type { TrainingErrorKind } from '../core/errors/training-error';
import type {
  AccuracyMetric,
  AggregateMethod,
  FillMethod,
  ForecastEvent,
  Frequency,
  SavedForecast,
} from '../core/forecast';
import type { ForecastView } from '../core/forecast/ui-view';
import type { JobEventSink } from './events';
import type { Cancellable } from './pool';
import type { TrainSource } from './train-api';

/**
 * Where the known-in-advance features' values for the forecast steps come from: the table's own
 * rows after each series' last target (target empty, features filled), or another table.
 */
export type ForecastFutureSource = { kind: 'after-target' } | TrainSource;

export interface ForecastRequest {
  source: TrainSource;
  time: string;
  target: string;
  /** Columns whose values name the series, for many series in one table. */
  series?: string[];
  /** Detected from the times when left out. */
  frequency?: Frequency;
  /** Seasonal period in steps; detected per series when left out. */
  period?: number;
  fill?: FillMethod;
  aggregate?: AggregateMethod;
  horizon: number;
  /** Backtest cut-offs and the steps between them; the core's defaults when left out. */
  folds?: number;
  step?: number;
  metric: AccuracyMetric;
  budgetSeconds: number;
  seed: number;
  /** Interval levels in percent; 80 and 95 by default. */
  levels?: number[];
  /** Families to try; all by default. */
  families?: string[];
  /** Numeric columns known in advance (prices, promotions, holidays). */
  features?: string[];
  /** The features' values at the forecast steps; the rows after the last target by default. */
  future?: ForecastFutureSource;
}

export interface ForecastFinished {
  view: ForecastView;
  /** The fitted models, to forecast again without the data (the registered artifact). */
  saved: SavedForecast;
  /** Seconds the whole job took, search and refits. */
  seconds: number;
}

export interface ForecastFailure {
  kind: TrainingErrorKind | 'internal';
  message: string;
  where?: string;
}

/** Everything a forecast job streams to the page; it ends with `finished` or `failed`. */
export type ForecastProgress =
  | { type: 'search'; event: ForecastEvent }
  | { type: 'finished'; result: ForecastFinished }
  | { type: 'failed'; error: ForecastFailure };

/** The forecasting worker, as the page sees it through comlink. */
export interface ForecastApi extends Cancellable {
  forecast(
    jobId: string,
    request: ForecastRequest,
    events: JobEventSink<ForecastProgress>,
  ): Promise<void>;
  cancel(jobId: string): void;
}
