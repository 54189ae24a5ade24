export { benchmarkMatmul } from './matmul';
export { benchmarkTraining } from './training';
export { runBenchmarks, type SuiteOptions } from './suite';
export { fastestBackend } from './recommend';
export { DEFAULT_PLAN, SMOKE_PLAN } from './plan';
export type * from './types';
