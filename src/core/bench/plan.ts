import type { BenchmarkPlan } from './types';

/**
 * Sized so that one backend takes a few seconds even on a software WebGPU adapter (~0.5 GFLOP/s),
 * where compiling the training step's shaders alone takes seconds: matrix products grow only
 * while one takes under 30 ms, there is a single warm-up step, and timed training stops once its
 * budget is spent.
 */
export const DEFAULT_PLAN: BenchmarkPlan = {
  matmul: { sizes: [128, 256, 512, 1024, 2048], reps: 5, growBelowMs: 30 },
  training: {
    inputs: 20,
    hidden: [64, 64],
    classes: 3,
    batchSize: 256,
    warmupSteps: 1,
    steps: 50,
    minSteps: 3,
    budgetMs: 1500,
    learningRate: 1e-3,
    seed: 20240601,
  },
};

/** The smallest plan that still exercises every kernel: a smoke test, not a measurement. */
export const SMOKE_PLAN: BenchmarkPlan = {
  matmul: { sizes: [64], reps: 2, growBelowMs: 0 },
  training: { ...DEFAULT_PLAN.training, batchSize: 32, warmupSteps: 1, steps: 3, minSteps: 1 },
};
