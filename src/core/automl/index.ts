export * from './types';
export {
  AutoMLSearch,
  type AutoMLResult,
  type FinishOptions,
  type RunOptions,
  type RunResult,
} from './search';
export { runAutoML, type RunAutoMLOptions } from './run';
export { AUTOML_METRICS, metricByName, resolveMetric } from './metric';
export { DEFAULT_BUDGET_SECONDS } from './setup';
