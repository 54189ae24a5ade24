export type {
  FittedForecaster,
  ForecastFitOptions,
  Forecaster,
  ForecasterJSON,
  ForecastResult,
} from './types';
export {
  frequencyName,
  parseFrequency,
  calendarPeriods,
  type Frequency,
  type FrequencyUnit,
} from './frequency';
export { TimeAxis, type TimeAxisJSON, type TimeKind } from './time-axis';
export {
  buildSeries,
  detectFrequency,
  readTimes,
  AGGREGATE_METHODS,
  FILL_METHODS,
  type AggregateMethod,
  type FillMethod,
  type RegularSeries,
  type SeriesOptions,
  type SeriesSet,
} from './series';
export { detectSeasonality, type PeriodCandidate, type Seasonality } from './seasonality';
export {
  accuracy,
  maseScale,
  meanAccuracy,
  ACCURACY_METRICS,
  type Accuracy,
  type AccuracyMetric,
} from './accuracy';
export {
  backtest,
  planFolds,
  DEFAULT_FOLDS,
  defaultStep,
  type BacktestResult,
  type Fold,
  type FoldResult,
} from './backtest';
export { stl, loessTrend, type StlDecomposition, type StlOptions } from './stl';
export { decompose, type ClassicalDecomposition } from './decompose';
export {
  decomposeForChart,
  residualDiagnostics,
  type Decomposition,
  type ResidualDiagnostics,
} from './diagnostics';
export { calendarFeatures, type CalendarFeatures } from './calendar';
export {
  FORECASTERS,
  fitForecaster,
  forecasterNames,
  getForecaster,
  restoreForecaster,
} from './registry';
export { EnsembleForecast } from './ensemble';
export {
  candidateSpecs,
  sameForecasts,
  searchForecast,
  stoppedBecause,
  type CandidateSpec,
  type FoldForecast,
  type ForecastEvent,
  type LeaderboardEntry,
  type SearchOptions,
  type SeriesForecast,
  type StopReason,
} from './search';
export {
  forecastTable,
  type ForecastTableOptions,
  type SeriesResult,
  type TableForecast,
} from './forecast-table';
export { scoreTest, type SeriesTestScore, type TestOptions, type TestScore } from './evaluate';
export {
  loadForecast,
  saveForecast,
  type LoadedSeries,
  type SavedForecast,
  type SavedSeries,
} from './saved';
export { lagRidgeNeedsTfjs } from './lagreg';
