export * from './types';
export {
  AutoMLSearch,
  type AutoMLResult,
  type FinishOptions,
  type RunOptions,
  type RunResult,
  type SearchOptions,
  PROPOSAL_WINDOW,
} from './search';
export {
  executeTrial,
  GPU_LEARNERS,
  inProcessTrials,
  slotExecutor,
  stoppedOutcome,
  type TrialExecutor,
  type TrialExecutorFactory,
  type TrialSlot,
  type TrialSpec,
} from './executor';
export type { TrialOutcome } from './trial';
export { trialContextOf, trialWorkload, type TrialWorkload } from './workload';
export { runAutoML, type RunAutoMLOptions } from './run';
export { AUTOML_METRICS, metricByName, resolveMetric } from './metric';
export { DEFAULT_BUDGET_SECONDS } from './setup';
